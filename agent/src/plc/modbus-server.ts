import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import ModbusRTU from 'modbus-serial';
import { AgentError } from '../errors.ts';
import { CAMERA_BASE, type CameraHandshake, MAP } from './handshake.ts';

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface PlcServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the handshake over Modbus TCP (modbus-serial's ServerTCP): coils and holding registers the PLC
 * writes, discrete inputs and input registers it reads, at the addresses of handshake.ts `MAP`. An
 * address outside every block reads 0 and ignores writes, as simple Modbus devices do.
 */
export async function startPlcServer(opts: {
  host: string;
  port: number;
  unitId: number;
  cameras: readonly CameraHandshake[];
  global: { recipeIndex(): number; changeRecipe(index: number): void };
}): Promise<PlcServer> {
  const started = Date.now();
  const locate = (addr: number): { cam: CameraHandshake; offset: number } | undefined => {
    const k = Math.floor(addr / 100) - 1;
    const cam = opts.cameras[k];
    return cam ? { cam, offset: addr - CAMERA_BASE(k) } : undefined;
  };
  const vector = {
    getCoil: (addr: number) => {
      const at = locate(addr);
      return at ? at.cam.getCoil(at.offset) : false;
    },
    setCoil: (addr: number, value: boolean) => {
      locate(addr)?.cam.setCoil(addr % 100, value);
    },
    getDiscreteInput: (addr: number) => {
      const at = locate(addr);
      return at ? at.cam.getDiscrete(at.offset) : false;
    },
    getHoldingRegister: (addr: number) => {
      if (addr === MAP.global.recipeIndexIn) return opts.global.recipeIndex();
      const at = locate(addr);
      return at ? at.cam.getHolding(at.offset) : 0;
    },
    setRegister: (addr: number, value: number) => {
      if (addr === MAP.global.recipeIndexIn) opts.global.changeRecipe(value);
      else locate(addr)?.cam.setHolding(addr % 100, value);
    },
    getInputRegister: (addr: number) => {
      if (addr === MAP.global.recipeIndex) return opts.global.recipeIndex();
      if (addr === MAP.global.heartbeat) return Math.floor((Date.now() - started) / 1000) & 0xffff;
      const at = locate(addr);
      return at ? at.cam.getInput(at.offset) : 0;
    },
  };
  // ServerTCP reads port 0 as "the default, 502": pick a free port for it instead.
  const port = opts.port === 0 ? await freePort(opts.host) : opts.port;
  const server = new ModbusRTU.ServerTCP(vector, {
    host: opts.host,
    port,
    unitID: opts.unitId === 0 ? 255 : opts.unitId,
  });
  // The listening socket (to learn its port, and to close client connections on stop).
  const net = (server as unknown as { _server: Server })._server;
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (err: Error) =>
      reject(
        new AgentError(
          'SL_PLC_FAILED',
          `PLC handshake cannot listen on ${opts.host}:${port} (plc.port): ${err.message}`,
        ),
      ),
    );
  });
  server.on('socketError', () => undefined);
  return {
    port: (net.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const sock of (server as unknown as { socks: Map<Socket, unknown> }).socks.keys())
          sock.destroy();
        server.close(() => resolve());
      }),
  };
}
