import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { followTrustedRedirects } from '../src/index.js';

/** What the loopback server saw of one request: the body as the bytes that arrived. */
interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  body: Buffer;
}

/** How the server answers a path: a redirect, `hold` (answer only when released), or 200 with the path. */
type Route = { status: number; location: string; early?: true } | 'hold';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A loopback HTTP server answering by path, recording every request it read in full. */
async function startServer(routes: Record<string, Route>) {
  const seen: Seen[] = [];
  let arrived: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => {
    const path = req.url ?? '';
    if (body) {
      seen.push({
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        contentLength: req.headers['content-length'],
        transferEncoding: req.headers['transfer-encoding'],
        body,
      });
    }
    const route = routes[path];
    if (route === 'hold') {
      arrived();
      return;
    }
    if (route) {
      res.writeHead(route.status, { location: route.location }).end('moved');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${path}`);
  };
  server = createServer((req, res) => {
    // `early`: the redirect is answered before the request body is read (node discards it afterwards).
    const route = routes[req.url ?? ''];
    if (route && route !== 'hold' && route.early) {
      handle(req, res, undefined);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const fetchWithRedirects = followTrustedRedirects(globalThis.fetch, { trustedHosts: ['127.0.0.1'] });
  return { origin, seen, fetch: fetchWithRedirects, held };
}

// Multi-byte UTF-8 (2, 3 and 4 bytes), at a chunk-unfriendly length.
const TEXT = `{"rows":[${Array.from({ length: 300 }, (_, i) => `{"id":${i},"name":"é€😀 ü ${i}"}`).join(',')}]}`;
const BYTES = Buffer.from(TEXT, 'utf8');
const AUTH = 'Bearer tok-loopback';

/** A POST as the HTTP client hands it over: a `Request` with a string body. */
function post(url: string, body: string = TEXT, signal?: AbortSignal): Request {
  return new Request(url, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body,
    ...(signal ? { signal } : {}),
  });
}

describe('followTrustedRedirects over a loopback server (bodies as bytes on the wire)', () => {
  it('sends a POST that is not redirected with exactly its body, its length announced', async () => {
    const { origin, seen, fetch } = await startServer({});
    const response = await fetch(post(`${origin}/rows`));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok /rows');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/rows', authorization: AUTH });
    expect(seen[0]?.body.equals(BYTES)).toBe(true);
    expect(seen[0]?.contentLength).toBe(String(BYTES.byteLength));
    expect(seen[0]?.transferEncoding).toBeUndefined();
  });

  it('passes (url, init) as fetch does: the same bytes reach the server', async () => {
    const { origin, seen, fetch } = await startServer({});
    const response = await fetch(`${origin}/rows`, {
      method: 'POST',
      headers: { authorization: AUTH },
      body: TEXT,
    });
    expect(response.status).toBe(200);
    expect(seen[0]?.body.equals(BYTES)).toBe(true);
    expect(seen[0]?.contentLength).toBe(String(BYTES.byteLength));
  });

  it.each([307, 308])('re-sends the body byte-identical, with the token, on a %i', async (status) => {
    const { origin, seen, fetch } = await startServer({ '/rows': { status, location: '/cluster/rows' } });
    const response = await fetch(post(`${origin}/rows`));
    expect(await response.text()).toBe('ok /cluster/rows');
    expect(seen.map((s) => [s.method, s.path, s.authorization])).toEqual([
      ['POST', '/rows', AUTH],
      ['POST', '/cluster/rows', AUTH],
    ]);
    expect(seen[1]?.body.equals(BYTES)).toBe(true);
    expect(seen[1]?.contentLength).toBe(String(BYTES.byteLength));
  });

  it('re-sends the whole body when the redirect is answered before the body was read', async () => {
    const large = `{"rows":[${'"é€😀",'.repeat(200_000)}"end"]}`;
    const { origin, seen, fetch } = await startServer({
      '/rows': { status: 307, location: '/cluster/rows', early: true },
    });
    const response = await fetch(post(`${origin}/rows`, large));
    expect(await response.text()).toBe('ok /cluster/rows');
    expect(seen.map((s) => s.path)).toEqual(['/cluster/rows']);
    expect(seen[0]?.body.equals(Buffer.from(large, 'utf8'))).toBe(true);
  });

  it('follows a chain of redirects with the same POST, then sends the next POST as it is', async () => {
    const { origin, seen, fetch } = await startServer({
      '/rows': { status: 307, location: '/a/rows' },
      '/a/rows': { status: 308, location: '/b/rows' },
    });
    const response = await fetch(post(`${origin}/rows`));
    expect(await response.text()).toBe('ok /b/rows');
    const next = `{"rows":[{"id":1,"name":"ñ"}]}`;
    expect(await (await fetch(post(`${origin}/other`, next))).text()).toBe('ok /other');
    expect(seen.map((s) => [s.method, s.path, s.authorization])).toEqual([
      ['POST', '/rows', AUTH],
      ['POST', '/a/rows', AUTH],
      ['POST', '/b/rows', AUTH],
      ['POST', '/other', AUTH],
    ]);
    for (const s of seen.slice(0, 3)) expect(s.body.equals(BYTES)).toBe(true);
    expect(seen[3]?.body.equals(Buffer.from(next, 'utf8'))).toBe(true);
  });

  it('turns a 303, and a 302 of a POST, into a GET without body', async () => {
    const { origin, seen, fetch } = await startServer({
      '/see-other': { status: 303, location: '/result' },
      '/found': { status: 302, location: '/result' },
    });
    for (const path of ['/see-other', '/found']) {
      const response = await fetch(post(`${origin}${path}`));
      expect(await response.text()).toBe('ok /result');
    }
    expect(seen.map((s) => [s.method, s.path, s.body.byteLength])).toEqual([
      ['POST', '/see-other', BYTES.byteLength],
      ['GET', '/result', 0],
      ['POST', '/found', BYTES.byteLength],
      ['GET', '/result', 0],
    ]);
  });

  it('returns a redirect to an untrusted host as it is, without sending anything there', async () => {
    const { origin, seen, fetch } = await startServer({
      '/rows': { status: 307, location: 'http://elsewhere.example/rows' },
    });
    const response = await fetch(post(`${origin}/rows`));
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('http://elsewhere.example/rows');
    expect(seen.map((s) => s.path)).toEqual(['/rows']);
  });

  it('rejects with the abort when the signal is aborted while the server has not answered', async () => {
    const { origin, seen, fetch, held } = await startServer({ '/rows': 'hold' });
    const controller = new AbortController();
    const pending = fetch(post(`${origin}/rows`, TEXT, controller.signal));
    await held;
    controller.abort(new Error('stop here'));
    await expect(pending).rejects.toThrow('stop here');
    expect(seen[0]?.body.equals(BYTES)).toBe(true);
  });

  it('rejects at once with a signal aborted before the call, and sends nothing', async () => {
    const { origin, seen, fetch } = await startServer({});
    const controller = new AbortController();
    controller.abort();
    await expect(fetch(post(`${origin}/rows`, TEXT, controller.signal))).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(seen).toEqual([]);
  });
});
