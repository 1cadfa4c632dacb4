import { parseAgentConfig, startAgent } from '@sightline/agent';
import { type AgentEvent, topics } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { agentBroker, hubClient } from '../support/credentials.ts';
import { storedResults, useTestHub } from '../support/hub.ts';
import { quietLog } from '../support/quiet-log.ts';
import { waitFor } from '../support/wait.ts';

const ref = { site: 'test', line: 'line-c', agent: 'two-cams' };
const ctx = useTestHub();

describe('a camera that dies mid-run', () => {
  it('is reported and reconnected while the second camera keeps publishing', async () => {
    const { hub, dir } = ctx;
    const events: AgentEvent[] = [];
    const watcher = await hubClient(hub, 'watcher');
    watcher.on('message', (_t, payload) => events.push(JSON.parse(payload.toString()) as AgentEvent));
    await watcher.subscribeAsync(topics.events(ref), { qos: 1 });

    const agent = await startAgent({
      config: parseAgentConfig({
        ...ref,
        broker: await agentBroker(hub, ref),
        stateDir: `${dir}/agent`,
        publish: { batchSize: 10, batchMs: 50 },
        cameras: [
          // cam0 goes silent after 30 frames for 2.5 s; the watchdog gives it 400 ms.
          {
            id: 'cam0',
            stallTimeoutMs: 400,
            source: { kind: 'synthetic', seed: 5, fps: 30, stall: { afterFrames: 30, forMs: 2500 } },
          },
          { id: 'cam1', stallTimeoutMs: 400, source: { kind: 'synthetic', seed: 6, fps: 30 } },
        ],
      }),
      log: quietLog(),
    });

    const lost = await waitFor('camera_lost', 15_000, () => events.find((e) => e.kind === 'camera_lost'));
    const restored = await waitFor('camera_restored', 15_000, () =>
      events.find((e) => e.kind === 'camera_restored'),
    );
    // Let cam0 deliver again for a moment after it came back.
    await waitFor('cam0 frames after recovery', 10_000, async () =>
      (await storedResults(hub, ref.agent)).some((r) => r.camera === 'cam0' && r.ts > restored.ts + 300),
    );
    await agent.stop();
    await watcher.endAsync();

    expect(lost.message).toMatch(/camera cam0: no frame for 400 ms; reconnecting/);
    expect(lost.severity).toBe('warning');
    expect(restored.message).toMatch(/cam0/);
    expect(restored.ts - lost.ts).toBeGreaterThanOrEqual(1500);

    const rows = await storedResults(hub, ref.agent);
    const during = (camera: string) =>
      rows.filter((r) => r.camera === camera && r.ts > lost.ts && r.ts < restored.ts);
    // cam1 kept inspecting at ~30 fps through the outage; cam0 produced nothing while silent.
    expect(during('cam1').length).toBeGreaterThan(20);
    expect(during('cam0').length).toBe(0);
    expect(rows.filter((r) => r.camera === 'cam0' && r.ts > restored.ts).length).toBeGreaterThan(0);
    // No other alarm was raised.
    expect(events.filter((e) => e.kind === 'camera_lost')).toHaveLength(1);
  }, 60_000);
});
