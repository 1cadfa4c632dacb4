import { type FSWatcher, watch as fsWatch } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ApiRole } from '@sightline/protocol';
import { z } from 'zod';
import { HubError } from '../errors.ts';

const ms = z.number().int().nonnegative();

const AgentEntry = z.object({
  created: ms,
  /** scrypt hash of the agent's secret (secrets.ts), checked by the embedded broker. */
  secret: z.string(),
  /** The same secret as Mosquitto's `$7$` hash, for `sightline-hub broker mosquitto`. */
  mosquitto: z.string(),
  revoked: ms.optional(),
});

const TokenEntry = z.object({
  name: z.string(),
  role: ApiRole,
  /** SHA-256 of the whole token (secrets.ts tokenDigest). */
  digest: z.string(),
  created: ms,
  expires: ms.nullable(),
  revoked: ms.optional(),
  /** The sign-in link this token was made from. */
  link: z.string().optional(),
});

const LinkEntry = z.object({
  name: z.string(),
  role: ApiRole,
  digest: z.string(),
  created: ms,
  /** The link works once, until this time. */
  expires: ms,
  /** Lifetime of the token it gives, in days; null: until revoked. */
  tokenDays: z.number().positive().nullable(),
  used: ms.optional(),
});

/** The credentials file: agents' broker identities, API tokens and sign-in links, all secrets hashed. */
export const AuthData = z.object({
  version: z.literal(1),
  agents: z.record(z.string().regex(/^[a-z0-9-]{1,64}\/[a-z0-9-]{1,64}\/[a-z0-9-]{1,64}$/), AgentEntry),
  tokens: z.record(z.string().regex(/^[0-9a-f]{12}$/), TokenEntry),
  links: z.record(z.string().regex(/^[0-9a-f]{12}$/), LinkEntry),
  /** The hub's own password on an external broker (it must present it, so it is kept as is). */
  hub: z.object({ brokerPassword: z.string().optional() }),
});
export type AuthData = z.infer<typeof AuthData>;
export type AgentEntry = z.infer<typeof AgentEntry>;
export type TokenEntry = z.infer<typeof TokenEntry>;
export type LinkEntry = z.infer<typeof LinkEntry>;

export const emptyAuthData = (): AuthData => ({ version: 1, agents: {}, tokens: {}, links: {}, hub: {} });

/** Where credentials live: a file shared by the hub and its CLI, or memory (tests, `:memory:` stores). */
export interface AuthStorage {
  /** For messages: the file's path, or "memory". */
  readonly where: string;
  read(): Promise<AuthData>;
  /** Read, change and write under a lock, so the CLI and a running hub never lose each other's changes. */
  update<T>(change: (data: AuthData) => T): Promise<T>;
  /** Calls `listener` when someone else may have changed the credentials; returns the stop function. */
  watch(listener: () => void): () => void;
}

export function createMemoryStorage(initial: AuthData = emptyAuthData()): AuthStorage {
  let data = structuredClone(initial);
  const listeners = new Set<() => void>();
  return {
    where: 'memory',
    read: async () => structuredClone(data),
    async update(change) {
      const next = structuredClone(data);
      const out = change(next);
      data = next;
      for (const l of listeners) l();
      return out;
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/** A JSON file (mode 0600) replaced whole on every change (write, fsync, rename), changed under a lock file. */
export function createFileStorage(path: string): AuthStorage {
  const read = async (): Promise<AuthData> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return emptyAuthData();
      throw new HubError(
        'SL_AUTH_FILE_INVALID',
        `cannot read credentials file ${path}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new HubError(
        'SL_AUTH_FILE_INVALID',
        `credentials file ${path} is not JSON (${(cause as Error).message}); restore it from a backup, or move it away and provision agents and tokens again`,
        { cause },
      );
    }
    const parsed = AuthData.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HubError(
        'SL_AUTH_FILE_INVALID',
        `credentials file ${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}; it is written by sightline-hub only — restore it from a backup`,
      );
    }
    return parsed.data;
  };

  const write = async (data: AuthData) => {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  };

  const lock = async () => {
    await mkdir(dirname(path), { recursive: true });
    const file = `${path}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(file, 'wx', 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => unlink(file).catch(() => undefined);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
        // A holder that died leaves its lock behind; no change takes anywhere near this long.
        const age = await stat(file).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > LOCK_STALE_MS) await unlink(file).catch(() => undefined);
        else if (Date.now() > deadline) {
          throw new HubError(
            'SL_AUTH_FILE_LOCKED',
            `credentials file ${path} stays locked by ${file}; if no sightline-hub command is running, delete that file`,
          );
        } else await new Promise((r) => setTimeout(r, 20));
      }
    }
  };

  return {
    where: path,
    read,
    async update(change) {
      const unlock = await lock();
      try {
        const data = await read();
        const out = change(data);
        await write(data);
        return out;
      } finally {
        await unlock();
      }
    },
    watch(listener) {
      // inotify sees the rename at once; the poll covers file systems without it (NFS, some containers).
      let timer: NodeJS.Timeout | undefined;
      const soon = () => {
        clearTimeout(timer);
        timer = setTimeout(listener, 20);
      };
      let watcher: FSWatcher | undefined;
      let closed = false;
      const name = basename(path);
      mkdir(dirname(path), { recursive: true })
        .then(() => {
          // Closed before the directory was there (a CLI command that is already done): a watcher now would keep
          // the process alive for ever.
          if (closed) return;
          watcher = fsWatch(dirname(path), (_event, file) => {
            if (file === name) soon();
          });
          watcher.on('error', () => undefined);
        })
        .catch(() => undefined);
      let last = '';
      const poll = setInterval(() => {
        stat(path).then(
          (s) => {
            const sig = `${s.ino}:${s.mtimeMs}:${s.size}`;
            if (last && sig !== last) soon();
            last = sig;
          },
          () => undefined,
        );
      }, 2000);
      poll.unref();
      return () => {
        closed = true;
        clearInterval(poll);
        clearTimeout(timer);
        watcher?.close();
      };
    },
  };
}
