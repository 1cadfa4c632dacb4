import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type CredentialStore, createFileStorage, type Hub, openCredentialStore } from '@sightline/hub';
import type { AgentRef } from '@sightline/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/**
 * Credentials for tests, made the way `sightline-hub agents add` and `tokens add` make them: every test runs
 * against a hub with authentication on.
 */

/** An agent's `broker` config section for this hub: its URL and fresh credentials. */
export async function agentBroker(hub: Hub, ref: AgentRef, url = hub.mqttUrl) {
  const creds = await hub.credentials.addAgent(ref, { rotate: true });
  return { url, username: creds.username, password: creds.password };
}

/** The credentials file a hub started with `--db dbPath` uses by default (auth.file unset). */
export const authFileBeside = (dbPath: string) => join(dirname(dbPath), 'auth.json');

/**
 * Changes a hub process's credentials file as `sightline-hub agents add` / `tokens add` do (under its lock; a
 * running hub sees the change at once), before or while that hub runs.
 */
export async function withCredentialsFile<T>(
  path: string,
  use: (store: CredentialStore) => Promise<T>,
): Promise<T> {
  const store = await openCredentialStore({ storage: createFileStorage(path) });
  try {
    return await use(store);
  } finally {
    store.close();
  }
}

/** Fresh broker credentials for an agent in a credentials file (any earlier ones stop working). */
export function agentLogin(path: string, ref: AgentRef): Promise<{ username: string; password: string }> {
  return withCredentialsFile(path, async (store) => {
    const creds = await store.addAgent(ref, { rotate: true });
    return { username: creds.username, password: creds.password };
  });
}

/**
 * Writes Mosquitto's password file, ACL and listener include for the hub on `dbPath` into `outDir`, with the real
 * CLI as an operator would: `sightline-hub broker mosquitto --db DB --out DIR`.
 */
export async function exportForMosquitto(dbPath: string, outDir: string): Promise<void> {
  const cli = resolve(import.meta.dirname, '..', '..', 'hub', 'bin', 'sightline-hub.js');
  await promisify(execFile)(process.execPath, [cli, 'broker', 'mosquitto', '--db', dbPath, '--out', outDir]);
}

const tokens = new WeakMap<Hub, Promise<string>>();

/** An admin bearer token for this hub, made once. */
export function apiToken(hub: Hub): Promise<string> {
  let token = tokens.get(hub);
  if (!token) {
    token = hub.credentials.addToken({ role: 'admin', name: 'test' }).then((t) => t.secret);
    tokens.set(hub, token);
  }
  return token;
}

/** fetch() against the hub's API with the test's admin token. */
export async function apiFetch(hub: Hub, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = {
    ...(init.headers as Record<string, string>),
    authorization: `Bearer ${await apiToken(hub)}`,
  };
  return fetch(`${hub.httpUrl}${path}`, { ...init, headers });
}

/** The API's JSON answer at `path`, or an error naming the status. */
export async function apiJson<T>(hub: Hub, path: string): Promise<T> {
  const res = await apiFetch(hub, path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * An MQTT client with the hub's own login (username = the hub's client id, the hub's broker password): it may read
 * and write anything under sl/v1/ on the embedded broker, as a tool beside the hub would.
 */
export async function hubClient(hub: Hub, name: string, opts: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(hub.mqttUrl, {
    protocolVersion: 4,
    username: hub.config.broker.clientId,
    password: await hub.credentials.hubBrokerPassword(),
    clientId: `${hub.config.broker.clientId}-${name}`,
    ...opts,
  });
}
