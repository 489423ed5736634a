import type { ConsoleOptions, OperatorConsole } from './console-options.js';
import { resolveConsoleSetup } from './console-setup.js';
import type { ConsoleResponse } from './http/console-request.js';
import { fromFetchRequest, toFetchResponse } from './http/fetch-adapter.js';
import { handleConsoleRequest } from './http/handle-console-request.js';
import { fromNodeRequest, toNodeResponse } from './http/node-adapter.js';
import { SECURITY_HEADERS } from './http/security-headers.js';

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
  const setup = resolveConsoleSetup(options);
  const notFound = (): ConsoleResponse => ({
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS },
    body: 'not found',
  });
  return {
    basePath: setup.base,
    node: async (req, res, next) => {
      const answer = await handleConsoleRequest(setup, fromNodeRequest(req));
      if (answer) toNodeResponse(answer, res);
      else if (next) next();
      else toNodeResponse(notFound(), res);
    },
    fetch: async (request) =>
      toFetchResponse((await handleConsoleRequest(setup, fromFetchRequest(request))) ?? notFound()),
  };
}
