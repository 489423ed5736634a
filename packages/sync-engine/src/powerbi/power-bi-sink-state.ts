import {
  type AnyDatasetSchema,
  type PowerBIClient,
  type PushTable,
  type ResolvedColumn,
  isPowerBIError,
} from '@mlc/powerbi-push-client';
import { SyncError } from '../errors/sync-error.js';
import { markSinkSetupLost } from '../sink/sink-setup-lost.js';
import type { SinkSetupNote } from '../sink/sync-sink.js';
import type { PowerBISinkOptions } from './power-bi-sink-options.js';

/**
 * What one {@link powerBISink} knows between calls, in one place: the dataset (its id and schema once set up), the
 * table handles, the note of the last set-up, the columns each row check uses, and whether each table's row count
 * was read into the client's pacer since that set-up.
 */
export class PowerBISinkState {
  readonly client: PowerBIClient;
  readonly options: PowerBISinkOptions;
  /** The dataset's id: given in the options, or found/created by `ensureTables` (dropped when it is deleted). */
  datasetId: string | undefined;
  /** The dataset's schema: given in the options, or built from the streams' tables by `ensureTables`. */
  schema: AnyDatasetSchema | undefined;
  /** What the last set-up left (dataset id and table fingerprints), for the next one. */
  setupNote: SinkSetupNote | undefined;
  /** The columns of each resolved table that the streams' rows carry, for `checkRow`. */
  readonly checkedColumns = new Map<object, ResolvedColumn[]>();
  readonly #tables = new Map<string, PushTable>();
  readonly #seeded = new Map<string, Promise<void>>();

  /** @param client the Power BI push client; @param options the sink's options. */
  constructor(client: PowerBIClient, options: PowerBISinkOptions) {
    this.client = client;
    this.options = options;
    this.datasetId = options.datasetId;
    this.schema = typeof options.dataset === 'string' ? undefined : options.dataset;
  }

  /** The push client's handle of table `name` (`SYNC_CONFIG_INVALID` before `ensureTables` ran). */
  table(name: string): PushTable {
    const { datasetId, schema } = this;
    if (!datasetId || !schema) {
      throw new SyncError({
        code: 'SYNC_CONFIG_INVALID',
        message: 'powerBISink: ensureTables() must run first',
      });
    }
    let t = this.#tables.get(name);
    if (!t) {
      t = this.client.table(datasetId, name, { schema }) as unknown as PushTable;
      this.#tables.set(name, t);
    }
    return t;
  }

  /**
   * After a 404 on a dataset item: whether the dataset is really gone. Power BI also answers 404
   * (PowerBIEntityNotFound) to a principal that lost its workspace access ([inferred] powerbi reference §5.5), so
   * the workspace's list decides: a list that answers and lacks our id means deleted. The cached set-up is dropped
   * then, so the next `ensureTables` finds or creates the dataset again.
   */
  async missingDataset(error: unknown): Promise<SyncError | undefined> {
    const id = this.datasetId;
    if (id === undefined || !isPowerBIError(error) || (error as { status?: number }).status !== 404)
      return undefined;
    let listed: boolean;
    try {
      listed = await this.#listed(id);
    } catch {
      return undefined;
    }
    return listed ? undefined : this.#lost(id, error);
  }

  /**
   * `checkSetup` of the sink: the workspace's dataset list still holds the dataset set up earlier, or the set-up is
   * dropped and a {@link markSinkSetupLost} error thrown (see {@link PowerBISinkState.missingDataset}). A list that
   * fails throws its own error: Power BI not answering is worth a failed run even when nothing is to be posted.
   */
  async checkDataset(signal?: AbortSignal): Promise<void> {
    const id = this.datasetId;
    if (id === undefined) return;
    if (!(await this.#listed(id, signal))) throw this.#lost(id);
  }

  /** Whether the workspace's dataset list holds the dataset `id` (ids compared without case). */
  async #listed(id: string, signal?: AbortSignal): Promise<boolean> {
    const datasets = await this.client.listDatasets(signal ? { signal } : {});
    return datasets.some((d) => d.id.toLowerCase() === id.toLowerCase());
  }

  /** Drops the cached set-up of the deleted dataset `id` and returns the error saying so. */
  #lost(id: string, cause?: unknown): SyncError {
    if (this.options.datasetId === undefined) this.datasetId = undefined;
    this.#tables.clear();
    return markSinkSetupLost(
      new SyncError({
        code: 'SYNC_SINK_MISSING',
        message: `Power BI dataset ${this.schema?.name ?? ''} (${id}) no longer exists in the workspace: it was deleted under the sync; it is created again and every record is posted again`,
        ...(cause !== undefined ? { cause } : {}),
      }),
    );
  }

  /**
   * A new process's pacer starts empty: before the first POST to a table after each set-up, tell it how large the
   * table already is (COUNTROWS), so a table past 250k rows is paced at 120 POSTs per hour from the first POST, not
   * after a burst of 429s. Not at set-up: a run that posts nothing (an unchanged re-sync) need not ask. Best effort:
   * a tenant without executeQueries, or an unreadable answer, leaves the pacer (or the shared count) as it was.
   */
  seed(name: string, signal?: AbortSignal): Promise<void> {
    let pending = this.#seeded.get(name);
    if (!pending) {
      pending = (async () => {
        try {
          this.table(name).setKnownRowCount(await this.table(name).countRows(signal ? { signal } : {}));
        } catch (error) {
          if (signal?.aborted) throw error;
          this.options.onSeedFailure?.(name, error);
        }
      })();
      this.#seeded.set(name, pending);
      pending.catch(() => this.#seeded.delete(name));
    }
    return pending;
  }

  /** After a set-up: each table's row count is read again before its first POST (see {@link PowerBISinkState.seed}). */
  forgetSeeds(): void {
    this.#seeded.clear();
  }

  /** After table `name` was cleared: the pacer knows its count (0), so it need not be read. */
  seededEmpty(name: string): void {
    this.#seeded.set(name, Promise.resolve());
  }
}
