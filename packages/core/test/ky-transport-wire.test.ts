import { describe, expect, it, vi } from 'vitest';
import { AbortedError, NetworkError, TestClock, createHttpClient } from '../src/index.js';
import { loopbackServers } from './support/loopback-server.js';

const server = loopbackServers();

// Multi-byte UTF-8 (2, 3 and 4 bytes), so a length in characters would differ from the length in bytes.
const TEXT = `{"rows":[${Array.from({ length: 200 }, (_, i) => `{"id":${i},"name":"é€😀 ${i}"}`).join(',')}]}`;

/** The headers that describe a body, as the server received them. */
function bodyHeaders(headers: Record<string, string | string[] | undefined>) {
  return {
    contentType: headers['content-type'],
    contentLength: headers['content-length'],
    transferEncoding: headers['transfer-encoding'],
  };
}

describe('kyTransport on the wire (a loopback server)', () => {
  it.each([
    {
      name: 'a JSON body',
      request: { method: 'PUT' as const, json: { text: 'é€😀' } },
      body: '{"text":"é€😀"}',
      contentType: 'application/json',
    },
    {
      name: 'a JSON body with its own content type',
      request: { method: 'POST' as const, json: [1], headers: { 'content-type': 'application/vnd.x+json' } },
      body: '[1]',
      contentType: 'application/vnd.x+json',
    },
    {
      name: 'a text body',
      request: { method: 'POST' as const, body: TEXT },
      body: TEXT,
      contentType: 'text/plain;charset=UTF-8',
    },
    {
      name: 'a text body with its own content type',
      request: {
        method: 'POST' as const,
        body: TEXT,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
      body: TEXT,
      contentType: 'application/json; charset=utf-8',
    },
    {
      name: 'a byte body',
      request: { method: 'POST' as const, body: new TextEncoder().encode(TEXT) },
      body: TEXT,
      contentType: undefined,
    },
    {
      name: 'a form body',
      request: { method: 'POST' as const, body: new URLSearchParams({ grant_type: 'x y', a: 'é' }) },
      body: 'grant_type=x+y&a=%C3%A9',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    },
  ])(
    'sends $name once, with its length in bytes and its content type',
    async ({ request, body, contentType }) => {
      const srv = await server(({ res }) => res.writeHead(200).end('{}'));
      const client = createHttpClient({ baseUrl: srv.url });
      await client.request({ path: 'rows', ...request });
      expect(srv.requests).toHaveLength(1);
      expect(srv.requests[0]?.body).toBe(body);
      expect(bodyHeaders(srv.requests[0]!.headers)).toEqual({
        contentType,
        contentLength: String(Buffer.byteLength(body, 'utf8')),
        transferEncoding: undefined,
      });
    },
  );

  it('sends a body without cloning a request that holds it (a clone tees the body and copies it)', async () => {
    const srv = await server(({ res }) => res.writeHead(200).end('{}'));
    const client = createHttpClient({ baseUrl: srv.url });
    const clone = vi.spyOn(Request.prototype, 'clone');
    try {
      await client.request({ method: 'POST', path: 'rows', body: TEXT });
      await client.request({ method: 'POST', path: 'rows', json: { text: TEXT } });
      const clonedBodies = clone.mock.contexts.filter((request) => (request as Request).body !== null);
      expect(clonedBodies).toHaveLength(0);
    } finally {
      clone.mockRestore();
    }
    expect(srv.requests.map((r) => r.body)).toEqual([TEXT, JSON.stringify({ text: TEXT })]);
  });

  it('sends a GET without a body or body headers', async () => {
    const srv = await server(({ res }) => res.writeHead(200).end('{}'));
    const client = createHttpClient({ baseUrl: srv.url });
    await client.request({ path: 'items' });
    expect(srv.requests[0]).toMatchObject({ method: 'GET', body: '' });
    expect(bodyHeaders(srv.requests[0]!.headers)).toEqual({
      contentType: undefined,
      contentLength: undefined,
      transferEncoding: undefined,
    });
  });

  it('re-sends a POST body unchanged on each attempt', async () => {
    const srv = await server(({ res, index }) => res.writeHead(index === 0 ? 503 : 200).end('{}'));
    const clock = new TestClock();
    const client = createHttpClient({ baseUrl: srv.url, clock, random: () => 0 });
    await clock.run(client.request({ method: 'POST', path: 'rows', body: TEXT, idempotent: true }));
    expect(srv.requests.map((r) => r.body)).toEqual([TEXT, TEXT]);
    expect(srv.requests.map((r) => r.headers['content-length'])).toEqual([
      String(Buffer.byteLength(TEXT)),
      String(Buffer.byteLength(TEXT)),
    ]);
  });

  it('ends a POST aborted while its answer is awaited with AbortedError', async () => {
    const controller = new AbortController();
    const srv = await server(() => controller.abort(new Error('stop')));
    const client = createHttpClient({ baseUrl: srv.url, retry: false });
    const error = await client
      .request({ method: 'POST', path: 'rows', body: TEXT, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(srv.requests[0]?.body).toBe(TEXT);
  });

  it('ends a POST left unanswered past its timeout with a timeout NetworkError, outcome unknown', async () => {
    // The server never answers (the connection is closed when the test ends), so the timeout always fires. Whether
    // the body had reached the server by then is a race on a busy machine (50 ms), and the outcome is `unknown`
    // either way, so the test does not ask (it did, and failed once in CI); the other tests check the body.
    const srv = await server(() => new Promise(() => {}));
    const client = createHttpClient({ baseUrl: srv.url, timeoutMs: 50, retry: false });
    const error = await client.request({ method: 'POST', path: 'rows', body: TEXT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'transient', outcome: 'unknown' });
  });

  it('maps a POST whose connection is dropped after the body arrived to an unknown outcome', async () => {
    const srv = await server(({ req }) => req.socket.destroy());
    const client = createHttpClient({ baseUrl: srv.url, retry: false });
    const error = await client.request({ method: 'POST', path: 'rows', body: TEXT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ outcome: 'unknown' });
    expect(srv.requests[0]?.body).toBe(TEXT);
  });
});
