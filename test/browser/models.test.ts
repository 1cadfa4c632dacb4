import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { agentClientId, type Hub, startHub } from '@sightline/hub';
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
  type RegistryEntry,
  type Rollout,
  type RolloutSpecInput,
  topics,
} from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle, writeKeyPair } from '../support/bundles.ts';
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
async function standInAgents(hub: Hub, factory: ModelIdentity): Promise<MqttClient[]> {
  return Promise.all(
    AGENTS.map(async (ref) => {
      // Each logs in as the agent it stands for, with credentials made as `sightline-hub agents add` makes them.
      const login = await hub.credentials.addAgent(ref, { rotate: true });
      const client = await mqtt.connectAsync(hub.mqttUrl, {
        clientId: agentClientId(ref),
        username: login.username,
        password: login.password,
        protocolVersion: 4,
      });
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

/** The hub's API as one token sees it (authentication is on: every request names its token). */
function apiAs(hub: Hub, token: string) {
  const call = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${hub.httpUrl}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const ok = async <T>(path: string, init?: RequestInit) => {
    const { status, body } = await call<T & { error?: { message: string } }>(path, init);
    if (status !== 200) throw new Error(`${path}: HTTP ${status} ${body.error?.message}`);
    return body as T;
  };
  return {
    call,
    get: <T>(path: string) => ok<T>(path),
    upload: (bytes: Uint8Array) =>
      ok<RegistryEntry>('/api/models', {
        method: 'POST',
        body: new Uint8Array(bytes),
        headers: { 'content-type': 'application/octet-stream' },
      }),
    startRollout: (spec: RolloutSpecInput) =>
      ok<Rollout>('/api/rollouts', {
        method: 'POST',
        body: JSON.stringify(spec),
        headers: { 'content-type': 'application/json' },
      }),
    rollout: (id: string) => ok<Rollout>(`/api/rollouts/${id}`),
  };
}

describe('models page in Chromium', () => {
  let hub: Hub;
  let engineer: ReturnType<typeof apiAs>;
  let engineerToken: string;
  let viewerToken: string;
  /** A second bundle, uploaded through the page. */
  let nextBundle: string;
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
    engineerToken = (await hub.credentials.addToken({ role: 'engineer', name: 'erik' })).secret;
    engineer = apiAs(hub, engineerToken);
    viewerToken = (await hub.credentials.addToken({ role: 'viewer', name: 'vera' })).secret;
    const manifest = JSON.parse(await readFile(join(ROOT, 'models/default/manifest.json'), 'utf8'));
    clients = await standInAgents(hub, {
      id: manifest.id,
      version: manifest.version,
      sha256: manifest.sha256,
    });
    const bundle = await makeBundle(tmp.dir, key, { version: '2.1.0' });
    nextBundle = join(tmp.dir, 'default-2.2.0.slb');
    await writeFile(nextBundle, (await makeBundle(tmp.dir, key, { version: '2.2.0' })).bytes);
    // The hub enforces roles whatever a page shows: a viewer may not upload or roll out.
    const viewer = apiAs(hub, viewerToken);
    expect(
      (await viewer.call('/api/models', { method: 'POST', body: new Uint8Array(bundle.bytes) })).status,
    ).toBe(403);
    expect((await engineer.upload(bundle.bytes)).status).toBe('ready');
    await waitFor('three agents known', 60_000, async () => {
      const f = await engineer.get<{ agents: unknown[] }>('/api/fleet/models');
      return f.agents.length === 3;
    });
    const spec: RolloutSpecInput = {
      model: { id: 'default', version: '2.1.0' },
      stages: [
        { kind: 'shadow', share: 1, frames: 20 },
        { kind: 'wave', share: 1 },
      ],
      thresholds: { defect: 0.75 },
    };
    const refused = await viewer.call<{ error: { code: string } }>('/api/rollouts', {
      method: 'POST',
      body: JSON.stringify(spec),
      headers: { 'content-type': 'application/json' },
    });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'SL_FORBIDDEN']);
    const started = await engineer.startRollout(spec);
    rollout = await waitFor('the rollout to complete', 120_000, async () => {
      const r = await engineer.rollout(started.id);
      return r.state === 'completed' ? r : undefined;
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 1400 });
    // Deadlines are hang guards, generous for a slow machine; nothing here is timed.
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const c of clients) await c.endAsync();
    await hub?.close();
    await remove?.();
  }, 60_000);

  /** Signs the page out and in again with a pasted token, as a person at the sign-in form would. */
  async function signInAs(token: string, role: string) {
    await page.locator('sl-account button', { hasText: 'Sign out' }).click();
    // Without a token the hub answers 401, and the page asks for one.
    const form = page.locator('sl-sign-in form');
    await form.waitFor();
    await form.getByLabel('API token').fill(token);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`sl-account .who[data-role="${role}"]`).waitFor();
    await page.locator('sl-rollout-card article').first().waitFor();
  }

  it('opens signed in from an engineer’s sign-in link, with the registry, version mix, rollout and shadow comparison', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const { code } = await hub.credentials.addLink({
      role: 'engineer',
      name: 'erik',
      minutes: 10,
      tokenDays: 1,
    });
    await page.goto(`${hub.httpUrl}/models#signin=${code}`);
    const mix = page.locator('sl-version-mix li[data-version="2.1.0"]');
    await mix.waitFor();
    expect(new URL(page.url()).pathname).toBe('/models');
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.locator('sl-nav a[aria-current="page"]').textContent()).toBe('Models');
    expect(await page.locator('sl-account .who').getAttribute('data-role')).toBe('engineer');
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

  it('uploads a bundle from the page (a binary body with the engineer’s token)', async () => {
    await page.locator('sl-registry-table input[type="file"]').setInputFiles(nextBundle);
    await page
      .locator('sl-models-view .notice', { hasText: 'Uploaded default-2.2.0.slb' })
      .waitFor({ timeout: 60_000 });
    const row = page.locator('sl-registry-table tr[data-model="default@2.2.0"] td.ready');
    await row.waitFor();
    expect(await row.textContent()).toContain('ready');
    const registry = await engineer.get<{ models: Array<{ version: string; status: string }> }>(
      '/api/models',
    );
    expect(registry.models.find((m) => m.version === '2.2.0')?.status).toBe('ready');
  }, 90_000);

  it('shows engineer controls to an engineer and none to a viewer; the engineer rolls a finished rollout back', async () => {
    const controls = async () => ({
      upload: await page.locator('sl-registry-table input[type="file"]').count(),
      rollOut: await page.locator('sl-registry-table button', { hasText: 'Roll out' }).count(),
      rollBack: await page.locator('sl-rollout-card button', { hasText: 'Roll back' }).count(),
    });
    expect(await controls()).toEqual({ upload: 1, rollOut: 2, rollBack: 1 });

    await signInAs(viewerToken, 'viewer');
    await page.locator('sl-registry-table tr[data-model="default@2.2.0"]').waitFor();
    expect(await controls()).toEqual({ upload: 0, rollOut: 0, rollBack: 0 });
    // In their place, a note of the role that may.
    const notes = await page
      .locator('sl-role-note p')
      .evaluateAll((ps) => ps.map((p) => (p.textContent ?? '').replace(/\s+/g, ' ').trim()));
    expect(notes).toEqual([
      'Uploading models needs the engineer role; you are signed in as viewer.',
      'Rolling out models needs the engineer role; you are signed in as viewer.',
      'Changing a rollout (promote, cancel, roll back, threshold) needs the engineer role; you are signed in as viewer.',
    ]);
    await page.screenshot({ path: join(ROOT, '.tmp', 'models-viewer.png'), fullPage: true });

    await signInAs(engineerToken, 'engineer');
    await page.locator('sl-registry-table input[type="file"]').waitFor({ state: 'attached' });
    expect(await controls()).toEqual({ upload: 1, rollOut: 2, rollBack: 1 });
    page.once('dialog', (d) => void d.accept());
    await page
      .locator(`sl-rollout-card article[data-rollout="${rollout.id}"] button`, { hasText: 'Roll back' })
      .click();
    await page
      .locator(`sl-rollout-card article[data-rollout="${rollout.id}"][data-state="rolled-back"]`)
      .waitFor({ timeout: 20_000 });
    await waitFor('the mix to show 2.0.0 on every agent', 20_000, async () =>
      (await page.locator('sl-version-mix li[data-version="2.0.0"]').textContent())?.includes('3 agents'),
    );
  }, 60_000);

  it('lets an engineer set the new model’s threshold from its shadow comparison', async () => {
    const shadowing = await engineer.startRollout({
      model: { id: 'default', version: '2.1.0' },
      stages: [{ kind: 'shadow', share: 1, frames: 100_000 }],
    });
    await waitFor(
      'the rollout observing',
      20_000,
      async () => (await engineer.rollout(shadowing.id)).state === 'observing',
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
    // The hub sends agents their new desired state before its journal holds the event: wait for the event too.
    const event = await waitFor('the thresholds event', 20_000, async () =>
      (
        await engineer.get<{ events: Array<{ kind: string; reason: string }> }>(
          `/api/rollouts/${shadowing.id}/events`,
        )
      ).events.find((e) => e.kind === 'thresholds'),
    );
    // The hub names who did it from the token the page signed in with, not from anything the page says.
    expect(event.reason).toBe(
      'default 2.1.0 runs with defect threshold 0.62 by erik: chosen from the shadow comparison on the dashboard',
    );
    page.once('dialog', (d) => void d.accept());
    await card.locator('button', { hasText: 'Cancel' }).click();
    await page
      .locator(`sl-rollout-card article[data-rollout="${shadowing.id}"][data-state="rolled-back"]`)
      .waitFor({ timeout: 20_000 });
  }, 60_000);
});
