import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  type Logger,
  MlcError,
  NetworkError,
  RedactedError,
  createHttpClient,
  findErrorCode,
  redactingLogger,
} from '../src/index.js';

// Issue 9 finding 5: with user:password@ in a base URL, err.message, toJSON, inspect and stack were clean but
// err.cause.message held the password, and a `{ err }` log line wrote it.
const SECRET = 'Pl4nted-S3cret';
const URL_WITH_SECRET = `https://admin:${SECRET}@x3.example.com/api1/x3/erp/SEED/BPSUPPLIER`;

function foreignFailure(): Error {
  const socket = Object.assign(new Error(`connect ECONNREFUSED for ${URL_WITH_SECRET}`), {
    code: 'ECONNREFUSED',
    url: URL_WITH_SECRET,
  });
  return new TypeError(
    `Request cannot be constructed from a URL that includes credentials: ${URL_WITH_SECRET}`,
    {
      cause: socket,
    },
  );
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const write = (a: unknown, b?: unknown) =>
    lines.push(
      inspect([a, b], { depth: 10 }) +
        JSON.stringify([a, b], (_k, v) =>
          v instanceof Error
            ? { ...v, message: v.message, stack: v.stack, cause: (v as { cause?: unknown }).cause }
            : v,
        ),
    );
  return { logger: { debug: write, info: write, warn: write, error: write }, lines };
}

describe('redaction covers the whole cause chain', () => {
  it('keeps a foreign cause only as a redacted shell, codes and facts kept', () => {
    const error = new NetworkError({
      message: 'fetch failed',
      method: 'GET',
      url: 'https://x3.example.com/',
      outcome: 'not-applied',
      cause: foreignFailure(),
    });
    const cause = error.cause as Error & { cause?: Error & { code?: string } };
    expect(cause).toBeInstanceOf(RedactedError);
    expect(cause.name).toBe('TypeError');
    expect(cause.message).not.toContain(SECRET);
    expect(cause.stack).not.toContain(SECRET);
    expect(cause.cause?.message).not.toContain(SECRET);
    expect(cause.cause?.code).toBe('ECONNREFUSED');
    expect(findErrorCode(error.cause)).toBe('ECONNREFUSED');
    const everything = [
      error.message,
      error.stack,
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      inspect(cause, { depth: 10 }),
      JSON.stringify(cause.cause),
    ].join('\n');
    expect(everything).not.toContain(SECRET);
  });

  it('SDK causes are kept as they are', () => {
    const inner = new MlcError({ message: 'inner', code: 'X', kind: 'client' });
    expect(new MlcError({ message: 'outer', code: 'Y', kind: 'client', cause: inner }).cause).toBe(inner);
  });

  it('a redacting logger redacts messages, fields and foreign errors (with causes) in every call', () => {
    const { logger, lines } = capture();
    const log = redactingLogger(logger, () => ['known-s3cret-value']);
    log.error({ err: foreignFailure(), url: URL_WITH_SECRET, password: 'x' }, `failed at ${URL_WITH_SECRET}`);
    log.warn(`token known-s3cret-value for ${URL_WITH_SECRET}`);
    log.child?.({ url: URL_WITH_SECRET }).info({ nested: { err: foreignFailure() } }, 'child');
    const text = lines.join('\n');
    expect(lines).toHaveLength(3);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('known-s3cret-value');
    expect(text).toContain('ECONNREFUSED');
  });

  it('strips credentials from a base URL at client creation, with a warning, and never sends them', async () => {
    const { logger, lines } = capture();
    const seen: string[] = [];
    const http = createHttpClient({
      baseUrl: `https://admin:${SECRET}@x3.example.com/api1/`,
      logger,
      retry: false,
      fetch: async (input) => {
        seen.push(String(input instanceof Request ? input.url : input));
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    await http.request({ path: 'x' });
    expect(seen).toEqual(['https://x3.example.com/api1/x']);
    expect(lines.join('\n')).toMatch(/removed the user name and password/);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});
