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
 * its own, so the request is unpacked into URL + init.
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
        body: hasBody ? Buffer.from(await input.arrayBuffer()) : undefined,
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
