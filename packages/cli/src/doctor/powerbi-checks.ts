import {
  type PowerBIClientOptions,
  createPowerBIClient,
  resolvePowerBIClientOptions,
} from '@mlc/powerbi-push-client';
import type { CheckLog } from './doctor-check.js';
import { checkPowerBIAccess } from './powerbi/check-power-bi-access.js';
import { checkPowerBIDataset } from './powerbi/check-power-bi-dataset.js';
import { checkPowerBIHosts } from './powerbi/check-power-bi-hosts.js';
import { checkPowerBIQuota } from './powerbi/check-power-bi-quota.js';
import { checkPowerBITables } from './powerbi/check-power-bi-tables.js';
import { checkPowerBIToken } from './powerbi/check-power-bi-token.js';

/**
 * Power BI: the hosts, the Entra token (AADSTS codes mapped to remedies), the tenant setting for service principals
 * and workspace membership (told apart by a collection and an item probe), the dataset, executeQueries, table row
 * counts against the 5M cap and the hourly rows quota headroom. Each step runs only when the one before passed.
 */
export async function checkPowerBI(
  log: CheckLog,
  options: PowerBIClientOptions,
  context: {
    dataset?: string;
    tables?: string[];
    env: NodeJS.ProcessEnv;
    now: () => number;
    rowsPostedLastHour?: () => Promise<number | undefined>;
  },
): Promise<void> {
  const resolved = resolvePowerBIClientOptions(options);
  if (!(await checkPowerBIHosts(log, resolved, context))) return;
  if (!(await checkPowerBIToken(log, resolved))) return;
  const client = createPowerBIClient({ ...options, retry: { maxAttempts: 2 } });
  const datasets = await checkPowerBIAccess(log, client, resolved.groupId);
  if (!datasets || context.dataset === undefined) return;
  const dataset = checkPowerBIDataset(log, datasets, context.dataset, context.now());
  if (!dataset) return;
  if (!(await checkPowerBITables(log, client, dataset, context.tables))) return;
  const posted = await context.rowsPostedLastHour?.();
  if (posted !== undefined) checkPowerBIQuota(log, posted);
}
