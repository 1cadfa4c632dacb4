import type { LabelKind } from '../api/types.ts';

/** The labels a person can give a sample, by the model's verdict, with the key that sets each. */
export const LABELS: ReadonlyArray<{
  kind: LabelKind;
  text: string;
  key: string;
  forVerdicts: readonly string[];
}> = [
  { kind: 'confirmed_defect', text: 'Confirmed defect', key: 'd', forVerdicts: ['defect', 'uncertain'] },
  { kind: 'false_reject', text: 'False reject', key: 'f', forVerdicts: ['defect', 'uncertain'] },
  { kind: 'missed_defect', text: 'Missed defect', key: 'm', forVerdicts: ['ok', 'uncertain'] },
  { kind: 'confirmed_ok', text: 'Good part', key: 'g', forVerdicts: ['ok', 'uncertain'] },
];

/** Labels that fit a verdict (a reject is confirmed or false; a pass is good or a missed defect). */
export const labelsFor = (verdict: string | null) =>
  LABELS.filter((l) => l.forVerdicts.includes(verdict ?? 'uncertain'));

export const labelText = (kind: string | null | undefined) =>
  LABELS.find((l) => l.kind === kind)?.text ?? null;

/** Key of a labelled result: site/line/agent/seq. */
export const resultKey = (r: { site: string; line: string; agent: string; seq: number | null }) =>
  `${r.site}/${r.line}/${r.agent}/${r.seq ?? ''}`;
