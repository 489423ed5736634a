import type { Context, Hono } from 'hono';
import { exchange, type SimEnv } from '../exchange.js';
import type { SimulatorState } from '../simulator-state.js';
import { authenticate, replyOf } from './authenticate.js';
import { simpleError } from './error-bodies.js';
import { powerBISpec } from './spec.js';

/**
 * "My workspace" paths (`/v1.0/myorg/datasets…`) are refused for service principals ([documented] S10); every
 * other unknown path answers a JSON 404 [inferred].
 */
export function registerFallbackRoutes(app: Hono<SimEnv>, state: SimulatorState): void {
  const myWorkspace = (c: Context<SimEnv>) =>
    exchange(c, state, powerBISpec(state, 'other'), async () => {
      const auth = authenticate(c, state, { groupId: undefined, write: false, item: false });
      return auth.ok ? replyOf(simpleError(500, 'Unexpected', 'unreachable')) : auth.reply;
    });
  app.all('/v1.0/myorg/datasets', myWorkspace);
  app.all('/v1.0/myorg/datasets/*', myWorkspace);
  app.notFound((c) =>
    c.json(
      { error: { code: 'NotFound', message: `No simulated route for ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );
}
