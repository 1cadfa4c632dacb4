/**
 * The dashboard's pages as URLs (history API), so every view can be bookmarked and deep-linked:
 *   /                       fleet          /lines/{site}/{line}   one line (also /lines/{line})
 *   /agents                 agents         /gallery               defect images
 *   /roi                    ROI, baseline  /alarms                alarms
 *   /models                 model registry, fleet version mix, rollouts
 * Query parameters (window, range, filters) belong to the page and are kept as they are.
 */
export type Route =
  | { page: 'fleet' }
  /** `site` is null for `/lines/{line}`: the view finds the line's site. */
  | { page: 'line'; site: string | null; line: string }
  | { page: 'agents' }
  | { page: 'gallery' }
  | { page: 'roi' }
  | { page: 'alarms' }
  | { page: 'models' }
  | { page: 'not-found'; path: string };

export type PageName = Route['page'];

const SIMPLE = ['agents', 'gallery', 'roi', 'alarms', 'models'] as const;

export function parseRoute(pathname: string): Route {
  const parts = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts.length === 0) return { page: 'fleet' };
  const [head, a, b] = parts;
  if (head === 'lines' && a && b && parts.length === 3) return { page: 'line', site: a, line: b };
  if (head === 'lines' && a && parts.length === 2) return { page: 'line', site: null, line: a };
  if (parts.length === 1 && (SIMPLE as readonly string[]).includes(head ?? '')) {
    return { page: head as (typeof SIMPLE)[number] };
  }
  return { page: 'not-found', path: pathname };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case 'fleet':
      return '/';
    case 'line':
      return route.site === null
        ? `/lines/${encodeURIComponent(route.line)}`
        : `/lines/${encodeURIComponent(route.site)}/${encodeURIComponent(route.line)}`;
    case 'not-found':
      return route.path;
    default:
      return `/${route.page}`;
  }
}
