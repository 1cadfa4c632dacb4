// A camera's capture thread: owns the camera's FrameSource, and preprocesses each frame for the model
// right after capture, so capture and preprocessing overlap inference in the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { createPreprocessStage, inputKey } from '../../preprocess/index.ts';
import { createFrameSource } from '../index.ts';
import type { CameraThreadData, CameraThreadReply, CameraThreadRequest } from './messages.ts';

const data = workerData as CameraThreadData;
const port = parentPort;
if (!port) throw new Error('camera-thread.ts runs as a worker thread');
const source = createFrameSource(data.camera, data.source, data.limit);
const prepare = createPreprocessStage();
const key = data.input ? inputKey(data.input) : undefined;

/** A typed array that owns its whole buffer, so the buffer can be transferred without copying more. */
function own<T extends Uint8Array | Float32Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

const reply = (msg: CameraThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

port.on('message', async ({ id, op }: CameraThreadRequest) => {
  try {
    if (op === 'open') await source.open();
    else if (op === 'close') await source.close();
    else {
      const captured = await source.read();
      if (!captured) return reply({ id, ok: true, frame: null });
      const frame = { ...captured, frame: { ...captured.frame, data: own(captured.frame.data) } };
      if (data.input && key) {
        const prepared = prepare(frame, data.input);
        frame.input = { key, tensor: own(prepared.tensor), ms: prepared.preprocessMs };
      }
      const transfer = [frame.frame.data.buffer as ArrayBuffer];
      if (frame.input) transfer.push(frame.input.tensor.buffer as ArrayBuffer);
      return reply({ id, ok: true, frame }, transfer);
    }
    reply({ id, ok: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    reply({ id, ok: false, error: { message: e.message, ...(e.code ? { code: e.code } : {}) } });
  }
});
