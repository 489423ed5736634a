import type { Hono } from 'hono';
import type { SimEnv } from '../exchange.js';
import type { SimulatorState } from '../simulator-state.js';

/**
 * Redirects API requests that arrive on the main origin to the cluster origin with **307** (method and body kept).
 * [documented] reference §2.8 (S12): a request sent with `preferClientRouting=true` is answered 307 with a
 * `Location` to follow. The redirect comes before authentication and keeps the path and query ([inferred]).
 */
export function registerClusterRedirect(app: Hono<SimEnv>, state: SimulatorState): void {
  const mode = state.opts.clusterRedirects;
  if (mode === false) return;
  app.use('/v1.0/myorg/*', async (c, next) => {
    const url = new URL(c.req.url);
    const host = c.req.header('host');
    const onCluster = state.clusterOrigin !== '' && host === new URL(state.clusterOrigin).host;
    const asked = (url.searchParams.get('preferClientRouting') ?? '').toLowerCase() === 'true';
    if (onCluster || state.clusterOrigin === '' || !(asked || mode === 'always')) return next();
    return c.body(null, 307, { location: `${state.clusterOrigin}${url.pathname}${url.search}` });
  });
}
