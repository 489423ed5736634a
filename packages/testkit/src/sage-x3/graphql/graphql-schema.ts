import { type GraphQLFieldConfigMap, GraphQLObjectType, GraphQLSchema } from 'graphql';
import type { Dataset } from '../data/dataset.js';
import { ENTITY_DEFS } from '../data/entities/entity-defs.js';
import { SAGE_X3_ENTITY_NAMES, type SageX3EntityName } from '../data/entity-definition.js';
import { GraphqlNodeTypes } from './graphql-node-types.js';
import type { Source } from './graphql-scalars.js';

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

/**
 * Builds the graphql-js schema of the entity nodes ([documented] reference §2.4/§2.5): packages at the root
 * (`x3FinanceData`, … or the older `xtremX3FinanceData`, …), each node with `query(filter, orderBy, first, after)`
 * relay connections and `read(_id)`, system properties `_id _createStamp _updateStamp _etag`, references as
 * objects (`code { code }` for business partners) and line collections as connections. Type names are
 * [inferred].
 */
export function buildGraphqlSchema(cfg: GraphqlSchemaConfig): GraphQLSchema {
  const types = new GraphqlNodeTypes(cfg);
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
      fields[ENTITY_DEFS[e].graphql.nodeName] = { type: types.operations(e), resolve: () => ({}) };
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
