/** Display formats for the dashboard; pure, so they are unit-tested in node. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A fraction as a percentage: 0.07 -> "7.0 %"; two decimals below 1 % so 0.4 % does not read as 0. */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  const digits = pct !== 0 && Math.abs(pct) < 1 ? 2 : 1;
  return `${pct.toFixed(digits)} %`;
}

/** Percentage without the unit, for interval ends: 0.034 -> "3.4". */
export function formatPercentNumber(fraction: number): string {
  const pct = fraction * 100;
  return pct.toFixed(pct !== 0 && Math.abs(pct) < 1 ? 2 : 1);
}

export function formatCount(n: number): string {
  return integer.format(n);
}

/** Throughput in parts per minute; one decimal for slow lines. */
export function formatThroughput(partsPerMin: number): string {
  const value = partsPerMin < 10 ? partsPerMin.toFixed(1) : integer.format(partsPerMin);
  return `${value} parts/min`;
}

/** How long ago, coarse enough to read at a glance: "just now", "42 s ago", "3 min ago". */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** Uptime as "3 d 4 h", "2 h 5 min", "7 min" or "42 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`;
  const min = Math.floor(seconds / 60);
  const h = Math.floor(min / 60);
  const d = Math.floor(h / 24);
  if (d > 0) return `${d} d ${h % 24} h`;
  if (h > 0) return `${h} h ${min % 60} min`;
  return `${min} min`;
}

const SCALE_STEPS = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1];

/** Upper end of a shared rate axis: the smallest round step holding every interval. */
export function rateScaleMax(highs: readonly number[]): number {
  const top = Math.max(0, ...highs);
  return SCALE_STEPS.find((step) => step >= top) ?? 1;
}

/** Human name of a window: "5m" -> "5 min". */
export function windowLabel(window: string): string {
  const match = /^(\d+)([smhd])$/.exec(window);
  if (!match) return window;
  const unit = { s: 's', m: 'min', h: 'h', d: 'd' }[match[2] as 's' | 'm' | 'h' | 'd'];
  return `${match[1]} ${unit}`;
}

/** A signed change: 0.2 -> "+20 %", -0.054 -> "−5.4 %". */
export function formatSignedPercent(fraction: number): string {
  const pct = fraction * 100;
  const digits = Math.abs(pct) < 10 ? 1 : 0;
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  return `${sign}${Math.abs(pct).toFixed(digits)} %`;
}

/** Money in whole dollars: 1234567 -> "$1,234,567"; negative with a minus sign. */
export function formatMoney(amount: number): string {
  const s = integer.format(Math.abs(Math.round(amount)));
  return `${amount < 0 ? '−' : ''}$${s}`;
}

/** A local date and time, minutes precision: "2026-01-10 13:30". */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
