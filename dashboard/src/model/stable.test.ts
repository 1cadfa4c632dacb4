import { describe, expect, it } from 'vitest';
import { createStableCache } from './stable.ts';

describe('createStableCache', () => {
  it('returns the cached object while fields are equal, and the new one when one changes', () => {
    const stable = createStableCache<{ a: number; list: string[] }>();
    const first = stable('k', { a: 1, list: ['x'] });
    expect(stable('k', { a: 1, list: ['x'] })).toBe(first);
    const changed = stable('k', { a: 2, list: ['x'] });
    expect(changed).not.toBe(first);
    expect(changed.a).toBe(2);
    expect(stable('k', { a: 2, list: ['x', 'y'] })).not.toBe(changed);
  });
});
