import { type GraphQLField, type GraphQLSchema, getNamedType, isObjectType } from 'graphql';
import { X3ConfigError } from '../errors/x3-config-error.js';

/** Where a node lives in this endpoint's schema. */
export interface X3NodeRoot {
  /** The root (package) field actually present, e.g. `x3MasterData` or `xtremX3MasterData`. */
  rootField: string;
  /** The node field under it, e.g. `supplier`. */
  nodeName: string;
  /** The node's `query` field (relay connection), for argument types. */
  queryField?: GraphQLField<unknown, unknown>;
  /** The node's `read` field, for argument types. */
  readField?: GraphQLField<unknown, unknown>;
}

function nodeFieldOf(
  schema: GraphQLSchema,
  rootField: string,
  nodeName: string,
): GraphQLField<unknown, unknown> | undefined {
  const root = schema.getQueryType()?.getFields()[rootField];
  if (!root) return undefined;
  const type = getNamedType(root.type);
  if (!isObjectType(type)) return undefined;
  return type.getFields()[nodeName];
}

/**
 * Finds the package root of a node by introspected schema. Root names differ by release — `x3MasterData` in current
 * examples, `xtremX3MasterData` in older ones ([documented] reference §2.4, §3 gotcha 10) — so both are tried, then
 * any root that has a field with the node's name (e.g. `account` listed under master data in older references).
 * The oldest `sage { x3BusinessPartners }` schema has no `query` level and is not supported.
 */
export function resolveNodeRoot(schema: GraphQLSchema, packageName: string, nodeName: string): X3NodeRoot {
  const candidates = [packageName, `xtrem${packageName.charAt(0).toUpperCase()}${packageName.slice(1)}`];
  let rootField = candidates.find((c) => nodeFieldOf(schema, c, nodeName));
  if (!rootField) {
    const roots = Object.keys(schema.getQueryType()?.getFields() ?? {}).filter((r) =>
      nodeFieldOf(schema, r, nodeName),
    );
    if (roots.length === 1) rootField = roots[0];
    else {
      const roots2 = Object.keys(schema.getQueryType()?.getFields() ?? {});
      throw new X3ConfigError({
        message:
          roots.length > 1
            ? `GraphQL node '${nodeName}' exists under several packages (${roots.join(', ')}); set graphql.rootField for this entity`
            : `GraphQL schema has no node '${packageName}.${nodeName}' (roots: ${roots2.slice(0, 30).join(', ')}); override the entity's graphql.packageName/nodeName`,
        code: 'X3_SCHEMA_MISMATCH',
      });
    }
  }
  const node = nodeFieldOf(schema, rootField!, nodeName)!;
  const nodeType = getNamedType(node.type);
  const fields = isObjectType(nodeType) ? nodeType.getFields() : {};
  return {
    rootField: rootField!,
    nodeName,
    ...(fields.query ? { queryField: fields.query } : {}),
    ...(fields.read ? { readField: fields.read } : {}),
  };
}
