import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleRequest } from '../http/console-request.js';

/** The cookie that carries the browser's CSRF nonce (HttpOnly, SameSite=Strict, scoped to the console's path). */
export const CSRF_COOKIE = 'mlc_console_csrf';
/** The form field that carries the token. */
export const CSRF_FIELD = '_csrf';

/** Cookies of a request by name (first value wins). */
export function cookiesOf(request: ConsoleRequest): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * Signed double-submit CSRF protection: the browser holds a random nonce in an HttpOnly cookie, every form carries
 * HMAC(key, nonce). A page on another origin can neither read the cookie nor the token, and a token is worthless
 * without its cookie; the key never leaves the process.
 */
export class CsrfGuard {
  readonly #key: Buffer;

  /** @param key HMAC key; random per process by default (tokens then end with the process, which is fine) */
  constructor(key?: string | Uint8Array) {
    this.#key = key === undefined ? randomBytes(32) : Buffer.from(key);
  }

  /** The nonce of a request's cookie, or a new one with the `Set-Cookie` header that stores it. */
  nonceFor(request: ConsoleRequest, cookiePath: string): { nonce: string; setCookie?: string } {
    const existing = cookiesOf(request).get(CSRF_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return { nonce: existing };
    const nonce = randomBytes(24).toString('base64url');
    const secure = request.url.protocol === 'https:' ? '; Secure' : '';
    return {
      nonce,
      setCookie: `${CSRF_COOKIE}=${nonce}; Path=${cookiePath}; HttpOnly; SameSite=Strict${secure}`,
    };
  }

  /** The token forms carry for `nonce`. */
  tokenFor(nonce: string): string {
    return createHmac('sha256', this.#key).update(nonce).digest('base64url');
  }

  /** Whether the submitted `token` matches the request's cookie. */
  verify(request: ConsoleRequest, token: string | null): boolean {
    const nonce = cookiesOf(request).get(CSRF_COOKIE);
    if (!nonce || !token) return false;
    const expected = Buffer.from(this.tokenFor(nonce));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * Whether a state-changing request comes from elsewhere: `Sec-Fetch-Site` other than `same-origin` (or `none`, typed
 * by the user), or, from browsers that do not send it, an `Origin` that is not the request's own. Requests with
 * neither header (curl, scripts) rely on authorization and the token alone.
 */
export function isCrossSite(request: ConsoleRequest): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.get('origin');
  if (!origin) return false;
  const forwardedProto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  const own = new Set([request.url.origin]);
  if (forwardedProto) own.add(`${forwardedProto}://${request.url.host}`);
  return !own.has(origin);
}
