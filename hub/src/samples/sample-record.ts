import type { SampleMeta } from '@sightline/protocol';
import type { SampleContentType } from './layout.ts';

type Box = NonNullable<SampleMeta['region']>;

/** One sample as the API lists it: what the agent said about it, and how the hub keeps it. */
export interface SampleRecord {
  /** Row id, the tie-breaker of the keyset cursor. */
  id: number;
  sha256: string;
  site: string;
  line: string;
  agent: string;
  /** The result this sample belongs to (site, line, agent, seq), when it is one. */
  seq: number | null;
  /** Capture time, ms. */
  ts: number;
  frame: string | null;
  camera: string | null;
  verdict: 'ok' | 'defect' | 'uncertain' | null;
  score: number | null;
  threshold: number | null;
  model: { id: string; version: string } | null;
  region: Box | null;
  boxes: Box[] | null;
  /** Why the agent sampled it: defect, uncertain, near, ok, capture. */
  reason: string | null;
  width: number | null;
  height: number | null;
  bytes: number;
  content_type: SampleContentType;
  received_ts: number;
  /** A person's label; labelled samples are evicted last. */
  label: string | null;
}

/** BIGINTs read as doubles: ids, seqs, ms and sizes all fit. */
export const SAMPLE_COLUMNS = `id::DOUBLE AS id, sha256, site, line, agent, seq::DOUBLE AS seq, ts::DOUBLE AS ts,
  frame, camera, verdict, score, threshold, model_id, model_version, region, boxes, reason, width, height,
  bytes::DOUBLE AS bytes, content_type, received_ts::DOUBLE AS received_ts, label`;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const json = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : null);

export function toRecord(row: Record<string, unknown>): SampleRecord {
  return {
    id: Number(row.id),
    sha256: String(row.sha256),
    site: String(row.site),
    line: String(row.line),
    agent: String(row.agent),
    seq: num(row.seq),
    ts: Number(row.ts),
    frame: str(row.frame),
    camera: str(row.camera),
    verdict: str(row.verdict) as SampleRecord['verdict'],
    score: num(row.score),
    threshold: num(row.threshold),
    model: row.model_id === null ? null : { id: String(row.model_id), version: String(row.model_version) },
    region: json<Box>(row.region),
    boxes: json<Box[]>(row.boxes),
    reason: str(row.reason),
    width: num(row.width),
    height: num(row.height),
    bytes: Number(row.bytes),
    content_type: row.content_type as SampleContentType,
    received_ts: Number(row.received_ts),
    label: str(row.label),
  };
}
