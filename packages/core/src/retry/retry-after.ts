/** Options for {@link parseRetryAfter}. */
export interface ParseRetryAfterOptions {
  /** The current time (epoch ms), for HTTP-date values. @default Date.now() */
  now?: number;
  /** Upper bound for the returned delay: a remote asking for hours must not stall us silently. @default 120_000 */
  maxMs?: number;
}

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3): either delta-seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`). Returns the delay in milliseconds, capped at `maxMs` and never negative, or
 * `undefined` when the header is absent or garbage (so the caller falls back to its own backoff).
 * Fractional seconds are accepted (some proxies send them) although the RFC only allows integers.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  options: ParseRetryAfterOptions = {},
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const maxMs = options.maxMs ?? 120_000;
  let delayMs: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    delayMs = Number(text) * 1000;
  } else {
    // Only accept strings that look like dates; Date.parse alone accepts far too much (e.g. "1").
    if (!/[a-z]{3}/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    delayMs = at - (options.now ?? Date.now());
  }
  if (!Number.isFinite(delayMs)) return undefined;
  return Math.min(Math.max(0, Math.round(delayMs)), maxMs);
}
