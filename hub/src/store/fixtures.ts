import type { AgentState, Birth, InspectionResult, Stats } from '@sightline/protocol';

/** A valid result with seq `seq`, captured at `ts`; tests override what they check. */
export function makeResult(seq: number, overrides: Partial<InspectionResult> = {}): InspectionResult {
  return {
    seq,
    ts: 1_700_000_000_000 + seq * 1000,
    frame: `f-${seq}`,
    model: { id: 'default', version: '1.0.0' },
    verdict: 'ok',
    score: 0.1,
    threshold: 0.5,
    latency: { capture: 1, preprocess: 2, infer: 3, total: 6 },
    shadow: false,
    replayed: false,
    mode: 'live',
    ...overrides,
  };
}

export function makeBirth(session: string, ts: number): Birth {
  return {
    session,
    ts,
    agentVersion: '0.1.0',
    model: { id: 'default', version: '1.0.0', sha256: 'a'.repeat(64) },
    cameras: [{ id: 'cam0', source: 'synthetic', state: 'running' }],
    thresholds: { defect: 0.5 },
    capabilities: [],
  };
}

export function makeState(online: boolean, session: string, ts: number): AgentState {
  return { online, session, ts };
}

export function makeStats(session: string, ts: number, fps: number): Stats {
  return {
    ts,
    session,
    uptime_s: 10,
    fps: { in: fps, processed: fps },
    dropped: 0,
    latency: { p50: 2, p95: 3, p99: 4 },
    outbox: { depth: 0, dropped: 0 },
    cpu: 0.5,
    memory_mb: 100,
    cameras: [],
  };
}
