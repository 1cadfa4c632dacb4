import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Hub, startHub } from '@sightline/hub';
import {
  type AgentRef,
  AgentState,
  Birth,
  type Compare,
  decode,
  encode,
  ModelDesired,
  type ModelDesired as ModelDesiredMessage,
  type ModelIdentity,
  ModelStatus,
  type Rollout,
  topics,
} from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRollout, makeBundle, startRollout, upload, writeKeyPair } from '../support/bundles.ts';
import { DASHBOARD_DIST, ensureDashboardBuilt, launchChromium, ROOT } from '../support/chromium.ts';
import { tempDir } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

/** Every desired state the stand-ins received. */
const desiredSeen: Array<{ agent: string; desired: ModelDesiredMessage }> = [];
const AGENTS: AgentRef[] = ['m1', 'm2', 'm3'].map((agent) => ({ site: 'plant-1', line: 'line-m', agent }));

/** 30 frames, 29 agreeing; ten score pairs, one of them a flip across the 0.75 threshold. */
function compare(baseline: ModelIdentity, candidate: ModelIdentity): Compare {
  const side = (m: ModelIdentity, defects: number, p50: number) => ({
    model: { id: m.id, version: m.version },
    defects,
    errors: 0,
    infer_p50: p50,
    infer_p95: p50 * 1.5,
    hist: Array.from({ length: 20 }, (_, i) => (i === 1 ? 30 - defects : i === 18 ? defects : 0)),
  });
  return {
    frames: 30,
    agree: 29,
    ok_to_defect: 1,
    defect_to_ok: 0,
    score_diff_mean: 0.01,
    score_diff_max: 0.3,
    skipped: 0,
    baseline: side(baseline, 2, 4),
    candidate: side(candidate, 3, 5),
    pairs: [
      [0.6, 0.9],
      ...Array.from({ length: 9 }, (_, i) => [0.05 + i * 0.01, 0.06 + i * 0.01] as [number, number]),
    ],
  };
}

/**
 * Stand-in agents on MQTT: they answer each desired state the way a real agent reports it (shadow with a
 * comparison, then live), so the dashboard's models page is driven by the real hub and wire contract.
 */
async function standInAgents(url: string, factory: ModelIdentity): Promise<MqttClient[]> {
  return Promise.all(
    AGENTS.map(async (ref) => {
      const client = await mqtt.connectAsync(url, { clientId: `standin-${ref.agent}`, protocolVersion: 4 });
      let active = factory;
      const say = (status: Omit<ModelStatus, 'ts' | 'active'>) =>
        client.publishAsync(
          topics.modelStatus(ref),
          encode(ModelStatus, { ...status, ts: Date.now(), active }),
          { qos: 1 },
        );
      client.on('message', (_topic, payload) => {
        const d = decode(ModelDesired, payload);
        if (!d.ok) return;
        const want = d.value;
        desiredSeen.push({ agent: ref.agent, desired: want });
        const model = { id: want.model.id, version: want.model.version };
        if (want.mode === 'shadow') {
          void say({
            model,
            phase: 'shadow',
            rollout: want.rollout,
            shadow: model,
            compare: compare(active, want.model),
          });
        } else {
          const before = active;
          active = want.model;
          // While the rollout runs, the model it replaced runs in shadow beside it (the desired state asks).
          void say({
            model,
            phase: 'active',
            rollout: want.rollout,
            ...(want.shadow ? { compare: compare(before, want.model) } : {}),
          });
        }
      });
      await client.subscribeAsync(topics.modelDesired(ref), { qos: 1 });
      await client.publishAsync(
        topics.state(ref),
        encode(AgentState, { online: true, session: `s-${ref.agent}`, ts: Date.now() }),
        { qos: 1, retain: true },
      );
      await client.publishAsync(
        topics.birth(ref),
        encode(Birth, {
          session: `s-${ref.agent}`,
          ts: Date.now(),
          agentVersion: 'stand-in',
          model: factory,
          cameras: [],
          thresholds: { defect: 0.75 },
          capabilities: [],
        }),
        { qos: 1 },
      );
      return client;
    }),
  );
}

describe('models page in Chromium', () => {
  let hub: Hub;
  let remove: () => Promise<void>;
  let clients: MqttClient[] = [];
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let rollout: Rollout;

  beforeAll(async () => {
    const tmp = await tempDir('sl-models-page-');
    remove = tmp.remove;
    await ensureDashboardBuilt();
    const key = await writeKeyPair(join(tmp.dir, 'keys'), 'models');
    hub = await startHub({
      broker: { port: 0 },
      http: { port: 0 },
      store: { path: join(tmp.dir, 'hub.duckdb') },
      registry: { trustedKeys: [key.publicPath] },
      rollout: { tickMs: 100 },
      dashboard: { dir: DASHBOARD_DIST },
      log: { level: 'silent' },
    });
    const manifest = JSON.parse(await readFile(join(ROOT, 'models/default/manifest.json'), 'utf8'));
    clients = await standInAgents(hub.mqttUrl, {
      id: manifest.id,
      version: manifest.version,
      sha256: manifest.sha256,
    });
    expect((await upload(hub, (await makeBundle(tmp.dir, key, { version: '2.1.0' })).bytes)).status).toBe(
      'ready',
    );
    await waitFor('three agents known', 20_000, async () => {
      const f = (await (await fetch(`${hub.httpUrl}/api/fleet/models`)).json()) as { agents: unknown[] };
      return f.agents.length === 3;
    });
    const started = await startRollout(hub, {
      model: { id: 'default', version: '2.1.0' },
      stages: [
        { kind: 'shadow', share: 1, frames: 20 },
        { kind: 'wave', share: 1 },
      ],
      thresholds: { defect: 0.75 },
    });
    rollout = await waitFor('the rollout to complete', 30_000, async () => {
      const r = await getRollout(hub, started.id);
      return r.state === 'completed' ? r : undefined;
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 1400 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const c of clients) await c.endAsync();
    await hub?.close();
    await remove?.();
  }, 60_000);

  it('shows the registry, the version mix, a rollout’s progress and its shadow comparison', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${hub.httpUrl}/#/models`);
    const mix = page.locator('sl-version-mix li[data-version="2.1.0"]');
    await mix.waitFor();
    expect((await mix.textContent())?.replace(/\s+/g, ' ').trim()).toBe('default 2.1.0 3 agents');
    expect(
      await page.locator('sl-registry-table tr[data-model="default@2.1.0"] td.ready').textContent(),
    ).toContain('ready');
    const card = page.locator(`sl-rollout-card article[data-rollout="${rollout.id}"]`);
    expect(await card.getAttribute('data-state')).toBe('completed');
    expect(await card.locator('tbody tr').count()).toBe(3);
    // The shadow stage's comparison, summed over the three agents: 87 of 90 frames agreed.
    expect(await card.locator('[data-figure="agreement"]').textContent()).toBe('96.7 %');
    // Three agents' ten pairs each; the one flip per agent is drawn apart.
    expect(await card.locator('sl-score-scatter circle').count()).toBe(30);
    expect(await card.locator('sl-score-scatter circle.flip').count()).toBe(3);
    await mkdir(join(ROOT, '.tmp'), { recursive: true });
    await page.screenshot({ path: join(ROOT, '.tmp', 'models.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);

  it('lets an engineer roll a finished rollout back, and shows it happen', async () => {
    page.once('dialog', (d) => void d.accept());
    await page
      .locator(`sl-rollout-card article[data-rollout="${rollout.id}"] button`, { hasText: 'Roll back' })
      .click();
    await page
      .locator(`sl-rollout-card article[data-rollout="${rollout.id}"][data-state="rolled-back"]`)
      .waitFor({ timeout: 20_000 });
    expect(await page.locator('sl-version-mix li[data-version="2.0.0"]').textContent()).toContain('3 agents');
    const viewer = await browser.context.newPage();
    await viewer.goto(`${hub.httpUrl}/?role=viewer#/models`);
    await viewer.locator('sl-rollout-card article').first().waitFor();
    expect(await viewer.locator('sl-rollout-card button').count()).toBe(0);
    await viewer.close();
  }, 60_000);

  it('lets an engineer set the new model’s threshold from its shadow comparison', async () => {
    const shadowing = await startRollout(hub, {
      model: { id: 'default', version: '2.1.0' },
      stages: [{ kind: 'shadow', share: 1, frames: 100_000 }],
    });
    await waitFor(
      'the rollout observing',
      20_000,
      async () => (await getRollout(hub, shadowing.id)).state === 'observing',
    );
    const card = page.locator(`sl-rollout-card article[data-rollout="${shadowing.id}"]`);
    await card.waitFor();
    await card.locator('sl-score-hist svg').waitFor();
    await card.locator('input[name="defect"]').fill('0.62');
    await card.locator('form.thr button').click();
    await waitFor('agents given the threshold', 20_000, () =>
      AGENTS.every((a) =>
        desiredSeen.some((d) => d.agent === a.agent && d.desired.thresholds?.defect === 0.62),
      ),
    );
    const events = (await (await fetch(`${hub.httpUrl}/api/rollouts/${shadowing.id}/events`)).json()) as {
      events: Array<{ kind: string; reason: string }>;
    };
    expect(events.events.find((e) => e.kind === 'thresholds')?.reason).toBe(
      'default 2.1.0 runs with defect threshold 0.62 by dashboard: chosen from the shadow comparison on the dashboard',
    );
    page.once('dialog', (d) => void d.accept());
    await card.locator('button', { hasText: 'Cancel' }).click();
    await page
      .locator(`sl-rollout-card article[data-rollout="${shadowing.id}"][data-state="rolled-back"]`)
      .waitFor({ timeout: 20_000 });
  }, 60_000);
});
