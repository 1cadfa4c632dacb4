// Writes protocol/schemas/<message>.schema.json for people writing their own clients.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonSchemas } from '../src/index.ts';

const out = join(import.meta.dirname, '..', 'schemas');
await mkdir(out, { recursive: true });
for (const [name, schema] of Object.entries(jsonSchemas())) {
  await writeFile(join(out, `${name.replace('/', '-')}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
}
