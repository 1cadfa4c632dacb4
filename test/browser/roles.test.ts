import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Alarm, AlarmRule, LineModeState, RoiInputsState } from '@sightline/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOTS } from '../support/chromium.ts';
import { waitFor } from '../support/wait.ts';
import { type Fleet, launchChromium, SITE, startFleet } from './fleet-setup.ts';

const LINE = 'line-r';

/**
 * Controls by role, in Chromium against a hub process and a real agent: a viewer reads the ROI page, the defect
 * gallery and the alarms with no control that changes anything and a note of the role that does; a QC lead's
 * controls are there and the hub takes their changes; alarm rules are the admin's. Every note's role is held
 * against the role the hub's OpenAPI description gives its routes.
 */
describe('controls follow the role, in Chromium', () => {
  let fleet: Fleet;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const errors: string[] = [];
  /** Every role note the pages showed: the change, the role it names and the routes it stands for. */
  const notes = new Map<string, { role: string; routes: string[] }>();
  const url = (path: string) => `${fleet.hub.httpUrl}${path}`;
  const roiPath = `/roi?site=${SITE}&line=${LINE}`;
  const galleryPath = `/gallery?site=${SITE}&line=${LINE}&verdict=defect`;

  /** The notes on the page now, by change; kept for the check against the hub's route docs. */
  async function readNotes(): Promise<Record<string, string>> {
    const found = await page.locator('sl-role-note p').evaluateAll((ps) =>
      ps.map((p) => ({
        change: p.getAttribute('data-change') ?? '',
        role: p.getAttribute('data-role') ?? '',
        routes: (p.getAttribute('data-routes') ?? '').split(', '),
        text: (p.textContent ?? '').replace(/\s+/g, ' ').trim(),
      })),
    );
    for (const n of found) notes.set(n.change, { role: n.role, routes: n.routes });
    return Object.fromEntries(found.map((n) => [n.change, n.text]));
  }

  async function signIn(role: 'viewer' | 'qc-lead' | 'admin', path: string) {
    if (await page.locator('sl-account button', { hasText: 'Sign out' }).count()) {
      await page.locator('sl-account button', { hasText: 'Sign out' }).click();
      await page.locator('sl-sign-in form').waitFor();
    }
    // A link to the page already open only changes the hash: the app redeems it then too.
    await page.goto(fleet.signInLink(role, path));
    await page.locator(`sl-account .who[data-role="${role}"]`).waitFor();
  }

  beforeAll(async () => {
    fleet = await startFleet(
      [{ line: LINE, seed: 21, defectRate: 0.2 }],
      ['viewer', 'qc-lead', 'admin', 'viewer'],
    );
    await waitFor('three defect images stored', 60_000, async () => {
      const res = await fleet.api(`/api/samples?site=${SITE}&line=${LINE}&verdict=defect&limit=5`);
      return res.ok && ((await res.json()) as { samples: unknown[] }).samples.length >= 3;
    });
    // An alarm to acknowledge, and a gallery that holds still: the agent goes offline for good.
    const agent = fleet.agents.get(LINE);
    agent?.child.kill('SIGKILL');
    await waitFor('the agent-offline alarm', 60_000, async () =>
      (await fleet.json<{ alarms: Alarm[] }>('/api/alarms?state=active')).alarms.some(
        (a) => a.kind === 'agent_offline' && a.line === LINE,
      ),
    );
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await mkdir(SCREENSHOTS, { recursive: true });
    // Deadlines are hang guards, generous for a slow shared machine; nothing here is timed.
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.close();
  }, 120_000);

  it('shows a viewer the ROI page, gallery and alarms read-only, each with the role that changes it', async () => {
    await signIn('viewer', roiPath);
    const steps = page.locator('sl-mode-steps');
    await steps.locator('sl-role-note p[data-change="go-live"]').waitFor();
    await page.locator('sl-roi-inputs span.read[data-input="e_base"]').waitFor();
    expect(await steps.getByRole('button').count()).toBe(0);
    expect(await steps.locator('input').count()).toBe(0);
    expect(await page.locator('sl-roi-inputs input').count()).toBe(0);
    expect(await page.locator('sl-roi-inputs button[type="submit"]').count()).toBe(0);
    expect(await readNotes()).toEqual({
      'start-pilot': 'Changing modes needs the qc-lead role; you are signed in as viewer.',
      'go-live': 'Going live needs the qc-lead role; you are signed in as viewer.',
      'roi-inputs': 'Changing ROI inputs needs the qc-lead role; you are signed in as viewer.',
    });
    // The same state a QC lead sees, as text.
    expect(await steps.locator('[data-live]').textContent()).toBe('Not gone live from a pilot yet.');
    expect(await page.locator('sl-roi-inputs span.read[data-input="c_esc"]').textContent()).toBe(
      'not entered',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'roi-viewer-1440x900.png'), fullPage: true });

    await page.goto(url(galleryPath));
    const items = page.locator('sl-gallery-view ul.grid li');
    await items.first().waitFor();
    await page.locator('sl-gallery-view aside.detail sl-role-note p').waitFor();
    expect(await page.locator('sl-gallery-view .labels button').count()).toBe(0);
    expect(await page.locator('sl-gallery-view aside.detail dd[data-label]').textContent()).toBe(
      'not labelled',
    );
    // The label keys do nothing for a viewer: D would label and move on, so after D then J the second image is
    // selected, not the third.
    await items.first().locator('button').click();
    await page.keyboard.press('d');
    await page.keyboard.press('j');
    await waitFor(
      'a move on the keyboard',
      10_000,
      async () =>
        (await items.locator('button[aria-current="true"]').count()) === 1 &&
        (await items.first().locator('button').getAttribute('aria-current')) === 'false',
    );
    expect(await items.nth(1).locator('button').getAttribute('aria-current')).toBe('true');
    expect(await readNotes()).toEqual({
      label: 'Labelling images needs the qc-lead role; you are signed in as viewer.',
    });
    await page.screenshot({ path: join(SCREENSHOTS, 'gallery-viewer-1440x900.png'), fullPage: true });

    await page.goto(url('/alarms'));
    const alarm = page.locator(`sl-alarm-list li[data-kind="agent_offline"].active`);
    await alarm.waitFor();
    await page.locator('sl-alarm-rules .rule.read[data-rule="agent-offline"]').waitFor();
    expect(await page.locator('sl-alarm-list button').count()).toBe(0);
    expect(
      await page.locator('sl-alarm-rules form, sl-alarm-rules input, sl-alarm-rules button').count(),
    ).toBe(0);
    expect(await readNotes()).toEqual({
      'alarm-ack': 'Acknowledging alarms needs the qc-lead role; you are signed in as viewer.',
      'alarm-rules': 'Changing alarm rules and webhooks needs the admin role; you are signed in as viewer.',
    });
    const rule = page.locator('sl-alarm-rules .rule.read[data-rule="agent-offline"]');
    expect(await rule.locator('[data-field="severity"]').textContent()).toBe('critical');
    expect(await rule.locator('[data-field="enabled"]').textContent()).toBe('enabled');
    await page.screenshot({ path: join(SCREENSHOTS, 'alarms-viewer-1440x900.png'), fullPage: true });

    // The models page's notes too, for the check against the hub's route docs below.
    await page.goto(url('/models'));
    await page.locator('sl-role-note p[data-change="rollout-action"]').waitFor();
    expect(Object.keys(await readNotes()).sort()).toEqual(['model-upload', 'roll-out', 'rollout-action']);
    expect(errors).toEqual([]);
  }, 120_000);

  it('gives a QC lead the controls, and the hub takes a change from each', async () => {
    await signIn('qc-lead', roiPath);
    const steps = page.locator('sl-mode-steps');
    await steps.getByRole('button', { name: 'Start pilot' }).click();
    await waitFor('the line in pilot', 30_000, async () => {
      const m = await fleet.json<LineModeState>(`/api/lines/${SITE}/${LINE}/mode`);
      return m.mode === 'pilot';
    });
    // The next steps' controls are there (the full pilot → baseline → live run is dashboard.test.ts's).
    await steps.getByRole('button', { name: 'Freeze baseline' }).waitFor();
    expect(await steps.getByRole('switch').count()).toBe(1);

    const inputs = page.locator('sl-roi-inputs');
    await inputs.getByLabel('C_esc').fill('120');
    await inputs.getByLabel('Why').fill('roles test');
    await inputs.getByRole('button', { name: 'Save changes' }).click();
    await waitFor('C_esc stored', 30_000, async () => {
      const s = await fleet.json<RoiInputsState>(`/api/lines/${SITE}/${LINE}/roi/inputs`);
      return s.inputs.c_esc === 120;
    });
    expect(await page.locator('sl-role-note p').count()).toBe(0);

    await page.goto(url(galleryPath));
    const first = page.locator('sl-gallery-view ul.grid li').first();
    await first.waitFor();
    const seq = Number(await first.getAttribute('data-seq'));
    await first.locator('button').click();
    await page.locator('sl-gallery-view .labels button', { hasText: 'False reject' }).click();
    const label = await waitFor('the label stored', 30_000, async () => {
      const { labels } = await fleet.json<{ labels: Array<{ seq: number; kind: string }> }>(
        `/api/labels?site=${SITE}&line=${LINE}`,
      );
      return labels.find((l) => l.seq === seq);
    });
    expect(label.kind).toBe('false_reject');

    await page.goto(url('/alarms'));
    const alarm = page.locator(`sl-alarm-list li[data-kind="agent_offline"].active`);
    const id = Number(await alarm.getAttribute('data-alarm'));
    await alarm.getByRole('button', { name: 'Acknowledge…' }).click();
    await alarm.locator('form.ack input[name="note"]').fill('agent unplugged on purpose');
    await alarm.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    const acked = await waitFor('the alarm acknowledged', 30_000, async () => {
      const { alarms } = await fleet.json<{ alarms: Alarm[] }>('/api/alarms?state=all');
      return alarms.find((a) => a.id === id && a.state === 'acknowledged');
    });
    expect(acked.ack?.note).toBe('agent unplugged on purpose');
    // Rules stay the admin's: read-only for a QC lead, saying so.
    await page.locator('sl-alarm-rules .rule.read[data-rule="agent-offline"]').waitFor();
    expect(await readNotes()).toEqual({
      'alarm-rules': 'Changing alarm rules and webhooks needs the admin role; you are signed in as qc-lead.',
    });
    expect(errors).toEqual([]);
  }, 120_000);

  it('lets an admin edit an alarm rule from the page', async () => {
    await signIn('admin', '/alarms');
    const form = page.locator('sl-alarm-rules form.rule[data-rule="agent-offline"]');
    await form.locator('select[name="severity"]').selectOption('warning');
    await form.getByRole('button', { name: 'Save' }).click();
    await waitFor('the rule saved as a warning', 30_000, async () => {
      const { rules } = await fleet.json<{ rules: AlarmRule[] }>('/api/alarms/rules');
      return rules.find((r) => r.id === 'agent-offline')?.severity === 'warning';
    });
    expect(await page.locator('sl-role-note p').count()).toBe(0);
  }, 60_000);

  it('shows a viewer the pilot read-only, and every note names the role the hub’s route docs name', async () => {
    await signIn('viewer', roiPath);
    const steps = page.locator('sl-mode-steps');
    await steps.locator('sl-role-note p[data-change="freeze-baseline"]').waitFor();
    expect(await steps.getByRole('button').count()).toBe(0);
    expect(await steps.locator('[data-live]').textContent()).toBe(
      'Not live yet: in pilot, agents do not act on their verdicts.',
    );
    expect((await readNotes())['freeze-baseline']).toBe(
      'Freezing a baseline needs the qc-lead role; you are signed in as viewer.',
    );

    const doc = await fleet.json<{ paths: Record<string, Record<string, { 'x-sightline-role': string }>> }>(
      '/api/openapi.json',
    );
    const hubRoles = [...notes].flatMap(([change, n]) =>
      n.routes.map((route) => {
        const [method = '', path = ''] = route.split(' ');
        return {
          change,
          route,
          page: n.role,
          hub: doc.paths[path]?.[method.toLowerCase()]?.['x-sightline-role'],
        };
      }),
    );
    expect(new Set(hubRoles.map((r) => r.change)).size).toBe(10);
    for (const r of hubRoles) expect(r.page, `${r.change}: ${r.route}`).toBe(r.hub);
    expect(errors).toEqual([]);
  }, 60_000);
});
