import type { DeadLetter, Row } from '../store/types.js';
import { sendRowsBatch } from './batch-protocol.js';
import { ChangeBatcher } from './change-batcher.js';
import { audit, type RunScope } from './engine-context.js';
import { type PreparedItem, type ValidItem, prepareItem } from './prepare-item.js';
import { resolveOpenBatches } from './resolve-open-batches.js';

/** What a replay did. */
export interface ReplayResult {
  /** Dead letters now marked replayed (their records landed once, or were already there). */
  replayed: string[];
  /** Dead letters not replayed, with why (still invalid, partial batch without `force`, not replayable). */
  refused: Array<{ id: string; reason: string }>;
  /** Rows posted. */
  rowsPosted: number;
}

/**
 * Replays dead letters of one stream under its lease: records are re-validated and re-mapped with the current
 * code, batches are re-decided key by key against the ledger, so whatever already landed is never posted twice.
 * A partially applied batch is replayed only with `force` (then its rows are posted as they are).
 */
export async function replayDeadLetters(
  scope: RunScope,
  letters: readonly DeadLetter[],
  options: { force: boolean },
): Promise<ReplayResult> {
  const { ctx, stream } = scope;
  await resolveOpenBatches(scope);
  const result: ReplayResult = { replayed: [], refused: [], rowsPosted: 0 };
  const batcher = new ChangeBatcher(scope, { trackCursor: false });
  const refuse = async (letter: DeadLetter, reason: string) => {
    result.refused.push({ id: letter.id, reason });
    await audit(ctx, {
      type: 'replay-refused',
      stream: stream.name,
      ...(letter.key !== undefined ? { key: letter.key } : {}),
      message: `dead letter ${letter.id} not replayed: ${reason}`,
      data: { deadLetterId: letter.id },
    });
  };
  const postedBefore = scope.stats.rowsPosted;
  const accepted: string[] = [];
  for (const letter of letters) {
    if (letter.status !== 'open' || letter.stream !== stream.name) continue;
    if (letter.kind === 'record') {
      let item: PreparedItem;
      if (
        letter.stage === 'map' &&
        letter.record !== undefined &&
        letter.key !== undefined &&
        letter.stamp !== undefined
      ) {
        item = prepareItem(stream, {
          ok: true,
          key: letter.key,
          stamp: letter.stamp,
          record: letter.record,
          raw: letter.raw,
        });
      } else if (stream.source.revalidate) {
        item = prepareItem(stream, stream.source.revalidate(letter.raw));
      } else {
        await refuse(
          letter,
          'the source cannot re-validate raw records; fix the data and re-read it instead',
        );
        continue;
      }
      if (!item.ok) {
        await refuse(letter, `still invalid${item.field ? ` at ${item.field}` : ''}: ${item.reason}`);
        continue;
      }
      await batcher.processChunk([{ ...item, letterId: letter.id }]);
      batcher.completeLetter(letter.id);
      accepted.push(letter.id);
      continue;
    }
    if (letter.partial) {
      if (!options.force) {
        await refuse(
          letter,
          'part of this batch may already be in the sink; replay with force after checking the table',
        );
        continue;
      }
      await batcher.flush();
      const rows = letter.rows ?? [];
      await audit(ctx, {
        type: 'duplicate-risk',
        stream: stream.name,
        message: `forced replay of partly applied batch ${letter.batchId ?? letter.id}: ${rows.length} rows re-posted as they are`,
        data: { deadLetterId: letter.id },
      });
      await sendRowsBatch(scope, {
        batchId: ctx.newId('b'),
        stream: stream.name,
        table: letter.table ?? stream.table.name,
        kind: 'rows',
        mode: stream.mode,
        rows,
        entries: [],
        rowCount: rows.length,
        createdAt: ctx.clock.now(),
        attempts: 0,
        status: 'open',
        replayOf: [letter.id],
      });
      accepted.push(letter.id);
      continue;
    }
    await batcher.processChunk(itemsOfBatchLetter(scope, letter));
    batcher.completeLetter(letter.id);
    accepted.push(letter.id);
  }
  await batcher.finish();
  result.replayed = accepted;
  result.rowsPosted = scope.stats.rowsPosted - postedBefore;
  if (accepted.length > 0) {
    await audit(ctx, {
      type: 'replayed',
      stream: stream.name,
      message: `replayed ${accepted.length} dead letter(s), ${result.rowsPosted} rows posted`,
      data: { deadLetterIds: accepted, rowsPosted: result.rowsPosted },
    });
  }
  return result;
}

/** Splits a failed batch back into per-key items (rows laid out in entry order, see `LedgerWrite.rowCount`). */
function itemsOfBatchLetter(scope: RunScope, letter: DeadLetter): ValidItem[] {
  const rows = letter.rows ?? [];
  const items: ValidItem[] = [];
  let offset = 0;
  for (const entry of letter.entries ?? []) {
    const count = entry.rowCount ?? 0;
    const slice = rows.slice(offset, offset + count);
    offset += count;
    if (entry.delete) continue;
    let itemRows: Row[];
    if (scope.stream.mode === 'replace') itemRows = entry.rows ?? [];
    else if (count === 0)
      continue; // a seen-hash update, nothing to post
    else if (scope.stream.mode === 'versioned')
      itemRows = slice.map(({ _version: _v, _validFrom: _f, ...row }) => row);
    else itemRows = slice;
    items.push({
      ok: true,
      key: entry.key,
      rows: itemRows,
      hash: entry.hash,
      letterId: letter.id,
      ...(entry.stamp !== undefined ? { stamp: entry.stamp } : {}),
    });
  }
  return items;
}
