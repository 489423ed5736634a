import type { BatchIntent, BatchIntentPatch } from '../state-store/types.js';

/** The fields of an open intent that {@link StateStore.updateBatch} may change. */
export type PatchableIntent = Pick<
  BatchIntent,
  'postedAt' | 'answeredAt' | 'answeredAttempt' | 'answeredOn' | 'attempts' | 'rebuild'
>;

/**
 * Applies an `updateBatch` patch to a stored intent (or to the SQL layout's `info` object, which has the same
 * fields): every field the patch sets, copied so the stored intent never shares an object with the caller; absent
 * fields stay as they were. The one place that knows what a patch holds, for every store of this repository and for
 * a team writing its own.
 */
export function applyIntentPatch(target: PatchableIntent, patch: BatchIntentPatch): void {
  if (patch.postedAt !== undefined) target.postedAt = patch.postedAt;
  if (patch.answeredAt !== undefined) target.answeredAt = patch.answeredAt;
  if (patch.answeredAttempt !== undefined) target.answeredAttempt = patch.answeredAttempt;
  if (patch.answeredOn !== undefined)
    target.answeredOn = { clock: patch.answeredOn.clock, ms: patch.answeredOn.ms };
  if (patch.attempts !== undefined) target.attempts = patch.attempts;
  if (patch.rebuild !== undefined) target.rebuild = structuredClone(patch.rebuild);
}
