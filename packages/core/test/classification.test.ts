import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  HttpError,
  MlcError,
  NetworkError,
  classifyStatus,
  computeBackoff,
  decideRetry,
  describeFetchFailure,
  isMlcError,
  resolveRetryPolicy,
} from '../src/index.js';

const policy = resolveRetryPolicy({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 });
const http = (status: number, extra: Partial<{ retryAfterMs: number }> = {}) =>
  new HttpError({ message: `HTTP ${status}`, status, method: 'GET', url: 'http://x/', ...extra });

describe('failure classification', () => {
  it('classifies statuses', () => {
    expect(classifyStatus(408)).toBe('transient');
    expect(classifyStatus(429)).toBe('throttled');
    expect(classifyStatus(500)).toBe('server');
    expect(classifyStatus(503)).toBe('server');
    expect(classifyStatus(400)).toBe('client');
    expect(classifyStatus(404)).toBe('client');
    expect(classifyStatus(401)).toBe('auth');
    expect(classifyStatus(403)).toBe('auth');
  });

  it('marks retryability by kind', () => {
    expect(http(429).retryable).toBe(true);
    expect(http(502).retryable).toBe(true);
    expect(http(408).retryable).toBe(true);
    expect(http(400).retryable).toBe(false);
    expect(http(401).retryable).toBe(false);
    expect(new AbortedError().retryable).toBe(false);
  });

  it('tells network failures that never reached the server from ambiguous ones', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    const reset = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
    });
    const tls = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('x'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    });
    expect(describeFetchFailure(refused)).toMatchObject({ kind: 'transient', outcome: 'not-applied' });
    expect(describeFetchFailure(reset)).toMatchObject({ kind: 'transient', outcome: 'unknown' });
    expect(describeFetchFailure(tls)).toMatchObject({ kind: 'client', outcome: 'not-applied' });
  });

  it('recognises SDK errors across package copies by a global brand', () => {
    const err = new MlcError({ message: 'x', code: 'X', kind: 'client' });
    expect(isMlcError(err)).toBe(true);
    expect(isMlcError(new Error('x'))).toBe(false);
    const foreign = Object.create(Error.prototype);
    Object.defineProperty(foreign, Symbol.for('@mlc/core/MlcError'), { value: true });
    expect(isMlcError(foreign)).toBe(true);
  });
});

describe('decideRetry', () => {
  const fixed = () => 0.5;

  it('waits Retry-After on 429 without consuming an attempt', () => {
    const decision = decideRetry(
      http(429, { retryAfterMs: 7000 }),
      { attempt: 3, throttled: 0, idempotent: false },
      policy,
      fixed,
    );
    expect(decision).toEqual({ action: 'retry', delayMs: 7000, consumesAttempt: false, reason: 'throttled' });
  });

  it('caps Retry-After and bounds consecutive throttling', () => {
    const capped = resolveRetryPolicy({ maxRetryAfterMs: 2000, maxThrottledRetries: 2 });
    expect(
      decideRetry(
        http(429, { retryAfterMs: 60_000 }),
        { attempt: 1, throttled: 0, idempotent: true },
        capped,
      ),
    ).toMatchObject({ delayMs: 2000 });
    expect(decideRetry(http(429), { attempt: 1, throttled: 2, idempotent: true }, capped)).toEqual({
      action: 'throw',
      reason: 'throttled-too-long',
    });
  });

  it('gives up at once on a Retry-After beyond the cap when asked to (the caller parks the work)', () => {
    const capped = resolveRetryPolicy({ maxRetryAfterMs: 120_000 });
    const long = http(429, { retryAfterMs: 3_392_000 });
    expect(decideRetry(long, { attempt: 1, throttled: 0, idempotent: false }, capped)).toMatchObject({
      action: 'retry',
      delayMs: 120_000,
    });
    expect(
      decideRetry(
        long,
        { attempt: 1, throttled: 0, idempotent: false, beyondMaxRetryAfter: 'throw' },
        capped,
      ),
    ).toEqual({ action: 'throw', reason: 'retry-after-beyond-cap' });
    expect(
      decideRetry(
        http(429, { retryAfterMs: 60_000 }),
        { attempt: 1, throttled: 0, idempotent: false, beyondMaxRetryAfter: 'throw' },
        capped,
      ),
    ).toMatchObject({ action: 'retry', delayMs: 60_000 });
  });

  it('backs off exponentially on 5xx and stops after maxAttempts', () => {
    expect(
      decideRetry(http(503), { attempt: 1, throttled: 0, idempotent: true }, policy, fixed),
    ).toMatchObject({ action: 'retry', delayMs: 50 });
    expect(
      decideRetry(http(503), { attempt: 2, throttled: 0, idempotent: true }, policy, fixed),
    ).toMatchObject({ action: 'retry', delayMs: 100 });
    expect(decideRetry(http(503), { attempt: 3, throttled: 0, idempotent: true }, policy, fixed)).toEqual({
      action: 'throw',
      reason: 'attempts-exhausted',
    });
  });

  it('never repeats a non-idempotent request that may have been applied', () => {
    const ambiguous = new NetworkError({
      message: 'reset',
      method: 'POST',
      url: 'http://x/',
      outcome: 'unknown',
      cause: new Error('reset'),
    });
    expect(decideRetry(ambiguous, { attempt: 1, throttled: 0, idempotent: false }, policy)).toEqual({
      action: 'throw',
      reason: 'may-have-been-applied',
    });
    expect(decideRetry(ambiguous, { attempt: 1, throttled: 0, idempotent: true }, policy)).toMatchObject({
      action: 'retry',
    });
  });

  it('does not retry client, auth or foreign errors', () => {
    expect(decideRetry(http(400), { attempt: 1, throttled: 0, idempotent: true }, policy).action).toBe(
      'throw',
    );
    expect(decideRetry(http(403), { attempt: 1, throttled: 0, idempotent: true }, policy).action).toBe(
      'throw',
    );
    expect(
      decideRetry(new Error('boom'), { attempt: 1, throttled: 0, idempotent: true }, policy).action,
    ).toBe('throw');
  });
});

describe('computeBackoff', () => {
  it('uses full jitter under an exponential, capped ceiling', () => {
    const p = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(computeBackoff(1, p, () => 0.999)).toBe(99);
    expect(computeBackoff(3, p, () => 0.999)).toBe(399);
    expect(computeBackoff(10, p, () => 0.999)).toBe(999);
    expect(computeBackoff(10, p, () => 0)).toBe(0);
  });
});
