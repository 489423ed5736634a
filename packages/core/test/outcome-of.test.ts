import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  AuthError,
  HttpError,
  MlcError,
  NetworkError,
  type RequestOutcome,
  decideRetry,
  notSent,
  outcomeOf,
  outcomeOfStatus,
  resolveRetryPolicy,
} from '../src/index.js';

const http = (status: number, retryAfterMs?: number) =>
  new HttpError({
    message: `HTTP ${status}`,
    status,
    method: 'POST',
    url: 'http://x/',
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

const network = (outcome: 'not-applied' | 'unknown', timeout = false) =>
  new NetworkError({
    message: 'failed',
    method: 'POST',
    url: 'http://x/',
    outcome,
    timeout,
    cause: new Error('x'),
  });

describe('outcomeOf: could the request behind an error have landed?', () => {
  it.each<[string, unknown, RequestOutcome]>([
    [
      'a 2xx answer that failed afterwards (body not JSON)',
      new MlcError({ message: 'x', code: 'INVALID_RESPONSE', kind: 'server', status: 200 }),
      'applied',
    ],
    ['a redirect that was not followed', http(302), 'not-applied'],
    ['a 400', http(400), 'not-applied'],
    ['a 401', http(401), 'not-applied'],
    ['a 403', http(403), 'not-applied'],
    ['a 404', http(404), 'not-applied'],
    ['a 408', http(408), 'not-applied'],
    ['a 429', http(429, 1_000), 'not-applied'],
    ['a 503 with Retry-After (a throttle)', http(503, 1_000), 'not-applied'],
    ['a 500', http(500), 'unknown'],
    ['a 502', http(502), 'unknown'],
    ['a 503 without Retry-After', http(503), 'unknown'],
    ['a 500 with Retry-After', http(500, 1_000), 'unknown'],
    ['a refused connection', network('not-applied'), 'not-applied'],
    ['a connection lost after sending', network('unknown'), 'unknown'],
    ['a timeout', network('unknown', true), 'unknown'],
    ['an abort (maybe in flight)', new AbortedError(), 'unknown'],
    ['an auth failure with no status', new AuthError({ message: 'no token' }), 'unknown'],
    ['an auth failure from a 401', new AuthError({ message: 'refused', status: 401 }), 'not-applied'],
    [
      'local validation',
      new MlcError({ message: 'bad row', code: 'VALIDATION_FAILED', kind: 'validation' }),
      'not-applied',
    ],
    [
      'a client error with no status',
      new MlcError({ message: 'bad config', code: 'CONFIG_INVALID', kind: 'client' }),
      'unknown',
    ],
    ['a server error with no status', new MlcError({ message: 'x', code: 'X', kind: 'server' }), 'unknown'],
    ['a throttle with no status', new MlcError({ message: 'x', code: 'X', kind: 'throttled' }), 'unknown'],
    [
      'an outcome given at construction',
      new MlcError({ message: 'x', code: 'X', kind: 'server', status: 500, outcome: 'not-applied' }),
      'not-applied',
    ],
    ['a foreign Error', new TypeError('fetch failed'), 'unknown'],
    ['a string', 'boom', 'unknown'],
    ['undefined', undefined, 'unknown'],
  ])('%s', (_what, error, expected) => {
    expect(outcomeOf(error)).toBe(expected);
  });

  it('says not-applied for any error raised before its request was sent, whatever the error says', () => {
    // A token endpoint's 5xx is `unknown` for the token request; the rows request never left.
    const tokenFailure = http(500);
    const rowsFailure = notSent(tokenFailure);
    expect(outcomeOf(rowsFailure)).toBe('not-applied');
    // A copy: same class and facts, and the original still describes the token request.
    expect(rowsFailure).toBeInstanceOf(HttpError);
    expect(rowsFailure).toMatchObject({ code: 'HTTP_ERROR', status: 500, message: 'HTTP 500' });
    expect(outcomeOf(tokenFailure)).toBe('unknown');
    expect(outcomeOf(notSent(new TypeError('dns')))).toBe('not-applied');
    expect(notSent(new TypeError('dns'))).toMatchObject({ code: 'NOT_SENT', retryable: false });
    expect(outcomeOf(notSent('a thrown string'))).toBe('not-applied');
    const wrapped = notSent(
      'x',
      (cause) => new AuthError({ message: 'no token', cause, outcome: 'not-applied' }),
    );
    expect(wrapped).toMatchObject({ code: 'AUTH_FAILED', outcome: 'not-applied' });
    const refused = network('not-applied');
    expect(notSent(refused)).toBe(refused);
  });

  it('reads an error of another installed copy of @mlc/core by its brand, unknown when it carries no outcome', () => {
    const brand = Symbol.for('@mlc/core/MlcError');
    const copy = (fields: Record<string, unknown>) =>
      Object.assign(new Error('x'), { [brand]: true }, fields);
    expect(outcomeOf(copy({ outcome: 'not-applied' }))).toBe('not-applied');
    expect(outcomeOf(copy({ outcome: 'applied' }))).toBe('applied');
    expect(outcomeOf(copy({}))).toBe('unknown');
    expect(outcomeOf(copy({ outcome: 'maybe' }))).toBe('unknown');
    // Not branded: a look-alike field proves nothing.
    expect(outcomeOf(Object.assign(new Error('x'), { outcome: 'not-applied' }))).toBe('unknown');
  });

  it('is what the error serialises, so logs and audit entries show it', () => {
    expect(http(500).toJSON()).toMatchObject({ outcome: 'unknown' });
  });

  it('derives the outcome of a status in one place', () => {
    expect([200, 204, 301, 400, 429, 500, 503].map((s) => outcomeOfStatus(s))).toEqual([
      'applied',
      'applied',
      'not-applied',
      'not-applied',
      'not-applied',
      'unknown',
      'unknown',
    ]);
    expect(outcomeOfStatus(503, 0)).toBe('not-applied');
  });
});

describe('decideRetry reads outcomeOf for requests that are not idempotent', () => {
  const policy = resolveRetryPolicy({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 });
  const post = { attempt: 1, throttled: 0, idempotent: false };

  it('never repeats a POST that may have landed', () => {
    expect(decideRetry(http(500), post, policy, () => 0)).toEqual({
      action: 'throw',
      reason: 'may-have-been-applied',
    });
    expect(decideRetry(network('unknown', true), post, policy, () => 0)).toMatchObject({ action: 'throw' });
    const applied = new MlcError({ message: 'x', code: 'X', kind: 'server', status: 200, retryable: true });
    expect(decideRetry(applied, post, policy, () => 0)).toEqual({
      action: 'throw',
      reason: 'may-have-been-applied',
    });
  });

  it('repeats a POST that certainly did not land', () => {
    expect(decideRetry(http(503, 2_000), post, policy, () => 0)).toMatchObject({
      action: 'retry',
      delayMs: 2_000,
    });
    expect(decideRetry(network('not-applied'), post, policy, () => 0)).toMatchObject({ action: 'retry' });
    // The credentials could not be fetched (token endpoint 5xx): nothing of the POST left.
    expect(decideRetry(notSent(http(500)), post, policy, () => 0)).toMatchObject({
      action: 'retry',
    });
  });
});
