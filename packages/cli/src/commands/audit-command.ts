import { type AuditType, searchAudit } from '@mlc/sync-engine';
import { CliError } from '../cli-error.js';
import { formatTime, parseSince } from '../output/format.js';
import { type CommandContext, type ExitCode, limitOf } from './command-context.js';

/**
 * `mlc audit [--stream s] [--type t,...] [--since 2h|ISO] [--batch id] [--key k] [--limit n] [--json]`: audit
 * entries, oldest first, the last `limit` (default 100) that match. Stream and type filter in the store; since,
 * batch and key while paging.
 */
export async function auditCommand(ctx: CommandContext): Promise<ExitCode> {
  const { flags } = ctx;
  const limit = limitOf(flags, 100);
  const since = flags.since === undefined ? undefined : parseSince(flags.since, ctx.now());
  if (flags.since !== undefined && since === undefined) {
    throw new CliError(
      'CLI_USAGE',
      `--since takes an ISO-8601 instant or a duration like 30m, 2h, 7d (got ${flags.since})`,
    );
  }
  const types = flags.type?.flatMap((t) => t.split(',')).filter(Boolean) as AuditType[] | undefined;
  const store = ctx.config.store;
  await store.open();
  const kept = await searchAudit(store, {
    limit,
    ...(flags.stream ? { streams: flags.stream } : {}),
    ...(types && types.length > 0 ? { types } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(flags.batch !== undefined ? { batchId: flags.batch } : {}),
    ...(flags.key !== undefined ? { key: flags.key } : {}),
  });
  if (flags.json) {
    ctx.io.out(JSON.stringify(kept, null, 2));
    return 0;
  }
  if (kept.length === 0) ctx.io.out('no matching audit entries');
  for (const e of kept) {
    const where = [e.stream, e.batchId && `batch ${e.batchId}`, e.key && `key ${e.key}`]
      .filter(Boolean)
      .join(' ');
    ctx.io.out(
      `${formatTime(e.at)}  #${e.seq}  ${e.type.padEnd(22)} ${where ? `${where}: ` : ''}${e.message}`,
    );
  }
  return 0;
}
