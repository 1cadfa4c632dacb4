import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { waitFor } from './wait.ts';

/** An echo server that prefixes what it returns with its name, so a retarget is visible. */
async function echoServer(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', (d) => s.write(`${name}:${d}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

interface Client {
  socket: Socket;
  received: () => string;
  closed: () => boolean;
}

function connect(port: number): Client {
  const socket = createConnection({ host: '127.0.0.1', port });
  let data = '';
  let closed = false;
  socket.on('data', (d) => {
    data += d.toString();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
  });
  return { socket, received: () => data, closed: () => closed };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setup(): Promise<{ proxy: TcpProxy; a: { port: number }; b: { port: number } }> {
  const a = await echoServer('a');
  const b = await echoServer('b');
  const proxy = await startTcpProxy(a.port);
  cleanups.push(
    () => new Promise((r) => a.server.close(r)),
    () => new Promise((r) => b.server.close(r)),
    () => proxy.close(),
  );
  return { proxy, a, b };
}

describe('tcp proxy', () => {
  it('passes bytes both ways, then black-holes them and resets the broken link when lifted', async () => {
    const { proxy } = await setup();
    const c = connect(proxy.port);
    cleanups.push(() => void c.socket.destroy());
    c.socket.write('one');
    await waitFor('echo', 10_000, () => c.received() === 'a:one');

    proxy.setMode('blackhole');
    c.socket.write('two');
    await waitFor('bytes dropped', 10_000, () => proxy.stats.bytesDropped >= 3);
    expect(c.received()).toBe('a:one');
    expect(c.closed()).toBe(false);

    proxy.setMode('pass');
    await waitFor('broken link reset', 10_000, () => c.closed());
    const d = connect(proxy.port);
    cleanups.push(() => void d.socket.destroy());
    d.socket.write('three');
    await waitFor('echo after the hole', 10_000, () => d.received() === 'a:three');
  });

  it('cuts open connections and refuses new ones until passing again', async () => {
    const { proxy } = await setup();
    const c = connect(proxy.port);
    c.socket.write('x');
    await waitFor('echo', 10_000, () => c.received() === 'a:x');
    proxy.setMode('cut');
    await waitFor('cut', 10_000, () => c.closed());
    const refused = connect(proxy.port);
    await waitFor('new connection reset', 10_000, () => refused.closed());
    expect(proxy.connections()).toBe(0);
    proxy.setMode('pass');
    const again = connect(proxy.port);
    cleanups.push(() => void again.socket.destroy());
    again.socket.write('y');
    await waitFor('echo after the cut', 10_000, () => again.received() === 'a:y');
  });

  it('retargets: open links are reset, new ones reach the new port', async () => {
    const { proxy, b } = await setup();
    const c = connect(proxy.port);
    c.socket.write('1');
    await waitFor('echo from a', 10_000, () => c.received() === 'a:1');
    proxy.retarget(b.port);
    await waitFor('old link reset', 10_000, () => c.closed());
    const d = connect(proxy.port);
    cleanups.push(() => void d.socket.destroy());
    d.socket.write('2');
    await waitFor('echo from b', 10_000, () => d.received() === 'b:2');
  });

  it('flaps on a schedule and ends passing', async () => {
    const { proxy } = await setup();
    const seen = new Set<string>();
    const watch = setInterval(() => seen.add(proxy.mode), 5);
    await proxy.flap(
      [
        { mode: 'cut', ms: 60 },
        { mode: 'blackhole', ms: 60 },
        { mode: 'pass', ms: 60 },
      ],
      2,
    );
    clearInterval(watch);
    expect([...seen].sort()).toEqual(['blackhole', 'cut', 'pass']);
    expect(proxy.mode).toBe('pass');
  });
});
