import { X509Certificate, createHash, createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { type Clock, systemClock } from '@mlc/core';
import { SignJWT } from 'jose';
import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';

/** Signing algorithm of a client assertion. */
export type ClientAssertionAlgorithm = 'PS256' | 'RS256';

/** A certificate and its private key, parsed once. */
export interface ParsedCertificate {
  /** The private key. */
  readonly key: KeyObject;
  /** base64url SHA-256 thumbprint of the certificate DER (`x5t#S256`). */
  readonly x5tS256: string;
  /** base64url SHA-1 thumbprint (`x5t`, RS256 form). */
  readonly x5t: string;
}

const CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const KEY_RE = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]+?-----END (?:[A-Z]+ )?PRIVATE KEY-----/;

/**
 * Parses a PEM certificate and its private key (given separately, or in the same PEM bundle). Errors never echo
 * the input: it contains the private key.
 *
 * @throws {PowerBIValidationError} `PBI_OPTIONS_INVALID` when the certificate or key cannot be read.
 */
export function parseCertificate(certificatePem: string, privateKey?: string | KeyObject): ParsedCertificate {
  const certText = typeof certificatePem === 'string' ? CERT_RE.exec(certificatePem)?.[0] : undefined;
  if (!certText) throw invalid('the certificate must be a PEM string containing a "BEGIN CERTIFICATE" block');
  let der: Buffer;
  try {
    der = new X509Certificate(certText).raw;
  } catch {
    throw invalid('the certificate PEM could not be parsed');
  }
  let key: KeyObject;
  if (privateKey !== undefined && typeof privateKey !== 'string') {
    key = privateKey;
  } else {
    const keyText = KEY_RE.exec(privateKey ?? certificatePem)?.[0];
    if (!keyText)
      throw invalid('no private key: pass privateKey, or a PEM bundle with a "PRIVATE KEY" block');
    try {
      key = createPrivateKey(keyText);
    } catch {
      // The cause is dropped on purpose: some crypto errors quote the input.
      throw invalid('the private key PEM could not be parsed (encrypted keys must be decrypted first)');
    }
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw invalid(
      'the certificate key must be an RSA private key (Entra ID client assertions use PS256/RS256)',
    );
  }
  return {
    key,
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    x5t: createHash('sha1').update(der).digest('base64url'),
  };
}

/** Options for {@link buildClientAssertion}. */
export interface ClientAssertionOptions {
  /** Application (client) id: `iss` and `sub`. */
  clientId: string;
  /** The token endpoint URL: `aud` ([documented] reference §1.2: `https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token`). */
  audience: string;
  /** The parsed certificate. */
  certificate: ParsedCertificate;
  /** @default 'PS256' */
  algorithm?: ClientAssertionAlgorithm;
  /** Lifetime in seconds ([documented] §1.2 suggests 5–10 minutes). @default 600 */
  lifetimeSeconds?: number;
  /** Time source for `iat`/`nbf`/`exp`. @default systemClock */
  clock?: Clock;
}

/**
 * Builds the client assertion JWT of the certificate credential ([documented] reference §1.2, S2): header
 * `alg: PS256`, `typ: JWT`, `x5t#S256` (base64url SHA-256 of the certificate DER); claims `aud` = token endpoint,
 * `iss` = `sub` = client id, unique `jti`, `nbf` = `iat` = now, short `exp`. `algorithm: 'RS256'` emits the older
 * form with a SHA-1 `x5t` that Microsoft samples also show ([inferred] still accepted).
 */
export async function buildClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const algorithm = options.algorithm ?? 'PS256';
  const now = Math.floor((options.clock ?? systemClock).now() / 1000);
  const header =
    algorithm === 'PS256'
      ? { alg: 'PS256', typ: 'JWT', 'x5t#S256': options.certificate.x5tS256 }
      : { alg: 'RS256', typ: 'JWT', x5t: options.certificate.x5t };
  return new SignJWT({})
    .setProtectedHeader(header)
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 600))
    .sign(options.certificate.key);
}

function invalid(reason: string): PowerBIValidationError {
  return new PowerBIValidationError({
    code: 'PBI_OPTIONS_INVALID',
    reason: `clientCertificateCredential: ${reason}`,
  });
}
