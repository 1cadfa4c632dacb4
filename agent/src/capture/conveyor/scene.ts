import { createPartStream, type ImageFrame, type PartStream } from '@sightline/models';
import { loadZxing } from '../../identity/zxing.ts';
import type { PartInView } from '../frame-source.ts';
import { type Belt, type BeltPart, PART_SIZE } from './belt.ts';

/** Height of the band under the parts where each part's code label rides (a traveller label on the carrier). */
export const LABEL_BAND = 64;
const BELT_LEVEL = 28;
const LABEL_LEVEL = 225;
const INK_LEVEL = 25;

export type CodeFormat = 'DataMatrix' | 'QRCode' | 'Code128' | 'none';

/** A part's pixels and truth, rendered once when it first comes into view. */
interface Rendered {
  image: Uint8Array;
  truth: 'ok' | 'defect';
  /** Code label, grey, `labelW` wide. */
  label?: { data: Uint8Array; w: number; h: number };
}

/** A code's modules as a grey label with a quiet zone, scaled to fit the label band. */
async function renderLabel(text: string, format: Exclude<CodeFormat, 'none'>): Promise<Rendered['label']> {
  const zxing = await loadZxing();
  const { symbol, error } = await zxing.writeBarcode(text, { format });
  if (!symbol || error) throw new Error(`conveyor: cannot draw a ${format} for "${text}": ${error}`);
  const quiet = format === 'Code128' ? 6 : 2;
  const linear = format === 'Code128';
  const cols = symbol.width + 2 * quiet;
  const rows = linear ? 1 : symbol.height + 2 * quiet;
  const scale = Math.max(1, Math.floor(Math.min((LABEL_BAND - 6) / (linear ? 20 : rows), 240 / cols)));
  const w = cols * scale;
  const h = linear ? LABEL_BAND - 8 : rows * scale;
  const data = new Uint8Array(w * h).fill(LABEL_LEVEL);
  for (let y = 0; y < h; y++) {
    // A linear code's symbol is one row, drawn tall; a 2D code's rows are modules (0 = dark).
    const sy = linear ? 0 : Math.floor(y / scale) - quiet;
    if (sy < 0 || sy >= symbol.height) continue;
    for (let x = 0; x < w; x++) {
      const sx = Math.floor(x / scale) - quiet;
      if (sx >= 0 && sx < symbol.width && symbol.data[sy * symbol.width + sx] === 0)
        data[y * w + x] = INK_LEVEL;
    }
  }
  return { data, w, h };
}

/** Copies `src` (w × h) into `dst` (frame width fw, height fh) at (x0, y0), clipped to the frame. */
function paste(
  dst: Uint8Array,
  fw: number,
  fh: number,
  src: Uint8Array,
  w: number,
  h: number,
  x0: number,
  y0: number,
) {
  const xa = Math.max(0, x0);
  const xb = Math.min(fw, x0 + w);
  if (xb <= xa) return;
  for (let y = Math.max(0, y0); y < Math.min(fh, y0 + h); y++) {
    const row = (y - y0) * w;
    dst.set(src.subarray(row + (xa - x0), row + (xb - x0)), y * fw + xa);
  }
}

/**
 * Draws what a camera looking down at the belt sees: parts (the synthetic part renderer's images, so the
 * default model knows them) moving left to right over a dark belt, each with its code label in the band
 * below. Parts are rendered once, in belt order, and dropped when they leave the view.
 */
export function createScene(opts: {
  belt: Belt;
  seed: number;
  defectRate: number;
  width: number;
  code: CodeFormat;
  /** Only this many parts are ever fed onto the belt. */
  limit?: number;
  /** Draw this many parts (images and labels) once and repeat them (benchmarks: the agent, not the renderer). */
  prerender?: number;
}) {
  const { belt, width } = opts;
  const height = PART_SIZE + LABEL_BAND;
  const stream: PartStream = createPartStream({
    seed: opts.seed,
    defectRate: opts.defectRate,
    width: PART_SIZE,
    height: PART_SIZE,
  });
  const rendered = new Map<number, Rendered>();
  let nextIndex = 0;

  const pool: Rendered[] = [];
  const render = async (p: BeltPart): Promise<Rendered> => {
    const n = opts.prerender ?? 0;
    if (n > 0 && p.index >= n) return pool[p.index % n] as Rendered;
    let r = rendered.get(p.index);
    if (!r && p.index < nextIndex) throw new Error(`conveyor: part ${p.index} was drawn and forgotten`);
    // The part stream is sequential: parts are drawn in belt order, once each.
    while (!r) {
      const part = stream.next();
      const belong = belt.part(nextIndex);
      nextIndex += 1;
      const label = opts.code === 'none' ? undefined : await renderLabel(belong.id, opts.code);
      const made: Rendered = { image: part.frame.data, truth: part.truth, ...(label ? { label } : {}) };
      rendered.set(belong.index, made);
      if (opts.prerender && belong.index < opts.prerender) pool.push(made);
      if (belong.index === p.index) r = made;
    }
    return r;
  };

  return {
    width,
    height,
    /** Draws the first part (and loads the code writer) ahead, so the belt's clock starts with a camera that keeps up. */
    async warm() {
      await render(belt.part(0));
    },
    /** The frame at belt time t (s), and the parts in it. */
    async frameAt(t: number): Promise<{ frame: ImageFrame; parts: PartInView[] }> {
      const data = new Uint8Array(width * height).fill(BELT_LEVEL);
      const travel = belt.travel(t);
      const parts: PartInView[] = [];
      const visible = belt.inView(t, width).filter((p) => opts.limit === undefined || p.index < opts.limit);
      for (const p of visible) {
        const r = await render(p);
        const x = travel + p.offset;
        const left = Math.round(x - PART_SIZE / 2);
        paste(data, width, height, r.image, PART_SIZE, PART_SIZE, left, 0);
        if (r.label) {
          const { w, h } = r.label;
          paste(
            data,
            width,
            height,
            r.label.data,
            w,
            h,
            Math.round(x - w / 2),
            PART_SIZE + Math.floor((LABEL_BAND - h) / 2),
          );
        }
        parts.push({
          id: p.id,
          truth: r.truth,
          ...(p.recipe === undefined ? {} : { recipe: p.recipe }),
          x,
          y: PART_SIZE / 2,
        });
      }
      // Forget parts that have left the view (parts drawn ahead, not in view yet, stay).
      const oldest = visible[0]?.index;
      if (oldest !== undefined)
        for (const index of rendered.keys()) if (index < oldest) rendered.delete(index);
      return { frame: { width, height, channels: 1, data }, parts };
    },
  };
}
