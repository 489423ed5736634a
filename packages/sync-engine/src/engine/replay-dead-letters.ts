import { isRecordError } from '../errors/record-error.js';
import { contentHash } from '../ledger/content-hash.js';
import type { DeadLetter, Row } from '../state-store/types.js';
import { sendRowsBatch } from './batch-protocol.js';
import { checkRows } from './check-rows.js';
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
    const refusal =
      letter.kind === 'record'
        ? await replayRecordLetter(scope, batcher, letter)
        : letter.partial
          ? await replayPartialBatch(scope, batcher, letter, options.force)
          : await replayBatchLetter(scope, batcher, letter);
    if (refusal !== undefined) await refuse(letter, refusal);
    else accepted.push(letter.id);
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

/** Queues a record dead letter's record, prepared again; returns why not when it cannot be or is still invalid. */
async function replayRecordLetter(
  scope: RunScope,
  batcher: ChangeBatcher,
  letter: DeadLetter,
): Promise<string | undefined> {
  const item = await reprepareRecord(scope, letter);
  if (typeof item === 'string') return item;
  if (!item.ok) return `still invalid${item.field ? ` at ${item.field}` : ''}: ${item.reason}`;
  await batcher.processChunk([{ ...item, letterId: letter.id }]);
  batcher.completeLetter(letter.id);
  return undefined;
}

/**
 * Re-posts a partly applied batch's rows as they are, only with `force` (audited as a duplicate risk); returns why
 * not without it.
 */
async function replayPartialBatch(
  scope: RunScope,
  batcher: ChangeBatcher,
  letter: DeadLetter,
  force: boolean,
): Promise<string | undefined> {
  const { ctx, stream } = scope;
  if (!force)
    return 'part of this batch may already be in the sink; replay with force after checking the table';
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
  return undefined;
}

/**
 * Queues a batch dead letter's records again. The stored rows are not trusted as they are: each record is re-read
 * (or its rows re-checked) with today's rules, so a batch that failed on a value is never re-posted frozen.
 * Returns why not when they cannot be.
 */
async function replayBatchLetter(
  scope: RunScope,
  batcher: ChangeBatcher,
  letter: DeadLetter,
): Promise<string | undefined> {
  const items = await recheckItems(scope, itemsOfBatchLetter(scope, letter));
  if (typeof items === 'string') return items;
  await batcher.processChunk(items);
  batcher.completeLetter(letter.id);
  return undefined;
}

/**
 * The record of a record dead letter, prepared again with today's source schema and mapping: re-read by key
 * when the source can (`readKey`), else its stored raw record re-validated (`revalidate`), else (a source that
 * can do neither) its stored validated record re-mapped. Returns why not when none applies.
 */
async function reprepareRecord(scope: RunScope, letter: DeadLetter): Promise<PreparedItem | string> {
  const { stream, signal } = scope;
  const source = stream.source;
  if (source.readKey && letter.key !== undefined) {
    const fresh = await source.readKey(letter.key, { signal });
    if (fresh === undefined) return `record ${letter.key} is no longer in the source`;
    return prepareItem(stream, fresh);
  }
  if (source.revalidate && letter.raw !== undefined)
    return prepareItem(stream, source.revalidate(letter.raw));
  if (
    letter.stage === 'map' &&
    letter.record !== undefined &&
    letter.key !== undefined &&
    letter.stamp !== undefined
  ) {
    return prepareItem(stream, {
      ok: true,
      key: letter.key,
      stamp: letter.stamp,
      record: letter.record,
      raw: letter.raw,
    });
  }
  return 'the source cannot re-read or re-validate records; fix the data and re-read it instead';
}

/**
 * Items of a batch dead letter prepared again: re-read by key and re-mapped when the source can (`readKey`; a
 * key the source no longer has is left out), else their stored rows re-checked with the sink's rules of today.
 * Returns why not when a record is still refused (nothing of the letter is posted then).
 */
async function recheckItems(scope: RunScope, items: ValidItem[]): Promise<ValidItem[] | string> {
  const { stream, signal } = scope;
  const out: ValidItem[] = [];
  for (const item of items) {
    if (stream.source.readKey) {
      const fresh = await stream.source.readKey(item.key, { signal });
      if (fresh === undefined) continue;
      const prepared = prepareItem(stream, fresh);
      if (!prepared.ok)
        return `record ${item.key} is still invalid${prepared.field ? ` at ${prepared.field}` : ''}: ${prepared.reason}`;
      out.push({ ...prepared, letterId: item.letterId as string });
      continue;
    }
    try {
      const rows = checkRows(stream, item.rows);
      out.push({ ...item, rows, hash: contentHash(rows) });
    } catch (error) {
      if (!isRecordError(error)) throw error;
      return `record ${item.key} is still refused${error.field ? ` at ${error.field}` : ''}: ${error.reason}`;
    }
  }
  return out;
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
