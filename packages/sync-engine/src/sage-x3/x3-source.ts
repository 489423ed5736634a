import { hash } from 'node:crypto';
import { askSome, parseStamp } from '@mlc/core';
import {
  type X3Change,
  type X3Client,
  type X3RawChange,
  type X3RecordText,
  normalizeRecord,
} from '@mlc/sage-x3-client';
import type {
  SourceInvalidRecord,
  SourceItem,
  SourceReadRequest,
  SourceRecord,
  SourceUnvalidatedRecord,
  SyncSource,
} from '../source/sync-source.js';
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
export function fromX3Change<T>(
  change: X3Change<T>,
  fingerprint?: (raw: unknown) => string,
): SourceRecord<T> | SourceInvalidRecord {
  if (change.ok) {
    const item: SourceRecord<T> = {
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
 * Converts one record read before validation into a source item: with a key and a valid stamp it is yielded
 * unvalidated, with its fingerprint, and validated only if the engine needs it; otherwise it is validated at once
 * (and is invalid, naming the field).
 */
export function fromX3RawChange<T>(
  change: X3RawChange<T>,
  fingerprint: (raw: unknown, text?: string) => string,
): SourceItem<T> {
  const { key, stamp, text } = change;
  if (key === undefined || stamp === undefined || !parseStamp(stamp))
    return fromX3Change(change.normalize(), fingerprint);
  // `raw` is read only without a text: a record the engine held was not parsed, and is parsed only if needed.
  return new UnvalidatedX3Record(
    key,
    stamp,
    change,
    fingerprint(text === undefined ? change.raw : undefined, text),
  );
}

/**
 * An X3 record yielded before validation: `validate()` is a method of the class, so a record read costs this object
 * and no closure (an unchanged re-read validates none).
 */
class UnvalidatedX3Record<T> implements SourceUnvalidatedRecord<T> {
  readonly ok = 'unvalidated';
  key: string;
  stamp: string;
  fingerprint: string;
  readonly #change: X3RawChange<T>;

  constructor(key: string, stamp: string, change: X3RawChange<T>, fingerprint: string) {
    this.key = key;
    this.stamp = stamp;
    this.fingerprint = fingerprint;
    this.#change = change;
  }

  /** The raw record as received (a record the engine held is parsed from its exact text when first read). */
  get raw(): unknown {
    return this.#change.raw;
  }

  /** {@inheritDoc SourceUnvalidatedRecord.validate} */
  validate(): SourceRecord<T> | SourceInvalidRecord {
    return fromX3Change(this.#change.normalize());
  }
}

/**
 * The fingerprint of an entity's raw records (`SourceRecord.fingerprint`): SHA-256 (132 bits in base64url) of the
 * record's JSON text as received when the client kept it (`X3RawChange.text`, of which `raw` is the parse: every
 * byte that can change the record is covered, and nothing is serialised again), else of the record's JSON as
 * parsed (`JSON.stringify` keeps the received member order; the same string for a body sent without white space),
 * behind a short hash of the entity's name, transport and field mapping, so that two reads alike are normalised
 * alike. The entity's zod schema is code and is not seen: declare a new stream `version` when a custom entity's
 * schema changes how a record normalises.
 */
export function x3Fingerprinter<E, K extends keyof E & string>(
  client: X3Client<E>,
  entity: K,
): (raw: unknown, text?: string) => string {
  const definition = client.entity(entity);
  const mapping = client.transport === 'rest' ? definition.rest : definition.graphql;
  const seed = hash(
    'sha256',
    JSON.stringify([definition.name, client.transport, mapping ?? null]),
    'base64url',
  );
  const prefix = `${seed.slice(0, 6)}.`;
  return (raw, text) =>
    prefix + hash('sha256', text ?? JSON.stringify(raw) ?? 'undefined', 'base64url').slice(0, 22);
}

/**
 * A {@link SyncSource} over one entity of a Sage X3 client: `rawChanges(entity, { since, until })` ordered by
 * (stamp, key) with bounded memory (contract 1 of the cross-package contracts). Each record is yielded with its
 * fingerprint ({@link x3Fingerprinter}) before validation: the engine validates it (the entity's zod schema) only when
 * the ledger does not hold that fingerprint, i.e. when the record is new or changed. Given the engine's
 * `request.holds`, it asks it once per page, before the client parses the page (`X3RawChangesOptions.held`, about
 * the records whose key and valid stamp can be read from their text): the records the ledger holds are not parsed,
 * and are parsed from their exact text only if the engine needs their raw record after all. Raw records that failed their
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
    // GET requests only: a read dropped unread leaves nothing behind.
    readsAhead: true,
    async *read(request: SourceReadRequest): AsyncIterable<SourceItem<E[K]>> {
      // The fingerprints computed to ask the engine, in page order, taken by the records as they are yielded in
      // the same order (each text hashed once; a record whose text is not the next one asked about is hashed anew).
      let asked: { text: string; fingerprint: string }[] = [];
      let next = 0;
      const { holds } = request;
      const held = holds
        ? (records: readonly X3RecordText[]): Promise<readonly boolean[]> => {
            asked = [];
            next = 0;
            // Only a record yielded unvalidated (a valid stamp) can be found unchanged without its raw record.
            const known = records.map(({ key, stamp, text }) => {
              if (!parseStamp(stamp)) return undefined;
              const print = fingerprint(undefined, text);
              asked.push({ text, fingerprint: print });
              return { key, fingerprint: print };
            });
            return askSome(known, holds);
          }
        : undefined;
      const print = (raw: unknown, text?: string): string => {
        if (text !== undefined) {
          // The next one asked about, or the one after it (the next one's lines were completed: it has no text).
          for (let i = next; i < next + 2 && i < asked.length; i++) {
            if (asked[i]!.text !== text) continue;
            next = i + 1;
            return asked[i]!.fingerprint;
          }
        }
        return fingerprint(raw, text);
      };
      const changes = client.rawChanges(entity, {
        ...(held ? { held } : {}),
        until: request.until,
        ...(request.since !== undefined ? { since: request.since } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      });
      for await (const change of changes) yield fromX3RawChange(change, held ? print : fingerprint);
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
