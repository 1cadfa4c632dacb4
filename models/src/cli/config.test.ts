import { describe, expect, it } from 'vitest';
import { defaultModelDir } from '../manifest/load.ts';
import { parseBuildDefault } from './config.ts';

describe('parseBuildDefault', () => {
  it('defaults to models/default and seed 1', () => {
    const c = parseBuildDefault([], '/tmp');
    expect(c).toMatchObject({
      out: defaultModelDir(),
      seed: 1,
      train: 1000,
      validation: 500,
      evaluation: 1200,
    });
  });

  it('resolves --out against the working directory and parses numbers', () => {
    const c = parseBuildDefault(
      ['--out', 'x/y', '--seed', '7', '--created', '2025-01-01T00:00:00Z'],
      '/work',
    );
    expect(c).toMatchObject({ out: '/work/x/y', seed: 7, created: '2025-01-01T00:00:00Z' });
  });

  it('rejects unknown flags and bad values with the usage line', () => {
    expect(() => parseBuildDefault(['--sed', '1'], '/')).toThrow(/usage: sightline-models build-default/);
    expect(() => parseBuildDefault(['--seed', 'abc'], '/')).toThrow(/--seed: /);
  });
});
