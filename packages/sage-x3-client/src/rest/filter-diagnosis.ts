import { type HttpError, type HttpResponse, isMlcError } from '@mlc/core';
import { describeServerMessage } from '../auth/describe-server-message.js';
import { whereFieldsOf } from '../client/x3-error-factory.js';
import { X3FilterError } from '../errors/x3-filter-error.js';

/**
 * True for an HTTP 500 whose body says nothing: empty, or JSON without any message. Real X3 answers a `where`
 * naming an unknown property this way ([documented] status, reference §1.4 / §3 gotcha 2; the empty body is
 * [inferred] from field reports), so the client cannot tell a bad filter from a server fault by the answer alone.
 * Gateway-shaped bodies are `X3GatewayError`s and never match.
 */
export function isSilentServerError(error: unknown): error is HttpError {
  if (!isMlcError<HttpError['code']>(error, 'HTTP_ERROR') || error.status !== 500) return false;
  const snippet = (error as HttpError).bodySnippet;
  return describeServerMessage(snippet ?? '') === undefined;
}

/** The same `$query` without `where`, `key` and `orderBy`, one record: does the class answer at all? */
export function probeUrlOf(url: string): string {
  const u = new URL(url);
  for (const name of ['where', 'key', 'orderBy']) u.searchParams.delete(name);
  u.searchParams.set('count', '1');
  return u.toString();
}

/** Fields of `where` that the probe's record does not carry (a hint; a representation may hide filterable fields). */
function fieldsMissingFrom(probe: HttpResponse, fields: readonly string[]): string[] {
  let resources: unknown;
  try {
    resources = (JSON.parse(probe.text) as { $resources?: unknown }).$resources;
  } catch {
    return [];
  }
  const first = Array.isArray(resources) ? resources[0] : undefined;
  if (!first || typeof first !== 'object') return [];
  const own = new Set(Object.keys(first as object));
  return fields.filter((f) => !own.has(f.split('.')[0] as string));
}

/** What {@link diagnoseSilentFilterFailure} needs. */
export interface FilterDiagnosisContext {
  /** Sends one GET of `url` without retries. */
  getOnce(url: string): Promise<HttpResponse>;
  /** Told when the probe runs. */
  onProbe?(facts: { url: string; probeUrl: string }): void;
}

/**
 * Called once when a filtered `$query` got a silent 500 ({@link isSilentServerError}). Probes the class once
 * without the filter (one record). If the probe fails too, the server is at fault: `failure` is rethrown and the
 * caller's retries go on. If the probe works, the filtered query is sent once more — a transient 500 must not be
 * taken for a bad filter — and a second silent 500 becomes an {@link X3FilterError} that names the filter (and the
 * filter's fields the probed record lacks), which is not retried. Any other outcome of that resend is returned or
 * thrown as it is.
 */
export async function diagnoseSilentFilterFailure(
  url: string,
  failure: HttpError,
  context: FilterDiagnosisContext,
): Promise<HttpResponse> {
  const { where, fields } = whereFieldsOf(url);
  if (!where) throw failure;
  const probeUrl = probeUrlOf(url);
  context.onProbe?.({ url: failure.url, probeUrl });
  let probe: HttpResponse;
  try {
    probe = await context.getOnce(probeUrl);
  } catch {
    throw failure;
  }
  try {
    return await context.getOnce(url);
  } catch (again) {
    if (!isSilentServerError(again)) throw again;
    const missing = fieldsMissingFrom(probe, fields);
    const field = missing[0] ?? (fields.length === 1 ? fields[0] : undefined);
    throw new X3FilterError({
      ...(field !== undefined ? { field } : {}),
      reason:
        `HTTP 500 with no explanation for where=${where}, while the same query without the filter succeeds` +
        (missing.length > 0 ? `; the class's records have no ${missing.join(', ')}` : '') +
        ' (X3 answers an unknown where property this way)',
      filter: where,
      status: 500,
      cause: again,
    });
  }
}
