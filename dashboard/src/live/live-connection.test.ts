import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Http } from '../api/http.ts';
import { createLiveConnection, type LiveStatus } from './live-connection.ts';

/** An Http whose `open` answers with streams the test writes to. */
function fakeHttp() {
  const streams: Array<ReadableStreamDefaultController<Uint8Array>> = [];
  const urls: string[] = [];
  const http = {
    url: (p: string) => `/${p}`,
    headers: () => ({}),
    json: async () => ({}),
    open: async (path: string, { signal }: { signal: AbortSignal }) => {
      urls.push(path);
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          streams.push(c);
          signal.addEventListener('abort', () => c.error(signal.reason ?? new Error('aborted')));
        },
      });
      return new Response(body);
    },
  } as unknown as Http;
  const write = (text: string) => streams.at(-1)?.enqueue(new TextEncoder().encode(text));
  return { http, urls, write, end: () => streams.at(-1)?.close() };
}

describe('live connection', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('is open on the first byte, hands events to their listeners, and reconnects when the stream ends', async () => {
    const fake = fakeHttp();
    const live = createLiveConnection({ http: fake.http, window: '5m', retryMs: 1000 });
    const states: LiveStatus['state'][] = [];
    const lines: unknown[] = [];
    live.onStatus((s) => states.push(s.state));
    live.on('line', (u) => lines.push(u));
    live.start();
    await vi.advanceTimersByTimeAsync(0);
    fake.write('event: hello\ndata: {}\n\nevent: line\ndata: {"line":"l1","window_s":300}\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['connecting', 'open']);
    expect(lines).toEqual([{ line: 'l1', window_s: 300 }]);

    fake.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(live.status.state).toBe('retrying');
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.urls).toEqual(['api/stream?window=5m', 'api/stream?window=5m']);
    live.close();
  });

  it('drops a stream that goes silent (a frozen hub keeps the socket open) and tries again', async () => {
    const fake = fakeHttp();
    const live = createLiveConnection({ http: fake.http, window: '5m', silenceMs: 20_000, retryMs: 1000 });
    live.start();
    await vi.advanceTimersByTimeAsync(0);
    fake.write(': keep-alive\n\n');
    await vi.advanceTimersByTimeAsync(19_000);
    expect(live.status.state).toBe('open');
    await vi.advanceTimersByTimeAsync(2_100);
    expect(live.status).toMatchObject({ state: 'retrying', error: 'no word from the hub for 20 s' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.urls).toHaveLength(2);
    live.close();
  });

  it('reconnects with the new window when it changes', async () => {
    const fake = fakeHttp();
    const live = createLiveConnection({ http: fake.http, window: '5m' });
    live.start();
    await vi.advanceTimersByTimeAsync(0);
    live.setWindow('1h');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.urls).toEqual(['api/stream?window=5m', 'api/stream?window=1h']);
    live.close();
  });
});
