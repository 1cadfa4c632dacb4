import type { AedesOptions } from 'aedes';

type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
type PreConnectHandler = NonNullable<AedesOptions['preConnect']>;

/**
 * Who may connect to the embedded broker. For now: anyone but a client claiming one of the hub's own ids, which
 * would take over the hub's session and with it the messages queued for the hub ([MQTT-3.1.4-2] lets a new
 * connection with the same id replace the old one). Per-agent credentials and topic ACLs go here too.
 */
export interface ConnectPolicy {
  authenticate: AuthenticateHandler;
  preConnect: PreConnectHandler;
}

/** [MQTT-3.2.2-3] CONNACK return code 2: identifier rejected. */
const IDENTIFIER_REJECTED = 2;

export function createConnectPolicy({
  reservedClientIds,
}: {
  reservedClientIds: readonly string[];
}): ConnectPolicy {
  const reserved = new Set(reservedClientIds);
  const isReserved = (id: string) => reserved.has(id) || [...reserved].some((r) => id.startsWith(`${r}-`));
  return {
    preConnect: (_client, _packet, callback) => callback(null, true),
    authenticate(client, _username, _password, callback) {
      if (isReserved(client.id)) {
        const error = Object.assign(new Error(`client id "${client.id}" is reserved for the hub`), {
          returnCode: IDENTIFIER_REJECTED,
        });
        callback(error as Parameters<typeof callback>[0], false);
        return;
      }
      callback(null, true);
    },
  };
}
