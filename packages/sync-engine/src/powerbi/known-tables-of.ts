import type { KnownTableDefinitions } from '@mlc/powerbi-push-client';
import type { SinkSetupNote } from '../sink/sync-sink.js';

/** The table definitions a set-up note of {@link powerBISink} records (`{ datasetId, tables }`), or undefined. */
export function knownTablesOf(note: SinkSetupNote | undefined): KnownTableDefinitions | undefined {
  const datasetId = note?.datasetId;
  const tables = note?.tables;
  if (typeof datasetId !== 'string' || tables === null || typeof tables !== 'object') return undefined;
  const fingerprints = Object.entries(tables).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return { datasetId, tables: Object.fromEntries(fingerprints) };
}
