import type { Birth } from '@sightline/protocol';
import type { Logger } from 'pino';
import { type Ledger, lineKey } from '../ledger/index.ts';
import type { CommitNotice, ResultStore } from '../store/index.ts';
import { controlChartPoint, inScope, lowCoverage, offlineAgents, param } from './conditions.ts';
import { type AlarmBook, type Condition, conditionKey } from './engine.ts';

export interface AlarmEvaluator {
  /** Runs the timed checks now: offline agents, quiet-time clears, coverage, control charts. */
  tick(): Promise<void>;
  close(): void;
}

const agentKey = (a: { site: string; line: string; agent: string }) => `${a.site}/${a.line}/${a.agent}`;
/** The camera an event is about: its detail, else the id after "camera " that starts its message. */
const cameraOf = (e: { message: string; detail?: Record<string, unknown> }) =>
  typeof e.detail?.camera === 'string' ? e.detail.camera : (/^camera ([^\s:]+)/.exec(e.message)?.[1] ?? null);

/**
 * Evaluates the rules: agent state, births and events as each commit stores them (so a will or a lost camera
 * raises at once), and the rest on a timer. One evaluation runs at a time; none is awaited by ingest.
 */
export function createAlarmEvaluator(deps: {
  store: ResultStore;
  ledger: Ledger;
  book: AlarmBook;
  log: Logger;
  now?: () => number;
  /** Timer period; 0 leaves ticking to the caller (tests). */
  everyMs?: number;
  /** Coverage is measured at most this often. */
  coverageEveryMs?: number;
}): AlarmEvaluator {
  const { store, ledger, book, log, now = Date.now } = deps;
  const models = new Map<string, string>();
  const judged = new Map<string, number>();
  let lastCoverage = 0;
  let chain: Promise<void> = Promise.resolve();
  const serial = (what: string, work: () => Promise<void>) => {
    chain = chain
      .then(work)
      .catch((err: Error) =>
        log.warn(
          { event: 'alarm_eval_failed', what, err: err.message },
          'alarm evaluation failed; retried on the next tick',
        ),
      );
    return chain;
  };
  const rulesOf = (kind: string) => book.rules().filter((r) => r.kind === kind && r.enabled);

  async function offline() {
    const agents = await store.agents();
    for (const a of agents)
      if (a.birth && !models.has(agentKey(a)))
        models.set(agentKey(a), `${a.birth.model.id}@${a.birth.model.version}`);
    for (const rule of rulesOf('agent_offline')) {
      const found = offlineAgents(rule, agents, now());
      for (const c of found) await book.raise(rule, c, now());
      await book.settle(rule, new Set(found.map((c) => conditionKey(rule.id, c))), now());
    }
  }

  async function onCommit(notice: CommitNotice) {
    const at = now();
    let stateChanged = false;
    for (const a of notice.agents) {
      if (a.column === 'state') stateChanged = true;
      if (a.column !== 'birth') continue;
      stateChanged = true;
      const birth = a.value as Birth;
      const model = `${birth.model.id}@${birth.model.version}`;
      const before = models.get(agentKey(a));
      models.set(agentKey(a), model);
      if (before === undefined || before === model) continue;
      for (const rule of rulesOf('model_change').filter((r) => inScope(r, a))) {
        await book.raise(
          rule,
          {
            site: a.site,
            line: a.line,
            agent: a.agent,
            subject: null,
            since: birth.ts,
            message: `agent ${a.agent} on ${a.site}/${a.line} now runs model ${model} (was ${before})`,
            detail: { from: before, to: model },
          },
          at,
        );
      }
    }
    for (const { event, ...a } of notice.events) {
      const camera = cameraOf(event);
      if (event.kind === 'camera_lost' || event.kind === 'camera_restored') {
        for (const rule of rulesOf('camera_lost').filter((r) => inScope(r, a))) {
          const c: Condition = {
            ...a,
            subject: camera,
            since: event.ts,
            message: `${a.site}/${a.line}/${a.agent}: ${event.message}`,
            detail: { event: event.kind },
          };
          if (event.kind === 'camera_lost') await book.raise(rule, c, at);
          else await book.clear(conditionKey(rule.id, c), at, 'camera restored');
        }
      } else if (event.kind === 'outbox_overflow') {
        for (const rule of rulesOf('outbox_overflow').filter((r) => inScope(r, a))) {
          await book.raise(
            rule,
            {
              ...a,
              subject: null,
              since: event.ts,
              message: `${a.site}/${a.line}/${a.agent}: ${event.message}`,
              detail: event.detail ?? {},
            },
            at,
          );
        }
      }
    }
    if (stateChanged) offlineSoon();
  }

  // A reconnect storm brings a birth and a state per agent: one check of every agent covers all that are queued.
  let offlineQueued = false;
  function offlineSoon() {
    if (offlineQueued) return;
    offlineQueued = true;
    void serial('offline', async () => {
      offlineQueued = false;
      await offline();
    });
  }

  /** Event alarms (outbox overflow, model change) clear after their quiet time. */
  async function quietClears() {
    const at = now();
    for (const a of [...book.open()]) {
      const rule = book.rules().find((r) => r.id === a.rule);
      if (!rule || (rule.kind !== 'outbox_overflow' && rule.kind !== 'model_change')) continue;
      if (at - a.last_ts >= param(rule, 'hold_s') * 1000)
        await book.clear(a.key, at, `quiet for ${param(rule, 'hold_s')} s`);
    }
  }

  async function coverage() {
    const rules = rulesOf('coverage_low');
    if (rules.length === 0 || now() - lastCoverage < (deps.coverageEveryMs ?? 30_000)) return;
    lastCoverage = now();
    for (const windowS of new Set(rules.map((r) => param(r, 'window_s')))) {
      const end = now();
      const lines = await store.lineCounts({ start: end - windowS * 1000, end });
      for (const rule of rules.filter((r) => param(r, 'window_s') === windowS)) {
        const found = lowCoverage(rule, lines, end - windowS * 1000);
        for (const c of found) await book.raise(rule, c, end);
        await book.settle(rule, new Set(found.map((c) => conditionKey(rule.id, c))), end);
      }
    }
  }

  async function controlCharts() {
    const rules = rulesOf('control_chart');
    if (rules.length === 0) return;
    const baselines = [...(await ledger.baselines.all()).values()].filter((b) => b.p_bar !== null);
    for (const rule of rules) {
      const bucketMs = param(rule, 'bucket_minutes') * 60_000;
      const end = Math.floor(now() / bucketMs) * bucketMs;
      for (const b of baselines.filter((x) => inScope(rule, x))) {
        const seen = `${rule.id}|${lineKey(b)}`;
        if (judged.get(seen) === end) continue;
        const point = await controlChartPoint(store, rule, b, end);
        if (point === undefined) continue;
        judged.set(seen, end);
        if (point) await book.raise(rule, point, now());
        else
          await book.clear(
            conditionKey(rule.id, { site: b.site, line: b.line, agent: null, subject: null }),
            now(),
            'back within the control limits',
          );
      }
    }
  }

  const unsubscribe = store.onCommit((notice) => {
    if (notice.agents.length > 0 || notice.events.length > 0) void serial('commit', () => onCommit(notice));
  });
  const tick = () =>
    serial('tick', async () => {
      await offline();
      await quietClears();
      await coverage();
      await controlCharts();
    });
  const timer = deps.everyMs === 0 ? undefined : setInterval(() => void tick(), deps.everyMs ?? 5000);
  timer?.unref();

  return {
    tick,
    close() {
      unsubscribe();
      if (timer) clearInterval(timer);
    },
  };
}
