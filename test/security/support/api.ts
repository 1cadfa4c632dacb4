import type { ApiRole } from '@sightline/protocol';
import type { Stack } from './stack.ts';

/** fetch that waits out a 429 (the suite's own tokens are rate-limited too) instead of taking it as the answer. */
export async function patient(url: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    // A pooled connection the hub closed after a refused body fails once on reuse; a new one does not.
    const res = await fetch(url, init).catch((error: Error) => {
      if (attempt >= 2) throw error;
      return undefined;
    });
    if (!res) continue;
    if (res.status !== 429) return res;
    await res.body?.cancel().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
}

/** GET the hub's API as `role`; throws on an error status. */
export async function apiGet<T>(
  stack: Pick<Stack, 'httpUrl' | 'tokens'>,
  path: string,
  role: ApiRole = 'admin',
) {
  const res = await patient(`${stack.httpUrl}${path}`, {
    headers: { authorization: `Bearer ${stack.tokens[role]}` },
  });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface AgentRow {
  agent: string;
  birth: { thresholds: { defect: number } } | null;
  state: { online: boolean } | null;
}

export const agentsOf = (stack: Stack) =>
  apiGet<{ agents: AgentRow[] }>(stack, '/api/agents').then((r) => r.agents);

export const health = (stack: Stack) =>
  apiGet<{ store: { results: number; duplicates: number; deadLetters: number } }>(stack, '/api/health');

export interface ResultRow {
  agent: string;
  seq: number;
  frame: string;
  threshold: number;
}

export const resultsOf = (stack: Stack, agent: string, limit = 50) =>
  apiGet<{ results: ResultRow[] }>(stack, `/api/results?agent=${agent}&limit=${limit}`).then(
    (r) => r.results,
  );

/** Results stored for one agent so far (its newest seq + 1 is not it: seqs may start anywhere). */
export async function storedOf(stack: Stack, agent: string): Promise<number> {
  const lines = await apiGet<{ lines: { inspected: number; line: string }[] }>(
    stack,
    '/api/lines?window=24h',
  );
  const line = stack.agents.find((a) => a.ref.agent === agent)?.ref.line;
  return lines.lines.find((l) => l.line === line)?.inspected ?? 0;
}
