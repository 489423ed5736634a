import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleResponse, IncomingConsoleRequest } from './console-request.js';

/** The console's request from Node's `IncomingMessage` (Express's `req` too: it is one). */
export function fromNodeRequest(req: IncomingMessage): IncomingConsoleRequest {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const scheme = encrypted ? 'https' : 'http';
  const host = headers.get('host') ?? 'localhost';
  // Express and Connect strip the mount path from `req.url` and keep the whole path in `originalUrl`.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  let url: URL;
  try {
    url = new URL(path, `${scheme}://${host}`);
  } catch {
    url = new URL(path, `${scheme}://localhost`);
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    headers,
    source: req,
    text: (limit) =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let over = false;
        req.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) over = true;
          else chunks.push(chunk);
        });
        req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
      }),
  };
}

/** Writes the console's answer to Node's `ServerResponse`. */
export function toNodeResponse(answer: ConsoleResponse, res: ServerResponse): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}
