import { parseStamp } from '@mlc/core';
import type { GraphQLSchema } from 'graphql';
import type { X3Change } from '../entities/x3-change.js';
import type {
  X3CollectionMapping,
  X3EntityDefinition,
  X3GraphQLMapping,
} from '../entities/x3-entity-definition.js';
import {
  type X3RecordIdentity,
  identityOf,
  keyPartOf,
  normalizeRecord,
  readPath,
} from '../entities/normalize-record.js';
import { X3ConfigError } from '../errors/x3-config-error.js';
import { X3ResponseError } from '../errors/x3-response-error.js';
import { EACH, type RecordPath, UNPARSED, recordTextsOf, skippedRecordsOf } from '../json/record-texts.js';
import { type X3Document, buildLinesDocument, buildQueryDocument } from '../graphql/build-documents.js';
import type { GraphQLTransport } from '../graphql/graphql-transport.js';
import { type RelayConnection, relayPages } from '../graphql/relay-pages.js';
import type { X3NodeRoot } from '../graphql/resolve-node-root.js';
import { type XtremFilterValue, formatXtremFilter } from '../graphql/xtrem-filter.js';
import type { X3ChangesOptions, X3RawChangesOptions } from './x3-changes-options.js';
import { memberValue, skipHeldRecords } from './held-records.js';
import { StampOrderGuard } from './stamp-order-guard.js';

/** What the GraphQL reader needs from the client. */
export interface GraphQLChangesContext {
  /** The transport. */
  transport: GraphQLTransport;
  /** Finds the node's root (introspection, cached) and the schema to validate against, if any. */
  resolve(
    mapping: X3GraphQLMapping,
    signal?: AbortSignal,
  ): Promise<{ root: X3NodeRoot; schema?: GraphQLSchema }>;
  /** Page size when the call gives none. */
  pageSize: number;
  /** Lines fetched with each record; more are fetched per record with `read`. */
  linesPageSize: number;
}

type Node = Record<string, unknown>;

/** The connection at `root.node.query` (or `.read`), or a protocol error. */
export function connectionAt(data: unknown, root: X3NodeRoot, leaf: 'query' | 'read'): unknown {
  const value = readPath(data, `${root.rootField}.${root.nodeName}.${leaf}`);
  if (value === undefined) {
    throw new X3ResponseError({
      message: `X3 GraphQL answer has no ${root.rootField}.${root.nodeName}.${leaf}`,
      code: 'X3_UNEXPECTED_RESPONSE',
    });
  }
  return value;
}

/** `value` as a relay connection (edges + pageInfo.hasNextPage), or a protocol error naming `what`. */
export function asConnection(value: unknown, what: string): RelayConnection<Node> {
  const c = value as RelayConnection<Node> | null;
  if (!c || !Array.isArray(c.edges) || !c.pageInfo || typeof c.pageInfo.hasNextPage !== 'boolean') {
    throw new X3ResponseError({
      message: `X3 GraphQL ${what} is not a relay connection (edges + pageInfo)`,
      code: 'X3_UNEXPECTED_RESPONSE',
    });
  }
  return c;
}

/** The first page of a collection's lines in a raw record, when it says more lines follow (`hasNextPage`). */
function moreLinesOf(raw: Node, collection: X3CollectionMapping): RelayConnection<Node> | undefined {
  // `source`, then `query`: the path `${source}.query`, without building and splitting it for every record.
  const first = readPath(readPath(raw, collection.source), 'query') as RelayConnection<Node> | undefined;
  return first?.pageInfo?.hasNextPage ? first : undefined;
}

/** Whether {@link completeCollections} has lines to read for the record (else it returns the record as it is). */
function linesIncomplete(mapping: X3GraphQLMapping, raw: Node): boolean {
  for (const collection of Object.values(mapping.collections ?? {}))
    if (moreLinesOf(raw, collection)) return true;
  return false;
}

/**
 * Completes a record whose nested line connection says `hasNextPage`: reads the remaining lines through
 * `read(_id) { lines { query(first, after) } }` and returns a copy of the raw record with every line, so a record
 * is never normalized with a silently truncated line list.
 */
export async function completeCollections(
  context: GraphQLChangesContext,
  mapping: X3GraphQLMapping,
  root: X3NodeRoot,
  schema: GraphQLSchema | undefined,
  raw: Node,
  signal: AbortSignal | undefined,
  documents: Map<string, X3Document>,
): Promise<Node> {
  let out = raw;
  for (const collection of Object.values(mapping.collections ?? {})) {
    const first = moreLinesOf(raw, collection);
    if (!first) continue;
    const id = readPath(raw, mapping.keyField ?? '_id');
    let doc = documents.get(collection.source);
    if (!doc) {
      doc = buildLinesDocument(root, collection, schema);
      documents.set(collection.source, doc);
    }
    const edges = [...first.edges];
    const lines = relayPages<Node>(async (after) => {
      const result = await context.transport.execute(
        doc.text,
        { id, first: context.linesPageSize, after },
        doc.operationName,
        signal ? { signal } : {},
      );
      return asConnection(
        readPath(connectionAt(result.data, root, 'read'), `${collection.source}.query`),
        `${collection.source} lines`,
      );
    }, first.pageInfo.endCursor ?? undefined);
    for await (const page of lines) edges.push(...page.edges);
    out = {
      ...out,
      [collection.source]: { query: { edges, pageInfo: { hasNextPage: false, endCursor: null } } },
    };
  }
  return out;
}

/**
 * Incremental GraphQL reader: `filter: "{_updateStamp: {_gte: since, _lt: until}}"`, `orderBy:
 * "{_updateStamp: 1, _id: 1}"` and relay cursors (`first`/`after`, [documented] §2.6). The stamp filter/sort is the
 * natural pattern but no source shows it on X3 ([inferred] §2.6 — verify `_updateStamp` is filterable per site).
 * Cursors are opaque and position the next page after the last `(stamp, _id)` returned, so equal-stamp groups
 * straddling pages are neither skipped nor repeated. Filter and orderBy travel as variables. One page in memory.
 * Every record is parsed: `options` are `changes()`'s, which drops any `held`.
 */
export function graphqlChanges<T>(
  context: GraphQLChangesContext,
  definition: X3EntityDefinition<T>,
  options: X3ChangesOptions,
): AsyncGenerator<X3Change<T>, void, undefined> {
  return graphqlRecords(context, definition, options, (raw) => normalizeRecord(definition, 'graphql', raw));
}

/**
 * The GraphQL reader of {@link graphqlChanges}, yielding `emit(raw, text)` for each record as received, its lines
 * completed, with the exact text it was parsed from when the transport kept it and the record was not rebuilt
 * (`normalizeRecord` for `changes()`, a deferred validation for `rawChanges()`). With `options.held`, a record the
 * caller holds is not parsed: `raw` is {@link UNPARSED}, with the key and stamp read from its text (`identity`).
 */
export async function* graphqlRecords<T, R>(
  context: GraphQLChangesContext,
  definition: X3EntityDefinition<T>,
  options: X3RawChangesOptions,
  emit: (raw: unknown, text: string | undefined, identity?: X3RecordIdentity) => R,
): AsyncGenerator<R, void, undefined> {
  const mapping = definition.graphql;
  if (!mapping) {
    throw new X3ConfigError({
      message: `Entity '${definition.name}' has no GraphQL mapping; use the REST transport or add one`,
    });
  }
  const stampField = mapping.stampField ?? '_updateStamp';
  const keyField = mapping.keyField ?? '_id';
  const { root, schema } = await context.resolve(mapping, options.signal);
  const doc = buildQueryDocument(root, mapping, context.linesPageSize, schema);
  const range: Record<string, XtremFilterValue> = {};
  if (options.since) range._gte = options.since;
  if (options.until) range._lt = options.until;
  const filter = Object.keys(range).length > 0 ? formatXtremFilter({ [stampField]: range }) : undefined;
  const orderBy = formatXtremFilter({ [stampField]: 1, [keyField]: 1 });
  const first = options.pageSize ?? context.pageSize;
  const lineDocs = new Map<string, X3Document>();
  const guard = new StampOrderGuard();
  // The exact text of each node, for the caller's fingerprint (a node whose lines are completed below is rebuilt
  // and has none).
  const recordsAt: RecordPath = ['data', root.rootField, root.nodeName, 'query', 'edges', EACH, 'node'];
  // Members read from each node's text when the caller holds records: the key, then the stamp. A held text is one
  // the caller was given, so its lines needed no further request.
  const members = [keyField, stampField];
  const identityOfMembers = (values: ReadonlyArray<string | undefined>): X3RecordIdentity => {
    const key = keyPartOf(memberValue(values[0]));
    return identityOf(key === undefined ? undefined : String(key), memberValue(values[1]));
  };
  const skipParse = skipHeldRecords(members, identityOfMembers, options.held);
  const pages = relayPages<Node>(async (after) => {
    const result = await context.transport.execute(
      doc.text,
      { filter, orderBy, first, after },
      doc.operationName,
      {
        recordsAt,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(skipParse ? { skipParse } : {}),
      },
    );
    return asConnection(connectionAt(result.data, root, 'query'), `${root.rootField}.${root.nodeName}.query`);
  });
  for await (const page of pages) {
    const texts = recordTextsOf(page.edges);
    const skipped = skippedRecordsOf<X3RecordIdentity>(page.edges);
    for (let i = 0; i < page.edges.length; i++) {
      const identity = skipped?.[i];
      if (identity) {
        // Not parsed (the caller holds its text): key and stamp as read from the text to ask, no lines to complete.
        if (identity.stamp !== undefined && parseStamp(identity.stamp))
          guard.check(identity.stamp, `${root.rootField}.${root.nodeName}`);
        yield emit(UNPARSED, texts?.[i], identity);
        continue;
      }
      // Paging follows the server's opaque cursors, never a record's content; a null node or one without a
      // key is yielded as invalid (its lines cannot be completed without a key, and need not be). Only a record
      // with more lines to read waits for completeCollections (an await per record cost a promise each).
      const node = (page.edges[i] as { node?: unknown } | null)?.node ?? null;
      const raw =
        node !== null &&
        typeof node === 'object' &&
        keyPartOf(readPath(node, keyField)) !== undefined &&
        linesIncomplete(mapping, node as Node)
          ? await completeCollections(context, mapping, root, schema, node as Node, options.signal, lineDocs)
          : node;
      const stamp = readPath(raw, stampField);
      if (typeof stamp === 'string' && parseStamp(stamp))
        guard.check(stamp, `${root.rootField}.${root.nodeName}`);
      yield emit(raw, raw === node ? texts?.[i] : undefined);
    }
  }
}
