import { ModelsError } from '../errors.ts';
import { type CalibrationMethod, calibrateRanges } from './calibrate.ts';
import { fusedSummary, type OpCounts, optimizedOpCounts } from './fusion.ts';
import { decodeModel, encodeModel, type NodeProto } from './onnx-model.ts';
import { COMPUTE_OPS, headNodes, planQuantization } from './plan.ts';
import { insertQdq } from './rewrite.ts';

export interface QuantizeOptions {
  /** fp32 ONNX bytes. */
  model: Uint8Array;
  /** Preprocessed NCHW inputs, each of `dims`. */
  calibration: Float32Array[];
  inputName: string;
  dims: number[];
  /** Per-channel int8 weight scales (default true). */
  perChannel?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Activation range estimate (default `minmax`). */
  method?: CalibrationMethod;
  /** For `percentile`: the kept share in %, default 99.99. */
  percentile?: number;
  /**
   * Scale weights so ORT's int16 pair sums cannot saturate on x86 without VNNI (`pair-safe`, default), or use
   * the full int8 range (`full`: best on VNNI x86, ARM and WASM; on older x86 results can go badly wrong).
   */
  weightRange?: 'pair-safe' | 'full';
  /**
   * Op types to quantize (default: Conv, Gemm, MatMul, Add, Mul, pools, Sigmoid, LeakyRelu, Concat). Narrow it
   * (e.g. ['Conv']) for graphs whose cheap ops carry fine-grained values, such as hand-built feature heads.
   */
  ops?: string[];
  /** Leave the final Gemm/MatMul (the classifier head) in float; default true. */
  keepHeadFloat?: boolean;
  /**
   * Names of nodes to leave float. Caveat: onnxruntime ≥ 1.2x quantizes the float weights of a Conv/Gemm that
   * sits between a DequantizeLinear and a QuantizeLinear itself and fuses it anyway; exclusion only sticks for
   * nodes without int8 kernels or at the edge of the quantized region.
   */
  excludeNodes?: string[];
}

export interface QuantizeReport {
  format: 'QDQ';
  activations: 'uint8 asymmetric';
  weights: 'int8 symmetric per-channel' | 'int8 symmetric per-tensor';
  method: CalibrationMethod;
  weightRange: 'pair-safe' | 'full';
  calibrationSamples: number;
  /** ReLU/Clip nodes folded into the producer's uint8 range. */
  foldedActivations: number;
  quantizedNodes: Record<string, number>;
  /** Head nodes left in float: the last Gemm/MatMul (or a patch head's 1-channel Conv) and the tail after it. */
  floatHead: number;
  /** Nodes left in float: the head and `excludeNodes`. */
  floatNodes: number;
  quantizedTensors: number;
  quantizedWeights: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Ops in the graph onnxruntime-node runs after optimisation (fp32 and int8 model). */
  optimizedBefore: OpCounts;
  optimizedAfter: OpCounts;
  /** Int8 kernels ORT fused (QLinearConv, QLinearAdd, QGemm, …) and Q/DQ nodes left unfused. */
  fused: OpCounts;
  leftoverQdq: number;
}

/**
 * Static int8 quantisation in QDQ format: calibrates activation ranges with onnxruntime-node, folds
 * ReLU/Clip into their producers, inserts QuantizeLinear/DequantizeLinear pairs (uint8 activations,
 * symmetric int8 weights, int32 biases) and checks what ORT fuses.
 */
export async function quantizeStatic(
  opts: QuantizeOptions,
): Promise<{ model: Uint8Array; report: QuantizeReport }> {
  if (opts.calibration.length === 0) {
    throw new ModelsError(
      'SL_MODELS_INVALID_OPTION',
      'quantize: no calibration inputs; give at least one (100+ is typical)',
    );
  }
  const size = opts.dims.reduce((a, b) => a * b, 1);
  const bad = opts.calibration.findIndex((c) => c.length !== size);
  if (bad >= 0) {
    throw new ModelsError(
      'SL_MODELS_INVALID_OPTION',
      `quantize: calibration input ${bad} has ${opts.calibration[bad]?.length} values, dims [${opts.dims.join(', ')}] need ${size}`,
    );
  }
  const model = decodeModel(opts.model);
  const opset = (model.opsetImport ?? []).find((o) => !o.domain)?.version;
  if (opset !== undefined && opset !== null && Number(opset) < 13) {
    throw new ModelsError(
      'SL_MODEL_GRAPH_INVALID',
      `quantize needs ONNX opset ≥ 13 (per-channel DequantizeLinear); this model is opset ${opset}. Re-export it with opset 13 or later.`,
    );
  }
  const perChannel = opts.perChannel ?? true;
  const method = opts.method ?? 'minmax';
  // Calibrate the original graph: a folded tensor takes the range of the ReLU/Clip output it replaces.
  const original = decodeModel(opts.model);
  const ops = new Set(opts.ops ?? COMPUTE_OPS);
  const head = (opts.keepHeadFloat ?? true) ? headNodes(model) : new Set<NodeProto>();
  const skip = new Set(head);
  const excluded = new Set(opts.excludeNodes ?? []);
  for (const n of model.graph?.node ?? []) {
    if (excluded.has(n.name ?? '')) skip.add(n);
  }
  const plan = planQuantization(model, ops, skip, head);
  const ranges = await calibrateRanges({
    model: original,
    tensors: plan.tensors,
    inputName: opts.inputName,
    dims: opts.dims,
    calibration: opts.calibration,
    method,
    ...(opts.percentile === undefined ? {} : { percentile: opts.percentile }),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const weightRange = opts.weightRange ?? 'pair-safe';
  const stats = insertQdq(model, {
    ranges,
    perChannel,
    weightRange,
    ops,
    skip,
    floatOutputs: plan.floatOutputs,
  });
  model.producerName = '@sightline/models quantize';
  const bytes = encodeModel(model);
  const [optimizedBefore, optimizedAfter] = await Promise.all([
    optimizedOpCounts(opts.model),
    optimizedOpCounts(bytes),
  ]);
  const { fused, leftoverQdq } = fusedSummary(optimizedAfter);
  return {
    model: bytes,
    report: {
      format: 'QDQ',
      activations: 'uint8 asymmetric',
      weights: perChannel ? 'int8 symmetric per-channel' : 'int8 symmetric per-tensor',
      method,
      weightRange,
      calibrationSamples: opts.calibration.length,
      foldedActivations: plan.folded,
      floatHead: head.size,
      floatNodes: skip.size,
      ...stats,
      bytesBefore: opts.model.length,
      bytesAfter: bytes.length,
      optimizedBefore,
      optimizedAfter,
      fused,
      leftoverQdq,
    },
  };
}
