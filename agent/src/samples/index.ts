export { SamplesConfig } from './config.ts';
export { createOpenCvJpegEncoder, type JpegEncoder, type OpenCvJpegEncoderOptions } from './jpeg.ts';
export { SAMPLE_CATEGORIES, type SampleCategory, type SampleInfo } from './layout.ts';
export { formatSamples, type ListSamplesOptions, listSamples } from './list.ts';
export {
  createSampleStore,
  type SampleContext,
  type SampleCounts,
  type SampleStore,
  type SampleStoreOptions,
  type SavedSample,
  sampleCategory,
} from './store.ts';
