import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AgentSnapshot, AgentUpdate, LineMetrics, LineUpdate } from '../api/types.ts';
import type { HubLink } from '../live/hub-link.ts';

export const lineKey = (l: { site: string; line: string }) => `${l.site}/${l.line}`;

/** Figures of a line with nothing in the window (known only from its agents). */
export function emptyLine(site: string, line: string): LineMetrics {
  const zero = { frames_captured: 0, frames_inspected: 0, frames_dropped: 0, coverage: null };
  return {
    site,
    line,
    agents: 0,
    inspected: 0,
    defects: 0,
    uncertain: 0,
    defect_rate: 0,
    defect_rate_ci: [0, 1],
    run_min: 0,
    parts_per_min: 0,
    truth_n: 0,
    true_defect_rate: null,
    first_ts: null,
    last_ts: null,
    shadow: { inspected: 0, defects: 0 },
    pilot: { inspected: 0, defects: 0 },
    coverage: zero,
    latency: { mean_ms: null, p50_ms: null, p95_ms: null, max_ms: null },
  };
}

export interface FleetOptions {
  link: () => HubLink | undefined;
  /** The window the figures cover, e.g. "5m". */
  window: () => string;
  windowSeconds: () => number;
  /** Full agent snapshots (stats, model) are re-read this often; state changes arrive live. */
  agentsEveryMs?: number;
}

/**
 * The fleet's figures, kept live: one load of `/api/lines` and `/api/agents`, then `line` and `agent`
 * events from the shared live stream; reloads after the stream reconnects (events may have been missed).
 * Lines known only from their agents (nothing in the window) are kept with empty figures: a dead line
 * must not vanish.
 */
export class FleetController implements ReactiveController {
  lines = new Map<string, LineMetrics>();
  agents = new Map<string, AgentSnapshot>();
  /** Window (seconds) the figures in `lines` are for. */
  windowS: number | undefined;
  error: Error | undefined;
  loaded = false;
  /** Browser time of the last update of any line (load or event). */
  updatedAt: number | undefined;
  /** Agent snapshots arrived (until then a line's state comes from its results alone). */
  agentsLoaded = false;
  #byLine = new Map<string, AgentSnapshot[]>();

  readonly #host: ReactiveControllerHost;
  readonly #options: FleetOptions;
  #unsubscribe: Array<() => void> = [];
  #abort: AbortController | undefined;
  #agentsTimer: ReturnType<typeof setTimeout> | undefined;
  #agentsSoon: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, options: FleetOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    const link = this.#options.link();
    if (!link) return;
    link.live.setWindow(this.#options.window());
    this.#unsubscribe = [
      link.live.on('line', (u) => this.#onLine(u)),
      link.live.on('agent', (u) => this.#onAgent(u)),
      link.live.onStatus((s) => {
        if (s.state === 'open') void this.reload();
      }),
      link.onChange(() => this.#host.requestUpdate()),
    ];
    void this.reload();
  }

  hostDisconnected(): void {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    this.#abort?.abort();
    clearTimeout(this.#agentsTimer);
    clearTimeout(this.#agentsSoon);
  }

  /** Agents of one line. */
  agentsOf(site: string, line: string): AgentSnapshot[] {
    return this.#byLine.get(`${site}/${line}`) ?? [];
  }

  /** Every line: those with figures in the window and those known only from their agents. */
  allLines(): LineMetrics[] {
    const all = new Map(this.lines);
    for (const a of this.agents.values()) {
      const key = lineKey(a);
      if (!all.has(key)) all.set(key, emptyLine(a.site, a.line));
    }
    return [...all.values()].sort((a, b) => a.site.localeCompare(b.site) || a.line.localeCompare(b.line));
  }

  /**
   * Reloads lines and agents now (window changed, stream reconnected). Each is shown as soon as it arrives:
   * tiles need not wait for a thousand agent snapshots.
   */
  async reload(): Promise<void> {
    const link = this.#options.link();
    if (!link) return;
    link.live.setWindow(this.#options.window());
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const window = this.#options.window();
    const failed = (cause: unknown) => {
      if (abort.signal.aborted) return;
      this.error = cause instanceof Error ? cause : new Error(String(cause));
      this.#host.requestUpdate();
    };
    const sentAt = Date.now();
    const lines = link.api.lines(window, abort.signal).then((body) => {
      link.clock.observe(body.now, sentAt, Date.now());
      this.lines = new Map(body.lines.map((l) => [lineKey(l), l]));
      this.windowS = body.window_s;
      this.error = undefined;
      this.loaded = true;
      this.updatedAt = Date.now();
      this.#host.requestUpdate();
    }, failed);
    const agents = link.api.agents(abort.signal).then((body) => {
      this.#setAgents(body.agents);
      this.#host.requestUpdate();
    }, failed);
    await Promise.all([lines, agents]);
    this.#scheduleAgents(this.#options.agentsEveryMs ?? 10_000);
  }

  #setAgents(list: AgentSnapshot[]): void {
    this.agents = new Map(list.map((a) => [`${lineKey(a)}/${a.agent}`, a]));
    this.agentsLoaded = true;
    this.#index();
  }

  #index(): void {
    const byLine = new Map<string, AgentSnapshot[]>();
    for (const a of this.agents.values()) {
      const key = lineKey(a);
      const list = byLine.get(key);
      if (list) list.push(a);
      else byLine.set(key, [a]);
    }
    this.#byLine = byLine;
  }

  #scheduleAgents(ms: number): void {
    clearTimeout(this.#agentsTimer);
    this.#agentsTimer = setTimeout(() => void this.#reloadAgents(), ms);
  }

  async #reloadAgents(): Promise<void> {
    const link = this.#options.link();
    if (!link) return;
    try {
      this.#setAgents((await link.api.agents()).agents);
      this.#host.requestUpdate();
    } catch {
      // Liveness (the health check) reports a hub that does not answer; the next round tries again.
    }
    this.#scheduleAgents(this.#options.agentsEveryMs ?? 10_000);
  }

  #onLine(u: LineUpdate): void {
    if (u.window_s !== this.#options.windowSeconds()) return;
    const link = this.#options.link();
    const t = Date.now();
    link?.clock.observe(u.now, t, t);
    const { window_s: _w, now: _n, ...metrics } = u;
    this.lines.set(lineKey(u), metrics);
    this.windowS = u.window_s;
    this.updatedAt = t;
    this.#host.requestUpdate();
  }

  #onAgent(u: AgentUpdate): void {
    const key = `${lineKey(u)}/${u.agent}`;
    const known = this.agents.get(key);
    const state =
      u.online === null || u.session === null
        ? (known?.state ?? null)
        : { online: u.online, session: u.session, ts: u.ts };
    this.agents.set(key, {
      site: u.site,
      line: u.line,
      agent: u.agent,
      birth: known?.birth ?? null,
      stats: known?.stats ?? null,
      model_status: known?.model_status ?? null,
      state,
      last_seen_ts: Math.max(known?.last_seen_ts ?? 0, u.ts),
    });
    if (!known) this.#index();
    else {
      const list = this.#byLine.get(lineKey(u));
      const i = list?.findIndex((a) => a.agent === u.agent) ?? -1;
      const updated = this.agents.get(key);
      if (list && i >= 0 && updated) list[i] = updated;
    }
    this.#host.requestUpdate();
    // A birth brings a new model or cameras: read the full snapshot soon, once for a burst of changes.
    clearTimeout(this.#agentsSoon);
    this.#agentsSoon = setTimeout(() => void this.#reloadAgents(), 1_000);
  }
}
