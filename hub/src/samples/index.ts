export type { AssemblerCounts, AssemblerLimits } from './assembler.ts';
export {
  createSampleIngest,
  SAMPLE_LIMIT_DEFAULTS,
  type SampleCounts,
  type SampleIngest,
  type SampleIngestOptions,
} from './ingest.ts';
export type { SampleOutcome, SampleRejectCode } from './outcome.ts';
export { sampleDocs, sampleRoutes } from './routes.ts';
export { createDuckDbSampleIndex, type SampleIndex, type SampleListQuery } from './sample-index.ts';
export type { SampleRecord } from './sample-record.ts';
