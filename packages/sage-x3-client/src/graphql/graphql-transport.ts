import {
  type Clock,
  type HttpClient,
  type Logger,
  type RetryPolicyOptions,
  redactText,
  redactUrl,
  withRetry,
} from '@mlc/core';
import {
  type GraphQLSchema,
  type IntrospectionQuery,
  buildClientSchema,
  getIntrospectionQuery,
} from 'graphql';
import { X3ConfigError } from '../errors/x3-config-error.js';
import { X3GraphQLError, type X3GraphQLErrorEntry } from '../errors/x3-graphql-error.js';
import { X3ResponseError } from '../errors/x3-response-error.js';
import { type SkipParse, parseX3Page } from '../json/parse-x3-json.js';
import type { RecordPath } from '../json/record-texts.js';
import { classifyGraphQLErrors } from './classify-graphql-errors.js';

/** A GraphQL answer: `data` plus any `errors[]` (only returned together when the caller allows partial data). */
export interface X3GraphQLResult<D = unknown> {
  /** The `data` member (possibly partial). */
  data: D | null;
  /** The `errors[]` entries, when there were any. */
  errors?: X3GraphQLErrorEntry[];
}

/** Options of one GraphQL call. */
export interface X3GraphQLCallOptions {
  /** Aborts the call, its retries and waits. */
  signal?: AbortSignal;
  /**
   * Return `{ data, errors }` instead of throwing when `errors[]` comes with non-null data (and the errors are not
   * transient, which are retried first). @default false
   */
  allowPartial?: boolean;
}

/** Options of {@link GraphQLTransport.execute}: a call's, and where the answer holds records. */
export interface GraphQLExecuteOptions extends X3GraphQLCallOptions {
  /** The exact text of each record at this path is kept (`recordTextsOf` of the records' array). */
  recordsAt?: RecordPath;
  /** With `recordsAt`: records the caller holds are not parsed (`null` in their places, see `skippedRecordsOf`). */
  skipParse?: SkipParse;
}

/** Settings of {@link GraphQLTransport}. */
export interface GraphQLTransportOptions {
  /** Core HTTP client for the GraphQL server (auth lives there). */
  http: HttpClient;
  /** Absolute GraphQL URL (`…/xtrem/api` on-prem, `…/v1/service/{endPoint}/api` on the cloud gateway). */
  url: string;
  /** Syracuse endpoint for `x-xtrem-endpoint`; omit for the cloud gateway (endpoint is in the URL). */
  endpoint?: string;
  /** Clock for retry waits. */
  clock: Clock;
  /** Retry policy (or `false`). */
  retry: RetryPolicyOptions | false;
  /** Logger. */
  logger: Logger;
  /** Secrets to redact from error messages. */
  knownSecrets: () => readonly string[];
}

/**
 * POSTs GraphQL operations ([documented] reference §2.1: `POST /xtrem/api`, `x-xtrem-endpoint` header, JSON
 * `{ query, variables }`). `errors[]` inside a 200 become {@link X3GraphQLError}s before the retry decision, so
 * transient ones are retried by core's `withRetry` like any transient HTTP failure. The introspected schema is
 * cached per endpoint on this instance.
 */
export class GraphQLTransport {
  readonly #o: GraphQLTransportOptions;
  readonly #schemas = new Map<string, Promise<GraphQLSchema>>();

  /** @param options see {@link GraphQLTransportOptions} */
  constructor(options: GraphQLTransportOptions) {
    this.#o = options;
  }

  /** Executes an operation. Throws {@link X3GraphQLError} on `errors[]` unless partial data is allowed. */
  async execute<D = unknown>(
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
    options: GraphQLExecuteOptions = {},
  ): Promise<X3GraphQLResult<D>> {
    const { http, url, endpoint, clock, retry, logger } = this.#o;
    const once = async (): Promise<X3GraphQLResult<D>> => {
      const response = await http.request({
        method: 'POST',
        path: url,
        json: { query, variables, ...(operationName ? { operationName } : {}) },
        headers: endpoint ? { 'x-xtrem-endpoint': endpoint } : {},
        // GraphQL reads are safe to repeat; the retry loop is the outer withRetry (one loop, not two).
        idempotent: true,
        retry: false,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const { value, repairs } = await parseX3Page(
        response.text,
        redactUrl(url),
        options.recordsAt,
        options.skipParse,
      );
      if (repairs > 0)
        logger.warn({ url: redactUrl(url), repairs }, 'X3 GraphQL returned malformed JSON; repaired');
      if (!value || typeof value !== 'object') {
        throw new X3ResponseError({
          message: 'X3 GraphQL answered with no JSON object',
          code: 'X3_UNEXPECTED_RESPONSE',
          url,
        });
      }
      const body = value as { data?: D | null; errors?: unknown };
      const errors = normalizeErrors(body.errors, this.#o.knownSecrets());
      if (errors.length === 0) {
        if (body.data === undefined) {
          throw new X3ResponseError({
            message: 'X3 GraphQL answered with neither data nor errors',
            code: 'X3_UNEXPECTED_RESPONSE',
            url,
          });
        }
        return { data: body.data ?? null };
      }
      const kind = classifyGraphQLErrors(errors);
      const data = body.data ?? null;
      if (options.allowPartial && data !== null && kind !== 'transient') return { data, errors };
      throw new X3GraphQLError({
        errors,
        ...(data !== null ? { data } : {}),
        kind,
        status: response.status,
        ...(operationName ? { operation: operationName } : {}),
      });
    };
    if (retry === false) return once();
    return withRetry(once, {
      policy: retry,
      clock,
      idempotent: true,
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: (event) =>
        logger.warn(
          { operation: operationName, attempt: event.attempt, delayMs: event.delayMs, reason: event.reason },
          'X3 GraphQL retry',
        ),
    });
  }

  /**
   * The endpoint's schema by introspection ([documented] §2.4: "introspect once per endpoint"), cached; a failed
   * introspection is not cached, so the next call tries again.
   */
  schema(signal?: AbortSignal): Promise<GraphQLSchema> {
    const key = this.#o.endpoint ?? this.#o.url;
    let cached = this.#schemas.get(key);
    if (!cached) {
      cached = (async () => {
        const result = await this.execute<IntrospectionQuery>(
          getIntrospectionQuery({ descriptions: false }),
          {},
          'IntrospectionQuery',
          signal ? { signal } : {},
        );
        if (!result.data)
          throw new X3ConfigError({
            message: 'GraphQL introspection returned no data',
            code: 'X3_SCHEMA_MISMATCH',
          });
        try {
          return buildClientSchema(result.data);
        } catch (error) {
          throw new X3ConfigError({
            message: `GraphQL introspection result is unusable: ${(error as Error).message}`,
            code: 'X3_SCHEMA_MISMATCH',
            cause: error,
          });
        }
      })();
      this.#schemas.set(key, cached);
      cached.catch(() => this.#schemas.delete(key));
    }
    return cached;
  }
}

function normalizeErrors(errors: unknown, secrets: readonly string[]): X3GraphQLErrorEntry[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    const entry = (e && typeof e === 'object' ? e : { message: String(e) }) as Record<string, unknown>;
    const path = Array.isArray(entry.path) ? (entry.path as Array<string | number>) : undefined;
    const extensions =
      entry.extensions && typeof entry.extensions === 'object'
        ? (entry.extensions as Record<string, unknown>)
        : undefined;
    return {
      message: redactText(typeof entry.message === 'string' ? entry.message : 'GraphQL error', secrets),
      ...(path ? { path } : {}),
      ...(extensions ? { extensions } : {}),
    };
  });
}
