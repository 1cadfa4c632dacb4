import type { ImageFrame } from '../synthetic/frame.ts';

/**
 * Uncompressed Windows BMP (BI_RGB / BI_BITFIELDS with the usual masks; 1, 8, 24 or 32 bits; bottom-up or
 * top-down), enough for the masks datasets ship (KolektorSDD's `PartN_label.bmp`). Palette images become gray
 * when their palette is gray, BGR otherwise
 * (colour images with R = G = B everywhere become gray too). Hand-written: the one npm decoder (bmp-js) is unmaintained since
 * 2018 and this is 50 lines.
 */
export function decodeBmp(bytes: Uint8Array): ImageFrame {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = v.getUint32(10, true);
  const header = v.getUint32(14, true);
  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const bits = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  if (width <= 0 || rawHeight === 0) throw new Error(`bad BMP size ${width}×${rawHeight}`);
  if (compression !== 0 && compression !== 3)
    throw new Error(`compressed BMP (type ${compression}) is not supported`);
  if (![1, 8, 24, 32].includes(bits)) throw new Error(`${bits}-bit BMP is not supported`);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  const stride = Math.ceil((width * bits) / 32) * 4;
  const colours = bits <= 8 ? v.getUint32(46, true) || 1 << bits : 0;
  const palette: number[][] = [];
  for (let i = 0; i < colours; i++) {
    const p = 14 + header + 4 * i;
    palette.push([bytes[p] as number, bytes[p + 1] as number, bytes[p + 2] as number]); // B, G, R
  }
  const gray = bits <= 8 && palette.every(([b, g, r]) => b === g && g === r);
  const channels = gray ? 1 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      let bgr: number[];
      if (bits === 1) bgr = palette[((bytes[row + (x >> 3)] as number) >> (7 - (x & 7))) & 1] ?? [0, 0, 0];
      else if (bits === 8) bgr = palette[bytes[row + x] as number] ?? [0, 0, 0];
      else {
        const p = row + x * (bits / 8);
        bgr = [bytes[p] as number, bytes[p + 1] as number, bytes[p + 2] as number];
      }
      const o = (y * width + x) * channels;
      if (gray) data[o] = bgr[0] as number;
      else data.set(bgr, o);
    }
  }
  if (channels === 3) {
    // A 24/32-bit BMP with R = G = B everywhere is a gray image (as PNG and JPEG decoding treat it).
    let gray3 = true;
    for (let i = 0; i < data.length && gray3; i += 3)
      gray3 = data[i] === data[i + 1] && data[i] === data[i + 2];
    if (gray3) return { width, height, channels: 1, data: data.filter((_, i) => i % 3 === 0) };
  }
  return { width, height, channels, data };
}
