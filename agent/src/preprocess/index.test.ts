import { createPartStream, defaultModelDir, loadModel, preprocessFrame } from '@sightline/models';
import { describe, expect, it } from 'vitest';
import type { CapturedFrame } from '../capture/index.ts';
import { createPreprocessStage, inputKey } from './index.ts';

describe('preprocess stage', async () => {
  const { manifest } = await loadModel(defaultModelDir());
  const part = createPartStream({ seed: 3, defectRate: 0, width: 96, height: 80 }).next();
  const captured: CapturedFrame = { id: 'f', ts: 1, captureMs: 0, frame: part.frame };

  it("makes the model's input tensor from the frame", () => {
    const prepared = createPreprocessStage()(captured, manifest.input);
    expect(prepared.tensor).toEqual(preprocessFrame(part.frame, manifest.input));
    expect(prepared.captured).toBe(captured);
  });

  it('takes a tensor made beside the capture for the same input, and redoes one made for another', () => {
    const stage = createPreprocessStage();
    const tensor = new Float32Array(4).fill(7);
    const same = stage(
      { ...captured, input: { key: inputKey(manifest.input), tensor, ms: 1.5 } },
      manifest.input,
    );
    expect(same.tensor).toBe(tensor);
    expect(same.preprocessMs).toBe(1.5);
    const other = { ...manifest.input, mean: [0.5, 0.5, 0.5] };
    const redone = stage({ ...captured, input: { key: inputKey(other), tensor, ms: 1.5 } }, manifest.input);
    expect(redone.tensor).toEqual(preprocessFrame(part.frame, manifest.input));
  });
});
