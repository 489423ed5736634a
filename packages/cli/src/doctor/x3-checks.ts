import { type X3ClientOptions, createX3Client, resolveX3ClientOptions } from '@mlc/sage-x3-client';
import type { CheckLog } from './doctor-check.js';
import { checkX3Auth } from './x3/check-x3-auth.js';
import { checkX3Clock } from './x3/check-x3-clock.js';
import { checkX3Endpoint } from './x3/check-x3-endpoint.js';
import { checkX3Entities } from './x3/check-x3-entities.js';
import { checkX3Hosts } from './x3/check-x3-hosts.js';

/**
 * Sage X3: the hosts, authentication in the configured mode (an authenticated request to the Syracuse endpoint
 * list), clock skew from the server's `Date` header, the endpoint folder, and each entity readable with a stamp.
 * Each step runs only when the ones it depends on passed.
 */
export async function checkSageX3(
  log: CheckLog,
  options: X3ClientOptions,
  context: { entities?: string[]; env: NodeJS.ProcessEnv; now: () => number },
): Promise<void> {
  const resolved = resolveX3ClientOptions(options);
  if (!(await checkX3Hosts(log, resolved, context))) return;
  const endpoints = await checkX3Auth(log, resolved, context.now);
  if (!endpoints) return;
  checkX3Clock(log, endpoints);
  if (endpoints.resources && !checkX3Endpoint(log, endpoints.resources, resolved.endpoint)) return;
  const client = createX3Client({ ...options, retry: { maxAttempts: 2 } });
  await checkX3Entities(log, client, resolved.transport, context.entities);
}
