import type { Sync, SyncEvents, SyncProgress } from '@mlc/sync-engine';
import type { CliIO } from '../output/cli-io.js';
import { formatCount, formatDuration, formatTime } from '../output/format.js';

/** How a run's events are shown. */
export type ReportMode = 'live' | 'lines' | 'json';

interface StreamLine {
  state: 'waiting' | 'running' | 'completed' | 'quarantined' | 'stopped' | 'skipped' | 'failed';
  progress?: SyncProgress;
  throttledMs: number;
  note?: string;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const REDRAW_MS = 120;

function errorFacts(error: unknown): { code?: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}

/** `1,234 read · 1,200 posted · 2 parked · 350/s · ETA 12s · throttled 2s`. */
function describe(p: SyncProgress | undefined, throttledMs: number): string {
  if (!p) return '';
  const rate = p.elapsedMs > 0 ? Math.round((p.recordsRead * 1000) / p.elapsedMs) : 0;
  const parts = [
    `${formatCount(p.recordsRead)} read`,
    `${formatCount(p.rowsPosted)} posted`,
    ...(p.recordsQuarantined > 0 ? [`${formatCount(p.recordsQuarantined)} parked`] : []),
    `${formatCount(rate)}/s`,
    ...(p.fraction !== undefined ? [`${Math.round(p.fraction * 100)}%`] : []),
    ...(p.etaMs !== undefined ? [`ETA ${formatDuration(p.etaMs)}`] : []),
    ...(Math.max(throttledMs, p.throttledMs) > 0
      ? [`throttled ${formatDuration(Math.max(throttledMs, p.throttledMs))}`]
      : []),
  ];
  return parts.join(' · ');
}

/**
 * Shows a sync's events while it runs: a live display per stream on a terminal (records read, rows posted, rate,
 * ETA including quota waits, throttles), one plain line per event otherwise, one JSON object per event with `json`.
 * The live display lists `streams` (default: all of the sync's) and redraws every 120 ms in place.
 * Returns the function that stops listening (and draws the final state).
 */
export function reportRun(
  sync: Pick<Sync, 'on' | 'streams'>,
  io: CliIO,
  mode: ReportMode,
  streams: readonly string[] = sync.streams,
): () => void {
  const offs: Array<() => void> = [];
  const on = <K extends keyof SyncEvents>(event: K, listener: (e: SyncEvents[K]) => void) =>
    offs.push(sync.on(event, listener));
  const lines = new Map<string, StreamLine>(streams.map((s) => [s, { state: 'waiting', throttledMs: 0 }]));
  const line = (stream: string): StreamLine => {
    let l = lines.get(stream);
    if (!l) {
      l = { state: 'waiting', throttledMs: 0 };
      lines.set(stream, l);
    }
    return l;
  };

  const emit = (event: string, data: Record<string, unknown>, text: string) => {
    if (mode === 'json') io.out(JSON.stringify({ at: new Date().toISOString(), event, ...data }));
    else if (mode === 'lines') io.out(`${formatTime(Date.now())} ${text}`);
  };

  let drawn = 0;
  let tick = 0;
  const draw = () => {
    if (mode !== 'live') return;
    tick += 1;
    const width = Math.max(40, io.columns - 1);
    const nameWidth = Math.max(...[...lines.keys()].map((n) => n.length));
    const out: string[] = [];
    for (const [name, l] of lines) {
      const mark =
        l.state === 'running'
          ? SPINNER[tick % SPINNER.length]
          : l.state === 'completed'
            ? '✔'
            : l.state === 'quarantined'
              ? '!'
              : l.state === 'failed'
                ? '✘'
                : l.state === 'waiting'
                  ? '·'
                  : '-';
      const text = `${mark} ${name.padEnd(nameWidth)}  ${l.state === 'waiting' ? 'waiting' : describe(l.progress, l.throttledMs)}${l.note ? `  ${l.note}` : ''}`;
      out.push(text.length > width ? `${text.slice(0, width - 1)}…` : text);
    }
    io.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${out.map((t) => `\x1b[2K${t}\n`).join('')}`);
    drawn = out.length;
  };
  const timer = mode === 'live' ? setInterval(draw, REDRAW_MS) : undefined;
  timer?.unref();

  on('run-started', (e) => {
    line(e.stream).state = 'running';
    emit(
      'run-started',
      { stream: e.stream, runId: e.runId, since: e.since, until: e.until },
      `${e.stream} run ${e.runId} started: reads [${e.since ?? '-∞'}, ${e.until})`,
    );
  });
  on('progress', (p) => {
    line(p.stream).progress = p;
    emit('progress', { ...p }, `${p.stream} ${describe(p, line(p.stream).throttledMs)}`);
  });
  on('throttled', (e) => {
    line(e.stream).throttledMs += e.ms;
    emit('throttled', { ...e }, `${e.stream} waiting ${formatDuration(e.ms)} for Power BI quota`);
  });
  on('batch-committed', (e) =>
    emit(
      'batch-committed',
      { ...e },
      `${e.stream} batch ${e.batchId} committed (${e.rows} rows${e.verified ? ', verified' : ''})`,
    ),
  );
  on('batch-quarantined', (e) =>
    emit(
      'batch-quarantined',
      { ...e },
      `${e.stream} batch ${e.batchId} quarantined: dead letter ${e.deadLetterId}`,
    ),
  );
  on('record-quarantined', (e) =>
    emit(
      'record-quarantined',
      { ...e },
      `${e.stream} record ${e.key ?? '?'} parked (${e.stage}${e.field ? ` ${e.field}` : ''}: ${e.reason})`,
    ),
  );
  on('run-skipped', (e) => {
    line(e.stream).state = 'skipped';
    line(e.stream).note = `skipped: ${e.reason}`;
    emit('run-skipped', { ...e }, `${e.stream} skipped (${e.reason})`);
  });
  on('run-finished', (e) => {
    const l = line(e.stream);
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
    emit(
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
    emit(
      'run-failed',
      { stream: e.stream, runId: e.runId, code: e.code, phase: e.phase, attempts: e.attempts, error: facts },
      `${e.stream} run ${e.runId} FAILED (${e.phase}) ${e.code}: ${facts.message}`,
    );
  });
  on('alert', (a) => {
    emit('alert', { ...a }, `ALERT [${a.severity}] ${a.code}: ${a.message} — ${a.remedy}`);
    if (mode === 'live' && a.stream) line(a.stream).note = `${a.code}`;
  });

  return () => {
    if (timer) clearInterval(timer);
    draw();
    for (const off of offs) off();
  };
}
