import type { CanonicalDataType, StoredValue } from './api/row-values.js';
import type { PowerBIFaultRule, PowerBIRouteKind } from './faults.js';
import type { RetentionPolicy } from './model.js';
import type { WorkspaceRole } from './options.js';
import type { PowerBIRequestLogEntry } from './request-log.js';
import type { SimulatorState } from './simulator-state.js';

/** A dataset as tests see it. */
export interface PowerBIDatasetSnapshot {
  id: string;
  groupId: string;
  name: string;
  defaultMode: string;
  retention: RetentionPolicy;
  addRowsAPIEnabled: boolean;
  createdAt: number;
  tables: Array<{
    name: string;
    columns: Array<{ name: string; dataType: CanonicalDataType }>;
    rowCount: number;
  }>;
}

/** Quota usage of one dataset in its current windows. */
export interface PowerBIQuotaSnapshot {
  pendingPosts: number;
  postsLastMinute: number;
  postsLastHour: number;
  rowsLastHour: number;
}

/** Inspection and steering of a running simulator (tests, CLI, benchmarks). */
export interface PowerBISimulatorControl {
  /** Every dataset with its tables and row counts. */
  datasets(): PowerBIDatasetSnapshot[];
  /** Copies of a table's stored rows (by default including rows still hidden by ingestion lag). */
  rows(
    datasetId: string,
    table: string,
    options?: { visibleOnly?: boolean },
  ): Array<Record<string, StoredValue>>;
  /** Quota usage of a dataset. */
  quota(datasetId: string): PowerBIQuotaSnapshot;
  /** The request log, oldest first, optionally filtered by route. */
  requests(filter?: { route?: PowerBIRouteKind }): PowerBIRequestLogEntry[];
  /** Empties the request log. */
  clearRequests(): void;
  /** Adds (or re-roles) an app in a workspace. */
  addMember(groupId: string, clientId: string, role?: WorkspaceRole): void;
  /** Removes an app from a workspace. */
  removeMember(groupId: string, clientId: string): void;
  /** Revokes issued tokens (all, or one app's); returns how many. */
  revokeTokens(filter?: { clientId?: string }): number;
  /** Makes issued tokens expire now (all, or one app's); returns how many. */
  expireTokens(filter?: { clientId?: string }): number;
  /** Replaces the fault rules. */
  setFaults(rules: PowerBIFaultRule[]): void;
  /** Adds one fault rule. */
  addFault(rule: PowerBIFaultRule): void;
  /** Removes every fault rule. */
  clearFaults(): void;
  /** The active fault rules. */
  faults(): PowerBIFaultRule[];
  /** Turns a tenant's executeQueries setting on or off (default tenant: the first). */
  setExecuteQueriesEnabled(enabled: boolean, tenantId?: string): void;
  /**
   * Turns a tenant's setting "Service principals can use Fabric/Power BI APIs" on or off (default tenant: the
   * first); while off, every API call of its apps answers 401 (tokens are still issued).
   */
  setServicePrincipalsEnabled(enabled: boolean, tenantId?: string): void;
  /** Replaces an app's client secret (`null` removes it), e.g. to simulate rotation. */
  setClientSecret(clientId: string, secret: string | null): void;
}

function mustGroup(state: SimulatorState, groupId: string) {
  const g = state.opts.groups.find((x) => x.id === groupId);
  if (!g) throw new RangeError(`Power BI simulator: unknown group '${groupId}'`);
  return g;
}

/** Builds the control object of a simulator instance. */
export function createControl(state: SimulatorState): PowerBISimulatorControl {
  const dataset = (id: string) => {
    const ds = state.datasets.get(id.toLowerCase());
    if (!ds) throw new RangeError(`Power BI simulator: unknown dataset '${id}'`);
    return ds;
  };
  return {
    datasets: () =>
      [...state.datasets.values()].map((ds) => ({
        id: ds.id,
        groupId: ds.groupId,
        name: ds.name,
        defaultMode: ds.defaultMode,
        retention: ds.retention,
        addRowsAPIEnabled: ds.addRowsAPIEnabled,
        createdAt: ds.createdAt,
        tables: ds.tables.map((t) => ({
          name: t.name,
          columns: t.columns.map((c) => ({ name: c.name, dataType: c.dataType })),
          rowCount: t.rows.length,
        })),
      })),
    rows: (datasetId, tableName, options) => {
      const table = dataset(datasetId).table(tableName);
      if (!table) throw new RangeError(`Power BI simulator: unknown table '${tableName}' in '${datasetId}'`);
      const now = state.now();
      return table.rows
        .filter((r) => !options?.visibleOnly || r.visibleAt <= now)
        .map((r) => ({ ...r.values }));
    },
    quota: (datasetId) => {
      const ds = dataset(datasetId);
      const now = state.now();
      return {
        pendingPosts: ds.pending,
        postsLastMinute: ds.posts.sum(now, state.minuteMs),
        postsLastHour: ds.posts.sum(now, state.hourMs),
        rowsLastHour: ds.rowsAdded.sum(now, state.hourMs),
      };
    },
    requests: (filter) =>
      state.log.filter((e) => filter?.route === undefined || e.route === filter.route).map((e) => ({ ...e })),
    clearRequests: () => {
      state.log.length = 0;
    },
    addMember: (groupId, clientId, role = 'Admin') => {
      mustGroup(state, groupId).members.set(clientId, role);
    },
    removeMember: (groupId, clientId) => {
      mustGroup(state, groupId).members.delete(clientId);
    },
    revokeTokens: (filter) => state.tokens.revoke(filter),
    expireTokens: (filter) => state.tokens.expire(state.now(), filter),
    setFaults: (rules) => state.faults.set(rules),
    addFault: (rule) => state.faults.add(rule),
    clearFaults: () => state.faults.set([]),
    faults: () => state.faults.list(),
    setExecuteQueriesEnabled: (enabled, tenantId) => {
      const tenant = tenantId === undefined ? state.opts.tenants[0] : state.tenant(tenantId);
      if (!tenant) throw new RangeError(`Power BI simulator: unknown tenant '${String(tenantId)}'`);
      tenant.executeQueriesEnabled = enabled;
    },
    setServicePrincipalsEnabled: (enabled, tenantId) => {
      const tenant = tenantId === undefined ? state.opts.tenants[0] : state.tenant(tenantId);
      if (!tenant) throw new RangeError(`Power BI simulator: unknown tenant '${String(tenantId)}'`);
      tenant.servicePrincipalsEnabled = enabled;
    },
    setClientSecret: (clientId, secret) => {
      const app = state.app(clientId);
      if (!app) throw new RangeError(`Power BI simulator: unknown app '${clientId}'`);
      app.clientSecret = secret;
    },
  };
}
