import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { RegistryEntry, Rollout, RolloutSpecInput, RolloutStageSpec } from '@sightline/protocol';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.ts';
import { formatRegistry, formatRollout } from './rollout-format.ts';

export const ROLLOUT_USAGE = `Usage: sightline-hub models upload FILE.slb | list              [--url URL]
       sightline-hub rollout start --model ID@VERSION [targets] [stages] [gates]  [--url URL]
       sightline-hub rollout status [ID] [--watch] [--json]
       sightline-hub rollout promote|cancel|rollback ID [--by NAME]

Talks to a running hub (--url, default $SL_HUB_URL or http://127.0.0.1:8080) with an API token
(--token, default $SL_HUB_TOKEN; \`sightline-hub tokens add --role engineer --name NAME\` makes one).

rollout start:
  --model ID@VERSION       a model in the registry (status ready)
  --sites/--lines/--agents/--products a,b   targets (default: every known agent)
  --stages LIST            kind:share[:Nf|:Tm], default shadow:1:500f,canary:0.1:500f,wave:0.5,wave:1
                           (Nf: N compared frames per agent; Tm: T minutes)
  --min-agreement 0.95 --max-latency-ms N --max-latency-ratio 2 --max-defect-rate-change 0.05
  --max-error-rate 0.01 --shadow-share 0.25 --timeout SECONDS --threshold X
  --spec FILE              the whole rollout as JSON or YAML (flags given override it)
  --by NAME                who starts it (kept with the events)`;

export interface ClientIo {
  out(text: string): void;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const list = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** `shadow:1:500f` → { kind: 'shadow', share: 1, frames: 500 }. */
export function parseStages(text: string): RolloutStageSpec[] {
  return text.split(',').map((part) => {
    const [kind, share, until] = part.trim().split(':');
    if (kind !== 'shadow' && kind !== 'canary' && kind !== 'wave')
      throw new ConfigError(
        `--stages: "${part}" must start with shadow, canary or wave (e.g. canary:0.1:500f)`,
      );
    const s = Number(share ?? '1');
    if (!(s > 0 && s <= 1)) throw new ConfigError(`--stages: "${part}": share must be in (0, 1]`);
    const stage: RolloutStageSpec = { kind, share: s };
    const m = until === undefined ? null : /^(\d+(?:\.\d+)?)([fm])$/.exec(until);
    if (until !== undefined && !m)
      throw new ConfigError(`--stages: "${part}": end with Nf (frames) or Tm (minutes)`);
    if (m?.[2] === 'f') stage.frames = Number(m[1]);
    if (m?.[2] === 'm') stage.minutes = Number(m[1]);
    return stage;
  });
}

async function call<T>(io: ClientIo, url: string, init?: RequestInit): Promise<T> {
  const f = io.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(url, init);
  } catch (err) {
    throw new ConfigError(
      `cannot reach the hub at ${url}: ${(err as Error).message}; is it running? (--url or SL_HUB_URL)`,
      {
        code: 'SL_CONFIG_UNREADABLE',
      },
    );
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok && !(res.status === 422 && (body as { status?: string }).status)) {
    const hint = res.status === 401 ? ' (--token or SL_HUB_TOKEN)' : '';
    throw new ConfigError(
      `${body.error?.code ?? res.status}: ${body.error?.message ?? res.statusText}${hint}`,
      {
        code: 'SL_CONFIG_UNREADABLE',
      },
    );
  }
  return body;
}

async function specFrom(values: Record<string, unknown>): Promise<RolloutSpecInput & { by?: string }> {
  let spec: Partial<RolloutSpecInput> = {};
  if (typeof values.spec === 'string') {
    const text = await readFile(values.spec, 'utf8').catch(() => {
      throw new ConfigError(`--spec ${values.spec} cannot be read`);
    });
    spec = (values.spec.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Partial<RolloutSpecInput>;
  }
  if (typeof values.model === 'string') {
    const [id, version] = values.model.split('@');
    if (!id || !version)
      throw new ConfigError(`--model "${values.model}": expected ID@VERSION, e.g. default@2.1.0`);
    spec.model = { id, version };
  }
  if (!spec.model) throw new ConfigError(`--model ID@VERSION is required\n\n${ROLLOUT_USAGE}`);
  const targets = { ...spec.targets };
  for (const k of ['sites', 'lines', 'agents', 'products'] as const) {
    const v = list(values[k]);
    if (v) targets[k] = v;
  }
  const num = (k: string) => (typeof values[k] === 'string' ? Number(values[k]) : undefined);
  const gates = { ...spec.gates };
  const gateFlags = {
    minAgreement: 'min-agreement',
    maxLatencyMs: 'max-latency-ms',
    maxLatencyRatio: 'max-latency-ratio',
    maxDefectRateChange: 'max-defect-rate-change',
    maxErrorRate: 'max-error-rate',
  } as const;
  for (const [key, flag] of Object.entries(gateFlags)) {
    const v = num(flag);
    if (v !== undefined) gates[key as keyof typeof gateFlags] = v;
  }
  return {
    ...spec,
    model: spec.model,
    targets,
    gates,
    ...(typeof values.stages === 'string' ? { stages: parseStages(values.stages) } : {}),
    ...(num('shadow-share') !== undefined ? { shadowShare: num('shadow-share') } : {}),
    ...(num('timeout') !== undefined ? { agentTimeoutS: num('timeout') } : {}),
    ...(num('threshold') !== undefined ? { thresholds: { defect: num('threshold') as number } } : {}),
    ...(typeof values.by === 'string' ? { by: values.by } : {}),
  };
}

const TERMINAL = new Set(['completed', 'rolled-back', 'failed']);

/** `sightline-hub models …` and `sightline-hub rollout …`: HTTP calls to a running hub. Returns the exit code. */
export async function rolloutCommand(argv: readonly string[], io: ClientIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${ROLLOUT_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length < 2) {
    io.out(`${ROLLOUT_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const base = (values.url ?? io.env.SL_HUB_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  // Every route needs a token with a role; it goes with each request.
  const token = values.token ?? io.env.SL_HUB_TOKEN;
  const f = io.fetch ?? fetch;
  const client: ClientIo = token
    ? {
        ...io,
        fetch: (url, init = {}) =>
          f(url, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
          }),
      }
    : io;
  const [group, action, arg] = positionals;
  const json = (v: unknown) => io.out(`${JSON.stringify(v, null, values.json ? 0 : 2)}\n`);
  const post = (path: string, body?: unknown) =>
    call<Rollout>(client, `${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });

  if (group === 'models' && action === 'list') {
    const { models } = await call<{ models: RegistryEntry[] }>(client, `${base}/api/models`);
    if (values.json) json(models);
    else io.out(formatRegistry(models));
    return 0;
  }
  if (group === 'models' && action === 'upload' && arg) {
    const bytes = await readFile(arg).catch(() => {
      throw new ConfigError(`${arg} cannot be read; make a bundle with \`sightline-models bundle\``);
    });
    const entry = await call<RegistryEntry>(client, `${base}/api/models`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    if (values.json) json(entry);
    else io.out(formatRegistry([entry]));
    return entry.status === 'ready' ? 0 : 1;
  }
  if (group !== 'rollout')
    throw new ConfigError(`unknown command "${positionals.join(' ')}"\n\n${ROLLOUT_USAGE}`);
  if (action === 'start') {
    const { by, ...spec } = await specFrom(values);
    const r = await post('/api/rollouts', { ...spec, ...(by ? { by } : {}) });
    io.out(values.json ? `${JSON.stringify(r)}\n` : formatRollout(r));
    return 0;
  }
  if (action === 'status') {
    const sleep = io.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    let last = '';
    for (;;) {
      const rollouts = arg
        ? [await call<Rollout>(client, `${base}/api/rollouts/${arg}`)]
        : (await call<{ rollouts: Rollout[] }>(client, `${base}/api/rollouts`)).rollouts;
      const text = values.json
        ? `${JSON.stringify(arg ? rollouts[0] : rollouts)}\n`
        : rollouts.map(formatRollout).join('\n') || 'no rollouts\n';
      if (text !== last) io.out(text);
      last = text;
      if (!values.watch || rollouts.every((r) => TERMINAL.has(r.state)))
        return rollouts.some((r) => r.state === 'failed') ? 1 : 0;
      await sleep(2000);
    }
  }
  if ((action === 'promote' || action === 'cancel' || action === 'rollback') && arg) {
    const r = await post(`/api/rollouts/${arg}/${action}`, values.by ? { by: values.by } : {});
    io.out(values.json ? `${JSON.stringify(r)}\n` : formatRollout(r));
    return 0;
  }
  throw new ConfigError(`unknown or incomplete command "${positionals.join(' ')}"\n\n${ROLLOUT_USAGE}`);
}

function parse(argv: readonly string[]) {
  const str = { type: 'string' } as const;
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: str,
      token: str,
      model: str,
      sites: str,
      lines: str,
      agents: str,
      products: str,
      stages: str,
      'min-agreement': str,
      'max-latency-ms': str,
      'max-latency-ratio': str,
      'max-defect-rate-change': str,
      'max-error-rate': str,
      'shadow-share': str,
      timeout: str,
      threshold: str,
      spec: str,
      by: str,
      watch: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
