import { IDENTIFIER } from '@sightline/protocol';
import { z } from 'zod';
import { EXPORT_TABLE_NAMES } from './tables.ts';

const id = (what: string) =>
  z
    .string()
    .regex(IDENTIFIER, `expected a ${what} id of 1-64 of a-z, 0-9 and "-"`)
    .optional()
    .describe(`only rows of this ${what}`);

/** Epoch ms (`1700000000000`) or an ISO 8601 date or time (`2024-05-01`, `2024-05-01T06:00:00Z`). */
const instant = z
  .string()
  .transform((v, ctx) => {
    const ms = /^\d{1,16}$/.test(v) ? Number(v) : /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
    if (!Number.isFinite(ms)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected epoch milliseconds or an ISO 8601 time, e.g. 2024-05-01T06:00:00Z',
      });
      return z.NEVER;
    }
    return ms;
  })
  .optional();

export const ExportParams = z
  .strictObject({
    table: z
      .enum(EXPORT_TABLE_NAMES, { error: `expected one of ${EXPORT_TABLE_NAMES.join(', ')}` })
      .describe('what to export'),
    format: z
      .enum(['csv', 'parquet'], { error: 'expected csv or parquet' })
      .default('csv')
      .describe('file format'),
    site: id('site'),
    line: id('line'),
    agent: id('agent'),
    from: instant.describe('first time included'),
    to: instant.describe('first time excluded'),
  })
  .refine((p) => p.from === undefined || p.to === undefined || p.from < p.to, {
    message: 'from must be before to',
    path: ['from'],
  });

export type ExportParams = z.infer<typeof ExportParams>;
