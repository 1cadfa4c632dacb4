import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AgentError } from '../errors.ts';
import { AgentConfig, type AgentConfigInput } from './schema.ts';

export * from './schema.ts';

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
}

/** Looks up the schema's example for a key path, so the error can show a right value. */
function exampleFor(path: readonly PropertyKey[]): unknown {
  let schema: z.ZodType | undefined = AgentConfig;
  for (const key of path) {
    let s: unknown = schema;
    while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap();
    if (s instanceof z.ZodUnion) {
      // A union (camera sources): take the first option that has this key.
      s = (s.options as z.ZodType[]).find(
        (o) => o instanceof z.ZodObject && typeof key === 'string' && key in o.shape,
      );
    }
    if (s instanceof z.ZodObject && typeof key === 'string') schema = s.shape[key];
    else if (s instanceof z.ZodArray && typeof key === 'number') schema = s.element as z.ZodType;
    else return undefined;
  }
  const examples = schema?.meta()?.examples;
  return Array.isArray(examples) ? examples[0] : undefined;
}

/** Validates a config object; throws SL_CONFIG_INVALID naming every bad key. */
export function parseAgentConfig(input: unknown, origin = 'config'): AgentConfig {
  const parsed = AgentConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const example = exampleFor(issue.path);
    const hint = example === undefined ? '' : ` (example: ${JSON.stringify(example)})`;
    return `  ${pathOf(issue.path) || '(root)'}: ${issue.message}${hint}`;
  });
  throw new AgentError('SL_CONFIG_INVALID', `${origin} is invalid:\n${lines.join('\n')}`);
}

/** Reads a YAML config file; `overrides` (from flags) win over the file. */
export async function loadAgentConfig(
  file: string,
  overrides: Partial<AgentConfigInput> = {},
): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new AgentError(
      'SL_CONFIG_UNREADABLE',
      `cannot read config file ${file}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new AgentError('SL_CONFIG_INVALID', `${file} is not valid YAML: ${(cause as Error).message}`, {
      cause,
    });
  }
  const base = doc && typeof doc === 'object' ? doc : {};
  return parseAgentConfig({ ...base, ...overrides }, file);
}
