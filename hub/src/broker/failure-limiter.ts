/**
 * Failed sign-ins per key (remote address and user name): after `max` within `windowMs` the key is refused without
 * checking for the rest of the window, so guessing costs an attacker time and the hub no scrypt derivations.
 */
export function createFailureLimiter({ max = 10, windowMs = 60_000, now = Date.now } = {}) {
  const seen = new Map<string, { count: number; since: number }>();
  const current = (key: string) => {
    const entry = seen.get(key);
    if (entry && now() - entry.since >= windowMs) {
      seen.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    blocked: (key: string) => (current(key)?.count ?? 0) >= max,
    record(key: string) {
      const entry = current(key);
      if (entry) entry.count++;
      else {
        // Bounded memory under a spray of source addresses: forget the oldest.
        if (seen.size >= 10_000) seen.delete(seen.keys().next().value as string);
        seen.set(key, { count: 1, since: now() });
      }
    },
  };
}
