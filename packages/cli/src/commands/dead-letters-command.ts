import type { DeadLetter, DeadLetterStatus } from '@mlc/sync-engine';
import { CliError } from '../cli-error.js';
import { formatTable, formatTime } from '../output/format.js';
import { type CommandContext, type ExitCode, limitOf } from './command-context.js';

const STATUSES: DeadLetterStatus[] = ['open', 'replayed', 'discarded'];

function statusesOf(flag: string | undefined): DeadLetterStatus[] {
  if (flag === undefined) return ['open'];
  if (flag === 'all') return STATUSES;
  const list = flag.split(',') as DeadLetterStatus[];
  for (const s of list) {
    if (!STATUSES.includes(s))
      throw new CliError('CLI_USAGE', `--status takes open, replayed, discarded or all (got ${s})`);
  }
  return list;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A dead letter for printing: rows and ledger entries summarised (`--json` prints them whole). */
function summary(letter: DeadLetter): Record<string, unknown> {
  const { rows, entries, ...rest } = letter;
  return {
    ...rest,
    ...(rows ? { rowCount: rows.length, firstRows: rows.slice(0, 3) } : {}),
    ...(entries ? { keys: entries.slice(0, 20).map((e) => e.key) } : {}),
  };
}

async function list(ctx: CommandContext): Promise<ExitCode> {
  const status = statusesOf(ctx.flags.status);
  const letters: DeadLetter[] = [];
  for (const stream of ctx.flags.stream ?? [undefined]) {
    letters.push(
      ...(await ctx.sync().deadLetters({
        status,
        limit: limitOf(ctx.flags, 1000),
        ...(stream !== undefined ? { stream } : {}),
      })),
    );
  }
  if (ctx.flags.json) {
    ctx.io.out(JSON.stringify(letters.map(summary), null, 2));
    return 0;
  }
  if (letters.length === 0) {
    ctx.io.out(`no ${status.join('/')} dead letters`);
    return 0;
  }
  const rows = letters.map((l) => [
    l.id,
    l.stream,
    l.kind + (l.partial ? ' (partial)' : ''),
    l.status,
    l.kind === 'batch' ? `batch ${l.batchId ?? '?'} (${l.rows?.length ?? 0} rows)` : (l.key ?? '-'),
    l.field ?? '-',
    shorten(l.reason, 60),
    formatTime(l.createdAt),
  ]);
  for (const line of formatTable(
    ['ID', 'STREAM', 'KIND', 'STATUS', 'KEY / BATCH', 'FIELD', 'REASON', 'PARKED AT'],
    rows,
  )) {
    ctx.io.out(line);
  }
  return 0;
}

async function show(ctx: CommandContext): Promise<ExitCode> {
  const [id] = ctx.args;
  if (!id) throw new CliError('CLI_USAGE', 'usage: mlc dead-letters show <id>');
  const [letter] = await ctx.sync().deadLetters({ ids: [id], limit: 1 });
  if (!letter) throw new CliError('CLI_NOT_FOUND', `no dead letter ${id}`);
  ctx.io.out(JSON.stringify(ctx.flags.json ? letter : summary(letter), null, 2));
  return 0;
}

async function replay(ctx: CommandContext): Promise<ExitCode> {
  const streams = ctx.flags.stream ?? [undefined];
  if (ctx.args.length === 0 && ctx.flags.stream === undefined) {
    throw new CliError(
      'CLI_USAGE',
      'name the dead letters (mlc dead-letters replay <id>...) or a stream (--stream s) to replay its open ones',
    );
  }
  let refused = 0;
  const results = [];
  for (const stream of streams) {
    const result = await ctx.sync().replay({
      ...(stream !== undefined ? { stream } : {}),
      ...(ctx.args.length > 0 ? { ids: ctx.args } : {}),
      force: ctx.flags.force === true,
    });
    results.push(result);
    refused += result.refused.length;
    if (!ctx.flags.json) {
      ctx.io.out(`replayed ${result.replayed.length} dead letter(s), ${result.rowsPosted} row(s) posted`);
      for (const id of result.replayed) ctx.io.out(`  ✔ ${id}`);
      for (const r of result.refused) ctx.io.out(`  ✘ ${r.id}: ${r.reason}`);
    }
  }
  if (ctx.flags.json) ctx.io.out(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  return refused > 0 ? 1 : 0;
}

async function discard(ctx: CommandContext): Promise<ExitCode> {
  if (ctx.args.length === 0)
    throw new CliError('CLI_USAGE', 'usage: mlc dead-letters discard <id>... [--reason text]');
  const done = await ctx.sync().discard(ctx.args, ctx.flags.reason ? { reason: ctx.flags.reason } : {});
  const missed = ctx.args.filter((id) => !done.includes(id));
  if (ctx.flags.json) ctx.io.out(JSON.stringify({ discarded: done, notOpen: missed }, null, 2));
  else {
    for (const id of done) ctx.io.out(`✔ discarded ${id}`);
    for (const id of missed) ctx.io.out(`✘ ${id} is unknown or not open`);
  }
  return missed.length > 0 ? 1 : 0;
}

/** `mlc dead-letters list|show|replay|discard`. */
export async function deadLettersCommand(ctx: CommandContext, sub: string | undefined): Promise<ExitCode> {
  switch (sub ?? 'list') {
    case 'list':
      return list(ctx);
    case 'show':
      return show(ctx);
    case 'replay':
      return replay(ctx);
    case 'discard':
      return discard(ctx);
    default:
      throw new CliError(
        'CLI_USAGE',
        `unknown sub-command dead-letters ${sub}; use list, show, replay or discard`,
      );
  }
}
