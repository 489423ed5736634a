import { SyncError } from '../errors/sync-error.js';
import { type EngineContext, audit } from '../engine/engine-context.js';
import { type LeaseTiming, withHeldLease } from '../engine/held-lease.js';
import type { DeadLetter } from '../state-store/types.js';

/**
 * Marks open dead letters `discarded` (a human decided they need no replay), grouped by stream, each group under
 * its stream's lease, with one `discarded` audit entry per letter. Returns the ids discarded; ids that are unknown or
 * not open are left alone. `SYNC_STREAM_BUSY` when a stream is running elsewhere.
 */
export async function discardDeadLetters(
  ctx: EngineContext,
  timing: LeaseTiming,
  ids: readonly string[],
  reason: string | undefined,
): Promise<string[]> {
  const { store, clock } = ctx;
  const letters = await store.listDeadLetters({ ids: [...ids], status: ['open'], limit: ids.length });
  const byStream = new Map<string, DeadLetter[]>();
  for (const letter of letters) byStream.set(letter.stream, [...(byStream.get(letter.stream) ?? []), letter]);
  const discarded: string[] = [];
  for (const [name, group] of byStream) {
    const done = await withHeldLease(ctx, name, timing, async (held) => {
      await store.setDeadLetterStatus(
        group.map((l) => l.id),
        'discarded',
        held.current(),
        clock.now(),
      );
      for (const letter of group) {
        await audit(ctx, {
          type: 'discarded',
          stream: name,
          ...(letter.key !== undefined ? { key: letter.key } : {}),
          ...(letter.batchId !== undefined ? { batchId: letter.batchId } : {}),
          message: `dead letter ${letter.id} discarded${reason ? `: ${reason}` : ''}`,
          data: { deadLetterId: letter.id, kind: letter.kind, reason: reason ?? null },
        });
      }
      return true;
    });
    if (!done) {
      throw new SyncError({
        code: 'SYNC_STREAM_BUSY',
        stream: name,
        message: `stream ${name} is running elsewhere; discard later`,
      });
    }
    discarded.push(...group.map((l) => l.id));
  }
  return discarded;
}
