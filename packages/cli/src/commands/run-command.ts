import type { StreamRunResult } from '@mlc/sync-engine';
import { formatCount, formatDuration, formatTable } from '../output/format.js';
import type { ReportMode } from '../progress/event-printer.js';
import { reportRun } from '../progress/run-reporter.js';
import type { CommandContext, ExitCode } from './command-context.js';

/** How events are shown: live on a terminal, lines otherwise, JSON lines with `--json`. */
export function reportModeOf(ctx: CommandContext): ReportMode {
  return ctx.flags.json ? 'json' : ctx.io.isTTY ? 'live' : 'lines';
}

/**
 * `mlc run [--stream s]...`: runs the streams once (all, or the named ones, in configuration order), showing
 * progress. Exit 1 when a stream failed. SIGINT/SIGTERM stop gracefully (in-flight batches finish or stay open for
 * the next run).
 */
export async function runCommand(ctx: CommandContext): Promise<ExitCode> {
  const sync = ctx.sync();
  const names = ctx.flags.stream ?? [...sync.streams];
  const mode = reportModeOf(ctx);
  const stopReporting = reportRun(sync, ctx.io, mode, names);
  const controller = new AbortController();
  const onSignal = () => {
    if (mode !== 'json') ctx.io.err('stopping: in-flight batches finish or stay open for the next run');
    controller.abort();
    void sync.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results: Array<StreamRunResult | { stream: string; error: unknown }> = [];
  try {
    for (const name of names) {
      if (controller.signal.aborted) break;
      try {
        results.push(await sync.runStream(name, { signal: controller.signal }));
      } catch (error) {
        results.push({ stream: name, error });
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopReporting();
  }
  const failed = results.filter((r) => 'error' in r);
  if (mode === 'json') {
    ctx.io.out(
      JSON.stringify({
        event: 'summary',
        results: results.map((r) =>
          'error' in r
            ? { stream: r.stream, status: 'failed', error: String((r.error as Error)?.message ?? r.error) }
            : r,
        ),
      }),
    );
  } else {
    ctx.io.out('');
    const rows = results.map((r) =>
      'error' in r
        ? [r.stream, 'failed', '-', '-', '-', '-', String((r.error as { code?: string })?.code ?? '')]
        : [
            r.stream,
            r.status,
            formatCount(r.recordsRead),
            formatCount(r.rowsPosted),
            formatCount(r.recordsQuarantined),
            formatDuration(r.elapsedMs),
            [
              r.throttledMs > 0 ? `throttled ${formatDuration(r.throttledMs)}` : '',
              r.settleWaitMs > 0 ? `settling ${formatDuration(r.settleWaitMs)}` : '',
            ]
              .filter(Boolean)
              .join(', '),
          ],
    );
    for (const line of formatTable(['STREAM', 'STATUS', 'READ', 'POSTED', 'PARKED', 'TOOK', ''], rows)) {
      ctx.io.out(line);
    }
    for (const f of failed) {
      if ('error' in f) ctx.io.out(`✘ ${f.stream}: ${String((f.error as Error)?.message ?? f.error)}`);
    }
  }
  return failed.length > 0 ? 1 : 0;
}

/**
 * `mlc start`: follows the streams' schedules until SIGTERM or SIGINT, then stops gracefully (a batch already
 * posting finishes or stays an open intent the next run verifies) and exits 0. A second signal exits at once.
 */
export async function startCommand(ctx: CommandContext): Promise<ExitCode> {
  const sync = ctx.sync();
  const mode = ctx.flags.json ? 'json' : 'lines';
  const stopReporting = reportRun(sync, ctx.io, mode);
  const status = await sync.status();
  sync.start();
  const say = (event: string, text: string, data: Record<string, unknown> = {}) =>
    ctx.io.out(mode === 'json' ? JSON.stringify({ at: new Date().toISOString(), event, ...data }) : text);
  say(
    'started',
    `mlc started: ${status.streams
      .map((s) => `${s.stream} ${typeof s.schedule === 'string' ? s.schedule : s.schedule.cron}`)
      .join(', ')}; SIGTERM or Ctrl-C stops gracefully`,
    { pid: process.pid, streams: sync.streams },
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.once(signal, () => process.exit(130)); // a second signal: do not wait
      say('stopping', `${signal}: stopping (in-flight batches finish or stay open for the next run)`, {
        signal,
      });
      sync.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  stopReporting();
  say('stopped', 'mlc stopped');
  return 0;
}
