import type { ColumnDefinition, TableDefinition } from './api/dataset-schema.js';
import type { StoredValue } from './api/row-values.js';
import { RollingWindow } from './api/rolling-window.js';

/** One stored row: its values by column name and the time it becomes visible to executeQueries. */
export interface StoredRow {
  values: Record<string, StoredValue>;
  visibleAt: number;
}

/** A table of a simulated dataset. */
export class SimTable {
  name: string;
  columns: ColumnDefinition[];
  raw: Record<string, unknown>;
  rows: StoredRow[] = [];

  constructor(def: TableDefinition) {
    this.name = def.name;
    this.columns = def.columns;
    this.raw = def.raw;
  }

  /** Finds a column by its exact name (POST rows keys are matched exactly [inferred]). */
  column(name: string): ColumnDefinition | undefined {
    return this.columns.find((c) => c.name === name);
  }
}

/** The retention policy chosen at creation ([documented] S9). */
export type RetentionPolicy = 'None' | 'basicFIFO';

/** A simulated dataset with its quota state. */
export class SimDataset {
  readonly tables: SimTable[];
  /** POST rows requests in flight ([documented] S5: at most 5). */
  pending = 0;
  /** Accepted POST rows requests, weight = 1. */
  readonly posts: RollingWindow;
  /** Rows added, weight = row count. */
  readonly rowsAdded: RollingWindow;

  constructor(
    readonly id: string,
    readonly groupId: string,
    readonly name: string,
    readonly defaultMode: string,
    readonly retention: RetentionPolicy,
    tables: TableDefinition[],
    readonly relationships: Record<string, unknown>[],
    readonly createdAt: number,
    readonly configuredBy: string,
    hourMs: number,
  ) {
    this.tables = tables.map((t) => new SimTable(t));
    this.posts = new RollingWindow(hourMs);
    this.rowsAdded = new RollingWindow(hourMs);
  }

  /** [documented] S6/§2.2: API-created push datasets accept rows; AsAzure/AsOnPrem do not [inferred]. */
  get addRowsAPIEnabled(): boolean {
    return (
      this.defaultMode === 'Push' || this.defaultMode === 'PushStreaming' || this.defaultMode === 'Streaming'
    );
  }

  /** Exact, case-sensitive lookup ([C-3p] reference §2.5: path table names are case-sensitive). */
  table(name: string): SimTable | undefined {
    return this.tables.find((t) => t.name === name);
  }
}
