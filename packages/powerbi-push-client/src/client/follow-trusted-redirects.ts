/**
 * Host names (exact, or a suffix starting with `.`) of Power BI's own API clusters. A redirect from the API
 * (`preferClientRouting=true` answers 307 with the cluster's URL, [documented] reference §2.8, S12) is followed
 * with the token only to these, to the host of `apiBase`, or to hosts the caller adds.
 */
export const POWER_BI_REDIRECT_HOSTS: readonly string[] = Object.freeze([
  // Commercial cloud: api.powerbi.com and its clusters (`wabi-…-redirect.analysis.windows.net`, [inferred] form).
  '.powerbi.com',
  '.analysis.windows.net',
  // Sovereign clouds (reference §1.6).
  '.powerbigov.us',
  '.analysis.usgovcloudapi.net',
  '.powerbi.cn',
  '.analysis.chinacloudapi.cn',
]);

/** Options of {@link followTrustedRedirects}. */
export interface FollowTrustedRedirectsOptions {
  /** Hosts (exact, or `.suffix`) whose redirects are followed with the original headers, `Authorization` included. */
  trustedHosts: readonly string[];
  /** Redirects followed per request before the last 3xx is returned as it is. @default 5 */
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** True when `host` is one of `trusted` (exact match, or ends with a `.suffix` entry). */
export function isTrustedHost(host: string, trusted: readonly string[]): boolean {
  const h = host.toLowerCase();
  return trusted.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('.') ? h.endsWith(e) || h === e.slice(1) : h === e;
  });
}

/**
 * Wraps `fetch` so redirects are followed by the SDK, not by fetch. fetch drops `Authorization` on a cross-origin
 * redirect (as the Fetch standard requires), so Power BI's 307 to a cluster URL would arrive without the token and
 * fail. Here a redirect to a trusted host over HTTPS (or the same scheme as the request, for loopback tests) is
 * re-sent with the same method, headers and body (303, and 301/302 of a POST, become a GET without body, as fetch
 * does). A redirect anywhere else is not followed: its 3xx response is returned, and the HTTP client turns it into
 * a non-retried error — the token is never sent to a host that is not Power BI's.
 *
 * The first request is sent as it came, only with `redirect: 'manual'`: its body is passed on as it is (a text
 * keeps its announced length; a stream is sent as a stream), not read into a buffer and copied. A body can be read
 * only once, so a second branch of it is kept (`Request.clone()`, whose branch of a passed-on body shares its
 * chunks) and read only when a redirect is followed; otherwise it is cancelled.
 */
export function followTrustedRedirects(
  fetchImpl: typeof globalThis.fetch,
  options: FollowTrustedRedirectsOptions,
): typeof globalThis.fetch {
  const maxRedirects = options.maxRedirects ?? 5;
  return async (input, init) => {
    const original = new Request(input, init);
    // The body for a redirect's hop, read from `spare` when the first redirect is followed (rare).
    let spare: Request | undefined = original.body ? original.clone() : undefined;
    let method = original.method;
    let url = new URL(original.url);
    let payload: ArrayBuffer | undefined;
    try {
      for (let hop = 0; ; hop++) {
        const response = await fetchImpl(
          hop === 0
            ? new Request(original, { redirect: 'manual' })
            : new Request(url, {
                method,
                headers: original.headers,
                signal: original.signal,
                redirect: 'manual',
                ...(payload !== undefined ? { body: payload } : {}),
              }),
        );
        const location = response.headers.get('location');
        if (!REDIRECTS.has(response.status) || !location || hop >= maxRedirects) return response;
        const next = new URL(location, url);
        const sameScheme = next.protocol === url.protocol;
        if (
          !isTrustedHost(next.hostname, options.trustedHosts) ||
          !(next.protocol === 'https:' || sameScheme)
        ) {
          return response;
        }
        await response.body?.cancel();
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method === 'POST')
        ) {
          method = 'GET';
          payload = undefined;
          discard(spare);
          spare = undefined;
        } else if (spare) {
          payload = await spare.arrayBuffer();
          spare = undefined;
        }
        url = next;
      }
    } finally {
      discard(spare);
    }
  };
}

/**
 * Cancels the kept branch of a body that will not be re-sent. Not awaited: a tee branch's cancellation settles only
 * once the other branch is done, and the request's own branch may still be read by fetch.
 */
function discard(request: Request | undefined): void {
  request?.body?.cancel().catch(() => {});
}
