import {
  type Clock,
  type LogLevel,
  type Logger,
  type RetryPolicyOptions,
  type TlsOptions,
  defaultLogger,
  redactUnparsedUrl,
  systemClock,
} from '@mlc/core';
import type { X3AuthStrategy } from '../auth/x3-auth-strategy.js';
import { X3_BUILT_IN_ENTITIES, type X3BuiltInEntities } from '../entities/built-in-entities.js';
import {
  type X3EntityDefinition,
  type X3EntityOverride,
  applyEntityOverride,
} from '../entities/x3-entity-definition.js';
import { X3ConfigError } from '../errors/x3-config-error.js';

/** Per-entity configuration: a full definition (custom entity) or an override of a built-in one. */
export type X3EntitiesOption = Record<string, X3EntityDefinition<unknown> | X3EntityOverride<unknown>>;

/** Record types of a client's entities: built-ins, with overridden schemas and custom entities applied. */
export type X3EntityMap<C extends X3EntitiesOption> = Omit<X3BuiltInEntities, keyof C> & {
  [K in keyof C]: C[K] extends X3EntityDefinition<infer T>
    ? T
    : K extends keyof X3BuiltInEntities
      ? C[K] extends { schema: X3EntityDefinition<infer T>['schema'] }
        ? T
        : X3BuiltInEntities[K]
      : unknown;
};

/** Options of {@link createX3Client}. */
export interface X3ClientOptions<C extends X3EntitiesOption = X3EntitiesOption> {
  /** The customer's Syracuse server, e.g. `https://x3.example.com:8124` (a path prefix is kept). */
  baseUrl: string;
  /** Syracuse endpoint name (selects the folder; list them via `endPoints`, [documented] §3 gotcha 3). */
  endpoint: string;
  /** Authentication: `basicAuth`, `connectedAppAuth` or `oauth2RefreshTokenAuth`. */
  auth: X3AuthStrategy;
  /** Which API reads entities. @default 'graphql' */
  transport?: 'rest' | 'graphql';
  /**
   * GraphQL URL. On the cloud gateway use `https://api.<region>-sagex3.com/v1/service/{endPoint}/api` and set
   * `sendEndpointHeader: false` ([documented] §2.1). @default `${baseUrl}/xtrem/api`
   */
  graphqlUrl?: string;
  /** Send `x-xtrem-endpoint: <endpoint>` with GraphQL requests ([documented] §2.1, on-premise). @default true */
  sendEndpointHeader?: boolean;
  /** REST api1 application segment. @default 'x3' */
  restApplication?: string;
  /** REST api1 contract segment. @default 'erp' */
  restContract?: string;
  /** TLS for on-premise servers: custom CA, client certificate; verification stays on by default. */
  tls?: TlsOptions;
  /** Transport for every request (tests inject one; incompatible with `tls`). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Time source (token expiry, retry waits). @default systemClock */
  clock?: Clock;
  /** Logger (pino-compatible). Secrets are never logged. @default warnings and errors to stderr (see `logLevel`); pass `silentLogger` for silence */
  logger?: Logger;
  /** Level of the default stderr logger (ignored when `logger` is given). @default `MLC_LOG_LEVEL`, else 'warn' */
  logLevel?: LogLevel;
  /** Entity overrides (class/representation/node names, field mappings) and custom entities. */
  entities?: C;
  /** Throw the first invalid record's `X3RecordError` instead of yielding `{ ok: false }`. @default false */
  strict?: boolean;
  /** Records per request for `changes()`. @default 200 */
  pageSize?: number;
  /** Lines requested with each GraphQL record (more are fetched per record). @default 200 */
  linesPageSize?: number;
  /** Discover GraphQL roots and validate documents by introspection. @default true */
  introspection?: boolean;
  /** Per-attempt timeout in ms. @default 30_000 */
  timeoutMs?: number;
  /** Retry policy (core `RetryPolicy` subset), or `false`. @default core's DEFAULT_RETRY_POLICY */
  retry?: RetryPolicyOptions | false;
  /** Headers sent with every request (e.g. `accept-language`). Do not put credentials here; use `auth`. */
  headers?: Record<string, string>;
  /** Aborts everything the client does (combined with per-call signals). */
  signal?: AbortSignal;
}

/** {@link X3ClientOptions} with defaults filled and entities resolved. */
export interface ResolvedX3ClientOptions {
  baseUrl: string;
  endpoint: string;
  auth: X3AuthStrategy;
  transport: 'rest' | 'graphql';
  graphqlUrl: string;
  sendEndpointHeader: boolean;
  restApplication: string;
  restContract: string;
  tls?: TlsOptions;
  fetch?: typeof globalThis.fetch;
  clock: Clock;
  logger: Logger;
  entities: Map<string, X3EntityDefinition<unknown>>;
  strict: boolean;
  pageSize: number;
  linesPageSize: number;
  introspection: boolean;
  timeoutMs: number;
  retry: RetryPolicyOptions | false;
  headers: Record<string, string>;
  signal?: AbortSignal;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new X3ConfigError({ message: `${name} must be a positive integer (got ${String(v)})` });
  return v;
}

function isDefinition(
  value: X3EntityDefinition<unknown> | X3EntityOverride<unknown>,
): value is X3EntityDefinition<unknown> {
  return (
    typeof (value as X3EntityDefinition<unknown>).name === 'string' &&
    (value as X3EntityDefinition<unknown>).schema !== undefined
  );
}

/**
 * `url` without a user name or password: credentials in a URL would travel in every request URL, error and log
 * line, so they are dropped with a warning that names the option and the origin only (never the secret).
 */
function withoutCredentials(url: URL, option: 'baseUrl' | 'graphqlUrl', logger: Logger): URL {
  if (url.username === '' && url.password === '') return url;
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  logger.warn(
    { [option]: clean.origin },
    `createX3Client: removed the user name and password from ${option}; pass them through auth (basicAuth) instead`,
  );
  return clean;
}

/** Validates options and fills defaults once. */
export function resolveX3ClientOptions(options: X3ClientOptions): ResolvedX3ClientOptions {
  const base = parseHttpUrl(options.baseUrl, 'baseUrl');
  if (!options.endpoint)
    throw new X3ConfigError({ message: 'endpoint is required (the Syracuse endpoint name, e.g. SEED)' });
  if (!options.auth || typeof options.auth.start !== 'function') {
    throw new X3ConfigError({
      message: 'auth is required: basicAuth(), connectedAppAuth() or oauth2RefreshTokenAuth()',
    });
  }
  if (options.fetch && options.tls)
    throw new X3ConfigError({ message: 'pass either fetch or tls, not both' });
  const transport = options.transport ?? 'graphql';
  if (transport !== 'rest' && transport !== 'graphql')
    throw new X3ConfigError({ message: `unknown transport '${String(transport)}'` });
  const logger = defaultLogger(options.logger, options.logLevel);
  const baseUrl = withoutCredentials(base, 'baseUrl', logger).href.replace(/\/+$/, '');
  let graphqlUrl = `${baseUrl}/xtrem/api`;
  if (options.graphqlUrl !== undefined) {
    graphqlUrl = withoutCredentials(
      parseHttpUrl(options.graphqlUrl, 'graphqlUrl'),
      'graphqlUrl',
      logger,
    ).href;
  }
  const entities = resolveEntities(options.entities);
  return {
    baseUrl,
    endpoint: options.endpoint,
    auth: options.auth,
    transport,
    graphqlUrl,
    sendEndpointHeader: options.sendEndpointHeader ?? true,
    restApplication: options.restApplication ?? 'x3',
    restContract: options.restContract ?? 'erp',
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    clock: options.clock ?? systemClock,
    logger,
    entities,
    strict: options.strict ?? false,
    pageSize: positiveInt('pageSize', options.pageSize, 200),
    linesPageSize: positiveInt('linesPageSize', options.linesPageSize, 200),
    introspection: options.introspection ?? true,
    timeoutMs: positiveInt('timeoutMs', options.timeoutMs, 30_000),
    retry: options.retry ?? {},
    headers: options.headers ?? {},
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * `value` parsed as an http(s) URL, else an `X3ConfigError`. A value that does not parse is echoed without its
 * user-info: a mistyped URL may still carry a password (the parser's own error, the cause, would hold it whole, so
 * it is not kept).
 */
function parseHttpUrl(value: string, option: 'baseUrl' | 'graphqlUrl'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new X3ConfigError({
      message: `${option} '${redactUnparsedUrl(value)}' is not a URL`,
      code: 'X3_CONFIG_INVALID',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new X3ConfigError({ message: `${option} must be http(s)` });
  return url;
}

/** The built-in entities with the client's `entities` applied: full definitions added, overrides merged. */
function resolveEntities(given: X3ClientOptions['entities']): Map<string, X3EntityDefinition<unknown>> {
  const entities = new Map<string, X3EntityDefinition<unknown>>();
  for (const [name, def] of Object.entries(X3_BUILT_IN_ENTITIES))
    entities.set(name, def as X3EntityDefinition<unknown>);
  for (const [name, value] of Object.entries(given ?? {})) {
    const builtIn = entities.get(name);
    if (isDefinition(value)) {
      if (value.name !== name)
        throw new X3ConfigError({ message: `entities.${name}: definition is named '${value.name}'` });
      entities.set(name, value);
    } else if (builtIn) {
      entities.set(name, applyEntityOverride(builtIn, value));
    } else {
      throw new X3ConfigError({
        message: `entities.${name}: not a built-in entity; give a full definition (name, schema, rest/graphql)`,
      });
    }
  }
  return entities;
}
