import { redactedCause } from '../errors/redacted-error.js';
import { redactText, redactValue } from '../redact/redact.js';
import type { LogFn, Logger } from './logger.js';

const WRAPPED = Symbol.for('@mlc/core/redactingLogger');

/**
 * A logger that redacts everything it is given before `logger` sees it: the message text, every field (secret
 * names, URL user-info, tokens, `knownSecrets`), and errors — SDK errors redact themselves, any other error is
 * replaced by a redacted shell (`RedactedError`, cause chain included). The SDK writes every log call through
 * one, so no caller has to remember. Wrapping twice is a no-op.
 */
export function redactingLogger(logger: Logger, knownSecrets: () => readonly string[] = () => []): Logger {
  if ((logger as unknown as Record<symbol, unknown>)[WRAPPED] === true) return logger;
  const wrap = (fn: LogFn): LogFn => {
    const call = fn.bind(logger) as (first: object | string, message?: string) => void;
    return ((objectOrMessage: object | string, message?: string) => {
      const secrets = knownSecrets();
      if (typeof objectOrMessage === 'string') return call(redactText(objectOrMessage, secrets));
      const fields = redactFields(objectOrMessage, secrets);
      return message === undefined ? call(fields) : call(fields, redactText(message, secrets));
    }) as LogFn;
  };
  const out: Logger = {
    debug: wrap(logger.debug),
    info: wrap(logger.info),
    warn: wrap(logger.warn),
    error: wrap(logger.error),
    child: (bindings) =>
      redactingLogger(
        logger.child
          ? logger.child(redactFields(bindings, knownSecrets()) as Record<string, unknown>)
          : logger,
        knownSecrets,
      ),
  };
  Object.defineProperty(out, WRAPPED, { value: true });
  return out;
}

function redactFields(fields: object, secrets: readonly string[]): object {
  if (fields instanceof Error) return redactedCause(fields) as object;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? redactedCause(value) : redactValue(value, secrets);
  }
  return out;
}
