import type { SeededRandom } from '../rng.js';

/** An access token the simulated Entra endpoint issued. */
export interface IssuedToken {
  tenantId: string;
  clientId: string;
  /** The resource the token is for (the scope without `/.default`). */
  audience: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

/**
 * The simulator's issued tokens. Tokens look like JWTs (three base64url parts with realistic claims) but are
 * checked by lookup, so they can be revoked or expired from a test. Clients must treat them as opaque
 * ([documented] reference §1.3).
 */
export class TokenRegistry {
  readonly #tokens = new Map<string, IssuedToken>();

  constructor(private readonly rng: SeededRandom) {}

  /** Issues a token valid for `lifetimeSeconds` from `now`. */
  issue(
    info: Omit<IssuedToken, 'revoked' | 'expiresAt' | 'issuedAt'>,
    now: number,
    lifetimeSeconds: number,
  ): string {
    const iat = Math.floor(now / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5t: this.rng.token(27), kid: this.rng.token(27) };
    const payload = {
      aud: info.audience,
      iss: `https://sts.windows.net/${info.tenantId}/`,
      iat,
      nbf: iat,
      exp: iat + lifetimeSeconds,
      appid: info.clientId,
      appidacr: '1',
      idtyp: 'app',
      oid: this.rng.guid(),
      tid: info.tenantId,
      ver: '1.0',
      uti: this.rng.token(22),
    };
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64(header)}.${b64(payload)}.${this.rng.token(342)}`;
    this.#tokens.set(token, {
      ...info,
      issuedAt: now,
      expiresAt: now + lifetimeSeconds * 1000,
      revoked: false,
    });
    return token;
  }

  /** The record of a token, or undefined if the simulator never issued it. */
  lookup(token: string): IssuedToken | undefined {
    return this.#tokens.get(token);
  }

  /** Marks matching tokens revoked; returns how many. */
  revoke(filter: { clientId?: string } = {}): number {
    let n = 0;
    for (const t of this.#tokens.values()) {
      if (filter.clientId === undefined || t.clientId === filter.clientId) {
        t.revoked = true;
        n++;
      }
    }
    return n;
  }

  /** Makes matching tokens expire at `now`; returns how many. */
  expire(now: number, filter: { clientId?: string } = {}): number {
    let n = 0;
    for (const t of this.#tokens.values()) {
      if (filter.clientId === undefined || t.clientId === filter.clientId) {
        t.expiresAt = Math.min(t.expiresAt, now);
        n++;
      }
    }
    return n;
  }
}
