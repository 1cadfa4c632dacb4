import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { RouteDoc } from '../api/route-doc.ts';
import type { Downlink } from '../broker/downlink.ts';
import { ConfigError } from '../errors.ts';
import { checkBundle } from '../registry/check.ts';
import { createBundlePublisher } from '../registry/publisher.ts';
import { openRegistry } from '../registry/registry.ts';
import { registryDocs, registryRoutes } from '../registry/routes.ts';
import type { AgentSnapshot } from '../store/index.ts';
import type { RegistryConfig, RolloutConfig } from './config.ts';
import { openDesiredStates } from './desired.ts';
import { openJournal } from './journal.ts';
import { createOrchestrator, type Orchestrator } from './orchestrator.ts';
import { rolloutDocs, rolloutRoutes } from './routes.ts';
import { openRollbackSigner } from './signer.ts';

export type { Orchestrator } from './orchestrator.ts';

/** The registry's trusted keys: PEM file paths or PEM text; a bad one stops start-up naming it. */
async function trustedKeys(entries: readonly string[]): Promise<KeyObject[]> {
  return Promise.all(
    entries.map(async (entry, i) => {
      const pem = entry.includes('-----BEGIN')
        ? entry
        : await readFile(entry, 'utf8').catch((err: Error) => {
            throw new ConfigError(`registry.trustedKeys[${i}]: cannot read ${entry} (${err.message})`);
          });
      try {
        return createPublicKey(pem);
      } catch (err) {
        throw new ConfigError(`registry.trustedKeys[${i}]: not a public key PEM (${(err as Error).message})`);
      }
    }),
  );
}

export interface Rollouts {
  orchestrator: Orchestrator;
  routes: Array<{ app: Hono; docs: readonly RouteDoc[] }>;
  close(): Promise<void>;
}

/**
 * The model registry and rollouts, wired: folders beside the DuckDB file by default (a temporary folder,
 * removed at close, for an in-memory store), desired states published again at start.
 */
export async function startRollouts(o: {
  registry: RegistryConfig;
  rollout: RolloutConfig;
  storePath: string;
  downlink: Downlink;
  agents(): Promise<AgentSnapshot[]>;
  log: Logger;
}): Promise<Rollouts> {
  const scratch =
    o.storePath === ':memory:' && (!o.registry.dir || !o.rollout.dir)
      ? await mkdtemp(join(tmpdir(), 'sl-hub-'))
      : null;
  const base = scratch ?? dirname(o.storePath);
  const registryDir = o.registry.dir ?? join(base, 'models');
  const rolloutDir = o.rollout.dir ?? join(base, 'rollouts');
  await mkdir(rolloutDir, { recursive: true });
  const log = o.log.child({ component: 'rollout' });
  const registry = await openRegistry({
    dir: registryDir,
    trustedKeys: await trustedKeys(o.registry.trustedKeys),
    check: checkBundle,
    log,
  });
  const publisher = createBundlePublisher({
    downlink: o.downlink,
    registry,
    chunkBytes: o.registry.chunkBytes,
    log,
  });
  const desired = await openDesiredStates({ file: join(rolloutDir, 'desired.json'), downlink: o.downlink });
  const journal = await openJournal(rolloutDir);
  const signer = await openRollbackSigner({
    keyFile: o.rollout.signingKey,
    fallbackFile: join(rolloutDir, 'rollback-key.pem'),
    log,
  });
  // Bundles named by a desired state go back on the broker, then the desired states themselves.
  const wanted = new Map(
    desired.entries().flatMap(([, d]) => (d.bundle ? [[d.bundle.sha256, d.model]] : [])),
  );
  for (const m of wanted.values()) {
    if (registry.get(m.id, m.version)) await publisher.ensure(m.id, m.version);
  }
  await desired.republishAll();
  const orchestrator = createOrchestrator({
    registry,
    publisher,
    desired,
    journal,
    signer,
    agents: o.agents,
    tickMs: o.rollout.tickMs,
    log,
  });
  return {
    orchestrator,
    routes: [
      { app: registryRoutes({ registry, publisher }), docs: registryDocs },
      { app: rolloutRoutes({ orchestrator }), docs: rolloutDocs },
    ],
    async close() {
      await orchestrator.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}
