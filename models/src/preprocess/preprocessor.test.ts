import { describe, expect, it } from 'vitest';
import type { ManifestInput } from '../manifest/schema.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { createRng } from '../synthetic/rng.ts';
import { preprocessFrame } from './preprocess.ts';
import { createPreprocessor } from './preprocessor.ts';

const rng = createRng(7);
const frame = (width: number, height: number, channels: 1 | 3): ImageFrame => ({
  width,
  height,
  channels,
  data: Uint8Array.from({ length: width * height * channels }, () => Math.floor(rng() * 256)),
});
const input = (c: 1 | 3, h: number, w: number, colour: ManifestInput['colour']): ManifestInput => ({
  name: 'x',
  shape: [1, c, h, w],
  layout: 'NCHW',
  colour,
  resize: 'stretch',
  mean: c === 1 ? [0.45] : [0.485, 0.456, 0.406],
  std: c === 1 ? [0.22] : [0.229, 0.224, 0.225],
});

describe('createPreprocessor', () => {
  const cases: [string, ImageFrame, ManifestInput][] = [
    ['grey camera, RGB model, shrink', frame(64, 48, 1), input(3, 24, 32, 'rgb')],
    ['BGR camera, RGB model, non-integer shrink', frame(50, 37, 3), input(3, 19, 23, 'rgb')],
    ['BGR camera, BGR model, enlarge', frame(9, 7, 3), input(3, 16, 20, 'bgr')],
    ['BGR camera, grey model, same size', frame(12, 10, 3), input(1, 10, 12, 'gray')],
    ['grey camera, grey model, mixed', frame(40, 10, 1), input(1, 16, 16, 'gray')],
  ];
  it.each(cases)('%s: the very tensor preprocessFrame makes', (_name, f, spec) => {
    const run = createPreprocessor(spec);
    const expected = preprocessFrame(f, spec);
    expect(run(f)).toEqual(expected);
    // Scratch planes are reused: a second, different frame of the same size is right too.
    const g = { ...f, data: f.data.map((v) => 255 - v) };
    expect(run(g)).toEqual(preprocessFrame(g, spec));
    // And a frame of another size replans.
    const small = frame(8, 6, f.channels);
    expect(run(small)).toEqual(preprocessFrame(small, spec));
  });

  it('fills a tensor it is given, leaving none of its old values', () => {
    const spec = input(3, 24, 32, 'rgb');
    const f = frame(64, 48, 1);
    const out = new Float32Array(3 * 24 * 32).fill(Number.NaN);
    expect(createPreprocessor(spec)(f, out)).toBe(out);
    expect(out).toEqual(preprocessFrame(f, spec));
  });

  it('rejects a frame that holds fewer bytes than its size says', () => {
    const run = createPreprocessor(input(1, 4, 4, 'gray'));
    expect(() => run({ width: 4, height: 4, channels: 1, data: new Uint8Array(10) })).toThrow(
      /needs 16 bytes/,
    );
  });
});
