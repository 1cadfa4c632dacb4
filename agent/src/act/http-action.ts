import type { ActionRunner } from './action.ts';
import type { HttpActionConfig } from './config.ts';

/** POSTs `{ verdict, score, camera, frame, seq, ts }`; succeeds on a 2xx answer within the timeout. */
export function httpRunner(config: HttpActionConfig, now: () => number = Date.now): ActionRunner {
  // Node loads and compiles its fetch machinery on first use (tens of ms): do it now, not on the first
  // reject. An aborted request never reaches the network.
  void fetch(config.url, { signal: AbortSignal.abort() }).catch(() => undefined);
  return async (ctx) => {
    const start = performance.now();
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...config.headers },
        body: JSON.stringify({ ...ctx, ts: now() }),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const latencyMs = performance.now() - start;
      const body = await res.text().catch(() => '');
      if (res.ok) return { latencyMs };
      return { latencyMs, error: `POST ${config.url}: HTTP ${res.status} ${body.slice(0, 200)}`.trim() };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const latencyMs = performance.now() - start;
      if (e.name === 'TimeoutError') {
        return {
          latencyMs,
          error: `POST ${config.url}: no answer within ${config.timeoutMs} ms (timeoutMs)`,
        };
      }
      const cause = e.cause?.code ?? e.cause?.message ?? e.message;
      const hint =
        cause === 'ECONNREFUSED' ? ' (nothing listens there; is the receiving service running?)' : '';
      return { latencyMs, error: `POST ${config.url}: ${cause}${hint}` };
    }
  };
}
