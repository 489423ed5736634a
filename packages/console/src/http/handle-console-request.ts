import { redactText } from '@mlc/core';
import { CSRF_FIELD, isCrossSite } from '../actions/csrf.js';
import { runAction } from '../actions/run-action.js';
import { CONSOLE_SCRIPT } from '../assets/console-script.js';
import { CONSOLE_STYLE } from '../assets/console-style.js';
import type { ConsoleSetup } from '../console-setup.js';
import type { PageContext } from '../html/layout.js';
import { messagePage } from '../pages/message-page.js';
import { readPage } from '../pages/read-page.js';
import type { ConsoleResponse, IncomingConsoleRequest } from './console-request.js';
import { finishPage } from './finish-page.js';
import { HttpProblem } from './http-problem.js';
import { SECURITY_HEADERS } from './security-headers.js';

const BODY_LIMIT = 16 * 1024;

/**
 * Answers one console request: an asset, a read page (GET, HEAD) or an action (a POST from the console's own
 * pages, by a request the host authorized, with a valid CSRF token). A failure is an error page: the problem's
 * status, 409 when the stream is busy elsewhere, else 500, with a redacted message. Undefined for a request outside
 * the base path.
 */
export async function handleConsoleRequest(
  setup: ConsoleSetup,
  request: IncomingConsoleRequest,
): Promise<ConsoleResponse | undefined> {
  const path = relativePath(setup.base, request.url);
  if (path === undefined) return undefined;
  if (path === '/assets/console.js' || path === '/assets/console.css') return asset(path, request.method);
  const allowed = await setup.isAllowed(request);
  const { ctx, cookie } = pageContext(setup, request, allowed);
  const extra: Record<string, string> = cookie ? { 'set-cookie': cookie } : {};
  try {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const answer = finishPage(200, await readPage(setup, path, request, ctx), setup.secrets, extra);
      return request.method === 'HEAD' ? { ...answer, body: '' } : answer;
    }
    const form = await acceptedAction(setup, path, request, allowed);
    return finishPage(200, await runAction(setup, path, form, ctx), setup.secrets, extra);
  } catch (error) {
    return problemPage(setup, ctx, extra, error);
  }
}

/** `url`'s path relative to the base path, or undefined outside it. */
function relativePath(base: string, url: URL): string | undefined {
  const path = url.pathname;
  if (base === '') return path;
  if (path === base) return '/';
  return path.startsWith(`${base}/`) ? path.slice(base.length) : undefined;
}

function asset(path: string, method: string): ConsoleResponse {
  const js = path.endsWith('.js');
  return {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=300',
    },
    body: method === 'HEAD' ? '' : js ? CONSOLE_SCRIPT : CONSOLE_STYLE,
  };
}

/** The page context; for a request that may act, with a CSRF token (and the cookie carrying its nonce, if new). */
function pageContext(
  setup: ConsoleSetup,
  request: IncomingConsoleRequest,
  allowed: boolean,
): { ctx: PageContext; cookie?: string } {
  const { base, title, refreshSeconds, csrf } = setup;
  const ctx: PageContext = { base, title, refreshSeconds, now: Date.now() };
  if (!allowed) return { ctx };
  const { nonce, setCookie } = csrf.nonceFor(request, base === '' ? '/' : base);
  ctx.csrfToken = csrf.tokenFor(nonce);
  return { ctx, ...(setCookie ? { cookie: setCookie } : {}) };
}

/**
 * The form of an action request, once it passed every check: a POST to an action, from the console's own pages,
 * authorized, an HTML form within the size limit, carrying a valid CSRF token. Else the {@link HttpProblem} saying
 * which check failed.
 */
async function acceptedAction(
  setup: ConsoleSetup,
  path: string,
  request: IncomingConsoleRequest,
  allowed: boolean,
): Promise<URLSearchParams> {
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
  if (!setup.csrf.verify(request, form.get(CSRF_FIELD)))
    throw new HttpProblem(
      403,
      'Refused',
      'The form’s CSRF token is missing or invalid: reload the page and try again.',
    );
  return form;
}

/** The error page of a failed request: an {@link HttpProblem}'s status, 409 for a busy stream, else 500. */
function problemPage(
  setup: ConsoleSetup,
  ctx: PageContext,
  extra: Record<string, string>,
  error: unknown,
): ConsoleResponse {
  const page = (status: number, title: string, message: string) =>
    finishPage(status, messagePage(ctx, { title, kind: 'error', message }), setup.secrets, extra);
  if (error instanceof HttpProblem) {
    const answer = page(error.status, error.title, error.message);
    if (error.status === 405) answer.headers.allow = 'GET, HEAD, POST';
    return answer;
  }
  const code = (error as { code?: unknown })?.code;
  const message = redactText(error instanceof Error ? error.message : String(error), setup.secrets);
  const busy = code === 'SYNC_STREAM_BUSY';
  return page(
    busy ? 409 : 500,
    busy ? 'Busy' : 'Error',
    `${typeof code === 'string' ? `${code}: ` : ''}${message}`,
  );
}
