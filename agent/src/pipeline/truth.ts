import { PART_SIZE } from '../capture/conveyor/belt.ts';
import type { CapturedFrame } from '../capture/index.ts';
import type { RegionPlan } from '../recipes/recipe-book.ts';

/**
 * Ground truth of the part inspected, when the source knows it: of the parts in view (a simulation's
 * scene), the one nearest the inspection regions' centre; else the frame's own truth.
 */
export function truthAt(
  captured: CapturedFrame,
  regions: readonly RegionPlan[],
): 'ok' | 'defect' | undefined {
  if (!captured.scene) return captured.truth;
  const boxes = regions.flatMap((r) => (r.config ? [r.config] : []));
  const cx = boxes.length
    ? boxes.reduce((s, b) => s + b.x + b.w / 2, 0) / boxes.length
    : captured.frame.width / 2;
  const cy = boxes.length
    ? boxes.reduce((s, b) => s + b.y + b.h / 2, 0) / boxes.length
    : captured.frame.height / 2;
  let best: (typeof captured.scene)[number] | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const p of captured.scene) {
    const d = Math.hypot(p.x - cx, p.y - cy);
    if (d < bestD) {
      best = p;
      bestD = d;
    }
  }
  return best && Math.abs(best.x - cx) < PART_SIZE / 2 ? best.truth : undefined;
}
