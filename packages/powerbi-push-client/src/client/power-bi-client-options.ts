import {
  type Clock,
  type LogLevel,
  type Logger,
  type RetryPolicyOptions,
  defaultLogger,
  redactUnparsedUrl,
  systemClock,
} from '@mlc/core';
import { POWER_BI_REDIRECT_HOSTS } from './follow-trusted-redirects.js';
import { DEFAULT_AUTHORITY_HOST } from '../auth/entra-credential.js';
import type { TokenCredential } from '../auth/token-credential.js';
import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { POWER_BI_LIMITS } from '../limits.js';
import { type PacingOptions, type ResolvedPacing, resolvePacingOptions } from '../pacing/pacing-options.js';

/** The public cloud's Power BI REST base ([documented] reference §0, S6). */
export const DEFAULT_API_BASE = 'https://api.powerbi.com/v1.0/myorg';
/** The public cloud's Power BI scope for client credentials ([documented] reference §0, S10). */
export const DEFAULT_POWER_BI_SCOPE = 'https://analysis.windows.net/powerbi/api/.default';

/** How `ensureDataset` treats several datasets with the schema's name. */
export type DuplicateDatasetPolicy = 'error' | 'first' | ((candidates: readonly DatasetInfo[]) => string);

/** A dataset as listed by the service ([documented] reference §2.2; only the fields the client uses). */
export interface DatasetInfo {
  /** Dataset id. */
  id: string;
  /** Name (not unique). */
  name: string;
  /** True for push datasets. */
  addRowsAPIEnabled?: boolean;
  /** Creation time, when the service reports it. */
  createdDate?: string;
  /** Who configured it (a GUID for service principals). */
  configuredBy?: string;
}

/** Told each time Power BI throttles a request (before the client waits). */
export interface ThrottleEvent {
  /** Dataset, when the request concerned one. */
  datasetId?: string;
  /** Table, for POST rows. */
  table?: string;
  /** How long the client waits. */
  delayMs: number;
}

/** Options of {@link createPowerBIClient}. */
export interface PowerBIClientOptions {
  /**
   * Where tokens come from: {@link clientSecretCredential}, {@link clientCertificateCredential}, or any
   * `@azure/identity` `TokenCredential` (managed identity, workload identity, …).
   */
  credential: TokenCredential;
  /** The workspace (group) id: every call goes through `/groups/{groupId}` (service principals cannot use "My workspace"). */
  groupId: string;
  /**
   * Power BI REST base, up to `/myorg`. Sovereign clouds: `https://api.powerbigov.us/v1.0/myorg` (GCC),
   * `https://api.high.powerbigov.us/v1.0/myorg` (GCC High), `https://api.powerbi.cn/v1.0/myorg` (China) — reference §1.6.
   * @default 'https://api.powerbi.com/v1.0/myorg'
   */
  apiBase?: string;
  /**
   * Entra ID host for the built-in credentials that do not set their own.
   * @default 'https://login.microsoftonline.com'
   */
  authorityHost?: string;
  /**
   * Token scope. GCC: `https://analysis.usgovcloudapi.net/powerbi/api/.default`; China:
   * `https://analysis.chinacloudapi.cn/powerbi/api/.default` (reference §1.6).
   * @default 'https://analysis.windows.net/powerbi/api/.default'
   */
  scope?: string;
  /** Transport (also given to built-in credentials that have none). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Time source for pacing, retries and token expiry. @default systemClock */
  clock?: Clock;
  /** Logger (pino-compatible). @default warnings and errors to stderr (see `logLevel`); pass `silentLogger` for silence */
  logger?: Logger;
  /** Level of the default stderr logger (ignored when `logger` is given). @default `MLC_LOG_LEVEL`, else 'warn' */
  logLevel?: LogLevel;
  /** Pacing per dataset, or `false` to send as fast as Power BI lets us (429s then do the pacing). @default documented limits */
  pacing?: PacingOptions | false;
  /** Retry policy (core's `RetryPolicy`): attempts, backoff, the Retry-After cap, throttled-retry bound. @default core's defaults */
  retry?: RetryPolicyOptions;
  /** Per-attempt timeout in ms. POST rows bodies can reach 16 MB. @default 120_000 */
  timeoutMs?: number;
  /** Rows per POST rows request (≤ 10,000). @default 10_000 */
  maxRowsPerRequest?: number;
  /** Bytes of serialised JSON per POST rows request (≤ 16,000,000). @default 16_000_000 */
  maxRequestBytes?: number;
  /** Default for `ensureDataset`'s `onDuplicate`. @default 'error' */
  onDuplicateDataset?: DuplicateDatasetPolicy;
  /**
   * Refresh tokens this long before they expire ([inferred] reference §1.4 suggests a 5-minute skew).
   * @default 300_000
   */
  tokenRefreshMarginMs?: number;
  /** Told when Power BI throttles a request. */
  onThrottle?: (event: ThrottleEvent) => void;
  /**
   * Extra hosts (exact, or `.suffix`) whose redirects are followed with the token, besides Power BI's own
   * (`POWER_BI_REDIRECT_HOSTS`) and the host of `apiBase`. Redirects elsewhere are refused (not followed, not
   * retried). @default []
   */
  redirectHosts?: readonly string[];
}

/** {@link PowerBIClientOptions} with every default filled in (each field as documented there). */
export interface ResolvedPowerBIClientOptions {
  credential: TokenCredential;
  groupId: string;
  apiBase: string;
  authorityHost: string;
  scope: string;
  fetch: typeof globalThis.fetch | undefined;
  clock: Clock;
  logger: Logger;
  pacing: ResolvedPacing | false;
  retry: RetryPolicyOptions;
  timeoutMs: number;
  maxRowsPerRequest: number;
  maxRequestBytes: number;
  onDuplicateDataset: DuplicateDatasetPolicy;
  tokenRefreshMarginMs: number;
  onThrottle: ((event: ThrottleEvent) => void) | undefined;
  /** Every trusted redirect host: Power BI's, `apiBase`'s, then the caller's. */
  redirectHosts: readonly string[];
}

/** Fills the defaults of {@link PowerBIClientOptions} once and rejects invalid values. */
export function resolvePowerBIClientOptions(options: PowerBIClientOptions): ResolvedPowerBIClientOptions {
  const invalid = (reason: string) =>
    new PowerBIValidationError({ code: 'PBI_OPTIONS_INVALID', reason: `createPowerBIClient: ${reason}` });
  if (typeof options !== 'object' || options === null) throw invalid('options are required');
  if (!options.credential || typeof options.credential.getToken !== 'function') {
    throw invalid(
      'credential must have a getToken(scopes) method (clientSecretCredential, clientCertificateCredential or a TokenCredential)',
    );
  }
  if (typeof options.groupId !== 'string' || options.groupId.trim() === '') {
    throw invalid('groupId (the workspace id) is required: service principals cannot use "My workspace"');
  }
  const maxRowsPerRequest = options.maxRowsPerRequest ?? POWER_BI_LIMITS.maxRowsPerRequest;
  if (
    !Number.isInteger(maxRowsPerRequest) ||
    maxRowsPerRequest < 1 ||
    maxRowsPerRequest > POWER_BI_LIMITS.maxRowsPerRequest
  ) {
    throw invalid(`maxRowsPerRequest must be an integer from 1 to ${POWER_BI_LIMITS.maxRowsPerRequest}`);
  }
  const maxRequestBytes = options.maxRequestBytes ?? POWER_BI_LIMITS.maxRequestBytes;
  if (
    !Number.isInteger(maxRequestBytes) ||
    maxRequestBytes < 1024 ||
    maxRequestBytes > POWER_BI_LIMITS.maxRequestBytes
  ) {
    throw invalid(`maxRequestBytes must be an integer from 1024 to ${POWER_BI_LIMITS.maxRequestBytes}`);
  }
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  try {
    new URL(apiBase);
  } catch {
    throw invalid(`apiBase is not a URL: ${redactUnparsedUrl(apiBase)}`);
  }
  return {
    credential: options.credential,
    groupId: options.groupId,
    apiBase,
    authorityHost: (options.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, ''),
    scope: options.scope ?? DEFAULT_POWER_BI_SCOPE,
    fetch: options.fetch,
    clock: options.clock ?? systemClock,
    logger: defaultLogger(options.logger, options.logLevel),
    pacing: resolvePacingOptions(options.pacing),
    retry: options.retry ?? {},
    timeoutMs: options.timeoutMs ?? 120_000,
    maxRowsPerRequest,
    maxRequestBytes,
    onDuplicateDataset: options.onDuplicateDataset ?? 'error',
    tokenRefreshMarginMs: options.tokenRefreshMarginMs ?? 300_000,
    onThrottle: options.onThrottle,
    redirectHosts: [...POWER_BI_REDIRECT_HOSTS, new URL(apiBase).hostname, ...(options.redirectHosts ?? [])],
  };
}
