import { type FailureKind, isMlcError, redactText } from '@mlc/core';
import type { FailureDescription } from './failure-description.js';
import type { FailurePhase } from './sync-alert.js';

/** A failed run, as the operator sees it. */
export interface ClassifiedFailure {
  /**
   * Stable code of the failure: the code the source or sink that claimed the error gives (the Power BI sink calls
   * a 401 `PBI_NOT_AUTHORIZED`), else the error's own, or `SYNC_RUN_FAILED` for an error without one.
   */
  code: string;
  /** Where it happened. */
  phase: FailurePhase;
  /** Redacted one-line message. */
  message: string;
  /** Batch the failure belongs to, when the error names one. */
  batchId?: string;
  /** Whether scheduled runs should back off (configuration and credential failures do not heal by themselves). */
  backsOff: boolean;
  /** How the stream's source or sink described the error, when it claimed it as its own. */
  description?: FailureDescription;
}

/** Whatever can describe its own failures: a stream's `SyncSource` and `SyncSink`. */
export interface DescribesFailures {
  /** See `SyncSource.describeFailure` / `SyncSink.describeFailure`. */
  describeFailure?(error: unknown): FailureDescription | undefined;
}

/** The source and sink of the failed stream, asked (in that order) whether the error is theirs. */
export interface FailureOwners {
  /** The stream's source. */
  source?: DescribesFailures;
  /** The stream's sink. */
  sink?: DescribesFailures;
}

/** Where the engine was when the error came out (refined from the error itself when it tells more). */
export type PhaseHint = 'store' | 'sink-setup' | 'run';

const CONFIG_CODES = /(^|_)(CONFIG_INVALID|OPTIONS_INVALID|SECRET_INVALID|SCHEMA_NEWER)$/;

/**
 * Classifies the error of a failed run: its code, phase, redacted message and whether retries back off. The
 * engine knows only its own codes; the stream's source and sink describe theirs (`owners`). `seenIn` is the phase
 * the run saw the error come out of, when it knows (a source read threw it: `RunStats.sourceFailure`); it wins over
 * the owners' and the codes' phases, not over configuration and credentials.
 */
export function classifyFailure(
  error: unknown,
  hint: PhaseHint,
  owners: FailureOwners = {},
  seenIn?: FailurePhase,
): ClassifiedFailure {
  const claimed = describedBy(error, owners, hint);
  const code = claimed?.description.code ?? codeOf(error) ?? 'SYNC_RUN_FAILED';
  const message = redactText(error instanceof Error ? error.message : String(error));
  const chain = causeChain(error);
  const credentials = chain.some((e) => kindOf(e) === 'auth');
  const configuration = chain.some((e) => CONFIG_CODES.test(codeOf(e) ?? ''));
  let phase: FailurePhase;
  if (configuration) phase = 'configuration';
  else if (credentials) phase = 'credentials';
  else phase = seenIn ?? claimed?.phase ?? phaseOfCode(code, hint);
  const batchId = (error as { batchId?: unknown } | null)?.batchId;
  return {
    code,
    phase,
    message,
    backsOff: configuration || credentials,
    ...(typeof batchId === 'string' ? { batchId } : {}),
    ...(claimed ? { description: claimed.description } : {}),
  };
}

/** The description of the owner that claims `error` (the source first), with the phase it implies. */
function describedBy(
  error: unknown,
  owners: FailureOwners,
  hint: PhaseHint,
): { description: FailureDescription; phase: FailurePhase } | undefined {
  const fromSource = owners.source?.describeFailure?.(error);
  if (fromSource) return { description: fromSource, phase: fromSource.phase ?? 'source' };
  const fromSink = owners.sink?.describeFailure?.(error);
  if (fromSink)
    return {
      description: fromSink,
      phase: fromSink.phase ?? (hint === 'sink-setup' ? 'sink-setup' : 'sink'),
    };
  return undefined;
}

/** The phase of the engine's own codes (sources' and sinks' codes are theirs to describe). */
function phaseOfCode(code: string, hint: PhaseHint): FailurePhase {
  if (code === 'STORE_LEASE_LOST' || code === 'STORE_STALE_FENCE' || code === 'SYNC_LEASE_LOST')
    return 'lease';
  if (code.startsWith('STORE_')) return 'store';
  if (code.startsWith('SYNC_VERIFICATION_') || code === 'SYNC_COUNT_UNREADABLE') return 'verification';
  if (code === 'SYNC_SOURCE_KEYS_UNORDERED') return 'source';
  if (hint === 'sink-setup') return 'sink-setup';
  if (code === 'SYNC_BATCH_FAILED' || code === 'SYNC_BATCH_QUARANTINED') return 'sink';
  return hint;
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && chain.length < 8; e = (e as { cause?: unknown })?.cause)
    chain.push(e);
  return chain;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : undefined;
}

function kindOf(error: unknown): FailureKind | undefined {
  return isMlcError(error) ? error.kind : undefined;
}
