import { createConnection, createServer, type Socket } from 'node:net';

/**
 * - `pass`: forward both ways.
 * - `cut`: every open connection is reset; new ones are accepted and reset at once (a peer that went away).
 * - `blackhole`: connections are accepted but every byte either way is read and thrown away (a link
 *   that silently loses packets: MQTT keepalives and PUBACKs never come). Leaving it resets each
 *   connection that lost bytes, since its stream is broken, as TCP would once it gave up retransmitting.
 */
export type ProxyMode = 'pass' | 'cut' | 'blackhole';

export interface FlapStep {
  mode: ProxyMode;
  ms: number;
}

export interface ProxyStats {
  accepted: number;
  reset: number;
  bytesForwarded: number;
  bytesDropped: number;
}

export interface TcpProxy {
  readonly port: number;
  /** `mqtt://127.0.0.1:<port>`. */
  readonly url: string;
  readonly mode: ProxyMode;
  readonly stats: Readonly<ProxyStats>;
  /** Open connections (client side). */
  connections(): number;
  setMode(mode: ProxyMode): void;
  /** New connections go to this port; open ones are reset (their peer is gone or replaced). */
  retarget(port: number): void;
  /** Runs `schedule` `cycles` times, then leaves the proxy in `pass`. */
  flap(schedule: readonly FlapStep[], cycles: number): Promise<void>;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream?: Socket;
  /** Bytes were dropped: the stream is broken and must not resume. */
  broken: boolean;
}

/** A TCP proxy on a free loopback port in front of 127.0.0.1:`targetPort`, for fault injection. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let target = targetPort;
  let mode: ProxyMode = 'pass';
  const stats: ProxyStats = { accepted: 0, reset: 0, bytesForwarded: 0, bytesDropped: 0 };
  const links = new Set<Link>();

  const reset = (link: Link) => {
    if (!links.delete(link)) return;
    stats.reset += 1;
    link.client.resetAndDestroy();
    link.upstream?.resetAndDestroy();
  };

  // One direction of a link; in blackhole mode the bytes are counted and dropped.
  const forward = (link: Link, from: Socket, to: () => Socket | undefined, pending?: Buffer[]) => {
    from.on('data', (chunk: Buffer) => {
      if (mode !== 'pass') {
        stats.bytesDropped += chunk.length;
        link.broken = true;
        return;
      }
      const out = to();
      if (!out) {
        pending?.push(chunk);
        return;
      }
      stats.bytesForwarded += chunk.length;
      if (!out.write(chunk)) {
        from.pause();
        out.once('drain', () => from.resume());
      }
    });
  };

  const connectUpstream = (link: Link, pending: Buffer[]) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    link.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.once('connect', () => {
      for (const chunk of pending.splice(0)) {
        stats.bytesForwarded += chunk.length;
        upstream.write(chunk);
      }
    });
    forward(link, upstream, () => link.client);
    upstream.on('error', () => reset(link));
    upstream.on('close', () => reset(link));
  };

  const server = createServer((client) => {
    stats.accepted += 1;
    const link: Link = { client, broken: false };
    links.add(link);
    client.setNoDelay(true);
    client.on('error', () => reset(link));
    client.on('close', () => reset(link));
    if (mode === 'cut') {
      reset(link);
      return;
    }
    const pending: Buffer[] = [];
    forward(link, client, () => (link.upstream?.connecting === false ? link.upstream : undefined), pending);
    // In blackhole mode nothing goes upstream: the CONNECT is lost like any other byte.
    if (mode === 'pass') connectUpstream(link, pending);
    else link.broken = true;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('tcp proxy: no listening address');
  const port = address.port;

  const setMode = (next: ProxyMode) => {
    const prev = mode;
    mode = next;
    if (next === 'cut') for (const link of [...links]) reset(link);
    if (prev === 'blackhole' && next === 'pass') {
      for (const link of [...links]) if (link.broken) reset(link);
    }
  };

  let flapping: Promise<void> | undefined;
  let closed = false;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    stats,
    connections: () => links.size,
    setMode,
    retarget(next) {
      target = next;
      for (const link of [...links]) reset(link);
    },
    flap(schedule, cycles) {
      flapping = (async () => {
        for (let i = 0; i < cycles && !closed; i += 1) {
          for (const step of schedule) {
            if (closed) return;
            setMode(step.mode);
            await new Promise((r) => setTimeout(r, step.ms));
          }
        }
        setMode('pass');
      })();
      return flapping;
    },
    async close() {
      closed = true;
      await flapping?.catch(() => undefined);
      for (const link of [...links]) reset(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
