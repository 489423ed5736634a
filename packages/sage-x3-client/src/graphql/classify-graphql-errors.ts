import type { FailureKind } from '@mlc/core';
import type { X3GraphQLErrorEntry } from '../errors/x3-graphql-error.js';

const TRANSIENT_CODES = new Set([
  'TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'UNAVAILABLE',
  'TRANSIENT',
  'DEADLOCK',
  'LOCKED',
]);
const TRANSIENT_RE =
  /time[ -]?out|temporar|unavailable|try again|deadlock|lock(ed)? |too many requests|overload|ECONNRESET/i;
const AUTH_RE =
  /not authori[sz]ed|unauthori[sz]ed|forbidden|access (is )?denied|no (read )?(access|rights)|permission/i;
const CLIENT_RE =
  /cannot query field|unknown (argument|type|field)|syntax error|invalid (filter|orderby|value)|expected/i;

/**
 * Classifies GraphQL `errors[]`. The reference documents no error codes for X3 GraphQL ([documented] §2.8 gives
 * only messages), so classification reads `extensions.code` when present and otherwise the message ([inferred]):
 * timeouts/locks/unavailability are `transient` (retried), access-right problems `auth`, query mistakes `client`,
 * anything else `server` (not retried: an unknown server error on a read is reported, not hammered).
 */
export function classifyGraphQLErrors(errors: readonly X3GraphQLErrorEntry[]): FailureKind {
  const kinds = errors.map((e): FailureKind => {
    const code = typeof e.extensions?.code === 'string' ? e.extensions.code.toUpperCase() : '';
    if (TRANSIENT_CODES.has(code) || TRANSIENT_RE.test(e.message)) return 'transient';
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || AUTH_RE.test(e.message)) return 'auth';
    if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT' || CLIENT_RE.test(e.message))
      return 'client';
    return 'server';
  });
  // Retry only when every error is transient: retrying cannot fix the others.
  if (kinds.every((k) => k === 'transient')) return 'transient';
  return kinds.find((k) => k !== 'transient') ?? 'server';
}
