import type { QuotaStore } from '@mlc/core';
import type { PacerStats } from '../pacing/dataset-pacer.js';
import type { ApiTable } from '../schema/to-api-dataset.js';
import type { AnyDatasetSchema, DatasetSchema, RowOfTable, TableNameOf } from '../schema/schema-types.js';
import type { EnsureDatasetOptions, FindEnsuredDatasetOptions } from './ensure-dataset.js';
import type { EnsuredDataset } from './ensured-dataset.js';
import type { DatasetInfo } from './power-bi-client-options.js';
import type { PushTable, SignalOptions } from './push-table.js';

/** Options of `client.table()`. */
export interface TableOptions<S extends AnyDatasetSchema> {
  /** The dataset's schema, when `ensureDataset` was not called on this client for it. */
  schema?: S;
}

/** A Power BI push-dataset client bound to one workspace. */
export interface PowerBIClient {
  /** The workspace id. */
  readonly groupId: string;
  /**
   * The longest one HTTP request may be in flight (the `timeoutMs` option): a caller that fences its writes (the
   * sync engine's lease) needs to know how long a POST can outlive the moment it was sent.
   */
  readonly requestTimeoutMs: number;
  /** Finds (by name), creates or updates the schema's dataset; reports what it did. */
  ensureDataset<S extends AnyDatasetSchema>(
    schema: S,
    options?: EnsureDatasetOptions,
  ): Promise<EnsuredDataset<S>>;
  /**
   * What `ensureDataset` would return when it has nothing to do (the dataset found, every table definition known to
   * be there from `knownTables`), or `undefined` when it would create the dataset or list or PUT tables. Changes
   * nothing: one GET of the workspace's datasets.
   */
  findEnsuredDataset<S extends AnyDatasetSchema>(
    schema: S,
    options?: FindEnsuredDatasetOptions,
  ): Promise<EnsuredDataset<S> | undefined>;
  /** Creates a new dataset for the schema, even if one with the name exists (names are not unique). */
  createDataset<S extends AnyDatasetSchema>(schema: S, options?: SignalOptions): Promise<EnsuredDataset<S>>;
  /** A table of a dataset. The schema must be known: from `ensureDataset` on this client, or `options.schema`. */
  table<S extends AnyDatasetSchema = DatasetSchema, N extends TableNameOf<S> = TableNameOf<S>>(
    datasetId: string,
    tableName: N,
    options?: TableOptions<S>,
  ): PushTable<RowOfTable<S, N>>;
  /** Lists the workspace's datasets. */
  listDatasets(options?: SignalOptions): Promise<DatasetInfo[]>;
  /** Lists the workspace's datasets with this exact name. */
  findDatasets(name: string, options?: SignalOptions): Promise<DatasetInfo[]>;
  /** Lists a dataset's tables as the service describes them. */
  listTables(datasetId: string, options?: SignalOptions): Promise<ApiTable[]>;
  /** Deletes a dataset and its rows. */
  deleteDataset(datasetId: string, options?: SignalOptions): Promise<void>;
  /** Runs one DAX query and returns its rows (keys like `Table[Column]` and `[label]`). */
  executeQuery(
    datasetId: string,
    dax: string,
    options?: SignalOptions,
  ): Promise<Array<Record<string, unknown>>>;
  /** Current pacer counters of a dataset (for logs and dashboards). */
  pacingStats(datasetId: string): PacerStats;
  /**
   * Keeps the pacing windows of a dataset (POSTs per minute, POSTs per hour for large tables, rows per hour, the
   * tables' row counts and 429 pauses) in `quota` — under the scope `powerbi:<datasetId>` — instead of in this
   * process: every process that shares the same quota store paces against the same windows, and a restart resumes
   * them. The sync engine calls it with its state store when the store implements `reserveQuota`. Resolves once
   * the sizes this client already knew have been written.
   */
  shareQuota(datasetId: string, quota: QuotaStore): Promise<void>;
}
