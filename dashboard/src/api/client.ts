import type { Http } from './http.ts';
import { createQualityClient } from './quality-client.ts';
import { createRolloutClient } from './rollout-client.ts';
import type {
  AgentsResponse,
  ClockResponse,
  CoverageResponse,
  HealthResponse,
  LinesResponse,
  RecipesResponse,
  SampleLabelResponse,
  SamplesResponse,
  SeriesResponse,
} from './types.ts';

export interface SeriesQuery {
  site: string;
  line: string;
  /** minute, hour, shift, day or a length like 15m. */
  bucket: string;
  from: number;
  to: number;
  refFrom?: number;
  refTo?: number;
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v));
  return search.toString();
};

export type ApiClient = ReturnType<typeof createApiClient>;

/** Typed reads of the hub's API; every call takes an AbortSignal so a view that goes away cancels it. */
export function createApiClient(http: Http) {
  return {
    http,
    quality: createQualityClient(http),
    rollout: createRolloutClient(http),
    health: (signal?: AbortSignal) => http.json<HealthResponse>('api/health', { signal, timeoutMs: 4_000 }),
    lines: (window: string, signal?: AbortSignal) =>
      http.json<LinesResponse>(`api/lines?${query({ window })}`, { signal }),
    coverage: (window: string, signal?: AbortSignal) =>
      http.json<CoverageResponse>(`api/coverage?${query({ window })}`, { signal }),
    clock: (signal?: AbortSignal) => http.json<ClockResponse>('api/clock', { signal }),
    /** Each line split by product (recipe) over a window ending now; 404 on a hub without recipes. */
    recipes: (window: string, signal?: AbortSignal) =>
      http.json<RecipesResponse>(`api/recipes?${query({ window })}`, { signal }),
    agents: (signal?: AbortSignal) => http.json<AgentsResponse>('api/agents', { signal }),
    series: (q: SeriesQuery, signal?: AbortSignal) =>
      http.json<SeriesResponse>(
        `api/series?${query({
          site: q.site,
          line: q.line,
          bucket: q.bucket,
          from: q.from,
          to: q.to,
          ref_from: q.refFrom,
          ref_to: q.refTo,
        })}`,
        { signal },
      ),
    samples: (
      q: { site?: string; line?: string; agent?: string; verdict?: string; before?: string; limit?: number },
      signal?: AbortSignal,
    ) => http.json<SamplesResponse>(`api/samples?${query({ ...q })}`, { signal }),
    /** The image bytes (immutable, cached by the browser). */
    sampleUrl: (sha256: string) => http.url(`api/samples/${sha256}`),
    sampleLabel: (sha256: string, label: string | null) =>
      http.json<SampleLabelResponse>(`api/samples/${sha256}/label`, { method: 'PUT', body: { label } }),
  };
}
