import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { afterEach } from 'vitest';
import type { AddressInfo } from 'node:net';

/** What a test handler sees: the request, its body, and how many requests came before. */
export interface Handled {
  req: IncomingMessage;
  res: ServerResponse;
  body: string;
  index: number;
}

/** A server certificate and its private key (PEM), to serve HTTPS. */
export interface LoopbackTls {
  cert: string;
  key: string;
}

/**
 * Starts a real HTTP server (HTTPS with `tls`) on 127.0.0.1:0 whose handler is the test's; returns its URL and the
 * request log (each body as text and as the bytes received).
 */
export async function startLoopbackServer(handler: (handled: Handled) => unknown, tls?: LoopbackTls) {
  const requests: Array<{
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    body: string;
    bytes: Buffer;
  }> = [];
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const body = bytes.toString('utf8');
    const index = requests.length;
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, bytes });
    await handler({ req, res, body, index });
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A starter of loopback servers that are all closed after each test of the suite (or `describe` block) that calls
 * it: `const server = loopbackServers();` at the top, then `await server(handler)` in a test.
 */
export function loopbackServers(): (
  handler: (handled: Handled) => unknown,
  tls?: LoopbackTls,
) => ReturnType<typeof startLoopbackServer> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()?.();
  });
  return async (handler, tls) => {
    const started = await startLoopbackServer(handler, tls);
    closers.push(started.close);
    return started;
  };
}
