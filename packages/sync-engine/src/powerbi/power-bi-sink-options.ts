import type { AnyDatasetSchema } from '@mlc/powerbi-push-client';
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
