import type { ConsoleResponse, IncomingConsoleRequest } from './console-request.js';

/** The console's request from a fetch `Request` (Hono, Deno, Bun, workers). */
export function fromFetchRequest(request: Request): IncomingConsoleRequest {
  return {
    method: request.method.toUpperCase(),
    url: new URL(request.url),
    headers: request.headers,
    source: request,
    text: async (limit) => {
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > limit) return undefined;
      const body = await request.text();
      return Buffer.byteLength(body) > limit ? undefined : body;
    },
  };
}

/** The console's answer as a fetch `Response`. */
export function toFetchResponse(answer: ConsoleResponse): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const empty = answer.status === 204 || answer.status === 304 || answer.body === '';
  return new Response(empty ? null : answer.body, { status: answer.status, headers });
}
