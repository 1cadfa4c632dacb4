import {
  AuditSample,
  Label,
  LabelBody,
  LabelHistoryResponse,
  LabelKind,
  LabelsResponse,
} from '@sightline/protocol';
import { z } from 'zod';
import { idParam, LinePath, ResultPath } from '../api/params.ts';
import { intParam, type RouteDoc, timeParam } from '../api/route-doc.ts';

export const LabelsQuery = z.object({
  site: idParam('site').optional(),
  line: idParam('line').optional(),
  agent: idParam('agent').optional(),
  kind: LabelKind.optional(),
  from: timeParam('labelled results captured at or after (epoch ms or ISO 8601)'),
  to: timeParam('labelled results captured before'),
  limit: intParam(200, 1, 5000, 'how many, newest label first (1-5000)'),
});
export const AuditQuery = z.object({
  from: timeParam('start of W (capture time of the labelled results); default: 30 days before `to`'),
  to: timeParam('end of W (exclusive); default: now'),
});

export const labelDocs: RouteDoc[] = [
  {
    method: 'put',
    path: '/api/labels/{site}/{line}/{agent}/{seq}',
    summary:
      'Labels one result (a reject: confirmed_defect or false_reject; a pass: missed_defect or confirmed_ok)',
    description:
      "The label is checked against the result's verdict (400 when they disagree) and kept with who and when; null clears it. Labels feed the audited precision π and recall ρ.",
    role: 'qc-lead',
    params: ResultPath,
    body: LabelBody,
    response: Label.nullable(),
  },
  {
    method: 'get',
    path: '/api/labels/{site}/{line}/{agent}/{seq}/history',
    summary: "One result's label changes, newest first",
    params: ResultPath,
    response: LabelHistoryResponse,
  },
  {
    method: 'get',
    path: '/api/labels',
    summary: 'Current labels, newest first, with the labelled result',
    query: LabelsQuery,
    response: LabelsResponse,
    csv: true,
  },
  {
    method: 'get',
    path: '/api/lines/{site}/{line}/audit',
    summary: 'The audit sample behind π and ρ over W: label counts, π, ρ and the labels themselves',
    params: LinePath,
    query: AuditQuery,
    response: AuditSample,
    csv: true,
  },
];
