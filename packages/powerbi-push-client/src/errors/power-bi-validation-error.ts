import { MlcError } from '@mlc/core';

/** Codes of {@link PowerBIValidationError}. */
export type PowerBIValidationCode = 'PBI_SCHEMA_INVALID' | 'PBI_ROW_INVALID' | 'PBI_OPTIONS_INVALID';

/** Where in the input the problem is. */
export interface PowerBIValidationFacts {
  /** Why the input is refused, e.g. `"Decimal scale 5 exceeds 4"`. */
  reason: string;
  /** The table concerned. */
  table?: string;
  /** The column (or measure, relationship) concerned. */
  column?: string;
  /** 0-based index of the row in the array passed to `append()`. */
  rowIndex?: number;
}

/**
 * Input refused locally, before any request was made: a schema breaking a documented limit, a row value the
 * service would reject or silently mangle, or invalid options. Never retryable: fix the input.
 */
export class PowerBIValidationError extends MlcError<PowerBIValidationCode> {
  override name = 'PowerBIValidationError' as const;
  /** Why the input is refused. */
  readonly reason: string;
  /** The table concerned, when known. */
  readonly table?: string;
  /** The column concerned, when known. */
  readonly column?: string;
  /** 0-based row index in the `append()` input, for row errors. */
  readonly rowIndex?: number;

  constructor(init: PowerBIValidationFacts & { code: PowerBIValidationCode }) {
    const { code, ...facts } = init;
    super({ message: describe(facts), code, kind: 'validation', retryable: false, details: { ...facts } });
    this.reason = facts.reason;
    if (facts.table !== undefined) this.table = facts.table;
    if (facts.column !== undefined) this.column = facts.column;
    if (facts.rowIndex !== undefined) this.rowIndex = facts.rowIndex;
  }
}

function describe(facts: PowerBIValidationFacts): string {
  const where: string[] = [];
  if (facts.rowIndex !== undefined) where.push(`row ${facts.rowIndex}`);
  if (facts.column !== undefined) where.push(`column "${facts.column}"`);
  if (facts.table !== undefined) where.push(`${where.length > 0 ? 'of ' : ''}table "${facts.table}"`);
  return where.length > 0
    ? `${capitalize(where.join(', ').replace(', of', ' of'))}: ${facts.reason}`
    : facts.reason;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
