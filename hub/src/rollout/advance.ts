import {
  compareVersions,
  type ModelDesired,
  type ModelIdentity,
  type RollbackOrder,
  type Rollout,
  type RolloutAgent,
  type RolloutEvent,
} from '@sightline/protocol';
import type { FleetAgent } from './fleet.ts';
import { evaluateGates } from './gates.ts';

/** What one step of a rollout asks for: desired states to publish and events to record. */
export interface Effects {
  desire: Array<{ key: string; desired: ModelDesired }>;
  events: RolloutEvent[];
}

export interface StepContext {
  now: number;
  agents: ReadonlyMap<string, FleetAgent>;
  sign(model: ModelIdentity, reason: string, rollout: string): RollbackOrder;
  /** The registry's bundle of a model, when it has one (a factory model has none). */
  bundleOf(model: ModelIdentity): { sha256: string; bytes: number } | undefined;
}

export const TERMINAL: ReadonlySet<Rollout['state']> = new Set(['completed', 'rolled-back', 'failed']);
const FAILED_PHASES = new Set(['failed', 'refused', 'rolled-back']);

const sameSha = (a: ModelIdentity | null | undefined, b: ModelIdentity | null | undefined) =>
  !!a && !!b && a.sha256 === b.sha256;

/** The mode this rollout wants on an agent at a stage: live from its active stage, shadow from its shadow stage. */
export function modeAt(a: RolloutAgent, stage: number): 'shadow' | 'active' | null {
  if (a.active_stage !== null && a.active_stage <= stage) return 'active';
  if (a.shadow_stage !== null && a.shadow_stage <= stage) return 'shadow';
  return null;
}

/** This rollout's latest status from the agent (older rollouts' statuses do not count). */
function statusOf(r: Rollout, agent: FleetAgent | undefined) {
  const s = agent?.status;
  return s && s.rollout === r.id ? s : null;
}

/** The agent runs what the rollout asked of it at this point. */
function reached(r: Rollout, a: RolloutAgent, agent: FleetAgent | undefined): boolean {
  const s = statusOf(r, agent);
  if (!s) return false;
  if (a.mode === 'shadow') return s.phase === 'shadow' && s.model.version === r.model.version;
  if (a.mode === 'active')
    return sameSha(s.active, r.model) && (s.phase === 'probation' || s.phase === 'active');
  if (a.mode === 'rollback')
    return sameSha(s.active, a.from) && (s.phase === 'probation' || s.phase === 'active');
  return false;
}

/** Copies what agents report into the rollout's per-agent progress. */
function refresh(r: Rollout, ctx: StepContext) {
  for (const a of r.agents) {
    const agent = ctx.agents.get(a.key);
    const s = statusOf(r, agent);
    if (s) {
      a.progress = s.phase;
      a.progress_share = s.progress ?? null;
      a.error = s.error ?? null;
      a.code = s.code ?? null;
      // Only a status of what was asked counts: a late status from before a switch is not this stage's.
      if (reached(r, a, agent)) a.compare = s.compare ?? a.compare;
      a.selftest = s.selftest ?? a.selftest;
      a.updated_ts = s.ts;
    }
    if (a.progress !== 'timed-out' && !reached(r, a, agent) && a.mode !== null && agent && !agent.online)
      a.progress = 'offline';
  }
}

export function desiredFor(
  r: Rollout,
  mode: 'shadow' | 'active',
  now: number,
  compare: boolean,
): ModelDesired {
  return {
    ts: now,
    model: r.model,
    bundle: r.bundle,
    mode,
    ...(compare ? { shadow: { share: r.spec.shadowShare } } : {}),
    ...(r.spec.thresholds ? { thresholds: r.spec.thresholds } : {}),
    rollout: r.id,
  };
}

/**
 * One step of a rollout's state machine (the orchestrator calls it every tick):
 *
 *   deploying(i) → observing(i) → deploying(i+1) … → completed
 *        └──────────┴── an agent fails or refuses, a gate fails, nobody answers, cancel ──→ rolling-back → rolled-back
 *
 * deploying: each agent of stage i gets its desired state (shadow or live, comparing on a share of frames)
 * and the stage waits until every one runs it, is offline, or is timed out. observing: the stage runs until
 * its agents compared `frames` frames each or `minutes` passed, then its gates are read. Mutates `r`.
 */
export function step(r: Rollout, ctx: StepContext): Effects {
  const fx: Effects = { desire: [], events: [] };
  const ev = (kind: string, reason: string, extra: Partial<RolloutEvent> = {}) =>
    fx.events.push({ ts: ctx.now, rollout: r.id, kind, reason, ...extra });
  const before = r.state;
  refresh(r, ctx);
  if (r.state === 'deploying' || r.state === 'observing') {
    const failed = r.agents.find((a) => {
      const s = statusOf(r, ctx.agents.get(a.key));
      return (
        a.mode !== null &&
        a.mode !== 'rollback' &&
        s &&
        FAILED_PHASES.has(s.phase) &&
        s.model.version === r.model.version
      );
    });
    if (failed)
      fail(
        r,
        ctx,
        fx,
        `agent ${failed.key} ${failed.progress}: ${failed.code ?? ''} ${failed.error ?? ''}`.trim(),
      );
  }
  if (r.state === 'deploying') deploy(r, ctx, fx, ev);
  else if (r.state === 'observing') observe(r, ctx, fx, ev);
  else if (r.state === 'rolling-back') rollingBack(r, ctx, ev);
  if (r.state !== before || fx.events.length) r.updated_ts = ctx.now;
  return fx;
}

type Ev = (kind: string, reason: string, extra?: Partial<RolloutEvent>) => void;

function deploy(r: Rollout, ctx: StepContext, fx: Effects, ev: Ev) {
  const i = r.stage;
  const stage = r.spec.stages[i];
  for (const a of r.agents) {
    const mode = modeAt(a, i);
    if (mode === null || a.mode === mode) continue;
    a.mode = mode;
    a.desired_ts = ctx.now;
    // The comparison starts over on the agent when the model goes live; the old one no longer counts.
    a.compare = null;
    a.frames_base = 0;
    if (a.progress !== 'offline') a.progress = 'waiting';
    fx.desire.push({ key: a.key, desired: desiredFor(r, mode, ctx.now, true) });
    ev(
      'agent',
      `${a.key}: ${mode === 'shadow' ? 'runs the model in shadow' : 'makes the model live'} (stage ${i + 1}, ${stage?.kind})`,
      { agent: a.key },
    );
  }
  const members = r.agents.filter((a) => modeAt(a, i) !== null);
  for (const a of members) {
    const agent = ctx.agents.get(a.key);
    if (reached(r, a, agent) || a.progress === 'timed-out' || !agent?.online) continue;
    if (ctx.now - r.stage_started_ts > r.spec.agentTimeoutS * 1000) {
      a.progress = 'timed-out';
      ev(
        'timed-out',
        `${a.key} did not reach stage ${i + 1} within ${r.spec.agentTimeoutS} s; left out of its gates`,
        { agent: a.key },
      );
    }
  }
  const settled = members.every(
    (a) =>
      reached(r, a, ctx.agents.get(a.key)) || a.progress === 'timed-out' || !ctx.agents.get(a.key)?.online,
  );
  if (!settled) return;
  const running = members.filter((a) => reached(r, a, ctx.agents.get(a.key)));
  if (running.length === 0) {
    fail(r, ctx, fx, `no agent of stage ${i + 1} answered (offline or timed out)`);
    return;
  }
  // Each stage counts its own frames: an agent still comparing from an earlier stage starts from here; one
  // that joined in this stage began its comparison with it.
  for (const a of members) {
    const carried = a.desired_ts !== null && a.desired_ts < r.stage_started_ts;
    a.frames_base = carried ? (a.compare?.frames ?? 0) : 0;
  }
  r.state = 'observing';
  r.stage_started_ts = ctx.now;
  ev('stage', `stage ${i + 1} (${stage?.kind}) runs on ${running.length} agent(s); observing`);
  // A stage with nothing to wait for is judged at once.
  observe(r, ctx, fx, ev);
}

function observe(r: Rollout, ctx: StepContext, fx: Effects, ev: Ev) {
  const i = r.stage;
  const stage = r.spec.stages[i];
  if (!stage) return;
  const live = r.agents.filter(
    (a) => modeAt(a, i) !== null && a.progress !== 'timed-out' && reached(r, a, ctx.agents.get(a.key)),
  );
  const frames = (a: RolloutAgent) => {
    const now = a.compare?.frames ?? 0;
    // A comparison that started over (the agent switched models) counts from zero.
    return now >= a.frames_base ? now - a.frames_base : now;
  };
  const elapsed = ctx.now - r.stage_started_ts;
  if (stage.frames !== undefined && elapsed > r.spec.agentTimeoutS * 1000) {
    for (const a of live.filter((x) => frames(x) < (stage.frames as number))) {
      a.progress = 'timed-out';
      ev(
        'timed-out',
        `${a.key} compared ${frames(a)} of ${stage.frames} frames within ${r.spec.agentTimeoutS} s; left out of the gates`,
        { agent: a.key },
      );
    }
  }
  const counted = live.filter((a) => a.progress !== 'timed-out');
  if (counted.length === 0) {
    fail(r, ctx, fx, `no agent of stage ${i + 1} is left to judge the model by`);
    return;
  }
  const enoughFrames =
    stage.frames !== undefined && counted.every((a) => frames(a) >= (stage.frames as number));
  const enoughTime = stage.minutes !== undefined && elapsed >= stage.minutes * 60_000;
  if (!enoughFrames && !enoughTime && (stage.frames !== undefined || stage.minutes !== undefined)) return;
  const results = evaluateGates(
    counted.flatMap((a) => (a.compare ? [a.compare] : [])),
    r.spec.gates,
  );
  r.gates.push({ stage: i, ts: ctx.now, results });
  const failedGates = results.filter((g) => !g.passed);
  const describe = (g: (typeof results)[number]) =>
    `${g.gate} ${g.value === null ? 'n/a' : g.value.toFixed(4)} (limit ${g.limit})`;
  ev(
    'gates',
    `stage ${i + 1}: ${failedGates.length ? `failed ${failedGates.map(describe).join(', ')}` : `passed ${results.map(describe).join(', ')}`}`,
    {
      detail: { results },
    },
  );
  if (failedGates.length)
    fail(r, ctx, fx, `stage ${i + 1} gates failed: ${failedGates.map(describe).join(', ')}`);
  else advanceStage(r, ctx, fx, ev, 'gates passed');
}

/** Moves to the next stage (deploying it at once), or completes the rollout after the last. */
export function advanceStage(r: Rollout, ctx: StepContext, fx: Effects, ev: Ev, why: string) {
  if (r.stage + 1 < r.spec.stages.length) {
    r.stage += 1;
    r.state = 'deploying';
    r.stage_started_ts = ctx.now;
    ev('advanced', `${why}; stage ${r.stage + 1} (${r.spec.stages[r.stage]?.kind}) begins`);
    deploy(r, ctx, fx, ev);
    return;
  }
  r.state = 'completed';
  r.reason = why;
  // The comparison stops: the last good model is let go once probation ends.
  for (const a of r.agents) {
    if (a.mode === 'active') fx.desire.push({ key: a.key, desired: desiredFor(r, 'active', ctx.now, false) });
  }
  ev(
    'completed',
    `${why}; ${r.model.id} ${r.model.version} is live on ${r.agents.filter((a) => a.mode === 'active').length} agent(s)`,
  );
}

/** Stops the rollout and sends every agent that took the model back to the model it ran before. */
export function fail(r: Rollout, ctx: StepContext, fx: Effects, reason: string, kind = 'failed') {
  r.state = 'rolling-back';
  r.reason = reason;
  r.stage_started_ts = ctx.now;
  fx.events.push({ ts: ctx.now, rollout: r.id, kind, reason });
  let back = 0;
  for (const a of r.agents) {
    if (a.mode === null || !a.from) continue;
    const order =
      compareVersions(a.from.version, r.model.version) < 0 ? ctx.sign(a.from, reason, r.id) : undefined;
    const bundle = ctx.bundleOf(a.from);
    fx.desire.push({
      key: a.key,
      desired: {
        ts: ctx.now,
        model: a.from,
        ...(bundle ? { bundle } : {}),
        mode: 'active',
        ...(order ? { rollback: order } : {}),
        rollout: r.id,
      },
    });
    a.mode = 'rollback';
    a.desired_ts = ctx.now;
    back += 1;
  }
  fx.events.push({
    ts: ctx.now,
    rollout: r.id,
    kind: 'rolling-back',
    reason: `${back} agent(s) sent back to the model they ran before`,
  });
}

function rollingBack(r: Rollout, ctx: StepContext, ev: Ev) {
  const pending = r.agents.filter((a) => a.mode === 'rollback' && !reached(r, a, ctx.agents.get(a.key)));
  const waiting = pending.filter((a) => {
    const agent = ctx.agents.get(a.key);
    if (!agent?.online || a.progress === 'timed-out') return false;
    if (ctx.now - r.stage_started_ts > r.spec.agentTimeoutS * 1000) {
      a.progress = 'timed-out';
      ev(
        'timed-out',
        `${a.key} did not confirm the rollback within ${r.spec.agentTimeoutS} s; it will when it can`,
        { agent: a.key },
      );
      return false;
    }
    return true;
  });
  if (waiting.length) return;
  r.state = 'rolled-back';
  const away = pending.length
    ? `; ${pending.length} agent(s) offline or silent will roll back when they return`
    : '';
  ev('rolled-back', `${r.reason ?? 'rolled back'}${away}`);
}
