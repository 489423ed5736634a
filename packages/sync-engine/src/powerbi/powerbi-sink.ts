import { type QuotaStore, isMlcError, outcomeOf } from '@mlc/core';
import {
  type AnyDatasetSchema,
  BATCH_COLUMN,
  type KnownTableDefinitions,
  type PowerBIClient,
  POWER_BI_LIMITS,
  type PushTable,
  type ResolvedColumn,
  TABLE_CAPACITY_REMEDY,
  isPowerBIError,
} from '@mlc/powerbi-push-client';
import { SyncError } from '../errors/sync-error.js';
import { markSinkSetupLost } from '../sink/sink-setup-lost.js';
import type {
  PostResult,
  RowCheckRequest,
  RowCheckResult,
  SinkSetupNote,
  SinkTable,
  SyncSink,
} from '../sink/sync-sink.js';
import type { Row } from '../state-store/types.js';
import { checkPowerBIRow, checkRowAgainst } from './check-power-bi-row.js';
import { datasetForTables } from './dataset-for-tables.js';
import { describePowerBIFailure } from './describe-power-bi-failure.js';
import type { ThrottleMeter } from './throttle-meter.js';

/** Options of {@link powerBISink}. */
export interface PowerBISinkOptions {
  /**
   * The dataset: a schema from `defineDataset` (e.g. {@link datasetForStreams}) that `ensureTables` creates or
   * updates, or just a name, in which case the schema is built from the streams' tables.
   */
  dataset: AnyDatasetSchema | string;
  /** Use this existing dataset id instead of looking the dataset up by name (no `ensureDataset` call). */
  datasetId?: string;
  /** Reports throttled time into the sync's progress. */
  throttleMeter?: ThrottleMeter;
  /**
   * Told when a table's row count could not be read before the first POST after set-up (executeQueries disallowed
   * or failing): the client's pacer then starts without it, as if the table were empty. @default ignored
   */
  onSeedFailure?: (table: string, error: unknown) => void;
}

/**
 * A {@link SyncSink} over the Power BI push client (contract 2): rows are appended with `_batch` = batch id,
 * outcomes map one to one (`unknown` is never resent by the client), verification counts `_batch` rows through
 * executeQueries, and a tenant that disallows executeQueries (`PBI_QUERY_UNAVAILABLE`) yields `'unsupported'`
 * so the stream's policy decides. An answer without a count (`PBI_QUERY_ANSWER_UNREADABLE`) rejects: the engine
 * reads that as "unknown", never as 0.
 */
export function powerBISink(client: PowerBIClient, options: PowerBISinkOptions): SyncSink {
  let datasetId = options.datasetId;
  let schema: AnyDatasetSchema | undefined =
    typeof options.dataset === 'string' ? undefined : options.dataset;
  const tables = new Map<string, PushTable>();
  let setupNote: SinkSetupNote | undefined;
  const checkedColumns = new Map<object, ResolvedColumn[]>();
  const table = (name: string): PushTable => {
    if (!datasetId || !schema) {
      throw new SyncError({
        code: 'SYNC_CONFIG_INVALID',
        message: 'powerBISink: ensureTables() must run first',
      });
    }
    let t = tables.get(name);
    if (!t) {
      t = client.table(datasetId, name, { schema }) as unknown as PushTable;
      tables.set(name, t);
    }
    return t;
  };
  /**
   * After a 404 on a dataset item: whether the dataset is really gone. Power BI also answers 404
   * (PowerBIEntityNotFound) to a principal that lost its workspace access ([inferred] powerbi reference §5.5), so
   * the workspace's list decides: a list that answers and lacks our id means deleted. The cached set-up is dropped
   * then, so the next `ensureTables` finds or creates the dataset again.
   */
  const missingDataset = async (error: unknown): Promise<SyncError | undefined> => {
    const id = datasetId;
    if (id === undefined || !isPowerBIError(error) || (error as { status?: number }).status !== 404)
      return undefined;
    let listed: Array<{ id: string }>;
    try {
      listed = await client.listDatasets();
    } catch {
      return undefined;
    }
    if (listed.some((d) => d.id.toLowerCase() === id.toLowerCase())) return undefined;
    if (options.datasetId === undefined) datasetId = undefined;
    tables.clear();
    return markSinkSetupLost(
      new SyncError({
        code: 'SYNC_SINK_MISSING',
        message: `Power BI dataset ${schema?.name ?? ''} (${id}) no longer exists in the workspace: it was deleted under the sync; the next run creates it again and posts every record again`,
        cause: error,
      }),
    );
  };
  /**
   * A new process's pacer starts empty: before the first POST to a table after each set-up, tell it how large the
   * table already is (COUNTROWS), so a table past 250k rows is paced at 120 POSTs per hour from the first POST, not
   * after a burst of 429s. Not at set-up: a run that posts nothing (an unchanged re-sync) need not ask. Best effort:
   * a tenant without executeQueries, or an unreadable answer, leaves the pacer (or the shared count) as it was.
   */
  const seeded = new Map<string, Promise<void>>();
  const seed = (name: string, signal?: AbortSignal): Promise<void> => {
    let pending = seeded.get(name);
    if (!pending) {
      pending = (async () => {
        try {
          table(name).setKnownRowCount(await table(name).countRows(signal ? { signal } : {}));
        } catch (error) {
          if (signal?.aborted) throw error;
          options.onSeedFailure?.(name, error);
        }
      })();
      seeded.set(name, pending);
      pending.catch(() => seeded.delete(name));
    }
    return pending;
  };
  return {
    maxRowsPerPost: POWER_BI_LIMITS.maxRowsPerRequest,
    identity: () => datasetId,
    describeFailure: describePowerBIFailure,
    requestTimeoutMs: client.requestTimeoutMs,
    // The same rules the push client's encoder applies when `post` sends the row (`checkRow` of
    // @mlc/powerbi-push-client), with the dataset schema's own nullability when a schema was given.
    checkRow(request: RowCheckRequest): RowCheckResult {
      const resolved = schema?.tablesByName.get(request.table.name);
      if (!resolved) return checkPowerBIRow(request);
      let columns = checkedColumns.get(resolved);
      if (!columns) {
        columns = resolved.columns.filter((c) => c.name in request.table.columns);
        checkedColumns.set(resolved, columns);
      }
      return checkRowAgainst(columns, request);
    },
    async ensureTables(
      specs: readonly SinkTable[],
      { signal, quota, lastSetup }: { signal?: AbortSignal; quota?: QuotaStore; lastSetup?: SinkSetupNote },
    ) {
      if (!schema) schema = datasetForTables(options.dataset as string, specs);
      const known = new Set(schema.tables.map((t) => t.name));
      const missing = specs.filter((s) => !known.has(s.name)).map((s) => s.name);
      if (missing.length > 0) {
        throw new SyncError({
          code: 'SYNC_CONFIG_INVALID',
          message: `dataset ${schema.name} has no table(s) ${missing.join(', ')}`,
        });
      }
      if (datasetId === undefined) {
        // The table definitions the last set-up left in the dataset (kept by the engine): the service does not list
        // columns, so without them every start would PUT every table again.
        const knownTables = knownTablesOf(lastSetup);
        const ensured = await client.ensureDataset(schema, {
          ...(signal ? { signal } : {}),
          ...(knownTables ? { knownTables } : {}),
        });
        datasetId = ensured.datasetId;
        setupNote = { datasetId: ensured.datasetId, tables: ensured.tableFingerprints };
      }
      // With a state store that keeps quotas, the dataset's pacing windows live there: shared by every process
      // writing this dataset, and still there after a restart.
      if (quota && datasetId !== undefined) await client.shareQuota(datasetId, quota);
      // Each table's row count is read again before its first POST after this set-up (see `seed`).
      seeded.clear();
    },
    // The dataset id and a digest of each table definition it is known to have: the next set-up (a restart) passes
    // them back, so an unchanged table is not PUT again (the service does not list columns to compare with).
    setupNote: () => setupNote,
    async post({ table: name, rows, batchId, signal, beforeSend }): Promise<PostResult> {
      await seed(name, signal);
      const before = datasetId ? (options.throttleMeter?.totalMs(datasetId) ?? 0) : 0;
      try {
        const result = await table(name).append(rows as readonly Row[], {
          batchId,
          ...(signal ? { signal } : {}),
          ...(beforeSend ? { beforeSend } : {}),
        });
        const throttledMs = (datasetId ? (options.throttleMeter?.totalMs(datasetId) ?? 0) : 0) - before;
        const error = result.requests.find((r) => r.outcome !== 'applied')?.error;
        // A 404 for the dataset: nothing landed, and only setting the sink up again can help.
        const missing = result.outcome === 'not-applied' ? await missingDataset(error) : undefined;
        if (missing) return { outcome: 'not-applied', error: missing, fatal: true, setupLost: true };
        const capacity = result.capacity;
        return {
          outcome: result.outcome,
          // 80 % and 95 % of the table's row cap: an alert, so someone acts before appends are refused.
          ...(capacity
            ? {
                alerts: [
                  {
                    code: 'PBI_TABLE_NEARLY_FULL',
                    severity: 'warning',
                    message: `Power BI table ${capacity.table} holds ${capacity.rows} rows, ${Math.round(capacity.threshold * 100)}% of its ${capacity.cap}-row cap`,
                    remedy: TABLE_CAPACITY_REMEDY,
                    data: { ...capacity },
                  },
                ],
              }
            : {}),
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
    },
    async countBatch({ table: name, batchId, signal }) {
      try {
        return await table(name).countWhere(BATCH_COLUMN, batchId, signal ? { signal } : {});
      } catch (error) {
        if (isMlcError(error) && error.code === 'PBI_QUERY_UNAVAILABLE') return 'unsupported';
        throw (await missingDataset(error)) ?? error;
      }
    },
    async clear({ table: name, signal }) {
      await table(name).clear(signal ? { signal } : {});
      // The pacer now knows the count (0): no need to read it.
      seeded.set(name, Promise.resolve());
    },
  };
}

/** The table definitions a set-up note of this sink records (`{ datasetId, tables }`), or undefined. */
function knownTablesOf(note: SinkSetupNote | undefined): KnownTableDefinitions | undefined {
  const datasetId = note?.datasetId;
  const tables = note?.tables;
  if (typeof datasetId !== 'string' || tables === null || typeof tables !== 'object') return undefined;
  const fingerprints = Object.entries(tables).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return { datasetId, tables: Object.fromEntries(fingerprints) };
}
