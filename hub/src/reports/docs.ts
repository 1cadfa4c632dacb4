import { z } from 'zod';
import { idParam } from '../api/params.ts';
import { type RouteDoc, timeParam } from '../api/route-doc.ts';

export const ReportQuery = z.object({
  site: idParam('site').optional(),
  line: idParam('line').optional().describe('one line; every line (of the site) when absent'),
  from: timeParam('period start (epoch ms or ISO 8601); default: 7 days before `to`'),
  to: timeParam('period end (exclusive); default: now'),
});

export const reportDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/report',
    summary: 'A printable period report (HTML): per line figures with their inputs, p-chart, alarms, audit',
    query: ReportQuery,
    response: { contentType: 'text/html', description: 'a self-contained page; print it or save it as PDF' },
  },
];
