import type { SageX3EntityName, SimRecord } from '../data/entity-definition.js';
import { formatStamp } from '../data/field-value.js';
import { resolveFaults } from '../faults/fault-options.js';
import type { SageX3SimRecord, SageX3SimulatorControl } from './sage-x3-simulator.js';
import type { SageX3SimState } from './sage-x3-sim-state.js';

/** Converts an internal record to the control API view. */
function view(entity: SageX3EntityName, r: SimRecord): SageX3SimRecord {
  return {
    entity,
    key: r.key,
    createdAt: formatStamp(r.createdAt),
    updatedAt: formatStamp(r.updatedAt),
    values: r.values,
    ...(r.lines ? { lines: r.lines } : {}),
  };
}

/** The stamp (epoch seconds) of a control change: `at` when given (ISO), else the simulator's now. */
function stampOf(state: SageX3SimState, at: string | undefined): number {
  if (at === undefined) return state.nowSec();
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`sage-x3 simulator: invalid stamp ${at}`);
  return Math.floor(ms / 1000);
}

/** Builds the in-process control API (data changes, faults, request log, credentials) over one simulator. */
export function createSageX3Control(state: SageX3SimState): SageX3SimulatorControl {
  const { dataset, faults, log, oauth } = state;
  return {
    setFaults: (f) => faults.set(resolveFaults(f)),
    clearFaults: () => faults.set(resolveFaults({})),
    insert: (entity, changes = {}) => {
      const r = dataset.tables[entity].insert(
        {
          ...(changes.key !== undefined ? { key: changes.key } : {}),
          ...(changes.values ? { values: changes.values } : {}),
          ...(changes.lines ? { lines: changes.lines } : {}),
          ...(changes.restOverrides ? { restOverrides: changes.restOverrides } : {}),
        },
        stampOf(state, changes.at),
      );
      return view(entity, r);
    },
    update: (entity, key, changes = {}) => {
      const r = dataset.tables[entity].update(
        key,
        {
          ...(changes.values ? { values: changes.values } : {}),
          ...(changes.lines ? { lines: changes.lines } : {}),
          ...(changes.restOverrides ? { restOverrides: changes.restOverrides } : {}),
        },
        stampOf(state, changes.at),
      );
      return view(entity, r);
    },
    delete: (entity, key) => dataset.tables[entity].delete(key),
    get: (entity, key) => {
      const r = dataset.tables[entity].get(key);
      return r ? view(entity, r) : undefined;
    },
    records: function* (entity) {
      for (const r of dataset.tables[entity].scanByKey()) yield view(entity, r);
    },
    count: (entity) => dataset.tables[entity].size,
    lineCount: (entity) => dataset.tables[entity].lineTotal(),
    requestLog: () => log.entries(),
    clearRequestLog: () => log.clear(),
    setUserPassword: (user, password) => {
      state.users = [...state.users.filter((u) => u.user !== user), { user, password }];
    },
    revokeTokens: (clientId) => oauth.revokeAll(clientId),
    revokeRefreshToken: (token) => oauth.revokeRefreshToken(token),
    refreshTokenState: (token) => oauth.refreshTokenState(token),
    issueAuthorizationCode: (clientId) => oauth.issueAuthorizationCode(clientId),
    mintRefreshToken: (clientId) => oauth.mintRefreshToken(clientId),
    generatedRecords: () => dataset.stats.generated,
  };
}
