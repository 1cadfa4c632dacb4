import { BundleMeta, RegistryEntry, RegistryResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import type { RouteDoc } from '../api/route-doc.ts';
import { HubError } from '../errors.ts';
import type { BundlePublisher } from './publisher.ts';
import type { Registry } from './registry.ts';

/** Largest bundle accepted over HTTP. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export const registryDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/models',
    summary: 'The model registry: every uploaded bundle and its check',
    response: RegistryResponse,
  },
  {
    method: 'post',
    path: '/api/models',
    summary: 'Upload a signed bundle (sightline-models bundle)',
    role: 'engineer',
    description:
      'The bundle is verified against registry.trustedKeys, loaded once in onnxruntime-node and its golden images run; the answer is its registry entry, `ready` or `rejected` with the reason. A bundle that does not verify is refused (422 SL_BUNDLE_REJECTED) and not kept.',
    body: { contentType: 'application/octet-stream', description: 'the .slb bundle file' },
    response: RegistryEntry,
  },
  {
    method: 'get',
    path: '/api/models/{id}/{version}',
    summary: 'One registered model',
    response: RegistryEntry,
  },
  {
    method: 'post',
    path: '/api/models/{id}/{version}/publish',
    role: 'engineer',
    summary:
      'Put the bundle on the broker ahead of a rollout (retained chunks), so agents fetch it at once when it starts',
    response: BundleMeta,
  },
  {
    method: 'get',
    path: '/api/models/{id}/{version}/bundle',
    summary: 'The bundle file',
    response: { contentType: 'application/octet-stream', description: 'the .slb bundle file' },
  },
];

export function registryRoutes({
  registry,
  publisher,
}: {
  registry: Registry;
  publisher: BundlePublisher;
}): Hono {
  const app = new Hono();
  app.get('/api/models', (c) => c.json({ models: registry.list() } satisfies RegistryResponse));
  app.post('/api/models', async (c) => {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_UPLOAD_BYTES)
      throw new HubError(
        'SL_REQUEST_INVALID',
        `bundle of ${length} bytes is over the ${MAX_UPLOAD_BYTES}-byte limit`,
      );
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength === 0)
      throw new HubError(
        'SL_REQUEST_INVALID',
        'empty body: POST the .slb file as application/octet-stream (curl --data-binary @model.slb)',
      );
    const entry = await registry.upload(bytes);
    return c.json(entry, entry.status === 'ready' ? 200 : 422);
  });
  const entry = (id: string, version: string) => {
    const e = registry.get(id, version);
    if (!e) throw new HubError('SL_MODEL_NOT_FOUND', `no model ${id} ${version} in the registry`);
    return e;
  };
  app.get('/api/models/:id/:version', (c) => c.json(entry(c.req.param('id'), c.req.param('version'))));
  app.post('/api/models/:id/:version/publish', async (c) => {
    const e = entry(c.req.param('id'), c.req.param('version'));
    if (e.status !== 'ready')
      throw new HubError(
        'SL_ROLLOUT_INVALID',
        `${e.id} ${e.version} was rejected (${e.reason}); it is not published`,
      );
    return c.json(await publisher.ensure(e.id, e.version));
  });
  app.get('/api/models/:id/:version/bundle', async (c) => {
    const e = entry(c.req.param('id'), c.req.param('version'));
    const bytes = await registry.bundle(e.id, e.version);
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${e.id}-${e.version}.slb"`,
    });
  });
  return app;
}
