import {
  BaselineResponse,
  FleetRoiResponse,
  FreezeBaselineBody,
  OpportunityResponse,
  RoiInputsPatch,
  RoiInputsState,
  RoiReport,
} from '@sightline/protocol';
import { z } from 'zod';
import { LinePath } from '../api/params.ts';
import { type RouteDoc, timeParam } from '../api/route-doc.ts';
import { windowParam } from '../api/window.ts';

export const RoiQuery = z.object({
  from: timeParam('start of W (epoch ms or ISO 8601); default: go-live, else 7 days before `to`'),
  to: timeParam('end of W (exclusive); default: now'),
});
export const FleetRoiQuery = z.object({ window: windowParam(86_400) });
export const OpportunityQuery = z.object({
  window: windowParam(30 * 86_400).describe(
    'volume is measured over this window and scaled to a year (≤ 31d)',
  ),
});

export const roiDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/lines/{site}/{line}/roi/inputs',
    summary: "The line's ROI inputs and their change history (who, when, old → new)",
    params: LinePath,
    response: RoiInputsState,
    csv: true,
  },
  {
    method: 'put',
    path: '/api/lines/{site}/{line}/roi/inputs',
    summary: 'Changes some ROI inputs (null clears one); each change is kept with who and when',
    role: 'qc-lead',
    params: LinePath,
    body: RoiInputsPatch,
    response: RoiInputsState,
  },
  {
    method: 'get',
    path: '/api/lines/{site}/{line}/baseline',
    summary: "The line's frozen baseline (window B, p_base, s_base, the p-chart reference p̄), or null",
    params: LinePath,
    response: BaselineResponse,
  },
  {
    method: 'post',
    path: '/api/lines/{site}/{line}/baseline',
    summary:
      "Freezes a window as the line's baseline: p_base and s_base from its pilot results, p̄ for the p-chart",
    description:
      'p_base is audit-corrected when labels exist in the window. p_base and s_base are written to the ROI inputs (in their history). 409 when the window has no pilot results, ends in the future, or straddles the go-live.',
    role: 'qc-lead',
    params: LinePath,
    body: FreezeBaselineBody,
    response: BaselineResponse,
  },
  {
    method: 'get',
    path: '/api/lines/{site}/{line}/roi',
    summary: 'ROI figures over W, each with its inputs; cumulative ROI and payback since go-live',
    params: LinePath,
    query: RoiQuery,
    response: RoiReport,
    csv: true,
  },
  {
    method: 'get',
    path: '/api/roi',
    summary: 'Savings, cost, net and ROI of every line over a window ending now (fleet tiles)',
    query: FleetRoiQuery,
    response: FleetRoiResponse,
    csv: true,
  },
  {
    method: 'get',
    path: '/api/roi/opportunity',
    summary: 'Lines ranked by estimated annual cost of poor quality (where inspection pays most)',
    query: OpportunityQuery,
    response: OpportunityResponse,
    csv: true,
  },
];
