import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import {
  type CredentialDefaults,
  EntraCredential,
  type EntraCredentialOptions,
  mergeDefaults,
} from './entra-credential.js';

/** Options for {@link clientSecretCredential}. */
export interface ClientSecretCredentialOptions extends EntraCredentialOptions {
  /** The client secret VALUE (not its id). Never logged or put in errors. */
  clientSecret: string;
  /**
   * Send the secret as HTTP Basic auth instead of a form field ([documented] reference §1.1: both are accepted).
   * @default false
   */
  useBasicAuth?: boolean;
}

/**
 * Entra ID client credentials with a shared secret ([documented] reference §1.1). Implements the
 * `TokenCredential` shape, so it also works with other Azure SDK clients.
 */
export class ClientSecretCredential extends EntraCredential {
  readonly #secret: string;
  readonly #basic: boolean;

  constructor(options: ClientSecretCredentialOptions) {
    super(options);
    if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
      throw new PowerBIValidationError({
        code: 'PBI_OPTIONS_INVALID',
        reason: 'clientSecretCredential: clientSecret must be a non-empty string',
      });
    }
    this.#secret = options.clientSecret;
    this.#basic = options.useBasicAuth ?? false;
  }

  /** {@inheritDoc EntraCredential.withDefaults} */
  withDefaults(defaults: CredentialDefaults): ClientSecretCredential {
    return new ClientSecretCredential({
      ...mergeDefaults(this.options, defaults),
      clientSecret: this.#secret,
      useBasicAuth: this.#basic,
    });
  }

  protected async clientAuthentication(): Promise<Record<string, string>> {
    // The form field is the form Microsoft documents first; Basic auth (RFC 6749 §2.3.1) goes in a header instead.
    return this.#basic ? {} : { client_secret: this.#secret };
  }

  protected knownSecrets(): string[] {
    return [this.#secret];
  }

  /** Basic auth header, when enabled. */
  protected override extraHeaders(): Record<string, string> {
    if (!this.#basic) return {};
    // RFC 6749 §2.3.1: client id and secret are form-urlencoded before base64.
    const pair = `${encodeURIComponent(this.options.clientId)}:${encodeURIComponent(this.#secret)}`;
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  }
}

/** Creates a {@link ClientSecretCredential}. */
export function clientSecretCredential(options: ClientSecretCredentialOptions): ClientSecretCredential {
  return new ClientSecretCredential(options);
}
