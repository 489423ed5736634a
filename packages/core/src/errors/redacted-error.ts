import { redactText, redactValue } from '../redact/redact.js';

/** Brand of {@link RedactedError}, shared by every copy of `@mlc/core`. */
const REDACTED_ERROR_BRAND = Symbol.for('@mlc/core/RedactedError');
const MAX_DEPTH = 6;

/**
 * A redacted stand-in for a foreign error (a fetch `TypeError`, a driver error, a zod error): same `name`,
 * redacted `message` and `stack`, its own enumerable facts (`code`, `errno`, `issues`, …) redacted, and its
 * `cause` chain redacted the same way. SDK errors keep foreign causes only as such shells, so no secret can
 * reach a log, an audit entry or a serialiser through `error.cause`.
 */
export class RedactedError extends Error {
  constructor(original: Error, depth = 0) {
    super(redactText(original.message));
    Object.defineProperty(this, REDACTED_ERROR_BRAND, { value: true });
    Object.defineProperty(this, 'name', { value: original.name, enumerable: false, writable: true });
    this.stack = redactText(original.stack ?? `${original.name}: ${original.message}`);
    for (const [key, value] of Object.entries(original)) {
      if (key === 'message' || key === 'stack' || key === 'cause' || key === 'name') continue;
      (this as Record<string, unknown>)[key] = redactValue(value);
    }
    const cause = (original as { cause?: unknown }).cause;
    if (cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: depth >= MAX_DEPTH ? '[cause chain truncated]' : redactedCause(cause, depth + 1),
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }
}

/**
 * A cause made safe to keep: an SDK error as it is (it redacts itself), an already redacted shell as it is, any
 * other `Error` as a {@link RedactedError}, any other value through `redactValue`.
 */
export function redactedCause(cause: unknown, depth = 0): unknown {
  if (cause === null || typeof cause !== 'object')
    return typeof cause === 'string' ? redactText(cause) : cause;
  const branded = cause as Record<symbol, unknown>;
  if (branded[Symbol.for('@mlc/core/MlcError')] === true || branded[REDACTED_ERROR_BRAND] === true)
    return cause;
  if (cause instanceof Error) return new RedactedError(cause, depth);
  return redactValue(cause);
}
