import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpActionConfig } from './config.ts';
import { createAction } from './index.ts';

const log = pino({ level: 'silent' });
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function listen(handler: (req: IncomingMessage, body: string) => { status: number; delayMs?: number }) {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { status, delayMs } = handler(req, body);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    res.writeHead(status).end(status === 200 ? 'ok' : 'plc offline');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/reject`;
}

const http = (url: string, extra: Record<string, unknown> = {}) =>
  HttpActionConfig.parse({ kind: 'http', url, ...extra });

describe('http action', () => {
  it('POSTs the verdict as JSON with the configured headers', async () => {
    const got: { method?: string; path?: string; type?: string; token?: string; body?: unknown }[] = [];
    const url = await listen((req, body) => {
      got.push({
        method: req.method,
        path: req.url,
        type: req.headers['content-type'],
        token: req.headers['x-token'] as string,
        body: JSON.parse(body),
      });
      return { status: 200 };
    });
    const action = createAction(http(url, { headers: { 'x-token': 'abc' } }), log, {
      now: () => 1_700_000_000_000,
    });
    const outcome = await action.trigger({
      verdict: 'defect',
      score: 0.75,
      camera: 'cam1',
      frame: 'cam1-9',
      seq: 7,
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.latencyMs).toBeGreaterThan(0);
    expect(got).toEqual([
      {
        method: 'POST',
        path: '/reject',
        type: 'application/json',
        token: 'abc',
        body: {
          verdict: 'defect',
          score: 0.75,
          camera: 'cam1',
          frame: 'cam1-9',
          seq: 7,
          ts: 1_700_000_000_000,
        },
      },
    ]);
  });

  it('counts an HTTP error status as a failure with the status and body', async () => {
    const url = await listen(() => ({ status: 503 }));
    const action = createAction(http(url), log);
    const outcome = await action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    expect(outcome).toMatchObject({ ok: false, error: `POST ${url}: HTTP 503 plc offline` });
    expect(action.counts()).toMatchObject({ triggered: 1, ok: 0, failed: 1 });
  });

  it('gives up after timeoutMs', async () => {
    const url = await listen(() => ({ status: 200, delayMs: 2000 }));
    const action = createAction(http(url, { timeoutMs: 150 }), log);
    const outcome = await action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/no answer within 150 ms/);
    expect(outcome.latencyMs).toBeLessThan(1500);
  });

  it('says when nothing listens at the URL', async () => {
    const probe = createNetServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const action = createAction(http(`http://127.0.0.1:${port}/x`), log);
    const outcome = await action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/ECONNREFUSED \(nothing listens there/);
  });
});
