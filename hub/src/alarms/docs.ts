import {
  AckBody,
  Alarm,
  AlarmKind,
  AlarmRule,
  AlarmRuleBody,
  AlarmRulesResponse,
  AlarmsResponse,
} from '@sightline/protocol';
import { z } from 'zod';
import { idParam } from '../api/params.ts';
import { intParam, type RouteDoc } from '../api/route-doc.ts';

export const AlarmsQuery = z.object({
  state: z
    .enum(['open', 'active', 'acknowledged', 'cleared', 'all'])
    .default('open')
    .describe('open = active or acknowledged (default)'),
  site: idParam('site').optional(),
  line: idParam('line').optional(),
  kind: AlarmKind.optional(),
  limit: intParam(200, 1, 5000, 'how many, newest first (1-5000)'),
});
export const AlarmPath = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/, 'expected an alarm id')
    .transform(Number),
});
export const RulePath = z.object({ id: idParam('rule') });

export const alarmDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/alarms',
    summary: 'Alarms with severity, since when, state and acknowledgement, newest first',
    query: AlarmsQuery,
    response: AlarmsResponse,
    csv: true,
  },
  {
    method: 'post',
    path: '/api/alarms/{id}/ack',
    summary: 'Acknowledges an alarm with a note (who and when are kept)',
    role: 'qc-lead',
    params: AlarmPath,
    body: AckBody,
    response: Alarm,
  },
  {
    method: 'get',
    path: '/api/alarms/rules',
    summary: 'Alarm rules per fleet/site/line, with their webhook and its delivery counts',
    response: AlarmRulesResponse,
    csv: true,
  },
  {
    method: 'put',
    path: '/api/alarms/rules/{id}',
    summary: 'Creates or replaces a rule (kind, scope, severity, params, webhook)',
    role: 'admin',
    params: RulePath,
    body: AlarmRuleBody,
    response: AlarmRule,
  },
  {
    method: 'delete',
    path: '/api/alarms/rules/{id}',
    summary: 'Deletes a rule; its open alarms are cleared',
    role: 'admin',
    params: RulePath,
    response: z.object({ deleted: z.string() }),
  },
];
