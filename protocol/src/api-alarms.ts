/** HTTP API shapes of the hub's alarms: rules (with webhooks), alarms with their state, acknowledgements. */
import { z } from 'zod';

const ms = z.number().describe('epoch milliseconds');

export const AlarmKind = z.enum([
  'control_chart',
  'agent_offline',
  'camera_lost',
  'coverage_low',
  'outbox_overflow',
  'model_change',
]);
export const Severity = z.enum(['info', 'warning', 'critical']);

/** Tunables of a rule; each kind reads the ones it needs (defaults in the hub's README). */
export const AlarmParams = z.strictObject({
  bucket_minutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .optional()
    .describe('control_chart: bucket length; the last complete bucket is checked against the frozen p̄'),
  min_n: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('control_chart: buckets with fewer parts are not judged'),
  offline_after_s: z
    .number()
    .min(5)
    .max(86_400)
    .optional()
    .describe('agent_offline: silence after which an agent whose state is online counts as offline'),
  coverage_min: z.number().min(0).max(1).optional().describe('coverage_low: lowest acceptable coverage'),
  window_s: z
    .number()
    .min(60)
    .max(86_400)
    .optional()
    .describe('coverage_low: window coverage is measured over'),
  hold_s: z
    .number()
    .min(0)
    .max(7 * 86_400)
    .optional()
    .describe('outbox_overflow, model_change: quiet time after which the alarm clears by itself'),
});

export const Webhook = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).describe('receives a JSON POST per alarm change'),
  cooldown_s: z
    .number()
    .min(0)
    .max(86_400)
    .default(300)
    .describe('at most one POST per rule in this time; changes meanwhile are merged into the next one'),
  headers: z.record(z.string(), z.string().max(1000)).optional().describe('e.g. an Authorization header'),
});

export const WebhookDelivery = z.object({
  sent: z.number().describe('POSTs answered 2xx'),
  failed: z.number().describe('notifications given up after every retry'),
  retried: z.number().describe('attempts repeated after a failure'),
  merged: z
    .number()
    .describe('alarm changes superseded by a newer change of the same alarm while waiting out the cooldown'),
  dropped: z.number().describe('notifications dropped because the queue was full'),
  last_status: z.number().nullable(),
  last_error: z.string().nullable(),
  last_ts: ms.nullable(),
});

export const AlarmRule = z.object({
  id: z.string(),
  kind: AlarmKind,
  site: z.string().nullable().describe('null: every site'),
  line: z.string().nullable().describe('null: every line'),
  severity: Severity,
  enabled: z.boolean(),
  params: AlarmParams,
  webhook: Webhook.nullable(),
  updated_ts: ms,
  updated_by: z.string(),
  delivery: WebhookDelivery.describe('since the hub started'),
});
export const AlarmRulesResponse = z.object({ rules: z.array(AlarmRule) });
export const AlarmRuleBody = z.strictObject({
  kind: AlarmKind,
  site: z.string().nullable().optional(),
  line: z.string().nullable().optional(),
  severity: Severity.optional(),
  enabled: z.boolean().optional(),
  params: AlarmParams.optional(),
  webhook: Webhook.nullable().optional(),
});

export const AlarmState = z.enum(['active', 'acknowledged', 'cleared']);
export const Alarm = z.object({
  id: z.number(),
  rule: z.string(),
  kind: AlarmKind,
  severity: Severity,
  site: z.string(),
  line: z.string(),
  agent: z.string().nullable(),
  subject: z.string().nullable().describe('what within the agent or line: a camera id, a model version'),
  state: AlarmState.describe('active → acknowledged (a person saw it) → cleared (the condition ended)'),
  since: ms,
  last_ts: ms.describe('when the condition was last seen'),
  cleared_ts: ms.nullable(),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()),
  ack: z.object({ who: z.string(), ts: ms, note: z.string() }).nullable(),
});
export const AlarmsResponse = z.object({ now: ms, alarms: z.array(Alarm) });
export const AckBody = z.strictObject({ note: z.string().min(1).max(1000) });

/** What a webhook receives. */
export const WebhookPayload = z.object({
  hub: z.string().describe('the hub URL'),
  ts: ms,
  rule: z.string(),
  alarms: z.array(Alarm).describe('the latest state of each alarm that changed since the last POST'),
});

export type AlarmKind = z.infer<typeof AlarmKind>;
export type Severity = z.infer<typeof Severity>;
export type AlarmParams = z.infer<typeof AlarmParams>;
export type Webhook = z.infer<typeof Webhook>;
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export type AlarmRule = z.infer<typeof AlarmRule>;
export type AlarmRuleBody = z.infer<typeof AlarmRuleBody>;
export type AlarmState = z.infer<typeof AlarmState>;
export type Alarm = z.infer<typeof Alarm>;
export type AlarmsResponse = z.infer<typeof AlarmsResponse>;
export type WebhookPayload = z.infer<typeof WebhookPayload>;
