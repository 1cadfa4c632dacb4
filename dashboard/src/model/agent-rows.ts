import type { AgentSnapshot, LineCoverage } from '../api/types.ts';
import type { CsvColumn } from './csv.ts';
import { agentOnline } from './line-state.ts';

/** One agent's health as the agents table shows and exports it. */
export interface AgentRow {
  site: string;
  line: string;
  agent: string;
  online: boolean;
  /** "online", "offline" or "silent" (online by its last state, but nothing heard lately). */
  status: 'online' | 'offline' | 'silent' | 'unknown';
  lastSeen: number;
  fpsCaptured: number | null;
  fpsInspected: number | null;
  dropped: number | null;
  /** Frames inspected / captured over the coverage window. */
  coverage: number | null;
  latency: { p50: number; p95: number; p99: number } | null;
  stages: Array<{ stage: string; p95: number }>;
  outboxDepth: number | null;
  outboxDropped: number | null;
  cameras: Array<{ id: string; state: string }>;
  temperature: number | null;
  cpu: number | null;
  memoryMb: number | null;
  model: { id: string; version: string; sha256: string } | null;
  runtime: string | null;
  agentVersion: string | null;
  uptimeS: number | null;
}

export function agentRows(
  agents: readonly AgentSnapshot[],
  coverage: readonly LineCoverage[],
  hubNow: number,
): AgentRow[] {
  const cov = new Map<string, number | null>();
  for (const l of coverage) for (const a of l.agents) cov.set(`${l.site}/${l.line}/${a.agent}`, a.coverage);
  return agents
    .map((a): AgentRow => {
      const s = a.stats;
      const online = agentOnline(a, hubNow);
      const status = a.state === null ? 'unknown' : online ? 'online' : a.state.online ? 'silent' : 'offline';
      const stages = s?.stages
        ? Object.entries(s.stages)
            .filter((e): e is [string, { p50: number; p95: number; p99: number }] => e[1] !== undefined)
            .map(([stage, p]) => ({ stage, p95: p.p95 }))
        : [];
      return {
        site: a.site,
        line: a.line,
        agent: a.agent,
        online,
        status,
        lastSeen: a.last_seen_ts,
        fpsCaptured: s?.fps.in ?? null,
        fpsInspected: s?.fps.processed ?? null,
        dropped: s?.dropped ?? null,
        coverage: cov.get(`${a.site}/${a.line}/${a.agent}`) ?? null,
        latency: s?.latency ?? null,
        stages,
        outboxDepth: s?.outbox.depth ?? null,
        outboxDropped: s?.outbox.dropped ?? null,
        cameras: (s?.cameras ?? a.birth?.cameras ?? []).map((c) => ({
          id: c.id,
          state: c.state ?? 'unknown',
        })),
        temperature: s?.temperature_c ?? null,
        cpu: s?.cpu ?? null,
        memoryMb: s?.memory_mb ?? null,
        model: a.birth?.model ?? null,
        runtime: s?.runtime ?? a.birth?.runtime ?? null,
        agentVersion: a.birth?.agentVersion ?? null,
        uptimeS: s?.uptime_s ?? null,
      };
    })
    .sort(
      (a, b) =>
        a.site.localeCompare(b.site) || a.line.localeCompare(b.line) || a.agent.localeCompare(b.agent),
    );
}

export const AGENT_CSV: ReadonlyArray<CsvColumn<AgentRow>> = [
  { header: 'site', value: (r) => r.site },
  { header: 'line', value: (r) => r.line },
  { header: 'agent', value: (r) => r.agent },
  { header: 'status', value: (r) => r.status },
  { header: 'last_seen', value: (r) => new Date(r.lastSeen).toISOString() },
  { header: 'fps_captured', value: (r) => r.fpsCaptured },
  { header: 'fps_inspected', value: (r) => r.fpsInspected },
  { header: 'frames_dropped', value: (r) => r.dropped },
  { header: 'coverage', value: (r) => r.coverage },
  { header: 'latency_p50_ms', value: (r) => r.latency?.p50 },
  { header: 'latency_p95_ms', value: (r) => r.latency?.p95 },
  { header: 'latency_p99_ms', value: (r) => r.latency?.p99 },
  { header: 'stage_p95_ms', value: (r) => r.stages.map((s) => `${s.stage}=${s.p95}`).join(' ') },
  { header: 'outbox_depth', value: (r) => r.outboxDepth },
  { header: 'outbox_dropped', value: (r) => r.outboxDropped },
  { header: 'cameras', value: (r) => r.cameras.map((c) => `${c.id}=${c.state}`).join(' ') },
  { header: 'temperature_c', value: (r) => r.temperature },
  { header: 'cpu', value: (r) => r.cpu },
  { header: 'memory_mb', value: (r) => r.memoryMb },
  { header: 'model_id', value: (r) => r.model?.id },
  { header: 'model_version', value: (r) => r.model?.version },
  { header: 'model_sha256', value: (r) => r.model?.sha256 },
  { header: 'runtime', value: (r) => r.runtime },
  { header: 'agent_version', value: (r) => r.agentVersion },
];
