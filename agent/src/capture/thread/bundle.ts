import { fileURLToPath } from 'node:url';
import { writeCached } from '../../../bin/bundle.mjs';

const SOURCE = fileURLToPath(new URL('./camera-thread.ts', import.meta.url));
/** Loads the TypeScript entry through tsx: the fallback where bundling is impossible. */
export const TSX_ENTRY = new URL('./camera-thread.mjs', import.meta.url);

let bundled: Promise<string> | undefined;

/**
 * The capture thread as one plain-JS file, bundled once per process with esbuild (cached in the temp
 * dir by content hash). A thread that loads plain JS needs no TypeScript loader of its own: with tsx,
 * each capture thread carried its own loader thread and transpiler, tens of MB per camera.
 */
export function cameraThreadBundle(): Promise<string> {
  bundled ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild
      .build({
        entryPoints: [SOURCE],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        // Never loaded in a capture thread (OpenCV sources stay in the main thread), never bundled.
        external: ['@u4/opencv4nodejs'],
        logLevel: 'silent',
      })
      // The esbuild service is not needed again: its process would only hold memory.
      .finally(() => esbuild.stop());
    const code = result.outputFiles[0]?.contents;
    if (!code) throw new Error('esbuild produced no output for the capture thread');
    return writeCached('sightline-camera-thread', code);
  })();
  return bundled;
}
