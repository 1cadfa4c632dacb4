import type { Http } from './http.ts';
import type {
  Alarm,
  AlarmRule,
  AlarmRuleBody,
  AlarmRulesResponse,
  AlarmsResponse,
  AuditSample,
  BaselineResponse,
  FleetRoiResponse,
  Label,
  LabelKind,
  LabelsResponse,
  LineMode,
  LineModeState,
  ModesResponse,
  OpportunityResponse,
  RoiInputs,
  RoiInputsState,
  RoiReport,
} from './types.ts';

const q = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
};
const seg = encodeURIComponent;
const linePath = (site: string, line: string) => `api/lines/${seg(site)}/${seg(line)}`;

export type QualityClient = ReturnType<typeof createQualityClient>;

/** The quality-economics side of the hub: modes, baseline, ROI, labels and the audit, alarms. */
export function createQualityClient(http: Http) {
  return {
    modes: (signal?: AbortSignal) => http.json<ModesResponse>('api/modes', { signal }),
    lineMode: (site: string, line: string, signal?: AbortSignal) =>
      http.json<LineModeState>(`${linePath(site, line)}/mode`, { signal }),
    setMode: (site: string, line: string, mode: LineMode, note?: string) =>
      http.json<LineModeState>(`${linePath(site, line)}/mode`, {
        method: 'PUT',
        body: { mode, ...(note ? { note } : {}) },
      }),
    goLive: (site: string, line: string, note?: string) =>
      http.json<LineModeState>(`${linePath(site, line)}/go-live`, {
        method: 'POST',
        body: note ? { note } : {},
      }),

    baseline: (site: string, line: string, signal?: AbortSignal) =>
      http.json<BaselineResponse>(`${linePath(site, line)}/baseline`, { signal }),
    freezeBaseline: (site: string, line: string, body: { from: number; to: number; note?: string }) =>
      http.json<BaselineResponse>(`${linePath(site, line)}/baseline`, { method: 'POST', body }),

    roiInputs: (site: string, line: string, signal?: AbortSignal) =>
      http.json<RoiInputsState>(`${linePath(site, line)}/roi/inputs`, { signal }),
    setRoiInputs: (site: string, line: string, patch: Partial<RoiInputs> & { note?: string }) =>
      http.json<RoiInputsState>(`${linePath(site, line)}/roi/inputs`, { method: 'PUT', body: patch }),
    roi: (site: string, line: string, range: { from?: number; to?: number }, signal?: AbortSignal) =>
      http.json<RoiReport>(`${linePath(site, line)}/roi${q(range)}`, { signal }),
    fleetRoi: (window: string, signal?: AbortSignal) =>
      http.json<FleetRoiResponse>(`api/roi${q({ window })}`, { signal }),
    opportunity: (window: string, signal?: AbortSignal) =>
      http.json<OpportunityResponse>(`api/roi/opportunity${q({ window })}`, { signal }),
    /** The hub's printable period report (HTML), to open in a new tab. */
    reportUrl: (range: { site?: string; line?: string; from?: number; to?: number }) =>
      http.url(`api/report${q(range)}`),

    label: (
      ref: { site: string; line: string; agent: string; seq: number },
      kind: LabelKind | null,
      extra: { note?: string; ts?: number } = {},
    ) =>
      http.json<Label | null>(`api/labels/${seg(ref.site)}/${seg(ref.line)}/${seg(ref.agent)}/${ref.seq}`, {
        method: 'PUT',
        body: { kind, ...extra },
      }),
    labels: (
      query: { site?: string; line?: string; agent?: string; from?: number; to?: number; limit?: number },
      signal?: AbortSignal,
    ) => http.json<LabelsResponse>(`api/labels${q(query)}`, { signal }),
    audit: (site: string, line: string, range: { from?: number; to?: number }, signal?: AbortSignal) =>
      http.json<AuditSample>(`${linePath(site, line)}/audit${q(range)}`, { signal }),

    alarms: (state: 'open' | 'active' | 'acknowledged' | 'cleared' | 'all', signal?: AbortSignal) =>
      http.json<AlarmsResponse>(`api/alarms${q({ state })}`, { signal }),
    acknowledge: (id: number, note: string) =>
      http.json<Alarm>(`api/alarms/${id}/ack`, { method: 'POST', body: { note } }),
    alarmRules: (signal?: AbortSignal) => http.json<AlarmRulesResponse>('api/alarms/rules', { signal }),
    saveAlarmRule: (id: string, body: AlarmRuleBody) =>
      http.json<AlarmRule>(`api/alarms/rules/${seg(id)}`, { method: 'PUT', body }),
  };
}
