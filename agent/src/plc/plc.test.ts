// The PLC handshake against a real Modbus TCP client (modbus-serial's), with the agent on a live conveyor.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import modbus from 'modbus-serial';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startAgent } from '../agent.ts';
import { parseAgentConfig } from '../config/index.ts';
import { startTestBroker, type TestBroker } from '../session/test-broker.ts';
import { CAMERA_BASE, MAP, textToWords, wordsToText } from './handshake.ts';

let broker: TestBroker;
let dir: string;
let agent: Agent;
// CommonJS: the module itself is the client class (its typings call it `default`).
const ModbusClient = modbus as unknown as typeof modbus.default;
const plc = new ModbusClient();
const base = CAMERA_BASE(0);

beforeAll(async () => {
  broker = await startTestBroker();
  dir = await mkdtemp(join(tmpdir(), 'sl-plc-'));
  agent = await startAgent({
    config: parseAgentConfig({
      site: 'test',
      line: 'line-1',
      agent: 'agent-1',
      stateDir: dir,
      inference: { runtime: 'onnxruntime-node' },
      plc: { enabled: true, host: '127.0.0.1', port: 0 },
      recipes: [
        { id: 'plate-a', index: 1 },
        { id: 'plate-b', index: 2, thresholds: { defect: 0.4 } },
      ],
      cameras: [
        {
          id: 'cam0',
          source: { kind: 'conveyor', fps: 30, code: 'none' },
          trigger: { kind: 'plc' },
          identity: { from: 'trigger' },
        },
      ],
    }),
    log: pino({ level: process.env.SL_TEST_LOG ?? 'silent' }, pino.destination(2)),
    mqttClient: broker.memoryClient(),
  });
  await plc.connectTCP('127.0.0.1', { port: agent.plcPort as number });
  plc.setID(1);
  plc.setTimeout(5000);
});
afterAll(async () => {
  plc.close(() => undefined);
  await agent.stop(0);
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PLC handshake over Modbus TCP', () => {
  it('trigger with a part id → results ready with class, score and the part id → ack lowers ready', async () => {
    await until('trigger ready', async () =>
      (await plc.readDiscreteInputs(base + MAP.discrete.triggerReady, 1)).data[0] ? true : undefined,
    );
    await plc.writeRegisters(base + MAP.holding.partIdIn, textToWords('LOT7-0042', MAP.holding.partIdWords));
    await plc.writeCoil(base + MAP.coil.trigger, true);
    await plc.writeCoil(base + MAP.coil.trigger, false);
    await until('results ready', async () =>
      (await plc.readDiscreteInputs(base + MAP.discrete.resultsReady, 1)).data[0] ? true : undefined,
    );
    const regs = (await plc.readInputRegisters(base, MAP.input.partId + MAP.input.partIdWords)).data;
    expect([1, 2, 3]).toContain(regs[MAP.input.resultClass]);
    expect(regs[MAP.input.resultCounter]).toBe(1);
    expect(wordsToText(regs.slice(MAP.input.partId))).toBe('LOT7-0042');
    const flags = (await plc.readDiscreteInputs(base + MAP.discrete.ok, 2)).data;
    expect(flags[0] !== flags[1]).toBe(true); // OK or NG, never both
    await plc.writeCoil(base + MAP.coil.resultsAck, true);
    expect((await plc.readDiscreteInputs(base + MAP.discrete.resultsReady, 1)).data[0]).toBe(false);
    await plc.writeCoil(base + MAP.coil.resultsAck, false);
    expect(agent.summary().parts).toMatchObject({ triggered: 1, inspected: 1, missed: 0 });
  }, 60_000);

  it('the recipe index register changes the recipe over, and reads back', async () => {
    await plc.writeRegister(MAP.global.recipeIndexIn, 2);
    expect(agent.summary().recipe).toBe('plate-b');
    expect((await plc.readInputRegisters(MAP.global.recipeIndex, 1)).data[0]).toBe(2);
    await plc.writeRegister(MAP.global.recipeIndexIn, 9); // unknown: refused, nothing changes
    expect(agent.summary().recipe).toBe('plate-b');
  });
});
