import { describe, expect, it } from 'vitest';
import { ConveyorSourceConfig } from '../capture/conveyor/config.ts';
import { createFrameSource, loadOpenCv } from '../capture/index.ts';
import { TriggerConfig } from './config.ts';
import { createPresenceDetector } from './presence.ts';

describe('presence trigger (OpenCV)', () => {
  it('finds each part on a simulated conveyor once, in the frame where it is nearest the region centre', async () => {
    const cv = await loadOpenCv();
    const source = createFrameSource(
      'cam0',
      ConveyorSourceConfig.parse({
        kind: 'conveyor',
        seed: 9,
        clock: 'simulated',
        fps: 30,
        gaps: 0.2,
        code: 'none',
      }),
      8,
    );
    const config = TriggerConfig.parse({ kind: 'presence', region: { x: 64, y: 0, w: 512, h: 256 } });
    if (config.kind !== 'presence') throw new Error('parsed the wrong kind');
    const detector = createPresenceDetector(cv, config);
    const found: { id: string; x: number }[] = [];
    await source.open();
    for (let f = await source.read(); f; f = await source.read()) {
      const best = detector.frame(f);
      if (!best) continue;
      const nearest = best.scene?.reduce((a, b) => (Math.abs(a.x - 320) < Math.abs(b.x - 320) ? a : b));
      if (nearest) found.push({ id: nearest.id, x: nearest.x });
    }
    expect(found.map((p) => p.id)).toEqual(Array.from({ length: 8 }, (_, i) => `P9-00000${i + 1}`));
    // 120 parts/min at a 288 px pitch and 30 fps: a part moves 19.2 px a frame, so the best frame is within
    // 9.6 px — of the plate, which sits up to 6 px off its image's centre, seen at a quarter scale.
    for (const p of found) expect(Math.abs(p.x - 320)).toBeLessThanOrEqual(9.6 + 6 + 2);
  });
});
