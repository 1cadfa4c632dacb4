/**
 * Complementary error function, Chebyshev fit with fractional error below 1.2e-7 everywhere (Press et al.,
 * Numerical Recipes in C, 2nd ed., §6.2, `erfcc`).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

export interface TwoProportionTest {
  /** z = (p1 − p2) / √(p̂(1−p̂)(1/n1 + 1/n2)), p̂ = (x1 + x2)/(n1 + n2). */
  z: number;
  /** Two-sided: P(|Z| ≥ |z|) = erfc(|z|/√2). */
  pValue: number;
}

/**
 * Pooled two-proportion z-test of x1/n1 (baseline) against x2/n2 (current); null when either sample is empty or
 * the pooled rate is 0 or 1 (no variance to test against).
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): TwoProportionTest | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  if (pooled <= 0 || pooled >= 1) return null;
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { z, pValue: erfc(Math.abs(z) / Math.SQRT2) };
}
