import type { AuditSample, Label, LabelKind } from '@sightline/protocol';
import { NotFoundError, QueryError } from '../errors.ts';
import type { Ledger, LineRef, ResultKey } from '../ledger/index.ts';
import { auditFigures } from '../metrics/index.ts';
import type { ResultStore } from '../store/index.ts';

/** Labels that judge a reject (verdict defect), and those that judge a pass (ok, uncertain). */
const ON_REJECT: readonly LabelKind[] = ['confirmed_defect', 'false_reject'];

export interface LabelService {
  set(
    key: ResultKey,
    change: { kind: LabelKind | null; note: string | null; ts?: number },
    who: string,
  ): Promise<Label | null>;
  audit(line: LineRef, window: { from: number; to: number }): Promise<AuditSample>;
}

/** Labels checked against the stored result they judge, and the audit sample behind π and ρ. */
export function createLabelService({
  store,
  ledger,
  now = Date.now,
}: {
  store: ResultStore;
  ledger: Ledger;
  now?: () => number;
}): LabelService {
  return {
    async set(key, { kind, note, ts }, who) {
      const found = await store.result(key, key.seq, ts);
      if (!found) {
        throw new NotFoundError(
          `no stored result ${key.site}/${key.line}/${key.agent} seq ${key.seq}; it may be older than the retention`,
        );
      }
      if (found.shadow) {
        throw new QueryError(
          "that result is a shadow model's: only live decisions are audited (label the live result)",
        );
      }
      const reject = found.verdict === 'defect';
      if (kind !== null && ON_REJECT.includes(kind) !== reject) {
        throw new QueryError(
          reject
            ? `the result was rejected (verdict defect): label it confirmed_defect or false_reject, not ${kind}`
            : `the result passed (verdict ${found.verdict}): label it missed_defect or confirmed_ok, not ${kind}`,
        );
      }
      return ledger.labels.set(
        key,
        { kind, note, who, ts: now() },
        {
          ts: found.ts,
          verdict: found.verdict,
          score: found.score,
          threshold: found.threshold,
          mode: found.mode,
          model: found.model,
          image: found.image,
        },
      );
    },
    async audit(line, { from, to }) {
      const [counts, labels] = await Promise.all([
        ledger.labels.counts(line, from, to),
        ledger.labels.list({ ...line, from, to, limit: 1000 }),
      ]);
      return { ...line, from, to, counts, ...auditFigures(counts), labels };
    },
  };
}
