import type { Context, Hono } from 'hono';
import { SAGE_X3_ENTITY_NAMES, type SageX3EntityName } from '../data/entity-definition.js';
import type { SageX3FaultOptions } from '../faults/fault-options.js';
import type { SageX3Env } from './sage-x3-sim-state.js';
import type { SageX3SimRecordChanges, SageX3SimulatorControl } from './sage-x3-simulator.js';

/**
 * Mounts the control API over HTTP under `/__sim` (for out-of-process use, e.g. the CLI). Not part of X3; it
 * has no auth because the simulator listens on loopback.
 */
export function mountControlRoutes(
  app: Hono<SageX3Env>,
  control: SageX3SimulatorControl,
  record: (c: Context<SageX3Env>, status: number) => void,
): void {
  const entityOf = (c: Context<SageX3Env>): SageX3EntityName | undefined => {
    const e = c.req.param('entity');
    return SAGE_X3_ENTITY_NAMES.find((n) => n === e);
  };
  const run = async (c: Context<SageX3Env>, fn: () => unknown | Promise<unknown>): Promise<Response> => {
    try {
      const result = await fn();
      record(c, 200);
      return c.json((result ?? { ok: true }) as Record<string, unknown>, 200);
    } catch (e) {
      record(c, 400);
      return c.json({ error: e instanceof Error ? e.message : String(e) }, 400);
    }
  };
  const body = async <T>(c: Context<SageX3Env>): Promise<T> =>
    ((await c.req.json().catch(() => ({}))) ?? {}) as T;
  const needEntity = (c: Context<SageX3Env>): SageX3EntityName => {
    const e = entityOf(c);
    if (!e) throw new Error(`unknown entity ${c.req.param('entity') ?? ''}`);
    return e;
  };

  app.get('/__sim/requests', (c) => run(c, () => ({ entries: control.requestLog() })));
  app.delete('/__sim/requests', (c) => run(c, () => control.clearRequestLog()));
  app.put('/__sim/faults', (c) => run(c, async () => control.setFaults(await body<SageX3FaultOptions>(c))));
  app.delete('/__sim/faults', (c) => run(c, () => control.clearFaults()));
  app.get('/__sim/records/:entity/:key', (c) =>
    run(c, () => {
      const r = control.get(needEntity(c), c.req.param('key'));
      if (!r) throw new Error('not found');
      return r;
    }),
  );
  app.get('/__sim/records/:entity', (c) =>
    run(c, () => {
      const e = needEntity(c);
      return { entity: e, count: control.count(e), lines: control.lineCount(e) };
    }),
  );
  app.post('/__sim/records/:entity', (c) =>
    run(c, async () =>
      control.insert(needEntity(c), await body<SageX3SimRecordChanges & { key?: string }>(c)),
    ),
  );
  app.patch('/__sim/records/:entity/:key', (c) =>
    run(c, async () =>
      control.update(needEntity(c), c.req.param('key'), await body<SageX3SimRecordChanges>(c)),
    ),
  );
  app.delete('/__sim/records/:entity/:key', (c) =>
    run(c, () => control.delete(needEntity(c), c.req.param('key'))),
  );
  app.post('/__sim/oauth/revoke', (c) =>
    run(c, async () => {
      const b = await body<{ clientId?: string; refreshToken?: string }>(c);
      if (b.refreshToken) return { revoked: control.revokeRefreshToken(b.refreshToken) ? 1 : 0 };
      return { revoked: control.revokeTokens(b.clientId) };
    }),
  );
  app.post('/__sim/oauth/code', (c) =>
    run(c, async () => ({
      authorizationCode: control.issueAuthorizationCode((await body<{ clientId?: string }>(c)).clientId),
    })),
  );
  app.post('/__sim/oauth/refresh-token', (c) =>
    run(c, async () => control.mintRefreshToken((await body<{ clientId?: string }>(c)).clientId)),
  );
}
