/**
 * HTTP API shapes of the quality-economics side of the hub: line modes (pilot / live), the frozen baseline,
 * ROI inputs with their history, ROI figures (each with the inputs behind it), audit labels and the audit
 * sample behind π and ρ, and the opportunity ranking. Formulas: the hub's README, "Quality and ROI figures".
 */
import { z } from 'zod';
import { Mode } from './messages.ts';

const ms = z.number().describe('epoch milliseconds');
const who = z.string().describe('who did it: the authenticated user, or "anonymous"');

/** Pilot: agents decide and report but never act (observe-only); live: they act on their verdicts. */
export const LineMode = Mode;

/**
 * One derived figure and everything it was computed from, so the dashboard, the report and the CSV can show
 * the inputs beside it. `value` is null when an input it needs is missing (named in `missing`).
 */
export const Figure = z.object({
  value: z.number().nullable(),
  unit: z.string().describe('fraction, parts, parts/min, $, months, %, z, p'),
  formula: z.string().describe("how value follows from inputs, in the README's symbols"),
  inputs: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  interval: z.tuple([z.number(), z.number()]).nullable().describe('Wilson 95 % interval, where there is one'),
  flags: z
    .array(z.string())
    .describe(
      'machine-readable notes: uncorrected (no audit), low-n (n < 30: grey it), not-yet (payback), floored (shown at 0, signed in exports), missing-input',
    ),
  missing: z.array(z.string()).describe('inputs the figure needs that are not entered'),
  note: z.string().nullable().describe('one sentence for a person'),
});

export const ModeChange = z.object({
  ts: ms,
  who,
  from: LineMode.nullable(),
  to: LineMode,
  go_live: z.boolean().describe('this change was the go-live switch'),
  note: z.string().nullable(),
});

export const AgentMode = z.object({
  agent: z.string(),
  reported: LineMode.nullable().describe(
    "the mode in the agent's latest birth (null: an agent without modes)",
  ),
  online: z.boolean().nullable(),
  converged: z.boolean().describe('reported equals the line mode'),
  commanded_ts: ms.nullable().describe('when the hub last sent this agent cmd/set-mode'),
});

export const LineModeState = z.object({
  site: z.string(),
  line: z.string(),
  mode: LineMode.describe('the mode the hub wants for every agent of the line (default live)'),
  since: ms.nullable(),
  set_by: who.nullable(),
  go_live_ts: ms
    .nullable()
    .describe('first pilot → live switch after the current baseline; CAPEX is counted here'),
  agents: z.array(AgentMode),
  history: z.array(ModeChange).describe('newest first'),
});
export const ModesResponse = z.object({ lines: z.array(LineModeState) });
export const SetModeBody = z.strictObject({ mode: LineMode, note: z.string().max(500).optional() });
export const GoLiveBody = z.strictObject({ note: z.string().max(500).optional() });

/** The audited precision and recall of reject decisions over a set of labels. */
export const AuditCounts = z.object({
  confirmed_defect: z.number().describe('rejects a person confirmed defective'),
  false_reject: z.number().describe('rejects a person found good'),
  missed_defect: z.number().describe('passed parts a person found defective'),
  confirmed_ok: z.number().describe('passed parts a person found good (audit coverage; not in π or ρ)'),
});

export const Baseline = z.object({
  site: z.string(),
  line: z.string(),
  from: ms,
  to: ms.describe('exclusive'),
  frozen_ts: ms,
  frozen_by: who,
  note: z.string().nullable(),
  n: z.number().describe('pilot results in the window (the baseline sample)'),
  x: z.number().describe('pilot rejects in the window'),
  n_all: z.number().describe('every live-or-pilot result in the window (throughput counts all parts)'),
  live_excluded: z.number().describe('results in the window made in live mode, left out of p_base'),
  run_min: z.number(),
  reject_rate: z.number().nullable(),
  reject_rate_ci: z.tuple([z.number(), z.number()]),
  audit: AuditCounts,
  p_base: z
    .number()
    .nullable()
    .describe('defect rate in B: audit-corrected when labels exist, else the reject rate'),
  p_base_corrected: z.boolean(),
  s_base: z.number().nullable().describe('throughput in B, parts/min'),
  p_bar: z.number().nullable().describe('the frozen p-chart reference Σx/Σn over B'),
});
export const BaselineResponse = z.object({ baseline: Baseline.nullable() });
export const FreezeBaselineBody = z.strictObject({
  from: z.union([z.number(), z.string()]).describe('window start, epoch ms or ISO 8601'),
  to: z
    .union([z.number(), z.string()])
    .describe('window end (exclusive), epoch ms or ISO 8601, not after now'),
  note: z.string().max(500).optional(),
});

const money = z.number().nonnegative().nullable();
const fraction = z.number().min(0).max(1).nullable();
/** Per-line inputs a QC lead enters (null: not entered). */
export const RoiInputs = z.object({
  e_base: fraction.describe('baseline escape rate: escaped defects / units shipped in B'),
  p_base: fraction.describe('baseline defect rate in B (set by the baseline freeze; may be overridden)'),
  s_base: z.number().nonnegative().nullable().describe('baseline throughput in B, parts/min (freeze)'),
  c_esc: money.describe('cost per escaped defect, $'),
  c_fr: money.describe('cost per falsely rejected good part, $'),
  c_int: money.describe('cost per defect produced (scrap/rework), $; optional'),
  h_base: z.number().nonnegative().nullable().describe('inspection hours per year before; optional'),
  h_cur: z.number().nonnegative().nullable().describe('inspection hours per year now; optional'),
  r_lab: money.describe('loaded labour rate, $/h; optional'),
  capex: money.describe('one-off cost, $, counted once at go-live'),
  opex_y: money.describe('running cost per year, $'),
});
export const RoiInputName = RoiInputs.keyof();
export const RoiInputsPatch = RoiInputs.partial()
  .extend({ note: z.string().max(500).optional() })
  .strict();
export const RoiInputChange = z.object({
  ts: ms,
  who,
  field: RoiInputName,
  old: z.number().nullable(),
  new: z.number().nullable(),
  note: z.string().nullable(),
});
export const RoiInputsState = z.object({
  site: z.string(),
  line: z.string(),
  inputs: RoiInputs,
  history: z.array(RoiInputChange).describe('newest first'),
});

export const RoiFigures = z.object({
  reject_rate: Figure.describe('r = x/n with its Wilson interval (grey when n < 30)'),
  defect_rate: Figure.describe('p = (π·x/ρ)/n; with no audit p = r, flagged uncorrected'),
  throughput: Figure.describe('n / run_min'),
  throughput_change: Figure.describe('(thr − s_base)/s_base'),
  reduction: Figure.describe('(p_base − p)/p_base'),
  z_test: Figure.describe('two-proportion z of baseline x/n against current x/n'),
  p_value: Figure.describe('two-sided p-value of z_test'),
  false_reject_rate: Figure.describe('(1−π)·x / (n − D)'),
  miss_rate: Figure.describe('1 − ρ'),
  escape_rate: Figure.describe('e_cur = π·x·(1−ρ)/(ρ·n)'),
  escapes_prevented: Figure.describe('n·(e_base − e_cur), floored at 0 (signed in inputs.signed)'),
  savings_escapes: Figure,
  savings_scrap: Figure.describe('n·(p_base − p)·C_int'),
  savings_labour: Figure.describe('(H_base − H_cur)·R_lab prorated to W'),
  cost_false_rejects: Figure.describe('(1−π)·x·C_fr, subtracted'),
  savings: Figure.describe('sum of the buckets'),
  cost: Figure.describe('OPEX_y × |W| / 1 yr'),
  net: Figure.describe('savings − cost'),
  roi_pct: Figure.describe('(savings − cost)/cost × 100 over W, CAPEX not included'),
});

export const CumulativeRoi = z.object({
  from: ms.nullable().describe('go-live; null before it'),
  to: ms,
  savings: Figure,
  opex: Figure,
  capex: Figure,
  roi_pct: Figure.describe('(Σ savings − Σ OPEX − CAPEX)/(CAPEX + Σ OPEX) × 100'),
  annual_savings: Figure,
  payback_months: Figure.describe('CAPEX / ((annual savings − OPEX_y)/12); flag not-yet when ≤ 0'),
});

export const RoiReport = z.object({
  site: z.string(),
  line: z.string(),
  mode: LineMode,
  from: ms,
  to: ms,
  go_live_ts: ms.nullable(),
  baseline: Baseline.nullable(),
  inputs: RoiInputs,
  counts: z.object({
    n: z.number().describe('live-mode results in W (the AI acted on these)'),
    x: z.number(),
    n_all: z.number().describe('every result in W'),
    pilot_excluded: z.number().describe('pilot-mode results in W, left out of the savings'),
    run_min: z.number(),
  }),
  audit: AuditCounts,
  pi: Figure.describe('confirmed / (confirmed + false reject) over audited rejects in W'),
  rho: Figure.describe('confirmed / (confirmed + missed) over audited defects in W'),
  figures: RoiFigures,
  cumulative: CumulativeRoi,
});

export const RoiSummary = z.object({
  site: z.string(),
  line: z.string(),
  mode: LineMode,
  go_live_ts: ms.nullable(),
  baseline_frozen: z.boolean(),
  n: z.number(),
  savings: Figure,
  cost: Figure,
  net: Figure,
  roi_pct: Figure,
  escapes_prevented: Figure,
});
export const FleetRoiResponse = z.object({ from: ms, to: ms, lines: z.array(RoiSummary) });

export const Opportunity = z.object({
  rank: z.number(),
  site: z.string(),
  line: z.string(),
  annual_volume: Figure.describe('parts in the window scaled to a year'),
  copq: Figure.describe('annual cost of poor quality = annual volume × (e_base·C_esc + p_base·C_int)'),
  labels: z.number().describe('labelled results on this line'),
  samples: z.number().nullable().describe('sample images stored for this line (null: no sample store)'),
});
export const OpportunityResponse = z.object({ window_s: z.number(), now: ms, lines: z.array(Opportunity) });

export const LabelKind = z.enum(['confirmed_defect', 'false_reject', 'missed_defect', 'confirmed_ok']);
export const Label = z.object({
  site: z.string(),
  line: z.string(),
  agent: z.string(),
  seq: z.number(),
  kind: LabelKind,
  note: z.string().nullable(),
  who,
  ts: ms.describe('when the label was set'),
  result: z.object({
    ts: ms.describe('capture time of the labelled result'),
    verdict: z.enum(['ok', 'defect', 'uncertain']),
    score: z.number(),
    threshold: z.number(),
    mode: LineMode,
    model: z.object({ id: z.string(), version: z.string() }),
    image: z.string().nullable().describe('sha256:<hex> of its sample image, or a file reference'),
  }),
});
export const LabelBody = z.strictObject({
  kind: LabelKind.nullable().describe('null clears the label (kept in the history)'),
  note: z.string().max(500).optional(),
  ts: z.number().optional().describe("the result's capture time, when known: finds it faster"),
});
export const LabelsResponse = z.object({ labels: z.array(Label) });
export const LabelChange = z.object({ ts: ms, who, kind: LabelKind.nullable(), note: z.string().nullable() });
export const LabelHistoryResponse = z.object({ changes: z.array(LabelChange).describe('newest first') });
export const AuditSample = z.object({
  site: z.string(),
  line: z.string(),
  from: ms,
  to: ms,
  counts: AuditCounts,
  pi: Figure,
  rho: Figure,
  labels: z.array(Label).describe('the labels behind π and ρ, newest first (at most 1000)'),
});

export type LineMode = z.infer<typeof LineMode>;
export type Figure = z.infer<typeof Figure>;
export type ModeChange = z.infer<typeof ModeChange>;
export type AgentMode = z.infer<typeof AgentMode>;
export type LineModeState = z.infer<typeof LineModeState>;
export type ModesResponse = z.infer<typeof ModesResponse>;
export type AuditCounts = z.infer<typeof AuditCounts>;
export type Baseline = z.infer<typeof Baseline>;
export type RoiInputs = z.infer<typeof RoiInputs>;
export type RoiInputName = z.infer<typeof RoiInputName>;
export type RoiInputChange = z.infer<typeof RoiInputChange>;
export type RoiInputsState = z.infer<typeof RoiInputsState>;
export type RoiFigures = z.infer<typeof RoiFigures>;
export type CumulativeRoi = z.infer<typeof CumulativeRoi>;
export type RoiReport = z.infer<typeof RoiReport>;
export type RoiSummary = z.infer<typeof RoiSummary>;
export type FleetRoiResponse = z.infer<typeof FleetRoiResponse>;
export type Opportunity = z.infer<typeof Opportunity>;
export type OpportunityResponse = z.infer<typeof OpportunityResponse>;
export type LabelKind = z.infer<typeof LabelKind>;
export type Label = z.infer<typeof Label>;
export type LabelChange = z.infer<typeof LabelChange>;
export type AuditSample = z.infer<typeof AuditSample>;
