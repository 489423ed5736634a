import { PRODUCT_TOKEN } from '../product-token.js';
import { createHttpClient, redactText } from '@mlc/core';
import type { GraphQLSchema } from 'graphql';
import {
  graphqlChanges,
  graphqlRecords,
  completeCollections,
  connectionAt,
} from '../changes/graphql-changes.js';
import { restChanges, restRecords } from '../changes/rest-changes.js';
import type { X3ChangesOptions, X3RawChangesOptions } from '../changes/x3-changes-options.js';
import { UNPARSED } from '../json/record-texts.js';
import { graphqlKeys } from '../keys/graphql-keys.js';
import { restKeys } from '../keys/rest-keys.js';
import type { X3KeysOptions } from '../keys/x3-keys-options.js';
import {
  type X3RecordIdentity,
  normalizeIdentified,
  normalizeRecord,
  readIdentity,
} from '../entities/normalize-record.js';
import type { X3Change, X3RawChange } from '../entities/x3-change.js';
import type { X3EntityDefinition, X3GraphQLMapping } from '../entities/x3-entity-definition.js';
import { X3ConfigError } from '../errors/x3-config-error.js';
import { type X3Document, buildReadDocument, checkedDocument } from '../graphql/build-documents.js';
import {
  GraphQLTransport,
  type X3GraphQLCallOptions,
  type X3GraphQLResult,
} from '../graphql/graphql-transport.js';
import { type RelayConnection, relayPages } from '../graphql/relay-pages.js';
import { type X3NodeRoot, resolveNodeRoot } from '../graphql/resolve-node-root.js';
import { type RestOrderBy, buildRestDetailsUrl, buildRestQueryUrl } from '../rest/rest-url.js';
import { RestTransport, type X3RestPage } from '../rest/rest-transport.js';
import type { SDataWhere } from '../rest/sdata-where.js';
import { readPath } from '../entities/normalize-record.js';
import { createX3ErrorFactory } from './x3-error-factory.js';
import {
  type X3ClientOptions,
  type X3EntitiesOption,
  type X3EntityMap,
  resolveX3ClientOptions,
} from './x3-client-options.js';

/** Options of {@link X3RestApi.query}. */
export interface X3RestQueryOptions {
  /** X3 class code. */
  className: string;
  /** Representation code. */
  representation: string;
  /** Predicate built with `sdata` / `sdataWhere`. */
  where?: SDataWhere;
  /** Sort. */
  orderBy?: readonly RestOrderBy[];
  /** Page size (`count`). */
  count?: number;
  /** Key-range start, e.g. `{ op: 'gt', key: ['0197'] }`. */
  key?: { op: 'gt' | 'ge' | 'lt' | 'le'; key: readonly string[] };
  /** Aborts paging. */
  signal?: AbortSignal;
}

/** Low-level REST api1 access. */
export interface X3RestApi {
  /** `$query` pages, following `$links.$next.$url` verbatim until it is absent ([documented] §1.3). */
  query(options: X3RestQueryOptions): AsyncIterable<X3RestPage>;
  /** One record by key (`$details`); `undefined` when X3 answers 404. Composite keys as an array. */
  details(options: {
    className: string;
    representation: string;
    key: string | readonly string[];
    signal?: AbortSignal;
  }): Promise<unknown | undefined>;
}

/** Low-level GraphQL access. */
export interface X3GraphQLApi {
  /**
   * Runs an operation. The document is parsed with `graphql` (and validated against the introspected schema
   * unless `validate: false`). `errors[]` throw `X3GraphQLError` (transient ones are retried first); with
   * `allowPartial`, partial `data` is returned with the errors instead.
   */
  request<D = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    options?: X3GraphQLCallOptions & { operationName?: string; validate?: boolean },
  ): Promise<X3GraphQLResult<D>>;
  /** The endpoint's schema by introspection (cached per endpoint). */
  schema(options?: { signal?: AbortSignal }): Promise<GraphQLSchema>;
  /** Where a node lives on this endpoint (`x3MasterData` vs `xtremX3MasterData`…). */
  resolveRoot(packageName: string, nodeName: string, options?: { signal?: AbortSignal }): Promise<X3NodeRoot>;
  /**
   * Relay paging helper: runs `query` with `$first`/`$after` until `pageInfo.hasNextPage` is false, yielding the
   * connection found at `connectionPath` (e.g. `['x3MasterData', 'supplier', 'query']`).
   */
  pages<N = unknown>(
    query: string,
    options: {
      connectionPath: readonly string[];
      variables?: Record<string, unknown>;
      first?: number;
      signal?: AbortSignal;
    },
  ): AsyncIterable<RelayConnection<N>>;
}

/** A Sage X3 client for one server and endpoint. */
export interface X3Client<E = X3EntityMap<Record<never, never>>> {
  /** The transport `changes()` and `read()` use. */
  readonly transport: 'rest' | 'graphql';
  /** The Syracuse endpoint. */
  readonly endpoint: string;
  /**
   * Records changed in `[since, until)`, ordered by (stamp, key), one at a time, bounded memory. Invalid records
   * are yielded as `{ ok: false, error }` (or thrown in strict mode), never dropped.
   */
  changes<K extends keyof E & string>(entity: K, options?: X3ChangesOptions): AsyncIterable<X3Change<E[K]>>;
  /**
   * The records of {@link X3Client.changes}, same requests, same order, each yielded before validation: key and raw
   * stamp as far as they can be read, the raw record, and `normalize()` giving the `X3Change` `changes()` would have
   * yielded (strict mode and the invalid-record warning apply when it is called). For callers that skip some records
   * by their raw content alone (the sync engine's ledger fingerprints): their schema validation is never spent.
   */
  rawChanges<K extends keyof E & string>(
    entity: K,
    options?: X3RawChangesOptions,
  ): AsyncIterable<X3RawChange<E[K]>>;
  /**
   * Every live key of an entity, strictly ascending in UTF-16 code-unit order (JavaScript's `<`), one page in
   * memory — for delete reconciliation of `replace` streams. Keys are the strings `changes()` yields as `key`.
   * REST: a `$query` ordered by the class key, following `$links.$next` (`key=gt.…`, [documented] §1.2–1.3).
   * GraphQL: `query(orderBy: "{_id: 1}", first, after)` selecting the key only ([documented] §2.4, §2.6).
   *
   * X3 sorts by its own collation, which is not necessarily UTF-16 order ([inferred]); the order is therefore
   * checked, and a key not greater than the one before it throws an `X3ResponseError` with code
   * `X3_KEY_ORDER_UNEXPECTED` naming both keys — nothing is ever yielded out of order. Composite REST keys
   * (`A~B`) are sorted by X3 part by part, which can differ from the joined string's order (e.g. `A~X` vs `A-~X`);
   * that too is detected and thrown. A record without its key throws `X3_UNEXPECTED_RESPONSE`.
   */
  keys<K extends keyof E & string>(entity: K, options?: X3KeysOptions): AsyncIterable<string>;
  /** One record by key (REST class key with `~` for composite keys, or GraphQL `_id`); `undefined` if absent. */
  read<K extends keyof E & string>(
    entity: K,
    key: string,
    options?: { signal?: AbortSignal },
  ): Promise<X3Change<E[K]> | undefined>;
  /** The resolved definition (built-in with overrides applied, or custom) of an entity. */
  entity<K extends keyof E & string>(name: K): X3EntityDefinition<E[K]>;
  /** Names of all entities this client knows. */
  entityNames(): string[];
  /** Low-level REST api1 access. */
  readonly rest: X3RestApi;
  /** Low-level GraphQL access. */
  readonly graphql: X3GraphQLApi;
}

function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

type ResolvedOptions = ReturnType<typeof resolveX3ClientOptions>;

/** What one client instance talks through: its options, the started auth, and the REST and GraphQL transports. */
interface X3Connection {
  /** The resolved options. */
  o: ResolvedOptions;
  /** REST api1 transport. */
  rest: RestTransport;
  /** GraphQL transport. */
  gql: GraphQLTransport;
  /** Where REST URLs point. */
  location: { baseUrl: string; endpoint: string; application: string; contract: string };
}

/**
 * Creates a Sage X3 client for one customer's server and endpoint. Nothing is global: HTTP clients, token caches
 * and the introspected schema belong to this instance.
 *
 * @example
 * const x3 = createX3Client({
 *   baseUrl: 'https://x3.example.com:8124',
 *   endpoint: 'SEED',
 *   auth: basicAuth({ user: 'api', password: process.env.X3_PASSWORD! }),
 *   transport: 'rest',
 * });
 * for await (const change of x3.changes('supplier', { since })) if (change.ok) console.log(change.key);
 */
export function createX3Client<C extends X3EntitiesOption = Record<never, never>>(
  options: X3ClientOptions<C>,
): X3Client<X3EntityMap<C>> {
  const x3 = connect(resolveX3ClientOptions(options));
  const { o } = x3;
  const client: X3Client<Record<string, unknown>> = {
    transport: o.transport,
    endpoint: o.endpoint,
    changes: (entity, callOptions = {}) => changesOf(x3, definitionOf(x3, entity), callOptions),
    rawChanges: (entity, callOptions = {}) => rawChangesOf(x3, definitionOf(x3, entity), callOptions),
    keys: (entity, callOptions = {}) => keysOf(x3, definitionOf(x3, entity), callOptions),
    read: (entity, key, callOptions = {}) => readOne(x3, entity, key, callOptions.signal),
    entity: (name) => definitionOf(x3, name),
    entityNames: () => [...o.entities.keys()],
    rest: restApi(x3),
    graphql: graphqlApi(x3),
  };
  return client as unknown as X3Client<X3EntityMap<C>>;
}

/** Starts the auth strategy and builds the HTTP clients and transports (one HTTP client per origin). */
function connect(o: ResolvedOptions): X3Connection {
  const auth = o.auth.start({
    clock: o.clock,
    logger: o.logger,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
  });
  const errorFactory = createX3ErrorFactory(auth);
  const httpFor = (baseUrl: string) =>
    createHttpClient({
      baseUrl: new URL(baseUrl).origin,
      clock: o.clock,
      logger: o.logger,
      auth: auth.provider,
      retry: o.retry,
      timeoutMs: o.timeoutMs,
      headers: o.headers,
      userAgent: PRODUCT_TOKEN,
      errorFactory,
      knownSecrets: () => auth.knownSecrets(),
      ...(o.fetch ? { fetch: o.fetch } : o.tls ? { tls: o.tls } : {}),
    });
  const restHttp = httpFor(o.baseUrl);
  const gqlHttp =
    new URL(o.graphqlUrl).origin === new URL(o.baseUrl).origin ? restHttp : httpFor(o.graphqlUrl);
  const rest = new RestTransport(restHttp, o.logger, { policy: o.retry, clock: o.clock });
  const gql = new GraphQLTransport({
    http: gqlHttp,
    url: o.graphqlUrl,
    ...(o.sendEndpointHeader ? { endpoint: o.endpoint } : {}),
    clock: o.clock,
    retry: o.retry,
    logger: o.logger,
    knownSecrets: () => auth.knownSecrets(),
  });
  const location = {
    baseUrl: o.baseUrl,
    endpoint: o.endpoint,
    application: o.restApplication,
    contract: o.restContract,
  };
  return { o, rest, gql, location };
}

function definitionOf(x3: X3Connection, name: string): X3EntityDefinition<unknown> {
  const def = x3.o.entities.get(name);
  if (!def)
    throw new X3ConfigError({
      message: `Unknown entity '${name}' (known: ${[...x3.o.entities.keys()].join(', ')})`,
    });
  return def;
}

/** Where a GraphQL node lives (from the introspected schema, unless introspection is off). */
async function resolveGraphQL(
  x3: X3Connection,
  mapping: X3GraphQLMapping,
  signal?: AbortSignal,
): Promise<{ root: X3NodeRoot; schema?: GraphQLSchema }> {
  if (!x3.o.introspection) {
    return {
      root: { rootField: mapping.rootField ?? mapping.packageName, nodeName: mapping.nodeName },
    };
  }
  const schema = await x3.gql.schema(signal);
  const root = mapping.rootField
    ? resolveNodeRoot(schema, mapping.rootField, mapping.nodeName)
    : resolveNodeRoot(schema, mapping.packageName, mapping.nodeName);
  return { root, schema };
}

/** What the REST readers need. */
function restReader(x3: X3Connection) {
  return { transport: x3.rest, location: x3.location, pageSize: x3.o.pageSize };
}

/** What the GraphQL readers need. */
function graphqlReader(x3: X3Connection) {
  return {
    transport: x3.gql,
    resolve: (mapping: X3GraphQLMapping, signal?: AbortSignal) => resolveGraphQL(x3, mapping, signal),
    pageSize: x3.o.pageSize,
    linesPageSize: x3.o.linesPageSize,
  };
}

/** Strict mode throws an invalid record's error; otherwise it is logged (never dropped) and returned. */
function checkedChange<T>(o: ResolvedOptions, change: X3Change<T>): X3Change<T> {
  if (!change.ok && o.strict) throw change.error;
  if (!change.ok) {
    o.logger.warn(
      { entity: change.entity, key: change.key, field: change.error.field, reason: change.error.reason },
      'invalid X3 record',
    );
  }
  return change;
}

/** The call's options with the client's signal and the call's combined. */
function withClientSignal<T extends { signal?: AbortSignal }>(o: ResolvedOptions, callOptions: T): T {
  const signal = combineSignals(o.signal, callOptions.signal);
  return { ...callOptions, ...(signal ? { signal } : {}) };
}

function changesOf(
  x3: X3Connection,
  definition: X3EntityDefinition<unknown>,
  callOptions: X3ChangesOptions,
): AsyncIterable<X3Change<unknown>> {
  // Every record parsed: `changes()` takes no `held`, whatever the options object holds (the readers would honour it).
  const { held: _held, ...opts } = withClientSignal(x3.o, callOptions as X3RawChangesOptions);
  const source =
    x3.o.transport === 'rest'
      ? restChanges(restReader(x3), definition, opts)
      : graphqlChanges(graphqlReader(x3), definition, opts);
  return checkedChanges(x3.o, source);
}

async function* checkedChanges<T>(
  o: ResolvedOptions,
  source: AsyncIterable<X3Change<T>>,
): AsyncGenerator<X3Change<T>> {
  for await (const change of source) yield checkedChange(o, change);
}

/**
 * A record of `rawChanges()`: `normalize()` is a method of the class, so a record read costs this object and no
 * closure (an unchanged re-read reads every record and normalises none). `key`, `stamp` and `text` are set only when
 * known, as on a plain object.
 */
class RawChange implements X3RawChange<unknown> {
  entity: string;
  declare key?: string;
  declare stamp?: string;
  declare text?: string;
  readonly #o: ResolvedOptions;
  readonly #definition: X3EntityDefinition<unknown>;
  #raw: unknown;
  readonly #identity: X3RecordIdentity;

  /** `identity` is `readIdentity(definition, o.transport, raw)`, as the reader read it. */
  constructor(
    o: ResolvedOptions,
    definition: X3EntityDefinition<unknown>,
    raw: unknown,
    text: string | undefined,
    identity: X3RecordIdentity,
  ) {
    this.entity = definition.name;
    this.#o = o;
    this.#definition = definition;
    this.#raw = raw;
    this.#identity = identity;
    if (identity.key !== undefined) this.key = identity.key;
    if (identity.stamp !== undefined) this.stamp = identity.stamp;
    if (text !== undefined) this.text = text;
  }

  /** {@inheritDoc X3RawChange.raw} (A record the caller held is parsed from its text when first read.) */
  get raw(): unknown {
    if (this.#raw === UNPARSED) this.#raw = JSON.parse(this.text!);
    return this.#raw;
  }

  /** {@inheritDoc X3RawChange.normalize} */
  normalize(): X3Change<unknown> {
    const change = normalizeIdentified(this.#definition, this.#o.transport, this.raw, this.#identity);
    return checkedChange(this.#o, change);
  }
}

function rawChangesOf(
  x3: X3Connection,
  definition: X3EntityDefinition<unknown>,
  callOptions: X3RawChangesOptions,
): AsyncIterable<X3RawChange<unknown>> {
  const { o } = x3;
  const opts = withClientSignal(o, callOptions);
  // The REST reader hands over the identity it read for its paging; the GraphQL one pages by opaque cursors.
  return o.transport === 'rest'
    ? restRecords(
        restReader(x3),
        definition,
        opts,
        (raw, text, identity): X3RawChange<unknown> => new RawChange(o, definition, raw, text, identity),
      )
    : graphqlRecords(
        graphqlReader(x3),
        definition,
        opts,
        (raw, text, identity): X3RawChange<unknown> =>
          new RawChange(o, definition, raw, text, identity ?? readIdentity(definition, 'graphql', raw)),
      );
}

function keysOf(
  x3: X3Connection,
  definition: X3EntityDefinition<unknown>,
  callOptions: X3KeysOptions,
): AsyncIterable<string> {
  const signal = combineSignals(x3.o.signal, callOptions.signal);
  const opts: X3KeysOptions = {
    ...(callOptions.pageSize !== undefined ? { pageSize: callOptions.pageSize } : {}),
    ...(signal ? { signal } : {}),
  };
  return x3.o.transport === 'rest'
    ? restKeys(restReader(x3), definition, opts)
    : graphqlKeys(graphqlReader(x3), definition, opts);
}

/** One record by key, normalised; `undefined` when X3 does not have it. */
async function readOne(
  x3: X3Connection,
  entity: string,
  key: string,
  callSignal: AbortSignal | undefined,
): Promise<X3Change<unknown> | undefined> {
  const { o } = x3;
  const definition = definitionOf(x3, entity);
  const signal = combineSignals(o.signal, callSignal);
  const raw =
    o.transport === 'rest'
      ? await readRestRecord(x3, entity, definition, key, signal)
      : await readGraphQLRecord(x3, entity, definition, key, signal);
  if (raw === undefined || raw === null) return undefined;
  const change = normalizeRecord(definition, o.transport, raw);
  if (!change.ok && o.strict) throw change.error;
  return change;
}

/** `$details` of the record (a composite key split on `~`). */
async function readRestRecord(
  x3: X3Connection,
  entity: string,
  definition: X3EntityDefinition<unknown>,
  key: string,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const mapping = definition.rest;
  if (!mapping) throw new X3ConfigError({ message: `Entity '${entity}' has no REST mapping` });
  const parts = mapping.keyFields.length > 1 ? key.split('~') : [key];
  const url = buildRestDetailsUrl(
    {
      ...x3.location,
      className: mapping.className,
      representation: mapping.detailsRepresentation ?? mapping.representation,
    },
    parts,
  );
  return x3.rest.getRecord(url, signal);
}

/** The node by `_id`, with its collections paged to the end. */
async function readGraphQLRecord(
  x3: X3Connection,
  entity: string,
  definition: X3EntityDefinition<unknown>,
  key: string,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const mapping = definition.graphql;
  if (!mapping) throw new X3ConfigError({ message: `Entity '${entity}' has no GraphQL mapping` });
  const { root, schema } = await resolveGraphQL(x3, mapping, signal);
  const doc: X3Document = buildReadDocument(root, mapping, x3.o.linesPageSize, schema);
  const result = await x3.gql.execute(doc.text, { id: key }, doc.operationName, signal ? { signal } : {});
  const raw = connectionAt(result.data, root, 'read');
  if (!raw || typeof raw !== 'object') return raw;
  return completeCollections(
    graphqlReader(x3),
    mapping,
    root,
    schema,
    raw as Record<string, unknown>,
    signal,
    new Map(),
  );
}

/** {@link X3RestApi} over the client's REST transport. */
function restApi(x3: X3Connection): X3RestApi {
  const { o, rest, location } = x3;
  return {
    async *query(q) {
      const url = buildRestQueryUrl(
        { ...location, className: q.className, representation: q.representation },
        {
          ...(q.count !== undefined ? { count: q.count } : {}),
          ...(q.where ? { where: q.where } : {}),
          ...(q.orderBy ? { orderBy: q.orderBy } : {}),
          ...(q.key ? { key: q.key } : {}),
        },
      );
      yield* rest.pages(url, combineSignals(o.signal, q.signal));
    },
    details(q) {
      const url = buildRestDetailsUrl(
        { ...location, className: q.className, representation: q.representation },
        typeof q.key === 'string' ? [q.key] : q.key,
      );
      return rest.getRecord(url, combineSignals(o.signal, q.signal));
    },
  };
}

/** {@link X3GraphQLApi} over the client's GraphQL transport. */
function graphqlApi(x3: X3Connection): X3GraphQLApi {
  const { o, gql } = x3;
  return {
    async request(query, variables = {}, callOptions = {}) {
      const signal = combineSignals(o.signal, callOptions.signal);
      const schema =
        callOptions.validate === false || !o.introspection ? undefined : await gql.schema(signal);
      const doc = checkedDocument(query, callOptions.operationName ?? 'operation', schema);
      return gql.execute(doc.text, variables, callOptions.operationName, {
        ...(signal ? { signal } : {}),
        ...(callOptions.allowPartial ? { allowPartial: true } : {}),
      });
    },
    schema(callOptions = {}) {
      return gql.schema(combineSignals(o.signal, callOptions.signal));
    },
    async resolveRoot(packageName, nodeName, callOptions = {}) {
      const schema = await gql.schema(combineSignals(o.signal, callOptions.signal));
      return resolveNodeRoot(schema, packageName, nodeName);
    },
    async *pages(query, pageOptions) {
      const signal = combineSignals(o.signal, pageOptions.signal);
      const schema = o.introspection ? await gql.schema(signal) : undefined;
      const doc = checkedDocument(query, 'pages', schema);
      yield* relayPages(async (after) => {
        const result = await gql.execute(
          doc.text,
          { ...pageOptions.variables, first: pageOptions.first ?? o.pageSize, after },
          undefined,
          signal ? { signal } : {},
        );
        const connection = readPath(result.data, pageOptions.connectionPath.join('.'));
        if (!connection || typeof connection !== 'object') {
          throw new X3ConfigError({
            message: redactText(
              `No connection at ${pageOptions.connectionPath.join('.')} in the GraphQL answer`,
            ),
          });
        }
        return connection as RelayConnection<never>;
      });
    },
  };
}
