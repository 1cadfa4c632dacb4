import type {
  AuditCounts,
  Baseline,
  FleetRoiResponse,
  OpportunityResponse,
  RoiInputs,
  RoiInputsState,
  RoiReport,
} from '@sightline/protocol';
import { ConflictError, QueryError } from '../errors.ts';
import { type Ledger, type LineRef, lineKey, noRoiInputs } from '../ledger/index.ts';
import {
  auditFigures,
  baselineFigures,
  costOfPoorQuality,
  cumulativeRoi,
  emptyAudit,
  emptyCounts,
  type LineCounts,
  roiFigures,
} from '../metrics/index.ts';
import type { ResultStore } from '../store/index.ts';
import { DAY_MS } from './time.ts';

export interface RoiService {
  inputs(line: LineRef): Promise<RoiInputsState>;
  patchInputs(
    line: LineRef,
    patch: Partial<RoiInputs>,
    by: { who: string; note: string | null },
  ): Promise<RoiInputsState>;
  baseline(line: LineRef): Promise<Baseline | null>;
  freeze(
    line: LineRef,
    window: { from: number; to: number },
    by: { who: string; note: string | null },
  ): Promise<Baseline>;
  report(line: LineRef, window: { from?: number; to?: number }): Promise<RoiReport>;
  fleet(windowMs: number): Promise<FleetRoiResponse>;
  opportunity(windowMs: number): Promise<OpportunityResponse>;
}

/** The counts the store holds for one line over [from, to) (its windows are (start, end]; ts are whole ms). */
async function countsOf(store: ResultStore, line: LineRef, from: number, to: number): Promise<LineCounts> {
  const all = await store.lineCounts({ start: from - 1, end: to - 1 });
  return (
    all.find((c) => c.site === line.site && c.line === line.line) ?? { ...emptyCounts(), ...line, agents: 0 }
  );
}

/** Live-mode counts of a window: the system acted on these; pilot results are apart. */
function roiWindow(c: LineCounts, spanMs: number, audit: AuditCounts) {
  return { n: c.n - c.pilot_n, x: c.defects - c.pilot_defects, nAll: c.n, runMs: c.run_ms, spanMs, audit };
}

/** Assembles the ROI figures of metrics/ from the store's counts and the ledger's inputs, baselines and labels. */
export function createRoiService({
  store,
  ledger,
  now = Date.now,
}: {
  store: ResultStore;
  ledger: Ledger;
  now?: () => number;
}): RoiService {
  const inputsState = async (line: LineRef): Promise<RoiInputsState> => ({
    ...line,
    inputs: await ledger.inputs.get(line),
    history: await ledger.inputs.history(line),
  });

  return {
    inputs: inputsState,
    async patchInputs(line, patch, { who, note }) {
      await ledger.inputs.patch(line, patch, { who, note, ts: now() });
      return inputsState(line);
    },
    baseline: (line) => ledger.baselines.current(line),

    async freeze(line, { from, to }, { who, note }) {
      const at = now();
      if (!(from < to)) throw new QueryError('from must be before to');
      if (to > at)
        throw new ConflictError(
          `the window ends in the future (${new Date(to).toISOString()}); freeze a past window`,
        );
      const mode = await ledger.modes.get(line);
      if (mode.go_live_ts !== null && from < mode.go_live_ts && to > mode.go_live_ts) {
        throw new ConflictError(
          `the window straddles the go-live at ${new Date(mode.go_live_ts).toISOString()}; a baseline is a pilot period: end it before the go-live`,
        );
      }
      const counts = await countsOf(store, line, from, to);
      if (counts.pilot_n === 0) {
        throw new ConflictError(
          `${lineKey(line)} has no pilot results in that window (${counts.n} live ones): run the line in pilot mode, then freeze a window of it`,
        );
      }
      const audit = await ledger.labels.counts(line, from, to);
      const f = baselineFigures({
        pilotN: counts.pilot_n,
        pilotX: counts.pilot_defects,
        nAll: counts.n,
        runMs: counts.run_ms,
        audit,
      });
      const baseline: Baseline = {
        ...line,
        from,
        to,
        frozen_ts: at,
        frozen_by: who,
        note,
        n: counts.pilot_n,
        x: counts.pilot_defects,
        n_all: counts.n,
        live_excluded: counts.n - counts.pilot_n,
        run_min: counts.run_ms / 60_000,
        reject_rate: f.reject_rate,
        reject_rate_ci: f.reject_rate_ci,
        audit,
        p_base: f.p_base,
        p_base_corrected: f.p_base_corrected,
        s_base: f.s_base,
        p_bar: f.p_bar,
      };
      await ledger.baselines.freeze(baseline);
      const window = `${new Date(from).toISOString()} – ${new Date(to).toISOString()}`;
      await ledger.inputs.patch(
        line,
        { p_base: f.p_base, ...(f.s_base === null ? {} : { s_base: f.s_base }) },
        { who, ts: at, note: `baseline frozen: ${window}${note ? ` (${note})` : ''}` },
      );
      // A baseline after the go-live starts a new pilot epoch: CAPEX counts from the next go-live.
      if (mode.go_live_ts !== null && from >= mode.go_live_ts) await ledger.modes.clearGoLive(line);
      return baseline;
    },

    async report(line, window) {
      const to = window.to ?? now();
      const mode = await ledger.modes.get(line);
      const from =
        window.from ?? (mode.go_live_ts !== null && mode.go_live_ts < to ? mode.go_live_ts : to - 7 * DAY_MS);
      if (!(from < to)) throw new QueryError('from must be before to');
      const [inputs, baseline, counts, audit] = await Promise.all([
        ledger.inputs.get(line),
        ledger.baselines.current(line),
        countsOf(store, line, from, to),
        ledger.labels.counts(line, from, to),
      ]);
      const ref = baseline ? { n: baseline.n, x: baseline.x } : null;
      const w = roiWindow(counts, to - from, audit);
      const figures = roiFigures(w, inputs, ref);
      const goLive = mode.go_live_ts !== null && mode.go_live_ts < to ? mode.go_live_ts : null;
      let cumulativeSavings = figures.savings;
      if (goLive !== null && goLive !== from) {
        const [c, a] = await Promise.all([
          countsOf(store, line, goLive, to),
          ledger.labels.counts(line, goLive, to),
        ]);
        cumulativeSavings = roiFigures(roiWindow(c, to - goLive, a), inputs, ref).savings;
      }
      return {
        ...line,
        mode: mode.mode,
        from,
        to,
        go_live_ts: mode.go_live_ts,
        baseline,
        inputs,
        counts: {
          n: w.n,
          x: w.x,
          n_all: counts.n,
          pilot_excluded: counts.pilot_n,
          run_min: counts.run_ms / 60_000,
        },
        audit,
        ...auditFigures(audit),
        figures,
        cumulative: cumulativeRoi({ from: goLive, to }, cumulativeSavings, inputs),
      };
    },

    async fleet(windowMs) {
      const to = now();
      const from = to - windowMs;
      const [counts, inputs, baselines, modes, audits] = await Promise.all([
        store.lineCounts({ start: from - 1, end: to - 1 }),
        ledger.inputs.all(),
        ledger.baselines.all(),
        ledger.modes.list(),
        ledger.labels.countsByLine(from, to),
      ]);
      const modeOf = new Map(modes.map((m) => [lineKey(m), m]));
      const lines = counts.map((c) => {
        const key = lineKey(c);
        const baseline = baselines.get(key) ?? null;
        const f = roiFigures(
          roiWindow(c, windowMs, audits.get(key) ?? emptyAudit()),
          inputs.get(key) ?? noRoiInputs(),
          baseline ? { n: baseline.n, x: baseline.x } : null,
        );
        const m = modeOf.get(key);
        return {
          site: c.site,
          line: c.line,
          mode: m?.mode ?? ('live' as const),
          go_live_ts: m?.go_live_ts ?? null,
          baseline_frozen: baseline !== null,
          n: c.n - c.pilot_n,
          savings: f.savings,
          cost: f.cost,
          net: f.net,
          roi_pct: f.roi_pct,
          escapes_prevented: f.escapes_prevented,
        };
      });
      return { from, to, lines };
    },

    async opportunity(windowMs) {
      const to = now();
      const [counts, inputs, labels] = await Promise.all([
        store.lineCounts({ start: to - windowMs - 1, end: to - 1 }),
        ledger.inputs.all(),
        ledger.labels.perLine(),
      ]);
      const rows = counts.map((c) => {
        const i = inputs.get(lineKey(c)) ?? noRoiInputs();
        return {
          site: c.site,
          line: c.line,
          ...costOfPoorQuality({ n: c.n, spanMs: windowMs }, i),
          labels: labels.get(lineKey(c)) ?? 0,
          samples: null,
        };
      });
      rows.sort((a, b) => (b.copq.value ?? -1) - (a.copq.value ?? -1));
      return { window_s: windowMs / 1000, now: to, lines: rows.map((r, i) => ({ rank: i + 1, ...r })) };
    },
  };
}
