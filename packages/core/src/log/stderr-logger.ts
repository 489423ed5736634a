import { isMlcError } from '../errors/mlc-error.js';
import { redactText, redactValue } from '../redact/redact.js';
import { redactingLogger } from './redacting-logger.js';
import type { LogFn, Logger } from './logger.js';

/** How much the SDK's default logger writes: `warn` writes warnings and errors; `silent` nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The environment variable that sets the default logger's level when the code does not. */
export const LOG_LEVEL_ENV = 'MLC_LOG_LEVEL';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** True for the names of {@link LogLevel}. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/**
 * The level of the default logger: the `level` option, else `MLC_LOG_LEVEL` (case-insensitive), else `warn`.
 * An unknown `MLC_LOG_LEVEL` value counts as unset (the default still reports warnings and errors).
 */
export function resolveLogLevel(
  level?: LogLevel,
  env: Record<string, string | undefined> = globalThis.process?.env ?? {},
): LogLevel {
  if (level !== undefined) return level;
  const fromEnv = env[LOG_LEVEL_ENV]?.trim().toLowerCase();
  return isLogLevel(fromEnv) ? fromEnv : 'warn';
}

/** Options of {@link createStderrLogger}. */
export interface StderrLoggerOptions {
  /** Lowest level written. @default resolveLogLevel() — `MLC_LOG_LEVEL`, else `warn` */
  level?: LogLevel;
  /** Where lines go. @default process.stderr */
  write?: (line: string) => void;
  /** Fields added to every line. */
  bindings?: Record<string, unknown>;
}

/**
 * A small logger that writes one line per entry to stderr: the SDK's default, so that warnings and errors reach
 * the operator unless silence is chosen (`logLevel: 'silent'`, `MLC_LOG_LEVEL=silent` or `silentLogger`), as the
 * Octokit and Azure SDK loggers do. Lines are `<ISO time> <LEVEL> <message> <JSON fields>`; fields and messages
 * are redacted, errors rendered through their redacted `toJSON()`.
 *
 * @example
 * const logger = createStderrLogger({ level: 'info' });
 * logger.warn({ stream: 'orders' }, 'stream run failed');
 */
export function createStderrLogger(options: StderrLoggerOptions = {}): Logger {
  const min = RANK[resolveLogLevel(options.level)];
  const write = options.write ?? ((line: string) => globalThis.process?.stderr?.write(line));
  const bindings = options.bindings ?? {};
  const method = (level: Exclude<LogLevel, 'silent'>): LogFn => {
    if (RANK[level] < min) return () => {};
    return ((objectOrMessage: object | string, message?: string) => {
      const fields = typeof objectOrMessage === 'string' ? {} : objectOrMessage;
      const text = typeof objectOrMessage === 'string' ? objectOrMessage : (message ?? '');
      const merged = serializeFields({ ...bindings, ...fields });
      const json = Object.keys(merged).length > 0 ? ` ${JSON.stringify(merged)}` : '';
      write(`${new Date().toISOString()} ${level.toUpperCase()} ${redactText(text)}${json}\n`);
    }) as LogFn;
  };
  return {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (more) => createStderrLogger({ ...options, bindings: { ...bindings, ...more } }),
  };
}

function serializeFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = isMlcError(value) ? value.toJSON() : value;
  }
  try {
    return redactValue(out) as Record<string, unknown>;
  } catch {
    return { fields: '[unserializable]' };
  }
}

/**
 * The logger an SDK component uses: the one the host passed, else a {@link createStderrLogger} at `level`
 * (`MLC_LOG_LEVEL`, else `warn`) — always behind {@link redactingLogger}, so every log call of the SDK (fields,
 * messages, foreign errors and their causes) is redacted whatever the caller passed.
 */
export function defaultLogger(logger?: Logger, level?: LogLevel): Logger {
  return redactingLogger(logger ?? createStderrLogger(level !== undefined ? { level } : {}));
}
