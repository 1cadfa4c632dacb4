import type { Page } from 'playwright-core';
import { waitFor } from '../support/wait.ts';

/** Every sl-figure of the ROI view by its data-figure key: value and inputs, read in one go. */
export function readFigures(page: Page) {
  return page.locator('sl-roi-view').evaluate((view) => {
    const out: Record<string, { value: number | null; inputs: Record<string, unknown> }> = {};
    for (const el of view.shadowRoot?.querySelectorAll('sl-figure') ?? []) {
      const f = (el as unknown as { figure?: { value: number | null; inputs: Record<string, unknown> } })
        .figure;
      const key = el.getAttribute('data-figure');
      if (f && key) out[key] = { value: f.value, inputs: f.inputs };
    }
    const counts = view.shadowRoot?.querySelector('.counts');
    return {
      figures: out,
      n: Number(counts?.getAttribute('data-n')),
      x: Number(counts?.getAttribute('data-x')),
    };
  });
}

interface StoredRow {
  agent: string;
  seq: number;
  ts: number;
  verdict: string;
}

/** Labels results of one line captured after `since` through the hub's label API; returns what it labelled. */
export async function labelResults(
  api: (path: string, init?: RequestInit) => Promise<Response>,
  line: { site: string; line: string },
  since: number,
  want: { confirmed_defect: number; false_reject: number; missed_defect: number },
) {
  const rows = async (verdict: string) =>
    (
      (await (
        await api(`/api/results?site=${line.site}&line=${line.line}&verdict=${verdict}&limit=200`)
      ).json()) as { results: StoredRow[] }
    ).results.filter((r) => r.ts > since);
  const defects = await waitFor('enough live rejects to label', 60_000, async () => {
    const d = await rows('defect');
    return d.length >= want.confirmed_defect + want.false_reject ? d : undefined;
  });
  const oks = await rows('ok');
  const put = async (r: StoredRow, kind: string) => {
    const res = await api(`/api/labels/${line.site}/${line.line}/${r.agent}/${r.seq}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind, ts: r.ts }),
    });
    if (!res.ok) throw new Error(`label ${kind} on ${r.seq}: ${res.status} ${await res.text()}`);
  };
  let i = 0;
  for (let k = 0; k < want.confirmed_defect; k++) await put(defects[i++] as StoredRow, 'confirmed_defect');
  for (let k = 0; k < want.false_reject; k++) await put(defects[i++] as StoredRow, 'false_reject');
  for (let k = 0; k < want.missed_defect; k++) await put(oks[k] as StoredRow, 'missed_defect');
}
