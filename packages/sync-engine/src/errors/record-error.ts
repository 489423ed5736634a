import { MlcError, isMlcError } from '@mlc/core';

/** Stable codes of {@link RecordError}. */
export type RecordErrorCode = 'SYNC_RECORD_INVALID' | 'SYNC_MAPPING_FAILED';

/** Where a bad record was caught: by the source's schema, or by the stream's mapping / table schema. */
export type RecordErrorStage = 'source' | 'map';

/** Fields of a {@link RecordError}. */
export interface RecordErrorInit {
  /** Stable code. @default 'SYNC_MAPPING_FAILED' */
  code?: RecordErrorCode;
  /** Where it was caught. @default 'map' */
  stage?: RecordErrorStage;
  /** Field path that is wrong, e.g. `lines[2].amount`. */
  field?: string;
  /** Why the value is wrong, e.g. `expected a finite number, got "12,5"`. */
  reason: string;
  /** Stream name, when known. */
  stream?: string;
  /** Record key, when known. */
  key?: string;
  /** Underlying error. */
  cause?: unknown;
}

/**
 * A single record that cannot be synced: it is quarantined (dead letter) and the run goes on. Throw it from a
 * custom mapping to give a precise field and reason; any other error thrown by a mapping is wrapped into one.
 */
export class RecordError extends MlcError<RecordErrorCode> {
  /** Literal name. */
  override name = 'RecordError';
  /** Stage that caught it. */
  readonly stage: RecordErrorStage;
  /** Field path. */
  readonly field?: string;
  /** Why. */
  readonly reason: string;
  /** Stream name. */
  readonly stream?: string;
  /** Record key. */
  readonly key?: string;

  /** Builds the error; the message names stream, record, field and reason. */
  constructor(init: RecordErrorInit) {
    const where = [
      init.stream ? `stream ${init.stream}` : undefined,
      init.key !== undefined ? `record ${JSON.stringify(init.key)}` : undefined,
      init.field ? `field ${init.field}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super({
      message: where ? `${where}: ${init.reason}` : init.reason,
      code: init.code ?? 'SYNC_MAPPING_FAILED',
      kind: 'validation',
      ...(init.cause !== undefined ? { cause: init.cause } : {}),
    });
    this.stage = init.stage ?? 'map';
    this.reason = init.reason;
    if (init.field !== undefined) this.field = init.field;
    if (init.stream !== undefined) this.stream = init.stream;
    if (init.key !== undefined) this.key = init.key;
  }
}

/** Every code of {@link RecordError}: the compiler checks the list is complete. */
const RECORD_ERROR_CODES = Object.keys({
  SYNC_RECORD_INVALID: true,
  SYNC_MAPPING_FAILED: true,
} satisfies Record<RecordErrorCode, true>) as RecordErrorCode[];

/** True when `error` is a {@link RecordError}, also one built by another installed copy (core's brand and code). */
export function isRecordError(error: unknown): error is RecordError {
  return isMlcError(error, RECORD_ERROR_CODES);
}
