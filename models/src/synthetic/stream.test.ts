import { describe, expect, it } from 'vitest';
import { ModelsError } from '../errors.ts';
import { createPartStream } from './stream.ts';

const same = (x?: Uint8Array, y?: Uint8Array) => !!x && !!y && Buffer.from(x).equals(Buffer.from(y));
const take = (stream: ReturnType<typeof createPartStream>, n: number) =>
  Array.from({ length: n }, () => stream.next());

describe('createPartStream', () => {
  it('is deterministic: the same seed gives the same pixels, truths and defects', () => {
    const a = take(createPartStream({ seed: 99, defectRate: 0.2 }), 30);
    const b = take(createPartStream({ seed: 99, defectRate: 0.2 }), 30);
    for (let i = 0; i < 30; i++) {
      expect(same(b[i]?.frame.data, a[i]?.frame.data)).toBe(true);
      expect(b[i]?.truth).toBe(a[i]?.truth);
      expect(b[i]?.defects).toEqual(a[i]?.defects);
      expect(a[i]?.index).toBe(i);
    }
    const other = createPartStream({ seed: 100, defectRate: 0.2 }).next();
    expect(same(other.frame.data, a[0]?.frame.data)).toBe(false);
  });

  it('puts exactly round(100·rate) defective parts in every block of 100, at different positions', () => {
    const parts = take(createPartStream({ seed: 5, defectRate: 0.137, width: 64, height: 64 }), 300);
    const blocks = [0, 1, 2].map((b) => parts.slice(b * 100, b * 100 + 100));
    for (const block of blocks) {
      const defective = block.filter((p) => p.truth === 'defect');
      expect(defective).toHaveLength(14);
      for (const p of defective) expect(p.defects.length).toBeGreaterThan(0);
      for (const p of block.filter((q) => q.truth === 'ok')) expect(p.defects).toEqual([]);
    }
    const positions = blocks.map((bl) => bl.flatMap((p, i) => (p.truth === 'defect' ? [i] : [])).join());
    expect(new Set(positions).size).toBe(3);
  });

  it('handles rates 0 and 1 and draws only the requested kinds', () => {
    expect(
      take(createPartStream({ seed: 1, defectRate: 0, width: 64, height: 64 }), 50).every(
        (p) => p.truth === 'ok',
      ),
    ).toBe(true);
    const all = take(
      createPartStream({ seed: 1, defectRate: 1, kinds: ['spot'], width: 64, height: 64 }),
      50,
    );
    expect(all.every((p) => p.truth === 'defect' && p.defects.join() === 'spot')).toBe(true);
  });

  it('emits gray 256×256 frames by default and BGR on request', () => {
    const gray = createPartStream({ seed: 2, defectRate: 0.1 }).next().frame;
    expect([gray.width, gray.height, gray.channels, gray.data.length]).toEqual([256, 256, 1, 65536]);
    const bgr = createPartStream({ seed: 2, defectRate: 0.1, channels: 3 }).next().frame;
    expect([bgr.channels, bgr.data.length]).toEqual([3, 3 * 65536]);
    // Same scene: the green channel equals the gray frame.
    expect(bgr.data[3 * 1000 + 1]).toBe(gray.data[1000]);
  });

  it('rejects a defect rate outside [0, 1] with a clear error', () => {
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      const err = (() => {
        try {
          createPartStream({ seed: 1, defectRate: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ModelsError);
      expect((err as ModelsError).code).toBe('SL_MODELS_INVALID_OPTION');
      expect((err as ModelsError).message).toMatch(/defectRate must be a number in \[0, 1\]/);
    }
    expect(() => createPartStream({ seed: 1, defectRate: 0.1, kinds: [] })).toThrow(
      /at least one defect kind/,
    );
  });
});
