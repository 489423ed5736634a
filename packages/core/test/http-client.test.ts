import { describe, expect, it } from 'vitest';
import {
  HttpError,
  MlcError,
  NetworkError,
  TestClock,
  TokenCycler,
  createHttpClient,
  outcomeOf,
  isMlcError,
  tokenAuth,
} from '../src/index.js';
import { loopbackServers } from './support/loopback-server.js';
import { selfSignedCertificate } from './support/self-signed-certificate.js';

const server = loopbackServers();

const noJitter = () => 0;

describe('createHttpClient', () => {
  it('resolves paths, sends query and JSON, captures the request id', async () => {
    const srv = await server(({ res }) => {
      res.writeHead(200, { 'content-type': 'application/json', requestid: 'req-1' });
      res.end('\ufeff{"ok":true}');
    });
    const client = createHttpClient({ baseUrl: `${srv.url}api/v1` });
    const response = await client.request({
      method: 'PUT',
      path: 'items/1',
      query: { a: 'x y', skip: undefined },
      json: { n: 1 },
    });
    expect(response.json()).toEqual({ ok: true });
    expect(response.requestId).toBe('req-1');
    expect(srv.requests[0]).toMatchObject({ method: 'PUT', url: '/api/v1/items/1?a=x+y', body: '{"n":1}' });
  });

  it('retries 503 with backoff on the injected clock and reports attempts', async () => {
    const srv = await server(({ res, index }) => {
      res.writeHead(index < 2 ? 503 : 200).end(index < 2 ? 'busy' : '{}');
    });
    const clock = new TestClock();
    const client = createHttpClient({ baseUrl: srv.url, clock, random: noJitter });
    const response = await clock.run(client.request({ path: 'x' }));
    expect(response.attempts).toBe(3);
    expect(srv.requests).toHaveLength(3);
  });

  it('waits Retry-After on 429 without consuming attempts', async () => {
    const srv = await server(({ res, index }) => {
      if (index < 4) res.writeHead(429, { 'retry-after': '2' }).end();
      else res.writeHead(200).end('{}');
    });
    const clock = new TestClock(0);
    const client = createHttpClient({ baseUrl: srv.url, clock, retry: { maxAttempts: 1 } });
    await clock.run(client.request({ method: 'POST', path: 'rows', json: [] }));
    expect(srv.requests).toHaveLength(5);
    expect(clock.now()).toBe(8000);
  });

  it('does not resend a POST that failed with 500 (it may have been applied)', async () => {
    const srv = await server(({ res }) => res.writeHead(500).end('oops'));
    const client = createHttpClient({ baseUrl: srv.url, random: noJitter });
    const error = await client.request({ method: 'POST', path: 'rows', json: [1] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 500, kind: 'server', outcome: 'unknown' });
    expect(srv.requests).toHaveLength(1);
  });

  it('reports a connection dropped after the request was read as possibly applied', async () => {
    const srv = await server(({ req }) => {
      req.socket.destroy();
    });
    const client = createHttpClient({ baseUrl: srv.url });
    const error = await client.request({ method: 'POST', path: 'rows', json: [1] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', outcome: 'unknown' });
    expect(srv.requests).toHaveLength(1);
  });

  it('retries a POST whose connection was refused (never sent)', async () => {
    const srv = await server(({ res }) => res.writeHead(200).end('{}'));
    const deadUrl = srv.url;
    await srv.close();
    const clock = new TestClock();
    const client = createHttpClient({ baseUrl: deadUrl, clock, retry: { maxAttempts: 2 } });
    const error = await clock.run(
      client.request({ method: 'POST', path: 'rows', json: [] }).catch((e: unknown) => e),
    );
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', outcome: 'not-applied' });
  });

  it('times out a slow answer as a transient, possibly applied failure', async () => {
    const srv = await server(async ({ res }) => {
      await new Promise((r) => setTimeout(r, 300));
      res.writeHead(200).end('{}');
    });
    const client = createHttpClient({ baseUrl: srv.url, timeoutMs: 50, retry: false });
    const error = await client.request({ path: 'slow' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'transient', outcome: 'unknown' });
  });

  it('refreshes the token once after a 401 and resends', async () => {
    const srv = await server(({ req, res }) => {
      res.writeHead(req.headers.authorization === 'Bearer t2' ? 200 : 401).end('{}');
    });
    let n = 0;
    const cycler = new TokenCycler(async () => ({ token: `t${++n}`, expiresAt: Date.now() + 3_600_000 }));
    const client = createHttpClient({ baseUrl: srv.url, auth: tokenAuth(cycler) });
    await client.request({ path: 'x' });
    expect(srv.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('treats what authChallenge recognises (e.g. 403 TokenExpired) like a 401', async () => {
    const srv = await server(({ req, res }) => {
      if (req.headers.authorization === 'Bearer t2') res.writeHead(200).end('{}');
      else res.writeHead(403).end('{"error":{"code":"TokenExpired"}}');
    });
    let n = 0;
    const cycler = new TokenCycler(async () => ({ token: `t${++n}`, expiresAt: Date.now() + 3_600_000 }));
    const client = createHttpClient({
      baseUrl: srv.url,
      auth: tokenAuth(cycler),
      authChallenge: ({ status, text }) =>
        status === 401 || (status === 403 && text.includes('"TokenExpired"')),
    });
    await client.request({ method: 'POST', path: 'rows', json: [1] });
    expect(srv.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
    const plain = createHttpClient({
      baseUrl: srv.url,
      auth: tokenAuth(new TokenCycler(async () => ({ token: 'x', expiresAt: Date.now() + 3_600_000 }))),
    });
    await expect(plain.request({ path: 'x' })).rejects.toMatchObject({ status: 403 });
  });

  it('marks a credential failure as raised before the request was sent (the token 5xx says nothing of the POST)', async () => {
    const srv = await server(({ res }) => res.writeHead(200).end('{}'));
    const tokenSrv = await server(({ res }) => res.writeHead(503).end('upstream down'));
    const tokenHttp = createHttpClient({ baseUrl: tokenSrv.url, retry: false });
    const cycler = new TokenCycler(async () => {
      await tokenHttp.request({ method: 'POST', path: 'token', idempotent: true });
      return { token: 't', expiresAt: Date.now() + 3_600_000 };
    });
    const client = createHttpClient({ baseUrl: srv.url, auth: tokenAuth(cycler), retry: false });
    const error = await client.request({ method: 'POST', path: 'rows', json: [1] }).catch((e: unknown) => e);
    // The token request's facts stay (status, code); its outcome is now the rows request's: it never left.
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 503, outcome: 'not-applied' });
    expect(outcomeOf(error)).toBe('not-applied');
    expect(srv.requests).toHaveLength(0);
    const sent = await createHttpClient({ baseUrl: tokenSrv.url, retry: false })
      .request({ method: 'POST', path: 'rows' })
      .catch((e: unknown) => e);
    expect(outcomeOf(sent)).toBe('unknown');
  });

  it('asks beforeSend right before each attempt leaves, with its timeout, and sends nothing when it refuses', async () => {
    const srv = await server(({ index, res }) => res.writeHead(index === 0 ? 429 : 200).end('{}'));
    const seen: Array<{ timeoutMs: number; sentBefore: number }> = [];
    const clock = new TestClock(0);
    const client = createHttpClient({ baseUrl: srv.url, timeoutMs: 7_000, clock });
    await clock.run(
      client.request({
        method: 'POST',
        path: 'rows',
        json: [1],
        beforeSend: ({ timeoutMs }) => {
          seen.push({ timeoutMs, sentBefore: srv.requests.length });
        },
      }),
    );
    expect(seen).toEqual([
      { timeoutMs: 7_000, sentBefore: 0 },
      { timeoutMs: 7_000, sentBefore: 1 },
    ]);
    const refusal = new Error('lease lost');
    const error = await client
      .request({ method: 'POST', path: 'rows', json: [1], beforeSend: () => Promise.reject(refusal) })
      .catch((e: unknown) => e);
    // A foreign refusal is carried as an SDK error that says the request never left.
    expect(error).toMatchObject({ code: 'NOT_SENT', outcome: 'not-applied', retryable: false });
    expect((error as Error).cause).toMatchObject({ message: 'lease lost' });
    expect(srv.requests).toHaveLength(2);
  });

  it('gives up with an auth error after the forced refresh also gets 401', async () => {
    const srv = await server(({ res }) => res.writeHead(401).end('{"error":"nope"}'));
    let n = 0;
    const cycler = new TokenCycler(async () => ({ token: `t${++n}`, expiresAt: Date.now() + 3_600_000 }));
    const client = createHttpClient({ baseUrl: srv.url, auth: tokenAuth(cycler) });
    const error = await client.request({ path: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, kind: 'auth', retryable: false });
    expect(srv.requests).toHaveLength(2);
  });

  it('lets a package map error bodies to its own typed errors', async () => {
    const srv = await server(({ res }) => res.writeHead(404).end('{"error":{"code":"ItemNotFound"}}'));
    const client = createHttpClient({
      baseUrl: srv.url,
      errorFactory: (ctx) =>
        new MlcError({
          message: `not found: ${(JSON.parse(ctx.text) as { error: { code: string } }).error.code}`,
          code: 'PBI_NOT_FOUND',
          kind: 'client',
          status: ctx.status,
        }),
    });
    await expect(client.request({ path: 'x' })).rejects.toMatchObject({
      code: 'PBI_NOT_FOUND',
      message: 'not found: ItemNotFound',
    });
  });

  it('refuses to send credentials to another origin', async () => {
    const client = createHttpClient({
      baseUrl: 'http://127.0.0.1:1/',
      auth: { getHeaders: async () => ({ authorization: 'Bearer x' }) },
    });
    const error = await client.request({ path: 'http://evil.example/steal' }).catch((e: unknown) => e);
    expect(isMlcError(error) && error.code).toBe('CONFIG_INVALID');
  });

  it('aborts the request and its retry waits', async () => {
    const srv = await server(({ res }) => res.writeHead(503).end());
    const clock = new TestClock();
    const client = createHttpClient({ baseUrl: srv.url, clock });
    const controller = new AbortController();
    const pending = client.request({ path: 'x', signal: controller.signal }).catch((e: unknown) => e);
    while (clock.pendingSleeps === 0) await new Promise((r) => setImmediate(r));
    controller.abort();
    const error = await pending;
    expect(error).toBeDefined();
    expect(srv.requests).toHaveLength(1);
  });
});

describe('createHttpClient TLS', () => {
  it('trusts a custom CA and keeps certificate checks on by default', async () => {
    const tls = selfSignedCertificate();
    const srv = await server(({ res }) => res.writeHead(200).end('{"secure":true}'), tls);

    const trusting = createHttpClient({ baseUrl: srv.url, tls: { ca: tls.cert }, retry: false });
    expect((await trusting.request({ path: 'x' })).json()).toEqual({ secure: true });

    const strict = createHttpClient({ baseUrl: srv.url, retry: false });
    const error = await strict.request({ path: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', kind: 'client', outcome: 'not-applied' });
  });
});
