import { isMlcError } from '@mlc/core';
import { TABLE_CAPACITY_REMEDY, isPowerBIError } from '@mlc/powerbi-push-client';
import type { Advice } from '../alerts/alert-catalog.js';
import type { FailureDescription } from '../alerts/failure-description.js';

/** The operator's advice for the Power BI client's codes; the one place it lives. */
const BY_CODE: Record<string, Advice> = {
  PBI_AUTH_FAILED: {
    severity: 'critical',
    remedy:
      'Check the Entra tenant id, client id and client secret (the AADSTS code in the message names the cause); rotate an expired secret.',
  },
  PBI_NOT_AUTHORIZED: {
    severity: 'critical',
    remedy:
      'Power BI refuses the service principal: a Fabric/Power BI admin must enable the tenant setting "Service principals can use Fabric APIs" (formerly "Allow service principals to use Power BI APIs") for a security group containing it, and it must be a Member or Admin of the workspace. Tenant setting changes take 15–30 minutes.',
  },
  PBI_TOKEN_UNAVAILABLE: {
    severity: 'error',
    remedy: 'The Entra token endpoint is unreachable; check network access to login.microsoftonline.com.',
  },
  PBI_DATASET_NOT_PUSH: {
    severity: 'critical',
    remedy: 'The dataset name is taken by a non-push dataset; choose another dataset name or remove it.',
  },
  PBI_DATASET_DUPLICATE: {
    severity: 'critical',
    remedy:
      'Several datasets share the name; delete the extra ones in the workspace, keeping the one with data.',
  },
  PBI_TABLE_FULL: { severity: 'critical', remedy: TABLE_CAPACITY_REMEDY },
  PBI_TABLE_MISSING: {
    severity: 'error',
    remedy: 'A table of the dataset is missing; the next run recreates it, check who deletes it.',
  },
};

/**
 * Engine failures that this sink causes, in Power BI's words: its `SYNC_SINK_MISSING` (the dataset was deleted) and
 * `SYNC_VERIFICATION_UNAVAILABLE` (its count is executeQueries, which a tenant setting can forbid).
 */
const ENGINE_CODES_OF_THIS_SINK: Record<string, FailureDescription> = {
  SYNC_SINK_MISSING: {
    phase: 'sink',
    severity: 'critical',
    remedy:
      'The Power BI dataset was deleted in the workspace. The next run creates it again and posts every record again (nothing is doubled); find out who deleted it, and point reports at the new dataset.',
  },
  SYNC_VERIFICATION_UNAVAILABLE: {
    phase: 'verification',
    severity: 'critical',
    remedy:
      'The sink cannot count rows, so the outcome of a batch is unknown and nothing is resent: a Power BI admin must enable the tenant setting "Dataset Execute Queries REST API" (the principal also needs Read and Build on the dataset); the next run then verifies the batch. Or choose verification.whenUnsupported.',
  },
};

/**
 * How the Power BI sink describes its own failures to the operator (`SyncSink.describeFailure`): any error of
 * `@mlc/powerbi-push-client` is the sink's, with the advice above for the codes an operator can act on. A 401
 * `PowerBINotAuthorizedException` comes both when the tenant setting "Service principals can use Fabric APIs" is off
 * and when the principal is not allowed or not a member ([documented-3p] powerbi.md §2.8, §5 item 6): the answer
 * does not tell which, so it is `PBI_NOT_AUTHORIZED`, whose remedy names both, rather than `PBI_HTTP_ERROR`. It
 * also words the engine failures this sink causes (a deleted dataset, executeQueries forbidden).
 */
export function describePowerBIFailure(error: unknown): FailureDescription | undefined {
  if (isMlcError(error) && ENGINE_CODES_OF_THIS_SINK[error.code])
    return ENGINE_CODES_OF_THIS_SINK[error.code];
  if (!isPowerBIError(error)) return undefined;
  const code = notAuthorized(error) ? 'PBI_NOT_AUTHORIZED' : error.code;
  const advice = BY_CODE[code];
  return { ...(code !== error.code ? { code } : {}), ...advice };
}

function notAuthorized(error: { code: string; status?: number }): boolean {
  const serviceCode = (error as { serviceCode?: unknown }).serviceCode;
  return (
    error.code === 'PBI_HTTP_ERROR' &&
    (error.status === 401 || serviceCode === 'PowerBINotAuthorizedException')
  );
}
