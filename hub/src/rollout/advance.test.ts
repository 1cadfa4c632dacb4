import {
  type Compare,
  type ModelIdentity,
  type ModelStatus,
  type Rollout,
  RolloutSpec,
  type RolloutSpecInput,
} from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { type StepContext, step } from './advance.ts';
import type { FleetAgent } from './fleet.ts';
import { evaluateGates } from './gates.ts';
import { planStages } from './targets.ts';

const sha = (c: string) => c.repeat(64);
const v1: ModelIdentity = { id: 'm', version: '1.0.0', sha256: sha('1') };
const v2: ModelIdentity = { id: 'm', version: '2.0.0', sha256: sha('2') };

function compare(frames: number, agree: number): Compare {
  const side = (version: string, defects: number) => ({
    model: { id: 'm', version },
    defects,
    errors: 0,
    infer_p50: 3,
    infer_p95: 4,
    hist: new Array(20).fill(0),
  });
  return {
    frames,
    agree,
    ok_to_defect: frames - agree,
    defect_to_ok: 0,
    score_diff_mean: 0,
    score_diff_max: 0,
    skipped: 0,
    baseline: side('1.0.0', 0),
    candidate: side('2.0.0', frames - agree),
    pairs: [],
  };
}

/** A fleet of agents that do whatever their desired state says, at once. */
function fleet(keys: string[]) {
  const agents = new Map<string, FleetAgent>(
    keys.map((key) => {
      const [site = '', line = '', agent = ''] = key.split('/');
      return [
        key,
        { key, site, line, agent, online: true, active: v1, status: null, thresholds: null, recipes: [] },
      ];
    }),
  );
  const report = (key: string, status: Partial<ModelStatus> & Pick<ModelStatus, 'phase'>) => {
    const a = agents.get(key) as FleetAgent;
    const full: ModelStatus = {
      ts: 1,
      model: { id: 'm', version: '2.0.0' },
      rollout: 'r1',
      active: a.active ?? v1,
      ...status,
    };
    a.status = full;
    a.active = full.active ?? a.active;
  };
  return { agents, report };
}

function rollout(keys: string[], spec: RolloutSpecInput): Rollout {
  const parsed = RolloutSpec.parse(spec);
  return {
    id: 'r1',
    spec: parsed,
    model: v2,
    bundle: { sha256: sha('b'), bytes: 10 },
    state: 'deploying',
    stage: 0,
    stage_started_ts: 0,
    created_ts: 0,
    updated_ts: 0,
    reason: null,
    gates: [],
    agents: planStages('r1', keys, parsed.stages).map((p) => ({
      key: p.key,
      site: 's',
      line: 'l',
      agent: p.key,
      stage: Math.min(p.shadow ?? 99, p.active ?? 99),
      shadow_stage: p.shadow,
      active_stage: p.active,
      mode: null,
      desired_ts: null,
      frames_base: 0,
      from: v1,
      progress: 'waiting',
      progress_share: null,
      error: null,
      code: null,
      compare: null,
      selftest: null,
      updated_ts: 0,
    })),
  };
}

let clock = 1000;
const tick = () => {
  clock += 10;
  return clock;
};
/** Each step a moment later (unless a time is given), as on a real hub. */
const ctx = (agents: Map<string, FleetAgent>, now = tick()): StepContext => ({
  now,
  agents,
  sign: (model, reason, id) => ({
    format: 'sightline-rollback-v1',
    model,
    reason,
    rollout: id,
    issued: now,
    expires: now + 1,
    keyId: 'k',
    signature: 'sig',
  }),
  bundleOf: () => undefined,
});

const keys = Array.from({ length: 10 }, (_, i) => `s/l/a${i}`);

describe('planStages', () => {
  it('covers ceil(share × n) agents per stage, cumulatively, the canary among the shadowed', () => {
    const plan = planStages(
      'r',
      keys,
      RolloutSpec.parse({
        model: v2,
        stages: [
          { kind: 'shadow', share: 0.3 },
          { kind: 'canary', share: 0.1 },
          { kind: 'wave', share: 1 },
        ],
      }).stages,
    );
    expect(plan.filter((p) => p.shadow === 0)).toHaveLength(3);
    expect(plan.filter((p) => p.active === 1)).toHaveLength(1);
    expect(plan.filter((p) => p.active === 2)).toHaveLength(9);
    const canary = plan.find((p) => p.active === 1);
    expect(canary?.shadow).toBe(0);
    // Another rollout ranks the agents otherwise.
    expect(planStages('other', keys, RolloutSpec.parse({ model: v2 }).stages).map((p) => p.key)).not.toEqual(
      plan.map((p) => p.key),
    );
  });
});

describe('gates', () => {
  it('sum agreement and defect-rate change over agents; unknown figures pass as null', () => {
    const gates = RolloutSpec.parse({ model: v2 }).gates;
    const results = evaluateGates([compare(100, 99), compare(100, 90)], gates);
    expect(results.find((g) => g.gate === 'min_agreement')).toMatchObject({ value: 0.945, passed: false });
    expect(results.find((g) => g.gate === 'max_defect_rate_change')).toMatchObject({
      value: 0.055,
      passed: false,
    });
    expect(evaluateGates([], gates).every((g) => g.passed && g.value === null)).toBe(true);
  });
});

describe('rollout state machine', () => {
  it('shadow → canary → fleet when the agents agree', () => {
    const f = fleet(keys);
    const r = rollout(keys, {
      model: v2,
      stages: [
        { kind: 'shadow', share: 1, frames: 50 },
        { kind: 'canary', share: 0.2, frames: 50 },
        { kind: 'wave', share: 1 },
      ],
    });
    let fx = step(r, ctx(f.agents));
    expect(fx.desire).toHaveLength(10);
    expect(fx.desire.every((d) => d.desired.mode === 'shadow' && d.desired.shadow?.share === 0.25)).toBe(
      true,
    );
    expect(r.state).toBe('deploying');
    for (const k of keys) f.report(k, { phase: 'shadow', shadow: { id: 'm', version: '2.0.0' } });
    step(r, ctx(f.agents));
    expect(r.state).toBe('observing');
    for (const k of keys) f.report(k, { phase: 'shadow', compare: compare(30, 30) });
    step(r, ctx(f.agents));
    expect(r.state).toBe('observing');
    for (const k of keys) f.report(k, { phase: 'shadow', compare: compare(60, 60) });
    fx = step(r, ctx(f.agents));
    expect(r.gates[0]?.results.every((g) => g.passed)).toBe(true);
    expect(r.state).toBe('deploying');
    expect(r.stage).toBe(1);
    expect(fx.desire.map((d) => d.desired.mode)).toEqual(['active', 'active']);
    for (const d of fx.desire) f.report(d.key, { phase: 'probation', active: v2 });
    step(r, ctx(f.agents));
    expect(r.state).toBe('observing');
    // Each stage counts its own frames: the canaries compare anew, the others go on from 60.
    const canaries = new Set(fx.desire.map((d) => d.key));
    for (const k of keys)
      f.report(
        k,
        canaries.has(k)
          ? { phase: 'probation', active: v2, compare: compare(50, 50) }
          : { phase: 'shadow', compare: compare(100, 100) },
      );
    step(r, ctx(f.agents));
    expect(r.stage).toBe(1);
    for (const k of keys) if (!canaries.has(k)) f.report(k, { phase: 'shadow', compare: compare(110, 110) });
    fx = step(r, ctx(f.agents));
    expect(r.stage).toBe(2);
    expect(fx.desire).toHaveLength(8);
    for (const d of fx.desire) f.report(d.key, { phase: 'active', active: v2 });
    fx = step(r, ctx(f.agents));
    expect(r.state).toBe('completed');
    // The final desired states stop comparing.
    expect(fx.desire).toHaveLength(10);
    expect(fx.desire.every((d) => d.desired.shadow === undefined && d.desired.mode === 'active')).toBe(true);
    expect(fx.events.map((e) => e.kind)).toContain('completed');
  });

  it('a failed gate rolls back every agent that took the model, with a signed order where it is a downgrade', () => {
    const f = fleet(keys.slice(0, 3));
    const r = rollout(keys.slice(0, 3), { model: v2, stages: [{ kind: 'canary', share: 1, frames: 20 }] });
    step(r, ctx(f.agents));
    for (const k of keys.slice(0, 3)) f.report(k, { phase: 'probation', active: v2 });
    step(r, ctx(f.agents));
    for (const k of keys.slice(0, 3))
      f.report(k, { phase: 'probation', active: v2, compare: compare(40, 4) });
    const fx = step(r, ctx(f.agents));
    expect(r.state).toBe('rolling-back');
    expect(r.reason).toMatch(/min_agreement 0\.1000 \(limit 0\.95\)/);
    expect(fx.desire).toHaveLength(3);
    expect(
      fx.desire.every(
        (d) => d.desired.model.version === '1.0.0' && d.desired.rollback?.model.version === '1.0.0',
      ),
    ).toBe(true);
    for (const k of keys.slice(0, 3))
      f.report(k, { phase: 'active', model: { id: 'm', version: '1.0.0' }, active: v1 });
    step(r, ctx(f.agents));
    expect(r.state).toBe('rolled-back');
  });

  it('an agent refusing the model stops the rollout; offline agents are skipped, silent ones time out', () => {
    const three = keys.slice(0, 3);
    const f = fleet(three);
    (f.agents.get(three[0] as string) as FleetAgent).online = false;
    const r = rollout(three, { model: v2, stages: [{ kind: 'shadow', share: 1 }], agentTimeoutS: 10 });
    step(r, ctx(f.agents, 1000));
    f.report(three[1] as string, { phase: 'shadow' });
    step(r, ctx(f.agents, 2000));
    expect(r.state).toBe('deploying');
    step(r, ctx(f.agents, 20_000));
    expect(r.agents.find((a) => a.key === three[2])?.progress).toBe('timed-out');
    expect(r.agents.find((a) => a.key === three[0])?.progress).toBe('offline');
    expect(r.state).toBe('completed');

    const g = fleet(three);
    const s = rollout(three, { model: v2, stages: [{ kind: 'shadow', share: 1 }] });
    step(s, ctx(g.agents));
    g.report(three[1] as string, {
      phase: 'refused',
      code: 'SL_BUNDLE_UNTRUSTED',
      error: 'key abc is not trusted',
    });
    step(s, ctx(g.agents));
    expect(s.state).toBe('rolling-back');
    expect(s.reason).toBe(`agent ${three[1]} refused: SL_BUNDLE_UNTRUSTED key abc is not trusted`);
  });
});

describe('targets', () => {
  it('match sites, lines, agents and products (recipes from birth), each list narrowing', async () => {
    const { matchTargets } = await import('./targets.ts');
    const a = (key: string, recipes: string[] = []): FleetAgent => {
      const [site = '', line = '', agent = ''] = key.split('/');
      return { key, site, line, agent, online: true, active: v1, status: null, thresholds: null, recipes };
    };
    const fleet = [a('p1/l1/a1', ['plate-a']), a('p1/l2/a2', ['plate-b']), a('p2/l1/a3', ['plate-a'])];
    const keys = (t: Parameters<typeof matchTargets>[1]) => matchTargets(fleet, t).map((x) => x.key);
    expect(keys({})).toHaveLength(3);
    expect(keys({ sites: ['p1'] })).toEqual(['p1/l1/a1', 'p1/l2/a2']);
    expect(keys({ lines: ['l1'] })).toEqual(['p1/l1/a1', 'p2/l1/a3']);
    expect(keys({ lines: ['p2/l1'] })).toEqual(['p2/l1/a3']);
    expect(keys({ products: ['plate-a'], sites: ['p1'] })).toEqual(['p1/l1/a1']);
    expect(keys({ agents: ['a2'] })).toEqual(['p1/l2/a2']);
  });
});
