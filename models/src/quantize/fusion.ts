import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeModel } from './onnx-model.ts';

/** Node counts by op type. */
export type OpCounts = Record<string, number>;

export function countOps(bytes: Uint8Array): OpCounts {
  const counts: OpCounts = {};
  for (const n of decodeModel(bytes).graph?.node ?? [])
    counts[n.opType ?? ''] = (counts[n.opType ?? ''] ?? 0) + 1;
  return counts;
}

/**
 * The op counts of the graph onnxruntime-node actually runs: the session writes its optimised model
 * (`optimizedModelFilePath`) at the `extended` level, where the QDQ fusions (QLinearConv, QLinearAdd, QGemm…)
 * happen and no hardware-specific NCHWc layout is baked in.
 */
export async function optimizedOpCounts(bytes: Uint8Array): Promise<OpCounts> {
  const dir = await mkdtemp(join(tmpdir(), 'sl-ort-opt-'));
  const path = join(dir, 'optimized.onnx');
  try {
    const session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'extended',
      optimizedModelFilePath: path,
      logSeverityLevel: 3,
    });
    await session.release();
    return countOps(new Uint8Array(await readFile(path)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Int8 kernels ORT fused, and the Q/DQ nodes it could not fold into one (each is a float round trip). */
export function fusedSummary(counts: OpCounts): { fused: OpCounts; leftoverQdq: number } {
  const fused: OpCounts = {};
  for (const [op, n] of Object.entries(counts)) {
    if (/^(QLinear|QGemm|MatMulIntegerToFloat|DynamicQuantize)/.test(op)) fused[op] = n;
  }
  return { fused, leftoverQdq: (counts.QuantizeLinear ?? 0) + (counts.DequantizeLinear ?? 0) };
}
