import type { StreamRunResult, Sync, SyncEvents } from '@mlc/sync-engine';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../src/output/cli-io.js';
import { reportRun } from '../src/progress/run-reporter.js';

/** A sync that only emits the events the test sends. */
function fakeSync(streams: string[]) {
  type Listener = (e: unknown) => void;
  const listeners = new Map<string, Listener[]>();
  const on = ((event: string, listener: Listener) => {
    listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    return () => {
      listeners.set(
        event,
        (listeners.get(event) ?? []).filter((l) => l !== listener),
      );
    };
  }) as Sync['on'];
  return {
    streams,
    on,
    emit<K extends keyof SyncEvents>(event: K, payload: SyncEvents[K]) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

/** A terminal of `columns` width that records what is written. */
function fakeTerminal(columns = 120) {
  const writes: string[] = [];
  const lines: string[] = [];
  const io: CliIO = {
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    write: (text) => writes.push(text),
    isTTY: true,
    columns,
  };
  return { io, writes, lines };
}

const progress = (stream: string, recordsRead: number, rowsPosted: number) => ({
  stream,
  runId: `run-${stream}`,
  recordsRead,
  recordsUnchanged: 0,
  recordsQuarantined: 0,
  rowsPosted,
  batches: 1,
  throttledMs: 0,
  elapsedMs: 2_000,
  fraction: 0.5,
  etaMs: 2_000,
});

const result = (stream: string, status: StreamRunResult['status'], quarantined = 0): StreamRunResult => ({
  stream,
  runId: `run-${stream}`,
  status,
  recordsRead: 40,
  recordsUnchanged: 0,
  recordsQuarantined: quarantined,
  rowsPosted: 40 - quarantined,
  batches: 1,
  intentsResolved: 0,
  rebuilt: false,
  throttledMs: 0,
  settleWaitMs: 0,
  elapsedMs: 4_000,
});

describe('the live progress display of mlc run (a terminal)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws one line per stream that runs and redraws them in place as events arrive', () => {
    const sync = fakeSync(['glAccounts', 'suppliers', 'products']);
    const { io, writes, lines } = fakeTerminal();
    const stop = reportRun(sync, io, 'live', ['suppliers', 'products']);

    vi.advanceTimersByTime(120);
    expect(writes).toEqual(['\x1b[2K· suppliers  waiting\n\x1b[2K· products   waiting\n']);

    sync.emit('run-started', { stream: 'suppliers', runId: 'run-suppliers', until: '2026-01-01T00:00:00Z' });
    sync.emit('progress', progress('suppliers', 20, 10));
    sync.emit('throttled', { stream: 'suppliers', ms: 3_000 } as SyncEvents['throttled']);
    vi.advanceTimersByTime(120);
    const second = writes[1] ?? '';
    // Cursor up over the two lines drawn before, then each line cleared and rewritten.
    expect(second.startsWith('\x1b[2A\x1b[2K')).toBe(true);
    const [suppliersLine] = second.slice('\x1b[2A\x1b[2K'.length).split('\n');
    expect('⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏').toContain(suppliersLine?.[0]); // a spinner frame: the stream is running
    expect(suppliersLine?.slice(1)).toBe(
      ' suppliers  20 read · 10 posted · 10/s · 50% · ETA 2.0s · throttled 3.0s',
    );
    expect(second).toContain('\x1b[2K· products   waiting\n');

    sync.emit('run-finished', {
      stream: 'suppliers',
      runId: 'run-suppliers',
      result: result('suppliers', 'completed-with-quarantine', 2),
    });
    sync.emit('run-finished', {
      stream: 'products',
      runId: 'run-products',
      result: result('products', 'completed'),
    });
    stop();
    const last = writes.at(-1) ?? '';
    expect(last.startsWith('\x1b[2A')).toBe(true);
    expect(last).toContain(
      '\x1b[2K! suppliers  40 read · 38 posted · 2 parked · 10/s · throttled 3.0s  in 4.0s\n',
    );
    expect(last).toContain('\x1b[2K✔ products   40 read · 40 posted · 10/s  in 4.0s\n');
    // No plain event lines on a terminal, and nothing is drawn after stop.
    expect(lines).toEqual([]);
    const drawn = writes.length;
    vi.advanceTimersByTime(1_000);
    expect(writes).toHaveLength(drawn);
  });

  it('cuts lines to the terminal width', () => {
    const sync = fakeSync(['suppliers']);
    const { io, writes } = fakeTerminal(60);
    const stop = reportRun(sync, io, 'live');
    sync.emit('run-started', { stream: 'suppliers', runId: 'run-suppliers', until: '2026-01-01T00:00:00Z' });
    sync.emit('progress', progress('suppliers', 123_456, 120_000));
    stop();
    const line = (writes.at(-1) ?? '').replace('\x1b[2K', '').replace('\n', '');
    expect(line).toHaveLength(59);
    expect(line.endsWith('…')).toBe(true);
  });

  it('prints one line per event, and never draws, when not a terminal', () => {
    const sync = fakeSync(['suppliers']);
    const { io, writes, lines } = fakeTerminal();
    const stop = reportRun(sync, io, 'lines');
    sync.emit('progress', progress('suppliers', 20, 10));
    vi.advanceTimersByTime(1_000);
    stop();
    expect(writes).toEqual([]);
    expect(lines).toEqual([
      expect.stringMatching(/ suppliers 20 read · 10 posted · 10\/s · 50% · ETA 2.0s$/),
    ]);
  });
});
