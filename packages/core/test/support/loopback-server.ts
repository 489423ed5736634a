import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { afterEach } from 'vitest';
import type { AddressInfo } from 'node:net';

/** What a test handler sees: the request, its body, and how many requests came before. */
export interface Handled {
  req: IncomingMessage;
  res: ServerResponse;
  body: string;
  index: number;
}

/** Starts a real HTTP server on 127.0.0.1:0 whose handler is the test's; returns its URL and the request log. */
export async function startLoopbackServer(handler: (handled: Handled) => unknown) {
  const requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> =
    [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const index = requests.length;
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
    await handler({ req, res, body, index });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
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
) => ReturnType<typeof startLoopbackServer> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()?.();
  });
  return async (handler) => {
    const started = await startLoopbackServer(handler);
    closers.push(started.close);
    return started;
  };
}
