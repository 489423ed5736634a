import type { StreamStatus } from '@mlc/sync-engine';
import { describe, expect, it } from 'vitest';
import { streamHealthOf } from '../src/index.js';

function status(over: Partial<StreamStatus>): StreamStatus {
  return {
    stream: 's',
    table: 'T',
    mode: 'append',
    schedule: 'manual',
    openIntents: { count: 0, batchIds: [] },
    deadLetters: { open: 0, replayed: 0, discarded: 0 },
    ledgerSize: 0,
    alerts: [],
    ...over,
  };
}

const counts = {
  recordsRead: 1,
  recordsUnchanged: 0,
  recordsQuarantined: 0,
  rowsPosted: 1,
  batches: 1,
  throttledMs: 0,
};

describe('stream health', () => {
  it('is failing, then parked, then throttled, then ok; idle before the first run', () => {
    expect(streamHealthOf(status({}))).toBe('idle');
    expect(streamHealthOf(status({ lastRun: { runId: 'r', outcome: 'completed', counts } }))).toBe('ok');
    const throttled = { runId: 'r', outcome: 'completed' as const, counts: { ...counts, throttledMs: 5 } };
    expect(streamHealthOf(status({ lastRun: throttled }))).toBe('throttled');
    const parked = { deadLetters: { open: 2, replayed: 0, discarded: 0 } };
    expect(streamHealthOf(status({ lastRun: throttled, ...parked }))).toBe('parked');
    const failed = { runId: 'r', outcome: 'failed' as const, counts };
    expect(streamHealthOf(status({ lastRun: failed, ...parked }))).toBe('failing');
  });
});
