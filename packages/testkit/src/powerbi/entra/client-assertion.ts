import { X509Certificate } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { certificateThumbprints } from '../test-certificate.js';
import { AADSTS, type AadstsKind } from './aadsts-error.js';

/** Why an assertion was refused: the AADSTS kind and its message. */
export interface AssertionFailure {
  kind: AadstsKind;
  message: string;
}

/** What the verifier needs to know about the request. */
export interface AssertionContext {
  assertion: string;
  clientId: string;
  tenantId: string;
  /** Every audience accepted (the simulator's own token URL forms and the public-cloud one). */
  audiences: string[];
  certificates: readonly string[];
  nowMs: number;
}

/**
 * Verifies a client assertion as Entra does ([documented] reference §1.2, S2): the header names the
 * registered certificate by `x5t#S256` (with PS256) or `x5t` (with RS256, the older form MSAL emitted —
 * [C-3p]/[inferred] still accepted); the signature verifies against that certificate's public key; `aud` is the
 * token endpoint; `iss` = `sub` = client id; `exp` required, `nbf` honoured. Returns undefined when valid.
 * Clock skew tolerance of 5 minutes is [inferred] (Entra's usual allowance).
 */
export async function verifyClientAssertion(ctx: AssertionContext): Promise<AssertionFailure | undefined> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(ctx.assertion);
  } catch {
    return { kind: AADSTS.assertionClaims, message: 'Client assertion is not a valid JWT.' };
  }
  const alg = header.alg;
  if (alg !== 'PS256' && alg !== 'RS256') {
    return {
      kind: AADSTS.assertionSignature,
      message: `Client assertion uses an unsupported signing algorithm '${String(alg)}'.`,
    };
  }
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  const cert = ctx.certificates.find((pem) => {
    const t = certificateThumbprints(pem);
    return (x5tS256 !== undefined && t.x5tS256 === x5tS256) || (x5t !== undefined && t.x5t === x5t);
  });
  if (!cert) {
    const id = x5tS256 ?? x5t ?? '(none)';
    return {
      kind: AADSTS.assertionSignature,
      message: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${id}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${ctx.clientId}'.]`,
    };
  }
  const key = new X509Certificate(cert).publicKey;
  try {
    await jwtVerify(ctx.assertion, key, {
      algorithms: [alg],
      audience: ctx.audiences,
      issuer: ctx.clientId,
      subject: ctx.clientId,
      requiredClaims: ['exp'],
      currentDate: new Date(ctx.nowMs),
      clockTolerance: 300,
    });
    return undefined;
  } catch (err) {
    return mapJoseError(err);
  }
}

function mapJoseError(err: unknown): AssertionFailure {
  if (err instanceof errors.JWTExpired) {
    return {
      kind: AADSTS.assertionTime,
      message: 'Client assertion is not within its valid time range (expired).',
    };
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') {
      return {
        kind: AADSTS.assertionTime,
        message: 'Client assertion is not within its valid time range (nbf).',
      };
    }
    return {
      kind: AADSTS.assertionClaims,
      message: `Client assertion contains an invalid '${err.claim}' claim.`,
    };
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return { kind: AADSTS.assertionSignature, message: 'Client assertion failed signature validation.' };
  }
  return { kind: AADSTS.assertionClaims, message: 'Client assertion is malformed.' };
}
