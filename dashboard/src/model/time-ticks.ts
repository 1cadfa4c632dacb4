/** Round time ticks for chart axes, in the browser's local time. */

const MIN = 60_000;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10_080].map((m) => m * MIN);

export function timeTicks(from: number, to: number, count = 6): number[] {
  const span = to - from;
  if (!(span > 0)) return [from];
  const step = STEPS.find((s) => span / s <= count) ?? STEPS[STEPS.length - 1] ?? span;
  // Align to local midnight for steps of a day or more, otherwise to the local hour grid.
  const offset = new Date(from).getTimezoneOffset() * MIN;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return ticks;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "13:30", or "Jan 10" for ticks a day or more apart, "Jan 10 13:00" at day changes for shorter steps. */
export function formatTick(t: number, stepMs: number, previous?: number): string {
  const d = new Date(t);
  const day = d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
  if (stepMs >= 1440 * MIN) return day;
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (previous !== undefined && new Date(previous).getDate() !== d.getDate()) return `${day} ${hm}`;
  return hm;
}
