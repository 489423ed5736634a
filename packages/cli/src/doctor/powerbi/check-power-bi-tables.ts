import {
  type DatasetInfo,
  POWER_BI_LIMITS,
  type PowerBIClient,
  TABLE_CAPACITY_REMEDY,
  countRowsQuery,
} from '@mlc/powerbi-push-client';
import { formatCount } from '../../output/format.js';
import { type CheckLog, describeError } from '../doctor-check.js';
import { POWER_BI_SECTION, serviceText } from './service-text.js';

const QUERIES_TITLE = 'executeQueries is allowed (verification counts rows with it)';
const QUERIES_REMEDY =
  'A Power BI admin must enable the tenant setting "Dataset Execute Queries REST API" (Integration settings), and the service principal needs Read and Build on the dataset. Verification of uncertain POSTs counts rows with it; without it choose verification.whenUnsupported (resend / skip / halt).';

/**
 * Counts the rows of the dataset's tables (`tables`, else every table it has) with executeQueries, as the engine's
 * verification does: checks that executeQueries is allowed, then each table's rows against the 5M-row cap (a
 * warning from the client's first capacity warning on, so doctor and the sync's alert agree). Returns false when
 * executeQueries is refused (no row check is recorded then).
 */
export async function checkPowerBITables(
  log: CheckLog,
  client: PowerBIClient,
  dataset: DatasetInfo,
  tables: readonly string[] | undefined,
): Promise<boolean> {
  const counts = await countRows(log, client, dataset, tables);
  if (!counts) return false;
  const cap = POWER_BI_LIMITS.maxRowsPerTableNone;
  const warnShare = POWER_BI_LIMITS.tableCapacityWarnings[0] ?? 0.8;
  for (const [table, n] of counts) {
    const share = n / cap;
    log.add({
      id: `powerbi.rows.${table}`,
      section: POWER_BI_SECTION,
      title: `table ${table} is below the 5M-row cap`,
      status: share >= 1 ? 'fail' : share >= warnShare ? 'warn' : 'ok',
      detail: `${formatCount(n)} rows (${(share * 100).toFixed(1)}% of ${formatCount(cap)})`,
      ...(share >= warnShare
        ? {
            remedy: TABLE_CAPACITY_REMEDY,
          }
        : {}),
      data: { rows: n },
    });
  }
  return true;
}

/**
 * The row count of each readable table, checking executeQueries on the first; undefined when executeQueries is
 * refused. A table that cannot be counted for another reason fails its own row check here.
 */
async function countRows(
  log: CheckLog,
  client: PowerBIClient,
  dataset: DatasetInfo,
  only: readonly string[] | undefined,
): Promise<Map<string, number> | undefined> {
  const tables = only ?? (await client.listTables(dataset.id)).map((t) => t.name);
  const counts = new Map<string, number>();
  for (const [i, table] of tables.entries()) {
    try {
      const [row] = await client.executeQuery(dataset.id, countRowsQuery(table));
      counts.set(table, Number(Object.values(row ?? {})[0] ?? 0));
      if (i === 0)
        log.add({
          id: 'powerbi.execute-queries',
          section: POWER_BI_SECTION,
          title: QUERIES_TITLE,
          status: 'ok',
        });
    } catch (error) {
      const e = describeError(error);
      if (e.code === 'PBI_QUERY_UNAVAILABLE') {
        log.add({
          id: 'powerbi.execute-queries',
          section: POWER_BI_SECTION,
          title: QUERIES_TITLE,
          status: 'fail',
          detail: `${e.code}: ${serviceText(error)}`,
          remedy: QUERIES_REMEDY,
        });
        return undefined;
      }
      log.add({
        id: `powerbi.rows.${table}`,
        section: POWER_BI_SECTION,
        title: `table ${table} is below the 5M-row cap`,
        status: 'fail',
        detail: `${e.code ?? 'error'}: ${e.message}`,
        remedy: 'The table is missing or unreadable: the next run recreates a missing table.',
      });
    }
  }
  return counts;
}
