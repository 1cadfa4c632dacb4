import { describe, expect, it } from 'vitest';
import type { CapturedFrame } from '../capture/index.ts';
import { createFrameSlot } from './frame-slot.ts';

const f = (id: string): CapturedFrame => ({
  id,
  ts: 0,
  captureMs: 0,
  frame: { width: 1, height: 1, channels: 1, data: new Uint8Array(1) },
});

describe('frame slot', () => {
  it('live: keeps the newest frame and reports each one nobody took', async () => {
    const dropped: string[] = [];
    const slot = createFrameSlot({ live: true, onDrop: (x) => dropped.push(x.id) });
    await slot.put(f('a'));
    await slot.put(f('b'));
    await slot.put(f('c'));
    expect((await slot.take())?.id).toBe('c');
    expect(dropped).toEqual(['a', 'b']);
  });

  it('recorded: hands over every frame in order, one captured ahead of the consumer', async () => {
    const slot = createFrameSlot({ live: false, onDrop: () => expect.unreachable('no drop') });
    const log: string[] = [];
    const produced = (async () => {
      for (const id of ['a', 'b', 'c']) {
        await slot.put(f(id));
        log.push(`put ${id}`);
      }
      slot.end();
    })();
    // Before anyone takes, the producer has put one frame and waits with the next.
    await Promise.resolve();
    expect(log).toEqual(['put a']);
    const got: string[] = [];
    for (let x = await slot.take(); x; x = await slot.take()) got.push(x.id);
    await produced;
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('hands over the last frame after the end, then undefined', async () => {
    const slot = createFrameSlot({ live: true });
    await slot.put(f('a'));
    slot.end();
    expect((await slot.take())?.id).toBe('a');
    expect(await slot.take()).toBeUndefined();
  });

  it('wakes a waiting consumer with undefined when ended', async () => {
    const slot = createFrameSlot({ live: true });
    const waiting = slot.take();
    slot.end();
    expect(await waiting).toBeUndefined();
  });
});
