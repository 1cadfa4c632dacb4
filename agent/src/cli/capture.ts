import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createFrameSource } from '../capture/index.ts';
import type { AgentConfig } from '../config/index.ts';
import { createOpenCvJpegEncoder } from '../samples/index.ts';

/** `capture`: saves a few frames from each camera as JPEG, to aim and focus a camera. */
export async function captureCommand(
  config: AgentConfig,
  opts: { out: string; count: number; camera?: string },
): Promise<number> {
  const encode = createOpenCvJpegEncoder({ quality: 92 });
  const cameras = config.cameras.filter((c) => opts.camera === undefined || c.id === opts.camera);
  if (cameras.length === 0) {
    process.stderr.write(
      `no camera "${opts.camera}" in the config (cameras: ${config.cameras.map((c) => c.id).join(', ')})\n`,
    );
    return 2;
  }
  const out = resolve(opts.out);
  await mkdir(out, { recursive: true });
  let failed = 0;
  for (const camera of cameras) {
    const source = createFrameSource(camera.id, camera.source, opts.count);
    try {
      await source.open();
      for (let i = 0; i < opts.count; i++) {
        const captured = await source.read();
        if (!captured) break;
        const file = join(out, `${camera.id}-${i}.jpg`);
        await writeFile(file, await encode(captured.frame));
        const { width, height, channels } = captured.frame;
        process.stdout.write(
          `${camera.id}: ${file} (${width}×${height}, ${channels === 3 ? 'colour' : 'grey'})\n`,
        );
      }
    } catch (err) {
      failed += 1;
      process.stdout.write(`${camera.id}: FAILED ${(err as Error).message}\n`);
    } finally {
      await source.close().catch(() => undefined);
    }
  }
  return failed === 0 ? 0 : 1;
}
