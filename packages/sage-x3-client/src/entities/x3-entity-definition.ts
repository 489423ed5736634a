import type { z } from 'zod';

/**
 * Where a normalized field comes from: a dotted path into the raw record (`'BPSNAM'`, `'code.code'`,
 * `'BPCINV_REF.$title'`). Paths are data, not code: they are checked before they reach a query.
 */
export type X3FieldPath = string;

/** A child collection (lines) of an entity. */
export interface X3CollectionMapping {
  /**
   * REST: the embedded array property (e.g. `SIVSID`, [observed] reference §1.3). GraphQL: the collection
   * property, itself a connection (`purchaseOrderLines { query { edges { node } } }`, [documented] §2.4).
   */
  source: string;
  /** Normalized field → path inside one child. */
  fields: Record<string, X3FieldPath>;
  /** Normalized field the children are sorted by after mapping (numeric or string), so both transports agree. */
  sortBy?: string;
}

/** How an entity is read over REST api1. */
export interface X3RestMapping {
  /** X3 class code, e.g. `BPSUPPLIER`. */
  className: string;
  /** Representation used for `$query` (and `$details` unless `detailsRepresentation` is set). */
  representation: string;
  /** Representation for `$details` when it differs ([observed] `SINVOICEV` / `EDISIHTR`, §1.6). */
  detailsRepresentation?: string;
  /** Key properties of the class, in key order (composite keys join with `~`, [documented] §1.1). */
  keyFields: readonly string[];
  /** The update stamp property. @default 'UPDDATTIM' ([documented] §1.7, UTC) */
  stampField?: string;
  /** Normalized field → REST property path. */
  fields: Record<string, X3FieldPath>;
  /** Child collections by normalized name (e.g. `lines`). */
  collections?: Record<string, X3CollectionMapping>;
}

/** How an entity is read over GraphQL. */
export interface X3GraphQLMapping {
  /**
   * Package (root field) as named in current releases, e.g. `x3MasterData`. The client finds the actual root by
   * introspection (`xtremX3MasterData` on older releases, [documented] §2.4) unless `rootField` is given.
   */
  packageName: string;
  /** Node under the package, e.g. `supplier`. */
  nodeName: string;
  /** Exact root field to use, skipping discovery. */
  rootField?: string;
  /** The key property. @default '_id' */
  keyField?: string;
  /** The update stamp property. @default '_updateStamp' ([documented] §2.5) */
  stampField?: string;
  /** Normalized field → GraphQL property path (`code.code` selects `code { code }`). */
  fields: Record<string, X3FieldPath>;
  /** Child collections by normalized name. */
  collections?: Record<string, X3CollectionMapping>;
}

/**
 * Everything the client needs to read one entity over either transport and validate it. Built-in entities are
 * values of this type; a custom entity is one more (see {@link defineX3Entity}).
 */
export interface X3EntityDefinition<T = unknown> {
  /** Entity name used in `changes(name)`. */
  name: string;
  /**
   * Schema of the normalized record. Its input is the mapped object plus `key` and `updatedAt` (added by the
   * client); its output is the record type `T`.
   */
  schema: z.ZodType<T>;
  /** REST mapping; without it the entity cannot be read over REST. */
  rest?: X3RestMapping;
  /** GraphQL mapping; without it the entity cannot be read over GraphQL. */
  graphql?: X3GraphQLMapping;
}

/** Partial changes to a built-in entity: other class/representation/node names, extra or renamed fields. */
export interface X3EntityOverride<T = unknown> {
  /** A replacement schema (e.g. `supplierSchema.extend({ region: x3Text })`). */
  schema?: z.ZodType<T>;
  /** Merged into the REST mapping; `fields` and `collections` merge per name. */
  rest?: Partial<X3RestMapping>;
  /** Merged into the GraphQL mapping; `fields` and `collections` merge per name. */
  graphql?: Partial<X3GraphQLMapping>;
}

/** Declares a custom entity (identity function that gives the definition its inferred record type). */
export function defineX3Entity<T>(definition: X3EntityDefinition<T>): X3EntityDefinition<T> {
  return definition;
}

function mergeMapping<
  M extends { fields: Record<string, X3FieldPath>; collections?: Record<string, X3CollectionMapping> },
>(base: M | undefined, override: Partial<M> | undefined): M | undefined {
  if (!override) return base;
  if (!base) return override as M;
  const collections = { ...base.collections, ...override.collections };
  return {
    ...base,
    ...override,
    fields: { ...base.fields, ...override.fields },
    ...(Object.keys(collections).length > 0 ? { collections } : {}),
  };
}

/** Applies an override to an entity definition (field maps merge per normalized name). */
export function applyEntityOverride<T>(
  base: X3EntityDefinition<T>,
  override: X3EntityOverride<T> | undefined,
): X3EntityDefinition<T> {
  if (!override) return base;
  const rest = mergeMapping(base.rest, override.rest);
  const graphql = mergeMapping(base.graphql, override.graphql);
  return {
    name: base.name,
    schema: override.schema ?? base.schema,
    ...(rest ? { rest } : {}),
    ...(graphql ? { graphql } : {}),
  };
}
