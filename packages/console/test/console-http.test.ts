import { afterEach, describe, expect, it } from 'vitest';
import { type ConsoleWorld, HOSTILE_KEY, csrfOf, leaksIn, startConsoleWorld } from './console-harness.js';

const OPERATOR = { 'x-test-role': 'operator' };
const operatorOnly = (request: { headers: Headers }) => request.headers.get('x-test-role') === 'operator';

let world: ConsoleWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function get(path: string, headers: Record<string, string> = {}): Promise<[Response, string]> {
  const response = await fetch(`${world?.url}${path}`, { headers });
  return [response, await response.text()];
}

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${world?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return [response, await response.text()] as const;
}

async function openLetterId(): Promise<string> {
  const [letter] = await (world as ConsoleWorld).sync.deadLetters({ status: ['open'] });
  if (!letter) throw new Error('no open dead letter');
  return letter.id;
}

describe('operator console over HTTP', () => {
  it('renders every page with hostile values as text and no planted secret', async () => {
    world = await startConsoleWorld();
    const id = await openLetterId();
    const pages = [
      '/',
      '/runs',
      '/audit',
      '/audit?type=record-quarantined&since=24h',
      '/dead-letters',
      `/dead-letters/${encodeURIComponent(id)}`,
    ];
    for (const path of pages) {
      const [response, page] = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(leaksIn(page), path).toEqual([]);
    }
    const [, letters] = await get('/dead-letters');
    // The hostile name is there, escaped, with its invisible characters shown.
    expect(letters).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x');
    expect(letters).toContain('[U+202E]gnp.exe a[U+200B]b[U+2066]');
    expect(letters).toContain('k&quot;&gt;&lt;b id=pwn&gt;1&lt;/b&gt;[U+202E]');
    // Secrets are replaced, not just dropped: the operator sees that something was there.
    expect(letters).toContain('[REDACTED]');
    const [, overview] = await get('/');
    expect(overview).toMatch(/<th scope="row"><a [^>]*>customers<\/a>/);
    expect(overview).toContain('⚠ parked records');
    // The stream's alert, with its remedy (the status lists it twice: redaction keeps both).
    expect(overview).toMatch(
      /<strong>⚠ warning<\/strong> <code>SYNC_DEAD_LETTERS_OPEN<\/code> \(customers\): stream customers: 1 open/,
    );
    expect(overview).toContain('Remedy: Records or batches are parked');
    expect(overview).toMatch(
      /<svg class="spark" role="img" aria-label="rows posted by the last 1 runs of customers, oldest first: 1"/,
    );
    expect(overview).toContain('Read-only');
    expect(overview).not.toContain('<form method="post"');
  });

  it('is read-only without authorize: actions are not offered and a POST is refused', async () => {
    world = await startConsoleWorld();
    world.fix();
    const id = await openLetterId();
    const [, page] = await get('/dead-letters');
    expect(page).not.toContain('/actions/replay');
    const [response, body] = await post('/actions/replay', { id, _csrf: 'x' });
    expect(response.status).toBe(403);
    expect(body).toContain('read-only for you');
    expect((await world.sync.deadLetters({ ids: [id] }))[0]?.status).toBe('open');
    expect(world.sink.rows('Customers').length).toBe(1);
  });

  it('refuses a request authorize denies, or whose check throws, and one without a valid CSRF token', async () => {
    world = await startConsoleWorld({
      authorize: (request) => {
        if (request.headers.get('x-test-role') === 'boom') throw new Error('auth backend down');
        return operatorOnly(request);
      },
    });
    world.fix();
    const id = await openLetterId();
    const [allowed, page] = await get('/dead-letters', OPERATOR);
    const { cookie, token } = csrfOf(allowed, page);
    expect(cookie).toMatch(/^mlc_console_csrf=/);
    expect(allowed.headers.get('set-cookie')).toContain('HttpOnly');
    expect(allowed.headers.get('set-cookie')).toContain('SameSite=Strict');
    expect(allowed.headers.get('set-cookie')).toContain('Path=/ops');
    expect(token.length).toBeGreaterThan(20);
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['denied', { id, _csrf: token }, { cookie, 'x-test-role': 'guest' }],
      ['authorize threw', { id, _csrf: token }, { cookie, 'x-test-role': 'boom' }],
      ['no token', { id }, { cookie, ...OPERATOR }],
      ['no cookie', { id, _csrf: token }, OPERATOR],
      ['wrong token', { id, _csrf: `${token.slice(0, -2)}AA` }, { cookie, ...OPERATOR }],
      [
        'token of another cookie',
        { id, _csrf: token },
        { cookie: 'mlc_console_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', ...OPERATOR },
      ],
      ['cross-site origin', { id, _csrf: token }, { cookie, ...OPERATOR, origin: 'https://evil.example' }],
      ['cross-site fetch', { id, _csrf: token }, { cookie, ...OPERATOR, 'sec-fetch-site': 'cross-site' }],
      ['same-site fetch', { id, _csrf: token }, { cookie, ...OPERATOR, 'sec-fetch-site': 'same-site' }],
    ];
    for (const [name, form, headers] of attempts) {
      const [response] = await post('/actions/replay', form, headers);
      expect(response.status, name).toBe(403);
    }
    expect((await get('/dead-letters/%E0%A4%A', OPERATOR))[0].status).toBe(404);
    expect((await get('/dead-letters/no-such-letter', OPERATOR))[0].status).toBe(404);
    const [{ status: getStatus }] = await get(`/actions/replay?id=${id}`, OPERATOR);
    expect(getStatus).toBe(404);
    expect((await world.sync.deadLetters({ ids: [id] }))[0]?.status).toBe('open');
    expect(world.sink.rows('Customers').length).toBe(1);

    // The same form with its cookie and token, from the console's own origin: replayed, the row lands once.
    // (A browser sends Origin: null under a no-referrer policy, with Sec-Fetch-Site telling the truth.)
    const [ok, result] = await post(
      '/actions/replay',
      { id, _csrf: token },
      { cookie, ...OPERATOR, origin: 'null', 'sec-fetch-site': 'same-origin' },
    );
    expect(ok.status).toBe(200);
    expect(result).toContain('Replayed dead letter');
    expect(leaksIn(result)).toEqual([]);
    expect((await world.sync.deadLetters({ ids: [id] }))[0]?.status).toBe('replayed');
    expect(world.sink.rows('Customers').filter((r) => r.key === HOSTILE_KEY).length).toBe(1);
    // Replaying again posts nothing.
    const [again, againBody] = await post('/actions/replay', { id, _csrf: token }, { cookie, ...OPERATOR });
    expect(again.status).toBe(200);
    expect(againBody).toContain('was not replayed');
    expect(world.sink.rows('Customers').filter((r) => r.key === HOSTILE_KEY).length).toBe(1);
  });

  it('discards a dead letter and runs a stream for an allowed request', async () => {
    world = await startConsoleWorld({ authorize: operatorOnly });
    const id = await openLetterId();
    const [allowed, page] = await get('/', OPERATOR);
    const { cookie, token } = csrfOf(allowed, page);
    expect(page).toContain('Run now');
    const [discarded, body] = await post(
      '/actions/discard',
      { id, reason: 'bad <data>', _csrf: token },
      { cookie, ...OPERATOR },
    );
    expect(discarded.status).toBe(200);
    expect(body).toContain('Discarded dead letter');
    expect((await world.sync.deadLetters({ ids: [id] }))[0]?.status).toBe('discarded');
    const [, audit] = await get('/audit?type=discarded', OPERATOR);
    expect(audit).toContain('bad &lt;data&gt; (operator console)');

    world.source.put('c9', new Date(Date.UTC(2024, 0, 1, 0, 9)).toISOString(), {
      key: 'c9',
      updatedAt: new Date(Date.UTC(2024, 0, 1, 0, 9)).toISOString(),
      name: 'Nine',
      note: '',
      password: 'x',
    });
    const [ran, runBody] = await post(
      '/actions/run',
      { stream: 'customers', _csrf: token },
      { cookie, ...OPERATOR },
    );
    expect(ran.status).toBe(200);
    expect(runBody).toContain('Started a run of stream customers');
    await expect.poll(() => world?.sink.rows('Customers').some((r) => r.key === 'c9')).toBe(true);
    const [unknown] = await post('/actions/run', { stream: 'nope', _csrf: token }, { cookie, ...OPERATOR });
    expect(unknown.status).toBe(400);
  });

  it('shows credentials with the days until they expire', async () => {
    world = await startConsoleWorld();
    const expiresAt = Date.now() + 3 * 86_400_000 + 3_600_000;
    await world.sync.credentialExpiring({
      credential: 'x3-refresh-token',
      expiresAt,
      remainingMs: expiresAt - Date.now(),
    });
    const [, overview] = await get('/');
    expect(overview).toMatch(
      /<th scope="row">x3-refresh-token<\/th><td class="num">3 <strong>\(renew soon\)<\/strong><\/td>/,
    );
    expect(overview).toContain('SYNC_CREDENTIAL_EXPIRING');
  });

  it('works mounted the Express way (mount path stripped from req.url, kept in originalUrl)', async () => {
    world = await startConsoleWorld();
    const ops = world.console;
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const original = req.url ?? '/';
      if (!original.startsWith('/ops')) return void res.writeHead(404).end();
      Object.assign(req, { originalUrl: original, url: original.slice('/ops'.length) || '/' });
      void ops.node(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/ops/dead-letters`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<h1>Dead letters</h1>');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers only under its base path, serves its assets, and works as a fetch handler', async () => {
    world = await startConsoleWorld({ authorize: operatorOnly });
    const host = new URL(world.url).origin;
    expect((await fetch(`${host}/elsewhere`)).status).toBe(418); // the host app's next()
    expect((await fetch(`${host}/opsx`)).status).toBe(418);
    const [script] = await get('/assets/console.js');
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${world.url}/`, { method: 'DELETE' })).status).toBe(405);

    const ops = world.console;
    const outside = await ops.fetch(new Request('http://host.test/elsewhere'));
    expect(outside.status).toBe(404);
    const page = await ops.fetch(new Request('http://host.test/ops/dead-letters', { headers: OPERATOR }));
    const text = await page.text();
    expect(leaksIn(text)).toEqual([]);
    const { cookie, token } = csrfOf(page, text);
    world.fix();
    const id = await openLetterId();
    const replay = await ops.fetch(
      new Request('http://host.test/ops/actions/replay', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...OPERATOR },
        body: new URLSearchParams({ id, _csrf: token }),
      }),
    );
    expect(replay.status).toBe(200);
    expect((await world.sync.deadLetters({ ids: [id] }))[0]?.status).toBe('replayed');
  });
});
