/**
 * Part of bench:rollout: what shadow comparison costs the live path. One real agent process (synthetic camera
 * at 30 fps, the default model in onnxruntime-node) runs without a shadow, then with the rollout's model in
 * shadow on `share` of the frames; the live results' latency (capture → verdict) is compared.
 */
import type { Hub } from '@sightline/hub';
import type { Rollout } from '@sightline/protocol';
import { spawnAgent } from '../support/agent-process.ts';
import { getRollout, startRollout } from '../support/bundles.ts';
import { agentBroker, apiFetch } from '../support/credentials.ts';
import { waitFor } from '../support/wait.ts';

interface Row {
  seq: number;
  ts: number;
  shadow: boolean;
  latency_total: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
};

async function rows(hub: Hub, agent: string): Promise<Row[]> {
  const body = (await (await apiFetch(hub, `/api/results?agent=${agent}&limit=1000`)).json()) as {
    results: Row[];
  };
  return body.results;
}

export async function measureShadowLatency(o: {
  hub: Hub;
  dir: string;
  publicKey: string;
  share: number;
  frames: number;
  log: (m: string) => void;
}) {
  const agent = 'shadow-bench';
  const proc = await spawnAgent(o.dir, {
    site: 'bench',
    line: 'shadow',
    agent,
    broker: await agentBroker(o.hub, { site: 'bench', line: 'shadow', agent }),
    stateDir: `${o.dir}/${agent}`,
    inference: { runtime: 'onnxruntime-node' },
    publish: { batchSize: 50, batchMs: 100 },
    cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 5, fps: 30 } }],
    update: { trustedKeys: [o.publicKey] },
  });
  try {
    const live = async (after: number) => (await rows(o.hub, agent)).filter((r) => !r.shadow && r.ts > after);
    const warm = Date.now() + 3000;
    await waitFor('warm-up', 60_000, async () => Date.now() > warm && (await rows(o.hub, agent)).length > 0);
    const t0 = Date.now();
    o.log(`shadow cost: ${o.frames} live frames without a shadow`);
    const before = await waitFor('frames without shadow', 120_000, async () => {
      const r = await live(t0);
      return r.length >= o.frames ? r.slice(0, o.frames) : undefined;
    });
    const started = await startRollout(o.hub, {
      model: { id: 'default', version: '2.1.0' },
      targets: { agents: [agent] },
      stages: [{ kind: 'shadow', share: 1, frames: 1_000_000 }],
      shadowShare: o.share,
    });
    await waitFor('the agent shadowing', 60_000, async () => {
      const r: Rollout = await getRollout(o.hub, started.id);
      return r.state === 'observing';
    });
    const t1 = Date.now();
    o.log(`shadow cost: ${o.frames} live frames with ${o.share} of them compared in shadow`);
    const after = await waitFor('frames with shadow', 120_000, async () => {
      const r = await live(t1);
      return r.length >= o.frames ? r.slice(0, o.frames) : undefined;
    });
    const compared = (await rows(o.hub, agent)).filter((r) => r.shadow && r.ts > t1).length;
    await apiFetch(o.hub, `/api/rollouts/${started.id}/cancel`, { method: 'POST' });
    const lat = (r: Row[]) => r.map((x) => x.latency_total);
    const without = { p50: percentile(lat(before), 0.5), p95: percentile(lat(before), 0.95) };
    const withShadow = { p50: percentile(lat(after), 0.5), p95: percentile(lat(after), 0.95) };
    return {
      shadow_share: o.share,
      shadow_compared: compared,
      live_p50_ms: [Number(without.p50.toFixed(2)), Number(withShadow.p50.toFixed(2))],
      live_p95_ms: [Number(without.p95.toFixed(2)), Number(withShadow.p95.toFixed(2))],
      live_p95_ratio: Number((withShadow.p95 / without.p95).toFixed(3)),
    };
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
}
