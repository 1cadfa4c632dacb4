import { describe, expect, it } from 'vitest';
import { decodeOutputs, nms } from './decode.ts';

const g = { inputW: 100, inputH: 100, frameW: 200, frameH: 400 };
const t = (data: number[], dims: number[]) => ({ data: Float32Array.from(data), dims });

describe('decodeOutputs', () => {
  it('score: takes the single value', () => {
    expect(decodeOutputs({ s: t([0.83], [1, 1]) }, { kind: 'score', output: 's' }, g).score).toBeCloseTo(
      0.83,
      6,
    );
  });

  it('classes: softmax over logits, score = 1 − p(ok)', () => {
    const d = decodeOutputs(
      { logits: t([2, 0, 0], [1, 3]) },
      { kind: 'classes', output: 'logits', labels: ['ok', 'scratch', 'dent'], okLabel: 'ok', softmax: true },
      g,
    );
    const e2 = Math.exp(2);
    expect(d.classes?.ok).toBeCloseTo(e2 / (e2 + 2), 6);
    expect(d.score).toBeCloseTo(2 / (e2 + 2), 6);
  });

  it('anomaly: image score plus the region above the map threshold, in frame pixels', () => {
    const map = new Array(16).fill(0.1);
    map[1 * 4 + 2] = 0.9; // row 1, col 2
    map[2 * 4 + 3] = 0.7; // row 2, col 3
    const d = decodeOutputs(
      { pred_score: t([0.77], [1]), anomaly_map: t(map, [1, 1, 4, 4]) },
      { kind: 'anomaly', score: 'pred_score', map: 'anomaly_map', mapThreshold: 0.5 },
      g,
    );
    expect(d.score).toBeCloseTo(0.77, 6);
    // Map pixels are 50 × 100 frame pixels: columns 2-3, rows 1-2.
    expect(d.boxes).toEqual([
      { x: 100, y: 100, w: 100, h: 200, label: 'anomaly', score: expect.closeTo(0.9, 6) },
    ]);
  });

  it('yolo: keeps boxes above minScore, suppresses overlaps, scales to the frame', () => {
    // 3 anchors, 2 classes: rows cx, cy, w, h, p(scratch), p(dent).
    const anchors = [
      [50, 50, 20, 10, 0.9, 0.1], // kept
      [51, 50, 20, 10, 0.8, 0.0], // overlaps the first: suppressed
      [10, 80, 4, 4, 0.05, 0.6], // a dent
    ];
    const data = [0, 1, 2, 3, 4, 5].flatMap((row) => anchors.map((a) => a[row] ?? 0));
    const d = decodeOutputs(
      { output0: t(data, [1, 6, 3]) },
      { kind: 'yolo', output: 'output0', labels: ['scratch', 'dent'], minScore: 0.25, iou: 0.45 },
      g,
    );
    expect(d.score).toBeCloseTo(0.9, 6);
    expect(d.boxes?.map((b) => b.label)).toEqual(['scratch', 'dent']);
    expect(d.boxes?.[0]).toMatchObject({ x: 80, y: 180, w: 40, h: 40 });
  });

  it('anomaly: normalises a raw score as anomalib does', () => {
    const d = decodeOutputs(
      { s: t([14], [1]) },
      { kind: 'anomaly', score: 's', normalize: { min: 0, max: 20, threshold: 10 } },
      g,
    );
    expect(d.score).toBeCloseTo(0.7, 6);
  });

  it('yolo: scores only the defect classes', () => {
    const anchors = [
      [50, 50, 20, 10, 0.9, 0.1], // a "screw" (not a defect)
      [10, 80, 4, 4, 0.05, 0.6], // a "dent"
    ];
    const data = [0, 1, 2, 3, 4, 5].flatMap((row) => anchors.map((a) => a[row] ?? 0));
    const d = decodeOutputs(
      { out: t(data, [1, 6, 2]) },
      {
        kind: 'yolo',
        output: 'out',
        labels: ['screw', 'dent'],
        minScore: 0.25,
        iou: 0.45,
        defectClasses: [1],
      },
      g,
    );
    expect(d.score).toBeCloseTo(0.6, 6);
    expect(d.boxes).toHaveLength(2);
  });

  it('names a missing output', () => {
    expect(() => decodeOutputs({}, { kind: 'score', output: 'score' }, g)).toThrow(/no output "score"/);
  });
});

describe('nms', () => {
  it('keeps overlapping boxes of different labels', () => {
    const a = { x: 0, y: 0, w: 10, h: 10, label: 'a', score: 0.9 };
    const b = { ...a, label: 'b', score: 0.8 };
    expect(nms([a, b, { ...a, score: 0.5 }], 0.5)).toEqual([a, b]);
  });
});
