import type { ResolvedX3ClientOptions } from '@mlc/sage-x3-client';
import type { CheckLog } from '../doctor-check.js';
import { checkHost } from '../network-checks.js';
import { X3_SECTION, x3AuthTitle } from './x3-section.js';

/**
 * Checks that the Sage X3 hosts answer (the REST base URL's and, for GraphQL, the GraphQL URL's origin). When one
 * does not, the authentication check is recorded as skipped. Returns whether every host answered.
 */
export async function checkX3Hosts(
  log: CheckLog,
  resolved: ResolvedX3ClientOptions,
  context: { env: NodeJS.ProcessEnv; now: () => number },
): Promise<boolean> {
  const origins = new Map<string, string>([[new URL(resolved.baseUrl).origin, resolved.baseUrl]]);
  if (resolved.transport === 'graphql') origins.set(new URL(resolved.graphqlUrl).origin, resolved.graphqlUrl);
  let reachable = true;
  for (const url of origins.values()) {
    reachable =
      (await checkHost(log, {
        id: 'x3.host',
        section: X3_SECTION,
        label: 'Sage X3',
        url,
        ...(resolved.tls ? { tls: resolved.tls } : {}),
        env: context.env,
        now: context.now(),
      })) && reachable;
  }
  if (!reachable) {
    log.add({
      id: 'x3.auth',
      section: X3_SECTION,
      title: x3AuthTitle(resolved.auth.kind),
      status: 'skip',
      detail: 'host unreachable',
    });
  }
  return reachable;
}
