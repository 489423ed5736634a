import type { IncomingMessage } from 'node:http';

/** The request as the console and the host's `authorize` callback see it, whichever server delivered it. */
export interface ConsoleRequest {
  /** `GET`, `POST`, ... */
  readonly method: string;
  /** The full URL (origin from the Host header). */
  readonly url: URL;
  /** The request headers (cookies, authorization, forwarded headers: whatever the host authenticates with). */
  readonly headers: Headers;
  /** The original request: Node's `IncomingMessage` or a fetch `Request`. */
  readonly source: IncomingMessage | Request;
}

/** A request with its body reader (the console's own view). */
export interface IncomingConsoleRequest extends ConsoleRequest {
  /** The body as text, at most `limit` bytes (`undefined` when larger). */
  text(limit: number): Promise<string | undefined>;
}

/** What the console answers. */
export interface ConsoleResponse {
  /** HTTP status. */
  status: number;
  /** Headers (`set-cookie` may repeat). */
  headers: Record<string, string | string[]>;
  /** Body (empty for HEAD). */
  body: string;
}
