import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '@mlc/core';
import { SignJWT, jwtVerify } from 'jose';
import type { SageX3SimOAuthClient } from '../options.js';

/** A token-endpoint answer: status and JSON body. */
export interface TokenResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

interface Pairing {
  readonly id: string;
  readonly clientId: string;
  /** Refresh tokens inherit the pairing's expiry (30 days after approval) unless sliding expiry is on. */
  readonly expiresAtSec: number;
  revoked: boolean;
}

interface RefreshEntry {
  readonly pairingId: string;
  readonly expiresAtSec: number;
  state: 'active' | 'used' | 'revoked';
}

/** Settings of the simulated cloud gateway. */
export interface OAuthServerConfig {
  readonly clients: readonly Required<SageX3SimOAuthClient>[];
  readonly clock: Clock;
  readonly accessTtlSec: number;
  readonly refreshTtlSec: number;
  readonly codeTtlSec: number;
}

/** A minted refresh token and its expiry, as a client would store it. */
export interface SageX3MintedRefreshToken {
  readonly refreshToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** Error bodies of the authorization/token API ([documented] reference §2.3: status and message). */
const ERR = {
  missing: { status: 400, body: { message: 'Missing required request parameters' } },
  grant: { status: 400, body: { message: 'Invalid grant type' } },
  unknownClient: { status: 404, body: { message: 'Unknown client_id' } },
  unknownRedirect: { status: 404, body: { message: 'Unknown redirect_uri' } },
  notFound: { status: 403, body: { message: 'Pairing not found' } },
  expired: { status: 403, body: { message: 'Request expired' } },
  // [inferred] the reference lists no answer for a wrong client secret; the gateway's 401 body (§2.8) is used.
  badSecret: { status: 401, body: { message: 'Unauthorised' } },
} as const satisfies Record<string, TokenResponse>;

/**
 * The Sage cloud gateway's token service ([documented] reference §2.3): authorization codes from a pairing,
 * `authorization_code` and `refresh_token` grants, 5-minute access tokens (JWTs with `iss`, `aud`, `iat`, `exp`,
 * `region`, `sub`, `azp`, `scopes`), 30-day refresh tokens that rotate (a used one is dead [inferred from
 * "rotate"]), and revocation. All times come from the injected clock.
 */
export class OAuthServer {
  readonly #cfg: OAuthServerConfig;
  readonly #key = new Uint8Array(randomBytes(32));
  readonly #codes = new Map<string, { clientId: string; redirectUri: string; expiresAtSec: number }>();
  readonly #pairings = new Map<string, Pairing>();
  readonly #refresh = new Map<string, RefreshEntry>();
  #issuer = 'http://127.0.0.1';

  /** @param cfg clients, clock and lifetimes. */
  constructor(cfg: OAuthServerConfig) {
    this.#cfg = cfg;
  }

  /** Sets the issuer/audience of access tokens (the simulator URL, known after listen). */
  setIssuer(issuer: string): void {
    this.#issuer = issuer;
  }

  /** The issuer of gateway access tokens. */
  get issuer(): string {
    return this.#issuer;
  }

  #now(): number {
    return Math.floor(this.#cfg.clock.now() / 1000);
  }

  #client(clientId?: string): Required<SageX3SimOAuthClient> {
    const c =
      clientId === undefined ? this.#cfg.clients[0] : this.#cfg.clients.find((x) => x.clientId === clientId);
    if (!c) throw new Error(`unknown OAuth client ${String(clientId)}`);
    return c;
  }

  /** Issues an authorization code as if a user approved the pairing (the callback's `authorizationCode`). */
  issueAuthorizationCode(clientId?: string): string {
    const c = this.#client(clientId);
    const code = randomBytes(18).toString('base64url');
    this.#codes.set(code, {
      clientId: c.clientId,
      redirectUri: c.redirectUri,
      expiresAtSec: this.#now() + this.#cfg.codeTtlSec,
    });
    return code;
  }

  /** Creates a pairing and returns its first refresh token, skipping the code exchange. */
  mintRefreshToken(clientId?: string): SageX3MintedRefreshToken {
    const c = this.#client(clientId);
    const pairing = this.#newPairing(c.clientId);
    const token = this.#newRefresh(pairing);
    return { refreshToken: token, expiresAt: pairing.expiresAtSec * 1000 };
  }

  #newPairing(clientId: string): Pairing {
    const p: Pairing = {
      id: randomUUID(),
      clientId,
      expiresAtSec: this.#now() + this.#cfg.refreshTtlSec,
      revoked: false,
    };
    this.#pairings.set(p.id, p);
    return p;
  }

  #newRefresh(p: Pairing): string {
    const token = `rt.${randomBytes(24).toString('base64url')}`;
    this.#refresh.set(token, { pairingId: p.id, expiresAtSec: p.expiresAtSec, state: 'active' });
    return token;
  }

  /** Handles `POST /v1/token` with an already-parsed body. */
  async token(body: Record<string, unknown>): Promise<TokenResponse> {
    const str = (k: string): string | undefined =>
      typeof body[k] === 'string' ? (body[k] as string) : undefined;
    const grant = str('grant_type');
    const clientId = str('client_id');
    const secret = str('client_secret');
    if (!grant || !clientId || !secret) return ERR.missing;
    if (grant !== 'authorization_code' && grant !== 'refresh_token') return ERR.grant;
    const client = this.#cfg.clients.find((c) => c.clientId === clientId);
    if (!client) return ERR.unknownClient;
    if (client.clientSecret !== secret) return ERR.badSecret;
    const now = this.#now();
    let pairing: Pairing;
    if (grant === 'authorization_code') {
      const code = str('code');
      if (!code) return ERR.missing;
      const entry = this.#codes.get(code);
      if (!entry || entry.clientId !== clientId) return ERR.notFound;
      this.#codes.delete(code);
      if (entry.expiresAtSec <= now) return ERR.expired;
      const redirect = str('redirect_uri');
      if (redirect !== undefined && redirect !== entry.redirectUri) return ERR.unknownRedirect;
      pairing = this.#newPairing(clientId);
    } else {
      const rt = str('refresh_token');
      if (!rt) return ERR.missing;
      const entry = this.#refresh.get(rt);
      const p = entry ? this.#pairings.get(entry.pairingId) : undefined;
      if (!entry || !p || p.clientId !== clientId || entry.state !== 'active' || p.revoked)
        return ERR.notFound;
      if (entry.expiresAtSec <= now) return ERR.expired;
      entry.state = 'used';
      pairing = p;
    }
    const accessToken = await this.#accessToken(pairing, now);
    const refreshToken = this.#newRefresh(pairing);
    // [inferred] field names follow RFC 6749; the reference documents lifetimes, not the body shape.
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: this.#cfg.accessTtlSec,
        refresh_token: refreshToken,
        refresh_token_expires_in: Math.max(0, pairing.expiresAtSec - now),
      },
    };
  }

  async #accessToken(p: Pairing, now: number): Promise<string> {
    return new SignJWT({ region: 'sim', azp: p.clientId, scopes: 'api.graphQL', pid: p.id })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.#issuer)
      .setAudience(this.#issuer)
      .setSubject('X3CLOUD-SIM')
      .setIssuedAt(now)
      .setExpirationTime(now + this.#cfg.accessTtlSec)
      .setJti(randomUUID())
      .sign(this.#key);
  }

  /** Whether a bearer token looks like one of this gateway's access tokens (by its issuer). */
  isGatewayToken(iss: unknown): boolean {
    return iss === this.#issuer;
  }

  /** Validates an access token: signature, expiry on the injected clock, pairing not revoked. */
  async verifyAccessToken(
    token: string,
  ): Promise<{ ok: true; clientId: string } | { ok: false; reason: string }> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer: this.#issuer,
        currentDate: new Date(this.#cfg.clock.now()),
        clockTolerance: 0,
      });
      const p = this.#pairings.get(String(payload.pid));
      if (!p || p.revoked) return { ok: false, reason: 'revoked' };
      return { ok: true, clientId: p.clientId };
    } catch {
      return { ok: false, reason: 'invalid or expired' };
    }
  }

  /**
   * Deletes a refresh token. Its pairing ends with it ([documented] §2.3: "when it expires or is deleted the
   * pairing must restart"), so the pairing's access tokens stop working too.
   */
  revokeRefreshToken(token: string): boolean {
    const e = this.#refresh.get(token);
    if (!e) return false;
    e.state = 'revoked';
    const p = this.#pairings.get(e.pairingId);
    if (p) p.revoked = true;
    return true;
  }

  /** Revokes every pairing (all access and refresh tokens), optionally only for one client. */
  revokeAll(clientId?: string): number {
    let n = 0;
    for (const p of this.#pairings.values()) {
      if (!p.revoked && (clientId === undefined || p.clientId === clientId)) {
        p.revoked = true;
        n++;
      }
    }
    return n;
  }

  /** State of a refresh token, for tests. */
  refreshTokenState(token: string): 'active' | 'used' | 'revoked' | 'expired' | 'unknown' {
    const e = this.#refresh.get(token);
    if (!e) return 'unknown';
    const p = this.#pairings.get(e.pairingId);
    if (p?.revoked) return 'revoked';
    if (e.state === 'active' && e.expiresAtSec <= this.#now()) return 'expired';
    return e.state;
  }
}
