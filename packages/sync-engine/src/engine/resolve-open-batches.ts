import { type BatchSettlement, commitIntent, settleRowsBatch } from './batch-protocol.js';
import type { BatchIntent } from '../state-store/types.js';
import type { RunScope } from './engine-context.js';
import { rebuildTable } from './rebuild-table.js';

/** A rows intent found open whose verification goes on off the critical path. */
export interface SettlingIntent {
  /** The intent. */
  readonly intent: BatchIntent;
  /** Its settlement (commit, resend then commit, or quarantine); rejects with the run's failure. */
  readonly settled: Promise<BatchSettlement>;
}

/**
 * Resolves every open intent of the stream before new data is read (architecture: protocol step 5):
 * state and snapshot intents were never posted and simply commit; rows intents are verified (never resent
 * blindly); rebuild intents resume last, after the snapshot writes they depend on.
 *
 * With `deferRows`, rows intents are not awaited: their verification (which waits the settle time after a
 * takeover) starts and is returned, and the caller decides their keys against their entries meanwhile
 * (`ChangeBatcher.adoptSettling`). State and snapshot intents never carry a cursor ahead of an older open rows
 * intent (batches committed while one settles carry none), so committing them first never moves a cursor past one.
 */
export async function resolveOpenBatches(
  scope: RunScope,
  options: { deferRows?: boolean } = {},
): Promise<SettlingIntent[]> {
  const { ctx, stream } = scope;
  const open = await ctx.store.listOpenBatches(stream.name);
  const ordered = [...open.filter((b) => b.kind !== 'rebuild'), ...open.filter((b) => b.kind === 'rebuild')];
  const settling: SettlingIntent[] = [];
  for (const intent of ordered) {
    ctx.logger.info(
      { stream: stream.name, batchId: intent.batchId, kind: intent.kind },
      'resolving open intent',
    );
    if (intent.kind === 'rows' && options.deferRows) {
      const settled = settleRowsBatch(scope, intent, { posted: true }).then((outcome) => {
        scope.stats.intentsResolved += 1;
        return outcome;
      });
      settled.catch(() => undefined);
      settling.push({ intent, settled });
      continue;
    }
    if (intent.kind === 'state' || intent.kind === 'snapshot')
      await commitIntent(scope, intent, { verified: false });
    else if (intent.kind === 'rows') await settleRowsBatch(scope, intent, { posted: true });
    else await rebuildTable(scope, intent, true);
    scope.stats.intentsResolved += 1;
  }
  return settling;
}
