import type { AlarmParams } from '@sightline/protocol';
import type { StoredRule } from '../ledger/alarms.ts';

/** Defaults of each kind's tunables, used where a rule leaves one out. */
export const PARAM_DEFAULTS: Required<AlarmParams> = {
  bucket_minutes: 60,
  min_n: 30,
  offline_after_s: 30,
  coverage_min: 0.9,
  window_s: 300,
  hold_s: 600,
};

const rule = (
  id: string,
  kind: StoredRule['kind'],
  severity: StoredRule['severity'],
  params: AlarmParams = {},
): StoredRule => ({
  id,
  kind,
  site: null,
  line: null,
  severity,
  enabled: true,
  params,
  webhook: null,
  updated_ts: 0,
  updated_by: 'hub defaults',
});

/** Fleet-wide rules a new hub starts with (written by the migration, so deleting one keeps it deleted). */
export const DEFAULT_RULES: readonly StoredRule[] = [
  rule('agent-offline', 'agent_offline', 'critical', { offline_after_s: 30 }),
  rule('camera-lost', 'camera_lost', 'critical'),
  rule('control-chart', 'control_chart', 'warning', { bucket_minutes: 60, min_n: 30 }),
  rule('coverage-low', 'coverage_low', 'warning', { coverage_min: 0.9, window_s: 300 }),
  rule('outbox-overflow', 'outbox_overflow', 'warning', { hold_s: 600 }),
  rule('model-change', 'model_change', 'info', { hold_s: 3600 }),
];

/** SQL inserting the default rules (JSON text quoted for a SQL string literal). */
export const DEFAULT_RULES_SQL = DEFAULT_RULES.map(
  (r) =>
    `INSERT INTO alarm_rules VALUES ('${r.id}', '${JSON.stringify(r).replaceAll("'", "''")}', 0, 'hub defaults');`,
).join('\n');
