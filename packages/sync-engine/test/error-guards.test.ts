import { describe, expect, it, vi } from 'vitest';
import {
  RecordError,
  StateStoreError,
  SyncError,
  isRecordError,
  isStateStoreError,
  isSyncError,
} from '../src/index.js';

describe('engine error guards use core brand and code, not instanceof or the name', () => {
  it('recognise errors built by a second copy of the package', async () => {
    vi.resetModules();
    const other = await import('../src/index.js');
    const sync = new other.SyncError({ message: 'busy', code: 'SYNC_STREAM_BUSY' });
    const store = new other.StateStoreError({ message: 'stale', code: 'STORE_STALE_FENCE' });
    const record = new other.RecordError({ reason: 'bad', field: 'a' });
    expect(sync instanceof SyncError).toBe(false);
    expect(isSyncError(sync, 'SYNC_STREAM_BUSY')).toBe(true);
    expect(isStateStoreError(store, 'STORE_STALE_FENCE')).toBe(true);
    expect(isRecordError(record)).toBe(true);
  });

  it('tell the classes apart and refuse look-alikes', () => {
    const store = new StateStoreError({ message: 'x', code: 'STORE_NOT_OPEN' });
    expect(isSyncError(store)).toBe(false);
    expect(isRecordError(store)).toBe(false);
    expect(isStateStoreError(store, 'STORE_UNREADABLE')).toBe(false);
    expect(isRecordError(new RecordError({ reason: 'x' }))).toBe(true);
    expect(
      isStateStoreError(Object.assign(new Error('x'), { name: 'StateStoreError', code: 'STORE_NOT_OPEN' })),
    ).toBe(false);
  });
});
