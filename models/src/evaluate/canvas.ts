import { encode } from 'fast-png';
import { GLYPH_H, GLYPH_W, glyph } from './font.ts';

export type Rgb = readonly [number, number, number];

export interface Canvas {
  width: number;
  height: number;
  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void;
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness?: number): void;
  /** Text at scale `s` (glyphs 5·s × 7·s); `align` anchors x at the left, centre or right. */
  text(x: number, y: number, str: string, c: Rgb, s?: number, align?: 'left' | 'center' | 'right'): void;
  /** Text rotated 90° counter-clockwise (reads bottom to top), centred on (x, y). */
  textUp(x: number, y: number, str: string, c: Rgb, s?: number): void;
  toPng(): Uint8Array;
}

export const textWidth = (str: string, s = 2) => str.length * (GLYPH_W + 1) * s - s;

/** An RGB raster with just what charts need: rectangles, thick lines, bitmap text; encodes to PNG. */
export function createCanvas(width: number, height: number, background: Rgb = [255, 255, 255]): Canvas {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(background, i);
  const set = (x: number, y: number, c: Rgb) => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= width || yi >= height) return;
    data.set(c, (yi * width + xi) * 3);
  };
  const canvas: Canvas = {
    width,
    height,
    fillRect(x, y, w, h, c) {
      for (let j = Math.max(0, Math.round(y)); j < Math.min(height, Math.round(y + h)); j++) {
        for (let i = Math.max(0, Math.round(x)); i < Math.min(width, Math.round(x + w)); i++)
          data.set(c, (j * width + i) * 3);
      }
    },
    line(x0, y0, x1, y1, c, thickness = 1) {
      const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
      const r = (thickness - 1) / 2;
      for (let k = 0; k <= steps; k++) {
        const x = x0 + ((x1 - x0) * k) / steps;
        const y = y0 + ((y1 - y0) * k) / steps;
        for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) set(x + dx, y + dy, c);
      }
    },
    text(x, y, str, c, s = 2, align = 'left') {
      const w = textWidth(str, s);
      let cx = align === 'left' ? x : align === 'center' ? x - w / 2 : x - w;
      for (const ch of str) {
        glyph(ch).forEach((bits, row) => {
          for (let col = 0; col < GLYPH_W; col++) {
            if (bits & (1 << (GLYPH_W - 1 - col))) canvas.fillRect(cx + col * s, y + row * s, s, s, c);
          }
        });
        cx += (GLYPH_W + 1) * s;
      }
    },
    textUp(x, y, str, c, s = 2) {
      const w = textWidth(str, s);
      let cy = y + w / 2;
      for (const ch of str) {
        glyph(ch).forEach((bits, row) => {
          for (let col = 0; col < GLYPH_W; col++) {
            if (bits & (1 << (GLYPH_W - 1 - col)))
              canvas.fillRect(x - (GLYPH_H * s) / 2 + row * s, cy - (col + 1) * s, s, s, c);
          }
        });
        cy -= (GLYPH_W + 1) * s;
      }
    },
    toPng: () => encode({ width, height, data, channels: 3, depth: 8 }),
  };
  return canvas;
}
