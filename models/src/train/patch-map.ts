import type { KerasModel } from '../backbone/keras.ts';
import { type ConvParams, foldedConv } from '../backbone/to-onnx.ts';
import { ModelsError } from '../errors.ts';
import type { GraphBuilder } from '../export/graph.ts';
import { FINETUNE_INPUT, FINETUNE_LAYER } from '../finetune/fit.ts';
import type { ManifestInput } from '../manifest/schema.ts';
import { type FeatureSpec, tapChannels } from './classifier-graph.ts';

/** Expansion outputs of blocks 4–6: all at 1/8 resolution, 192 channels each. */
export const PATCH_TAPS = ['block_4_expand_relu', 'block_5_expand_relu', 'block_6_expand_relu'] as const;
export const PATCH_STRIDE = 8;

/**
 * Context channels of `train`'s patch cells beside blocks 4–6: block 3's expansion (1/4, 144 channels) averaged
 * over each 2×2 → 1/8, and block 10's (1/16, 384 channels) repeated over its 2×2 cells → 1/8. A cell then sees
 * finer edges and the wider texture around it. 5-fold CV on KolektorSDD train/ (λ by CV, 2×2 window, cached
 * maps): blocks 4–6 0.9933, + block 3 0.9905, + block 10 0.9939, + both 0.9956 (`train` itself: 0.9956, val/
 * 0.955 → 0.983; models/README.md, "Where val/ is lost").
 */
export const PATCH_CONTEXT = { finer: 'block_3_expand_relu', coarser: 'block_10_expand_relu' } as const;

/** The cell features `train`'s patch candidates use (the default model's build keeps blocks 4–6 alone). */
export function trainPatchSpec(input: ManifestInput): FeatureSpec {
  const [, , height, width] = input.shape;
  return { height, width, taps: PATCH_TAPS, pooling: 'patch', context: PATCH_CONTEXT };
}

/** Channels of a patch map: context first, then the taps. */
export function patchChannels(model: KerasModel, spec: FeatureSpec): number {
  const context = spec.context ? [spec.context.finer, spec.context.coarser] : [];
  return [...context, ...spec.taps].reduce((s, t) => s + tapChannels(model, t), 0);
}

/** Channels of the last tap (the one fine-tuning replaces); the cell head's weights for it come last. */
export function tunedChannels(model: KerasModel): number {
  return tapChannels(model, `${FINETUNE_LAYER}_relu`);
}

/** Backbone layers `addPatchMap` needs from `addKerasLayers`. */
export function patchMapLayers(spec: FeatureSpec, tuned?: ConvParams): string[] {
  const context = spec.context ? [spec.context.finer, spec.context.coarser] : [];
  const taps = tuned ? [...spec.taps.slice(0, -1), FINETUNE_INPUT] : spec.taps;
  return [...context, ...taps];
}

/**
 * The patch map [1, C, H/8, W/8] from the backbone's `tensors` (`addKerasLayers` up to `patchMapLayers`):
 * context (finer pooled, coarser repeated), then the taps; with `tuned`, the last tap is block 6's expansion
 * with those weights, computed beside the trunk (which keeps the pretrained one, so block 10 sees what it saw
 * in training). Returns the map's name (`output`, or a Concat of its own).
 */
export function addPatchMap(
  g: GraphBuilder,
  model: KerasModel,
  tensors: ReadonlyMap<string, string>,
  spec: FeatureSpec,
  opts: { output: string; tuned?: ConvParams },
): string {
  const at = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new ModelsError('SL_BACKBONE_INVALID', `patch map: backbone tensor "${name}" not built`);
    return t;
  };
  const parts: string[] = [];
  if (spec.context) {
    parts.push(
      g.node('AveragePool', [at(spec.context.finer)], 'patch/finer', {
        kernel_shape: [2, 2],
        strides: [2, 2],
      }),
    );
    const scales = g.initializer('patch/coarser_scales', [1, 1, 2, 2], [4]);
    parts.push(
      g.node('Resize', [at(spec.context.coarser), '', scales], 'patch/coarser', {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      }),
    );
  }
  const taps = opts.tuned ? spec.taps.slice(0, -1) : spec.taps;
  parts.push(...taps.map(at));
  if (opts.tuned) {
    if (spec.taps.at(-1) !== `${FINETUNE_LAYER}_relu`) {
      throw new ModelsError('SL_BACKBONE_INVALID', `patch map: the last tap is not ${FINETUNE_LAYER}_relu`);
    }
    const dims = foldedConv(model, FINETUNE_LAYER).dims;
    const w = g.initializer('patch/tuned/W', opts.tuned.weight, dims);
    const b = g.initializer('patch/tuned/B', opts.tuned.bias, [dims[0] as number]);
    const conv = g.node('Conv', [at(FINETUNE_INPUT), w, b], 'patch/tuned/conv');
    const lo = g.initializer('patch/tuned/min', [0], []);
    const hi = g.initializer('patch/tuned/max', [6], []);
    parts.push(g.node('Clip', [conv, lo, hi], 'patch/tuned/relu'));
  }
  if (parts.length === 1) return g.node('Identity', parts, opts.output);
  return g.node('Concat', parts, opts.output, { axis: 1 });
}

/** e.g. `block_4_expand_relu+block_5_expand_relu+block_6_expand_relu + block_3_expand_relu (pooled), block_10_expand_relu (repeated)`. */
export function describePatchFeatures(spec: FeatureSpec): string {
  const taps = spec.taps.join('+');
  return spec.context ? `${taps} + ${spec.context.finer} (pooled), ${spec.context.coarser} (repeated)` : taps;
}
