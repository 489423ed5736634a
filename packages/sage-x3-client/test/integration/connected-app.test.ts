import { TestClock } from '@mlc/core';
import { type SageX3Simulator, startSageX3Simulator } from '@mlc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X3AuthError, connectedAppAuth, createX3Client } from '../../src/index.js';
import { capturingLogger, errorText } from './helpers.js';

const START = '2024-06-01T08:00:00Z';

describe('connected-application JWTs against the simulator', () => {
  let sim: SageX3Simulator;
  const serverClock = new TestClock(START);
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 5, size: 'tiny', clock: serverClock });
  });
  afterAll(() => sim?.close());

  const read = async (overrides: Partial<Parameters<typeof connectedAppAuth>[0]>, clock = serverClock) => {
    const logger = capturingLogger();
    const client = createX3Client({
      baseUrl: sim.url,
      endpoint: sim.endpoint,
      transport: 'graphql',
      clock,
      logger,
      auth: connectedAppAuth({ ...sim.credentials.connectedApp, ...overrides }),
    });
    let n = 0;
    try {
      for await (const change of client.changes('supplier')) if (change.ok) n++;
      return { n, logger };
    } catch (error) {
      return { error, logger };
    }
  };

  it('reads with a valid token (exact aud, back-dated iat)', async () => {
    const result = await read({});
    expect(result.error).toBeUndefined();
    expect(result.n).toBe(sim.control.count('supplier'));
  });

  it.each([
    ['wrong aud (trailing slash)', { audience: `${'x'}` }, 45, /audience/],
    ['wrong user', { user: 'SOMEONE' }, 42, /subject/],
    ['wrong client id', { clientId: 'not-the-app' }, 41, /issuer/],
    ['wrong secret', { secret: 'wrong-secret-planted-1234' }, 50, /signature/],
  ])('%s → X3_JWT_REJECTED with the error number and a hint', async (_name, overrides, number, hint) => {
    const o = { ...overrides };
    if ('audience' in o) o.audience = `${sim.credentials.connectedApp.audience}/`;
    const { error, logger } = await read(o);
    expect(error).toBeInstanceOf(X3AuthError);
    const e = error as X3AuthError;
    expect(e.code).toBe('X3_JWT_REJECTED');
    expect(e.status).toBe(401);
    expect(e.x3ErrorNumber).toBe(number);
    expect(e.message).toMatch(hint);
    const text = `${errorText(e)}\n${logger.lines.join('\n')}`;
    expect(text).not.toContain(sim.credentials.connectedApp.secret);
    expect(text).not.toContain('wrong-secret-planted-1234');
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('future iat (client clock far ahead) → error 21, explained as clock skew', async () => {
    const ahead = new TestClock(Date.parse(START) + 5 * 60_000);
    const { error } = await read({}, ahead);
    expect(error).toMatchObject({ name: 'X3AuthError', code: 'X3_JWT_REJECTED', x3ErrorNumber: 21 });
    expect((error as Error).message).toMatch(/future|clock/);
  });

  it('a small skew is absorbed by the back-dated iat', async () => {
    const ahead = new TestClock(Date.parse(START) + 20_000);
    const result = await read({}, ahead);
    expect(result.error).toBeUndefined();
  });

  it('expired token (client clock behind by more than the lifetime) → error 50', async () => {
    const behind = new TestClock(Date.parse(START) - 10 * 60_000);
    const { error } = await read({}, behind);
    expect(error).toMatchObject({ name: 'X3AuthError', code: 'X3_JWT_REJECTED', x3ErrorNumber: 50 });
    expect((error as Error).message).toMatch(/expired/);
  });
});
