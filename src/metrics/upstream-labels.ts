/**
 * Labels of an upstream (STM API) request: which endpoint, and how it went. Pure, so the names a
 * dashboard relies on are pinned by tests (upstream-labels.spec.ts).
 */
export function upstreamEndpoint(url: string, apiUrl: string, tokenUrl: string): string | undefined {
  const bare = url.split('?')[0];
  if (bare === tokenUrl.split('?')[0]) return 'token';
  if (!bare.startsWith(apiUrl)) return undefined;
  const path = bare.slice(apiUrl.length).replace(/\/+$/, '');
  if (path === '/buses') return 'buses';
  if (path === '/buses/busstops') return 'busstops';
  if (/^\/buses\/busstops\/\d+\/lines$/.test(path)) return 'busstop_lines';
  if (/^\/buses\/busstops\/\d+\/upcomingbuses$/.test(path)) return 'upcoming_buses';
  if (path === '/buses/linevariants') return 'linevariants';
  return 'other';
}

export type UpstreamOutcome =
  'ok' | 'rate_limited' | 'unauthorized' | 'client_error' | 'server_error' | 'timeout' | 'network_error';

export function upstreamOutcome(status: number | undefined, code?: string): UpstreamOutcome {
  if (status === undefined) {
    return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' ? 'timeout' : 'network_error';
  }
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'ok';
}
