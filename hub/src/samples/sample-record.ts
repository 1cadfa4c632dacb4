import type { SampleRecord as ListedSample } from '@sightline/protocol';
import type { SampleContentType } from './layout.ts';

type Box = NonNullable<ListedSample['region']>;

/** One row of the samples table as the API lists it (`GET /api/samples` adds the image's `url`). */
export type SampleRecord = Omit<ListedSample, 'url'>;

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
