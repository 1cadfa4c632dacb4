import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelsError } from '../errors.ts';
import { decodeImage } from '../images/decode.ts';
import { isImageName } from '../images/files.ts';
import { listLabelledImages } from '../images/load.ts';
import type { ManifestInput } from '../manifest/schema.ts';
import { preprocessFrame } from '../preprocess/preprocess.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { createPartStream } from '../synthetic/stream.ts';
import { decodeModel } from './onnx-model.ts';
import { type QuantizeReport, quantizeStatic } from './quantize.ts';

/** Seed of `synthetic[:N]` calibration parts: fixed, so a calibration is reproducible. */
export const CALIBRATION_SEED = 0x5ca1ab1e;

/** `n` indices spread evenly over `total` (all of them when n ≥ total). */
const spread = (total: number, n: number) =>
  n >= total
    ? Array.from({ length: total }, (_, i) => i)
    : Array.from({ length: n }, (_, i) => Math.floor((i * total) / n));

/**
 * Static int8 of `model` calibrated on at most `max` of `frames` (spread evenly), preprocessed for `input`:
 * what training does with the frames it already holds in memory. Nodes whose output name starts with one of
 * `floatPrefixes` stay float (e.g. an anomaly model's nearest-neighbour search, whose distances int8 would blur).
 */
export async function quantizeOnFrames(
  model: Uint8Array,
  frames: readonly ImageFrame[],
  input: ManifestInput,
  max = 64,
  opts: { floatPrefixes?: readonly string[] } = {},
): Promise<{ model: Uint8Array; report: QuantizeReport }> {
  const prefixes = opts.floatPrefixes ?? [];
  const excludeNodes =
    prefixes.length === 0
      ? undefined
      : (decodeModel(model).graph?.node ?? [])
          .filter((n) => prefixes.some((p) => (n.output?.[0] ?? '').startsWith(p)))
          .map((n) => n.name ?? '');
  return quantizeStatic({
    model,
    calibration: spread(frames.length, max).map((i) => preprocessFrame(frames[i] as ImageFrame, input)),
    inputName: input.name,
    dims: [...input.shape],
    ...(excludeNodes ? { excludeNodes } : {}),
  });
}

/**
 * Preprocessed calibration inputs from `synthetic[:N]` (seeded synthetic parts, default 200) or an image
 * folder: a labelled one (`ok/`, `defect/`, optionally under `train/`, `val/`; labels ignored) or a flat one.
 * At most `max` images, spread evenly over the sorted file list.
 */
export async function calibrationInputs(
  spec: string,
  input: ManifestInput,
  max = 200,
): Promise<{ inputs: Float32Array[]; dataset: string }> {
  const m = /^synthetic(?::(\d+))?$/.exec(spec);
  if (m) {
    const n = Number(m[1] ?? max);
    const stream = createPartStream({ seed: CALIBRATION_SEED, defectRate: 0.15 });
    const inputs = Array.from({ length: n }, () => preprocessFrame(stream.next().frame, input));
    return {
      inputs,
      dataset: `synthetic plates (createPartStream seed ${CALIBRATION_SEED}, ${n} parts, defect rate 0.15)`,
    };
  }
  let files: string[];
  try {
    files = (await listLabelledImages(spec, { split: 'train' }).catch(() => listLabelledImages(spec))).map(
      (f) => f.path,
    );
  } catch {
    const names = await readdir(spec).catch(() => {
      throw new ModelsError(
        'SL_DATASET_INVALID',
        `--calib ${spec}: not a folder; give an image folder or synthetic[:N]`,
      );
    });
    files = names
      .filter(isImageName)
      .sort()
      .map((f) => join(spec, f));
  }
  if (files.length === 0)
    throw new ModelsError('SL_DATASET_INVALID', `--calib ${spec}: no JPEG/PNG/PGM images found`);
  const picked = spread(files.length, max).map((i) => files[i] as string);
  const inputs = await Promise.all(
    picked.map(async (p) => preprocessFrame(decodeImage(new Uint8Array(await readFile(p)), p), input)),
  );
  return { inputs, dataset: `${picked.length} of ${files.length} images in ${spec}` };
}
