import type { CheckLog } from '../doctor-check.js';
import type { EndpointResource } from './check-x3-auth.js';
import { X3_SECTION } from './x3-section.js';

/**
 * Checks that the endpoint folder `endpoint` is one of the server's Syracuse endpoints (a failure names the ones it
 * has). Returns whether it is.
 */
export function checkX3Endpoint(
  log: CheckLog,
  resources: readonly EndpointResource[],
  endpoint: string,
): boolean {
  const title = `Sage X3 endpoint folder ${endpoint} exists`;
  const names = resources.map((r) => String(r.dataset ?? ''));
  const found = resources.find((r) => r.dataset === endpoint);
  if (!found) {
    log.add({
      id: 'x3.endpoint',
      section: X3_SECTION,
      title,
      status: 'fail',
      detail: `no endpoint ${endpoint}; the server has: ${names.join(', ') || '(none visible)'}`,
      remedy:
        'Set `endpoint` to one of the listed Syracuse endpoint names (not the X3 folder name; they can differ).',
      data: { endpoints: names },
    });
    return false;
  }
  log.add({
    id: 'x3.endpoint',
    section: X3_SECTION,
    title,
    status: 'ok',
    detail: `X3 folder ${String(found.x3ServerFolder ?? endpoint)}`,
  });
  return true;
}
