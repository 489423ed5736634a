/**
 * A log method in pino's shape: `logger.info({ batchId }, 'batch posted')` or `logger.info('message')`.
 */
export interface LogFn {
  (object: object, message?: string): void;
  (message: string): void;
}

/**
 * The logger interface the SDK writes to. A pino logger satisfies it as is; so does a small adapter over `console`.
 * The SDK never logs secrets: it logs redacted URLs and an allow-list of headers only.
 */
export interface Logger {
  /** Fine-grained diagnostics (each HTTP request). */
  debug: LogFn;
  /** Normal operation (runs, batches). */
  info: LogFn;
  /** Something needs attention (credential expiring, throttling). */
  warn: LogFn;
  /** A failure. */
  error: LogFn;
  /** A logger with bound fields; optional (pino has it). */
  child?(bindings: Record<string, unknown>): Logger;
}

const noop: LogFn = () => {};

/** The default: logs nothing. */
export const silentLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
});

/** `logger.child(bindings)` when the logger supports it, else the logger itself. */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  return logger.child ? logger.child(bindings) : logger;
}
