import { describe, expect, it } from 'vitest';
import { parseTrain } from './train.ts';

describe('sightline-models train flags', () => {
  it('resolves paths against cwd and fills defaults', () => {
    const c = parseTrain(['--data', 'imgs', '--out', '/tmp/m'], '/work');
    expect(c).toEqual({
      data: '/work/imgs',
      out: '/tmp/m',
      folds: 5,
      seed: 1,
      int8: false,
      width: 224,
      augment: 0,
      head: 'auto',
      pool: false,
    });
  });

  it('names the flag that is wrong', () => {
    expect(() => parseTrain(['--out', 'o'], '/w')).toThrow(/--data/);
    expect(() => parseTrain(['--data', 'd', '--out', 'o', '--folds', '1'], '/w')).toThrow(/--folds/);
    expect(() => parseTrain(['--data', 'd', '--out', 'o', '--width', '100'], '/w')).toThrow(/--width/);
    expect(() => parseTrain(['--data', 'd', '--out', 'o', '--input', '224'], '/w')).toThrow(/--input/);
    expect(() => parseTrain(['--data', 'd', '--out', 'o', '--head', 'knn'], '/w')).toThrow(/--head/);
    expect(() => parseTrain(['--data', 'd', '--out', 'o', '--bogus'], '/w')).toThrow(
      expect.objectContaining({
        code: 'SL_MODELS_INVALID_OPTION',
        message: expect.stringMatching(/bogus[\s\S]*usage:/),
      }),
    );
  });
});
