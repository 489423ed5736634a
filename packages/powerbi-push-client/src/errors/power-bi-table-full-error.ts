import { MlcError } from '@mlc/core';

/**
 * What to do when a push table reaches its row cap (retention `None`: 5,000,000 rows, [documented] reference §0,
 * §3). The one place this advice lives; the README's "Table size" section explains each strategy.
 */
export const TABLE_CAPACITY_REMEDY =
  'A push table with retention None holds at most 5,000,000 rows and refuses more. Split the data (one table per year), keep a rolling window (a replace-mode stream that clears and rebuilds the table with recent rows only), or write new rows to a new table or dataset version; a versioned stream grows by one row set per change, so it reaches the cap sooner.';

/** The facts of a table that is (nearly) full. */
export interface TableCapacityFacts {
  /** Dataset id. */
  readonly datasetId: string;
  /** Table name. */
  readonly table: string;
  /** Rows the client knows the table holds (counted at start-up, plus appends since). */
  readonly rows: number;
  /** The cap of the table's retention policy. */
  readonly cap: number;
}

/**
 * `PBI_TABLE_FULL`: an append would take a push table past its row cap, so the client refused it before sending
 * anything (Power BI would refuse it too, or the table would stop growing). Not retryable: a person must make room
 * ({@link TABLE_CAPACITY_REMEDY}). The count is what the client knows (see `PushTable.setKnownRowCount`).
 */
export class PowerBITableFullError extends MlcError<'PBI_TABLE_FULL'> {
  override name = 'PowerBITableFullError' as const;
  /** Dataset id. */
  readonly datasetId: string;
  /** Table name. */
  readonly table: string;
  /** Rows the table holds. */
  readonly rows: number;
  /** Rows the refused append would have added. */
  readonly adding: number;
  /** The table's cap. */
  readonly cap: number;

  constructor(facts: TableCapacityFacts & { adding: number }) {
    super({
      message: `Table '${facts.table}' holds ${facts.rows} rows; ${facts.adding} more would pass its cap of ${facts.cap}. Nothing was sent. ${TABLE_CAPACITY_REMEDY}`,
      code: 'PBI_TABLE_FULL',
      kind: 'client',
      retryable: false,
      outcome: 'not-applied',
      details: { ...facts, remedy: TABLE_CAPACITY_REMEDY },
    });
    this.datasetId = facts.datasetId;
    this.table = facts.table;
    this.rows = facts.rows;
    this.adding = facts.adding;
    this.cap = facts.cap;
  }
}
