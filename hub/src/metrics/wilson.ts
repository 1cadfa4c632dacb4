/** z for a two-sided 95 % interval. */
export const Z95 = 1.96;

/**
 * Wilson score interval for a binomial proportion x/n (Wilson 1927):
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
 * With n = 0 nothing is known, so the interval is [0, 1].
 */
export function wilson(x: number, n: number, z = Z95): [number, number] {
  if (!Number.isFinite(x) || !Number.isFinite(n) || n < 0 || x < 0 || x > n) {
    throw new RangeError(`wilson: need 0 <= x <= n, got x=${x}, n=${n}`);
  }
  if (n === 0) return [0, 1];
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  // Clamp float noise at the edges (x = 0 gives a lower bound of -1e-17, not 0).
  return [Math.max(0, (centre - half) / denom), Math.min(1, (centre + half) / denom)];
}
