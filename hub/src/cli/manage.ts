import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ApiRole, ApiRole as ApiRoleSchema } from '@sightline/protocol';
import { stringify } from 'yaml';
import { createFileStorage } from '../auth/auth-file.ts';
import { type CredentialStore, openCredentialStore, parseAgentId } from '../auth/credential-store.ts';
import { authFileOf } from '../auth/index.ts';
import { hubUsernames, mosquittoFiles } from '../auth/mosquitto.ts';
import { type HubConfig, loadHubConfig } from '../config/index.ts';
import { ConfigError } from '../errors.ts';

export const MANAGE_USAGE = `Usage: sightline-hub agents add SITE/LINE/AGENT [--rotate] [--broker-url URL] [--ca FILE]
       sightline-hub agents list [--json]
       sightline-hub agents revoke SITE/LINE/AGENT
       sightline-hub tokens add --role ROLE --name NAME [--days N]
       sightline-hub tokens link --role ROLE --name NAME [--minutes 15] [--days N]
       sightline-hub tokens list [--json]
       sightline-hub tokens revoke ID
       sightline-hub broker mosquitto --out DIR
       sightline-hub broker password

Credentials live in the hub's credentials file (auth.file; default auth.json beside the database), hashed;
a running hub sees changes at once (a revoked agent is disconnected, a revoked token refused).

  agents add      new credentials for an agent; prints its config section (the secret is shown once).
                  --rotate replaces an agent's secret (the old one stops working).
  tokens add      an API token for a person or a program; ROLE: viewer, qc-lead, engineer, admin
                  (each includes the ones before it). Shown once. --days N: expires after N days.
  tokens link     a one-time sign-in link (valid --minutes, default 15) that signs a browser in with a new token.
  broker mosquitto  writes passwords, acl and sightline.conf for Mosquitto 2.0 into DIR (external broker).
  broker password   prints the hub's own broker password (external broker; the hub's login on the embedded one).

Options: --config FILE, --db PATH (find the credentials file as \`run\` does), --auth-file PATH.`;

export interface ManageIo {
  out(text: string): void;
  err(text: string): void;
  env?: Record<string, string | undefined>;
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        db: { type: 'string' },
        'auth-file': { type: 'string' },
        rotate: { type: 'boolean' },
        'broker-url': { type: 'string' },
        ca: { type: 'string' },
        json: { type: 'boolean' },
        role: { type: 'string' },
        name: { type: 'string' },
        days: { type: 'string' },
        minutes: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message}\n\n${MANAGE_USAGE}`, { cause });
  }
}
type Values = ReturnType<typeof parse>['values'];

const positive = (text: string | undefined, flag: string): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0)) throw new ConfigError(`${flag}: expected a positive number, got "${text}"`);
  return n;
};

function roleOf(values: Values): ApiRole {
  const parsed = ApiRoleSchema.safeParse(values.role);
  if (!parsed.success) {
    throw new ConfigError(
      `--role: expected one of viewer, qc-lead, engineer, admin${values.role ? `, got "${values.role}"` : ''}`,
    );
  }
  return parsed.data;
}

function nameOf(values: Values): string {
  const name = values.name?.trim();
  if (!name || name.length > 128)
    throw new ConfigError('--name: who the token is for, 1-128 characters (shown in histories)');
  return name;
}

/** The broker URL an agent should use: the embedded broker's address as seen from the line, or the external one. */
function brokerUrlFor(config: HubConfig, override: string | undefined): string {
  if (override) return override;
  if (config.broker.mode === 'external') return config.broker.url as string;
  const host = ['0.0.0.0', '::'].includes(config.broker.host) ? hostname() : config.broker.host;
  return `${config.broker.tls ? 'mqtts' : 'mqtt'}://${host.includes(':') ? `[${host}]` : host}:${config.broker.port}`;
}

/** Where people open the dashboard, for sign-in links. */
export function publicUrlOf(config: HubConfig): string {
  if (config.http.publicUrl) return config.http.publicUrl.replace(/\/$/, '');
  const host = ['0.0.0.0', '::'].includes(config.http.host) ? hostname() : config.http.host;
  return `${config.http.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

const day = (ms: number | null) =>
  ms === null ? 'never' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** `sightline-hub agents|tokens|broker …`: manages the credentials file; needs no running hub. */
export async function manageCommand(argv: readonly string[], io: ManageIo): Promise<number> {
  const { values, positionals } = parse(argv);
  const [group, action, arg] = positionals;
  if (values.help || !action) {
    io.out(`${MANAGE_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const config = await loadHubConfig({
    file: values.config,
    flags: {
      ...(values.db ? { store: { path: values.db } } : {}),
      ...(values['auth-file'] ? { auth: { file: values['auth-file'] } } : {}),
    },
    ...(io.env ? { env: io.env } : {}),
  });
  const file = authFileOf(config);
  if (!file)
    throw new ConfigError('the database is ":memory:", so the hub keeps no credentials file; set auth.file');
  const store = await openCredentialStore({ storage: createFileStorage(file) });
  try {
    const run = { agents: agentsCommand, tokens: tokensCommand, broker: brokerCommand }[group as 'agents'];
    if (!run) throw new ConfigError(`unknown command "${group}"\n\n${MANAGE_USAGE}`);
    return await run(action, arg, values, { store, config, io, file });
  } finally {
    store.close();
  }
}

interface Ctx {
  store: CredentialStore;
  config: HubConfig;
  io: ManageIo;
  file: string;
}

async function agentsCommand(
  action: string,
  arg: string | undefined,
  values: Values,
  { store, config, io, file }: Ctx,
) {
  if (action === 'list') {
    const agents = store.agents();
    if (values.json) io.out(`${JSON.stringify(agents.map(({ ref: _r, ...a }) => a))}\n`);
    else if (agents.length === 0)
      io.err(`no agents in ${file}; add one with \`sightline-hub agents add SITE/LINE/AGENT\`\n`);
    else {
      for (const a of agents) {
        io.out(
          `${a.id.padEnd(40)} ${a.revoked === null ? 'active ' : 'revoked'}  since ${day(a.revoked ?? a.created)}  client id ${a.clientId}\n`,
        );
      }
    }
    return 0;
  }
  if (!arg)
    throw new ConfigError(
      `agents ${action}: name the agent, e.g. \`sightline-hub agents ${action} plant-1/line-1/agent-1\``,
    );
  const ref = parseAgentId(arg);
  if (action === 'revoke') {
    await store.revokeAgent(ref);
    io.err(
      `revoked ${arg}: a running hub disconnects it now. With Mosquitto: \`sightline-hub broker mosquitto --out DIR\` and \`systemctl reload mosquitto\`\n`,
    );
    return 0;
  }
  if (action !== 'add') throw new ConfigError(`unknown command "agents ${action}"\n\n${MANAGE_USAGE}`);
  const creds = await store.addAgent(ref, { rotate: values.rotate ?? false });
  const broker: Record<string, unknown> = {
    url: brokerUrlFor(config, values['broker-url']),
    username: creds.username,
    password: creds.password,
  };
  if (values.ca) broker.ca = resolve(values.ca);
  else if (String(broker.url).startsWith('mqtts')) {
    broker.ca = '/etc/sightline/ca.crt';
    io.err(
      'the broker speaks TLS: copy the CA certificate that signed it to /etc/sightline/ca.crt on the agent (or pass --ca)\n',
    );
  }
  io.err(
    `credentials for ${arg} written to ${file} (hashed). The secret below is shown once; put it in the agent's config:\n`,
  );
  io.out(
    `# ${arg}: add to /etc/sightline/agent.yaml (mode 0640), then: sudo systemctl restart sightline-agent\n`,
  );
  io.out(stringify({ site: ref.site, line: ref.line, agent: ref.agent, broker }));
  return 0;
}

async function tokensCommand(
  action: string,
  arg: string | undefined,
  values: Values,
  { store, config, io }: Ctx,
) {
  if (action === 'list') {
    const tokens = store.tokens();
    if (values.json) io.out(`${JSON.stringify(tokens)}\n`);
    for (const t of values.json ? [] : tokens) {
      const state =
        t.revoked !== null
          ? 'revoked'
          : t.expires !== null && t.expires <= Date.now()
            ? 'expired'
            : 'active ';
      io.out(`${t.id}  ${t.role.padEnd(8)}  ${state.padEnd(7)}  expires ${day(t.expires)}  ${t.name}\n`);
    }
    return 0;
  }
  if (action === 'revoke') {
    if (!arg)
      throw new ConfigError('tokens revoke: name the token id (`sightline-hub tokens list` shows them)');
    await store.revokeToken(arg);
    io.err(`revoked token ${arg}: a running hub refuses it now\n`);
    return 0;
  }
  const role = roleOf(values);
  const name = nameOf(values);
  const days = positive(values.days, '--days') ?? null;
  if (action === 'add') {
    const { secret, info } = await store.addToken({ role, name, days });
    io.err(
      `token ${info.id} (${role}) for ${name}, expires ${day(info.expires)}. Shown once; send it as "Authorization: Bearer <token>":\n`,
    );
    io.out(`${secret}\n`);
    return 0;
  }
  if (action === 'link') {
    const minutes = positive(values.minutes, '--minutes') ?? 15;
    const { code, expires } = await store.addLink({ role, name, minutes, tokenDays: days });
    io.err(`a one-time sign-in link for ${name} (${role}), valid until ${day(expires)}:\n`);
    // The code rides in the fragment: browsers never send it to a server, nor put it in logs.
    io.out(`${publicUrlOf(config)}/#signin=${code}\n`);
    return 0;
  }
  throw new ConfigError(`unknown command "tokens ${action}"\n\n${MANAGE_USAGE}`);
}

async function brokerCommand(
  action: string,
  _arg: string | undefined,
  values: Values,
  { store, config, io, file }: Ctx,
) {
  if (action === 'password') {
    io.out(`${await store.hubBrokerPassword()}\n`);
    return 0;
  }
  if (action !== 'mosquitto') throw new ConfigError(`unknown command "broker ${action}"\n\n${MANAGE_USAGE}`);
  if (!values.out)
    throw new ConfigError(
      'broker mosquitto: --out DIR, where Mosquitto reads the files (e.g. /etc/mosquitto/sightline)',
    );
  const dir = resolve(values.out);
  const files = await mosquittoFiles(await createFileStorage(file).read(), {
    usernames: hubUsernames(config.broker.clientId, config.broker.connections),
    password: await store.hubBrokerPassword(),
  });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'passwords'), files.passwords, { mode: 0o640 });
  await writeFile(join(dir, 'acl'), files.acl, { mode: 0o640 });
  await writeFile(join(dir, 'sightline.conf'), files.conf(dir), { mode: 0o644 });
  const agents = store.agents().filter((a) => a.revoked === null).length;
  io.err(
    `wrote ${dir}/{passwords,acl,sightline.conf}: ${agents} agent(s) and the hub's ${config.broker.connections} connection(s). Then: systemctl reload mosquitto\n`,
  );
  return 0;
}

export const isManageCommand = (argv: readonly string[]) =>
  ['agents', 'tokens', 'broker'].includes(argv[0] ?? '');
