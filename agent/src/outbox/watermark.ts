import { type FileHandle, open } from 'node:fs/promises';

export interface Watermark {
  /** Every seq below this is acknowledged (or dropped). */
  readonly value: number;
  set(value: number, sync: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The outbox's ack watermark: 8 bytes overwritten in place (a torn write reads as 0: resend all, never lose). */
export async function createWatermark(path: string): Promise<Watermark> {
  let fh: FileHandle = await open(path, 'a+');
  const buf = Buffer.alloc(16);
  const { bytesRead } = await fh.read(buf, 0, 16, 0);
  await fh.close();
  let value = 0;
  // Two copies of the value: a torn write leaves them different, and then 0 is the safe answer.
  if (bytesRead === 16 && buf.readDoubleLE(0) === buf.readDoubleLE(8)) value = buf.readDoubleLE(0);
  fh = await open(path, 'r+');
  let writing: Promise<void> = Promise.resolve();
  return {
    get value() {
      return value;
    },
    set(next, sync) {
      value = Math.max(value, next);
      const snapshot = value;
      writing = writing.then(async () => {
        const out = Buffer.alloc(16);
        out.writeDoubleLE(snapshot, 0);
        out.writeDoubleLE(snapshot, 8);
        await fh.write(out, 0, 16, 0);
        if (sync) await fh.datasync();
      });
      return writing;
    },
    async close() {
      await writing;
      await fh.close();
    },
  };
}
