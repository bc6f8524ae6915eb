import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'graph' }
  | { readonly page: 'api' }
  | { readonly page: 'curation'; readonly curationType: string }
  | { readonly page: 'run'; readonly name: string };

/** `#/`, `#/graph`, `#/api`, `#/curations/NAME`, `#/runs/NAME`: hash routes, so the server only ever serves `/`. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'curations' && parts[1]) return { page: 'curation', curationType: parts[1] };
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', name: parts[1] };
  if (parts[0] === 'graph' && parts.length === 1) return { page: 'graph' };
  if (parts[0] === 'api' && parts.length === 1) return { page: 'api' };
  return { page: 'overview' };
}

export const href = {
  overview: () => '#/',
  graph: () => '#/graph',
  api: () => '#/api',
  curation: (type: string) => `#/curations/${encodeURIComponent(type)}`,
  run: (name: string) => `#/runs/${encodeURIComponent(name)}`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => {
      // In-page anchors (#main) are not routes.
      if (location.hash && !location.hash.startsWith('#/')) return;
      setRoute(parseRoute(location.hash));
      // Move focus to the new page's heading so keyboard and screen reader users land on it.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
