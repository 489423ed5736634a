import type { KeyObject } from 'node:crypto';
import {
  type ClientAssertionAlgorithm,
  type ParsedCertificate,
  buildClientAssertion,
  parseCertificate,
} from './build-client-assertion.js';
import {
  type CredentialDefaults,
  EntraCredential,
  type EntraCredentialOptions,
  mergeDefaults,
} from './entra-credential.js';

/** Options for {@link clientCertificateCredential}. */
export interface ClientCertificateCredentialOptions extends EntraCredentialOptions {
  /** The certificate registered on the app registration, as PEM (may also contain the private key). */
  certificate: string;
  /** The certificate's RSA private key (PEM or a `KeyObject`), unless it is in `certificate`. Never logged. */
  privateKey?: string | KeyObject;
  /** `PS256` with `x5t#S256` ([documented] §1.2, current), or the older `RS256` with SHA-1 `x5t`. @default 'PS256' */
  algorithm?: ClientAssertionAlgorithm;
  /** Assertion lifetime in seconds. @default 600 */
  assertionLifetimeSeconds?: number;
}

/**
 * Entra ID client credentials with a certificate: each token request carries a freshly signed client assertion
 * ([documented] reference §1.2, S2). Implements the `TokenCredential` shape.
 */
export class ClientCertificateCredential extends EntraCredential {
  readonly #certificate: ParsedCertificate;
  readonly #source: Pick<
    ClientCertificateCredentialOptions,
    'certificate' | 'privateKey' | 'algorithm' | 'assertionLifetimeSeconds'
  >;

  constructor(options: ClientCertificateCredentialOptions) {
    super(options);
    // Parsed up front so a bad certificate fails at construction, not at the first token request.
    this.#certificate = parseCertificate(options.certificate, options.privateKey);
    this.#source = {
      certificate: options.certificate,
      ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
      ...(options.algorithm !== undefined ? { algorithm: options.algorithm } : {}),
      ...(options.assertionLifetimeSeconds !== undefined
        ? { assertionLifetimeSeconds: options.assertionLifetimeSeconds }
        : {}),
    };
  }

  /** {@inheritDoc EntraCredential.withDefaults} */
  withDefaults(defaults: CredentialDefaults): ClientCertificateCredential {
    return new ClientCertificateCredential({ ...mergeDefaults(this.options, defaults), ...this.#source });
  }

  protected async clientAuthentication(audience: string): Promise<Record<string, string>> {
    const assertion = await buildClientAssertion({
      clientId: this.options.clientId,
      audience,
      certificate: this.#certificate,
      ...(this.#source.algorithm ? { algorithm: this.#source.algorithm } : {}),
      ...(this.#source.assertionLifetimeSeconds
        ? { lifetimeSeconds: this.#source.assertionLifetimeSeconds }
        : {}),
      ...(this.options.clock ? { clock: this.options.clock } : {}),
    });
    return {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
  }

  protected knownSecrets(): string[] {
    return typeof this.#source.privateKey === 'string' ? [this.#source.privateKey] : [];
  }
}

/** Creates a {@link ClientCertificateCredential}. */
export function clientCertificateCredential(
  options: ClientCertificateCredentialOptions,
): ClientCertificateCredential {
  return new ClientCertificateCredential(options);
}
