/** Errors that mean the sink's set-up is gone (see `PostResult.setupLost`). */
const lost = new WeakSet<object>();

/**
 * Marks `error` as "the sink's set-up is gone" (the Power BI dataset was deleted) and returns it. A sink throws
 * such an error from `countBatch` (or returns it as a `setupLost` post result): the engine then sets the sink up
 * again on the next run and, seeing its new identity, posts every record again.
 *
 * @example
 * throw markSinkSetupLost(new SyncError({ code: 'SYNC_SINK_MISSING', message: 'dataset deleted' }));
 */
export function markSinkSetupLost<E>(error: E): E {
  if (typeof error === 'object' && error !== null) lost.add(error);
  return error;
}

/** Whether `error`, or an error in its cause chain, was marked by {@link markSinkSetupLost}. */
export function isSinkSetupLost(error: unknown): boolean {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (typeof e === 'object' && lost.has(e)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
