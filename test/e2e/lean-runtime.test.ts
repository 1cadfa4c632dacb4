import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnAgent } from '../support/agent-process.ts';
import { agentBroker } from '../support/credentials.ts';
import { storedResults, useTestHub } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

const ctx = useTestHub();
const hook = resolve(import.meta.dirname, '..', 'support', 'without-modules.mjs');

describe('an agent where onnxruntime-node is not installed', () => {
  it('chooses onnxruntime-web by itself and inspects and publishes every frame', async () => {
    const { hub, dir } = ctx;
    const agent = await spawnAgent(
      dir,
      {
        site: 'test',
        line: 'line-lean',
        agent: 'lean',
        broker: await agentBroker(hub, { site: 'test', line: 'line-lean', agent: 'lean' }),
        stateDir: join(dir, 'lean'),
        inference: { runtime: 'auto' },
        publish: { batchSize: 10, batchMs: 20 },
        cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 3, defectRate: 0.2, fps: 0 } }],
      },
      ['--frames', '40'],
      { env: { NODE_OPTIONS: `--import=${hook}`, SL_TEST_UNAVAILABLE: 'onnxruntime-node' } },
    );
    const done = await agent.exited;
    expect(done.code, done.stderr.slice(-2000)).toBe(0);
    // The native runtime really failed to load, and the agent said so and went on with wasm.
    const unavailable =
      /"event":"runtime_unavailable","runtime":"onnxruntime-node","err":"[^"]*made unavailable by the test/;
    expect(done.stderr).toMatch(unavailable);
    expect(done.stderr).toMatch(/"event":"runtime_selected","runtime":"onnxruntime-web"/);
    const summary = JSON.parse(done.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(summary).toMatchObject({ frames: 40, results: 40, published: 40, dropped: 0, outbox_depth: 0 });
    const rows = await waitFor('40 stored results', 20_000, async () => {
      const r = await storedResults(hub, 'lean');
      return r.length === 40 ? r : undefined;
    });
    // wasm's verdicts are real: 20 % of parts carry defects and the model finds them.
    const defects = rows.filter((r) => r.verdict === 'defect').length;
    expect(defects).toBeGreaterThanOrEqual(4);
    expect(defects).toBeLessThanOrEqual(12);
  }, 120_000);
});
