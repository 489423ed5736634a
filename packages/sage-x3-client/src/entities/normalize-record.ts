import { parseStamp } from '@mlc/core';
import type { z } from 'zod';
import { X3RecordError } from '../errors/x3-record-error.js';
import { NOT_FAST, fastParserOf } from './fast-parse.js';
import type { X3Change } from './x3-change.js';
import type {
  X3CollectionMapping,
  X3EntityDefinition,
  X3FieldPath,
  X3RestMapping,
} from './x3-entity-definition.js';

/** Which wire format a raw record came in. */
export type X3Transport = 'rest' | 'graphql';

/** Reads a dotted path from a JSON value; `undefined` when any step is missing. */
export function readPath(value: unknown, path: X3FieldPath): unknown {
  // Most paths are one property (`ACC`): read it without splitting (this runs for every field of every record).
  if (!path.includes('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    return (value as Record<string, unknown>)[path];
  }
  return readSteps(value, path.split('.'));
}

/** The record key and raw stamp, as far as they can be read. */
export interface X3RecordIdentity {
  /** Key, or undefined when a key part is missing. */
  key?: string;
  /** Raw stamp, or undefined when missing / not a string. */
  stamp?: string;
}

/** A key property's value as X3 sent it, when it can be a key part: a non-empty string or a finite number. */
export function keyPartOf(value: unknown): string | number | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/** True when every key part was read (none is `undefined`): the parts make a whole key. */
export function isWholeKey(parts: readonly (string | number | undefined)[]): parts is (string | number)[] {
  return parts.every((p) => p !== undefined);
}

/** The record key of its parts, joined by `~` ([documented] §1.1); `undefined` when a part is missing. */
export function keyOfParts(parts: readonly (string | number | undefined)[]): string | undefined {
  return isWholeKey(parts) ? parts.join('~') : undefined;
}

/** The key parts of a REST record, one a key field, in the order of `keyFields`, as read by {@link keyPartOf}. */
export function readRestKeyParts(rest: X3RestMapping, raw: unknown): (string | number | undefined)[] {
  return rest.keyFields.map((f) => keyPartOf(readPath(raw, f)));
}

/** The identity of a record from its key (when every part was read) and the value of its stamp field. */
export function identityOf(key: string | undefined, stamp: unknown): X3RecordIdentity {
  const out: X3RecordIdentity = {};
  if (key !== undefined) out.key = key;
  if (typeof stamp === 'string' && stamp !== '') out.stamp = stamp;
  return out;
}

/** Reads key and stamp of a raw record for a transport. */
export function readIdentity(
  definition: X3EntityDefinition<unknown>,
  transport: X3Transport,
  raw: unknown,
): X3RecordIdentity {
  if (transport === 'rest') {
    const rest = definition.rest!;
    return identityOf(keyOfParts(readRestKeyParts(rest, raw)), readPath(raw, rest.stampField ?? 'UPDDATTIM'));
  }
  const gql = definition.graphql!;
  const key = keyPartOf(readPath(raw, gql.keyField ?? '_id'));
  return identityOf(
    key === undefined ? undefined : String(key),
    readPath(raw, gql.stampField ?? '_updateStamp'),
  );
}

function collectionItems(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  // GraphQL collections are connections ([documented] §2.4): `{ query: { edges: [{ node }] } }`.
  const connection = readPath(value, 'query') ?? value;
  const edges = readPath(connection, 'edges');
  if (Array.isArray(edges)) return edges.map((e) => readPath(e, 'node') ?? e);
  return undefined;
}

/** A mapped field: its name, and the steps of its path (one for `ACC`, more for `company.code`). */
interface FieldReader {
  readonly name: string;
  readonly steps: readonly string[];
}

/**
 * The fields of a mapping with their paths split, once per mapping instead of once per record: a dotted path (most
 * GraphQL fields, `company.code`) was split by {@link readPath} for every field of every record.
 */
const fieldReaders = new WeakMap<Record<string, X3FieldPath>, readonly FieldReader[]>();

function mapFields(
  raw: unknown,
  fields: Record<string, X3FieldPath>,
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  let readers = fieldReaders.get(fields);
  if (!readers) {
    readers = Object.entries(fields).map(([name, path]) => ({ name, steps: path.split('.') }));
    fieldReaders.set(fields, readers);
  }
  for (const reader of readers) out[reader.name] = readSteps(raw, reader.steps);
  return out;
}

/** {@link readPath} of a path already split into its steps. */
function readSteps(value: unknown, steps: readonly string[]): unknown {
  let current = value;
  for (let i = 0; i < steps.length; i++) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[steps[i] as string];
  }
  return current;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return String(a).localeCompare(String(b));
}

function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out === '' ? String(step) : `.${String(step)}`;
  }
  return out;
}

function sourcePathOf(
  path: ReadonlyArray<PropertyKey>,
  fields: Record<string, X3FieldPath>,
  collections: Record<string, X3CollectionMapping> | undefined,
): string | undefined {
  const [head, index, child] = path;
  if (typeof head !== 'string') return undefined;
  const collection = collections?.[head];
  if (collection) {
    if (typeof index !== 'number') return collection.source;
    const inner = typeof child === 'string' ? collection.fields[child] : undefined;
    return `${collection.source}[${index}]${inner ? `.${inner}` : ''}`;
  }
  return fields[head];
}

function describeReceived(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `got ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

/**
 * Maps a raw record to the entity's normalized shape and validates it. Never throws for bad data: an invalid record
 * becomes `{ ok: false, error }` naming the key, the normalized field path (and the X3 property it came from) and
 * the reason.
 */
export function normalizeRecord<T>(
  definition: X3EntityDefinition<T>,
  transport: X3Transport,
  raw: unknown,
): X3Change<T> {
  const identity = readIdentity(definition as X3EntityDefinition<unknown>, transport, raw);
  return normalizeIdentified(definition, transport, raw, identity);
}

/**
 * {@link normalizeRecord} of a record whose identity its reader has read already: `identity` must be
 * `readIdentity(definition, transport, raw)`, so the reader's key and stamp are not read a second time.
 */
export function normalizeIdentified<T>(
  definition: X3EntityDefinition<T>,
  transport: X3Transport,
  raw: unknown,
  identity: X3RecordIdentity,
): X3Change<T> {
  const mapping = transport === 'rest' ? definition.rest : definition.graphql;
  const fail = (field: string, reason: string, cause?: unknown): X3Change<T> => ({
    ok: false,
    entity: definition.name,
    ...(identity.key !== undefined ? { key: identity.key } : {}),
    ...(identity.stamp !== undefined ? { stamp: identity.stamp } : {}),
    raw,
    error: new X3RecordError({
      entity: definition.name,
      ...(identity.key !== undefined ? { key: identity.key } : {}),
      field,
      reason,
      cause,
    }),
  });
  if (!mapping) return fail('', `has no ${transport} mapping`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('', 'is not a JSON object');
  if (identity.key === undefined)
    return fail('key', `is missing (key properties: ${keyDescription(definition, transport)})`);
  if (identity.stamp === undefined) return fail('updatedAt', 'is missing: the record has no update stamp');
  // Strict (core `parseStamp`): an impossible stamp is refused, never rolled over to another instant.
  const stampAt = parseStamp(identity.stamp);
  if (!stampAt) return fail('updatedAt', `is not a valid datetime (got '${identity.stamp}')`);

  // The mapped fields, then key and updatedAt (which win over a field of the same name, as a spread did).
  const candidate = mapFields(raw, mapping.fields);
  candidate.key = identity.key;
  candidate.updatedAt = new Date(stampAt.epochMs).toISOString();
  for (const [name, collection] of Object.entries(mapping.collections ?? {})) {
    const items = collectionItems(readPath(raw, collection.source));
    if (items === undefined) return fail(name, `(${collection.source}) is not a list of lines`);
    const mapped = items.map((item) => mapFields(item, collection.fields));
    if (collection.sortBy) {
      const by = collection.sortBy;
      mapped.sort((a, b) => compareValues(a[by], b[by]));
    }
    candidate[name] = mapped;
  }

  // The schema's fast parser (same output) when it has one and is sure of the record; zod otherwise, which also
  // names the field and the reason of an invalid record.
  const fast = fastParserOf(definition.schema as z.ZodType);
  const record = fast ? fast(candidate) : NOT_FAST;
  if (record !== NOT_FAST) {
    return {
      ok: true,
      entity: definition.name,
      key: identity.key,
      stamp: identity.stamp,
      record: record as T,
      raw,
    };
  }
  const parsed = (definition.schema as z.ZodType<T>).safeParse(candidate);
  if (parsed.success) {
    return {
      ok: true,
      entity: definition.name,
      key: identity.key,
      stamp: identity.stamp,
      record: parsed.data,
      raw,
    };
  }
  const issue = parsed.error.issues[0];
  const path = issue ? formatIssuePath(issue.path) : '';
  const source = issue ? sourcePathOf(issue.path, mapping.fields, mapping.collections) : undefined;
  const received = issue ? describeReceived(readPathArray(candidate, issue.path)) : '';
  return fail(
    path,
    `${source ? `(${transport} ${source}) ` : ''}${issue?.message ?? 'is invalid'}${received ? ` (${received})` : ''}`,
    parsed.error,
  );
}

function readPathArray(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return current;
}

function keyDescription(definition: X3EntityDefinition<unknown>, transport: X3Transport): string {
  return transport === 'rest'
    ? (definition.rest?.keyFields.join(', ') ?? '')
    : (definition.graphql?.keyField ?? '_id');
}
