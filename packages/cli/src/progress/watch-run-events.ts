import type { Sync, SyncEvents } from '@mlc/sync-engine';
import { formatDuration } from '../output/format.js';
import { describeProgress } from './describe-progress.js';
import type { EventPrinter } from './event-printer.js';
import type { LiveDisplay, StreamLine } from './live-display.js';

/**
 * Listens to a sync's run events: each updates its stream's line of `display` and is printed with `print`.
 * Returns the functions that stop listening.
 */
export function watchRunEvents(
  sync: Pick<Sync, 'on'>,
  display: LiveDisplay,
  print: EventPrinter,
): Array<() => void> {
  const offs: Array<() => void> = [];
  const on = <K extends keyof SyncEvents>(event: K, listener: (e: SyncEvents[K]) => void) =>
    offs.push(sync.on(event, listener));
  const line = (stream: string) => display.line(stream);
  on('run-started', (e) => {
    line(e.stream).state = 'running';
    print(
      'run-started',
      { stream: e.stream, runId: e.runId, since: e.since, until: e.until },
      `${e.stream} run ${e.runId} started: reads [${e.since ?? '-∞'}, ${e.until})`,
    );
  });
  on('progress', (p) => {
    line(p.stream).progress = p;
    print('progress', { ...p }, `${p.stream} ${describeProgress(p, line(p.stream).throttledMs)}`);
  });
  on('throttled', (e) => {
    line(e.stream).throttledMs += e.ms;
    print('throttled', { ...e }, `${e.stream} waiting ${formatDuration(e.ms)} for Power BI quota`);
  });
  on('batch-committed', (e) =>
    print(
      'batch-committed',
      { ...e },
      `${e.stream} batch ${e.batchId} committed (${e.rows} rows${e.verified ? ', verified' : ''})`,
    ),
  );
  on('batch-quarantined', (e) =>
    print(
      'batch-quarantined',
      { ...e },
      `${e.stream} batch ${e.batchId} quarantined: dead letter ${e.deadLetterId}`,
    ),
  );
  on('record-quarantined', (e) =>
    print(
      'record-quarantined',
      { ...e },
      `${e.stream} record ${e.key ?? '?'} parked (${e.stage}${e.field ? ` ${e.field}` : ''}: ${e.reason})`,
    ),
  );
  on('run-skipped', (e) => {
    line(e.stream).state = 'skipped';
    line(e.stream).note = `skipped: ${e.reason}`;
    print('run-skipped', { ...e }, `${e.stream} skipped (${e.reason})`);
  });
  on('run-finished', (e) => {
    finishLine(line(e.stream), e);
    print(
      'run-finished',
      { stream: e.stream, runId: e.runId, result: e.result },
      `${e.stream} run ${e.runId} ${e.result.status}: ${e.result.recordsRead} read, ${e.result.rowsPosted} rows posted, ${e.result.recordsQuarantined} parked in ${formatDuration(e.result.elapsedMs)}`,
    );
  });
  on('run-failed', (e) => {
    const l = line(e.stream);
    l.state = 'failed';
    const facts = errorFacts(e.error);
    l.note = `${e.code}: ${facts.message}`;
    print(
      'run-failed',
      { stream: e.stream, runId: e.runId, code: e.code, phase: e.phase, attempts: e.attempts, error: facts },
      `${e.stream} run ${e.runId} FAILED (${e.phase}) ${e.code}: ${facts.message}`,
    );
  });
  on('alert', (a) => {
    print('alert', { ...a }, `ALERT [${a.severity}] ${a.code}: ${a.message} — ${a.remedy}`);
    if (display.live && a.stream) line(a.stream).note = `${a.code}`;
  });
  return offs;
}

/** A finished run's line: its end state, how long it took and its result's counters. */
function finishLine(l: StreamLine, e: SyncEvents['run-finished']): void {
  l.state =
    e.result.status === 'completed'
      ? 'completed'
      : e.result.status === 'completed-with-quarantine'
        ? 'quarantined'
        : e.result.status === 'stopped'
          ? 'stopped'
          : 'skipped';
  l.note = `in ${formatDuration(e.result.elapsedMs)}`;
  l.progress = {
    stream: e.stream,
    runId: e.runId,
    recordsRead: e.result.recordsRead,
    recordsUnchanged: e.result.recordsUnchanged,
    recordsQuarantined: e.result.recordsQuarantined,
    rowsPosted: e.result.rowsPosted,
    batches: e.result.batches,
    throttledMs: e.result.throttledMs,
    elapsedMs: e.result.elapsedMs,
  };
}

function errorFacts(error: unknown): { code?: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}
