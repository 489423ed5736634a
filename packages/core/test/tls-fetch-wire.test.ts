import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createHttpClient, createTlsFetch } from '../src/index.js';
import { loopbackServers } from './support/loopback-server.js';
import { selfSignedCertificate } from './support/self-signed-certificate.js';

const server = loopbackServers();
const tls = selfSignedCertificate();

// Multi-byte UTF-8 (2, 3 and 4 bytes), so a length in characters would differ from the length in bytes.
const TEXT = `{"rows":[${Array.from({ length: 2000 }, (_, i) => `{"id":${i},"name":"é€😀 ${i}"}`).join(',')}]}`;
// Every byte value, most of them not UTF-8: any decoding and re-encoding on the way would change them.
const BYTES = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);

/** The SHA-256 of some bytes, compared instead of the bytes (a failed comparison of 64 KiB prints for minutes). */
const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What the server received of a request's body: its bytes (digest) and the headers that describe it. */
function received(request: { bytes: Buffer; headers: Record<string, string | string[] | undefined> }) {
  return {
    bytes: digest(request.bytes),
    contentType: request.headers['content-type'],
    contentLength: request.headers['content-length'],
    transferEncoding: request.headers['transfer-encoding'],
  };
}

describe('createTlsFetch on the wire (HTTPS, a self-signed certificate trusted as the CA)', () => {
  it.each([
    {
      name: 'a text body',
      request: { method: 'POST' as const, body: TEXT },
      bytes: new TextEncoder().encode(TEXT),
      contentType: 'text/plain;charset=UTF-8',
    },
    {
      name: 'a byte body that is not UTF-8',
      request: { method: 'POST' as const, body: BYTES },
      bytes: BYTES,
      contentType: undefined,
    },
    {
      name: 'a JSON body',
      request: { method: 'PUT' as const, json: { text: 'é€😀' } },
      bytes: new TextEncoder().encode('{"text":"é€😀"}'),
      contentType: 'application/json',
    },
    {
      name: 'a form body',
      request: { method: 'POST' as const, body: new URLSearchParams({ grant_type: 'x y', a: 'é' }) },
      bytes: new TextEncoder().encode('grant_type=x+y&a=%C3%A9'),
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    },
  ])(
    'sends $name byte for byte, with its length and no chunked encoding',
    async ({ request, bytes, contentType }) => {
      const srv = await server(({ res }) => res.writeHead(200).end('{}'), tls);
      const client = createHttpClient({ baseUrl: srv.url, tls: { ca: tls.cert }, retry: false });
      await client.request({ path: 'rows', ...request });
      expect(srv.requests).toHaveLength(1);
      expect(received(srv.requests[0]!)).toEqual({
        bytes: digest(bytes),
        contentType,
        contentLength: String(bytes.byteLength),
        transferEncoding: undefined,
      });
    },
  );

  it('sends a body that came in several chunks joined, with its length and no chunked encoding', async () => {
    const srv = await server(({ res }) => res.writeHead(200).end('{}'), tls);
    const parts = [BYTES.subarray(0, 10), BYTES.subarray(10, 40_000), BYTES.subarray(40_000)];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    const request = new Request(srv.url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    const response = await createTlsFetch({ ca: tls.cert })(request);
    expect(response.status).toBe(200);
    expect(received(srv.requests[0]!)).toEqual({
      bytes: digest(BYTES),
      contentType: undefined,
      contentLength: String(BYTES.byteLength),
      transferEncoding: undefined,
    });
  });

  it('sends an empty body as content-length 0', async () => {
    const srv = await server(({ res }) => res.writeHead(200).end('{}'), tls);
    await createTlsFetch({ ca: tls.cert })(new Request(srv.url, { method: 'POST', body: '' }));
    expect(srv.requests[0]).toMatchObject({ method: 'POST', body: '' });
    expect(srv.requests[0]?.headers['content-length']).toBe('0');
    expect(srv.requests[0]?.headers['transfer-encoding']).toBeUndefined();
  });

  it('refuses a request whose body was already read, as Request.arrayBuffer() does, and sends nothing', async () => {
    const srv = await server(({ res }) => res.writeHead(200).end('{}'), tls);
    const tlsFetch = createTlsFetch({ ca: tls.cert });
    const read = new Request(srv.url, { method: 'POST', body: TEXT });
    await read.text();
    await expect(tlsFetch(read)).rejects.toThrow(TypeError);
    // Read in part, then let go: the stream could be read on, yet the body counts as used.
    const begun = new Request(srv.url, { method: 'POST', body: TEXT });
    const reader = begun.body!.getReader();
    await reader.read();
    reader.releaseLock();
    await expect(tlsFetch(begun)).rejects.toThrow(TypeError);
    expect(srv.requests).toHaveLength(0);
  });

  it("hands undici the body's own bytes, not a copy of them, when the body came in one chunk", async () => {
    const srv = await server(({ res }) => res.writeHead(200).end('{}'), tls);
    const chunk = BYTES.slice();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    // undici's fetch as it is, watched: the project's files share one module graph (isolate: false), so
    // createTlsFetch is loaded again, in a fresh registry, against the watched undici, then the registry is reset.
    const handed: unknown[] = [];
    vi.resetModules();
    vi.doMock('undici', async (importOriginal) => {
      const actual = await importOriginal<typeof import('undici')>();
      const fetch: typeof actual.fetch = (input, init) => {
        handed.push(init?.body);
        return actual.fetch(input, init);
      };
      return { ...actual, fetch };
    });
    try {
      const watched = await import('../src/http/tls-fetch.js');
      await watched.createTlsFetch({ ca: tls.cert })(
        new Request(srv.url, { method: 'POST', body, duplex: 'half' } as RequestInit),
      );
    } finally {
      vi.doUnmock('undici');
      vi.resetModules();
    }
    expect(handed).toHaveLength(1);
    // Compared by identity in words: a failed toBe of 64 KiB of bytes prints for minutes.
    expect(handed[0] === chunk ? 'the chunk itself' : 'other bytes').toBe('the chunk itself');
    expect(digest(srv.requests[0]!.bytes)).toBe(digest(BYTES));
  });
});
