import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { workerData } from 'node:worker_threads';

type Zxing = typeof import('zxing-wasm/full');

/**
 * zxing-wasm's binary, from this package — or, in the bundled capture thread (whose file lives in the
 * temp dir and cannot resolve packages), from the path the main thread hands it in `workerData`.
 */
export function zxingWasmPath(): string {
  const given = (workerData as { zxingWasm?: unknown } | null)?.zxingWasm;
  if (typeof given === 'string') return given;
  return createRequire(import.meta.url).resolve('zxing-wasm/full/zxing_full.wasm');
}

let loaded: Promise<Zxing> | undefined;

/**
 * ZXing-C++ compiled to wasm (zxing-wasm): reads and writes DataMatrix, QR, Code 128, EAN and more.
 * The binary is read from disk, never fetched (the package's default is a CDN).
 */
export function loadZxing(): Promise<Zxing> {
  loaded ??= (async () => {
    const zxing = await import('zxing-wasm/full');
    const bytes = await readFile(zxingWasmPath());
    await zxing.prepareZXingModule({
      overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      fireImmediately: true,
    });
    return zxing;
  })();
  return loaded;
}
