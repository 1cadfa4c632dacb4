import { topics } from '@sightline/protocol';
import type { MqttClient } from 'mqtt';
import { health } from '../support/api.ts';
import type { Stack } from '../support/stack.ts';
import type { Attack } from './attack.ts';
import { connectWhenKnown } from './mqtt.ts';

export interface FloodFigures {
  /** Messages per second the flooding agent tried, and what the broker took from it. */
  flood_sent_per_s: number;
  flood_accepted_per_s: number;
  /** PUBACK round trip of a calm agent publishing 5 messages a second, before and during the flood (ms). */
  calm_p50_ms_before: number;
  calm_p95_ms_before: number;
  calm_p50_ms_during: number;
  calm_p95_ms_during: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN) * 10) / 10;
};

/** A valid stats message: the flood is of real work for the hub, not of dead letters. */
const stats = () =>
  JSON.stringify({
    ts: Date.now(),
    session: 'flood',
    uptime_s: 1,
    fps: { in: 5, processed: 5 },
    dropped: 0,
    latency: { p50: 5, p95: 9, p99: 12, max: 15 },
    outbox: { depth: 0, dropped: 0 },
    cpu: 0.2,
    memory_mb: 120,
    cameras: [],
  });

/**
 * A flooding agent at far above an agent's usual rate (~10 messages a second: a results batch every 100-250 ms,
 * stats, events): the broker slows its connection to `broker.limits.messagesPerSecond` while a calm agent's
 * round trips are timed before and during. Refused when the flooder got no more than its rate (+ burst) through.
 */
export function floodAttack(
  stack: Stack,
  opts: { seconds: number; limit: number; burstSeconds: number },
  figures: (f: FloodFigures) => void,
): Attack {
  return {
    name: 'mqtt: flooding agent at 100x its usual rate',
    run: async () => {
      const connect = async (agent: string) => {
        const ref = { site: 'plant', line: 'line-f', agent };
        const creds = await stack.credentials.addAgent(ref, { rotate: true });
        const client = await connectWhenKnown(stack.mqttUrl, {
          username: creds.username,
          password: creds.password,
          clientId: creds.clientId,
        });
        return { client, ref };
      };
      const calm = await connect('calm');
      const flood = await connect('flood');
      const probe = async (
        client: MqttClient,
        ref: { site: string; line: string; agent: string },
        ms: number,
      ) => {
        const rtts: number[] = [];
        const until = Date.now() + ms;
        while (Date.now() < until) {
          const t = performance.now();
          await client.publishAsync(
            topics.events(ref),
            JSON.stringify({ kind: 'config_changed', severity: 'info', message: 'probe', ts: Date.now() }),
            { qos: 1 },
          );
          rtts.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 200));
        }
        return rtts;
      };
      const before = await probe(calm.client, calm.ref, 3000);
      // 1000 messages a second offered (100x an agent's usual ~10), QoS 1; what the broker has not taken yet
      // waits in the flooder's socket and MQTT.js's queue.
      let sent = 0;
      let acked = 0;
      let stop = false;
      const started = performance.now();
      const offered = (async () => {
        while (!stop) {
          const tick = performance.now();
          for (let i = 0; i < 100 && sent - acked < 20_000; i++) {
            sent++;
            flood.client.publish(topics.stats(flood.ref), stats(), { qos: 1 }, (err) => {
              if (!err) acked++;
            });
          }
          await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - tick))));
        }
      })();
      const during = await probe(calm.client, calm.ref, opts.seconds * 1000);
      stop = true;
      await offered;
      const elapsed = (performance.now() - started) / 1000;
      const accepted = acked / elapsed;
      figures({
        flood_sent_per_s: Math.round(sent / elapsed),
        flood_accepted_per_s: Math.round(accepted),
        calm_p50_ms_before: quantile(before, 0.5),
        calm_p95_ms_before: quantile(before, 0.95),
        calm_p50_ms_during: quantile(during, 0.5),
        calm_p95_ms_during: quantile(during, 0.95),
      });
      flood.client.end(true);
      calm.client.end(true);
      const bound = opts.limit * (1 + opts.burstSeconds / elapsed) * 1.05;
      await health(stack);
      return {
        refused: accepted <= bound && during.length > 0,
        detail: `offered ${Math.round(sent / elapsed)}/s, accepted ${accepted.toFixed(0)}/s (limit ${opts.limit}/s, bound ${bound.toFixed(0)}/s); calm round trip p95 ${quantile(before, 0.95)} ms before, ${quantile(during, 0.95)} ms during`,
      };
    },
  };
}
