/** One output tensor of a model. */
export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

/** A loaded model that turns one preprocessed tensor into its outputs. */
export interface InferenceEngine {
  /** Runtime name reported in birth, e.g. "onnxruntime-web". */
  readonly runtime: string;
  /** The model's output names, in graph order. */
  readonly outputNames: readonly string[];
  /** Runs one input tensor (NCHW float32) and returns every output by name. */
  run(input: Float32Array, dims: readonly number[]): Promise<Record<string, OutputTensor>>;
  /** Waits for runs in progress, then frees the model; later runs reject. Closing twice is harmless. */
  close(): Promise<void>;
}
