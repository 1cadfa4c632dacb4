import { describe, expect, it } from 'vitest';
import { createCameraHandshake, ERROR_CODE, MAP, textToWords, wordsToText } from './handshake.ts';

describe('PLC handshake (one camera)', () => {
  it('a rising trigger edge is one part, with the part id the PLC wrote', () => {
    const triggers: (string | undefined)[] = [];
    const h = createCameraHandshake({ onTrigger: (p) => triggers.push(p) });
    for (const [i, w] of textToWords('LOT7-0042', MAP.holding.partIdWords).entries())
      h.setHolding(MAP.holding.partIdIn + i, w);
    h.setCoil(MAP.coil.trigger, true);
    h.setCoil(MAP.coil.trigger, true); // held high: no new edge
    h.setCoil(MAP.coil.trigger, false);
    h.setCoil(MAP.coil.trigger, true);
    expect(triggers).toEqual(['LOT7-0042', 'LOT7-0042']);
  });

  it('presents results one at a time: ready until acked, the next once the ack is lowered', () => {
    const h = createCameraHandshake({ onTrigger: () => undefined });
    h.result({ verdict: 'ok', score: 0.1, part: 'P1' });
    h.result({ verdict: 'defect', score: 0.93, part: 'P2' });
    const read = () => ({
      ready: h.getDiscrete(MAP.discrete.resultsReady),
      ok: h.getDiscrete(MAP.discrete.ok),
      ng: h.getDiscrete(MAP.discrete.ng),
      cls: h.getInput(MAP.input.resultClass),
      counter: h.getInput(MAP.input.resultCounter),
      part: wordsToText(
        Array.from({ length: MAP.input.partIdWords }, (_, i) => h.getInput(MAP.input.partId + i)),
      ),
    });
    expect(read()).toEqual({ ready: true, ok: true, ng: false, cls: 1, counter: 1, part: 'P1' });
    h.setCoil(MAP.coil.resultsAck, true);
    expect(read()).toMatchObject({ ready: false, cls: 0 });
    h.setCoil(MAP.coil.resultsAck, false);
    expect(read()).toEqual({ ready: true, ok: false, ng: true, cls: 2, counter: 2, part: 'P2' });
    expect(h.getInput(MAP.input.score)).toBe(930);
  });

  it('raises error with its code (a missed part; results the PLC did not take) until the next result', () => {
    const h = createCameraHandshake({ onTrigger: () => undefined, maxQueued: 2 });
    h.error(ERROR_CODE.missedPart);
    expect(h.getDiscrete(MAP.discrete.error)).toBe(true);
    expect(h.getInput(MAP.input.errorCode)).toBe(ERROR_CODE.missedPart);
    h.result({ verdict: 'ok', score: 0 });
    expect(h.getDiscrete(MAP.discrete.error)).toBe(false);
    for (let i = 0; i < 3; i++) h.result({ verdict: 'ok', score: 0 });
    expect(h.getInput(MAP.input.errorCode)).toBe(ERROR_CODE.resultsOverflow);
  });

  it('reads the 32-bit encoder count the PLC writes, and says when it moved', () => {
    const counts: number[] = [];
    const h = createCameraHandshake({ onTrigger: () => undefined, onEncoder: (c) => counts.push(c) });
    h.setHolding(MAP.holding.encoderHigh, 1);
    h.setHolding(MAP.holding.encoderLow, 5);
    expect(counts).toEqual([65541]);
  });
});
