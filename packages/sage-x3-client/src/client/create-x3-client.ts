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
import type { X3ChangesOptions } from '../changes/x3-changes-options.js';
import { graphqlKeys } from '../keys/graphql-keys.js';
import { restKeys } from '../keys/rest-keys.js';
import type { X3KeysOptions } from '../keys/x3-keys-options.js';
import { normalizeRecord, readIdentity } from '../entities/normalize-record.js';
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
    options?: X3ChangesOptions,
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
  const o = resolveX3ClientOptions(options);
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

  const definitionOf = (name: string): X3EntityDefinition<unknown> => {
    const def = o.entities.get(name);
    if (!def)
      throw new X3ConfigError({
        message: `Unknown entity '${name}' (known: ${[...o.entities.keys()].join(', ')})`,
      });
    return def;
  };

  const resolveGraphQL = async (
    mapping: X3GraphQLMapping,
    signal?: AbortSignal,
  ): Promise<{ root: X3NodeRoot; schema?: GraphQLSchema }> => {
    if (!o.introspection) {
      return {
        root: { rootField: mapping.rootField ?? mapping.packageName, nodeName: mapping.nodeName },
      };
    }
    const schema = await gql.schema(signal);
    const root = mapping.rootField
      ? resolveNodeRoot(schema, mapping.rootField, mapping.nodeName)
      : resolveNodeRoot(schema, mapping.packageName, mapping.nodeName);
    return { root, schema };
  };

  /** Strict mode throws an invalid record's error; otherwise it is logged (never dropped) and returned. */
  const checkedChange = <T>(change: X3Change<T>): X3Change<T> => {
    if (!change.ok && o.strict) throw change.error;
    if (!change.ok) {
      o.logger.warn(
        { entity: change.entity, key: change.key, field: change.error.field, reason: change.error.reason },
        'invalid X3 record',
      );
    }
    return change;
  };

  const strictly = async function* <T>(source: AsyncIterable<X3Change<T>>): AsyncGenerator<X3Change<T>> {
    for await (const change of source) yield checkedChange(change);
  };

  const client: X3Client<Record<string, unknown>> = {
    transport: o.transport,
    endpoint: o.endpoint,
    changes(entity, callOptions = {}) {
      const definition = definitionOf(entity);
      const signal = combineSignals(o.signal, callOptions.signal);
      const opts = { ...callOptions, ...(signal ? { signal } : {}) };
      const source =
        o.transport === 'rest'
          ? restChanges({ transport: rest, location, pageSize: o.pageSize }, definition, opts)
          : graphqlChanges(
              {
                transport: gql,
                resolve: resolveGraphQL,
                pageSize: o.pageSize,
                linesPageSize: o.linesPageSize,
              },
              definition,
              opts,
            );
      return strictly(source);
    },
    rawChanges(entity, callOptions = {}) {
      const definition = definitionOf(entity);
      const signal = combineSignals(o.signal, callOptions.signal);
      const opts = { ...callOptions, ...(signal ? { signal } : {}) };
      const emit = (raw: unknown): X3RawChange<unknown> => {
        const { key, stamp } = readIdentity(definition, o.transport, raw);
        const change: X3RawChange<unknown> = {
          entity: definition.name,
          raw,
          normalize: () => checkedChange(normalizeRecord(definition, o.transport, raw)),
        };
        if (key !== undefined) change.key = key;
        if (stamp !== undefined) change.stamp = stamp;
        return change;
      };
      return o.transport === 'rest'
        ? restRecords({ transport: rest, location, pageSize: o.pageSize }, definition, opts, emit)
        : graphqlRecords(
            {
              transport: gql,
              resolve: resolveGraphQL,
              pageSize: o.pageSize,
              linesPageSize: o.linesPageSize,
            },
            definition,
            opts,
            emit,
          );
    },
    keys(entity, callOptions = {}) {
      const definition = definitionOf(entity);
      const signal = combineSignals(o.signal, callOptions.signal);
      const opts: X3KeysOptions = {
        ...(callOptions.pageSize !== undefined ? { pageSize: callOptions.pageSize } : {}),
        ...(signal ? { signal } : {}),
      };
      return o.transport === 'rest'
        ? restKeys({ transport: rest, location, pageSize: o.pageSize }, definition, opts)
        : graphqlKeys(
            { transport: gql, resolve: resolveGraphQL, pageSize: o.pageSize, linesPageSize: o.linesPageSize },
            definition,
            opts,
          );
    },
    async read(entity, key, callOptions = {}) {
      const definition = definitionOf(entity);
      const signal = combineSignals(o.signal, callOptions.signal);
      let raw: unknown;
      if (o.transport === 'rest') {
        const mapping = definition.rest;
        if (!mapping) throw new X3ConfigError({ message: `Entity '${entity}' has no REST mapping` });
        const parts = mapping.keyFields.length > 1 ? key.split('~') : [key];
        const url = buildRestDetailsUrl(
          {
            ...location,
            className: mapping.className,
            representation: mapping.detailsRepresentation ?? mapping.representation,
          },
          parts,
        );
        raw = await rest.getRecord(url, signal);
      } else {
        const mapping = definition.graphql;
        if (!mapping) throw new X3ConfigError({ message: `Entity '${entity}' has no GraphQL mapping` });
        const { root, schema } = await resolveGraphQL(mapping, signal);
        const doc: X3Document = buildReadDocument(root, mapping, o.linesPageSize, schema);
        const result = await gql.execute(doc.text, { id: key }, doc.operationName, signal ? { signal } : {});
        raw = connectionAt(result.data, root, 'read');
        if (raw && typeof raw === 'object') {
          raw = await completeCollections(
            { transport: gql, resolve: resolveGraphQL, pageSize: o.pageSize, linesPageSize: o.linesPageSize },
            mapping,
            root,
            schema,
            raw as Record<string, unknown>,
            signal,
            new Map(),
          );
        }
      }
      if (raw === undefined || raw === null) return undefined;
      const change = normalizeRecord(definition, o.transport, raw);
      if (!change.ok && o.strict) throw change.error;
      return change;
    },
    entity(name) {
      return definitionOf(name);
    },
    entityNames() {
      return [...o.entities.keys()];
    },
    rest: {
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
    },
    graphql: {
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
    },
  };
  return client as unknown as X3Client<X3EntityMap<C>>;
}
