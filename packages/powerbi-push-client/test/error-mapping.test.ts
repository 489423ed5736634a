import { type HttpErrorContext, classifyResponse, outcomeOfStatus } from '@mlc/core';
import { describe, expect, it, vi } from 'vitest';
import { entraErrorFactory } from '../src/auth/entra-credential.js';
import { createPowerBIErrorFactory, isPowerBIAuthChallenge } from '../src/errors/power-bi-error-factory.js';
import { PowerBIAuthError, PowerBIHttpError, PowerBIThrottledError, isPowerBIError } from '../src/index.js';

function context(status: number, body: unknown, extra: Partial<HttpErrorContext> = {}): HttpErrorContext {
  return {
    status,
    headers: new Headers(),
    text: typeof body === 'string' ? body : JSON.stringify(body),
    method: 'POST',
    url: 'https://api.powerbi.com/v1.0/myorg/groups/g/datasets/d/tables/T/rows',
    kind: classifyResponse(status, extra.retryAfterMs),
    outcome: outcomeOfStatus(status, extra.retryAfterMs),
    ...extra,
  };
}

describe('Power BI error bodies (reference §2.8)', () => {
  const factory = createPowerBIErrorFactory({ groupId: 'g' });

  it('reads the rich pbi.error form and strips <pi> markers', () => {
    const error = factory(
      context(404, {
        error: {
          code: 'ItemNotFound',
          message: "Table '<pi>Orderz</pi>' not found in dataset 'd'",
        },
      }),
    ) as PowerBIHttpError;
    expect(error).toBeInstanceOf(PowerBIHttpError);
    expect(error).toMatchObject({
      status: 404,
      serviceCode: 'ItemNotFound',
      kind: 'client',
      outcome: 'not-applied',
    });
    expect(error.serviceMessage).toBe("Table 'Orderz' not found in dataset 'd'");
    expect(error.hint).toMatch(/case-sensitive/);

    const rich = factory(
      context(404, {
        error: {
          code: 'PowerBIEntityNotFound',
          'pbi.error': {
            code: 'PowerBIEntityNotFound',
            parameters: {},
            details: [{ code: 'DetailsMessage', detail: { type: 1, value: 'Dataset not found' } }],
            exceptionCulprit: 1,
          },
        },
      }),
    ) as PowerBIHttpError;
    expect(rich.serviceCode).toBe('PowerBIEntityNotFound');
    expect(rich.serviceMessage).toBe('Dataset not found');
    expect(rich.pbiError?.exceptionCulprit).toBe(1);
    expect(rich.hint).toMatch(/not a member of workspace g/);
  });

  it('reads validation details and the 429 top-level message', () => {
    const bad = factory(
      context(400, {
        error: {
          code: 'BadRequest',
          message: 'Bad Request',
          details: [{ message: "The property 'x' does not exist", target: 'dataset' }],
        },
      }),
    ) as PowerBIHttpError;
    expect(bad.errorDetails).toEqual([{ message: "The property 'x' does not exist", target: 'dataset' }]);

    const throttled = factory(
      context(
        429,
        { message: 'You have exceeded the amount of requests allowed… Retry in 3392 seconds.' },
        { retryAfterMs: 120_000 },
      ),
    );
    expect(throttled).toBeInstanceOf(PowerBIThrottledError);
    expect(throttled).toMatchObject({ kind: 'throttled', retryAfterMs: 120_000, outcome: 'not-applied' });
    expect(factory(context(503, 'busy', { retryAfterMs: 5_000 }))).toBeInstanceOf(PowerBIThrottledError);
  });

  it('turns a 403 TokenExpired that survived the forced refresh into a not-applied, retryable failure', () => {
    const error = factory(
      context(403, { error: { code: 'TokenExpired', message: 'Access token has expired' } }),
    ) as PowerBIHttpError;
    expect(error).toMatchObject({ kind: 'transient', retryable: true, outcome: 'not-applied' });
    expect(error.hint).toMatch(/fetches a new one/);
    const forbidden = factory(context(403, { error: { code: 'Forbidden' } })) as PowerBIHttpError;
    expect(forbidden).toMatchObject({ kind: 'auth', retryable: false });
    expect(forbidden.hint).toMatch(/Member or Admin/);
  });

  it('keeps a 5xx as may-have-been-applied', () => {
    expect(factory(context(500, ''))).toMatchObject({ kind: 'server', outcome: 'unknown' });
  });
});

describe('Entra ID error bodies (reference §1.4)', () => {
  it('takes the AADSTS code from error_codes, or from the description', () => {
    const error = entraErrorFactory(
      context(400, {
        error: 'invalid_request',
        error_description: 'AADSTS90002: Tenant not found.\r\nTrace ID: t\r\nCorrelation ID: c',
        trace_id: 't-1',
        correlation_id: 'c-1',
      }),
    );
    expect(error).toBeInstanceOf(PowerBIAuthError);
    expect(error).toMatchObject({
      aadstsCode: 90002,
      traceId: 't-1',
      correlationId: 'c-1',
      retryable: false,
    });
    expect(error?.message).toMatch(/Tenant not found\./);
    expect(error?.message).not.toMatch(/Trace ID: t\r/);
    expect(error?.hint).toMatch(/Tenant not found/);
  });

  it('retries temporarily_unavailable and leaves non-Entra bodies to core', () => {
    expect(
      entraErrorFactory(context(400, { error: 'temporarily_unavailable', error_codes: [] })),
    ).toMatchObject({ retryable: true });
    expect(entraErrorFactory(context(502, '<html>bad gateway</html>'))).toBeUndefined();
  });
});

describe('isPowerBIAuthChallenge', () => {
  it('asks for a forced token refresh on 401 and on 403 TokenExpired only', () => {
    const body = (code: string) => JSON.stringify({ error: { code } });
    expect(isPowerBIAuthChallenge({ status: 401, text: '' })).toBe(true);
    expect(isPowerBIAuthChallenge({ status: 403, text: body('TokenExpired') })).toBe(true);
    expect(
      isPowerBIAuthChallenge({
        status: 403,
        text: JSON.stringify({ error: { 'pbi.error': { code: 'TokenExpired' } } }),
      }),
    ).toBe(true);
    expect(isPowerBIAuthChallenge({ status: 403, text: body('Forbidden') })).toBe(false);
    expect(isPowerBIAuthChallenge({ status: 403, text: 'not json' })).toBe(false);
    expect(isPowerBIAuthChallenge({ status: 404, text: body('TokenExpired') })).toBe(false);
  });
});

describe('isPowerBIError', () => {
  it('recognises an error of a second copy of the package by core brand and code', async () => {
    vi.resetModules();
    const other = await import('../src/index.js');
    const foreign = new other.PowerBIThrottledError({ method: 'POST', url: 'https://x/', retryAfterMs: 1 });
    expect(foreign instanceof PowerBIThrottledError).toBe(false);
    expect(isPowerBIError(foreign)).toBe(true);
    expect(isPowerBIError(foreign, 'PBI_THROTTLED')).toBe(true);
    expect(isPowerBIError(foreign, 'PBI_HTTP_ERROR')).toBe(false);
  });
});
