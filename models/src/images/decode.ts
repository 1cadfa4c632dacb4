import { convertIndexedToRgb, decode as decodePngData, encode as encodePngData } from 'fast-png';
import jpeg from 'jpeg-js';
import { ModelsError } from '../errors.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { decodeBmp } from './bmp.ts';

/** Pixels from `channels` interleaved samples (8-bit) to an ImageFrame: gray stays 1 channel, colour becomes BGR. */
function toFrame(
  width: number,
  height: number,
  src: ArrayLike<number>,
  channels: number,
  shift: number,
): ImageFrame {
  const n = width * height;
  const colour = channels >= 3;
  const data = new Uint8Array(n * (colour ? 3 : 1));
  for (let i = 0; i < n; i++) {
    if (colour) {
      data[3 * i] = (src[i * channels + 2] as number) >> shift;
      data[3 * i + 1] = (src[i * channels + 1] as number) >> shift;
      data[3 * i + 2] = (src[i * channels] as number) >> shift;
    } else data[i] = (src[i * channels] as number) >> shift;
  }
  return { width, height, channels: colour ? 3 : 1, data };
}

/** True when every pixel of an RGB(A) buffer has R = G = B (a gray image stored as colour). */
function isGray(src: ArrayLike<number>, channels: number, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const r = src[i * channels];
    if (r !== src[i * channels + 1] || r !== src[i * channels + 2]) return false;
  }
  return true;
}

function decodeJpeg(bytes: Uint8Array): ImageFrame {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  // jpeg-js always returns RGB; a one-component (gray) JPEG comes back with R = G = B.
  return isGray(img.data, 3, img.width * img.height)
    ? grayFrom(img.width, img.height, img.data, 3)
    : toFrame(img.width, img.height, img.data, 3, 0);
}

function grayFrom(width: number, height: number, src: ArrayLike<number>, channels: number): ImageFrame {
  const n = width * height;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = src[i * channels] as number;
  return { width, height, channels: 1, data };
}

function decodePng(bytes: Uint8Array): ImageFrame {
  const png = decodePngData(bytes);
  let data: ArrayLike<number> = png.data;
  let channels = png.channels;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  }
  if (png.depth !== 8 && png.depth !== 16 && !png.palette) {
    throw new Error(`${png.depth}-bit PNG is not supported; save it as 8- or 16-bit`);
  }
  const shift = png.depth === 16 ? 8 : 0;
  if (channels <= 2)
    return grayFrom(
      png.width,
      png.height,
      shift ? Uint8Array.from(data as ArrayLike<number>, (v) => v >> 8) : data,
      channels,
    );
  return toFrame(png.width, png.height, data, channels, shift);
}

/** Binary (P5) or plain (P2) PGM, 8- or 16-bit. */
function decodePgm(bytes: Uint8Array): ImageFrame {
  const header: number[] = [];
  let i = 2;
  while (header.length < 3) {
    while (i < bytes.length && /\s/.test(String.fromCharCode(bytes[i] as number))) i++;
    if (bytes[i] === 0x23) {
      while (i < bytes.length && bytes[i] !== 0x0a) i++; // comment line
      continue;
    }
    let s = '';
    while (i < bytes.length && !/\s/.test(String.fromCharCode(bytes[i] as number)))
      s += String.fromCharCode(bytes[i++] as number);
    header.push(Number(s));
  }
  const [width, height, maxval] = header as [number, number, number];
  if (!(width > 0 && height > 0 && maxval > 0 && maxval < 65536)) throw new Error('bad PGM header');
  const n = width * height;
  const data = new Uint8Array(n);
  const scale = 255 / maxval;
  if (bytes[1] === 0x35) {
    const start = i + 1; // exactly one whitespace byte after maxval
    const wide = maxval > 255;
    for (let p = 0; p < n; p++) {
      const v = wide
        ? ((bytes[start + 2 * p] as number) << 8) | (bytes[start + 2 * p + 1] as number)
        : (bytes[start + p] as number);
      data[p] = Math.round(v * scale);
    }
  } else {
    const values = new TextDecoder().decode(bytes.subarray(i)).trim().split(/\s+/).map(Number);
    for (let p = 0; p < n; p++) data[p] = Math.round((values[p] ?? 0) * scale);
  }
  return { width, height, channels: 1, data };
}

/** Decodes JPEG, PNG (8/16-bit, gray, RGB(A), palette), PGM (P2/P5) or BMP (uncompressed) bytes to an ImageFrame (gray or BGR). */
export function decodeImage(bytes: Uint8Array, source = 'image'): ImageFrame {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return decodeJpeg(bytes);
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
      return decodePng(bytes);
    if (bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x32)) return decodePgm(bytes);
    if (bytes[0] === 0x42 && bytes[1] === 0x4d) return decodeBmp(bytes);
  } catch (err) {
    throw new ModelsError('SL_IMAGE_INVALID', `${source}: cannot decode: ${(err as Error).message}`);
  }
  throw new ModelsError(
    'SL_IMAGE_INVALID',
    `${source}: not a JPEG, PNG, PGM or BMP file (unknown signature)`,
  );
}

/** Encodes a gray or BGR frame as an 8-bit PNG (gray or RGB). */
export function encodePng(frame: ImageFrame): Uint8Array {
  if (frame.channels === 1)
    return encodePngData({
      width: frame.width,
      height: frame.height,
      data: frame.data,
      channels: 1,
      depth: 8,
    });
  const rgb = new Uint8Array(frame.width * frame.height * 3);
  for (let i = 0; i < rgb.length; i += 3) {
    rgb[i] = frame.data[i + 2] as number;
    rgb[i + 1] = frame.data[i + 1] as number;
    rgb[i + 2] = frame.data[i] as number;
  }
  return encodePngData({ width: frame.width, height: frame.height, data: rgb, channels: 3, depth: 8 });
}
