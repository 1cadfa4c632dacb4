/**
 * Requests per key (a token, or an address without one) as a token bucket: `burst` at once, then
 * `perSecond` on average. A refused request costs nothing, so a client that backs off by Retry-After gets through.
 */
export function createRateLimiter({
  perSecond,
  burst,
  maxKeys = 10_000,
  now = () => performance.now(),
}: {
  perSecond: number;
  burst: number;
  maxKeys?: number;
  now?: () => number;
}) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one request for `key`; when there is none left, says in how many seconds there will be. */
    take(key: string): { ok: true } | { ok: false; retryAfterS: number } {
      if (perSecond <= 0) return { ok: true };
      const t = now();
      let bucket = buckets.get(key);
      if (bucket) {
        bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
        bucket.at = t;
        // Most recently used last, so the first key is the one to forget when full.
        buckets.delete(key);
      } else {
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
        bucket = { tokens: burst, at: t };
      }
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
    },
  };
}
