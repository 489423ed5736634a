import {
  type GraphQLFieldConfigMap,
  GraphQLBoolean,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLString,
  Kind,
} from 'graphql';
import { formatStamp } from '../data/field-value.js';
import type { GraphqlContext } from './graphql-schema.js';

/** What graphql-js hands resolvers: every source is typed alike. */
export type Source = Record<string, unknown>;

// [inferred] scalar names follow Xtrem's (`Datetime`, `Date`, `Decimal`); decimals are sent as strings so no
// precision is lost, datetimes as `YYYY-MM-DDTHH:MM:SSZ` (UTC, [inferred] §3 gotcha 5).
/** The `Datetime` scalar: epoch seconds out as `YYYY-MM-DDTHH:MM:SSZ`. */
export const DatetimeScalar = new GraphQLScalarType({
  name: 'Datetime',
  description: 'UTC instant, `YYYY-MM-DDTHH:MM:SSZ`.',
  serialize: (v) => (typeof v === 'number' ? formatStamp(v) : String(v)),
  parseValue: (v) => String(v),
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : null),
});
/** The `Date` scalar: a calendar date string. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'Calendar date, `YYYY-MM-DD`.',
  serialize: (v) => String(v),
  parseValue: (v) => String(v),
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : null),
});
/** The `Decimal` scalar: sent as a string so no precision is lost. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'Decimal number sent as a string.',
  serialize: (v) => String(v),
  parseValue: (v) => String(v),
  parseLiteral: (ast) =>
    ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : null,
});

/** The relay `PageInfo` every connection carries. */
const PageInfo = new GraphQLObjectType({
  name: 'PageInfo',
  fields: {
    startCursor: { type: GraphQLString },
    endCursor: { type: GraphQLString },
    hasPreviousPage: { type: new GraphQLNonNull(GraphQLBoolean) },
    hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) },
  },
});

/** A relay connection type `{name}_Connection` (edges of `{name}_Edge`), with `totalCount` when asked. */
export function connectionType(name: string, node: GraphQLObjectType, withTotal: boolean): GraphQLObjectType {
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
}
