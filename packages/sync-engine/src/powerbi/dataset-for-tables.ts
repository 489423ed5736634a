import { type AnyDatasetSchema, defineDataset } from '@mlc/powerbi-push-client';
import type { SinkTable } from '../sink/sync-sink.js';
import type { StreamDefinition } from '../definition/define-stream.js';
import { postedTableOf } from '../definition/posted-table.js';
import { powerBIDataTypeOf } from './power-bi-data-type.js';

/**
 * Builds a dataset schema (via `defineDataset`) from sink tables. Columns are nullable because the engine writes
 * `null` for absent values; `_batch` is added by the Power BI client.
 */
export function datasetForTables(name: string, tables: readonly SinkTable[]): AnyDatasetSchema {
  return defineDataset({
    name,
    tables: Object.fromEntries(
      tables.map((t) => [
        t.name,
        {
          columns: Object.fromEntries(
            Object.entries(t.columns).map(([c, type]) => [
              c,
              { type: powerBIDataTypeOf(type), nullable: true },
            ]),
          ),
        },
      ]),
    ),
  }) as unknown as AnyDatasetSchema;
}

/**
 * A Power BI dataset schema (via `defineDataset`) holding the tables of these streams, for `powerBISink`.
 * Build your own with `defineDataset` to add measures or relationships (keep the columns).
 */
export function datasetForStreams(
  name: string,
  streams: ReadonlyArray<Pick<StreamDefinition<unknown>, 'table' | 'mode'>>,
): AnyDatasetSchema {
  return datasetForTables(name, streams.map(postedTableOf));
}
