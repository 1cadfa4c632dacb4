import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** One hostile action and whether the system refused it, with what was observed. */
export interface AttackOutcome {
  name: string;
  refused: boolean;
  detail: string;
}

export interface Attack {
  name: string;
  run(): Promise<{ refused: boolean; detail: string }>;
}

/** Runs attacks one after another; an attack that throws counts as not refused, with the error as detail. */
export async function runAttacks(
  attacks: readonly Attack[],
  log: (o: AttackOutcome) => void = () => undefined,
) {
  const outcomes: AttackOutcome[] = [];
  for (const attack of attacks) {
    let outcome: AttackOutcome;
    try {
      outcome = { name: attack.name, ...(await attack.run()) };
    } catch (error) {
      outcome = {
        name: attack.name,
        refused: false,
        detail: `the check failed: ${(error as Error).message}`,
      };
    }
    outcomes.push(outcome);
    log(outcome);
  }
  return outcomes;
}

/** Connects once; resolves with the client, or with the CONNACK code / error that refused it. */
export async function tryConnect(
  url: string,
  opts: IClientOptions,
): Promise<{ client: MqttClient } | { refused: number | string; message: string }> {
  try {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      ...opts,
    });
    return { client };
  } catch (error) {
    const code = (error as { code?: number | string }).code;
    return { refused: code ?? 'error', message: (error as Error).message };
  }
}

/** The granted QoS per filter (128: refused); MQTT.js rejects the whole call when any is refused. */
export async function grants(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos: 1 })).map((g) => g.qos);
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw error;
    return granted;
  }
}

/** Resolves true when the client's connection closes within `ms`. */
export function closesWithin(client: MqttClient, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (!client.connected) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Messages a client receives during `ms`. */
export function collect(client: MqttClient, ms: number): Promise<string[]> {
  const got: string[] = [];
  const on = (topic: string) => got.push(topic);
  client.on('message', on);
  return new Promise((resolve) =>
    setTimeout(() => {
      client.off('message', on);
      resolve(got);
    }, ms),
  );
}
