import type { BatchIntent, LedgerWrite } from '../state-store/types.js';
import { alert, audit, type RunScope } from './engine-context.js';

/** Ledger entries voided per state intent. */
const VOID_CHUNK = 1000;

/** What a stream's ledger describes: rows in this sink container, and whether a full re-read is still owed. */
interface SinkBinding {
  /** The sink's identity (the Power BI dataset id) the ledger's rows are in. */
  identity: string;
  /** Set while the records must all be read again (the ledger was voided, the re-post is not finished). */
  reread?: boolean;
}

/**
 * The store slot holding a stream's {@link SinkBinding}. The contract's generic named slots (`getSecret` /
 * `putSecret`) hold it, as plain JSON: a dataset id is no secret, and every store already has the slots.
 */
export function sinkBindingSlot(stream: string): string {
  return `mlc:sink-binding:${stream}`;
}

/**
 * Checks, under the stream lease and before anything else of a run, that the stream's ledger still describes the
 * sink container its rows went to. When the container was created again (the Power BI dataset was deleted under
 * the sync and the next set-up made a new one), those rows are gone: the stream's open intents are voided (their
 * rows went to the old container), its ledger entries are deleted (state intents, each atomic), the new identity
 * is recorded with a re-read owed, and the run reads every record from the start, so each lands in the new
 * container exactly once. A crash anywhere repeats only what is left: voiding is idempotent, and a re-read skips
 * what the new ledger already holds. Returns whether this run must read from the start.
 */
export async function checkSinkBinding(scope: RunScope): Promise<{ fullReread: boolean }> {
  const { ctx, stream } = scope;
  const identity = stream.sink.identity?.();
  if (identity === undefined) return { fullReread: false };
  const slot = sinkBindingSlot(stream.name);
  const stored = parseBinding(await ctx.store.getSecret(slot));
  if (!stored) {
    // A new stream, or one synced before bindings existed: its rows are in the container it posts to now.
    await ctx.store.putSecret(slot, JSON.stringify({ identity } satisfies SinkBinding));
    return { fullReread: false };
  }
  if (stored.identity === identity) return { fullReread: stored.reread === true };

  const open = await ctx.store.listOpenBatches(stream.name);
  const voided = await voidLedger(scope, open);
  const message = `stream ${stream.name}: the sink container changed from ${stored.identity} to ${identity} (the dataset was deleted and created again); the ${voided} ledger entries and ${open.length} open intents described rows that are gone, so every record is read and posted again`;
  alert(ctx, {
    code: 'SYNC_SINK_RECREATED',
    phase: 'sink',
    stream: stream.name,
    message,
    data: { from: stored.identity, to: identity, ledgerEntries: voided, openIntents: open.length },
  });
  await audit(ctx, {
    type: 'sink-recreated',
    stream: stream.name,
    message,
    data: {
      from: stored.identity,
      to: identity,
      ledgerEntries: voided,
      openIntents: open.map((b) => b.batchId),
    },
  });
  await ctx.store.putSecret(slot, JSON.stringify({ identity, reread: true } satisfies SinkBinding));
  return { fullReread: true };
}

/** Records that the re-read a changed identity owed is done (the run read every record and finished). */
export async function finishSinkReread(scope: RunScope): Promise<void> {
  const identity = scope.stream.sink.identity?.();
  if (identity === undefined) return;
  await scope.ctx.store.putSecret(
    sinkBindingSlot(scope.stream.name),
    JSON.stringify({ identity } satisfies SinkBinding),
  );
}

/**
 * Closes the open intents (their rows went to the old container: nothing to verify or resend there) and deletes
 * every ledger entry of the stream, through the protocol's own atomic commits. Returns the entries deleted.
 */
async function voidLedger(scope: RunScope, open: readonly BatchIntent[]): Promise<number> {
  const { ctx, stream } = scope;
  for (const intent of open) {
    // Committing applies the intent's ledger writes; they are deleted just below with all the others.
    await ctx.store.commitBatch(intent.batchId, scope.lease, { at: ctx.clock.now() });
  }
  let deleted = 0;
  for (;;) {
    const page = await ctx.store.scanLedger(stream.name, { limit: VOID_CHUNK });
    if (page.length === 0) return deleted;
    const entries: LedgerWrite[] = page.map((e) => ({ key: e.key, hash: '', version: 0, delete: true }));
    const intent: BatchIntent = {
      batchId: ctx.newId('v'),
      stream: stream.name,
      table: stream.table.name,
      kind: 'state',
      mode: stream.mode,
      rows: [],
      entries,
      rowCount: 0,
      createdAt: ctx.clock.now(),
      attempts: 0,
      status: 'open',
    };
    await ctx.store.beginBatch(intent, scope.lease);
    await ctx.store.commitBatch(intent.batchId, scope.lease, { at: ctx.clock.now() });
    deleted += page.length;
    await scope.keepLease();
  }
}

function parseBinding(text: string | undefined): SinkBinding | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SinkBinding>;
    return typeof value.identity === 'string' ? (value as SinkBinding) : undefined;
  } catch {
    return undefined;
  }
}
