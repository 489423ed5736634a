import {
  type DatasetInfo,
  EntraCredential,
  POWER_BI_LIMITS,
  TABLE_CAPACITY_REMEDY,
  type PowerBIClientOptions,
  countRowsQuery,
  createPowerBIClient,
  resolvePowerBIClientOptions,
} from '@mlc/powerbi-push-client';
import { formatCount } from '../output/format.js';
import { type CheckLog, describeError } from './doctor-check.js';
import { checkHost } from './network-checks.js';

const SECTION = 'power-bi';
const NO_DATASET = '00000000-0000-0000-0000-000000000000';
const TENANT_SETTING =
  'A Fabric/Power BI admin must enable the developer tenant setting "Service principals can use Fabric APIs" (formerly "Allow service principals to use Power BI APIs"; newer tenants: "Service principals can call Fabric public APIs") for a security group holding this service principal. Changes take 15-30 minutes to apply.';
const WORKSPACE_REMEDY =
  'Add the service principal to the workspace (Workspace → Manage access, or POST /groups/{groupId}/users with principalType "App" and the Enterprise application object id) as Member or Admin (Contributor is enough to create push datasets and post rows; Viewer is not).';
const QUERIES_REMEDY =
  'A Power BI admin must enable the tenant setting "Dataset Execute Queries REST API" (Integration settings), and the service principal needs Read and Build on the dataset. Verification of uncertain POSTs counts rows with it; without it choose verification.whenUnsupported (resend / skip / halt).';

function statusOf(error: unknown): number | undefined {
  const s = (error as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

/** The server's code and message of a Power BI HTTP error, for a check's detail. */
function serviceText(error: unknown): string {
  const e = error as { serviceCode?: string; serviceMessage?: string };
  const d = describeError(error);
  return `${statusOf(error) ?? ''} ${e.serviceCode ?? d.code ?? ''}: ${e.serviceMessage ?? d.message}`.trim();
}

/**
 * Power BI: the hosts, the Entra token (AADSTS codes mapped to remedies), the tenant setting for service principals
 * and workspace membership (told apart by a collection and an item probe), the dataset, executeQueries, table row
 * counts against the 5M cap and the hourly rows quota headroom.
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
  const hosts = new Map<string, string>();
  hosts.set(new URL(resolved.authorityHost).origin, resolved.authorityHost);
  hosts.set(new URL(resolved.apiBase).origin, resolved.apiBase);
  let reachable = true;
  for (const url of hosts.values()) {
    reachable =
      (await checkHost(log, {
        id: 'powerbi.host',
        section: SECTION,
        label: 'Entra ID / Power BI',
        url,
        env: context.env,
        now: context.now(),
      })) && reachable;
  }
  if (!reachable) {
    log.add({
      id: 'powerbi.token',
      section: SECTION,
      title: 'Entra ID token for the service principal',
      status: 'skip',
      detail: 'host unreachable',
    });
    return;
  }

  // 1. The token, straight from the credential (no API call), so Entra's answer is not mixed with Power BI's.
  const credential =
    resolved.credential instanceof EntraCredential
      ? resolved.credential.withDefaults({
          authorityHost: resolved.authorityHost,
          retry: { maxAttempts: 2 },
          ...(resolved.fetch ? { fetch: resolved.fetch } : {}),
        })
      : resolved.credential;
  try {
    const token = await credential.getToken(resolved.scope);
    if (!token)
      throw Object.assign(new Error('the credential returned no token'), { code: 'PBI_TOKEN_UNAVAILABLE' });
    log.add({
      id: 'powerbi.token',
      section: SECTION,
      title: 'Entra ID token for the service principal',
      status: 'ok',
      detail: `token for ${resolved.scope}, valid until ${new Date(token.expiresOnTimestamp).toISOString()}`,
    });
  } catch (error) {
    const e = describeError(error);
    const aadsts = (error as { aadstsCode?: number }).aadstsCode;
    log.add({
      id: 'powerbi.token',
      section: SECTION,
      title: 'Entra ID token for the service principal',
      status: 'fail',
      detail: `${aadsts !== undefined ? `AADSTS${aadsts}` : (e.code ?? 'error')}: ${e.message}`,
      remedy:
        e.hint ??
        'Check the tenant id, client id and the secret value or certificate of the app registration.',
      data: { code: e.code, aadsts },
    });
    return;
  }

  // 2. Tenant setting and workspace. A collection path answers 401 PowerBINotAuthorizedException both when the
  // tenant does not allow service principals and when the principal is not a workspace member (powerbi reference
  // §5.5-5.6); an item path answers 404 PowerBIEntityNotFound for a non-member but still 401 when the tenant refuses
  // ([inferred] from §5.5: 404 "frequently a permission problem"), which tells the two apart.
  const client = createPowerBIClient({ ...options, retry: { maxAttempts: 2 } });
  let datasets: DatasetInfo[] | undefined;
  try {
    datasets = await client.listDatasets();
  } catch (error) {
    if (statusOf(error) !== 401 && statusOf(error) !== 403) {
      log.add({
        id: 'powerbi.api',
        section: SECTION,
        title: 'Power BI REST API answers',
        status: 'fail',
        detail: serviceText(error),
        remedy: describeError(error).hint ?? 'Check apiBase and the workspace (groupId).',
      });
      return;
    }
    let itemStatus: number | undefined;
    try {
      await client.listTables(NO_DATASET);
    } catch (probe) {
      itemStatus = statusOf(probe);
    }
    if (itemStatus === 404) {
      log.add({
        id: 'powerbi.tenant-setting',
        section: SECTION,
        title: 'tenant lets service principals use the Power BI APIs',
        status: 'ok',
        detail: 'the API accepts the principal',
      });
      log.add({
        id: 'powerbi.workspace',
        section: SECTION,
        title: `service principal has a role in workspace ${resolved.groupId}`,
        status: 'fail',
        detail: serviceText(error),
        remedy: WORKSPACE_REMEDY,
      });
    } else {
      log.add({
        id: 'powerbi.tenant-setting',
        section: SECTION,
        title: 'tenant lets service principals use the Power BI APIs',
        status: 'fail',
        detail: serviceText(error),
        remedy: TENANT_SETTING,
      });
      log.add({
        id: 'powerbi.workspace',
        section: SECTION,
        title: `service principal has a role in workspace ${resolved.groupId}`,
        status: 'skip',
        detail: 'the tenant refuses the principal',
      });
    }
    return;
  }
  log.add({
    id: 'powerbi.tenant-setting',
    section: SECTION,
    title: 'tenant lets service principals use the Power BI APIs',
    status: 'ok',
  });
  log.add({
    id: 'powerbi.workspace',
    section: SECTION,
    title: `service principal has a role in workspace ${resolved.groupId}`,
    status: 'ok',
    detail: `lists ${datasets.length} dataset(s); the role itself is not readable by the principal (Contributor or higher is needed to create datasets)`,
  });

  // 3. The dataset.
  if (context.dataset === undefined) return;
  const named = datasets.filter((d) => d.name === context.dataset);
  const now = context.now();
  if (named.length === 0) {
    const retired = now >= POWER_BI_LIMITS.pushDatasetCreationEndsAt;
    log.add({
      id: 'powerbi.dataset',
      section: SECTION,
      title: `push dataset "${context.dataset}" exists or can be created`,
      status: retired ? 'fail' : 'warn',
      detail: retired
        ? 'it does not exist, and Power BI no longer creates push datasets (after 2027-10-31)'
        : 'it does not exist yet: the first run creates it',
      ...(retired ? { remedy: 'Use an existing push dataset; new ones cannot be created any more.' } : {}),
    });
    log.add({
      id: 'powerbi.execute-queries',
      section: SECTION,
      title: 'executeQueries is allowed (verification counts rows with it)',
      status: 'skip',
      detail: 'checked once the dataset exists',
    });
    return;
  }
  if (named.length > 1) {
    log.add({
      id: 'powerbi.dataset',
      section: SECTION,
      title: `push dataset "${context.dataset}" exists or can be created`,
      status: 'fail',
      detail: `${named.length} datasets share the name: ${named.map((d) => d.id).join(', ')}`,
      remedy: 'Delete the extra datasets in the workspace, keeping the one with data.',
    });
    return;
  }
  const dataset = named[0] as DatasetInfo;
  if (dataset.addRowsAPIEnabled === false) {
    log.add({
      id: 'powerbi.dataset',
      section: SECTION,
      title: `push dataset "${context.dataset}" exists or can be created`,
      status: 'fail',
      detail: `dataset ${dataset.id} is not a push dataset (addRowsAPIEnabled false)`,
      remedy: 'Choose another dataset name, or remove the non-push dataset of that name.',
    });
    return;
  }
  log.add({
    id: 'powerbi.dataset',
    section: SECTION,
    title: `push dataset "${context.dataset}" exists or can be created`,
    status: 'ok',
    detail: `dataset ${dataset.id}`,
  });

  // 4. executeQueries (with the row count the engine's verification uses), then the row caps.
  const tables = context.tables ?? (await client.listTables(dataset.id)).map((t) => t.name);
  const queriesTitle = 'executeQueries is allowed (verification counts rows with it)';
  const counts = new Map<string, number>();
  for (const [i, table] of tables.entries()) {
    try {
      const [row] = await client.executeQuery(dataset.id, countRowsQuery(table));
      counts.set(table, Number(Object.values(row ?? {})[0] ?? 0));
      if (i === 0)
        log.add({ id: 'powerbi.execute-queries', section: SECTION, title: queriesTitle, status: 'ok' });
    } catch (error) {
      const e = describeError(error);
      if (e.code === 'PBI_QUERY_UNAVAILABLE') {
        log.add({
          id: 'powerbi.execute-queries',
          section: SECTION,
          title: queriesTitle,
          status: 'fail',
          detail: `${e.code}: ${serviceText(error)}`,
          remedy: QUERIES_REMEDY,
        });
        return;
      }
      log.add({
        id: `powerbi.rows.${table}`,
        section: SECTION,
        title: `table ${table} is below the 5M-row cap`,
        status: 'fail',
        detail: `${e.code ?? 'error'}: ${e.message}`,
        remedy: 'The table is missing or unreadable: the next run recreates a missing table.',
      });
    }
  }
  const cap = POWER_BI_LIMITS.maxRowsPerTableNone;
  // The client's first capacity warning (80 %), so doctor and the sync's alert agree.
  const warnShare = POWER_BI_LIMITS.tableCapacityWarnings[0] ?? 0.8;
  for (const [table, n] of counts) {
    const share = n / cap;
    log.add({
      id: `powerbi.rows.${table}`,
      section: SECTION,
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
  const posted = await context.rowsPostedLastHour?.();
  if (posted !== undefined) {
    const limit = POWER_BI_LIMITS.maxRowsPerHour;
    const share = posted / limit;
    log.add({
      id: 'powerbi.quota',
      section: SECTION,
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
}
