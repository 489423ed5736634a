import {
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLError,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
} from 'graphql';
import type { Condition } from '../data/condition.js';
import type { Dataset } from '../data/dataset.js';
import { ENTITY_DEFS } from '../data/entities/entity-defs.js';
import {
  type EntityDef,
  type FieldDef,
  type FieldValue,
  SAGE_X3_ENTITY_NAMES,
  type SageX3EntityName,
  type SimRecord,
} from '../data/entity-definition.js';
import { formatStamp } from '../data/field-value.js';
import { type LocalMenu, storedOfMenu } from '../data/local-menu.js';
import { countMatching, runQuery } from '../data/query-engine.js';
import { hashInts, hashString } from '../data/hash.js';
import { graphqlPathMap } from './graphql-paths.js';
import {
  GraphqlArgumentError,
  decodeCursor,
  encodeCursor,
  parseGraphqlFilter,
  parseGraphqlOrderBy,
} from './graphql-query-args.js';

/** Per-request state the resolvers read. */
export interface GraphqlContext {
  /** Inject one partial error (fault) into this request's answer. */
  partialError: boolean;
  partialErrorFired: boolean;
}

/** Settings of the schema. */
export interface GraphqlSchemaConfig {
  readonly dataset: Dataset;
  readonly rootStyle: 'x3' | 'xtremX3';
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
}

type Source = Record<string, unknown>;

/** Node sources are records; graphql-js types every source alike. */
const rec = (s: Source): SimRecord => s as unknown as SimRecord;

// [inferred] scalar names follow Xtrem's (`Datetime`, `Date`, `Decimal`); decimals are sent as strings so no
// precision is lost, datetimes as `YYYY-MM-DDTHH:MM:SSZ` (UTC, [inferred] §3 gotcha 5).
const DatetimeScalar = new GraphQLScalarType({
  name: 'Datetime',
  description: 'UTC instant, `YYYY-MM-DDTHH:MM:SSZ`.',
  serialize: (v) => (typeof v === 'number' ? formatStamp(v) : String(v)),
  parseValue: (v) => String(v),
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : null),
});
const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'Calendar date, `YYYY-MM-DD`.',
  serialize: (v) => String(v),
  parseValue: (v) => String(v),
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : null),
});
const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'Decimal number sent as a string.',
  serialize: (v) => String(v),
  parseValue: (v) => String(v),
  parseLiteral: (ast) =>
    ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : null,
});

const PageInfo = new GraphQLObjectType({
  name: 'PageInfo',
  fields: {
    startCursor: { type: GraphQLString },
    endCursor: { type: GraphQLString },
    hasPreviousPage: { type: new GraphQLNonNull(GraphQLBoolean) },
    hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) },
  },
});

/** Throws the injected partial error once per request (a field the user "may not read", [documented as observed] §2.8). */
function maybeFail(ctx: GraphqlContext, what: string): void {
  if (ctx.partialError && !ctx.partialErrorFired) {
    ctx.partialErrorFired = true;
    throw new GraphQLError(`Access denied: you do not have the rights to read ${what}`, {
      extensions: { code: 'access-denied' },
    });
  }
}

/**
 * Builds the graphql-js schema of the entity nodes ([documented] reference §2.4/§2.5): packages at the root
 * (`x3FinanceData`, … or the older `xtremX3FinanceData`, …), each node with `query(filter, orderBy, first, after)`
 * relay connections and `read(_id)`, system properties `_id _createStamp _updateStamp _etag`, references as
 * objects (`code { code }` for business partners) and line collections as connections. Type names are
 * [inferred].
 */
export function buildGraphqlSchema(cfg: GraphqlSchemaConfig): GraphQLSchema {
  const refTypes = new Map<string, GraphQLObjectType>();
  const codeRef = (name: string): GraphQLObjectType => {
    let t = refTypes.get(name);
    if (!t) {
      t = new GraphQLObjectType({
        name,
        fields: {
          _id: { type: new GraphQLNonNull(GraphQLID), resolve: (s: string) => s },
          code: { type: new GraphQLNonNull(GraphQLString), resolve: (s: string) => s },
        },
      });
      refTypes.set(name, t);
    }
    return t;
  };
  const idTypes = new Map<string, GraphQLObjectType>();
  const idRef = (name: string): GraphQLObjectType => {
    let t = idTypes.get(name);
    if (!t) {
      // Only the system `_id` every node has ([documented] §2.5); the node's own properties are not documented.
      t = new GraphQLObjectType({
        name,
        fields: { _id: { type: new GraphQLNonNull(GraphQLID), resolve: (s: string) => s } },
      });
      idTypes.set(name, t);
    }
    return t;
  };
  const roleTypes = new Map<string, GraphQLObjectType>();
  const roleRef = (name: string): GraphQLObjectType => {
    let t = roleTypes.get(name);
    if (!t) {
      t = new GraphQLObjectType({
        name,
        fields: {
          _id: { type: new GraphQLNonNull(GraphQLID), resolve: (s: string) => s },
          code: { type: new GraphQLNonNull(codeRef('BusinessPartner')), resolve: (s: string) => s },
        },
      });
      roleTypes.set(name, t);
    }
    return t;
  };

  const nodeTypes = new Map<SageX3EntityName, GraphQLObjectType>();
  const menuTypes = new Map<string, GraphQLEnumType>();
  const menuType = (menu: LocalMenu, fieldType: string): GraphQLEnumType => {
    let t = menuTypes.get(menu.type);
    if (!t) {
      const values: Record<string, { value: FieldValue }> = {};
      for (const name of menu.values) values[name] = { value: storedOfMenu(menu, fieldType, name) ?? null };
      t = new GraphQLEnumType({ name: menu.type, values });
      menuTypes.set(menu.type, t);
    }
    return t;
  };

  const scalarType = (f: FieldDef): GraphQLOutputType => {
    if (f.menu) return menuType(f.menu, f.type);
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
  };

  const fieldConfig = (
    f: FieldDef,
    read: (src: Source) => FieldValue,
  ): GraphQLFieldConfig<Source, GraphqlContext> => {
    const ref = f.ref;
    const what = f.graphql ?? f.name;
    if (!ref) {
      return {
        type: scalarType(f),
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
        type: nodeType(ref.entity),
        resolve: (src, _a, ctx) => {
          maybeFail(ctx, what);
          const key = read(src);
          return typeof key === 'string' ? (cfg.dataset.tables[ref.entity].get(key) ?? null) : null;
        },
      };
    }
    const type =
      ref.kind === 'bp'
        ? codeRef('BusinessPartner')
        : ref.kind === 'code'
          ? codeRef(ref.type)
          : ref.kind === 'id'
            ? idRef(ref.type)
            : roleRef(ref.type);
    return {
      type,
      description: f.doc,
      resolve: (src, _a, ctx) => {
        maybeFail(ctx, what);
        const v = read(src);
        return v === null || v === undefined ? null : String(v);
      },
    };
  };

  const lineType = (def: EntityDef): GraphQLObjectType | undefined => {
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
        if (f.graphql) out[f.graphql] = fieldConfig(f, (s) => (s[f.name] ?? null) as FieldValue);
      }
      return out;
    };
    return new GraphQLObjectType({ name: lines.typeName, fields });
  };

  const connection = (name: string, node: GraphQLObjectType, withTotal: boolean): GraphQLObjectType => {
    const edge = new GraphQLObjectType({
      name: `${name}_Edge`,
      fields: {
        cursor: { type: new GraphQLNonNull(GraphQLString) },
        node: { type: new GraphQLNonNull(node) },
      },
    });
    const fields: GraphQLFieldConfigMap<Source, GraphqlContext> = {
      edges: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(edge))) },
      pageInfo: { type: new GraphQLNonNull(PageInfo) },
    };
    if (withTotal) fields.totalCount = { type: GraphQLInt, resolve: (s) => (s.totalCount as () => number)() };
    return new GraphQLObjectType({ name: `${name}_Connection`, fields });
  };

  const pageSize = (first: unknown): number => {
    if (first === undefined || first === null) return cfg.defaultPageSize;
    if (typeof first !== 'number' || first < 0) throw new GraphqlArgumentError('Invalid first: must be >= 0');
    // [inferred] no maximum is documented (§2.6); the simulator caps at maxPageSize like REST.
    return Math.min(first, cfg.maxPageSize);
  };

  const nodeType = (entity: SageX3EntityName): GraphQLObjectType => {
    const existing = nodeTypes.get(entity);
    if (existing) return existing;
    const def = ENTITY_DEFS[entity];
    const lt = lineType(def);
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
          if (f.graphql) out[f.graphql] = fieldConfig(f, (s) => rec(s).values[f.name] ?? null);
        }
        if (def.lines && lt) {
          const linesName = def.lines.graphql;
          const lineConn = connection(def.lines.typeName, lt, false);
          const collection = new GraphQLObjectType({
            name: `${def.lines.typeName}_Collection`,
            fields: {
              query: {
                type: lineConn,
                args: { first: { type: GraphQLInt }, after: { type: GraphQLString } },
                resolve: (src: { lines: Source[] }, args: { first?: number; after?: string }) => {
                  const size = pageSize(args.first);
                  let start = 0;
                  if (args.after) {
                    const m = /^\[(\d+)\]#(\d+)$/.exec(args.after);
                    if (!m) throw new GraphqlArgumentError('Invalid cursor');
                    start = Number(m[2]) + 1;
                  }
                  const slice = src.lines.slice(start, start + size);
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
                      hasNextPage: start + size < src.lines.length,
                    },
                  };
                },
              },
            },
          });
          out[linesName] = {
            type: collection,
            description: 'Lines, as a collection connection ([documented] §2.4).',
            resolve: (s, _a, ctx) => {
              maybeFail(ctx, linesName);
              const r = rec(s);
              return { lines: (r.lines ?? []).map((l) => ({ ...l, __parent: r.key })) };
            },
          };
        }
        return out;
      },
    });
    nodeTypes.set(entity, type);
    return type;
  };

  const operations = (entity: SageX3EntityName): GraphQLObjectType => {
    const def = ENTITY_DEFS[entity];
    const node = nodeType(entity);
    const paths = graphqlPathMap(def);
    const table = cfg.dataset.tables[entity];
    return new GraphQLObjectType({
      name: `${def.graphql.typeName}_Operations`,
      fields: {
        query: {
          type: connection(def.graphql.typeName, node, true),
          args: {
            filter: { type: GraphQLString },
            orderBy: { type: GraphQLString },
            first: { type: GraphQLInt },
            after: { type: GraphQLString },
          },
          resolve: (
            _src,
            args: {
              filter?: string | null;
              orderBy?: string | null;
              first?: number | null;
              after?: string | null;
            },
          ) => {
            const where: Condition | undefined = args.filter
              ? parseGraphqlFilter(args.filter, paths)
              : undefined;
            const { sort, defs } = parseGraphqlOrderBy(args.orderBy, paths);
            const limit = pageSize(args.first);
            const after = args.after
              ? { values: decodeCursor(args.after, sort, defs), inclusive: false }
              : undefined;
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
          },
        },
        read: {
          type: node,
          args: { _id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: (_src, args: { _id: string }) => table.get(args._id) ?? null,
        },
      },
    });
  };

  const packages = new Map<string, SageX3EntityName[]>();
  for (const entity of SAGE_X3_ENTITY_NAMES) {
    const suffix = ENTITY_DEFS[entity].graphql.packageSuffix;
    packages.set(suffix, [...(packages.get(suffix) ?? []), entity]);
  }
  const rootFields: GraphQLFieldConfigMap<Source, GraphqlContext> = {};
  for (const [suffix, entities] of packages) {
    const name = `${cfg.rootStyle}${suffix}`;
    const fields: GraphQLFieldConfigMap<Source, GraphqlContext> = {};
    for (const e of entities)
      fields[ENTITY_DEFS[e].graphql.nodeName] = { type: operations(e), resolve: () => ({}) };
    rootFields[name] = {
      type: new GraphQLObjectType({
        name: `${name.charAt(0).toUpperCase()}${name.slice(1)}_Package`,
        fields,
      }),
      resolve: () => ({}),
    };
  }
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: rootFields }) });
}
