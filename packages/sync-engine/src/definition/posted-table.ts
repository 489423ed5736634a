import type { SinkTable } from '../sink/sync-sink.js';
import type { StreamDefinition } from './define-stream.js';

/**
 * The table a stream posts to: its own table, plus `_version` (Int64) and `_validFrom` (DateTime) in versioned
 * mode. The one place these two engine columns are declared; the sink sets up exactly this table.
 */
export function postedTableOf(stream: Pick<StreamDefinition<unknown>, 'table' | 'mode'>): SinkTable {
  return stream.mode === 'versioned'
    ? {
        name: stream.table.name,
        columns: { ...stream.table.columns, _version: 'Int64', _validFrom: 'DateTime' },
      }
    : stream.table;
}
