import { createCanvas, type Rgb, textWidth } from './canvas.ts';
import type { EvaluationResult } from './evaluate.ts';

const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [225, 225, 225];
const CURVE: Rgb = [31, 119, 180];
const CHANCE: Rgb = [170, 170, 170];
const POINT: Rgb = [214, 39, 40];

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'N/A');

/** Blend from white to `c` by t ∈ [0, 1]. */
const shade = (c: Rgb, t: number): Rgb => c.map((v) => Math.round(255 + (v - 255) * t)) as unknown as Rgb;

/**
 * A 960×520 PNG: the confusion matrix at the manifest threshold (left) and the ROC curve with the operating
 * point (right); the title names the model and gives AUROC, n and the threshold.
 */
export function renderEvaluationPng(r: EvaluationResult): Uint8Array {
  const c = createCanvas(960, 520);
  const title = `${r.model.id} ${r.model.version}   AUROC ${fmt(r.auroc, 4)}   N=${r.n} (${r.positives} DEFECT)`;
  c.text(480, 16, title, INK, textWidth(title, 3) <= 940 ? 3 : 2, 'center');
  c.text(
    480,
    48,
    `THRESHOLD ${fmt(r.threshold)}  ACCURACY ${fmt(r.accuracy)}  PRECISION ${fmt(r.precision)}  RECALL ${fmt(r.recall)}  F1 ${fmt(r.f1)}`,
    INK,
    2,
    'center',
  );

  // Confusion matrix: rows = truth, columns = prediction.
  const mx = 130;
  const my = 130;
  const cell = 150;
  const { tp, fp, tn, fn } = r.confusion;
  const cells: [number, number, number, Rgb][] = [
    [0, 0, tn, [44, 160, 44]],
    [0, 1, fp, [214, 39, 40]],
    [1, 0, fn, [214, 39, 40]],
    [1, 1, tp, [44, 160, 44]],
  ];
  const rowTotal = [tn + fp, fn + tp];
  for (const [row, col, n, colour] of cells) {
    const x = mx + col * cell;
    const y = my + row * cell;
    const share = (rowTotal[row] ?? 0) > 0 ? n / (rowTotal[row] as number) : 0;
    c.fillRect(x, y, cell, cell, shade(colour, 0.15 + 0.6 * share));
    c.text(x + cell / 2, y + cell / 2 - 18, String(n), INK, 4, 'center');
    c.text(x + cell / 2, y + cell / 2 + 22, `${fmt(100 * share, 1)}%`, INK, 2, 'center');
  }
  for (let k = 0; k <= 2; k++) {
    c.line(mx, my + k * cell, mx + 2 * cell, my + k * cell, INK, 2);
    c.line(mx + k * cell, my, mx + k * cell, my + 2 * cell, INK, 2);
  }
  c.text(mx + cell, my - 52, 'PREDICTED', INK, 2, 'center');
  c.text(mx + cell / 2, my - 26, 'OK', INK, 2, 'center');
  c.text(mx + 1.5 * cell, my - 26, 'DEFECT', INK, 2, 'center');
  c.textUp(mx - 62, my + cell, 'TRUE', INK, 2);
  c.textUp(mx - 30, my + cell / 2, 'OK', INK, 2);
  c.textUp(mx - 30, my + 1.5 * cell, 'DEFECT', INK, 2);

  // ROC curve.
  const px = 560;
  const py = 110;
  const size = 320;
  const X = (fpr: number) => px + fpr * size;
  const Y = (tpr: number) => py + (1 - tpr) * size;
  for (let k = 0; k <= 5; k++) {
    const v = k / 5;
    c.line(X(v), py, X(v), py + size, GRID);
    c.line(px, Y(v), px + size, Y(v), GRID);
    c.text(X(v), py + size + 10, v.toFixed(1), INK, 2, 'center');
    c.text(px - 10, Y(v) - 7, v.toFixed(1), INK, 2, 'right');
  }
  c.line(X(0), Y(0), X(1), Y(1), CHANCE);
  c.line(px, py, px, py + size, INK, 2);
  c.line(px, py + size, px + size, py + size, INK, 2);
  r.roc.forEach((p, i) => {
    const prev = r.roc[i - 1];
    if (prev) c.line(X(prev.fpr), Y(prev.tpr), X(p.fpr), Y(p.tpr), CURVE, 3);
  });
  const neg = r.confusion.fp + r.confusion.tn;
  const pos = r.confusion.tp + r.confusion.fn;
  const op = { fpr: neg ? r.confusion.fp / neg : 0, tpr: pos ? r.confusion.tp / pos : 0 };
  c.fillRect(X(op.fpr) - 5, Y(op.tpr) - 5, 11, 11, POINT);
  const label = `AT THRESHOLD ${fmt(r.threshold)}`;
  c.fillRect(px + size - textWidth(label) - 20, py + size - 34, 10, 10, POINT);
  c.text(px + size - 2, py + size - 36, label, INK, 2, 'right');
  c.text(px + size / 2, py + size + 36, 'FALSE POSITIVE RATE', INK, 2, 'center');
  c.textUp(px - 62, py + size / 2, 'TRUE POSITIVE RATE', INK, 2);
  c.text(px + size / 2, py - 30, `ROC (AUROC ${fmt(r.auroc, 4)})`, INK, 2, 'center');
  c.text(
    480,
    500,
    `${r.runtime === 'web' ? 'ONNXRUNTIME-WEB' : 'ONNXRUNTIME-NODE'}  P50 LATENCY ${fmt(r.latency_ms, 2)} MS`,
    [110, 110, 110],
    2,
    'center',
  );
  return c.toPng();
}
