import pRetry, { type Options } from 'p-retry';
import { describe, expect, it } from 'vitest';
import { MlcError, pRetryOptions } from '../src/index.js';

describe('pRetryOptions', () => {
  it('is accepted by p-retry itself (the structural type matches) and retries only retryable SDK errors', async () => {
    const options: Options = { ...pRetryOptions({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }) };
    let calls = 0;
    const transient = () =>
      new MlcError({ message: 'flaky', code: 'HTTP_ERROR', kind: 'transient', retryable: true });
    await expect(
      pRetry(async () => {
        calls += 1;
        throw transient();
      }, options),
    ).rejects.toThrow('flaky');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      pRetry(async () => {
        calls += 1;
        throw new MlcError({ message: 'bad request', code: 'HTTP_ERROR', kind: 'client', retryable: false });
      }, options),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });
});
