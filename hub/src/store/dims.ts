import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { AgentRef } from '@sightline/protocol';

/**
 * Dictionary encoding of site/line, agent and model: raw rows carry small integer ids (compact, and group-bys
 * hash integers instead of text). Ids are assigned in memory; a commit inserts the new dictionary rows in the
 * same transaction as the rows that use them and `apply` makes them permanent only after the commit.
 */
export interface AgentIds {
  agentId: number;
  lineId: number;
}

export interface DimsBatch {
  agent(ref: AgentRef): AgentIds;
  model(id: string, version: string): number;
  /** Writes the dictionary rows this batch created. */
  write(sql: { run(sql: string, params: DuckDBValue[]): Promise<unknown> }): Promise<void>;
  /** True when the batch created no ids. */
  isEmpty(): boolean;
  /** Agents first seen in this batch. */
  readonly newAgents: ReadonlyArray<AgentRef & AgentIds>;
}

export interface Dims {
  /** Ids of an agent already committed, if any. */
  lookup(ref: AgentRef): AgentIds | undefined;
  agentById(agentId: number): (AgentRef & AgentIds) | undefined;
  /** Every committed agent. */
  allAgents(): IterableIterator<AgentRef & AgentIds>;
  lineById(lineId: number): { site: string; line: string } | undefined;
  lineId(site: string, line: string): number | undefined;
  batch(): DimsBatch;
  apply(batch: DimsBatch): void;
  /** Loads the dictionaries from the database (start-up). */
  load(conn: DuckDBConnection): Promise<void>;
}

const lineKey = (site: string, line: string) => `${site}/${line}`;
const agentKey = (ref: AgentRef) => `${ref.site}/${ref.line}/${ref.agent}`;

export function createDims(): Dims {
  const lines = new Map<string, number>();
  const lineNames = new Map<number, { site: string; line: string }>();
  const agents = new Map<string, AgentRef & AgentIds>();
  const agentsById = new Map<number, AgentRef & AgentIds>();
  const models = new Map<string, number>();
  let maxLine = 0;
  let maxAgent = 0;
  let maxModel = 0;

  type Staged = {
    lines: Map<string, { id: number; site: string; line: string }>;
    agents: Map<string, AgentRef & AgentIds>;
    models: Map<string, { key: number; id: string; version: string }>;
  };
  const stagedOf = new WeakMap<DimsBatch, Staged>();

  return {
    lookup: (ref) => agents.get(agentKey(ref)),
    agentById: (id) => agentsById.get(id),
    allAgents: () => agentsById.values(),
    lineById: (id) => lineNames.get(id),
    lineId: (site, line) => lines.get(lineKey(site, line)),
    batch() {
      const staged: Staged = { lines: new Map(), agents: new Map(), models: new Map() };
      let nextLine = maxLine;
      let nextAgent = maxAgent;
      let nextModel = maxModel;
      const batch: DimsBatch = {
        agent(ref) {
          const key = agentKey(ref);
          const known = agents.get(key) ?? staged.agents.get(key);
          if (known) return known;
          const lk = lineKey(ref.site, ref.line);
          let lineId = lines.get(lk) ?? staged.lines.get(lk)?.id;
          if (lineId === undefined) {
            lineId = ++nextLine;
            staged.lines.set(lk, { id: lineId, site: ref.site, line: ref.line });
          }
          const entry = { site: ref.site, line: ref.line, agent: ref.agent, agentId: ++nextAgent, lineId };
          staged.agents.set(key, entry);
          return entry;
        },
        model(id, version) {
          const key = `${id}@${version}`;
          const known = models.get(key) ?? staged.models.get(key)?.key;
          if (known !== undefined) return known;
          const entry = { key: ++nextModel, id, version };
          staged.models.set(key, entry);
          return entry.key;
        },
        isEmpty: () => staged.lines.size === 0 && staged.agents.size === 0 && staged.models.size === 0,
        async write(conn) {
          for (const l of staged.lines.values()) {
            await conn.run('INSERT INTO lines VALUES ($1, $2, $3)', [l.id, l.site, l.line]);
          }
          for (const a of staged.agents.values()) {
            await conn.run(
              'INSERT INTO agents (agent_id, line_id, site, line, agent, last_seen_ts) VALUES ($1, $2, $3, $4, $5, 0)',
              [a.agentId, a.lineId, a.site, a.line, a.agent],
            );
          }
          for (const m of staged.models.values()) {
            await conn.run('INSERT INTO models VALUES ($1, $2, $3)', [m.key, m.id, m.version]);
          }
        },
        get newAgents() {
          return [...staged.agents.values()];
        },
      };
      stagedOf.set(batch, staged);
      return batch;
    },
    apply(batch) {
      const staged = stagedOf.get(batch);
      if (!staged) return;
      for (const [k, l] of staged.lines) {
        lines.set(k, l.id);
        lineNames.set(l.id, { site: l.site, line: l.line });
        maxLine = Math.max(maxLine, l.id);
      }
      for (const [k, a] of staged.agents) {
        agents.set(k, a);
        agentsById.set(a.agentId, a);
        maxAgent = Math.max(maxAgent, a.agentId);
      }
      for (const [k, m] of staged.models) {
        models.set(k, m.key);
        maxModel = Math.max(maxModel, m.key);
      }
    },
    async load(conn) {
      for (const row of (
        await conn.runAndReadAll('SELECT line_id, site, line FROM lines')
      ).getRowObjectsJS()) {
        const id = Number(row.line_id);
        lines.set(lineKey(String(row.site), String(row.line)), id);
        lineNames.set(id, { site: String(row.site), line: String(row.line) });
        maxLine = Math.max(maxLine, id);
      }
      const agentRows = await conn.runAndReadAll('SELECT agent_id, line_id, site, line, agent FROM agents');
      for (const row of agentRows.getRowObjectsJS()) {
        const entry = {
          site: String(row.site),
          line: String(row.line),
          agent: String(row.agent),
          agentId: Number(row.agent_id),
          lineId: Number(row.line_id),
        };
        agents.set(agentKey(entry), entry);
        agentsById.set(entry.agentId, entry);
        maxAgent = Math.max(maxAgent, entry.agentId);
      }
      for (const row of (
        await conn.runAndReadAll('SELECT model_key, id, version FROM models')
      ).getRowObjectsJS()) {
        models.set(`${row.id}@${row.version}`, Number(row.model_key));
        maxModel = Math.max(maxModel, Number(row.model_key));
      }
    },
  };
}
