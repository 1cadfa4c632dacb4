import { parseRoute, type Route, routePath } from '../model/route.ts';

/**
 * History-API routing: same-origin links anywhere in the page (shadow roots included) navigate without a
 * reload; back and forward work; every page has its own URL.
 */
export function createRouter(onRoute: (route: Route) => void) {
  const current = () => parseRoute(location.pathname);

  const onClick = (event: MouseEvent) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  };
  const onPop = () => onRoute(current());

  function navigate(path: string, replace = false): void {
    if (path === location.pathname + location.search) return;
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    onRoute(current());
    if (!replace) window.scrollTo({ top: 0 });
  }

  return {
    current,
    navigate,
    go: (route: Route) => navigate(routePath(route)),
    start() {
      document.addEventListener('click', onClick);
      window.addEventListener('popstate', onPop);
    },
    stop() {
      document.removeEventListener('click', onClick);
      window.removeEventListener('popstate', onPop);
    },
  };
}

/** Reads one query parameter of the page's URL. */
export const queryParam = (name: string) => new URLSearchParams(location.search).get(name);

/** Sets (or with null removes) query parameters of the page's URL without a new history entry. */
export function setQueryParams(params: Record<string, string | null>): void {
  const url = new URL(location.href);
  for (const [k, v] of Object.entries(params)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  history.replaceState(null, '', url);
}
