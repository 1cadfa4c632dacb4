import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, HubState, topics } from '@sightline/protocol';
import { Aedes, type AuthenticateError } from 'aedes';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentConfigInput, parseAgentConfig } from '../config/index.ts';
import { type Check, formatChecks, runDoctor } from './index.ts';

const log = pino({ level: 'silent' });
const USER = 'agent-1';
const PASSWORD = 's3cret';
let dir: string;
let broker: Aedes;
let server: Server;
let url: string;
const sockets = new Set<Socket>();

/** An aedes broker on an ephemeral loopback port (as hub/src/broker does) that checks credentials. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-doctor-'));
  broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      if (username === USER && password?.toString() === PASSWORD) return done(null, true);
      const err = new Error('bad credentials') as AuthenticateError;
      err.returnCode = 4;
      done(err, null);
    },
  });
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** Publishes the hub's retained state as the hub would. */
async function setHubState(state: HubState) {
  const hub = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    username: USER,
    password: PASSWORD,
    reconnectPeriod: 0,
  });
  await hub.publishAsync(topics.hubState(), encode(HubState, state), { qos: 1, retain: true });
  await hub.endAsync();
}

const config = (over: Partial<AgentConfigInput> = {}) =>
  parseAgentConfig({
    site: 'plant-1',
    line: 'line-1',
    agent: 'agent-1',
    broker: { url, username: USER, password: PASSWORD },
    inference: { runtime: 'onnxruntime-web' },
    cameras: [{ id: 'cam0', source: { kind: 'synthetic', fps: 0 } }],
    stateDir: join(dir, 'state'),
    ...over,
  });

const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.name, c]));
const deps = { log, minFreeMB: 1, hubWaitMs: 1000, brokerTimeoutMs: 3000 };

describe('runDoctor', () => {
  it('passes every check on a healthy setup: camera, model, inference, broker, hub, disk, clock', async () => {
    await setHubState({ online: true, ts: Date.now() - 60_000 });
    const checks = await runDoctor(config(), deps);
    expect(checks.map((c) => c.name)).toEqual([
      'config',
      'camera cam0',
      'model',
      'inference',
      'broker',
      'hub',
      'state dir',
      'disk space',
      'clock',
    ]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const c = byName(checks);
    expect(c['camera cam0']?.detail).toMatch(/^256x256 (colour|grey) frame in \d+ ms \(synthetic\)$/);
    expect(c.model?.detail).toMatch(/ from .*models\/default\/model\.onnx$/);
    expect(c.inference?.detail).toMatch(/^onnxruntime-web: \d+\.\d ms on a frame from camera cam0$/);
    expect(c.broker?.detail).toMatch(
      new RegExp(`^connected to ${url} \\(MQTT 3\\.1\\.1\\) as "agent-1" in \\d+ ms$`),
    );
    expect(c.hub?.detail).toMatch(/^online \(since 20\d\d-/);
    expect(c['state dir']?.detail).toBe(`${join(dir, 'state')} is writable`);
    expect(c.clock?.detail).toMatch(/not behind the hub's clock$/);
  }, 30_000);

  it('fails the broker check with the reason and a fix when nothing listens on the port', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const checks = byName(
      await runDoctor(
        config({ broker: { url: `mqtt://127.0.0.1:${port}` }, model: { dir: join(dir, 'no-model') } }),
        deps,
      ),
    );
    expect(checks.broker).toMatchObject({
      ok: false,
      detail: `connection refused by 127.0.0.1:${port}: nothing listens on that port`,
      fix: 'start the hub (or its MQTT broker) on 127.0.0.1, or correct the port in broker.url',
    });
    expect(checks.hub).toBeUndefined();
    expect(checks.clock).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/no hub state to compare with/),
    });
    // A missing model fails the model check and skips the test inference.
    expect(checks.model).toMatchObject({ ok: false, detail: expect.stringMatching(/SL_MANIFEST_NOT_FOUND/) });
    expect(checks.inference).toMatchObject({ ok: false, detail: 'skipped: no model' });
  });

  it('tells bad credentials apart from an unreachable broker', async () => {
    const checks = byName(
      await runDoctor(
        config({ broker: { url, username: USER, password: 'wrong' }, model: { dir: join(dir, 'no-model') } }),
        deps,
      ),
    );
    expect(checks.broker).toMatchObject({
      ok: false,
      detail: 'the broker rejected the user name or password (user "agent-1")',
      fix: expect.stringMatching(/broker\.username and broker\.password/),
    });
  });

  it('fails a camera whose video file is missing, naming the file and what to check', async () => {
    const missing = join(dir, 'missing.avi');
    const checks = byName(
      await runDoctor(
        config({
          cameras: [
            { id: 'cam0', source: { kind: 'synthetic' } },
            { id: 'cam1', source: { kind: 'opencv', uri: missing } },
          ],
          model: { dir: join(dir, 'no-model') },
        }),
        deps,
      ),
    );
    expect(checks['camera cam0']?.ok).toBe(true);
    expect(checks['camera cam1']).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/cannot open .*missing\.avi/),
      fix: `check that ${missing} exists and is readable by the agent's user`,
    });
  });

  it('fails the clock when it is behind the hub, or was never set', async () => {
    await setHubState({ online: true, ts: Date.now() + 600_000 });
    const behind = byName(await runDoctor(config({ model: { dir: join(dir, 'no-model') } }), deps));
    expect(behind.clock).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/is at least (599|600) s behind/),
    });
    expect(behind.clock?.fix).toMatch(/timedatectl set-ntp true/);

    await setHubState({ online: false, ts: Date.now() - 1000 });
    const unset = byName(
      await runDoctor(config({ model: { dir: join(dir, 'no-model') } }), { ...deps, now: () => 5000 }),
    );
    expect(unset.clock).toMatchObject({
      ok: false,
      detail: 'the clock says 1970-01-01T00:00:05.000Z: it was never set',
    });
    expect(unset.hub).toMatchObject({ ok: false, detail: expect.stringMatching(/^offline since/) });
  });

  it('fails the state dir when it cannot be written, and disk space below the minimum', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const notDir = byName(
      await runDoctor(config({ stateDir: join(file, 'state'), model: { dir: join(dir, 'no-model') } }), deps),
    );
    expect(notDir['state dir']).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/cannot write to .*a-file\/state: ENOTDIR/),
    });
    expect(notDir['disk space']).toBeUndefined();

    const full = byName(
      await runDoctor(config({ model: { dir: join(dir, 'no-model') } }), { ...deps, minFreeMB: 1e12 }),
    );
    expect(full['disk space']).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/free of .* \(need 1000000000000 MB\)$/),
    });
  });
});

describe('formatChecks', () => {
  it('prints PASS/FAIL lines, fixes under failures, and a summary', () => {
    expect(
      formatChecks([
        { name: 'config', ok: true, detail: 'fine' },
        { name: 'broker', ok: false, detail: 'refused', fix: 'start the hub' },
      ]),
    ).toBe(
      'PASS  config  fine\n' +
        'FAIL  broker  refused\n' +
        '              fix: start the hub\n' +
        '1 of 2 checks failed; fix them from the top, then run `sightline-agent doctor` again\n',
    );
    expect(formatChecks([{ name: 'clock', ok: true, detail: 'ok' }])).toBe(
      'PASS  clock  ok\nall 1 checks passed\n',
    );
  });
});
