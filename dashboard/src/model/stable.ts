/**
 * Keeps one object per key while its fields stay equal (shallow; arrays compared element by element), so a
 * Lit property bound to it does not change and the element it feeds skips its update. A fleet view re-renders
 * on every live event; without this, each would re-render all hundred tiles.
 */
export function createStableCache<T extends object>() {
  const cache = new Map<string, T>();
  const same = (a: unknown, b: unknown): boolean => {
    if (Object.is(a, b)) return true;
    if (Array.isArray(a) && Array.isArray(b))
      return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    return false;
  };
  return (key: string, value: T): T => {
    const old = cache.get(key);
    if (old) {
      const keys = Object.keys(value) as Array<keyof T>;
      if (keys.length === Object.keys(old).length && keys.every((k) => same(old[k], value[k]))) return old;
    }
    cache.set(key, value);
    return value;
  };
}
