/** CSV (RFC 4180) from rows and named columns, so every table on screen can be exported as it is. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

const cell = (v: string | number | boolean | null | undefined): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv<T>(columns: ReadonlyArray<CsvColumn<T>>, rows: readonly T[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Sums each class's defects over series points; sorted most first, with the cumulative share (Pareto). */
export function paretoOf(
  classes: ReadonlyArray<Record<string, number>>,
): Array<{ name: string; count: number; share: number; cumulative: number }> {
  const sums = new Map<string, number>();
  for (const c of classes) for (const [k, v] of Object.entries(c)) sums.set(k, (sums.get(k) ?? 0) + v);
  const total = [...sums.values()].reduce((a, b) => a + b, 0);
  let running = 0;
  return [...sums.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, count]) => {
      running += count;
      return { name, count, share: total ? count / total : 0, cumulative: total ? running / total : 0 };
    });
}
