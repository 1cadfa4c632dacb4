import type { Alarm, Figure, OpportunityResponse, RoiReport, SeriesPoint } from '@sightline/protocol';
import { escapeHtml as e } from './escape.ts';
import { pChartSvg } from './p-chart-svg.ts';

export interface LineSection {
  roi: RoiReport;
  points: SeriesPoint[];
  alarms: Alarm[];
}

const num = (x: number, digits: number) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const time = (t: number | null) =>
  t === null ? '—' : new Date(t).toISOString().slice(0, 16).replace('T', ' ');

/** A figure's value in its unit, as a person reads it. */
export function formatValue(f: Pick<Figure, 'value' | 'unit' | 'flags'>): string {
  if (f.flags.includes('not-yet')) return 'not yet';
  if (f.value === null) return '—';
  const v = f.value;
  switch (f.unit) {
    case 'fraction':
      return `${num(v * 100, 2)} %`;
    case '$':
      return `$${num(v, 2)}`;
    case 'parts':
      return num(v, Math.abs(v) < 100 ? 1 : 0);
    case '%':
      return `${num(v, 1)} %`;
    case 'p':
      return num(v, 4);
    default:
      return num(v, 2);
  }
}

const inputsText = (f: Figure) =>
  Object.entries(f.inputs)
    .map(
      ([k, v]) => `${k} = ${typeof v === 'number' ? num(v, Math.abs(v) < 1 && v !== 0 ? 4 : 2) : (v ?? '—')}`,
    )
    .join(', ');

function figureTable(figures: Record<string, Figure>): string {
  const rows = Object.entries(figures)
    .map(
      ([
        name,
        f,
      ]) => `<tr${f.flags.includes('low-n') ? ' class="grey"' : ''}><th>${e(name.replaceAll('_', ' '))}</th>
      <td class="num">${e(formatValue(f))}${f.interval ? `<br><small>${e(`${num(f.interval[0] * 100, 2)}–${num(f.interval[1] * 100, 2)} %`)}</small>` : ''}</td>
      <td><code>${e(f.formula)}</code><br><small>${e(inputsText(f))}</small>${f.note ? `<br><small class="note">${e(f.note)}</small>` : ''}</td></tr>`,
    )
    .join('');
  return `<table class="figures"><thead><tr><th>figure</th><th>value</th><th>formula and inputs</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function lineSection({ roi, points, alarms }: LineSection): string {
  const b = roi.baseline;
  const baseline = b
    ? `Baseline ${e(time(b.from))} – ${e(time(b.to))}: n ${num(b.n, 0)}, p_base ${b.p_base === null ? '—' : `${num(b.p_base * 100, 2)} %`}${b.p_base_corrected ? ' (audit-corrected)' : ''}, s_base ${b.s_base === null ? '—' : num(b.s_base, 1)} parts/min, frozen by ${e(b.frozen_by)} on ${e(time(b.frozen_ts))}`
    : 'No frozen baseline.';
  const alarmRows = alarms.length
    ? `<table><thead><tr><th>since</th><th>severity</th><th>alarm</th><th>state</th><th>acknowledged</th></tr></thead><tbody>${alarms
        .map(
          (a) =>
            `<tr><td>${e(time(a.since))}</td><td>${e(a.severity)}</td><td>${e(a.message)}</td><td>${e(a.state)}${a.cleared_ts ? ` ${e(time(a.cleared_ts))}` : ''}</td><td>${a.ack ? e(`${a.ack.who}: ${a.ack.note}`) : '—'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No alarms in this period.</p>';
  const a = roi.audit;
  const { from: _f, to: _t, ...cumulative } = roi.cumulative;
  return `<section class="line">
  <h2>${e(roi.site)} / ${e(roi.line)} <span class="mode ${roi.mode}">${roi.mode}</span></h2>
  <p>Go-live: ${e(time(roi.go_live_ts))}. ${baseline}</p>
  <p>n ${num(roi.counts.n, 0)} live results, ${num(roi.counts.x, 0)} rejects, ${num(roi.counts.pilot_excluded, 0)} pilot results left out, ${num(roi.counts.run_min, 0)} running minutes.
     Audit: ${a.confirmed_defect} confirmed, ${a.false_reject} false rejects, ${a.missed_defect} missed, ${a.confirmed_ok} confirmed good.</p>
  <h3>Reject rate (p-chart)</h3>${pChartSvg(points, roi.baseline?.p_bar ?? null)}
  <h3>Figures</h3>${figureTable({ pi: roi.pi, rho: roi.rho, ...roi.figures })}
  <h3>Since go-live</h3>${figureTable(cumulative)}
  <h3>Alarms</h3>${alarmRows}
</section>`;
}

function opportunityTable(o: OpportunityResponse): string {
  const rows = o.lines
    .map(
      (l) =>
        `<tr><td class="num">${l.rank}</td><td>${e(`${l.site}/${l.line}`)}</td><td class="num">${e(formatValue(l.annual_volume))}</td><td class="num">${e(formatValue(l.copq))}</td><td>${e(l.copq.missing.length ? `needs ${l.copq.missing.join(', ')}` : '')}</td><td class="num">${l.labels}</td></tr>`,
    )
    .join('');
  return `<section><h2>Where inspection pays most</h2><p class="muted">Annual cost of poor quality = annual volume × (e_base·C_esc + p_base·C_int).</p>
  <table><thead><tr><th>#</th><th>line</th><th>annual volume</th><th>cost of poor quality</th><th></th><th>labels</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The printable period report: one self-contained page (inline CSS and SVG, nothing fetched). */
export function reportHtml(r: {
  from: number;
  to: number;
  generated: number;
  lines: LineSection[];
  opportunity: OpportunityResponse | null;
}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sightline report ${e(time(r.from))} – ${e(time(r.to))}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; color: #111; margin: 2rem; max-width: 60rem; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; border-bottom: 2px solid #111; } h3 { font-size: 1rem; margin-bottom: .3rem; }
  table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; } th, td { border-bottom: 1px solid #ccc; padding: .25rem .4rem; text-align: left; vertical-align: top; }
  .num { text-align: right; white-space: nowrap; } .grey { color: #777; } .muted, small { color: #444; } .note { font-style: italic; }
  code { font-size: 12px; } .chart { width: 100%; height: auto; }
  .mode { font-size: .8rem; padding: .1rem .4rem; border: 1px solid; border-radius: .3rem; } .mode.pilot { color: #8a5a00; }
  section { break-inside: avoid-page; } @media print { body { margin: 0; } section.line { break-before: page; } }
</style></head><body>
<h1>Sightline quality and ROI report</h1>
<p>Period ${e(time(r.from))} – ${e(time(r.to))} (UTC). Generated ${e(time(r.generated))}. Every figure is shown with its formula and inputs.</p>
${r.opportunity ? opportunityTable(r.opportunity) : ''}
${r.lines.map(lineSection).join('\n')}
</body></html>`;
}
