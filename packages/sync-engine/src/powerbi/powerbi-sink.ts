import { isMlcError } from '@mlc/core';
import { BATCH_COLUMN, type PowerBIClient, POWER_BI_LIMITS } from '@mlc/powerbi-push-client';
import type { RowCheckRequest, RowCheckResult, SyncSink } from '../sink/sync-sink.js';
import { checkPowerBIRow, checkRowAgainst } from './check-power-bi-row.js';
import { describePowerBIFailure } from './describe-power-bi-failure.js';
import { ensurePowerBITables, findPowerBITables } from './ensure-power-bi-tables.js';
import type { PowerBISinkOptions } from './power-bi-sink-options.js';
import { PowerBISinkState } from './power-bi-sink-state.js';
import { postToPowerBI } from './post-to-power-bi.js';

export type { PowerBISinkOptions } from './power-bi-sink-options.js';

/**
 * A {@link SyncSink} over the Power BI push client (contract 2): rows are appended with `_batch` = batch id,
 * outcomes map one to one (`unknown` is never resent by the client), verification counts `_batch` rows through
 * executeQueries, and a tenant that disallows executeQueries (`PBI_QUERY_UNAVAILABLE`) yields `'unsupported'`
 * so the stream's policy decides. An answer without a count (`PBI_QUERY_ANSWER_UNREADABLE`) rejects: the engine
 * reads that as "unknown", never as 0.
 */
export function powerBISink(client: PowerBIClient, options: PowerBISinkOptions): SyncSink {
  const state = new PowerBISinkState(client, options);
  return {
    maxRowsPerPost: POWER_BI_LIMITS.maxRowsPerRequest,
    identity: () => state.datasetId,
    describeFailure: describePowerBIFailure,
    requestTimeoutMs: client.requestTimeoutMs,
    // The same rules the push client's encoder applies when `post` sends the row (`checkRow` of
    // @mlc/powerbi-push-client), with the dataset schema's own nullability when a schema was given.
    checkRow(request: RowCheckRequest): RowCheckResult {
      const resolved = state.schema?.tablesByName.get(request.table.name);
      if (!resolved) return checkPowerBIRow(request);
      let columns = state.checkedColumns.get(resolved);
      if (!columns) {
        columns = resolved.columns.filter((c) => c.name in request.table.columns);
        state.checkedColumns.set(resolved, columns);
      }
      return checkRowAgainst(columns, request);
    },
    ensureTables: (specs, setup) => ensurePowerBITables(state, specs, setup),
    // A restart whose last set-up left the dataset complete finds it (one GET) without the set-up lease.
    findSetup: (specs, setup) => findPowerBITables(state, specs, setup),
    // The dataset id and a digest of each table definition it is known to have: the next set-up (a restart) passes
    // them back, so an unchanged table is not PUT again (the service does not list columns to compare with).
    setupNote: () => state.setupNote,
    // One service may write the same tables into several datasets (one per company) through one store.
    setupKey: () =>
      `${client.groupId}/${typeof options.dataset === 'string' ? options.dataset : options.dataset.name}`,
    // Each later run of a long-running service asks whether the dataset is still there (one GET of the workspace's
    // datasets), so one deleted while nothing changes is noticed, re-created and refilled at once, with an alert.
    checkSetup: ({ signal }) => state.checkDataset(signal),
    post: (request) => postToPowerBI(state, request),
    async countBatch({ table: name, batchId, signal }) {
      try {
        return await state.table(name).countWhere(BATCH_COLUMN, batchId, signal ? { signal } : {});
      } catch (error) {
        if (isMlcError(error) && error.code === 'PBI_QUERY_UNAVAILABLE') return 'unsupported';
        throw (await state.missingDataset(error)) ?? error;
      }
    },
    async clear({ table: name, signal }) {
      await state.table(name).clear(signal ? { signal } : {});
      // The pacer now knows the count (0): no need to read it.
      state.seededEmpty(name);
    },
  };
}
