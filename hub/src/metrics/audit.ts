import type { AuditCounts } from '@sightline/protocol';
import { figure } from './figure.ts';

export function emptyAudit(): AuditCounts {
  return { confirmed_defect: 0, false_reject: 0, missed_defect: 0, confirmed_ok: 0 };
}

/** π: the share of audited rejects a person confirmed defective; null with no audited reject. */
export function auditedPrecision(c: AuditCounts): number | null {
  const audited = c.confirmed_defect + c.false_reject;
  return audited === 0 ? null : c.confirmed_defect / audited;
}

/**
 * ρ: of the audited defective parts (confirmed rejects and missed passes), the share the system rejected; null
 * with no audited defect. Assumes rejects and passes are audited at comparable rates (README, "Labels").
 */
export function auditedRecall(c: AuditCounts): number | null {
  const defects = c.confirmed_defect + c.missed_defect;
  return defects === 0 ? null : c.confirmed_defect / defects;
}

/** π and ρ as figures with the audit counts behind them. */
export function auditFigures(c: AuditCounts) {
  const pi = auditedPrecision(c);
  const rho = auditedRecall(c);
  return {
    pi: figure(
      'fraction',
      'confirmed_defect / (confirmed_defect + false_reject)',
      { confirmed_defect: c.confirmed_defect, false_reject: c.false_reject },
      () => pi,
      { note: pi === null ? 'no audited reject yet: label rejects in the gallery' : null },
    ),
    rho: figure(
      'fraction',
      'confirmed_defect / (confirmed_defect + missed_defect)',
      { confirmed_defect: c.confirmed_defect, missed_defect: c.missed_defect },
      () => rho,
      { note: rho === null ? 'no audited defect yet: label rejects and missed defects' : null },
    ),
  };
}
