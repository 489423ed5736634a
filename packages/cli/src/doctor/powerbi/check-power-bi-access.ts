import type { DatasetInfo, PowerBIClient } from '@mlc/powerbi-push-client';
import { type CheckLog, describeError } from '../doctor-check.js';
import { POWER_BI_SECTION, httpStatusOf, serviceText } from './service-text.js';

const NO_DATASET = '00000000-0000-0000-0000-000000000000';
const TENANT_SETTING =
  'A Fabric/Power BI admin must enable the developer tenant setting "Service principals can use Fabric APIs" (formerly "Allow service principals to use Power BI APIs"; newer tenants: "Service principals can call Fabric public APIs") for a security group holding this service principal. Changes take 15-30 minutes to apply.';
const WORKSPACE_REMEDY =
  'Add the service principal to the workspace (Workspace → Manage access, or POST /groups/{groupId}/users with principalType "App" and the Enterprise application object id) as Member or Admin (Contributor is enough to create push datasets and post rows; Viewer is not).';
const TENANT_TITLE = 'tenant lets service principals use the Power BI APIs';

/**
 * Checks the tenant setting for service principals and the principal's workspace membership by listing the
 * workspace's datasets; returns them, or undefined when the API refused. A collection path answers 401
 * PowerBINotAuthorizedException both when the tenant does not allow service principals and when the principal is
 * not a workspace member (powerbi reference §5.5-5.6); an item path answers 404 PowerBIEntityNotFound for a
 * non-member but still 401 when the tenant refuses ([inferred] from §5.5: 404 "frequently a permission problem"),
 * which tells the two apart.
 */
export async function checkPowerBIAccess(
  log: CheckLog,
  client: PowerBIClient,
  groupId: string,
): Promise<DatasetInfo[] | undefined> {
  const workspaceTitle = `service principal has a role in workspace ${groupId}`;
  let datasets: DatasetInfo[];
  try {
    datasets = await client.listDatasets();
  } catch (error) {
    await reportRefusal(log, client, workspaceTitle, error);
    return undefined;
  }
  log.add({ id: 'powerbi.tenant-setting', section: POWER_BI_SECTION, title: TENANT_TITLE, status: 'ok' });
  log.add({
    id: 'powerbi.workspace',
    section: POWER_BI_SECTION,
    title: workspaceTitle,
    status: 'ok',
    detail: `lists ${datasets.length} dataset(s); the role itself is not readable by the principal (Contributor or higher is needed to create datasets)`,
  });
  return datasets;
}

/** Says why listing the datasets failed: the API itself, the workspace membership, or the tenant setting. */
async function reportRefusal(
  log: CheckLog,
  client: PowerBIClient,
  workspaceTitle: string,
  error: unknown,
): Promise<void> {
  if (httpStatusOf(error) !== 401 && httpStatusOf(error) !== 403) {
    log.add({
      id: 'powerbi.api',
      section: POWER_BI_SECTION,
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
    itemStatus = httpStatusOf(probe);
  }
  if (itemStatus === 404) {
    log.add({
      id: 'powerbi.tenant-setting',
      section: POWER_BI_SECTION,
      title: TENANT_TITLE,
      status: 'ok',
      detail: 'the API accepts the principal',
    });
    log.add({
      id: 'powerbi.workspace',
      section: POWER_BI_SECTION,
      title: workspaceTitle,
      status: 'fail',
      detail: serviceText(error),
      remedy: WORKSPACE_REMEDY,
    });
  } else {
    log.add({
      id: 'powerbi.tenant-setting',
      section: POWER_BI_SECTION,
      title: TENANT_TITLE,
      status: 'fail',
      detail: serviceText(error),
      remedy: TENANT_SETTING,
    });
    log.add({
      id: 'powerbi.workspace',
      section: POWER_BI_SECTION,
      title: workspaceTitle,
      status: 'skip',
      detail: 'the tenant refuses the principal',
    });
  }
}
