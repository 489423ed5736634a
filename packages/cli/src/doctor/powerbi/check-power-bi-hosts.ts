import type { ResolvedPowerBIClientOptions } from '@mlc/powerbi-push-client';
import type { CheckLog } from '../doctor-check.js';
import { checkHost } from '../network-checks.js';
import { POWER_BI_SECTION } from './service-text.js';

/**
 * Checks that the Entra ID and Power BI hosts answer (one `powerbi.host` check per origin). When one does not, the
 * token check is recorded as skipped. Returns whether every host answered.
 */
export async function checkPowerBIHosts(
  log: CheckLog,
  resolved: ResolvedPowerBIClientOptions,
  context: { env: NodeJS.ProcessEnv; now: () => number },
): Promise<boolean> {
  const hosts = new Map<string, string>();
  hosts.set(new URL(resolved.authorityHost).origin, resolved.authorityHost);
  hosts.set(new URL(resolved.apiBase).origin, resolved.apiBase);
  let reachable = true;
  for (const url of hosts.values()) {
    reachable =
      (await checkHost(log, {
        id: 'powerbi.host',
        section: POWER_BI_SECTION,
        label: 'Entra ID / Power BI',
        url,
        env: context.env,
        now: context.now(),
      })) && reachable;
  }
  if (!reachable) {
    log.add({
      id: 'powerbi.token',
      section: POWER_BI_SECTION,
      title: 'Entra ID token for the service principal',
      status: 'skip',
      detail: 'host unreachable',
    });
  }
  return reachable;
}
