import { type TestTls, generateTestTls } from '../tls/generate-test-tls.js';
import { type Clock, systemClock } from '@mlc/core';
import { ENTITY_DEFS } from './data/entities/entity-defs.js';
import { SAGE_X3_ENTITY_NAMES, type SageX3EntityName } from './data/entity-definition.js';
import { hashInts, hashString } from './data/hash.js';
import { type ResolvedFaults, type SageX3FaultOptions, resolveFaults } from './faults/fault-options.js';

/** Record counts per entity. Journal entries have 2–6 lines (4 on average); 260k entries ≈ 1M lines. */
export type SageX3SimulatorSize = Partial<Record<SageX3EntityName, number>>;

/** Named sizes: `tiny` (a few hundred records), `small` (the default), `medium`, `large` (≥ 1M journal lines). */
export type SageX3SizePreset = 'tiny' | 'small' | 'medium' | 'large';

const PRESETS: Record<SageX3SizePreset, Record<SageX3EntityName, number>> = {
  tiny: {
    account: 30,
    journalEntry: 100,
    supplier: 20,
    product: 30,
    purchaseOrder: 40,
    salesInvoice: 60,
    // 999: sales invoices draw bill-to customers C00001–C00999; fewer customers would change their codes.
    customer: 999,
  },
  small: {
    account: ENTITY_DEFS.account.defaultCount,
    journalEntry: ENTITY_DEFS.journalEntry.defaultCount,
    supplier: ENTITY_DEFS.supplier.defaultCount,
    product: ENTITY_DEFS.product.defaultCount,
    purchaseOrder: ENTITY_DEFS.purchaseOrder.defaultCount,
    salesInvoice: ENTITY_DEFS.salesInvoice.defaultCount,
    customer: ENTITY_DEFS.customer.defaultCount,
  },
  medium: {
    account: 300,
    journalEntry: 50_000,
    supplier: 1_000,
    product: 3_000,
    purchaseOrder: 20_000,
    salesInvoice: 40_000,
    customer: 3_000,
  },
  large: {
    account: 500,
    journalEntry: 260_000,
    supplier: 5_000,
    product: 10_000,
    purchaseOrder: 100_000,
    salesInvoice: 200_000,
    customer: 8_000,
  },
};

/** A Basic-auth user (a Syracuse user mapped to an X3 user, [documented] reference §1.5). */
export interface SageX3SimUser {
  readonly user: string;
  readonly password: string;
}

/** A connected application registered in Syracuse ([documented] reference §2.2). */
export interface SageX3SimConnectedApp {
  readonly clientId: string;
  readonly secret: string;
  /** The allowed user (`sub`). */
  readonly user: string;
  /** The registered URL that `aud` must equal exactly. @default `${url}/xtrem/api` */
  readonly audience?: string;
}

/** An application registered for the cloud gateway's authorization-code pairing ([documented] §2.3). */
export interface SageX3SimOAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** @default 'http://localhost/callback' */
  readonly redirectUri?: string;
}

/**
 * Options of {@link startSageX3Simulator}. Everything but `clock` is plain serialisable data, so a CLI can
 * pass it through.
 */
export interface SageX3SimulatorOptions {
  /** Seed of the generated data and of the fault RNG. @default 1 */
  seed?: number | string;
  /** Record counts, or a preset. @default 'small' */
  size?: SageX3SizePreset | SageX3SimulatorSize;
  /** The window generated stamps fall in (ISO UTC). @default { from: '2022-01-01T00:00:00Z', to: '2023-12-31T00:00:00Z' } */
  history?: { from: string; to: string };
  /** Time source for stamps of mutations, token expiry, JWT checks and latency faults. @default systemClock */
  clock?: Clock;
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * Serve HTTPS (Syracuse in production is HTTPS, reference §1.1): `true` generates a throwaway CA and a server
   * certificate for `localhost`, `127.0.0.1`, `::1` and `host` (`sim.tls.caCertificatePem`, for the X3 client's
   * `tls: { ca }` or `NODE_EXTRA_CA_CERTS`); or pass your own PEM material. @default false
   */
  tls?: boolean | TestTls;
  /**
   * The origin clients use when it differs from the bound address (a TLS front): `sim.url`, the connected-app
   * audience, the cloud token issuer and the gateway catalogue derive from it. @default the bound origin
   */
  publicOrigin?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** Syracuse endpoint names served (each with the same data). @default ['SEED'] */
  endpoints?: string[];
  /**
   * The X3 folder behind each endpoint, shown by the Syracuse `endPoints` list (an endpoint name need not equal
   * its folder, [documented] reference §1.1). @default each endpoint's own name
   */
  endpointFolders?: Record<string, string>;
  /** REST `count` and GraphQL `first` when omitted ([documented] 20, §1.2/§2.6). @default 20 */
  defaultPageSize?: number;
  /** Server cap on `count` / `first` ([inferred]: no documented maximum). @default 1000 */
  maxPageSize?: number;
  /** REST class/representation names per entity. @default see the README table */
  classes?: Partial<Record<SageX3EntityName, { className?: string; representation?: string }>>;
  /** Basic-auth users. @default one user `ADMIN` with a password derived from the seed */
  users?: SageX3SimUser[];
  /** Connected applications. @default one app derived from the seed, user `ADMIN` */
  connectedApps?: SageX3SimConnectedApp[];
  /** Cloud OAuth clients. @default one client derived from the seed */
  oauthClients?: SageX3SimOAuthClient[];
  /** GraphQL root package names: `x3FinanceData…` or the older `xtremX3FinanceData…` ([documented] §2.4). @default 'x3' */
  graphqlRootStyle?: 'x3' | 'xtremX3';
  /** Accept Basic auth on GraphQL ([documented as observed] §2.2). @default true */
  graphqlBasicAuth?: boolean;
  /** How far in the future a JWT `iat` may be before "Error 21" ([inferred] value). @default 10 */
  jwtClockSkewSeconds?: number;
  /** Cloud access-token lifetime ([documented] 5 minutes, §2.3). @default 300 */
  accessTokenTtlSeconds?: number;
  /** Cloud refresh-token lifetime ([documented] 30 days, §2.3). @default 2592000 */
  refreshTokenTtlSeconds?: number;
  /** Authorization-code lifetime ([inferred]). @default 600 */
  authorizationCodeTtlSeconds?: number;
  /**
   * Body of the HTTP 500 that answers a `where` naming an unknown property. The status is [documented] (reference
   * §1.4, §3 gotcha 2); the body is not. `'empty'` models what real servers were seen to send — a bare 500 that
   * says nothing ([inferred] from field reports, issue 11) — so clients must diagnose it themselves; `'diagnoses'`
   * sends a Syracuse-style `$diagnoses` message naming the property. @default 'empty'
   */
  unknownWhereFieldBody?: 'empty' | 'diagnoses';
  /** Fault injection; change at run time with `control.setFaults`. @default no faults */
  faults?: SageX3FaultOptions;
  /** Request-log ring size. @default 10000 */
  requestLogLimit?: number;
}

/** {@link SageX3SimulatorOptions} with every default filled. */
export interface ResolvedSageX3SimulatorOptions {
  readonly seed: number;
  readonly counts: Readonly<Record<SageX3EntityName, number>>;
  readonly historyFromSec: number;
  readonly historyToSec: number;
  readonly clock: Clock;
  readonly host: string;
  readonly tls: TestTls | undefined;
  readonly publicOrigin: string | undefined;
  readonly port: number;
  readonly endpoints: readonly string[];
  readonly endpointFolders: Readonly<Record<string, string>>;
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  readonly classes: Readonly<Record<SageX3EntityName, { className: string; representation: string }>>;
  readonly users: readonly SageX3SimUser[];
  readonly connectedApps: readonly SageX3SimConnectedApp[];
  readonly oauthClients: readonly Required<SageX3SimOAuthClient>[];
  readonly graphqlRootStyle: 'x3' | 'xtremX3';
  readonly graphqlBasicAuth: boolean;
  readonly jwtClockSkewSeconds: number;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly authorizationCodeTtlSeconds: number;
  readonly unknownWhereFieldBody: 'empty' | 'diagnoses';
  readonly faults: ResolvedFaults;
  readonly requestLogLimit: number;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`sage-x3 simulator: ${name} must be an integer >= 0`);
  return value;
}

function isoSec(name: string, iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`sage-x3 simulator: ${name} is not an ISO date: ${iso}`);
  return Math.floor(ms / 1000);
}

/** A secret-looking value derived from the seed, so default credentials are stable per seed. */
function derived(seed: number, label: string): string {
  return `${hashInts(seed, hashString(label)).toString(36)}${hashInts(seed, hashString(label), 2).toString(36)}`;
}

/** Fills defaults and validates {@link SageX3SimulatorOptions}. */
export function resolveSageX3SimulatorOptions(
  options: SageX3SimulatorOptions = {},
): ResolvedSageX3SimulatorOptions {
  const seed = typeof options.seed === 'string' ? hashString(options.seed) : (options.seed ?? 1);
  const size = options.size ?? 'small';
  const base = typeof size === 'string' ? PRESETS[size] : PRESETS.small;
  if (!base) throw new RangeError(`sage-x3 simulator: unknown size preset ${String(size)}`);
  const counts = { ...base };
  if (typeof size === 'object') {
    for (const [name, n] of Object.entries(size)) {
      if (!SAGE_X3_ENTITY_NAMES.includes(name as SageX3EntityName)) {
        throw new RangeError(`sage-x3 simulator: unknown entity in size: ${name}`);
      }
      counts[name as SageX3EntityName] = positiveInt(`size.${name}`, n as number);
    }
  }
  if (counts.account > 800_000) throw new RangeError('sage-x3 simulator: at most 800000 accounts');
  const classes = {} as Record<SageX3EntityName, { className: string; representation: string }>;
  for (const name of SAGE_X3_ENTITY_NAMES) {
    const def = ENTITY_DEFS[name].rest;
    const override = options.classes?.[name];
    const className = override?.className ?? def.className;
    classes[name] = {
      className,
      representation: override?.representation ?? override?.className ?? def.representation,
    };
  }
  const maxPageSize = positiveInt('maxPageSize', options.maxPageSize ?? 1000);
  const endpoints = options.endpoints?.length ? [...options.endpoints] : ['SEED'];
  return {
    seed,
    counts,
    historyFromSec: isoSec('history.from', options.history?.from ?? '2022-01-01T00:00:00Z'),
    historyToSec: isoSec('history.to', options.history?.to ?? '2023-12-31T00:00:00Z'),
    clock: options.clock ?? systemClock,
    host: options.host ?? '127.0.0.1',
    tls:
      options.tls === true
        ? generateTestTls({
            hosts: [...new Set(['localhost', '127.0.0.1', '::1', options.host ?? '127.0.0.1'])],
          })
        : options.tls || undefined,
    publicOrigin: options.publicOrigin?.replace(/\/+$/, ''),
    port: positiveInt('port', options.port ?? 0),
    endpoints,
    endpointFolders: Object.fromEntries(endpoints.map((e) => [e, options.endpointFolders?.[e] ?? e])),
    defaultPageSize: Math.min(maxPageSize, positiveInt('defaultPageSize', options.defaultPageSize ?? 20)),
    maxPageSize,
    classes,
    users: options.users ?? [{ user: 'ADMIN', password: `pw-${derived(seed, 'basic')}` }],
    connectedApps: options.connectedApps ?? [
      {
        clientId: `app-${derived(seed, 'app-id')}`,
        secret: `cs-${derived(seed, 'app-secret')}`,
        user: 'ADMIN',
      },
    ],
    oauthClients: (
      options.oauthClients ?? [
        { clientId: `oc-${derived(seed, 'oauth-id')}`, clientSecret: `os-${derived(seed, 'oauth-secret')}` },
      ]
    ).map((c) => ({ ...c, redirectUri: c.redirectUri ?? 'http://localhost/callback' })),
    graphqlRootStyle: options.graphqlRootStyle ?? 'x3',
    graphqlBasicAuth: options.graphqlBasicAuth ?? true,
    jwtClockSkewSeconds: options.jwtClockSkewSeconds ?? 10,
    accessTokenTtlSeconds: positiveInt('accessTokenTtlSeconds', options.accessTokenTtlSeconds ?? 300),
    refreshTokenTtlSeconds: positiveInt(
      'refreshTokenTtlSeconds',
      options.refreshTokenTtlSeconds ?? 30 * 86400,
    ),
    authorizationCodeTtlSeconds: positiveInt(
      'authorizationCodeTtlSeconds',
      options.authorizationCodeTtlSeconds ?? 600,
    ),
    unknownWhereFieldBody: options.unknownWhereFieldBody ?? 'empty',
    faults: resolveFaults(options.faults),
    requestLogLimit: positiveInt('requestLogLimit', options.requestLogLimit ?? 10_000),
  };
}
