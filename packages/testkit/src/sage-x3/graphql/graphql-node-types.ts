import {
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLError,
  GraphQLID,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLString,
} from 'graphql';
import type { Condition } from '../data/condition.js';
import { ENTITY_DEFS } from '../data/entities/entity-defs.js';
import type {
  EntityDef,
  FieldDef,
  FieldValue,
  SageX3EntityName,
  SimRecord,
} from '../data/entity-definition.js';
import type { EntityTable } from '../data/entity-table.js';
import { hashInts, hashString } from '../data/hash.js';
import { type LocalMenu, storedOfMenu } from '../data/local-menu.js';
import { countMatching, runQuery } from '../data/query-engine.js';
import { graphqlPathMap } from './graphql-paths.js';
import {
  GraphqlArgumentError,
  decodeCursor,
  encodeCursor,
  parseGraphqlFilter,
  parseGraphqlOrderBy,
} from './graphql-query-args.js';
import { DateScalar, DatetimeScalar, DecimalScalar, type Source, connectionType } from './graphql-scalars.js';
import type { GraphqlContext, GraphqlSchemaConfig } from './graphql-schema.js';

/** Node sources are records; graphql-js types every source alike. */
const rec = (s: Source): SimRecord => s as unknown as SimRecord;

/** Throws the injected partial error once per request (a field the user "may not read", [documented as observed] §2.8). */
function maybeFail(ctx: GraphqlContext, what: string): void {
  if (ctx.partialError && !ctx.partialErrorFired) {
    ctx.partialErrorFired = true;
    throw new GraphQLError(`Access denied: you do not have the rights to read ${what}`, {
      extensions: { code: 'access-denied' },
    });
  }
}

/** The `first` and `after` arguments of a line collection's `query`. */
interface LinesPageArgs {
  first?: number;
  after?: string;
}

/** The `query` arguments of an entity node ([documented] §2.4/§2.6). */
interface EntityQueryArgs {
  filter?: string | null;
  orderBy?: string | null;
  first?: number | null;
  after?: string | null;
}

/**
 * Builds and caches the graphql-js object types of one schema: entity nodes, their `_Operations` (query, read),
 * line collections, references and local-menu enums. Each named type is created once.
 */
export class GraphqlNodeTypes {
  readonly #refTypes = new Map<string, GraphQLObjectType>();
  readonly #idTypes = new Map<string, GraphQLObjectType>();
  readonly #roleTypes = new Map<string, GraphQLObjectType>();
  readonly #nodeTypes = new Map<SageX3EntityName, GraphQLObjectType>();
  readonly #menuTypes = new Map<string, GraphQLEnumType>();

  constructor(readonly cfg: GraphqlSchemaConfig) {}

  /** A reference shown as `{ _id code }` (business partners and coded references). */
  codeRef(name: string): GraphQLObjectType {
    let t = this.#refTypes.get(name);
    if (!t) {
      t = new GraphQLObjectType({
        name,
        fields: {
          _id: { type: new GraphQLNonNull(GraphQLID), resolve: (s: string) => s },
          code: { type: new GraphQLNonNull(GraphQLString), resolve: (s: string) => s },
        },
      });
      this.#refTypes.set(name, t);
    }
    return t;
  }

  /** A reference shown as `{ _id }` only. */
  idRef(name: string): GraphQLObjectType {
    let t = this.#idTypes.get(name);
    if (!t) {
      // Only the system `_id` every node has ([documented] §2.5); the node's own properties are not documented.
      t = new GraphQLObjectType({
        name,
        fields: { _id: { type: new GraphQLNonNull(GraphQLID), resolve: (s: string) => s } },
      });
      this.#idTypes.set(name, t);
    }
    return t;
  }

  /** A business-partner role reference (supplier, customer): `{ _id code { _id code } }`. */
  roleRef(name: string): GraphQLObjectType {
    let t = this.#roleTypes.get(name);
    if (!t) {
      t = new GraphQLObjectType({
        name,
        fields: {
          _id: { type: new GraphQLNonNull(GraphQLID), resolve: (s: string) => s },
          code: { type: new GraphQLNonNull(this.codeRef('BusinessPartner')), resolve: (s: string) => s },
        },
      });
      this.#roleTypes.set(name, t);
    }
    return t;
  }

  /** The enum of a local menu, named after the menu; values resolve to what the table stores. */
  menuType(menu: LocalMenu, fieldType: string): GraphQLEnumType {
    let t = this.#menuTypes.get(menu.type);
    if (!t) {
      const values: Record<string, { value: FieldValue }> = {};
      for (const name of menu.values) values[name] = { value: storedOfMenu(menu, fieldType, name) ?? null };
      t = new GraphQLEnumType({ name: menu.type, values });
      this.#menuTypes.set(menu.type, t);
    }
    return t;
  }

  /** The GraphQL type of a non-reference field: its menu's enum, or the scalar of its type. */
  scalarType(f: FieldDef): GraphQLOutputType {
    if (f.menu) return this.menuType(f.menu, f.type);
    switch (f.type) {
      case 'int':
        return GraphQLInt;
      case 'decimal':
        return DecimalScalar;
      case 'boolean':
        return GraphQLBoolean;
      case 'date':
        return DateScalar;
      case 'datetime':
        return DatetimeScalar;
      default:
        return GraphQLString;
    }
  }

  /** The field config of one property: a scalar, a node reference (resolved to the record) or a reference object. */
  fieldConfig(f: FieldDef, read: (src: Source) => FieldValue): GraphQLFieldConfig<Source, GraphqlContext> {
    const ref = f.ref;
    const what = f.graphql ?? f.name;
    if (!ref) {
      return {
        type: this.scalarType(f),
        description: f.doc,
        resolve: (src, _a, ctx) => {
          maybeFail(ctx, what);
          return read(src);
        },
      };
    }
    if (ref.kind === 'node') {
      return {
        description: f.doc,
        type: this.nodeType(ref.entity),
        resolve: (src, _a, ctx) => {
          maybeFail(ctx, what);
          const key = read(src);
          return typeof key === 'string' ? (this.cfg.dataset.tables[ref.entity].get(key) ?? null) : null;
        },
      };
    }
    const type =
      ref.kind === 'bp'
        ? this.codeRef('BusinessPartner')
        : ref.kind === 'code'
          ? this.codeRef(ref.type)
          : ref.kind === 'id'
            ? this.idRef(ref.type)
            : this.roleRef(ref.type);
    return {
      type,
      description: f.doc,
      resolve: (src, _a, ctx) => {
        maybeFail(ctx, what);
        const v = read(src);
        return v === null || v === undefined ? null : String(v);
      },
    };
  }

  /** The object type of an entity's lines (`_id` is `{parent}|{lineNumber}`), or undefined without lines. */
  lineType(def: EntityDef): GraphQLObjectType | undefined {
    const lines = def.lines;
    if (!lines) return undefined;
    const fields = (): GraphQLFieldConfigMap<Source, GraphqlContext> => {
      const out: GraphQLFieldConfigMap<Source, GraphqlContext> = {
        _id: {
          type: new GraphQLNonNull(GraphQLID),
          resolve: (s) => `${String(s.__parent)}|${String(s.lineNumber)}`,
        },
      };
      for (const f of lines.fields) {
        if (f.graphql) out[f.graphql] = this.fieldConfig(f, (s) => (s[f.name] ?? null) as FieldValue);
      }
      return out;
    };
    return new GraphQLObjectType({ name: lines.typeName, fields });
  }

  /** The page size for `first`: the default when absent, capped at `maxPageSize`; negative is an error. */
  pageSize(first: unknown): number {
    if (first === undefined || first === null) return this.cfg.defaultPageSize;
    if (typeof first !== 'number' || first < 0) throw new GraphqlArgumentError('Invalid first: must be >= 0');
    // [inferred] no maximum is documented (§2.6); the simulator caps at maxPageSize like REST.
    return Math.min(first, this.cfg.maxPageSize);
  }

  /** The node type of an entity: system properties, its GraphQL-visible fields and its line collection. */
  nodeType(entity: SageX3EntityName): GraphQLObjectType {
    const existing = this.#nodeTypes.get(entity);
    if (existing) return existing;
    const def = ENTITY_DEFS[entity];
    const lt = this.lineType(def);
    const type = new GraphQLObjectType({
      name: def.graphql.typeName,
      fields: () => {
        const out: GraphQLFieldConfigMap<Source, GraphqlContext> = {
          _id: { type: new GraphQLNonNull(GraphQLID), resolve: (s) => rec(s).key },
          _createStamp: { type: DatetimeScalar, resolve: (s) => rec(s).createdAt },
          _updateStamp: { type: DatetimeScalar, resolve: (s) => rec(s).updatedAt },
          _etag: {
            type: GraphQLString,
            resolve: (s) => hashInts(hashString(rec(s).key), rec(s).updatedAt).toString(16),
          },
        };
        for (const f of def.fields) {
          if (f.graphql) out[f.graphql] = this.fieldConfig(f, (s) => rec(s).values[f.name] ?? null);
        }
        if (def.lines && lt) out[def.lines.graphql] = this.linesField(def.lines, lt);
        return out;
      },
    });
    this.#nodeTypes.set(entity, type);
    return type;
  }

  /** A node's lines field: a `{lines}_Collection` whose `query(first, after)` pages the lines in memory. */
  linesField(
    lines: NonNullable<EntityDef['lines']>,
    lt: GraphQLObjectType,
  ): GraphQLFieldConfig<Source, GraphqlContext> {
    const linesName = lines.graphql;
    const lineConn = connectionType(lines.typeName, lt, false);
    const collection = new GraphQLObjectType({
      name: `${lines.typeName}_Collection`,
      fields: {
        query: {
          type: lineConn,
          args: { first: { type: GraphQLInt }, after: { type: GraphQLString } },
          resolve: (src: { lines: Source[] }, args: LinesPageArgs) => this.linesPage(src.lines, args),
        },
      },
    });
    return {
      type: collection,
      description: 'Lines, as a collection connection ([documented] §2.4).',
      resolve: (s, _a, ctx) => {
        maybeFail(ctx, linesName);
        const r = rec(s);
        return { lines: (r.lines ?? []).map((l) => ({ ...l, __parent: r.key })) };
      },
    };
  }

  /** One page of a line collection; cursors are `[lineNumber]#index`. */
  linesPage(lines: Source[], args: LinesPageArgs): unknown {
    const size = this.pageSize(args.first);
    let start = 0;
    if (args.after) {
      const m = /^\[(\d+)\]#(\d+)$/.exec(args.after);
      if (!m) throw new GraphqlArgumentError('Invalid cursor');
      start = Number(m[2]) + 1;
    }
    const slice = lines.slice(start, start + size);
    const edges = slice.map((l, k) => ({
      cursor: `[${String(l.lineNumber)}]#${start + k}`,
      node: l,
    }));
    return {
      edges,
      pageInfo: {
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
        hasPreviousPage: start > 0,
        hasNextPage: start + size < lines.length,
      },
    };
  }

  /** An entity's `{type}_Operations`: `query(filter, orderBy, first, after)` and `read(_id)`. */
  operations(entity: SageX3EntityName): GraphQLObjectType {
    const def = ENTITY_DEFS[entity];
    const node = this.nodeType(entity);
    const paths = graphqlPathMap(def);
    const table = this.cfg.dataset.tables[entity];
    return new GraphQLObjectType({
      name: `${def.graphql.typeName}_Operations`,
      fields: {
        query: {
          type: connectionType(def.graphql.typeName, node, true),
          args: {
            filter: { type: GraphQLString },
            orderBy: { type: GraphQLString },
            first: { type: GraphQLInt },
            after: { type: GraphQLString },
          },
          resolve: (_src, args: EntityQueryArgs) => this.queryPage(table, paths, args),
        },
        read: {
          type: node,
          args: { _id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: (_src, args: { _id: string }) => table.get(args._id) ?? null,
        },
      },
    });
  }

  /** One page of an entity query: filter, order and keyset cursor; `totalCount` is counted only when asked. */
  queryPage(table: EntityTable, paths: ReturnType<typeof graphqlPathMap>, args: EntityQueryArgs): unknown {
    const where: Condition | undefined = args.filter ? parseGraphqlFilter(args.filter, paths) : undefined;
    const { sort, defs } = parseGraphqlOrderBy(args.orderBy, paths);
    const limit = this.pageSize(args.first);
    const after = args.after ? { values: decodeCursor(args.after, sort, defs), inclusive: false } : undefined;
    const { records, hasMore } = runQuery(table, {
      sort,
      limit,
      ...(where ? { where } : {}),
      ...(after ? { after } : {}),
    });
    const edges = records.map((r) => ({ cursor: encodeCursor(r, sort, defs), node: r }));
    return {
      edges,
      pageInfo: {
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
        hasPreviousPage: after !== undefined,
        hasNextPage: hasMore,
      },
      totalCount: () => countMatching(table, where),
    };
  }
}
