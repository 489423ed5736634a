import { redactText } from '@mlc/core';
import { X3AuthError } from '../errors/x3-auth-error.js';
import { describeServerMessage } from './describe-server-message.js';
import type { X3AuthStrategy } from './x3-auth-strategy.js';

/** Options of {@link basicAuth}. */
export interface BasicAuthOptions {
  /** Syracuse login mapped to an X3 user ([documented] §1.5). */
  user: string;
  /** Its password. Never logged; redacted from every error. */
  password: string;
}

/**
 * HTTP Basic authentication (`Authorization: Basic base64(user:password)`, [documented] reference §1.5). Syracuse
 * must list `basic` in `session.auth`; use it over HTTPS only. Works for REST api1 and, on many sites, for
 * `/xtrem/api` ([observed] §2.2).
 */
export function basicAuth(options: BasicAuthOptions): X3AuthStrategy {
  if (!options.user) throw new TypeError('basicAuth: user is required');
  if (options.user.includes(':')) throw new TypeError('basicAuth: user must not contain ":" (RFC 7617)');
  const header = `Basic ${Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64')}`;
  return {
    kind: 'basic',
    start() {
      return {
        provider: { getHeaders: async () => ({ authorization: header }) },
        knownSecrets: () => [options.password, header.slice(6)],
        describeRejection(context) {
          const serverMessage = describeServerMessage(context.text);
          return new X3AuthError({
            message: `X3 refused the credentials of Basic-auth user '${options.user}' (HTTP ${context.status}): check the password, that the Syracuse user is enabled for basic authentication and mapped to an X3 user with rights on this endpoint`,
            code: 'X3_AUTH_REJECTED',
            status: context.status,
            ...(serverMessage ? { serverMessage: redactText(serverMessage, [options.password]) } : {}),
          });
        },
      };
    },
  };
}
