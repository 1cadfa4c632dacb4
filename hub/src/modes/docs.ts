import { GoLiveBody, LineModeState, ModesResponse, SetModeBody } from '@sightline/protocol';
import { LinePath } from '../api/params.ts';
import type { RouteDoc } from '../api/route-doc.ts';

export const modeDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/modes',
    summary:
      "Every known line's mode (pilot / live), go-live time, agents' reported modes and the change history",
    response: ModesResponse,
    csv: true,
  },
  {
    method: 'get',
    path: '/api/lines/{site}/{line}/mode',
    summary: "One line's mode, go-live time, its agents' reported modes and the change history",
    params: LinePath,
    response: LineModeState,
  },
  {
    method: 'put',
    path: '/api/lines/{site}/{line}/mode',
    summary:
      "Sets the line's mode: each of its agents gets cmd/set-mode now and again whenever it is born in another mode",
    description:
      'pilot: agents decide and report but do not act (observe-only). Switching pilot → live here is the go-live switch (the same as POST go-live). A line not seen yet may be set ahead of its agents.',
    role: 'qc-lead',
    params: LinePath,
    body: SetModeBody,
    response: LineModeState,
  },
  {
    method: 'post',
    path: '/api/lines/{site}/{line}/go-live',
    summary: 'The go-live switch: pilot → live, recorded with its time (CAPEX is counted from the first one)',
    description: '409 when the line is not in pilot.',
    role: 'qc-lead',
    params: LinePath,
    body: GoLiveBody,
    response: LineModeState,
  },
];
