import { inspect } from 'node:util';
import { redactText, redactValue } from '../redact/redact.js';
import { type FailureKind, isRetryableKind } from './failure-kind.js';
import { redactedCause } from './redacted-error.js';
import { type RequestOutcome, outcomeOfStatus } from './request-outcome.js';

/** Brand shared by every copy of `@mlc/core`, so `isMlcError` works across duplicated installs. */
const MLC_ERROR_BRAND = Symbol.for('@mlc/core/MlcError');

/** Stable codes of the errors raised by `@mlc/core`. Packages add their own codes (plain strings). */
export type CoreErrorCode =
  | 'HTTP_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'AUTH_FAILED'
  | 'TOKEN_REFRESH_FAILED'
  | 'INVALID_RESPONSE'
  | 'CONFIG_INVALID'
  | 'VALIDATION_FAILED'
  | 'NOT_SENT';

/**
 * What every SDK error is built from: the one constructor shape of the SDK's errors, `new XError({ code, message,
 * cause, ...facts })`. Subclasses take the same one object with their own facts (and drop `code` or `message` when
 * they have only one code or build the message from their facts).
 */
export interface MlcErrorOptions<Code extends string = string> {
  /** Human-readable message; redacted on construction. */
  message: string;
  /** Stable machine-readable code. */
  code: Code;
  /** Failure classification read by retry code and users. */
  kind: FailureKind;
  /**
   * The underlying error. SDK errors are kept as they are; any other error is kept as a `RedactedError` (same
   * name, `code` and facts, redacted message, stack and cause chain), so `err.cause.message` never holds a secret.
   */
  cause?: unknown;
  /** HTTP status, when the failure came from a response. */
  status?: number;
  /** The remote request id (e.g. Power BI's `RequestId` header), for support tickets. */
  requestId?: string;
  /** The delay the remote asked for before a retry, in ms. */
  retryAfterMs?: number;
  /** Extra structured facts; redacted before they are stored. */
  details?: Record<string, unknown>;
  /** Overrides the default "retryable by kind". */
  retryable?: boolean;
  /**
   * Could the request behind this error have landed? Read it through `outcomeOf(error)`.
   * @default from `status` when set (see `outcomeOfStatus`), else `not-applied` for `validation`, else `unknown`
   */
  outcome?: RequestOutcome;
}

/**
 * Base class of every error the SDK throws. It has a stable `code`, a `kind` (see {@link FailureKind}), optional
 * HTTP facts, and a `cause` chain. Messages and details are redacted on construction, and `toJSON()` /
 * `util.inspect` render only redacted text, so secrets cannot leak through logs or serialisation.
 */
export class MlcError<Code extends string = string> extends Error {
  override name = 'MlcError';
  /** Stable machine-readable code. */
  readonly code: Code;
  /** Failure classification. */
  readonly kind: FailureKind;
  /** Whether another attempt may succeed. */
  readonly retryable: boolean;
  /** HTTP status, when known. */
  readonly status?: number;
  /** Remote request id, when known. */
  readonly requestId?: string;
  /** Delay the remote asked for before a retry (ms). */
  readonly retryAfterMs?: number;
  /** Extra structured facts (redacted). */
  readonly details?: Record<string, unknown>;
  /** Could the request behind this error have landed? Callers read it through `outcomeOf(error)`. */
  readonly outcome: RequestOutcome;

  constructor(options: MlcErrorOptions<Code>) {
    // A foreign cause is kept only as a redacted shell (its message, stack, facts and own causes redacted).
    super(
      redactText(options.message),
      options.cause === undefined ? undefined : { cause: redactedCause(options.cause) },
    );
    Object.defineProperty(this, MLC_ERROR_BRAND, { value: true });
    this.code = options.code;
    this.kind = options.kind;
    this.retryable = options.retryable ?? isRetryableKind(options.kind);
    this.outcome = options.outcome ?? defaultOutcome(options);
    if (options.status !== undefined) this.status = options.status;
    if (options.requestId !== undefined) this.requestId = options.requestId;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.details !== undefined) this.details = redactValue(options.details) as Record<string, unknown>;
    // The stack embeds the message, which is already redacted; causes are rendered through redaction below.
  }

  /** A JSON-safe, redacted view: what logs and audit entries should store. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      outcome: this.outcome,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.requestId !== undefined ? { requestId: this.requestId } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
      ...(this.cause !== undefined ? { cause: serializeCause(this.cause) } : {}),
    };
  }

  /** `util.inspect` (console.log, pino's err serializer fallbacks) sees the redacted view, never raw causes. */
  [inspect.custom](): string {
    return redactText(
      `${this.stack ?? `${this.name}: ${this.message}`}\n${inspect(this.toJSON(), { depth: 6 })}`,
    );
  }
}

/** The outcome an error has when its constructor was not told one: from its HTTP status, else by kind. */
function defaultOutcome(options: Omit<MlcErrorOptions, 'message'>): RequestOutcome {
  if (options.status !== undefined) return outcomeOfStatus(options.status, options.retryAfterMs);
  return options.kind === 'validation' ? 'not-applied' : 'unknown';
}

function serializeCause(cause: unknown, depth = 0): unknown {
  if (depth > 5) return '[cause chain truncated]';
  if (isMlcError(cause)) return cause.toJSON();
  if (cause instanceof Error) {
    const out: Record<string, unknown> = { name: cause.name, message: redactText(cause.message) };
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (cause.cause !== undefined) out.cause = serializeCause(cause.cause, depth + 1);
    return out;
  }
  return redactValue(cause);
}

/**
 * The one error guard of the SDK: true for any SDK error — optionally only with `code` (one code, or any of a
 * list) — including errors built by another installed copy of `@mlc/core` or of the package that threw it (two
 * versions side by side, or the ESM and CommonJS builds both loaded), where `instanceof` says false. It reads a
 * `Symbol.for` brand that every copy of {@link MlcError} sets, then the stable `code`. Packages build their
 * `isXError()` guards on it.
 */
export function isMlcError<C extends string = string>(
  error: unknown,
  code?: C | readonly C[],
): error is MlcError<C> {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as Record<symbol, unknown>)[MLC_ERROR_BRAND] !== true) return false;
  if (code === undefined) return true;
  const actual = (error as { code?: unknown }).code;
  return typeof code === 'string' ? actual === code : (code as readonly unknown[]).includes(actual);
}
