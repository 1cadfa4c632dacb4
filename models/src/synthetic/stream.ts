import { ModelsError } from '../errors.ts';
import { DEFECT_KINDS, type DefectKind, type ImageFrame } from './frame.ts';
import { renderPart } from './render.ts';
import { childSeed, createRng, pick, type Rng, shuffle } from './rng.ts';

export const BLOCK_SIZE = 100;

export interface PartStreamOptions {
  seed: number;
  /** Fraction of defective parts, in [0, 1]. Each block of 100 parts holds exactly round(100·defectRate). */
  defectRate: number;
  width?: number;
  height?: number;
  /** Defect kinds to draw from (default: all). */
  kinds?: readonly DefectKind[];
  /** 1 = gray (default), 3 = BGR. */
  channels?: 1 | 3;
  /** Also return where the defects are (`mask`), for training per-location models. Pixels are unchanged. */
  masks?: boolean;
}

export interface SyntheticPart {
  frame: ImageFrame;
  /** With `masks`: 1 where a defect is (width × height), see `renderPart`. */
  mask?: Uint8Array;
  truth: 'ok' | 'defect';
  defects: DefectKind[];
  /** 0-based position in the stream. */
  index: number;
}

export interface PartStream {
  next(): SyntheticPart;
}

function validate(opts: PartStreamOptions): void {
  const bad = (what: string) => new ModelsError('SL_MODELS_INVALID_OPTION', `createPartStream: ${what}`);
  if (!Number.isFinite(opts.defectRate) || opts.defectRate < 0 || opts.defectRate > 1) {
    throw bad(`defectRate must be a number in [0, 1] (e.g. 0.05 for 5 %), got ${String(opts.defectRate)}`);
  }
  if (!Number.isInteger(opts.seed)) throw bad(`seed must be an integer, got ${String(opts.seed)}`);
  for (const [k, v] of [
    ['width', opts.width],
    ['height', opts.height],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 64 || v > 4096)) {
      throw bad(`${k} must be an integer from 64 to 4096 pixels, got ${String(v)}`);
    }
  }
  if (opts.kinds !== undefined) {
    if (opts.kinds.length === 0) throw bad('kinds must name at least one defect kind');
    for (const k of opts.kinds) {
      if (!DEFECT_KINDS.includes(k))
        throw bad(`unknown defect kind "${k}"; known: ${DEFECT_KINDS.join(', ')}`);
    }
  }
}

/** Defects for one defective part: one kind, and a second different kind one time in ten. */
function chooseDefects(rng: Rng, kinds: readonly DefectKind[]): DefectKind[] {
  const first = pick(rng, kinds);
  if (kinds.length > 1 && rng() < 0.1) {
    const second = pick(
      rng,
      kinds.filter((k) => k !== first),
    );
    return [first, second];
  }
  return [first];
}

/**
 * An endless, seeded stream of synthetic parts. Defects are scheduled in shuffled blocks of 100 parts,
 * each with exactly round(100·defectRate) defective parts, so the realised rate tracks the configured one.
 */
export function createPartStream(opts: PartStreamOptions): PartStream {
  validate(opts);
  const master = createRng(opts.seed);
  const scheduleRng = createRng(childSeed(master));
  const kindRng = createRng(childSeed(master));
  const renderRng = createRng(childSeed(master));
  const kinds = opts.kinds ?? DEFECT_KINDS;
  const perBlock = Math.round(BLOCK_SIZE * opts.defectRate);
  let block: boolean[] = [];
  let index = 0;

  return {
    next() {
      const slot = index % BLOCK_SIZE;
      if (slot === 0) {
        block = Array.from({ length: BLOCK_SIZE }, (_, i) => i < perBlock);
        shuffle(scheduleRng, block);
      }
      const defective = block[slot] === true;
      const defects = defective ? chooseDefects(kindRng, kinds) : [];
      let mask: Uint8Array | undefined;
      const frame = renderPart({
        rng: renderRng,
        width: opts.width,
        height: opts.height,
        defects,
        channels: opts.channels,
        mask: opts.masks
          ? (m) => {
              mask = m;
            }
          : undefined,
      });
      return { frame, mask, truth: defective ? 'defect' : 'ok', defects, index: index++ };
    },
  };
}
