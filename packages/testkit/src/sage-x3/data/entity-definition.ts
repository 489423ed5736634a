import type { Rng } from './hash.js';
import type { LocalMenu } from './local-menu.js';

/**
 * The built-in entity names: the client's six built-in entities plus `customer` (the class Sage's own docs and
 * samples query first, reference §1.1, §4).
 */
export type SageX3EntityName =
  | 'account'
  | 'journalEntry'
  | 'supplier'
  | 'product'
  | 'purchaseOrder'
  | 'salesInvoice'
  | 'customer';

/** All built-in entity names, in a stable order. */
export const SAGE_X3_ENTITY_NAMES: readonly SageX3EntityName[] = [
  'account',
  'journalEntry',
  'supplier',
  'product',
  'purchaseOrder',
  'salesInvoice',
  'customer',
];

/**
 * A stored field value. Datetimes are epoch seconds, dates `YYYY-MM-DD`, decimals numbers (generated with 2
 * decimals) or decimal text held exactly (`'12345678901234567890.12'`, served by REST as a number literal with every
 * digit and by GraphQL as that text).
 */
export type FieldValue = string | number | boolean | null;

/** The type of a field, which decides literal parsing, comparison and serialisation. */
export type FieldType = 'string' | 'int' | 'decimal' | 'boolean' | 'date' | 'datetime';

/**
 * How a GraphQL field presents a stored code:
 * - `code`: a small reference object `{ _id code }` of GraphQL type `type`;
 * - `bp`: a `BusinessPartner { _id code }`;
 * - `bpRole`: an object of GraphQL type `type` whose `code` is a `BusinessPartner` (`{ code { code } }`);
 * - `node`: the full node of another entity, resolved by key;
 * - `id`: a reference to a node whose properties are not documented: only its system `_id` is served.
 */
export type FieldRef =
  | { readonly kind: 'code'; readonly type: string }
  | { readonly kind: 'id'; readonly type: string }
  | { readonly kind: 'bp' }
  | { readonly kind: 'bpRole'; readonly type: string }
  | { readonly kind: 'node'; readonly entity: SageX3EntityName };

/** One field of an entity header or line, with its REST and GraphQL names. */
export interface FieldDef {
  /** Canonical (camelCase) name in the simulator's record model; `key`, `createdAt`, `updatedAt` are special. */
  readonly name: string;
  readonly type: FieldType;
  /** REST (SData) property name, or `null` when REST does not expose it. */
  readonly rest: string | null;
  /** GraphQL property name, or `null` when GraphQL does not expose it. */
  readonly graphql: string | null;
  readonly ref?: FieldRef;
  /** GraphQL shows the field as this local menu (an enum) instead of its stored scalar. */
  readonly menu?: LocalMenu;
  /** Whether the value always equals the record key (so ordering by it is key order). */
  readonly sameAsKey?: boolean;
  /** Converts the stored value for REST output (e.g. the account code part of an account key). */
  readonly restValue?: (value: FieldValue) => FieldValue;
  /** Human description for docs. */
  readonly doc: string;
}

/** A generated or stored record: one data model, projected to REST and GraphQL. */
export interface SimRecord {
  /** The X3 key (`~` joins composite key parts). */
  readonly key: string;
  /** Creation stamp, epoch seconds (CREDATTIM / `_createStamp`). */
  readonly createdAt: number;
  /** Update stamp, epoch seconds (UPDDATTIM / `_updateStamp`). */
  readonly updatedAt: number;
  /** Business fields by canonical name. */
  readonly values: Readonly<Record<string, FieldValue>>;
  /** Child lines, for entities that have lines. */
  readonly lines?: ReadonlyArray<Readonly<Record<string, FieldValue>>>;
  /**
   * REST properties served verbatim instead of the record's own (any JSON value: a null key, a malformed stamp),
   * planted by tests of client robustness. The simulator still pages and filters on the record's own key and stamp.
   */
  readonly restOverrides?: Readonly<Record<string, unknown>>;
}

/** What a generator may use to build one record. */
export interface GenerateContext {
  /** Record index in stamp order (0-based) and its key number. */
  readonly index: number;
  readonly keyNumber: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** A PRNG seeded from (seed, entity, index). */
  readonly rng: Rng;
  /** Number of base records per entity, for references. */
  readonly counts: Readonly<Record<SageX3EntityName, number>>;
  /** Formats another entity's key from its key number. */
  readonly keyOf: (entity: SageX3EntityName, keyNumber: number) => string;
  /** Number of lines this record has (precomputed so totals need no generation). */
  readonly lineCount: number;
}

/** Formats and parses one entity's keys. Key strings sort like their key numbers. */
export interface KeyCodec {
  format(keyNumber: number): string;
  parse(key: string): number | undefined;
}

/** Everything the simulator knows about one entity. */
export interface EntityDef {
  readonly name: SageX3EntityName;
  /** Default REST class and representation ([documented] or [inferred], see each definition). */
  readonly rest: { readonly className: string; readonly representation: string };
  /** REST key properties, mapped to canonical fields; `~` joins them in keys and `key=` paging values. */
  readonly restKeyFields: readonly string[];
  readonly graphql: {
    /** Package suffix: `FinanceData` gives `x3FinanceData` or `xtremX3FinanceData`. */
    readonly packageSuffix: string;
    readonly nodeName: string;
    readonly typeName: string;
  };
  /** Header fields except `key`/`createdAt`/`updatedAt` (which every entity has). */
  readonly fields: readonly FieldDef[];
  /** The key's own field definition (its REST/GraphQL names). */
  readonly keyField: FieldDef;
  readonly lines?: {
    readonly rest: string;
    readonly graphql: string;
    readonly typeName: string;
    readonly fields: readonly FieldDef[];
  };
  /** Default base record count. */
  readonly defaultCount: number;
  readonly codec: (count: number) => KeyCodec;
  /** Lines of record `index` (from hashing only, no generation); 0 for entities without lines. */
  readonly lineCount: (seed: number, index: number) => number;
  readonly generate: (ctx: GenerateContext) => {
    values: Record<string, FieldValue>;
    lines?: Array<Record<string, FieldValue>>;
  };
}

/** A key codec `PREFIX` + zero-padded number, wide enough that inserted records keep the order. */
export function prefixCodec(prefix: string, count: number): KeyCodec {
  const width = Math.max(6, String(count * 10 + 1_000_000).length);
  const re = new RegExp(`^${prefix}(\\d{${width}})$`);
  return {
    format: (n) => prefix + String(n).padStart(width, '0'),
    parse: (key) => {
      const m = re.exec(key);
      return m ? Number(m[1]) : undefined;
    },
  };
}
