import { isUint8Array } from 'node:util/types';
import { Agent, fetch as undiciFetch } from 'undici';

/** TLS settings for on-premise servers (self-signed or private CA chains are common on Syracuse hosts). */
export interface TlsOptions {
  /** CA certificates (PEM) to trust for this server; like Node's `ca`, they replace the default bundle. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string | Buffer;
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer;
  /**
   * Verify the server certificate. Turning this off is insecure and only meant for a lab.
   * @default true
   */
  rejectUnauthorized?: boolean;
}

/**
 * A `fetch` that applies {@link TlsOptions} through an undici dispatcher owned by this client instance (no global
 * state). ky hands us `Request` objects from Node's bundled undici, which another undici copy does not recognise as
 * its own, so the request is unpacked into URL + init; its body is handed over as its bytes (`requestBodyBytes`),
 * so undici sends it with its `content-length`, as one known-length body, and can send it again on a redirect.
 */
export function createTlsFetch(tls: TlsOptions): typeof globalThis.fetch {
  const dispatcher = new Agent({
    connect: {
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls.key !== undefined ? { key: tls.key } : {}),
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
    },
  });
  const tlsFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) {
      const hasBody = input.body !== null && input.method !== 'GET' && input.method !== 'HEAD';
      const response = await undiciFetch(input.url, {
        method: input.method,
        headers: [...input.headers.entries()],
        body: hasBody ? await requestBodyBytes(input) : undefined,
        signal: input.signal,
        redirect: input.redirect,
        dispatcher,
      });
      return response as unknown as Response;
    }
    const response = await undiciFetch(input as string | URL, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    });
    return response as unknown as Response;
  };
  return tlsFetch;
}

/**
 * The bytes of a request's body, read from its stream: the chunk itself when the body came in one chunk (a text or
 * byte body built by Node's fetch does), the chunks joined once otherwise. `Request.arrayBuffer()` joins them and
 * then copies the result once more ([inferred] from the source of Node 20's undici 6.24.1: `Buffer.concat`, then
 * `new Uint8Array(bytes).buffer`), a copy of the whole body per request that this read does not make (undici's own
 * copies of a byte body, when its fetch takes it, remain). Refuses what `arrayBuffer()` refuses: a body already read
 * or locked, a chunk that is not a `Uint8Array` (TypeErrors).
 */
async function requestBodyBytes(request: Request): Promise<Uint8Array> {
  const body = request.body!;
  if (request.bodyUsed || body.locked) throw new TypeError('Body is unusable: Body has already been read');
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!isUint8Array(value)) throw new TypeError('Received non-Uint8Array chunk');
    chunks.push(value);
    length += value.byteLength;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}
