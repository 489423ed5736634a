import { formatDuration } from '../../output/format.js';
import type { CheckLog } from '../doctor-check.js';
import type { EndpointListAnswer } from './check-x3-auth.js';
import { X3_SECTION } from './x3-section.js';

const SKEW_WARN_MS = 60_000;
const SKEW_FAIL_MS = 300_000;

/**
 * Checks the clock skew against the Sage X3 server from the `Date` header of the endpoint-list answer (nothing is
 * recorded without a readable one): a warning above a minute, a failure above five.
 */
export function checkX3Clock(log: CheckLog, answer: EndpointListAnswer): void {
  const { serverDate, sentAt, receivedAt } = answer;
  if (serverDate === undefined || !Number.isFinite(serverDate)) return;
  // Date has a resolution of one second; compare with the middle of the request.
  const skew = serverDate - (sentAt + receivedAt) / 2;
  const abs = Math.abs(skew);
  const direction = skew > 0 ? 'ahead of' : 'behind';
  log.add({
    id: 'x3.clock',
    section: X3_SECTION,
    title: 'clock skew against the Sage X3 server',
    status: abs > SKEW_FAIL_MS ? 'fail' : abs > SKEW_WARN_MS ? 'warn' : 'ok',
    detail:
      abs <= 1_500
        ? 'in step (within the Date header’s 1 s resolution)'
        : `the server's clock is ${formatDuration(abs)} ${direction} this machine's`,
    ...(abs > SKEW_WARN_MS
      ? {
          remedy:
            "Synchronise this machine's clock (NTP: timedatectl set-ntp true, w32tm /resync); if it is right, ask the X3 administrator to fix the server's. Connected-app JWTs (iat/exp), token lifetimes and the sync's safety lag all assume the clocks agree.",
        }
      : {}),
    data: { skewMs: Math.round(skew) },
  });
}
