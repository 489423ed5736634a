import {
  type Clock,
  type HttpClient,
  type HttpResponse,
  type Logger,
  type RetryPolicyOptions,
  redactUrl,
  withRetry,
} from '@mlc/core';
import { X3ResponseError, isX3ResponseError } from '../errors/x3-response-error.js';
import { type SkipParse, parseX3Page } from '../json/parse-x3-json.js';
import { EACH, type RecordPath } from '../json/record-texts.js';
import { diagnoseSilentFilterFailure, isSilentServerError } from './filter-diagnosis.js';

/** One `$query` page ([documented] reference §1.3). */
export interface X3RestPage {
  /** URL of this page (redacted). */
  url: string;
  /** The `$resources` of the page, as sent. */
  resources: unknown[];
  /** `$itemsPerPage`: the page size the server applied. */
  itemsPerPage?: number;
  /** `$links.$next.$url`, verbatim, when there is a next page. */
  nextUrl?: string;
  /** Fixes the malformed-JSON repair applied to this page (0 normally). */
  repairs: number;
}

/** Retries of filtered queries, which the transport runs itself so it can diagnose a silent 500 once. */
export interface RestTransportRetry {
  /** The client's retry policy, or `false`. */
  policy: RetryPolicyOptions | false;
  /** Clock for the waits. */
  clock: Clock;
}

/** GET + parse for api1 pages and records, on the core HTTP client (auth, retries, redaction live there). */
export class RestTransport {
  readonly #http: HttpClient;
  readonly #logger: Logger;
  readonly #retry: RestTransportRetry | undefined;

  /**
   * @param http the core HTTP client for the X3 server
   * @param logger where repairs and filter probes are reported
   * @param retry the retry policy, so filtered queries can be diagnosed; without it they use the HTTP client's
   */
  constructor(http: HttpClient, logger: Logger, retry?: RestTransportRetry) {
    this.#http = http;
    this.#logger = logger;
    this.#retry = retry;
  }

  #get(url: string, signal: AbortSignal | undefined, once = false): Promise<HttpResponse> {
    return this.#http.request({
      path: url,
      // [observed] §1.5: Sage's own node asks for `application/json;vnd.sage=syracuse`; plain JSON is accepted.
      headers: { accept: 'application/json' },
      ...(once ? { retry: false as const } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  /**
   * A `where` query: X3 answers an unknown property with a 500 that may say nothing ([documented] §1.4). The
   * first silent 500 is diagnosed once (probe without the filter, see `diagnoseSilentFilterFailure`) instead of
   * being retried blindly; every other failure is retried by the client's policy as usual.
   */
  async #getFiltered(url: string, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const retry = this.#retry;
    if (!retry) return this.#get(url, signal);
    let diagnosed = false;
    const attempt = async (): Promise<HttpResponse> => {
      try {
        return await this.#get(url, signal, true);
      } catch (error) {
        if (diagnosed || !isSilentServerError(error)) throw error;
        diagnosed = true;
        return diagnoseSilentFilterFailure(url, error, {
          getOnce: (u) => this.#get(u, signal, true),
          onProbe: (facts) =>
            this.#logger.warn(
              { url: facts.url, probeUrl: redactUrl(facts.probeUrl) },
              'X3 answered a filtered query with a bare HTTP 500; probing the class without the filter',
            ),
        });
      }
    };
    if (retry.policy === false) return attempt();
    return withRetry(attempt, {
      policy: retry.policy,
      clock: retry.clock,
      idempotent: true,
      ...(signal ? { signal } : {}),
      onRetry: (event) =>
        this.#logger.warn(
          { url: redactUrl(url), attempt: event.attempt, delayMs: event.delayMs, reason: event.reason },
          'http retry',
        ),
    });
  }

  async #getJson(
    url: string,
    signal: AbortSignal | undefined,
    recordsAt?: RecordPath,
    skip?: SkipParse,
  ): Promise<{ value: unknown; repairs: number }> {
    const response = hasWhere(url) ? await this.#getFiltered(url, signal) : await this.#get(url, signal);
    const parsed = await parseX3Page(response.text, redactUrl(url), recordsAt, skip);
    if (parsed.repairs > 0) {
      this.#logger.warn(
        { url: redactUrl(url), repairs: parsed.repairs },
        'X3 returned malformed JSON (invalid backslash escapes); repaired',
      );
    }
    return parsed;
  }

  /**
   * Fetches one `$query` page; the text of each resource is kept (`recordTextsOf` of `resources`). With `skip`, the
   * resources it says the caller holds are not parsed (`null` in their places, see `skippedRecordsOf`).
   */
  async getPage(url: string, signal?: AbortSignal, skip?: SkipParse): Promise<X3RestPage> {
    const { value, repairs } = await this.#getJson(url, signal, PAGE_RECORDS, skip);
    const body = value as Record<string, unknown> | null;
    const resources = body && typeof body === 'object' ? body.$resources : undefined;
    // No match is a 200 with empty `$resources` ([documented] §1.3); a missing array is not that.
    if (!Array.isArray(resources)) {
      throw new X3ResponseError({
        message: `X3 page has no $resources array: ${redactUrl(url)}`,
        code: 'X3_UNEXPECTED_RESPONSE',
        url: redactUrl(url),
      });
    }
    const next = (body?.$links as { $next?: { $url?: unknown } } | undefined)?.$next?.$url;
    const itemsPerPage = body?.$itemsPerPage;
    return {
      url: redactUrl(url),
      resources,
      ...(typeof itemsPerPage === 'number' ? { itemsPerPage } : {}),
      ...(typeof next === 'string' && next !== '' ? { nextUrl: next } : {}),
      repairs,
    };
  }

  /**
   * Pages through a query by following `$links.$next.$url` verbatim until it is absent (Sage's own paging loop,
   * [documented] §1.3). A `$next` that repeats the current URL is a protocol error, not an endless loop.
   */
  async *pages(firstUrl: string, signal?: AbortSignal): AsyncGenerator<X3RestPage, void, undefined> {
    let url: string | undefined = firstUrl;
    while (url) {
      const page: X3RestPage = await this.getPage(url, signal);
      yield page;
      if (page.nextUrl === url) {
        throw new X3ResponseError({
          message: `X3 $next link points at the same page: ${redactUrl(url)}`,
          code: 'X3_UNEXPECTED_RESPONSE',
          url: redactUrl(url),
        });
      }
      url = page.nextUrl;
    }
  }

  /** Reads one record (`$details`); `undefined` when X3 answers 404. */
  async getRecord(url: string, signal?: AbortSignal): Promise<unknown | undefined> {
    try {
      return (await this.#getJson(url, signal)).value;
    } catch (error) {
      if (isX3ResponseError(error) && error.status === 404) return undefined;
      throw error;
    }
  }
}

/** Where a `$query` page holds its records. */
const PAGE_RECORDS: RecordPath = ['$resources', EACH];

function hasWhere(url: string): boolean {
  try {
    return new URL(url).searchParams.has('where');
  } catch {
    return false;
  }
}
