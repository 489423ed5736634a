import { describe, expect, it, vi } from 'vitest';
import { HttpError, MlcError, isMlcError } from '../src/index.js';

/**
 * A second installed copy of `@mlc/core` (two versions side by side, or the ESM and CommonJS builds both loaded):
 * the same source loaded again as another module instance, so its classes are distinct objects.
 */
async function secondCopy(): Promise<typeof import('../src/index.js')> {
  // A fresh module registry: every module of the package is evaluated again, as a second install would be.
  vi.resetModules();
  return await import('../src/index.js');
}

describe('isMlcError: one guard, across duplicate package copies', () => {
  it('recognises an error of a second copy, where instanceof does not', async () => {
    const other = await secondCopy();
    expect(other.MlcError).not.toBe(MlcError);
    const foreign = new other.HttpError({
      message: 'HTTP 500',
      status: 500,
      method: 'GET',
      url: 'http://x/',
    });
    expect(foreign instanceof HttpError).toBe(false);
    expect(foreign instanceof MlcError).toBe(false);
    expect(isMlcError(foreign)).toBe(true);
    expect(isMlcError(foreign, 'HTTP_ERROR')).toBe(true);
    expect(isMlcError(foreign, 'NETWORK_ERROR')).toBe(false);
    // And the other way round: the second copy's guard knows this copy's errors.
    expect(other.isMlcError(new MlcError({ message: 'x', code: 'X', kind: 'client' }), 'X')).toBe(true);
  });

  it('narrows by one code or any of a list', () => {
    const error = new MlcError({ message: 'x', code: 'B', kind: 'client' });
    expect(isMlcError(error, 'B')).toBe(true);
    expect(isMlcError(error, 'A')).toBe(false);
    expect(isMlcError(error, ['A', 'B'])).toBe(true);
    expect(isMlcError(error, ['A', 'C'])).toBe(false);
    expect(isMlcError(error, [])).toBe(false);
  });

  it('refuses look-alikes without the brand', () => {
    expect(
      isMlcError(Object.assign(new Error('x'), { name: 'MlcError', code: 'HTTP_ERROR' }), 'HTTP_ERROR'),
    ).toBe(false);
    expect(isMlcError({ code: 'X' })).toBe(false);
    expect(isMlcError(null)).toBe(false);
    expect(isMlcError('HTTP_ERROR')).toBe(false);
  });
});
