/** On-disk layout: `<dir>/<YYYY-MM-DD>/<ts>_<category>_<camera>_<frame>.jpg` + `.json` sidecar (UTC day). */
export type SampleCategory = 'defect' | 'near' | 'ok';
export const SAMPLE_CATEGORIES: readonly SampleCategory[] = ['defect', 'near', 'ok'];

/** The sidecar beside every sample: what the agent saw and decided for that frame. */
export interface SampleInfo {
  /** Reference relative to the samples dir (what a result's `image` carries). */
  file: string;
  ts: number;
  camera: string;
  frame: string;
  category: SampleCategory;
  verdict: string;
  score: number;
  threshold: number;
  model?: { id: string; version: string };
  width: number;
  height: number;
  channels: number;
  bytes: number;
  /** SHA-256 of the JPEG, hex: the sample's name on the wire (`samples/{sha256}/...`). Absent in older sidecars. */
  sha256?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const NAME = /^(\d{13})_(defect|near|ok)_[^_]+_.*\.jpg$/;

export function isDayDir(name: string): boolean {
  return DAY.test(name);
}

export function sampleRef(ts: number, category: SampleCategory, camera: string, frame: string): string {
  const day = new Date(ts).toISOString().slice(0, 10);
  const safeFrame = frame.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 120);
  return `${day}/${String(ts).padStart(13, '0')}_${category}_${camera}_${safeFrame}.jpg`;
}

export function sidecarOf(ref: string): string {
  return ref.replace(/\.jpg$/, '.json');
}

/** ts and category from a sample's file name, or undefined for files that are not samples. */
export function parseSampleName(name: string): { ts: number; category: SampleCategory } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  return { ts: Number(m[1]), category: m[2] as SampleCategory };
}
