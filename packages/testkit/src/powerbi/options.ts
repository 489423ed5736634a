import { type TestTls, generateTestTls } from '../tls/generate-test-tls.js';
import { type Clock, systemClock } from '@mlc/core';
import type { PowerBIFaultRule } from './faults.js';
import { POWER_BI_SIMULATOR_LIMITS, type PowerBISimulatorLimits } from './limits.js';
import { SeededRandom } from './rng.js';
import { TEST_CERTIFICATE_PEM } from './test-certificate.js';

/** The Power BI resource scope a client-credentials token must ask for ([documented] reference §1.1, S10). */
export const POWER_BI_DEFAULT_SCOPE = 'https://analysis.windows.net/powerbi/api/.default';

/** A workspace role ([documented] reference §1.5, S6). */
export type WorkspaceRole = 'Admin' | 'Member' | 'Contributor' | 'Viewer';

/** An app registration (service principal) in a simulated tenant. */
export interface SimulatedApp {
  /** Application (client) id. @default a seeded GUID */
  clientId?: string;
  /** The client secret value; `null` registers no secret. @default a seeded random secret */
  clientSecret?: string | null;
  /** When the secret expires (epoch ms on the simulator clock); afterwards AADSTS7000222. @default never */
  clientSecretExpiresAt?: number;
  /** PEM certificates registered for client assertions. @default the bundled test certificate */
  certificates?: string[];
}

/** A simulated Entra ID tenant. */
export interface SimulatedTenant {
  /** Tenant id (GUID). @default a seeded GUID */
  tenantId?: string;
  /** Verified domain names that also address the tenant in the token URL. @default [`contoso-<n>.onmicrosoft.com`] */
  domains?: string[];
  /** The tenant setting "Dataset Execute Queries REST API". @default the top-level `executeQueriesEnabled` */
  executeQueriesEnabled?: boolean;
  /** The tenant setting "Service principals can use Fabric/Power BI APIs". @default true */
  servicePrincipalsEnabled?: boolean;
  /** App registrations. @default one app */
  apps?: SimulatedApp[];
}

/** A workspace member: an app by client id, with a role. */
export interface SimulatedMember {
  /** The app's client id (the simulator identifies service principals by client id, not object id). */
  clientId: string;
  /** @default 'Admin' */
  role?: WorkspaceRole;
}

/** A simulated workspace (group). */
export interface SimulatedGroup {
  /** Group id (GUID). @default a seeded GUID */
  id?: string;
  /** @default 'Simulated workspace <n>' */
  name?: string;
  /** Members. @default every app of every tenant, as Admin */
  members?: SimulatedMember[];
}

/** Options of {@link startPowerBISimulator}: plain serialisable data plus `clock`. */
export interface PowerBISimulatorOptions {
  /** Source of time for tokens, quotas, ingestion lag and latency. @default systemClock */
  clock?: Clock;
  /**
   * Compresses the quota windows: with `timeScale: 60` a "minute" lasts 1 s and an "hour" 60 s of clock time.
   * Retry-After is then reported in clock seconds (see README). Token lifetimes are not scaled. @default 1
   */
  timeScale?: number;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /**
   * Serve HTTPS: `true` generates a throwaway CA and a server certificate for `localhost`, `127.0.0.1`, `::1`
   * and `host` (exposed as `sim.tls.caCertificatePem`, for a client's `ca` or `NODE_EXTRA_CA_CERTS`); or pass
   * your own PEM material. Standard Entra clients (`@azure/identity`) refuse an `http:` authority. @default false
   */
  tls?: boolean | TestTls;
  /**
   * The origin clients use, when it differs from the bound address (a TLS front, a container port mapping).
   * Every URL the simulator writes — discovery `issuer` and `token_endpoint`, accepted assertion audiences,
   * `@odata.context`, cluster redirects — is derived from it. @default the bound `http(s)://host:port`
   */
  publicOrigin?: string;
  /** Seed of every generated id, secret and probabilistic fault. @default 1 */
  seed?: number;
  /** Tenants with their apps. @default one tenant with one app holding a secret and the test certificate */
  tenants?: SimulatedTenant[];
  /** Workspaces. @default one workspace where every app is Admin */
  groups?: SimulatedGroup[];
  /** Access-token lifetime (`expires_in`). @default 3599 ([documented] typical value, reference §1.3) */
  tokenLifetimeSeconds?: number;
  /** Default of each tenant's executeQueries tenant setting. @default true */
  executeQueriesEnabled?: boolean;
  /** Start executeQueries bodies with a UTF-8 BOM as the real service sometimes does. @default true */
  executeQueriesBom?: boolean;
  /** The scope tokens must be requested for (change it to mimic a sovereign cloud). @default POWER_BI_DEFAULT_SCOPE */
  scope?: string;
  /** Overrides of the documented limits (for small tests). @default POWER_BI_SIMULATOR_LIMITS */
  limits?: Partial<PowerBISimulatorLimits>;
  /**
   * The instant (ISO text or epoch ms, on the simulator's clock) from which creating a push or streaming dataset is
   * refused with `FeatureDeprecatedError`. [documented] reference §0/§5.10 (S8): creation of new push/streaming
   * semantic models stops after 2027-10-31; existing ones keep working. @default '2027-11-01T00:00:00Z'
   */
  pushDatasetCreationEndsAt?: string | number;
  /**
   * Serve a second "cluster" origin (another loopback port) and answer API requests carrying
   * `preferClientRouting=true` with **307** and a `Location` on it ([documented] reference §2.8, S12: the service
   * answers 307 to the cluster URL). `'always'` redirects every API request on the main origin, like a tenant homed
   * on another cluster ([inferred]). @default true
   */
  clusterRedirects?: boolean | 'always';
  /** Fault rules active from the start. @default [] */
  faults?: PowerBIFaultRule[];
  /** Request-log entries kept (oldest dropped first), so long-running simulators stay bounded. @default 10_000 */
  requestLogLimit?: number;
}

/** An app after defaults. */
export interface ResolvedApp {
  clientId: string;
  clientSecret: string | null;
  clientSecretExpiresAt: number | undefined;
  certificates: string[];
  tenantId: string;
}

/** A tenant after defaults. */
export interface ResolvedTenant {
  tenantId: string;
  domains: string[];
  executeQueriesEnabled: boolean;
  servicePrincipalsEnabled: boolean;
  apps: ResolvedApp[];
}

/** A group after defaults; members map client id → role. */
export interface ResolvedGroup {
  id: string;
  name: string;
  members: Map<string, WorkspaceRole>;
}

/** Options after defaults. */
export interface ResolvedPowerBISimulatorOptions {
  clock: Clock;
  timeScale: number;
  port: number;
  host: string;
  tls: TestTls | undefined;
  publicOrigin: string | undefined;
  rng: SeededRandom;
  tenants: ResolvedTenant[];
  groups: ResolvedGroup[];
  tokenLifetimeSeconds: number;
  executeQueriesBom: boolean;
  scope: string;
  limits: PowerBISimulatorLimits;
  pushDatasetCreationEndsAt: number;
  clusterRedirects: boolean | 'always';
  faults: PowerBIFaultRule[];
  requestLogLimit: number;
}

/** Fills every default once; throws a TypeError naming the bad option. */
export function resolvePowerBISimulatorOptions(
  options: PowerBISimulatorOptions = {},
): ResolvedPowerBISimulatorOptions {
  const rng = new SeededRandom(options.seed ?? 1);
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new TypeError(
      `startPowerBISimulator: timeScale must be a positive number, got ${String(timeScale)}`,
    );
  }
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
  if (!(tokenLifetimeSeconds > 0)) {
    throw new TypeError(
      `startPowerBISimulator: tokenLifetimeSeconds must be positive, got ${tokenLifetimeSeconds}`,
    );
  }
  const eqDefault = options.executeQueriesEnabled ?? true;
  const tenants: ResolvedTenant[] = (options.tenants ?? [{}]).map((t, i) => {
    const tenantId = t.tenantId ?? rng.guid();
    return {
      tenantId,
      domains: t.domains ?? [`contoso-${i + 1}.onmicrosoft.com`],
      executeQueriesEnabled: t.executeQueriesEnabled ?? eqDefault,
      servicePrincipalsEnabled: t.servicePrincipalsEnabled ?? true,
      apps: (t.apps ?? [{}]).map((a) => ({
        clientId: a.clientId ?? rng.guid(),
        clientSecret: a.clientSecret === undefined ? `sim~${rng.token(36)}` : a.clientSecret,
        clientSecretExpiresAt: a.clientSecretExpiresAt,
        certificates: a.certificates ?? [TEST_CERTIFICATE_PEM],
        tenantId,
      })),
    };
  });
  const allApps = tenants.flatMap((t) => t.apps);
  const groups: ResolvedGroup[] = (options.groups ?? [{}]).map((g, i) => ({
    id: g.id ?? rng.guid(),
    name: g.name ?? `Simulated workspace ${i + 1}`,
    members: new Map(
      (g.members ?? allApps.map((a): SimulatedMember => ({ clientId: a.clientId }))).map((m) => [
        m.clientId,
        m.role ?? 'Admin',
      ]),
    ),
  }));
  const limits = { ...POWER_BI_SIMULATOR_LIMITS, ...options.limits };
  for (const [key, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0)) {
      throw new TypeError(
        `startPowerBISimulator: limits.${key} must be a positive number, got ${String(value)}`,
      );
    }
  }
  return {
    clock: options.clock ?? systemClock,
    timeScale,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    tls:
      options.tls === true
        ? generateTestTls({
            hosts: [...new Set(['localhost', '127.0.0.1', '::1', options.host ?? '127.0.0.1'])],
          })
        : options.tls || undefined,
    publicOrigin: options.publicOrigin?.replace(/\/+$/, ''),
    rng,
    tenants,
    groups,
    tokenLifetimeSeconds,
    executeQueriesBom: options.executeQueriesBom ?? true,
    scope: options.scope ?? POWER_BI_DEFAULT_SCOPE,
    limits,
    pushDatasetCreationEndsAt: instantOf(
      'pushDatasetCreationEndsAt',
      options.pushDatasetCreationEndsAt ?? POWER_BI_PUSH_CREATION_ENDS_AT,
    ),
    clusterRedirects: options.clusterRedirects ?? true,
    faults: options.faults ?? [],
    requestLogLimit: Math.max(1, options.requestLogLimit ?? 10_000),
  };
}

/** [documented] S8: no new push/streaming semantic models after 2027-10-31 (UTC end of that day [inferred]). */
export const POWER_BI_PUSH_CREATION_ENDS_AT = '2027-11-01T00:00:00Z';

function instantOf(name: string, value: string | number): number {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new RangeError(`startPowerBISimulator: ${name} is not a date: ${String(value)}`);
  return ms;
}
