import { hash } from 'node:crypto';
import { type X3Change, type X3Client, normalizeRecord } from '@mlc/sage-x3-client';
import type { SourceItem, SourceReadRequest, SyncSource } from '../source/sync-source.js';
import { describeX3Failure } from './describe-x3-failure.js';

/** Options of {@link x3Source}. */
export interface X3SourceOptions {
  /** Records per X3 request. @default the client's page size */
  pageSize?: number;
}

/**
 * Converts one X3 change into a source item (invalid records keep their field path and reason). With `fingerprint`
 * (see {@link x3Fingerprinter}), a valid record carries the fingerprint of its raw content.
 */
export function fromX3Change<T>(change: X3Change<T>, fingerprint?: (raw: unknown) => string): SourceItem<T> {
  if (change.ok) {
    const item: SourceItem<T> = {
      ok: true,
      key: change.key,
      stamp: change.stamp,
      record: change.record,
      raw: change.raw,
    };
    if (fingerprint) item.fingerprint = fingerprint(change.raw);
    return item;
  }
  return {
    ok: false,
    raw: change.raw,
    reason: change.error.reason,
    error: change.error,
    ...(change.key !== undefined ? { key: change.key } : {}),
    ...(change.stamp !== undefined ? { stamp: change.stamp } : {}),
    ...(change.error.field ? { field: change.error.field } : {}),
  };
}

/**
 * The fingerprint of an entity's raw records (`SourceRecord.fingerprint`): SHA-256 (132 bits in base64url) of the
 * record's JSON as parsed from X3 (`JSON.stringify` keeps the received member order), behind a short hash of the
 * entity's name, transport and field mapping, so that two reads alike are normalised alike. The entity's zod schema
 * is code and is not seen: declare a new stream `version` when a custom entity's schema changes how a record
 * normalises.
 */
export function x3Fingerprinter<E, K extends keyof E & string>(
  client: X3Client<E>,
  entity: K,
): (raw: unknown) => string {
  const definition = client.entity(entity);
  const mapping = client.transport === 'rest' ? definition.rest : definition.graphql;
  const seed = hash(
    'sha256',
    JSON.stringify([definition.name, client.transport, mapping ?? null]),
    'base64url',
  );
  const prefix = `${seed.slice(0, 6)}.`;
  return (raw) => prefix + hash('sha256', JSON.stringify(raw) ?? 'undefined', 'base64url').slice(0, 22);
}

/**
 * A {@link SyncSource} over one entity of a Sage X3 client: `changes(entity, { since, until })` ordered by
 * (stamp, key) with bounded memory (contract 1 of the cross-package contracts). Raw records that failed their
 * schema can be re-validated on replay with the client's entity definition, and `readKey` re-reads a record by key
 * (`client.read`) so a replay maps the record as X3 holds it today. `keys()` delegates to the client's
 * `keys(entity)`, which lists every live key strictly ascending in UTF-16 order and throws
 * (`X3_KEY_ORDER_UNEXPECTED`) rather than yield out of order — so `reconcileDeletes` works on `replace` streams.
 * Its failures are described to the operator by {@link describeX3Failure}.
 */
export function x3Source<E, K extends keyof E & string>(
  client: X3Client<E>,
  entity: K,
  options: X3SourceOptions = {},
): SyncSource<E[K]> {
  const fingerprint = x3Fingerprinter(client, entity);
  return {
    async *read(request: SourceReadRequest): AsyncIterable<SourceItem<E[K]>> {
      const changes = client.changes(entity, {
        until: request.until,
        ...(request.since !== undefined ? { since: request.since } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      });
      for await (const change of changes) yield fromX3Change(change, fingerprint);
    },
    keys(keyOptions: { signal?: AbortSignal }): AsyncIterable<string> {
      return client.keys(entity, {
        ...(keyOptions.signal ? { signal: keyOptions.signal } : {}),
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      });
    },
    async readKey(key: string, readOptions: { signal?: AbortSignal }): Promise<SourceItem<E[K]> | undefined> {
      const change = await client.read(entity, key, readOptions.signal ? { signal: readOptions.signal } : {});
      return change === undefined ? undefined : fromX3Change(change, fingerprint);
    },
    revalidate(raw: unknown): SourceItem<E[K]> {
      return fromX3Change(normalizeRecord(client.entity(entity), client.transport, raw), fingerprint);
    },
    describeFailure: describeX3Failure,
  };
}
