import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { HubConfig, type HubConfigInput } from './schema.ts';

export * from './schema.ts';

/** Environment variables the hub reads, and the key each sets. */
export const ENV_KEYS = {
  SL_HUB_HTTP_PORT: ['http', 'port'],
  SL_HUB_MQTT_PORT: ['broker', 'port'],
  SL_HUB_BROKER_URL: ['broker', 'url'],
  SL_HUB_DB: ['store', 'path'],
  SL_HUB_SAMPLES_DIR: ['samples', 'dir'],
  SL_HUB_AUTH_FILE: ['auth', 'file'],
  SL_HUB_BROKER_PASSWORD: ['broker', 'password'],
  SL_HUB_DASHBOARD_DIR: ['dashboard', 'dir'],
  SL_HUB_LOG_LEVEL: ['log', 'level'],
} as const;

type Tree = Record<string, unknown>;
/** Where each key's value came from (a file, an env variable, a flag), to name it in errors. */
type Origins = Map<string, string>;

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
}

function exampleFor(path: readonly PropertyKey[]): unknown {
  let schema: unknown = HubConfig;
  for (const key of path) {
    while (
      schema instanceof z.ZodDefault ||
      schema instanceof z.ZodPrefault ||
      schema instanceof z.ZodOptional ||
      schema instanceof z.ZodPipe
    ) {
      schema = schema instanceof z.ZodPipe ? schema.in : schema.unwrap();
    }
    if (!(schema instanceof z.ZodObject) || typeof key !== 'string') return undefined;
    schema = schema.shape[key];
  }
  const examples = (schema as z.ZodType | undefined)?.meta()?.examples;
  return Array.isArray(examples) ? examples[0] : undefined;
}

/** Validates a config object; throws ConfigError (SL_CONFIG_INVALID) naming every bad key. */
export function parseHubConfig(input: unknown, origins: Origins = new Map()): HubConfig {
  const parsed = HubConfig.safeParse(input ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = pathOf(issue.path) || '(root)';
    // Echo the bad value when it is a scalar; objects would bury the message.
    const input = 'input' in issue ? issue.input : undefined;
    const got =
      input !== undefined && (input === null || typeof input !== 'object')
        ? `, got ${JSON.stringify(input)}`
        : '';
    const example = exampleFor(issue.path);
    const hint = example === undefined ? '' : ` (example: ${JSON.stringify(example)})`;
    const from = origins.get(key);
    return `${key}: ${issue.message}${got}${hint}${from ? ` [from ${from}]` : ''}`;
  });
  throw new ConfigError(lines.join('\n'));
}

/** `['http', 'port'], 8081` → `{ http: { port: 8081 } }`. */
function treeAt(path: readonly string[], value: unknown): Tree {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Tree;
}

/** Copies `over` onto `base` key by key (plain objects merge, everything else replaces). */
function merge(base: Tree, over: Tree, origin: string, origins: Origins, prefix: string[] = []): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const path = [...prefix, key];
    const prev = out[key];
    const isTree = (v: unknown): v is Tree => !!v && typeof v === 'object' && !Array.isArray(v);
    if (isTree(value) && (prev === undefined || isTree(prev))) {
      out[key] = merge(prev ?? {}, value, origin, origins, path);
    } else {
      out[key] = value;
      origins.set(path.join('.'), origin);
    }
  }
  return out;
}

async function readConfigFile(file: string): Promise<Tree> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(`cannot read config file ${file}: ${reason}`, {
      cause,
      code: 'SL_CONFIG_UNREADABLE',
    });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(`${file} is not valid YAML: ${reason}`, { cause });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`${file}: expected a YAML mapping of keys (e.g. "http:\\n  port: 8080")`);
  }
  return doc as Tree;
}

export interface LoadHubConfigOptions {
  /** Optional YAML file; default: $SL_HUB_CONFIG when set. */
  file?: string;
  /** Values from command-line flags; they win over env, which wins over the file. */
  flags?: HubConfigInput;
  /** Environment to read; defaults to process.env (this module is the hub's only reader of it). */
  env?: Record<string, string | undefined>;
}

/** Builds the hub config from defaults < YAML file < environment < flags. */
export async function loadHubConfig({
  file,
  flags = {},
  env = process.env,
}: LoadHubConfigOptions = {}): Promise<HubConfig> {
  const origins: Origins = new Map();
  let tree: Tree = {};
  file ??= env.SL_HUB_CONFIG || undefined;
  if (file) tree = merge(tree, await readConfigFile(file), file, origins);
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    tree = merge(tree, treeAt(path, value), name, origins);
  }
  tree = merge(tree, flags as Tree, 'command-line flags', origins);
  return parseHubConfig(tree, origins);
}
