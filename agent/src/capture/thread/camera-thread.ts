// The capture thread: hosts the threaded cameras' FrameSources and preprocesses each frame for the
// model right after capture, so capture and preprocessing overlap inference in the main thread.
import { parentPort } from 'node:worker_threads';
import { createPreprocessor, type Preprocessor } from '@sightline/models';
import { inputKey } from '../../preprocess/index.ts';
import type { FrameSource } from '../frame-source.ts';
import { createFrameSource } from '../index.ts';
import type { CaptureReply, CaptureRequest } from './messages.ts';

const port = parentPort;
if (!port) throw new Error('camera-thread.ts runs as a worker thread');

interface Hosted {
  source: FrameSource;
  preprocess?: Preprocessor;
  key?: string;
  /** Tensor buffers the main thread gave back, filled again instead of allocating new ones. */
  spares: ArrayBuffer[];
}
const cameras = new Map<string, Hosted>();

/** A typed array that owns its whole buffer, so the buffer can be transferred without copying more. */
function own<T extends Uint8Array | Float32Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

const reply = (msg: CaptureReply, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

async function read(hosted: Hosted, id: number) {
  const captured = await hosted.source.read();
  if (!captured) return reply({ id, ok: true, frame: null });
  const frame = { ...captured, frame: { ...captured.frame, data: own(captured.frame.data) } };
  if (hosted.preprocess && hosted.key) {
    const start = performance.now();
    const spare = hosted.spares.pop();
    const tensor = hosted.preprocess(frame.frame, spare ? new Float32Array(spare) : undefined);
    frame.input = { key: hosted.key, tensor: own(tensor), ms: performance.now() - start };
  }
  const transfer = [frame.frame.data.buffer as ArrayBuffer];
  if (frame.input) transfer.push(frame.input.tensor.buffer as ArrayBuffer);
  reply({ id, ok: true, frame }, transfer);
}

port.on('message', async (msg: CaptureRequest) => {
  const { id, camera } = msg;
  try {
    if (msg.op === 'add') {
      const { spec } = msg;
      cameras.set(camera, {
        source: createFrameSource(camera, spec.source, spec.limit),
        ...(spec.input ? { preprocess: createPreprocessor(spec.input), key: inputKey(spec.input) } : {}),
        spares: [],
      });
      return reply({ id, ok: true });
    }
    const hosted = cameras.get(camera);
    if (!hosted) throw new Error(`camera ${camera} is not hosted by the capture thread`);
    if (msg.spare && hosted.spares.length < 4) hosted.spares.push(msg.spare);
    if (msg.op === 'read') return await read(hosted, id);
    if (msg.op === 'open') await hosted.source.open();
    else if (msg.op === 'close') await hosted.source.close();
    else {
      cameras.delete(camera);
      await hosted.source.close();
    }
    reply({ id, ok: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    reply({ id, ok: false, error: { message: e.message, ...(e.code ? { code: e.code } : {}) } });
  }
});
