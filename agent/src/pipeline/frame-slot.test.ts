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
  it('live: keeps the newest frame and counts the ones nobody took', async () => {
    const slot = createFrameSlot(true);
    await slot.put(f('a'));
    await slot.put(f('b'));
    await slot.put(f('c'));
    expect((await slot.take())?.id).toBe('c');
    expect(slot.dropped()).toBe(2);
  });

  it('recorded: hands over every frame in order, the producer waiting for the consumer', async () => {
    const slot = createFrameSlot(false);
    const produced = (async () => {
      for (const id of ['a', 'b', 'c']) await slot.put(f(id));
      slot.close();
    })();
    const got: string[] = [];
    for (let x = await slot.take(); x; x = await slot.take()) got.push(x.id);
    await produced;
    expect(got).toEqual(['a', 'b', 'c']);
    expect(slot.dropped()).toBe(0);
  });

  it('recorded: the producer is asked for a frame only when the consumer waits', async () => {
    const slot = createFrameSlot(false);
    let asked = false;
    const want = slot.wanted().then(() => {
      asked = true;
    });
    await Promise.resolve();
    expect(asked).toBe(false);
    const taking = slot.take();
    await want;
    expect(asked).toBe(true);
    await slot.put(f('a'));
    expect((await taking)?.id).toBe('a');
  });

  it('wakes a waiting consumer with undefined when closed', async () => {
    const slot = createFrameSlot(true);
    const waiting = slot.take();
    slot.close();
    expect(await waiting).toBeUndefined();
  });
});
