import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ActionConfig } from '../src/act/index.ts';
import { parseAgentConfig } from '../src/config/index.ts';
import { SamplesConfig } from '../src/samples/index.ts';

describe('agent.example.yaml', () => {
  it('is a valid agent config, and its actions and samples sections parse', async () => {
    const doc = parse(await readFile(new URL('./agent.example.yaml', import.meta.url), 'utf8'));
    const config = parseAgentConfig(doc, 'agent.example.yaml');
    expect(config).toMatchObject({ site: 'plant-1', stateDir: '/var/lib/sightline' });
    expect(config.cameras[0]?.source).toEqual({ kind: 'opencv', uri: '/dev/video0', fps: 0, live: 'auto' });
    expect(z.array(ActionConfig).parse(doc.actions)).toEqual([
      { kind: 'none', on: ['defect'], maxInFlight: 4, delayMs: 0, windowMs: 100 },
    ]);
    expect(SamplesConfig.parse(doc.samples)).toMatchObject({ enabled: false, maxMB: 1024, okShare: 0.01 });
    expect(config.cameras[0]).toMatchObject({
      trigger: { kind: 'free-run' },
      regions: [],
      identity: { from: 'auto' },
    });
    expect(config).toMatchObject({
      recipes: [],
      http: { enabled: false, port: 8091 },
      plc: { enabled: false, port: 1502 },
    });
  });

  it('documents every action kind in parseable form', async () => {
    const text = await readFile(new URL('./agent.example.yaml', import.meta.url), 'utf8');
    // Uncomment the commented-out action examples (the first argv of each) and parse them too.
    const block = text.slice(text.indexOf('actions:'), text.indexOf('# Sample frames'));
    const lines = block.split('\n').filter((l) => !l.includes('libgpiod 1.x'));
    const uncommented = lines.map((l) => l.replace(/^ {2}# (?=- | {2}[a-zA-Z])/, '  ')).join('\n');
    const actions = z.array(ActionConfig).parse(parse(uncommented).actions);
    expect(actions.map((a) => a.kind)).toEqual(['none', 'command', 'command', 'http', 'gpio']);
  });
});
