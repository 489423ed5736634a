import type { Logger } from '@mlc/core';

/** A logger that keeps every call as JSON text, so tests can prove secrets never reach logs. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (a: unknown, b?: unknown): void => {
      lines.push(JSON.stringify({ level, a, b }));
    };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Everything an error can expose: message, stack, JSON view, inspect text, cause chain. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let i = 0; i < 6 && current; i++) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '');
      const json = (current as { toJSON?: () => unknown }).toJSON;
      if (typeof json === 'function') parts.push(JSON.stringify(json.call(current)));
      current = current.cause;
    } else {
      parts.push(JSON.stringify(current));
      break;
    }
  }
  return parts.join('\n');
}
