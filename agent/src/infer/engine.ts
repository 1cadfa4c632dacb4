/** A loaded model that turns one preprocessed tensor into raw outputs. */
export interface InferenceEngine {
  /** Runtime name reported in birth, e.g. "onnxruntime-web". */
  readonly runtime: string;
  /** Runs one input tensor (NCHW float32) and returns the named output's data. */
  run(input: Float32Array, dims: readonly number[]): Promise<Float32Array>;
  close(): Promise<void>;
}
