/** Dead-letter codes of sample messages; the router records them with the sender and the payload. */
export type SampleRejectCode =
  /** The meta is not JSON or breaks the SampleMeta schema (codes from protocol's decode). */
  | 'SL_PAYLOAD_NOT_JSON'
  | 'SL_PAYLOAD_INVALID'
  | 'SL_PAYLOAD_TOO_LARGE'
  /** Meta disagrees with its topic or its bytes (sha256, chunk count, content type). */
  | 'SL_SAMPLE_INVALID'
  /** A chunk's index or size does not fit the sample. */
  | 'SL_SAMPLE_CHUNK_INVALID'
  /** The assembled bytes do not hash to the sha256 the topic names. */
  | 'SL_SAMPLE_HASH_MISMATCH'
  /** Larger than the protocol's MAX_SAMPLE_BYTES or the hub's whole quota. */
  | 'SL_SAMPLE_TOO_LARGE';

/**
 * What became of one sample message. Every kind but a thrown error means "durably dealt with": the caller
 * may acknowledge it. A rejected message is acknowledged too, once the caller has dead-lettered it.
 */
export type SampleOutcome =
  /** A part written to the sample's partial folder; more parts are awaited. */
  | { kind: 'held' }
  /** The sample is complete: its image is on disk and `inserted` rows were added. */
  | { kind: 'stored'; inserted: number }
  /** Already had: a redelivered part, a part of a sample already stored or given up. */
  | { kind: 'duplicate' }
  | { kind: 'rejected'; code: SampleRejectCode; error: string };
