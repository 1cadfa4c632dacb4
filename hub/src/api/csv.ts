import type { Context } from 'hono';

type Cell = string | number | boolean | null;

/** Nested objects become dotted columns (`ci.0`, `inputs.x`); arrays of scalars are joined with a space. */
export function flatten(value: unknown, prefix = '', out: Record<string, Cell> = {}): Record<string, Cell> {
  if (value === null || value === undefined) {
    if (prefix) out[prefix] = null;
  } else if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    out[prefix] = value.join(' ');
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = value as Cell;
  }
  return out;
}

/**
 * One CSV cell (RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled). Text that a
 * spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe; numbers are left as numbers.
 */
export function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows as CSV: the union of their (flattened) columns in first-seen order, CRLF line ends. */
export function toCsv(rows: readonly unknown[]): string {
  const flat = rows.map((r) => flatten(r));
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of flat) for (const k of Object.keys(r)) if (!seen.has(k)) seen.add(k) && columns.push(k);
  const lines = [
    columns.map(csvCell).join(','),
    ...flat.map((r) => columns.map((c) => csvCell(r[c] ?? null)).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** The JSON body, or with `format=csv` the table `rows` as a CSV download named after the path. */
export function respond(c: Context, body: unknown, rows: readonly unknown[]): Response {
  if (c.req.query('format') !== 'csv') return c.json(body);
  const name = c.req.path.replace(/^\/api\//, '').replace(/[^a-z0-9]+/gi, '-');
  return c.body(toCsv(rows), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}.csv"`,
  });
}
