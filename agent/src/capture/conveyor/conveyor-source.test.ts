import { describe, expect, it } from 'vitest';
import { loadZxing } from '../../identity/zxing.ts';
import { createBelt, PART_SIZE } from './belt.ts';
import { ConveyorSourceConfig } from './config.ts';
import { type ConveyorSourceOptions, createConveyorSource } from './conveyor-source.ts';
import { LABEL_BAND } from './scene.ts';

const START = 1_700_000_000_000;
function options(extra: Partial<ConveyorSourceOptions> = {}): ConveyorSourceOptions {
  const c = ConveyorSourceConfig.parse({ kind: 'conveyor', seed: 3, defectRate: 0.2, clock: 'simulated' });
  const { kind: _, photoEyeX, idPrefix, ...rest } = c;
  return {
    ...rest,
    photoEyeX: photoEyeX ?? c.width / 2,
    idPrefix: idPrefix ?? 'P3-',
    startTs: START,
    ...extra,
  };
}

async function readAll(o: ConveyorSourceOptions) {
  const source = createConveyorSource(o);
  await source.open();
  const frames = [];
  for (let f = await source.read(); f; f = await source.read()) frames.push(f);
  return frames;
}

describe('belt', () => {
  it('passes every part by the photo-eye in order, a pitch apart give or take the jitter, with gaps skipped', () => {
    const o = options({ gaps: 0.2 });
    const belt = createBelt(o);
    const times = Array.from({ length: 50 }, (_, n) => belt.passes(n, o.photoEyeX));
    const slotS = 60 / o.partsPerMin;
    for (let n = 1; n < times.length; n++) {
      const gap = (times[n] as number) - (times[n - 1] as number);
      // At least a part's length apart; a multiple of the slot time within the jitter.
      expect(gap).toBeGreaterThanOrEqual((PART_SIZE / o.pitchPx) * slotS - 1e-9);
      const slots = Math.round(gap / slotS);
      expect(slots).toBeGreaterThanOrEqual(1);
      expect(Math.abs(gap - slots * slotS)).toBeLessThanOrEqual(
        ((o.pitchPx - PART_SIZE) / o.pitchPx) * slotS,
      );
    }
    expect(times.at(-1)).toBeGreaterThan(50 * slotS); // some slots were empty
    expect(belt.part(9).id).toBe('P3-000010');
  });

  it('counts encoder ticks with the belt travel, not the clock, when the speed varies', () => {
    const belt = createBelt(options({ speedVariation: 0.3, countsPerPx: 2 }));
    const t = belt.timeAt(1000);
    expect(belt.travel(t)).toBeCloseTo(1000, 6);
    expect(belt.encoder(t)).toBe(2000);
    expect(Math.abs(t - 1000 / belt.speedPxPerS)).toBeGreaterThan(0.01);
  });
});

describe('conveyor source', () => {
  it('on a simulated clock: frames 1/fps apart, one photo-eye edge per part, ends after the last part leaves', async () => {
    const o = options({ limit: 6, fps: 30, gaps: 0 });
    const frames = await readAll(o);
    const belt = createBelt(o);
    for (let i = 1; i < frames.length; i++)
      expect((frames[i]?.ts ?? 0) - (frames[i - 1]?.ts ?? 0)).toBeCloseTo(1000 / 30, 3);
    const edges = frames.flatMap((f) => f.signals?.photoEye?.map((e) => e.ts) ?? []);
    expect(edges).toEqual(Array.from({ length: 6 }, (_, n) => START + belt.passes(n, o.photoEyeX) * 1000));
    // Each edge is reported with the first frame at or after it.
    for (const f of frames) for (const e of f.signals?.photoEye ?? []) expect(e.ts).toBeLessThanOrEqual(f.ts);
    const seen = new Set(frames.flatMap((f) => f.scene?.map((p) => p.id) ?? []));
    expect([...seen]).toEqual(['P3-000001', 'P3-000002', 'P3-000003', 'P3-000004', 'P3-000005', 'P3-000006']);
    expect(frames.at(-1)?.scene?.every((p) => p.x - PART_SIZE / 2 < o.width)).toBe(true);
    expect(frames[0]?.frame).toMatchObject({ width: 640, height: PART_SIZE + LABEL_BAND, channels: 1 });
  });

  it('announces each product change as its first part reaches the photo-eye', async () => {
    const recipes = [
      { recipe: 'plate-a', parts: 2 },
      { recipe: 'plate-b', parts: 3 },
    ];
    const frames = await readAll(options({ limit: 7, gaps: 0, recipes }));
    const changes = frames.flatMap((f) => f.signals?.recipe ?? []);
    const edges = frames.flatMap((f) => f.signals?.photoEye?.map((e) => e.ts) ?? []);
    expect(changes.map((c) => c.recipe)).toEqual(['plate-a', 'plate-b', 'plate-a']);
    expect(changes.map((c) => c.ts)).toEqual([edges[0], edges[2], edges[5]]);
  });

  it('a triggered camera exposes one frame per part, centred under the photo-eye', async () => {
    const o = options({ limit: 4, capture: 'triggered', gaps: 0.3 });
    const frames = await readAll(o);
    expect(frames).toHaveLength(4);
    for (const f of frames) {
      expect(f.signals?.trigger).toBe(f.ts);
      const centred = f.scene?.find((p) => Math.abs(p.x - o.photoEyeX) < 0.5);
      expect(centred).toBeDefined();
    }
  });

  it("prints each part's id in a code a reader decodes", async () => {
    const o = options({ limit: 2, capture: 'triggered' });
    const [first] = await readAll(o);
    if (!first) throw new Error('no frame');
    const { width, height, data } = first.frame;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++)
      rgba.fill(data[i] ?? 0, 4 * i, 4 * i + 3).fill(255, 4 * i + 3, 4 * i + 4);
    const zxing = await loadZxing();
    const read = await zxing.readBarcodes(
      { data: rgba, width, height, colorSpace: 'srgb' },
      { formats: ['DataMatrix'] },
    );
    expect(read.map((r) => r.text)).toContain('P3-000001');
  });
});
