import { type Sync, createSync, latestAudit, readSyncStatus } from '@mlc/sync-engine';
import type { MlcConfig } from '../config/mlc-config.js';
import { CheckLog, type DoctorCheck, type DoctorReport, describeError } from './doctor-check.js';
import { checkPowerBI } from './powerbi-checks.js';
import { checkSageX3 } from './x3-checks.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Options of {@link runDoctor}. */
export interface RunDoctorOptions {
  /** Called after each check (progress on a terminal). */
  onCheck?: (check: DoctorCheck) => void;
  /** Check ids or id prefixes to skip (e.g. `powerbi.rows`). */
  skip?: readonly string[];
  /** Environment (proxy hints). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Now. @default Date.now */
  now?: () => number;
}

/**
 * Diagnoses a configuration step by step: the sync configuration, the state store (and what it knows: failing
 * streams, parked records), the X3 refresh token's days left, Sage X3 (hosts, auth, endpoint folder, clock skew,
 * entities) and Power BI (hosts, Entra token, tenant setting, workspace, dataset, executeQueries, row caps, quota).
 * Never throws for a finding; never puts a secret in a check.
 */
export async function runDoctor(config: MlcConfig, options: RunDoctorOptions = {}): Promise<DoctorReport> {
  const log = new CheckLog(options.onCheck, options.skip);
  const env = options.env ?? process.env;
  const now = options.now ?? (() => Date.now());
  const sync = checkConfig(log, config);
  const storeOpen = !log.skipped('store') && (await checkStore(log, config));
  if (storeOpen && !log.skipped('store.health')) await checkStoreHealth(log, config, now());

  const x3 = config.doctor?.x3;
  if (x3 && x3.auth.kind === 'oauth2-refresh-token' && !log.skipped('x3.refresh-token')) {
    await checkRefreshToken(log, config, sync, storeOpen, now());
  }
  if (x3 && !log.skipped('x3')) {
    await checkSageX3(log, x3, {
      env,
      now,
      ...(config.doctor?.x3Entities ? { entities: config.doctor.x3Entities } : {}),
    });
  }
  const powerbi = config.doctor?.powerbi;
  if (powerbi && !log.skipped('powerbi')) {
    await checkPowerBI(log, powerbi, {
      env,
      now,
      ...(config.doctor?.dataset !== undefined ? { dataset: config.doctor.dataset } : {}),
      ...(config.doctor?.tables ? { tables: config.doctor.tables } : {}),
      ...(storeOpen ? { rowsPostedLastHour: () => rowsPostedSince(config, now() - HOUR_MS) } : {}),
    });
  }
  if (!x3 && !powerbi) {
    log.add({
      id: 'targets',
      section: 'config',
      title: 'Sage X3 and Power BI checks',
      status: 'warn',
      detail: 'mlc.config has no `doctor` section: only the configuration and the store were checked',
      remedy:
        'Add doctor: { x3: <X3 client options>, powerbi: <Power BI client options>, dataset: <name> } to mlc.config.',
    });
  }
  return log.report();
}

/** The configuration is valid: the sync it describes can be created (returned), else a failed check. */
function checkConfig(log: CheckLog, config: MlcConfig): Sync | undefined {
  try {
    const sync = createSync(config);
    log.add({
      id: 'config',
      section: 'config',
      title: 'configuration is valid',
      status: 'ok',
      detail: `${sync.streams.length} stream(s): ${sync.streams.join(', ')}`,
    });
    return sync;
  } catch (error) {
    const e = describeError(error);
    log.add({
      id: 'config',
      section: 'config',
      title: 'configuration is valid',
      status: 'fail',
      detail: `${e.code ?? 'error'}: ${e.message}`,
      remedy: 'Fix the option named in the message in mlc.config.',
    });
    return undefined;
  }
}

/** The state store opens (returns whether it did) and reports its schema version. */
async function checkStore(log: CheckLog, config: MlcConfig): Promise<boolean> {
  try {
    await config.store.open();
    log.add({
      id: 'store',
      section: 'store',
      title: 'state store opens',
      status: 'ok',
      detail: `schema version ${await config.store.schemaVersion()}`,
    });
    return true;
  } catch (error) {
    const e = describeError(error);
    log.add({
      id: 'store',
      section: 'store',
      title: 'state store opens',
      status: 'fail',
      detail: `${e.code ?? 'error'}: ${e.message}`,
      remedy:
        "Check the store's path or connection string and its permissions; a newer schema needs a newer engine.",
    });
    return false;
  }
}

/** What the open store knows: streams whose last run failed and open dead letters (a warning each). */
async function checkStoreHealth(log: CheckLog, config: MlcConfig, now: number): Promise<void> {
  const status = await readSyncStatus({ store: config.store, streams: config.streams, now });
  const failing = status.streams.filter((s) => s.lastRun?.outcome === 'failed');
  const parked = status.streams.reduce((n, s) => n + s.deadLetters.open, 0);
  log.add({
    id: 'store.health',
    section: 'store',
    title: 'streams ran without failing, nothing parked',
    status: failing.length > 0 || parked > 0 ? 'warn' : 'ok',
    detail:
      failing.length + parked === 0
        ? `${status.streams.filter((s) => s.lastRun).length} of ${status.streams.length} stream(s) have run`
        : [
            ...failing.map((s) => `${s.stream}: last run failed (${s.lastRun?.failure?.code})`),
            ...(parked > 0 ? [`${parked} open dead letter(s)`] : []),
          ].join('; '),
    ...(failing.length + parked > 0
      ? { remedy: 'See mlc status for the remedies, mlc dead-letters list for the parked records.' }
      : {}),
  });
}

async function checkRefreshToken(
  log: CheckLog,
  config: MlcConfig,
  sync: Sync | undefined,
  storeOpen: boolean,
  now: number,
): Promise<void> {
  const title = 'Sage X3 refresh token is valid for a while';
  let expiresAt: number | undefined;
  if (sync && config.secretKey !== undefined && storeOpen) {
    try {
      expiresAt = (await sync.tokenStore().load())?.expiresAt;
      if (expiresAt === undefined) {
        log.add({
          id: 'x3.refresh-token',
          section: 'sage-x3',
          title,
          status: 'fail',
          detail: 'no refresh token is stored',
          remedy: 'Run the OAuth2 consent and save the token with sync.tokenStore().save().',
        });
        return;
      }
    } catch (error) {
      const e = describeError(error);
      log.add({
        id: 'x3.refresh-token',
        section: 'sage-x3',
        title,
        status: 'fail',
        detail: `${e.code ?? 'error'}: ${e.message}`,
        remedy: 'The secret key does not open the stored token: restore the key it was saved with.',
      });
      return;
    }
  } else if (storeOpen) {
    const status = await readSyncStatus({ store: config.store, streams: [], now });
    expiresAt = status.credentials.find((c) => /refresh/i.test(c.credential))?.expiresAt;
  }
  if (expiresAt === undefined) {
    log.add({
      id: 'x3.refresh-token',
      section: 'sage-x3',
      title,
      status: 'warn',
      detail: 'expiry unknown (no secretKey to read the token store, no expiry reported yet)',
    });
    return;
  }
  const days = Math.floor((expiresAt - now) / DAY_MS);
  log.add({
    id: 'x3.refresh-token',
    section: 'sage-x3',
    title,
    status: days < 0 ? 'fail' : days < 14 ? 'warn' : 'ok',
    detail:
      days < 0
        ? `expired on ${new Date(expiresAt).toISOString()}`
        : `${days} days left (until ${new Date(expiresAt).toISOString()})`,
    ...(days < 14
      ? { remedy: 'Run the OAuth2 consent again before it expires and store the new token.' }
      : {}),
  });
}

/** Rows posted since `since`, from the newest `batch-committed` and `rebuild-finished` audit entries. */
async function rowsPostedSince(config: MlcConfig, since: number): Promise<number> {
  const entries = await latestAudit(config.store, {
    types: ['batch-committed', 'rebuild-finished'],
    limit: 5_000,
  });
  let rows = 0;
  for (const e of entries) {
    if (e.at < since) break;
    const n = e.data?.rows;
    if (typeof n === 'number') rows += n;
  }
  return rows;
}
