import type { SeriesPoint } from '@sightline/protocol';
import { escapeHtml } from './escape.ts';

const W = 720;
const H = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/**
 * A p-chart as inline SVG for the printed report: each bucket's reject rate, its per-point limits as a stepped
 * band against the frozen p̄, points beyond a limit drawn as red diamonds.
 */
export function pChartSvg(points: readonly SeriesPoint[], pBar: number | null): string {
  if (points.length === 0) return '<p class="muted">No results in this period.</p>';
  const t0 = points[0]?.start ?? 0;
  const t1 = points.at(-1)?.end ?? t0 + 1;
  const top = Math.max(...points.map((p) => Math.max(p.rate, p.ucl ?? 0)), pBar ?? 0) * 1.1 || 0.01;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (r: number) => H - PAD.bottom - (r / top) * (H - PAD.top - PAD.bottom);
  const pct = (r: number) => `${(r * 100).toFixed(r < 0.1 ? 2 : 1)} %`;
  const limit = (key: 'ucl' | 'lcl') =>
    points
      .filter((p) => p[key] !== null)
      .map((p) => `M${x(p.start).toFixed(1)},${y(p[key] as number).toFixed(1)}H${x(p.end).toFixed(1)}`)
      .join('');
  const line = points
    .map((p, i) => `${i ? 'L' : 'M'}${x((p.start + p.end) / 2).toFixed(1)},${y(p.rate).toFixed(1)}`)
    .join('');
  const marks = points
    .map((p) => {
      const cx = x((p.start + p.end) / 2);
      const cy = y(p.rate);
      const title = `<title>${escapeHtml(new Date(p.start).toISOString())}: ${p.x}/${p.n} = ${pct(p.rate)}</title>`;
      return p.signal
        ? `<path d="M${cx},${cy - 5}l5,5l-5,5l-5,-5z" fill="#c00">${title}</path>`
        : `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="2.5" fill="#123">${title}</circle>`;
    })
    .join('');
  const ticks = [0, top / 2, top]
    .map((r) => `<text x="${PAD.left - 4}" y="${y(r) + 4}" text-anchor="end">${pct(r)}</text>`)
    .join('');
  const days = (iso: number) => new Date(iso).toISOString().slice(0, 16).replace('T', ' ');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="p-chart of the reject rate">
  <g font-size="10" fill="#333">${ticks}
    <text x="${PAD.left}" y="${H - 8}">${days(t0)}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${days(t1)}</text></g>
  <path d="${limit('ucl')}${limit('lcl')}" stroke="#888" stroke-dasharray="3 2" fill="none"/>
  ${pBar === null ? '' : `<path d="M${PAD.left},${y(pBar)}H${W - PAD.right}" stroke="#2a6" fill="none"/><text x="${W - PAD.right}" y="${y(pBar) - 3}" font-size="10" text-anchor="end" fill="#2a6">p̄ ${pct(pBar)}</text>`}
  <path d="${line}" stroke="#123" fill="none"/>${marks}
</svg>`;
}
