import type { AuthData } from './auth-file.ts';
import { mosquittoHash } from './secrets.ts';

/**
 * The embedded broker's rules, written for Mosquitto 2.0 (`sightline-hub broker mosquitto --out DIR`):
 *
 * - `passwords`: mosquitto_passwd format, `$7$` PBKDF2-SHA512 hashes; every active agent (username
 *   `site/line/agent`) and the hub's connections (username = client id: `sightline-hub`, `sightline-hub-1`, …).
 * - `acl`: the hub's users may read `sl/v1/#` and write downlink; every other user gets, by pattern, only its own
 *   prefix (`%u` is `site/line/agent`) and its own downlink.
 * - `sightline.conf`: a listener include with `use_username_as_clientid true` — Mosquitto cannot otherwise bind
 *   a client id to a user, and a client that takes another's id takes its session (and the hub's queued results).
 */
export interface MosquittoFiles {
  passwords: string;
  acl: string;
  conf: (dir: string) => string;
}

/** The hub's usernames on an external broker: one per ingest connection, equal to its client id. */
export const hubUsernames = (clientId: string, connections: number) =>
  Array.from({ length: connections }, (_, i) => (i === 0 ? clientId : `${clientId}-${i}`));

export function mosquittoAcl(hubUsers: readonly string[]): string {
  const hub = hubUsers
    .map(
      (u) => `user ${u}
topic read sl/v1/#
topic read $share/sightline-hub/sl/v1/#
topic write sl/v1/hub/state
topic write sl/v1/+/+/+/cmd/+
topic write sl/v1/+/+/+/model/desired
topic write sl/v1/+/+/+/ack
topic write sl/v1/models/#
`,
    )
    .join('\n');
  return `# Sightline ACL for Mosquitto 2.0, written by \`sightline-hub broker mosquitto\`. Do not edit: write it again.
# Default deny: a user may do only what a line below allows.

# The hub (one user per connection; its username is its client id).
${hub}
# Every agent, by pattern: %u is its username site/line/agent. Mosquitto refuses a pattern for a username
# holding + or #, and agent ids cannot hold them.
pattern write sl/v1/%u/birth
pattern write sl/v1/%u/state
pattern write sl/v1/%u/results
pattern write sl/v1/%u/stats
pattern write sl/v1/%u/events
pattern write sl/v1/%u/model/status
pattern write sl/v1/%u/samples/+/+
pattern read sl/v1/%u/cmd/+
pattern read sl/v1/%u/model/desired
pattern read sl/v1/%u/ack
pattern read sl/v1/hub/state
pattern read sl/v1/models/#
`;
}

export async function mosquittoFiles(
  data: AuthData,
  hub: { usernames: readonly string[]; password: string },
): Promise<MosquittoFiles> {
  const lines: string[] = [];
  for (const user of hub.usernames) lines.push(`${user}:${await mosquittoHash(hub.password)}`);
  for (const [id, agent] of Object.entries(data.agents).sort(([a], [b]) => a.localeCompare(b))) {
    if (!agent.revoked) lines.push(`${id}:${agent.mosquitto}`);
  }
  return {
    passwords: `${lines.join('\n')}\n`,
    acl: mosquittoAcl(hub.usernames),
    conf: (
      dir,
    ) => `# Sightline: copy these lines right under your \`listener\` line in mosquitto.conf. (\`include_dir ${dir}\` works only
# for Mosquitto's default listener on 1883: it applies the included files to that one, not to yours.)
# Written by \`sightline-hub broker mosquitto\`; after every change of agents: run it again, then
#   systemctl reload mosquitto   (SIGHUP: Mosquitto rereads both files and disconnects users no longer in them)
per_listener_settings false
allow_anonymous false
password_file ${dir}/passwords
acl_file ${dir}/acl
# A client id is its username: nobody takes over another's session (Mosquitto has no other way to bind them).
use_username_as_clientid true
# Also needed by the hub (set them where your mosquitto.conf sets persistence): Mosquitto must not lose what it
# acknowledged to agents, nor drop QoS 1 messages queued for a hub that falls behind.
#   persistence true
#   max_queued_messages 0
`,
  };
}
