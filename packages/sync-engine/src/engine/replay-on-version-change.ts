import { audit, type RunScope } from './engine-context.js';
import { type ReplayResult, replayDeadLetters } from './replay-dead-letters.js';

/** Store slot holding the version of a stream's definition at its last run. */
export function streamVersionSlot(stream: string): string {
  return `mlc:stream-version:${stream}`;
}

/** Whether the stream's definition changed since its last run (what {@link replayOnVersionChange} acts on). */
export async function streamVersionChanged(scope: RunScope): Promise<boolean> {
  return (await scope.ctx.store.getSecret(streamVersionSlot(scope.stream.name))) !== scope.stream.version;
}

/**
 * When the stream's definition changed since its last run (its declared or derived version differs), replays
 * the stream's open record dead letters with the current mapping before anything new is read, then records the
 * version. Replay is the ordinary one: audited, re-decided against the ledger, so nothing lands twice; records
 * still invalid stay parked (audited `replay-refused`) until the next change. Returns `undefined` when the
 * version did not change.
 */
export async function replayOnVersionChange(scope: RunScope): Promise<ReplayResult | undefined> {
  const { ctx, stream } = scope;
  const slot = streamVersionSlot(stream.name);
  const previous = await ctx.store.getSecret(slot);
  if (previous === stream.version) return undefined;
  const letters = (
    await ctx.store.listDeadLetters({ stream: stream.name, status: ['open'], limit: 100_000 })
  ).filter((letter) => letter.kind === 'record');
  let result: ReplayResult | undefined;
  if (letters.length > 0) {
    await audit(ctx, {
      type: 'stream-version-changed',
      stream: stream.name,
      message: `stream ${stream.name} changed (version ${previous ?? 'unknown'} → ${stream.version}): replaying ${letters.length} open record dead letters`,
      data: { from: previous, to: stream.version, deadLetters: letters.length },
    });
    result = await replayDeadLetters(scope, letters, { force: false });
  }
  // Recorded after the replay: a crash in between replays again next run, which the ledger makes harmless.
  await ctx.store.putSecret(slot, stream.version);
  return result;
}
