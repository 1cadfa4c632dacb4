import type { Figure, Opportunity, RoiReport } from '../api/types.ts';
import type { CsvColumn } from './csv.ts';

/** The ROI figures a person reads first, and the rest, by key of RoiReport.figures, with their labels. */
export const HEADLINE_FIGURES = [
  ['savings', 'Savings'],
  ['cost', 'Running cost'],
  ['net', 'Net'],
  ['roi_pct', 'ROI in period'],
] as const;

export const DETAIL_FIGURES = [
  ['defect_rate', 'Defect rate p'],
  ['reject_rate', 'Reject rate r'],
  ['reduction', 'Reduction vs baseline'],
  ['p_value', 'Significance (p-value)'],
  ['escape_rate', 'Escape rate e_cur'],
  ['escapes_prevented', 'Escapes prevented'],
  ['savings_escapes', 'Savings: escapes'],
  ['savings_scrap', 'Savings: scrap/rework'],
  ['savings_labour', 'Savings: labour'],
  ['cost_false_rejects', 'Cost of false rejects'],
  ['false_reject_rate', 'False reject rate'],
  ['miss_rate', 'Miss rate'],
  ['throughput', 'Throughput'],
  ['throughput_change', 'Throughput vs baseline'],
] as const;

export const CUMULATIVE_FIGURES = [
  ['roi_pct', 'Cumulative ROI'],
  ['payback_months', 'Payback'],
  ['annual_savings', 'Annual savings'],
  ['savings', 'Σ savings since go-live'],
  ['opex', 'Σ OPEX'],
  ['capex', 'CAPEX'],
] as const;

interface FigureRow {
  group: string;
  name: string;
  figure: Figure;
}

/** Every figure of a report as rows: name, value, unit, formula, flags and inputs (for CSV). */
export function figureRows(r: RoiReport): FigureRow[] {
  const rows: FigureRow[] = [
    { group: 'audit', name: 'pi', figure: r.pi },
    { group: 'audit', name: 'rho', figure: r.rho },
  ];
  for (const [name, figure] of Object.entries(r.figures)) rows.push({ group: 'period', name, figure });
  for (const [name, value] of Object.entries(r.cumulative)) {
    if (typeof value === 'object' && value !== null && 'formula' in value) {
      rows.push({ group: 'cumulative', name, figure: value as Figure });
    }
  }
  return rows;
}

export const FIGURE_CSV: ReadonlyArray<CsvColumn<FigureRow>> = [
  { header: 'group', value: (r) => r.group },
  { header: 'figure', value: (r) => r.name },
  { header: 'value', value: (r) => r.figure.value },
  { header: 'unit', value: (r) => r.figure.unit },
  { header: 'ci_low', value: (r) => r.figure.interval?.[0] },
  { header: 'ci_high', value: (r) => r.figure.interval?.[1] },
  { header: 'formula', value: (r) => r.figure.formula },
  {
    header: 'inputs',
    value: (r) =>
      Object.entries(r.figure.inputs)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
  },
  { header: 'flags', value: (r) => r.figure.flags.join(' ') },
  { header: 'missing', value: (r) => r.figure.missing.join(' ') },
];

export const OPPORTUNITY_CSV: ReadonlyArray<CsvColumn<Opportunity>> = [
  { header: 'rank', value: (o) => o.rank },
  { header: 'site', value: (o) => o.site },
  { header: 'line', value: (o) => o.line },
  { header: 'annual_volume', value: (o) => o.annual_volume.value },
  { header: 'copq_per_year', value: (o) => o.copq.value },
  {
    header: 'copq_inputs',
    value: (o) =>
      Object.entries(o.copq.inputs)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
  },
  { header: 'labels', value: (o) => o.labels },
  { header: 'samples', value: (o) => o.samples },
];
