import { describe, expect, it } from 'vitest';
import { loadMobileNetV2 } from '../backbone/mobilenet.ts';
import { addKerasLayers, foldedConv } from '../backbone/to-onnx.ts';
import { createGraph } from '../export/graph.ts';
import { FINETUNE_LAYER } from '../finetune/fit.ts';
import { createRng } from '../synthetic/rng.ts';
import { INPUT_NAME } from './classifier-graph.ts';
import { createFrameRunner } from './extract.ts';
import { MAP_NAME, patchGraphBytes } from './patch.ts';
import { PATCH_CONTEXT, patchChannels, trainPatchSpec, tunedChannels } from './patch-map.ts';
import { backboneInput } from './transfer.ts';

const H = 64;
const W = 32;
const input = backboneInput(H, W, 'letterbox');

function frame(seed: number) {
  const rng = createRng(seed);
  const data = new Uint8Array(W * H);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(90 + rng() * 120);
  return { width: W, height: H, channels: 1 as const, data };
}

describe('patch map (context channels)', () => {
  it('is block 3 averaged over 2×2, block 10 repeated over 2×2, then blocks 4–6, at 1/8', async () => {
    const model = await loadMobileNetV2();
    const spec = trainPatchSpec(input);
    const taps = [PATCH_CONTEXT.finer, PATCH_CONTEXT.coarser, ...spec.taps];
    const g = createGraph('taps');
    g.input(INPUT_NAME, [1, 3, H, W]);
    const t = addKerasLayers(g, model, { input: INPUT_NAME, until: taps });
    taps.forEach((tap, k) => {
      g.node('Identity', [t.get(tap) as string], `t${k}`);
      g.output(`t${k}`, [-1, -1, -1, -1] as number[]);
    });
    const raw = await createFrameRunner(g.toBytes(), input, 't0');
    const maps = await createFrameRunner(patchGraphBytes(model, spec), input, MAP_NAME);
    const f = frame(3);
    const o = await raw.runOutputs(
      f,
      taps.map((_, k) => `t${k}`),
    );
    const map = await maps.run(f);
    await raw.release();
    await maps.release();
    const n = (H / 8) * (W / 8);
    const [gh, gw] = [H / 8, W / 8];
    expect(map.length).toBe(patchChannels(model, spec) * n);
    const finer = o.t0 as Float32Array; // [144, H/4, W/4]
    const coarser = o.t1 as Float32Array; // [384, H/16, W/16]
    const at = (c: number, y: number, x: number) => map[c * n + y * gw + x] as number;
    for (const [c, y, x] of [
      [0, 0, 0],
      [17, 5, 2],
      [143, 7, 3],
    ] as const) {
      const q = (yy: number, xx: number) => finer[c * (gh * 2) * (gw * 2) + yy * gw * 2 + xx] as number;
      const mean =
        (q(2 * y, 2 * x) + q(2 * y, 2 * x + 1) + q(2 * y + 1, 2 * x) + q(2 * y + 1, 2 * x + 1)) / 4;
      expect(at(c, y, x)).toBeCloseTo(mean, 5);
    }
    for (const [c, y, x] of [
      [0, 0, 1],
      [200, 5, 2],
      [383, 7, 3],
    ] as const) {
      const v = coarser[c * (gh / 2) * (gw / 2) + (y >> 1) * (gw / 2) + (x >> 1)] as number;
      expect(at(144 + c, y, x)).toBeCloseTo(v, 5);
    }
    const b6 = o.t4 as Float32Array;
    const last = patchChannels(model, spec) - tunedChannels(model);
    expect(at(last + 10, 3, 1)).toBeCloseTo(b6[10 * n + 3 * gw + 1] as number, 5);
    // Not a constant map: the taps carry the image.
    expect(new Set(Array.from(map.subarray(0, n))).size).toBeGreaterThan(4);
  });

  it('computes a tuned block 6 beside the trunk: pretrained weights give the frozen map, others change only it', async () => {
    const model = await loadMobileNetV2();
    const spec = trainPatchSpec(input);
    const pre = foldedConv(model, FINETUNE_LAYER);
    const f = frame(5);
    const run = async (tuned?: { weight: Float32Array; bias: Float32Array }) => {
      const r = await createFrameRunner(patchGraphBytes(model, spec, undefined, tuned), input, MAP_NAME);
      const m = Float32Array.from(await r.run(f));
      await r.release();
      return m;
    };
    const frozen = await run();
    const same = await run({ weight: pre.weight, bias: pre.bias });
    const shifted = await run({ weight: pre.weight, bias: pre.bias.map((b) => b + 0.5) });
    const split = (patchChannels(model, spec) - tunedChannels(model)) * (H / 8) * (W / 8);
    let maxSame = 0;
    for (let i = 0; i < frozen.length; i++)
      maxSame = Math.max(maxSame, Math.abs((frozen[i] as number) - (same[i] as number)));
    expect(maxSame).toBeLessThan(1e-4);
    // Block 10 (context) comes from the pretrained trunk, so everything before block 6's channels stays put.
    let maxBefore = 0;
    let changedAfter = 0;
    for (let i = 0; i < frozen.length; i++) {
      const d = Math.abs((frozen[i] as number) - (shifted[i] as number));
      if (i < split) maxBefore = Math.max(maxBefore, d);
      else if (d > 1e-3) changedAfter++;
    }
    expect(maxBefore).toBeLessThan(1e-4);
    expect(changedAfter).toBeGreaterThan(100);
  });
});
