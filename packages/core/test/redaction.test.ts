import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  type HttpError,
  REDACTED,
  createHttpClient,
  redactHeaders,
  redactText,
  redactUnparsedUrl,
  redactValue,
} from '../src/index.js';
import { startLoopbackServer } from './support/loopback-server.js';

const SECRET = 'pl4nted-S3cret-value';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNlY3JldA';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

function renderings(error: Error): string[] {
  return [String(error), error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 10 })];
}

describe('redaction', () => {
  it('redacts headers by name', () => {
    expect(redactHeaders({ Authorization: `Bearer ${SECRET}`, 'X-Trace': 'ok', cookie: 'a=b' })).toEqual({
      Authorization: REDACTED,
      'X-Trace': 'ok',
      cookie: REDACTED,
    });
  });

  it('redacts query strings, form bodies, JSON bodies, JWTs, PEM keys and URL user-info', () => {
    const text = [
      `https://login.example/token?client_secret=${SECRET}&scope=x`,
      `grant_type=refresh_token&refresh_token=${SECRET}&client_assertion=${SECRET}`,
      `{"access_token":"${SECRET}","password": "${SECRET}","expires_in":300}`,
      `Authorization: Basic dXNlcjpwYXNzd29yZA==`,
      `token ${JWT}`,
      PEM,
      `https://user:${SECRET}@x3.example:8124/api1`,
    ].join('\n');
    const out = redactText(text);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(JWT);
    expect(out).not.toContain('dXNlcjpwYXNzd29yZA');
    expect(out).not.toContain('MIIEvQ');
    expect(out).toContain('scope=x');
    expect(out).toContain('"expires_in":300');
  });

  it('redacts the user-info of a URL that did not parse, however its scheme was mistyped', () => {
    expect(redactUnparsedUrl(`https//admin:${SECRET}@x3:8124/api`)).toBe('https//[REDACTED]@x3:8124/api');
    expect(redactUnparsedUrl(`https://adm in:${SECRET}@x3`)).toBe('https://[REDACTED]@x3');
    expect(redactUnparsedUrl(`admin:${SECRET}@x3`)).toBe('[REDACTED]@x3');
    expect(redactUnparsedUrl(`x3 host:8124/?password=${SECRET}`)).toBe('x3 host:8124/?password=[REDACTED]');
    expect(redactUnparsedUrl('not a url')).toBe('not a url');
  });

  it('redacts an object shared by two branches in both, and still cuts a cycle', () => {
    // An operator status lists each alert twice (under its stream and in the top-level list).
    const alert = { code: 'SYNC_DEAD_LETTERS_OPEN', message: 'token=abcdef123456', password: 'p4ssw0rd-x' };
    const shared = redactValue({ streams: [{ alerts: [alert] }], alerts: [alert] }) as {
      streams: Array<{ alerts: unknown[] }>;
      alerts: unknown[];
    };
    const expected = { code: 'SYNC_DEAD_LETTERS_OPEN', message: 'token=abcdef123456', password: REDACTED };
    expect(shared.alerts[0]).toEqual(expected);
    expect(shared.streams[0]?.alerts[0]).toEqual(expected);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactValue(cyclic)).toEqual({ name: 'loop', self: '[Circular]' });
  });

  it('redacts exact known secrets and nested values', () => {
    expect(redactText(`user said ${SECRET} out loud`, [SECRET])).toBe(`user said ${REDACTED} out loud`);
    expect(
      redactValue({
        a: { clientSecret: SECRET, list: [{ refresh_token: SECRET }], note: `Bearer ${SECRET}` },
      }),
    ).toEqual({
      a: { clientSecret: REDACTED, list: [{ refresh_token: REDACTED }], note: `Bearer ${REDACTED}` },
    });
  });

  it('keeps planted secrets out of every rendering of an error and its causes', () => {
    const root = new Error(`upstream said password=${SECRET}`);
    const error = new AuthError({
      message: `refresh failed for refresh_token=${SECRET}`,
      cause: root,
      details: { body: `{"refresh_token":"${SECRET}"}`, clientSecret: SECRET },
    });
    for (const text of renderings(error)) {
      expect(text).not.toContain(SECRET);
    }
  });

  it('keeps secrets out of HTTP errors and log lines', async () => {
    const srv = await startLoopbackServer(({ res }) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(`{"error":"invalid_client","echo":"client_secret=${SECRET}","access_token":"${SECRET}"}`);
    });
    const lines: string[] = [];
    const log = (obj: object | string, msg?: string) => lines.push(JSON.stringify(obj) + (msg ?? ''));
    const logger = { debug: log, info: log, warn: log, error: log };
    try {
      const client = createHttpClient({
        baseUrl: srv.url,
        logger,
        knownSecrets: [SECRET],
        auth: { getHeaders: async () => ({ authorization: `Bearer ${SECRET}` }) },
      });
      const error = (await client
        .request({ path: `token?client_secret=${SECRET}` })
        .catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      for (const text of [...renderings(error), ...lines]) expect(text).not.toContain(SECRET);
      expect(lines.length).toBeGreaterThan(0);
    } finally {
      await srv.close();
    }
  });

  it('reads knownSecrets given as a function each time, so rotated values are redacted too', async () => {
    let current = 'first-s3cret-token';
    const srv = await startLoopbackServer(({ res }) => res.writeHead(400).end(`echo ${current}`));
    try {
      const client = createHttpClient({ baseUrl: srv.url, retry: false, knownSecrets: () => [current] });
      current = 'rotated-s3cret-token';
      const error = (await client.request({ path: 'x' }).catch((e: unknown) => e)) as HttpError;
      expect(error.bodySnippet).toBe(`echo ${REDACTED}`);
      for (const text of renderings(error)) expect(text).not.toContain('rotated-s3cret-token');
    } finally {
      await srv.close();
    }
  });
});
