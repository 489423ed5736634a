import { POWER_BI_LIMITS } from '@mlc/powerbi-push-client';
import { formatCount } from '../../output/format.js';
import type { CheckLog } from '../doctor-check.js';
import { POWER_BI_SECTION } from './service-text.js';

/** Checks the hourly rows quota headroom from the rows this sync posted in the last hour (a warning from 90 %). */
export function checkPowerBIQuota(log: CheckLog, posted: number): void {
  const limit = POWER_BI_LIMITS.maxRowsPerHour;
  const share = posted / limit;
  log.add({
    id: 'powerbi.quota',
    section: POWER_BI_SECTION,
    title: 'hourly rows quota headroom',
    status: share >= 0.9 ? 'warn' : 'ok',
    detail: `${formatCount(posted)} rows posted in the last hour by this sync (${(share * 100).toFixed(1)}% of ${formatCount(limit)} per dataset); ${POWER_BI_LIMITS.maxPostsPerMinute} POSTs per minute`,
    ...(share >= 0.9
      ? {
          remedy:
            'Close to the hourly quota: the sync waits for it (see throttles in mlc status); spread large loads over hours.',
        }
      : {}),
  });
}
