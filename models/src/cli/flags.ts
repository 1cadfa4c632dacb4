import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { ModelsError } from '../errors.ts';

type Spec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/** Parsed flags with accessors that fail with the command's usage text. */
export interface Flags {
  string(name: string): string | undefined;
  required(name: string): string;
  /** A path flag, resolved against the working directory. */
  path(name: string): string | undefined;
  requiredPath(name: string): string;
  number(name: string, fallback: number, check?: (n: number) => boolean): number;
  bool(name: string): boolean;
  list(name: string): string[] | undefined;
  all(name: string): string[];
}

export function parseFlags(argv: string[], spec: Spec, usage: string, cwd: string): Flags {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ModelsError('SL_MODELS_INVALID_OPTION', `${(err as Error).message}\n${usage}`);
  }
  const bad = (msg: string): never => {
    throw new ModelsError('SL_MODELS_INVALID_OPTION', `${msg}\n${usage}`);
  };
  const str = (n: string) => {
    const v = values[n];
    return typeof v === 'string' ? v : Array.isArray(v) ? (v.at(-1) as string | undefined) : undefined;
  };
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const flags: Flags = {
    string: str,
    required: (n) => str(n) ?? bad(`--${n} is required`),
    path: (n) => {
      const v = str(n);
      return v === undefined ? undefined : abs(v);
    },
    requiredPath: (n) => abs(flags.required(n)),
    number(n, fallback, check = Number.isFinite) {
      const v = str(n);
      if (v === undefined) return fallback;
      const x = Number(v);
      return check(x) ? x : bad(`--${n}: "${v}" is not a valid value`);
    },
    bool: (n) => values[n] === true,
    list: (n) =>
      str(n)
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    all: (n) => {
      const v = values[n];
      return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
    },
  };
  return flags;
}

/**
 * Parses argv against `options`, fills `defaults`, resolves `paths` against `cwd`, then validates with
 * `schema`; any error names the flag and repeats the usage.
 */
export function parseFlagsWith<S extends z.ZodType>(
  argv: string[],
  opts: {
    options: Spec;
    schema: S;
    defaults: Record<string, unknown>;
    paths: string[];
    usage: string;
    cwd: string;
  },
): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options: opts.options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ModelsError('SL_MODELS_INVALID_OPTION', `${(err as Error).message}\n${opts.usage}`);
  }
  const input: Record<string, unknown> = { ...opts.defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    input[key] =
      opts.paths.includes(key) && typeof value === 'string'
        ? isAbsolute(value)
          ? value
          : resolve(opts.cwd, value)
        : value;
  }
  const parsed = opts.schema.safeParse(input);
  if (!parsed.success) {
    const list = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ModelsError('SL_MODELS_INVALID_OPTION', `${list}\n${opts.usage}`);
  }
  return parsed.data;
}
