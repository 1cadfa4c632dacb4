import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type AgentRef, type ApiRole, agentKey, assertAgentRef, IDENTIFIER } from '@sightline/protocol';
import { HubError } from '../errors.ts';
import type { AuthData, AuthStorage } from './auth-file.ts';
import { hashSecret, mosquittoHash, newSecret, sameDigest, tokenDigest, verifySecret } from './secrets.ts';

/** What an agent puts in its config: broker.username / broker.password; the client id it must use. */
export interface AgentCredentials {
  username: string;
  password: string;
  clientId: string;
}

export interface AgentInfo {
  /** `site/line/agent`, also its broker username. */
  id: string;
  ref: AgentRef;
  clientId: string;
  created: number;
  revoked: number | null;
}

export interface TokenInfo {
  /** The public part of the token (`slt_<id>_…`); names it in lists and revocations. */
  id: string;
  name: string;
  role: ApiRole;
  created: number;
  expires: number | null;
  revoked: number | null;
}

/** What stopped being valid after a change of the credentials (revocation, rotation, a rewritten file). */
export interface Revocations {
  agents: string[];
  tokens: string[];
}

export interface CredentialStore {
  /** The credentials file, or "memory". */
  readonly where: string;
  agents(): AgentInfo[];
  /** New credentials for an agent; an agent that has some keeps them unless `rotate` (the old secret stops working). */
  addAgent(ref: AgentRef, opts?: { rotate?: boolean }): Promise<AgentCredentials>;
  revokeAgent(ref: AgentRef): Promise<void>;
  /** The agent a broker username and password belong to; null for anything else (unknown, revoked, wrong). */
  verifyAgent(username: string, password: string): Promise<AgentRef | null>;
  tokens(): TokenInfo[];
  addToken(opts: {
    role: ApiRole;
    name: string;
    days?: number | null;
  }): Promise<{ secret: string; info: TokenInfo }>;
  revokeToken(id: string): Promise<void>;
  /** The token a bearer secret belongs to, while it is valid; null otherwise. Synchronous: from memory. */
  verifyToken(secret: string): TokenInfo | null;
  /** A one-time sign-in code: valid `minutes`, it gives a token of `role` that lasts `tokenDays` (null: until revoked). */
  addLink(opts: { role: ApiRole; name: string; minutes: number; tokenDays: number | null }): Promise<{
    code: string;
    expires: number;
  }>;
  /** Exchanges a sign-in code for a new token, once; null when unknown, used or expired. */
  redeemLink(code: string): Promise<{ secret: string; info: TokenInfo } | null>;
  /** The hub's own broker password (external broker; the hub's login on the embedded one), created on first use. */
  hubBrokerPassword(): Promise<string>;
  /** The hub's broker password if one was made; undefined otherwise. */
  hubBrokerPasswordIfSet(): string | undefined;
  /** Calls `listener` with what stopped being valid whenever the credentials change (this process or another). */
  onRevoke(listener: (revoked: Revocations) => void): () => void;
  /** Re-reads the credentials now (the file watch does it by itself). */
  reload(): Promise<void>;
  close(): void;
}

export const agentClientId = (ref: AgentRef) => `sl-${ref.site}-${ref.line}-${ref.agent}`;

/** `site/line/agent` → AgentRef, or a HubError naming what is wrong. */
export function parseAgentId(text: string): AgentRef {
  const parts = text.split('/');
  const [site, line, agent] = parts;
  if (
    parts.length !== 3 ||
    !site ||
    !line ||
    !agent ||
    ![site, line, agent].every((p) => IDENTIFIER.test(p))
  ) {
    throw new HubError(
      'SL_AUTH_INVALID',
      `"${text}" is not an agent id; write SITE/LINE/AGENT with 1-64 of a-z, 0-9 and "-" each, e.g. plant-1/line-3/agent-1`,
    );
  }
  const ref = { site, line, agent };
  try {
    assertAgentRef(ref);
  } catch (cause) {
    throw new HubError('SL_AUTH_INVALID', (cause as Error).message, { cause });
  }
  return ref;
}

const TOKEN = /^slt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const LINK = /^sll_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const DAY_MS = 86_400_000;
const proofOf = (password: string) => createHash('sha256').update(password).digest();

function tokenInfo(id: string, t: AuthData['tokens'][string]): TokenInfo {
  return {
    id,
    name: t.name,
    role: t.role,
    created: t.created,
    expires: t.expires,
    revoked: t.revoked ?? null,
  };
}

/** Loads the credentials and keeps them current as the file changes. */
export async function openCredentialStore({
  storage,
  now = Date.now,
}: {
  storage: AuthStorage;
  now?: () => number;
}): Promise<CredentialStore> {
  let data = await storage.read();
  /** Secrets already derived once: a reconnecting agent costs a SHA-256, not a scrypt. Keyed by the stored hash. */
  const verified = new Map<string, Buffer>();
  const listeners = new Set<(r: Revocations) => void>();

  const apply = (next: AuthData) => {
    const revoked: Revocations = { agents: [], tokens: [] };
    for (const [id, before] of Object.entries(data.agents)) {
      const after = next.agents[id];
      if (!before.revoked && (!after || after.revoked || after.secret !== before.secret))
        revoked.agents.push(id);
    }
    for (const [id, before] of Object.entries(data.tokens)) {
      const after = next.tokens[id];
      if (!before.revoked && (!after || after.revoked || after.digest !== before.digest))
        revoked.tokens.push(id);
    }
    data = next;
    if (revoked.agents.length || revoked.tokens.length) for (const l of listeners) l(revoked);
  };
  const reload = async () => apply(await storage.read());
  const stopWatching = storage.watch(() => void reload().catch(() => undefined));
  const update = async <T>(change: (d: AuthData) => T) => {
    let out: T | undefined;
    const next = await storage.update((d) => {
      out = change(d);
      return structuredClone(d);
    });
    apply(next);
    return out as T;
  };

  const newTokenFor = (d: AuthData, role: ApiRole, name: string, days: number | null, link?: string) => {
    const id = randomBytes(6).toString('hex');
    const secret = `slt_${id}_${newSecret()}`;
    const created = now();
    d.tokens[id] = {
      name,
      role,
      digest: tokenDigest(secret),
      created,
      expires: days === null ? null : created + Math.round(days * DAY_MS),
      ...(link ? { link } : {}),
    };
    return { secret, info: tokenInfo(id, d.tokens[id]) };
  };

  return {
    where: storage.where,
    agents: () =>
      Object.entries(data.agents)
        .map(([id, a]) => {
          const ref = parseAgentId(id);
          return { id, ref, clientId: agentClientId(ref), created: a.created, revoked: a.revoked ?? null };
        })
        .sort((a, b) => a.id.localeCompare(b.id)),

    async addAgent(ref, { rotate = false } = {}) {
      const id = agentKey(ref);
      parseAgentId(id);
      const password = newSecret();
      // Both hashes before the lock: scrypt takes a moment, the lock should not.
      const [secret, mosquitto] = await Promise.all([hashSecret(password), mosquittoHash(password)]);
      const clientId = agentClientId(ref);
      await update((d) => {
        const existing = d.agents[id];
        if (existing && !existing.revoked && !rotate) {
          throw new HubError(
            'SL_AUTH_EXISTS',
            `agent ${id} already has credentials; \`sightline-hub agents add ${id} --rotate\` replaces them (its old secret stops working)`,
          );
        }
        // sl-a-b-c-d is both a/b-c/d and a-b/c/d: two identities must never share a client id.
        for (const [other, entry] of Object.entries(d.agents)) {
          if (other !== id && !entry.revoked && agentClientId(parseAgentId(other)) === clientId) {
            throw new HubError(
              'SL_AUTH_EXISTS',
              `agent ${id} would use the MQTT client id ${clientId} of agent ${other}; choose another agent id`,
            );
          }
        }
        d.agents[id] = { created: now(), secret, mosquitto };
      });
      return { username: id, password, clientId };
    },

    async revokeAgent(ref) {
      const id = agentKey(ref);
      await update((d) => {
        const entry = d.agents[id];
        if (!entry)
          throw new HubError('SL_AUTH_UNKNOWN', `no agent ${id}; \`sightline-hub agents list\` shows them`);
        entry.revoked ??= now();
      });
    },

    async verifyAgent(username, password) {
      const entry = data.agents[username];
      if (!entry || entry.revoked || password.length > 256) return null;
      const ref = parseAgentId(username);
      const proof = proofOf(password);
      const known = verified.get(entry.secret);
      if (known) return timingSafeEqual(known, proof) ? ref : null;
      if (!(await verifySecret(password, entry.secret))) return null;
      // Still the same entry (no rotation or revocation meanwhile)?
      if (data.agents[username]?.secret !== entry.secret || data.agents[username]?.revoked) return null;
      verified.set(entry.secret, proof);
      return ref;
    },

    tokens: () =>
      Object.entries(data.tokens)
        .map(([id, t]) => tokenInfo(id, t))
        .sort((a, b) => a.created - b.created),

    addToken: ({ role, name, days = null }) => update((d) => newTokenFor(d, role, name, days)),

    async revokeToken(id) {
      await update((d) => {
        const entry = d.tokens[id];
        if (!entry)
          throw new HubError('SL_AUTH_UNKNOWN', `no token ${id}; \`sightline-hub tokens list\` shows them`);
        entry.revoked ??= now();
      });
    },

    verifyToken(secret) {
      const m = TOKEN.exec(secret);
      const entry = m ? data.tokens[m[1] as string] : undefined;
      if (!m || !entry || entry.revoked) return null;
      if (entry.expires !== null && entry.expires <= now()) return null;
      return sameDigest(tokenDigest(secret), entry.digest) ? tokenInfo(m[1] as string, entry) : null;
    },

    async addLink({ role, name, minutes, tokenDays }) {
      const id = randomBytes(6).toString('hex');
      const code = `sll_${id}_${newSecret()}`;
      const created = now();
      const expires = created + Math.round(minutes * 60_000);
      await update((d) => {
        d.links[id] = { name, role, digest: tokenDigest(code), created, expires, tokenDays };
      });
      return { code, expires };
    },

    async redeemLink(code) {
      const m = LINK.exec(code);
      if (!m) return null;
      const id = m[1] as string;
      return update((d) => {
        const link = d.links[id];
        if (!link || link.used || link.expires <= now() || !sameDigest(tokenDigest(code), link.digest))
          return null;
        link.used = now();
        return newTokenFor(d, link.role, link.name, link.tokenDays, id);
      });
    },

    async hubBrokerPassword() {
      const existing = data.hub.brokerPassword;
      if (existing) return existing;
      return update((d) => {
        d.hub.brokerPassword ??= newSecret();
        return d.hub.brokerPassword;
      });
    },

    hubBrokerPasswordIfSet: () => data.hub.brokerPassword,

    onRevoke(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    close: stopWatching,
  };
}
