import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { POWER_BI_LIMITS } from '../limits.js';
import {
  BATCH_COLUMN,
  type ColumnSpec,
  type DatasetDefinition,
  type DatasetSchema,
  POWER_BI_DATA_TYPES,
  type PowerBIDataType,
  type RelationshipDefinition,
  type ResolvedColumn,
  type ResolvedTable,
  type RowsByTable,
  type SummarizeBy,
  type TableDefinition,
} from './schema-types.js';

/**
 * [documented] reference §2.1 (swagger pattern): table and relationship names are 1–100 characters from tab, LF,
 * CR, space, `#`, `-`, digits, `@`, `A–Z`, `^`, `_`, `a–z`, `~` and code points from U+007F up.
 */
const TABLE_NAME_RE = /^[\t\n\r #\-0-9@A-Z^_a-z~\u{7F}-\u{10FFFF}]+$/u;
/** [documented] §2.1: column and measure names are non-empty, characters ≥ U+0020 plus tab/LF/CR. */
const COLUMN_NAME_RE = /^[\t\n\r\u{20}-\u{10FFFF}]+$/u;

const SUMMARIZE_BY: readonly SummarizeBy[] = [
  'default',
  'none',
  'sum',
  'min',
  'max',
  'count',
  'average',
  'distinctCount',
];
const CROSS_FILTERING = ['OneDirection', 'BothDirections', 'Automatic'];

/**
 * Defines a push dataset: validates names and every documented limit locally (before any request), resolves column
 * options, adds the hidden `_batch` column, and infers a TypeScript row type per table.
 *
 * @example
 * const sales = defineDataset({
 *   name: 'Sales',
 *   tables: { Orders: { columns: { id: 'Int64', amount: 'Decimal', postedAt: 'DateTime', note: { type: 'String', nullable: true } } } },
 * });
 * // Row type of Orders: { id: number | bigint | string; amount: number | string; postedAt: Date | string; note?: string | null }
 *
 * @throws {PowerBIValidationError} `PBI_SCHEMA_INVALID` naming the table/column and the reason.
 */
export function defineDataset<const T extends Record<string, TableDefinition>>(
  definition: DatasetDefinition<T>,
): DatasetSchema<RowsByTable<T>> {
  if (typeof definition !== 'object' || definition === null) fail('the dataset definition must be an object');
  const { name } = definition;
  if (typeof name !== 'string' || name.trim() === '') fail('the dataset name must be a non-empty string');
  const defaultMode = definition.defaultMode ?? 'Push';
  if (defaultMode !== 'Push' && defaultMode !== 'PushStreaming') {
    fail(`defaultMode must be "Push" or "PushStreaming" (got ${describeValue(defaultMode)})`);
  }
  const retentionPolicy = definition.retentionPolicy ?? 'None';
  if (retentionPolicy !== 'None' && retentionPolicy !== 'basicFIFO') {
    fail(`retentionPolicy must be "None" or "basicFIFO" (got ${describeValue(retentionPolicy)})`);
  }
  const batchColumn = definition.batchColumn ?? true;

  if (typeof definition.tables !== 'object' || definition.tables === null) fail('tables must be an object');
  const tableEntries = Object.entries(definition.tables);
  if (tableEntries.length === 0) fail('a dataset needs at least one table');
  if (tableEntries.length > POWER_BI_LIMITS.maxTables) {
    fail(`${tableEntries.length} tables exceed the limit of ${POWER_BI_LIMITS.maxTables} per dataset`);
  }

  const tables: ResolvedTable[] = [];
  const seenTables = new Map<string, string>();
  for (const [tableName, tableDefinition] of tableEntries) {
    checkTableLikeName(tableName, 'table', { table: tableName });
    // [inferred] Tabular object names are case-insensitive, so "Orders" and "orders" would collide.
    const folded = tableName.toLowerCase();
    const clash = seenTables.get(folded);
    if (clash !== undefined)
      fail(`table name collides with "${clash}" (names are case-insensitive)`, { table: tableName });
    seenTables.set(folded, tableName);
    tables.push(resolveTable(tableName, tableDefinition, batchColumn));
  }
  const tablesByName = new Map(tables.map((table) => [table.name, table]));

  const relationships = definition.relationships ?? [];
  if (!Array.isArray(relationships)) fail('relationships must be an array');
  if (relationships.length > POWER_BI_LIMITS.maxRelationships) {
    fail(
      `${relationships.length} relationships exceed the limit of ${POWER_BI_LIMITS.maxRelationships} per dataset`,
    );
  }
  const seenRelationships = new Set<string>();
  for (const relationship of relationships) {
    checkRelationship(relationship, tablesByName);
    const folded = relationship.name.toLowerCase();
    if (seenRelationships.has(folded)) fail(`duplicate relationship name "${relationship.name}"`);
    seenRelationships.add(folded);
  }

  return Object.freeze({
    name,
    tables: Object.freeze(tables),
    tablesByName,
    relationships: Object.freeze(relationships.map((relationship) => Object.freeze({ ...relationship }))),
    defaultMode,
    retentionPolicy,
    batchColumn,
  });
}

function resolveTable(tableName: string, definition: TableDefinition, batchColumn: boolean): ResolvedTable {
  if (typeof definition !== 'object' || definition === null)
    fail('the table definition must be an object', { table: tableName });
  if (typeof definition.columns !== 'object' || definition.columns === null) {
    fail('columns must be an object of name → type', { table: tableName });
  }
  const entries = Object.entries(definition.columns as Record<string, ColumnSpec>);
  if (entries.length === 0) fail('a table needs at least one column', { table: tableName });
  const total = entries.length + (batchColumn ? 1 : 0);
  if (total > POWER_BI_LIMITS.maxColumns) {
    fail(
      `${total} columns exceed the limit of ${POWER_BI_LIMITS.maxColumns} per table${
        batchColumn
          ? ` (${entries.length} defined + the reserved "${BATCH_COLUMN}" column; set batchColumn: false to free it)`
          : ''
      }`,
      { table: tableName },
    );
  }

  const columns: ResolvedColumn[] = [];
  const seen = new Map<string, string>();
  for (const [columnName, spec] of entries) {
    const where = { table: tableName, column: columnName };
    checkColumnLikeName(columnName, 'column', where);
    if (columnName.toLowerCase() === BATCH_COLUMN) {
      fail(`"${BATCH_COLUMN}" is reserved for batch tagging; pass append(rows, { batchId }) instead`, where);
    }
    const folded = columnName.toLowerCase();
    const clash = seen.get(folded);
    if (clash !== undefined) fail(`column name collides with "${clash}" (names are case-insensitive)`, where);
    seen.set(folded, columnName);
    columns.push(resolveColumn(columnName, spec, where));
  }
  for (const column of columns) {
    if (column.sortByColumn !== undefined && !seen.has(column.sortByColumn.toLowerCase())) {
      fail(`sortByColumn "${column.sortByColumn}" is not a column of the table`, {
        table: tableName,
        column: column.name,
      });
    }
  }
  if (batchColumn) {
    // [inferred] hidden so report authors do not see the bookkeeping column; String because batch ids are text.
    columns.push(
      Object.freeze({
        name: BATCH_COLUMN,
        dataType: 'String',
        nullable: true,
        reserved: true,
        isHidden: true,
      }),
    );
  }

  const measures = definition.measures ?? [];
  if (!Array.isArray(measures)) fail('measures must be an array', { table: tableName });
  for (const measure of measures) {
    const where = { table: tableName, column: String(measure?.name) };
    if (typeof measure !== 'object' || measure === null)
      fail('a measure must be an object', { table: tableName });
    checkColumnLikeName(measure.name, 'measure', where);
    if (typeof measure.expression !== 'string' || measure.expression.trim() === '') {
      fail('a measure needs a DAX expression', where);
    }
    const folded = measure.name.toLowerCase();
    if (seen.has(folded)) fail('measure name collides with a column or measure of the table', where);
    seen.set(folded, measure.name);
  }

  return Object.freeze({
    name: tableName,
    columns: Object.freeze(columns),
    columnsByName: new Map(columns.map((column) => [column.name, column])),
    measures: Object.freeze(measures.map((measure) => Object.freeze({ ...measure }))),
    ...(definition.isHidden !== undefined ? { isHidden: definition.isHidden } : {}),
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    hasBatchColumn: batchColumn,
  });
}

function resolveColumn(
  name: string,
  spec: ColumnSpec,
  where: { table: string; column: string },
): ResolvedColumn {
  const definition = typeof spec === 'string' ? { type: spec } : spec;
  if (typeof definition !== 'object' || definition === null) {
    fail(`the column must be a data type or { type, … } (got ${describeValue(spec)})`, where);
  }
  const dataType = definition.type;
  if (!POWER_BI_DATA_TYPES.includes(dataType)) {
    fail(`unknown data type ${describeValue(dataType)}; use one of ${POWER_BI_DATA_TYPES.join(', ')}`, where);
  }
  if (definition.summarizeBy !== undefined && !SUMMARIZE_BY.includes(definition.summarizeBy)) {
    fail(`summarizeBy must be one of ${SUMMARIZE_BY.join(', ')}`, where);
  }
  const column: ResolvedColumn = {
    name,
    dataType: dataType as PowerBIDataType,
    nullable: definition.nullable ?? false,
    reserved: false,
    ...(definition.formatString !== undefined ? { formatString: definition.formatString } : {}),
    ...(definition.isHidden !== undefined ? { isHidden: definition.isHidden } : {}),
    ...(definition.dataCategory !== undefined ? { dataCategory: definition.dataCategory } : {}),
    ...(definition.summarizeBy !== undefined ? { summarizeBy: definition.summarizeBy } : {}),
    ...(definition.sortByColumn !== undefined ? { sortByColumn: definition.sortByColumn } : {}),
  };
  return Object.freeze(column);
}

function checkRelationship(
  relationship: RelationshipDefinition,
  tables: ReadonlyMap<string, ResolvedTable>,
): void {
  if (typeof relationship !== 'object' || relationship === null) fail('a relationship must be an object');
  const label = { column: String(relationship.name) };
  checkTableLikeName(relationship.name, 'relationship', label);
  for (const side of ['from', 'to'] as const) {
    const tableName = relationship[`${side}Table`];
    const columnName = relationship[`${side}Column`];
    const table = tables.get(tableName);
    if (!table)
      fail(
        `relationship "${relationship.name}": ${side}Table "${String(tableName)}" is not a table of the dataset`,
      );
    if (!table.columnsByName.has(columnName) || table.columnsByName.get(columnName)?.reserved) {
      fail(
        `relationship "${relationship.name}": ${side}Column "${String(columnName)}" is not a column of the table`,
        {
          table: tableName,
          column: String(columnName),
        },
      );
    }
  }
  if (
    relationship.crossFilteringBehavior !== undefined &&
    !CROSS_FILTERING.includes(relationship.crossFilteringBehavior)
  ) {
    fail(
      `relationship "${relationship.name}": crossFilteringBehavior must be one of ${CROSS_FILTERING.join(', ')}`,
    );
  }
}

function checkTableLikeName(name: unknown, what: string, where: { table?: string; column?: string }): void {
  if (typeof name !== 'string' || name.length === 0) fail(`a ${what} name must be a non-empty string`, where);
  const length = [...name].length;
  if (length > POWER_BI_LIMITS.maxTableNameLength) {
    fail(
      `${what} name is ${length} characters; at most ${POWER_BI_LIMITS.maxTableNameLength} are allowed`,
      where,
    );
  }
  if (!TABLE_NAME_RE.test(name)) {
    const bad = [...name].find((char) => !TABLE_NAME_RE.test(char));
    fail(
      `${what} name contains ${describeChar(bad)}; only letters, digits, spaces and # - @ ^ _ ~ are allowed (Power BI name pattern)`,
      where,
    );
  }
}

function checkColumnLikeName(name: unknown, what: string, where: { table?: string; column?: string }): void {
  if (typeof name !== 'string' || name.length === 0) fail(`a ${what} name must be a non-empty string`, where);
  if (!COLUMN_NAME_RE.test(name)) fail(`${what} name contains a control character`, where);
}

function describeChar(char: string | undefined): string {
  if (char === undefined) return 'an invalid character';
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 ? `the control character U+${code.toString(16).padStart(4, '0')}` : `"${char}"`;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function fail(reason: string, where: { table?: string; column?: string } = {}): never {
  throw new PowerBIValidationError({ code: 'PBI_SCHEMA_INVALID', reason, ...where });
}
