import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { IDENTIFIER, SampleLabelResponse, SamplesResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import { z } from 'zod';
import { parseQuery, type RouteDoc } from '../api/route-doc.ts';
import { QueryError } from '../errors.ts';
import type { SampleIngest } from './ingest.ts';
import { SHA256_HEX } from './layout.ts';
import type { SampleIndex } from './sample-index.ts';

/** Largest page of GET /api/samples. */
export const MAX_SAMPLE_PAGE = 500;

const id = (what: string) =>
  z
    .string()
    .regex(IDENTIFIER, `expected a ${what} id of 1-64 of a-z, 0-9 and "-"`)
    .optional()
    .describe(`only this ${what}`);

export const SampleListParams = z.strictObject({
  site: id('site'),
  line: id('line'),
  agent: id('agent'),
  verdict: z
    .enum(['ok', 'defect', 'uncertain'])
    .optional()
    .describe('only samples of results with this verdict'),
  before: z
    .string()
    .regex(/^\d{1,16}(\.\d{1,16})?$/, 'expected the `next` cursor of the previous page, or a time in ms')
    .transform((v) => {
      const [ts, id = '0'] = v.split('.');
      return { ts: Number(ts), id: Number(id) };
    })
    .optional()
    .describe("continue after this cursor (the previous page's `next`): older samples"),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_SAMPLE_PAGE, `expected at most ${MAX_SAMPLE_PAGE}`)
    .default(50)
    .describe(`samples per page, at most ${MAX_SAMPLE_PAGE}`),
});

const Sha256Param = z.object({
  sha256: z.string().regex(SHA256_HEX).describe("the image's sha256, 64 lowercase hex characters"),
});

const LabelBody = z.strictObject({
  label: z
    .string()
    .regex(/^[a-z0-9][a-z0-9 _-]{0,63}$/, 'expected 1-64 of a-z, 0-9, space, "_" and "-"')
    .nullable(),
});

function sha256Param(value: string): string {
  if (!SHA256_HEX.test(value)) {
    throw new QueryError(`"${value.slice(0, 80)}" is not a sample id: expected 64 lowercase hex characters`);
  }
  return value;
}

const notFound = (sha256: string) => ({
  error: {
    code: 'SL_NOT_FOUND',
    message: `no stored sample ${sha256}; it may have been evicted for the quota`,
  },
});

export const sampleDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/samples',
    summary: 'Sample images agents sent, newest capture first (keyset pages)',
    query: SampleListParams,
    response: SamplesResponse,
  },
  {
    method: 'get',
    path: '/api/samples/{sha256}',
    summary: 'The bytes of one sample image (immutable: cache forever; ETag is the sha256)',
    params: Sha256Param,
    response: {
      contentType: 'image/jpeg',
      description: 'the image (image/jpeg or image/png); 404 once evicted',
    },
  },
  {
    method: 'put',
    path: '/api/samples/{sha256}/label',
    summary:
      "Sets (or clears with null) a person's label on every row of an image; labelled images are evicted last",
    // Labelling is the QC lead's, as on /api/labels (a viewer could otherwise pin images against eviction).
    role: 'qc-lead',
    params: Sha256Param,
    body: LabelBody,
    response: SampleLabelResponse,
  },
];

/** GET /api/samples, GET /api/samples/:sha256 (the image), PUT /api/samples/:sha256/label. */
export function sampleRoutes({
  samples,
  index,
}: {
  samples: Pick<SampleIngest, 'file'>;
  index: SampleIndex;
}): Hono {
  const app = new Hono();
  app.get('/api/samples', async (c) => {
    const query = parseQuery(SampleListParams, c);
    const page = await index.list(query);
    const listed = page.samples.map((s) => ({ ...s, url: `/api/samples/${s.sha256}` }));
    return c.json({ samples: listed, next: page.next } satisfies SamplesResponse);
  });

  app.get('/api/samples/:sha256', async (c) => {
    const sha256 = sha256Param(c.req.param('sha256'));
    const etag = `"${sha256}"`;
    const found = await samples.file(sha256);
    if (!found) return c.json(notFound(sha256), 404);
    const headers = {
      'Content-Type': found.content_type,
      ETag: etag,
      // Content-addressed: the bytes behind a sha256 never change.
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    };
    if (
      c.req
        .header('If-None-Match')
        ?.split(/\s*,\s*/)
        .includes(etag)
    ) {
      return new Response(null, { status: 304, headers });
    }
    // The path is rebuilt from the validated sha256 and the stored type, never taken from a request.
    const handle = await open(found.path, 'r').catch(() => null);
    if (!handle) return c.json(notFound(sha256), 404);
    const { size } = await handle.stat();
    const body = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
    return new Response(body, { headers: { ...headers, 'Content-Length': String(size) } });
  });

  app.put('/api/samples/:sha256/label', async (c) => {
    const sha256 = sha256Param(c.req.param('sha256'));
    const parsed = LabelBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      throw new QueryError(
        `body: expected {"label": "defect"} or {"label": null}: ${parsed.error.issues[0]?.message}`,
      );
    }
    const changed = await index.setLabel(sha256, parsed.data.label);
    if (changed === 0) return c.json(notFound(sha256), 404);
    return c.json({ sha256, label: parsed.data.label, rows: changed } satisfies SampleLabelResponse);
  });
  return app;
}
