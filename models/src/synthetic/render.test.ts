import { describe, expect, it } from 'vitest';
import type { ImageFrame } from './frame.ts';
import { renderPart } from './render.ts';
import { createRng } from './rng.ts';

const mean = (f: ImageFrame) => f.data.reduce((a, b) => a + b, 0) / f.data.length;

describe('renderPart', () => {
  it('draws a bright plate on a dark background', () => {
    const f = renderPart({ rng: createRng(1) });
    const centre = f.data[128 * 256 + 100] ?? 0;
    const corner = f.data[3 * 256 + 3] ?? 0;
    expect(centre).toBeGreaterThan(110);
    expect(corner).toBeLessThan(60);
  });

  it('changes only a small local patch for a scratch, spot or crack', () => {
    for (const kind of ['scratch', 'spot', 'crack'] as const) {
      for (let seed = 0; seed < 5; seed++) {
        const ok = renderPart({ rng: createRng(seed) });
        const bad = renderPart({ rng: createRng(seed), defects: [kind] });
        let changed = 0;
        let strong = 0;
        for (let i = 0; i < ok.data.length; i++) {
          const d = Math.abs((ok.data[i] ?? 0) - (bad.data[i] ?? 0));
          if (d > 0) changed++;
          if (d >= 15) strong++;
        }
        expect(strong, `${kind} seed ${seed}`).toBeGreaterThan(3);
        expect(changed, `${kind} seed ${seed}`).toBeLessThan(2500);
      }
    }
  });

  it('fills a bolt hole for missing-feature, so the frame gets brighter', () => {
    for (let seed = 0; seed < 5; seed++) {
      const ok = mean(renderPart({ rng: createRng(seed) }));
      const missing = mean(renderPart({ rng: createRng(seed), defects: ['missing-feature'] }));
      // One hole of radius ≈ 13.5 px at ≈ +120 gray levels is ≈ 1 level over the 256×256 frame.
      expect(missing - ok).toBeGreaterThan(0.7);
    }
  });
});
