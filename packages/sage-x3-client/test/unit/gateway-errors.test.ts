import { TestClock } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { X3GatewayError, basicAuth, createX3Client, isX3GatewayError } from '../../src/index.js';
import { errorText } from '../integration/helpers.js';

// Recorded shapes of the Sage cloud gateway error table ([documented] reference §2.8, developer.sage.com
// "api-error-codes"): a 500 carries `$severity`/`$dataCode`/`$message`/`$source`.
const GATEWAY_500 = {
  $severity: 'error',
  $dataCode: 'InternalServerError',
  $message: '',
  $source: 'Gateway',
};
const SECRET = 'p-planted-secret-gw';

function client(responses: Array<() => Response>, clock = new TestClock()) {
  const seen: string[] = [];
  const fetch = (async (input: Request) => {
    seen.push(`${input.method} ${new URL(input.url).pathname}`);
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    return next();
  }) as unknown as typeof globalThis.fetch;
  const x3 = createX3Client({
    baseUrl: 'https://api.eu-prod-sagex3.com',
    graphqlUrl: 'https://api.eu-prod-sagex3.com/v1/service/X3CLOUDV2_SEED/api',
    endpoint: 'X3CLOUDV2_SEED',
    auth: basicAuth({ user: 'u', password: SECRET }),
    fetch,
    clock,
    introspection: false,
    retry: { maxAttempts: 2 },
  });
  return { x3, seen, clock };
}

describe('Sage cloud gateway error bodies', () => {
  it('surface $dataCode and $source on a typed, retried server error', async () => {
    const { x3, seen, clock } = client([
      () => Response.json(GATEWAY_500, { status: 500 }),
      () => Response.json(GATEWAY_500, { status: 500 }),
    ]);
    const error = await clock.run(x3.graphql.request('{ x }').catch((e: unknown) => e));
    expect(error).toBeInstanceOf(X3GatewayError);
    const e = error as X3GatewayError;
    expect(isX3GatewayError(e)).toBe(true);
    expect(e).toMatchObject({
      code: 'X3_GATEWAY_ERROR',
      kind: 'server',
      status: 500,
      dataCode: 'InternalServerError',
      source: 'Gateway',
      severity: 'error',
      retryable: true,
    });
    expect(e.message).toContain('InternalServerError');
    expect(e.message).toContain('Gateway');
    expect(e.toJSON().details).toMatchObject({ dataCode: 'InternalServerError', source: 'Gateway' });
    // Retried like any 5xx (maxAttempts 2), then thrown.
    expect(seen).toHaveLength(2);
  });

  it('a gateway 429 is throttled with its Retry-After, then succeeds', async () => {
    const { x3, seen, clock } = client([
      () =>
        Response.json(
          { $severity: 'error', $dataCode: 'TooManyRequests', $message: 'slow down', $source: 'Gateway' },
          { status: 429, headers: { 'retry-after': '3' } },
        ),
      () => Response.json({ data: { ok: true } }),
    ]);
    const started = clock.now();
    const result = await clock.run(x3.graphql.request('{ x }'));
    expect(result.data).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    expect(clock.now() - started).toBeGreaterThanOrEqual(3_000);
  });

  it('a gateway 4xx is not retried and its message is redacted', async () => {
    const { x3, seen, clock } = client([
      () =>
        Response.json(
          {
            $severity: 'error',
            $dataCode: 'BadRequest',
            $message: `bad token ${SECRET}`,
            $source: 'Gateway',
          },
          { status: 400 },
        ),
    ]);
    const error = (await clock.run(x3.graphql.request('{ x }').catch((e: unknown) => e))) as X3GatewayError;
    expect(error).toBeInstanceOf(X3GatewayError);
    expect(error).toMatchObject({
      kind: 'client',
      retryable: false,
      dataCode: 'BadRequest',
      source: 'Gateway',
    });
    expect(seen).toHaveLength(1);
    expect(errorText(error)).not.toContain(SECRET);
  });
});
