import type { IncomingMessage, ServerResponse } from 'node:http';
import { REDACTED, redactText, redactValue } from '@mlc/core';
import {
  type AuditType,
  type DeadLetterStatus,
  type StateStore,
  type Sync,
  readRecentRuns,
  searchAudit,
} from '@mlc/sync-engine';
import { CSRF_FIELD, CsrfGuard, isCrossSite } from './actions/csrf.js';
import { CONSOLE_SCRIPT } from './assets/console-script.js';
import { CONSOLE_STYLE } from './assets/console-style.js';
import type { ConsoleRequest, ConsoleResponse, IncomingConsoleRequest } from './http/console-request.js';
import { fromFetchRequest, toFetchResponse } from './http/fetch-adapter.js';
import { fromNodeRequest, toNodeResponse } from './http/node-adapter.js';
import { type SafeHtml, escapeHtml, html } from './html/html.js';
import type { PageContext } from './html/layout.js';
import { type AuditFilterForm, SINCE_CHOICES, auditPage } from './pages/audit-page.js';
import { deadLetterPage, deadLettersPage } from './pages/dead-letters-page.js';
import { messagePage } from './pages/message-page.js';
import { overviewPage } from './pages/overview-page.js';
import { runsPage } from './pages/runs-page.js';

/** Options of {@link createConsole}. */
export interface ConsoleOptions {
  /** The sync to show and act on. */
  sync: Sync;
  /** The state store the sync was created with (runs and the audit trail are read from it directly). */
  store: StateStore;
  /** Where the host mounts the console, e.g. `/ops/sync`; links and the CSRF cookie use it. @default '' (the root) */
  basePath?: string;
  /**
   * Whether a request may act (replay, discard, run now). Without it the console is read-only: no action is
   * offered and every POST is refused with 403. Authenticate however the host does (session cookie, header set
   * by a proxy, client certificate) from the request's headers or its `source`.
   */
  authorize?: (request: ConsoleRequest) => boolean | Promise<boolean>;
  /** Exact values never to render (passwords, client secrets), on top of the redaction of secret-looking text. */
  secrets?: readonly string[];
  /** Read pages reload every this many seconds (0: never). @default 30 */
  refreshSeconds?: number;
  /** The console's title. @default 'Sage X3 → Power BI sync' */
  title?: string;
  /** HMAC key of the CSRF tokens. @default random per process */
  csrfKey?: string | Uint8Array;
}

/** The console: one request handler in two shapes. */
export interface OperatorConsole {
  /** The normalised base path (no trailing slash; `''` at the root). */
  readonly basePath: string;
  /**
   * Node `http` (and Express, Connect) handler. A request outside the base path goes to `next` when given, else
   * is answered 404. Express: mount it before any body parser (`app.use('/ops', console.node)` works: the
   * original URL is read).
   */
  node(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): Promise<void>;
  /** Fetch-style handler (Hono: `app.all('/ops/*', (c) => console.fetch(c.req.raw))`); 404 outside the base path. */
  fetch(request: Request): Promise<Response>;
}

const BODY_LIMIT = 16 * 1024;
const DEAD_LETTER_STATUSES: ReadonlyArray<DeadLetterStatus | 'all'> = [
  'open',
  'replayed',
  'discarded',
  'all',
];
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

function normaliseBase(basePath: string | undefined): string {
  const trimmed = (basePath ?? '').trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Creates the operator console: server-rendered pages (overview, runs, audit trail, dead letters) over a sync, and
 * its actions (replay, discard, run now) for requests the host's `authorize` allows, each a POST carrying a CSRF
 * token. Every value is escaped and redacted; no secret, token or credential is rendered.
 *
 * @example
 * const ops = createConsole({ sync, store, basePath: '/ops', authorize: (req) => isAdmin(req.headers) });
 * http.createServer((req, res) => (req.url?.startsWith('/ops') ? ops.node(req, res) : app(req, res)));
 */
export function createConsole(options: ConsoleOptions): OperatorConsole {
  const { sync, store } = options;
  const base = normaliseBase(options.basePath);
  const csrf = new CsrfGuard(options.csrfKey);
  const secrets = (options.secrets ?? []).filter((s) => typeof s === 'string' && s.length >= 4);
  const title = options.title ?? 'Sage X3 → Power BI sync';
  const refreshSeconds = Math.max(0, Math.floor(options.refreshSeconds ?? 30));
  let opened: Promise<unknown> | undefined;
  // Opens the store through the sync (which checks its schema version) before the first direct read.
  const open = () => {
    opened ??= sync.auditLog({ limit: 1 }).catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
  /** Every value read for a page passes through here: secret members and secret-looking text are redacted. */
  const clean = <T>(value: T): T => redactValue(value, secrets) as T;

  const relative = (url: URL): string | undefined => {
    const path = url.pathname;
    if (base === '') return path;
    if (path === base) return '/';
    return path.startsWith(`${base}/`) ? path.slice(base.length) : undefined;
  };

  const finish = (
    status: number,
    page: SafeHtml,
    extra: Record<string, string | string[]> = {},
  ): ConsoleResponse => {
    let body = page.value;
    // A last line of defence: a known secret never leaves, escaped or not.
    for (const secret of secrets) {
      for (const form of new Set([secret, escapeHtml(secret)])) body = body.split(form).join(REDACTED);
    }
    return {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...extra },
      body,
    };
  };

  const pageContext = async (
    request: IncomingConsoleRequest,
    allowed: boolean,
  ): Promise<{ ctx: PageContext; cookie?: string }> => {
    const ctx: PageContext = { base, title, refreshSeconds, now: Date.now() };
    if (!allowed) return { ctx };
    const { nonce, setCookie } = csrf.nonceFor(request, base === '' ? '/' : base);
    ctx.csrfToken = csrf.tokenFor(nonce);
    return { ctx, ...(setCookie ? { cookie: setCookie } : {}) };
  };

  const isAllowed = async (request: ConsoleRequest): Promise<boolean> => {
    if (!options.authorize) return false;
    try {
      return (await options.authorize(request)) === true;
    } catch {
      return false; // a failing authorization check allows nothing
    }
  };

  const streamParam = (value: string | null): string | undefined =>
    value && sync.streams.includes(value) ? value : undefined;

  async function read(path: string, request: IncomingConsoleRequest, ctx: PageContext): Promise<SafeHtml> {
    const q = request.url.searchParams;
    await open();
    if (path === '/' || path === '') {
      const status = clean(await sync.status());
      const runs = new Map(
        await Promise.all(
          sync.streams.map(
            async (s) => [s, clean(await readRecentRuns(store, { streams: [s], limit: 12 }))] as const,
          ),
        ),
      );
      return overviewPage(ctx, status, runs);
    }
    if (path === '/runs') {
      const stream = streamParam(q.get('stream'));
      const runs = clean(
        await readRecentRuns(store, { limit: 50, ...(stream ? { streams: [stream] } : {}) }),
      );
      return runsPage(ctx, runs, { streams: sync.streams, ...(stream ? { stream } : {}) });
    }
    if (path === '/audit') {
      const form: AuditFilterForm = {};
      for (const name of ['stream', 'type', 'since', 'batch', 'key', 'limit'] as const) {
        const value = q.get(name)?.trim();
        if (value) form[name] = value.slice(0, 200);
      }
      const stream = streamParam(form.stream ?? null);
      const limit = Math.min(1000, Math.max(1, Number.parseInt(form.limit ?? '100', 10) || 100));
      const sinceMs = SINCE_CHOICES.find(([v]) => v === form.since)?.[2] ?? 0;
      const types = (form.type ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean) as AuditType[];
      const entries = clean(
        await searchAudit(store, {
          limit,
          ...(stream ? { streams: [stream] } : {}),
          ...(types.length > 0 ? { types } : {}),
          ...(sinceMs > 0 ? { since: ctx.now - sinceMs } : {}),
          ...(form.batch ? { batchId: form.batch } : {}),
          ...(form.key ? { key: form.key } : {}),
        }),
      );
      return auditPage(ctx, entries, { streams: sync.streams, form, limit });
    }
    if (path === '/dead-letters') {
      const stream = streamParam(q.get('stream'));
      const wanted = q.get('status') ?? 'open';
      const status = DEAD_LETTER_STATUSES.find((s) => s === wanted) ?? 'open';
      const letters = clean(
        await sync.deadLetters({
          limit: 200,
          ...(status === 'all' ? {} : { status: [status] }),
          ...(stream ? { stream } : {}),
        }),
      );
      letters.sort((a, b) => b.createdAt - a.createdAt);
      return deadLettersPage(ctx, letters, { streams: sync.streams, status, ...(stream ? { stream } : {}) });
    }
    const letterId = /^\/dead-letters\/([^/]+)$/.exec(path)?.[1];
    if (letterId !== undefined) {
      let id: string;
      try {
        id = decodeURIComponent(letterId);
      } catch {
        throw new HttpProblem(404, 'Not found', 'No such dead letter.');
      }
      const [letter] = await sync.deadLetters({ ids: [id], limit: 1 });
      if (!letter) throw new HttpProblem(404, 'Not found', `No dead letter ${id}.`);
      return deadLetterPage(ctx, clean(letter));
    }
    throw new HttpProblem(404, 'Not found', 'This console has no such page.');
  }

  async function act(path: string, form: URLSearchParams, ctx: PageContext): Promise<SafeHtml> {
    const field = (name: string) => form.get(name)?.trim() ?? '';
    if (path === '/actions/replay') {
      const id = field('id');
      if (!id) throw new HttpProblem(400, 'Bad request', 'Name the dead letter to replay.');
      const result = clean(await sync.replay({ ids: [id], force: field('force') === '1' }));
      const refused = result.refused.map((r) => html`<li><code>${r.id}</code>: ${r.reason}</li>`);
      return messagePage(ctx, {
        title: 'Replay',
        kind: result.replayed.length > 0 ? 'ok' : 'error',
        message:
          result.replayed.length > 0
            ? html`Replayed dead letter <code>${result.replayed.join(', ')}</code>: ${result.rowsPosted} row(s) posted.`
            : html`Dead letter <code>${id}</code> was not replayed.`,
        ...(refused.length > 0 ? { details: html`<ul>${refused}</ul>` } : {}),
        back: '/dead-letters',
      });
    }
    if (path === '/actions/discard') {
      const id = field('id');
      if (!id) throw new HttpProblem(400, 'Bad request', 'Name the dead letter to discard.');
      const reason = field('reason').slice(0, 500);
      const done = await sync.discard([id], reason ? { reason: `${reason} (operator console)` } : {});
      return messagePage(ctx, {
        title: 'Discard',
        kind: done.includes(id) ? 'ok' : 'error',
        message: done.includes(id)
          ? html`Discarded dead letter <code>${id}</code>.`
          : html`Dead letter <code>${id}</code> is unknown or not open.`,
        back: '/dead-letters',
      });
    }
    if (path === '/actions/run') {
      const stream = streamParam(field('stream'));
      if (!stream) throw new HttpProblem(400, 'Bad request', 'Name a stream of this sync to run.');
      if (sync.isRunning(stream)) {
        return messagePage(ctx, {
          title: 'Run now',
          kind: 'error',
          message: html`Stream ${stream} is already running.`,
        });
      }
      // The run goes on after the answer; its outcome is in the audit trail and on the overview.
      void sync.runStream(stream).catch(() => undefined);
      return messagePage(ctx, {
        title: 'Run now',
        kind: 'ok',
        message: html`Started a run of stream ${stream}; the overview shows how it ends.`,
      });
    }
    throw new HttpProblem(404, 'Not found', 'This console has no such action.');
  }

  async function handle(request: IncomingConsoleRequest): Promise<ConsoleResponse | undefined> {
    const path = relative(request.url);
    if (path === undefined) return undefined;
    if (path === '/assets/console.js' || path === '/assets/console.css') {
      const js = path.endsWith('.js');
      return {
        status: 200,
        headers: {
          ...SECURITY_HEADERS,
          'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
          'cache-control': 'public, max-age=300',
        },
        body: request.method === 'HEAD' ? '' : js ? CONSOLE_SCRIPT : CONSOLE_STYLE,
      };
    }
    const allowed = await isAllowed(request);
    const { ctx, cookie } = await pageContext(request, allowed);
    const extra: Record<string, string> = cookie ? { 'set-cookie': cookie } : {};
    const problem = (status: number, titleText: string, message: string, back?: string) =>
      finish(
        status,
        messagePage(ctx, { title: titleText, kind: 'error', message, ...(back ? { back } : {}) }),
        extra,
      );
    try {
      if (request.method === 'GET' || request.method === 'HEAD') {
        const answer = finish(200, await read(path, request, ctx), extra);
        return request.method === 'HEAD' ? { ...answer, body: '' } : answer;
      }
      if (request.method !== 'POST') {
        throw new HttpProblem(405, 'Method not allowed', 'Use GET, or POST for actions.');
      }
      if (!path.startsWith('/actions/'))
        throw new HttpProblem(404, 'Not found', 'This console has no such action.');
      if (isCrossSite(request))
        throw new HttpProblem(403, 'Refused', 'Actions are accepted only from the console’s own pages.');
      if (!allowed)
        throw new HttpProblem(
          403,
          'Not authorized',
          'This console is read-only for you: the host application did not authorize actions for this request.',
        );
      const type = request.headers.get('content-type') ?? '';
      if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded'))
        throw new HttpProblem(415, 'Unsupported form', 'Actions are submitted as HTML forms.');
      const text = await request.text(BODY_LIMIT);
      if (text === undefined) throw new HttpProblem(413, 'Too large', 'The form is too large.');
      const form = new URLSearchParams(text);
      if (!csrf.verify(request, form.get(CSRF_FIELD)))
        throw new HttpProblem(
          403,
          'Refused',
          'The form’s CSRF token is missing or invalid: reload the page and try again.',
        );
      return finish(200, await act(path, form, ctx), extra);
    } catch (error) {
      if (error instanceof HttpProblem) {
        const answer = problem(error.status, error.title, error.message);
        if (error.status === 405) answer.headers.allow = 'GET, HEAD, POST';
        return answer;
      }
      const code = (error as { code?: unknown })?.code;
      const message = redactText(error instanceof Error ? error.message : String(error), secrets);
      const busy = code === 'SYNC_STREAM_BUSY';
      return problem(
        busy ? 409 : 500,
        busy ? 'Busy' : 'Error',
        `${typeof code === 'string' ? `${code}: ` : ''}${message}`,
      );
    }
  }

  const notFound = (): ConsoleResponse => ({
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS },
    body: 'not found',
  });

  return {
    basePath: base,
    node: async (req, res, next) => {
      const request = fromNodeRequest(req);
      const answer = await handle(request);
      if (answer) toNodeResponse(answer, res);
      else if (next) next();
      else toNodeResponse(notFound(), res);
    },
    fetch: async (request) => toFetchResponse((await handle(fromFetchRequest(request))) ?? notFound()),
  };
}
