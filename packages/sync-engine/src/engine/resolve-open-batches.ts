import { settleRowsBatch, commitIntent } from './batch-protocol.js';
import type { RunScope } from './engine-context.js';
import { rebuildTable } from './rebuild-table.js';

/**
 * Resolves every open intent of the stream before new data is read (architecture: protocol step 5):
 * state and snapshot intents were never posted and simply commit; rows intents are verified (never resent
 * blindly); rebuild intents resume last, after the snapshot writes they depend on.
 */
export async function resolveOpenBatches(scope: RunScope): Promise<void> {
  const { ctx, stream } = scope;
  const open = await ctx.store.listOpenBatches(stream.name);
  const ordered = [...open.filter((b) => b.kind !== 'rebuild'), ...open.filter((b) => b.kind === 'rebuild')];
  for (const intent of ordered) {
    ctx.logger.info(
      { stream: stream.name, batchId: intent.batchId, kind: intent.kind },
      'resolving open intent',
    );
    if (intent.kind === 'state' || intent.kind === 'snapshot')
      await commitIntent(scope, intent, { verified: false });
    else if (intent.kind === 'rows') await settleRowsBatch(scope, intent, { posted: true });
    else await rebuildTable(scope, intent, true);
    scope.stats.intentsResolved += 1;
  }
}
