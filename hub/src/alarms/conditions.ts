import type { Baseline } from '@sightline/protocol';
import type { StoredRule } from '../ledger/index.ts';
import type { LineCounts } from '../metrics/index.ts';
import { coverageRatio, pChartLimits, pChartSignal } from '../metrics/index.ts';
import type { AgentSnapshot, ResultStore } from '../store/index.ts';
import { PARAM_DEFAULTS } from './defaults.ts';
import type { Condition } from './engine.ts';

export const inScope = (rule: StoredRule, l: { site: string; line: string }) =>
  rule.enabled &&
  (rule.site === null || rule.site === l.site) &&
  (rule.line === null || rule.line === l.line);

export const param = <K extends keyof typeof PARAM_DEFAULTS>(rule: StoredRule, k: K) =>
  rule.params[k] ?? PARAM_DEFAULTS[k];

/** Agents whose retained state says offline (the will), or silent for longer than the rule allows. */
export function offlineAgents(rule: StoredRule, agents: readonly AgentSnapshot[], now: number): Condition[] {
  const limitMs = param(rule, 'offline_after_s') * 1000;
  const out: Condition[] = [];
  for (const a of agents) {
    if (!inScope(rule, a)) continue;
    const base = { site: a.site, line: a.line, agent: a.agent, subject: null };
    if (a.state?.online === false) {
      out.push({
        ...base,
        since: a.state.ts,
        message: `agent ${a.agent} on ${a.site}/${a.line} is offline (it said so, or its connection dropped)`,
        detail: { reason: 'state', last_seen_ts: a.last_seen_ts },
      });
    } else if (now - a.last_seen_ts > limitMs) {
      const silentS = Math.round((now - a.last_seen_ts) / 1000);
      out.push({
        ...base,
        since: a.last_seen_ts,
        message: `agent ${a.agent} on ${a.site}/${a.line} has sent nothing for ${silentS} s`,
        detail: { reason: 'silent', last_seen_ts: a.last_seen_ts, silent_s: silentS },
      });
    }
  }
  return out;
}

/** Lines whose coverage (frames inspected / captured) over the window is below the rule's limit. */
export function lowCoverage(
  rule: StoredRule,
  lines: readonly LineCounts[],
  windowStart: number,
): Condition[] {
  const min = param(rule, 'coverage_min');
  const out: Condition[] = [];
  for (const l of lines) {
    if (!inScope(rule, l)) continue;
    const coverage = coverageRatio(l.frames_inspected, l.frames_captured);
    if (coverage === null || coverage >= min) continue;
    out.push({
      site: l.site,
      line: l.line,
      agent: null,
      subject: null,
      since: windowStart,
      message: `${l.site}/${l.line} inspects ${(coverage * 100).toFixed(1)} % of captured frames (limit ${(min * 100).toFixed(0)} %)`,
      detail: {
        coverage,
        coverage_min: min,
        frames_captured: l.frames_captured,
        frames_inspected: l.frames_inspected,
        frames_dropped: l.frames_dropped,
      },
    });
  }
  return out;
}

/**
 * The last complete bucket of a line against its frozen baseline p̄ (README "p-chart"): a condition when the point
 * is beyond its 3σ limit, null when in control, undefined when the bucket has too few parts to judge.
 */
export async function controlChartPoint(
  store: ResultStore,
  rule: StoredRule,
  baseline: Baseline,
  bucketEnd: number,
): Promise<Condition | null | undefined> {
  const minutes = param(rule, 'bucket_minutes');
  const toMinute = bucketEnd / 60_000;
  const [bucket] = await store.series({
    site: baseline.site,
    line: baseline.line,
    fromMinute: toMinute - minutes,
    toMinute,
    bucketMinutes: minutes,
    alignMinute: 0,
  });
  const n = bucket?.n ?? 0;
  if (!bucket || n < param(rule, 'min_n')) return undefined;
  const rate = bucket.defects / n;
  const limits = pChartLimits(baseline.p_bar, n);
  const signal = pChartSignal(rate, limits);
  if (!signal) return null;
  const pct = (x: number | null) => `${((x ?? 0) * 100).toFixed(2)} %`;
  return {
    site: baseline.site,
    line: baseline.line,
    agent: null,
    subject: null,
    since: bucket.start,
    message: `${baseline.site}/${baseline.line}: reject rate ${pct(rate)} is ${signal} the control limit ${pct(signal === 'above' ? limits.ucl : limits.lcl)} (${minutes} min from ${new Date(bucket.start).toISOString()}, n ${n})`,
    detail: {
      n,
      x: bucket.defects,
      rate,
      ucl: limits.ucl,
      lcl: limits.lcl,
      p_bar: baseline.p_bar,
      signal,
      bucket_start: bucket.start,
      bucket_minutes: minutes,
    },
  };
}
