import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StateStore, Sync } from '@mlc/sync-engine';
import type { ConsoleRequest } from './http/console-request.js';

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
