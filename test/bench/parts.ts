/**
 * pnpm bench:parts — the agent, in its own process as deployed, on a simulated conveyor running on the
 * real clock at rising rates, with the default model. The camera is hardware-triggered by the photo-eye
 * (one exposure per part, as high-rate lines are built); the agent reads each part's DataMatrix, inspects
 * its plate, and fires a reject (an HTTP action to a gate in this process) `delay` after the photo-eye
 * for every defect. The gate checks each reject arrives while its part is in front of it. Per rate:
 * - missed: parts the conveyor fed that got no result (the agent's own missed parts and dropped frames);
 * - mistimed: rejects outside their part's window, defects with no reject, rejects for good parts,
 *   verdicts the agent found too late for their window;
 * - p50/p99 trigger → verdict, ms (photo-eye edge to decision).
 * Final JSON line: parts_per_min_max (the highest rate with 0 missed and 0 mistimed), its
 * p99_trigger_to_verdict_ms, missed and mistimed summed over all rates, the per-rate rows, and CPU ms per part
 * of the agent process (main thread, whole process) with parts_per_min_cpu_bound = what two unshared cores
 * would carry by CPU time alone (wall-clock figures on a shared machine say more about the other work).
 * SL_BENCH_RATES (comma-separated parts/min) and SL_BENCH_SECONDS (line time per rate) change the runs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedBroker } from '@sightline/hub';
import { encode, HubState, type InspectionResult, topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import { spawnAgent } from '../support/agent-process.ts';
import { tempDir } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';
import { type CpuSample, cpuSample } from './thread-cpu.ts';

const RATES = (process.env.SL_BENCH_RATES ?? '300,600,900,1200,1800,2400').split(',').map(Number);
const SECONDS = Number(process.env.SL_BENCH_SECONDS ?? 15);
const PITCH = 288;
/** The gate sits 3.5 pitches after the photo-eye; a part is in front of it while its plate (±92 px) passes. */
const GATE_PX = 3.5 * PITCH;
const PLATE_HALF = 92;

interface Reject {
  part: string;
  /** The part's photo-eye time, ms (whole, as results carry it). */
  triggerTs: number;
  due: number;
  arrived: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) : 0;
}

async function main() {
  const tmp = await tempDir('sl-bench-parts-');
  const broker = await createEmbeddedBroker({ port: 0 });
  const hub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  const results = new Map<string, InspectionResult[]>();
  hub.on('message', (topic, payload) => {
    const agent = topic.split('/')[4] ?? '';
    const list = results.get(agent) ?? [];
    list.push(...(JSON.parse(payload.toString()) as { results: InspectionResult[] }).results);
    results.set(agent, list);
  });
  await hub.subscribeAsync(topics.uplinkFilter('results'), { qos: 1 });
  await hub.publishAsync(topics.hubState(), encode(HubState, { online: true, ts: Date.now() }), {
    qos: 1,
    retain: true,
  });

  let rejects: Reject[] = [];
  const gate = createServer((req, res) => {
    const arrived = Date.now();
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { part, due, triggerTs } = JSON.parse(body) as { part: string; due: number; triggerTs: number };
      rejects.push({ part, due, arrived, triggerTs: Math.round(triggerTs) });
      res.end();
    });
  });
  await new Promise<void>((r) => gate.listen(0, '127.0.0.1', () => r()));
  const gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/reject`;

  const rows = [];
  const load = [loadavg()[0] ?? 0];
  for (const rate of RATES) {
    const parts = Math.max(50, Math.round((rate / 60) * SECONDS));
    const speed = (rate / 60) * PITCH;
    const halfWindowMs = (PLATE_HALF / speed) * 1000;
    const id = `rate-${rate}`;
    rejects = [];
    const agent = await spawnAgent(
      tmp.dir,
      {
        site: 'bench',
        line: 'line-1',
        agent: id,
        broker: { url: broker.url },
        stateDir: join(tmp.dir, id),
        ...(process.env.SL_BENCH_RUNTIME ? { inference: { runtime: process.env.SL_BENCH_RUNTIME } } : {}),
        cameras: [
          {
            id: 'cam0',
            source: {
              kind: 'conveyor',
              seed: 3,
              defectRate: 0.1,
              partsPerMin: rate,
              pitchPx: PITCH,
              gaps: 0,
              capture: 'triggered',
              prerender: 100,
            },
            trigger: { kind: 'conveyor' },
            regions: [{ name: 'plate', x: 192, y: 0, w: 256, h: 256 }],
            identity: { from: 'code', code: { region: { x: 192, y: 256, w: 256, h: 64 } } },
          },
        ],
        actions: [
          {
            kind: 'http',
            url: gateUrl,
            delayMs: (GATE_PX / speed) * 1000,
            windowMs: halfWindowMs,
            maxInFlight: 16,
          },
        ],
      },
      ['--frames', String(parts)],
    );
    // CPU of the agent process as its results come in: per part in the middle of the run (10 % to 90 % of its
    // parts), so start-up and shutdown are left out. CPU time barely moves when other work shares the machine.
    const cpu: (CpuSample & { results: number })[] = [];
    const sampler = setInterval(async () => {
      const c = agent.child.pid ? await cpuSample(agent.child.pid) : undefined;
      if (c) cpu.push({ ...c, results: results.get(id)?.length ?? 0 });
    }, 200);
    const done = await agent.exited;
    clearInterval(sampler);
    const from = cpu.find((c) => c.results >= 0.1 * parts);
    const to = cpu.findLast((c) => c.results <= 0.9 * parts);
    const span = from && to && to.results > from.results ? to.results - from.results : Number.NaN;
    const mainMs = from && to ? (to.mainMs - from.mainMs) / span : Number.NaN;
    const allMs = from && to ? (to.allMs - from.allMs) / span : Number.NaN;
    const summary = JSON.parse(done.stdout.trim().split('\n').at(-1) ?? '{}') as {
      published: number;
      parts: { missed: number; late: number };
      dropped: number;
    };
    await waitFor(
      `${summary.published} results of ${id}`,
      10_000,
      () => (results.get(id)?.length ?? 0) >= summary.published,
    );
    const got = results.get(id) ?? [];
    // Prerendered parts repeat their codes every 100 parts: match rejects to defects by trigger time.
    const defects = new Set(got.filter((r) => r.verdict === 'defect').map((r) => r.trigger?.ts));
    // Rejects may still be on their way when the agent exits (its last parts' gate time): give them a moment.
    await waitFor('the last rejects', 5_000, () => rejects.length >= defects.size).catch(() => undefined);
    const rejected = new Set<number | undefined>(rejects.map((r) => r.triggerTs));
    const offWindow = rejects.filter((r) => Math.abs(r.arrived - r.due) > halfWindowMs).length;
    const mistimed =
      offWindow +
      [...defects].filter((p) => !rejected.has(p)).length +
      [...rejected].filter((p) => !defects.has(p)).length;
    const missed = parts - new Set(got.map((r) => r.trigger?.ts)).size;
    const latency = got
      .map((r) => (r.trigger?.delay ?? 0) + r.latency.total - r.latency.capture)
      .sort((a, b) => a - b);
    if (process.env.SL_BENCH_TRACE)
      process.stderr.write(
        `${got.map((r) => Math.round((r.trigger?.delay ?? 0) + r.latency.total - r.latency.capture)).join(' ')}\n`,
      );
    const lateness = rejects.map((r) => r.arrived - r.due).sort((a, b) => a - b);
    rows.push({
      parts_per_min: rate,
      parts,
      results: got.length,
      missed,
      mistimed,
      p50_trigger_to_verdict_ms: Math.round(percentile(latency, 0.5) * 10) / 10,
      p99_trigger_to_verdict_ms: Math.round(percentile(latency, 0.99) * 10) / 10,
      rejects: rejects.length,
      late: summary.parts?.late ?? 0,
      cpu_ms_per_part: { main: Math.round(mainMs * 100) / 100, process: Math.round(allMs * 100) / 100 },
      reject_window_ms: Math.round(halfWindowMs * 10) / 10,
      reject_lateness_p99_ms: Math.round(percentile(lateness, 0.99) * 10) / 10,
    });
    process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
    load.push(loadavg()[0] ?? 0);
  }
  await hub.endAsync();
  await broker.close();
  gate.close();
  await tmp.remove();
  const clean = rows.filter((r) => r.missed === 0 && r.mistimed === 0);
  const best = clean.at(-1);
  // What two unshared cores would carry: inspection is serial in the agent's main thread; the capture thread
  // (here the simulation, which a camera would not need) and the rest share the other core.
  const cpuRows = rows.filter((r) => Number.isFinite(r.cpu_ms_per_part.main));
  const main = cpuRows.reduce((a, r) => a + r.cpu_ms_per_part.main, 0) / cpuRows.length;
  const all = cpuRows.reduce((a, r) => a + r.cpu_ms_per_part.process, 0) / cpuRows.length;
  process.stdout.write(
    `${JSON.stringify({
      parts_per_min_max: best?.parts_per_min ?? 0,
      p99_trigger_to_verdict_ms: best?.p99_trigger_to_verdict_ms ?? null,
      missed: rows.reduce((n, r) => n + r.missed, 0),
      mistimed: rows.reduce((n, r) => n + r.mistimed, 0),
      cpu_ms_per_part: { main: Math.round(main * 100) / 100, process: Math.round(all * 100) / 100 },
      parts_per_min_cpu_bound: Math.floor(60_000 / Math.max(main, all / 2)),
      rates: rows,
      cpus: cpus().length,
      load_avg: load.map((l) => Math.round(l * 100) / 100),
    })}\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
