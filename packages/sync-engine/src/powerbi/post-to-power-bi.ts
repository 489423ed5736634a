import { outcomeOf } from '@mlc/core';
import { TABLE_CAPACITY_REMEDY, type TableCapacity, isPowerBIError } from '@mlc/powerbi-push-client';
import type { PostResult, SinkAlert, SyncSink } from '../sink/sync-sink.js';
import type { Row } from '../state-store/types.js';
import type { PowerBISinkState } from './power-bi-sink-state.js';

/**
 * `post` of {@link powerBISink}: seeds the table's pacer, appends the rows with `_batch` = batch id and maps the
 * push client's result one to one (a deleted dataset is fatal and loses the set-up; a full table is fatal; a
 * failure before the body left is certainly not applied, anything else may have landed).
 */
export async function postToPowerBI(
  state: PowerBISinkState,
  { table: name, rows, batchId, signal, beforeSend }: Parameters<SyncSink['post']>[0],
): Promise<PostResult> {
  await state.seed(name, signal);
  const before = throttledSoFar(state);
  try {
    const result = await state.table(name).append(rows as readonly Row[], {
      batchId,
      ...(signal ? { signal } : {}),
      ...(beforeSend ? { beforeSend } : {}),
    });
    const throttledMs = throttledSoFar(state) - before;
    const error = result.requests.find((r) => r.outcome !== 'applied')?.error;
    // A 404 for the dataset: nothing landed, and only setting the sink up again can help.
    const missing = result.outcome === 'not-applied' ? await state.missingDataset(error) : undefined;
    if (missing) return { outcome: 'not-applied', error: missing, fatal: true, setupLost: true };
    const capacity = result.capacity;
    return {
      outcome: result.outcome,
      // 80 % and 95 % of the table's row cap: an alert, so someone acts before appends are refused.
      ...(capacity ? { alerts: [tableNearlyFull(capacity)] } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(throttledMs > 0 ? { throttledMs } : {}),
      ...(result.outcome === 'not-applied' && result.retryAfterMs !== undefined
        ? { retryAfterMs: result.retryAfterMs }
        : {}),
    };
  } catch (error) {
    // The table is full (refused before sending): nothing landed and only a person can make room.
    if (isPowerBIError(error, 'PBI_TABLE_FULL')) return { outcome: 'not-applied', error, fatal: true };
    // Local validation, or a failure before the body left (credentials): certainly not applied. Anything else
    // may have left: core's one answer.
    return { outcome: outcomeOf(error), error };
  }
}

/** The dataset's throttled time so far, by the sink's throttle meter (0 without one or before set-up). */
function throttledSoFar(state: PowerBISinkState): number {
  const { datasetId, options } = state;
  return datasetId ? (options.throttleMeter?.totalMs(datasetId) ?? 0) : 0;
}

/** The alert for a table past 80 % or 95 % of its row cap. */
function tableNearlyFull(capacity: TableCapacity): SinkAlert {
  return {
    code: 'PBI_TABLE_NEARLY_FULL',
    severity: 'warning',
    message: `Power BI table ${capacity.table} holds ${capacity.rows} rows, ${Math.round(capacity.threshold * 100)}% of its ${capacity.cap}-row cap`,
    remedy: TABLE_CAPACITY_REMEDY,
    data: { ...capacity },
  };
}
