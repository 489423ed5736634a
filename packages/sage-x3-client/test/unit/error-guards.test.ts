import { describe, expect, it, vi } from 'vitest';
import {
  X3AuthError,
  X3ConfigError,
  X3GatewayError,
  isX3AuthError,
  isX3ConfigError,
  isX3FilterError,
  isX3GatewayError,
  isX3GraphQLError,
  isX3RecordError,
  isX3ResponseError,
} from '../../src/index.js';

/** A second installed copy of this package and of `@mlc/core`: every module evaluated again. */
async function secondCopy(): Promise<typeof import('../../src/index.js')> {
  vi.resetModules();
  return await import('../../src/index.js');
}

describe('X3 error guards use core brand and code, not instanceof', () => {
  it('recognise errors thrown by a second copy of the package', async () => {
    const other = await secondCopy();
    expect(other.X3GatewayError).not.toBe(X3GatewayError);
    const gateway = new other.X3GatewayError({
      status: 500,
      method: 'GET',
      url: 'https://x3/',
      dataCode: 'X',
    });
    const auth = new other.X3AuthError({ message: 'refused', code: 'X3_JWT_REJECTED' });
    const config = new other.X3ConfigError({ message: 'bad', code: 'X3_SCHEMA_MISMATCH' });
    expect(gateway instanceof X3GatewayError).toBe(false);
    expect(isX3GatewayError(gateway)).toBe(true);
    expect(isX3AuthError(auth)).toBe(true);
    expect(isX3ConfigError(config)).toBe(true);
  });

  it('tell the error classes apart by their codes', () => {
    const auth = new X3AuthError({ message: 'refused', code: 'X3_AUTH_REJECTED' });
    const config = new X3ConfigError({ message: 'bad' });
    for (const guard of [
      isX3GatewayError,
      isX3ConfigError,
      isX3FilterError,
      isX3GraphQLError,
      isX3RecordError,
      isX3ResponseError,
    ])
      expect(guard(auth)).toBe(false);
    expect(isX3AuthError(config)).toBe(false);
    expect(isX3ConfigError(config)).toBe(true);
    expect(isX3AuthError(Object.assign(new Error('x'), { code: 'X3_AUTH_REJECTED' }))).toBe(false);
  });
});
