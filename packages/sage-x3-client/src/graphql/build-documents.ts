import { type GraphQLField, type GraphQLSchema, type DocumentNode, parse, validate } from 'graphql';
import type { X3CollectionMapping, X3GraphQLMapping } from '../entities/x3-entity-definition.js';
import { X3ConfigError } from '../errors/x3-config-error.js';
import type { X3NodeRoot } from './resolve-node-root.js';

const NAME_RE = /^[_A-Za-z][_0-9A-Za-z]*$/;

type SelectionTree = Map<string, SelectionTree>;

function addPath(tree: SelectionTree, path: string): void {
  let node = tree;
  for (const step of path.split('.')) {
    if (!NAME_RE.test(step)) {
      throw new X3ConfigError({ message: `'${path}' is not a GraphQL field path (names joined by '.')` });
    }
    let next = node.get(step);
    if (!next) {
      next = new Map();
      node.set(step, next);
    }
    node = next;
  }
}

function render(tree: SelectionTree): string {
  return [...tree.entries()]
    .map(([name, sub]) => (sub.size === 0 ? name : `${name} { ${render(sub)} }`))
    .join(' ');
}

function collectionSelection(collection: X3CollectionMapping, first: number, args = ''): string {
  const tree: SelectionTree = new Map();
  for (const path of Object.values(collection.fields)) addPath(tree, path);
  const queryArgs = args || `first: ${first}`;
  // [documented] §2.4: collections inside a node are connections (`lines { query(first:) { edges { node } } }`).
  return `${collection.source} { query(${queryArgs}) { edges { node { ${render(tree)} } } pageInfo { endCursor hasNextPage } } }`;
}

/** The selection set of one record: key, stamp, mapped fields, and each collection as a connection. */
export function recordSelection(mapping: X3GraphQLMapping, linesPageSize: number): string {
  const tree: SelectionTree = new Map();
  addPath(tree, mapping.keyField ?? '_id');
  addPath(tree, mapping.stampField ?? '_updateStamp');
  for (const path of Object.values(mapping.fields)) addPath(tree, path);
  const parts = [render(tree)];
  for (const collection of Object.values(mapping.collections ?? {})) {
    if (!NAME_RE.test(collection.source))
      throw new X3ConfigError({ message: `'${collection.source}' is not a GraphQL field name` });
    parts.push(collectionSelection(collection, linesPageSize));
  }
  return parts.join(' ');
}

function argType(field: GraphQLField<unknown, unknown> | undefined, name: string, fallback: string): string {
  const arg = field?.args.find((a) => a.name === name);
  return arg ? String(arg.type) : fallback;
}

/** A parsed (and, when a schema is known, validated) operation. */
export interface X3Document {
  /** Operation text as sent. */
  text: string;
  /** Parsed document. */
  document: DocumentNode;
  /** Operation name. */
  operationName: string;
}

/**
 * Parses an operation with `graphql` and validates it against the endpoint's schema when one is known, so a wrong
 * field name fails before any data request with graphql-js's own message (e.g. "Did you mean companyName1?").
 */
export function checkedDocument(
  text: string,
  operationName: string,
  schema: GraphQLSchema | undefined,
): X3Document {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    throw new X3ConfigError({
      message: `Invalid GraphQL document: ${(error as Error).message}`,
      code: 'X3_SCHEMA_MISMATCH',
      cause: error,
    });
  }
  if (schema) {
    const errors = validate(schema, document);
    if (errors.length > 0) {
      throw new X3ConfigError({
        message: `GraphQL ${operationName} does not fit this endpoint's schema: ${errors.map((e) => e.message).join('; ')}`,
        code: 'X3_SCHEMA_MISMATCH',
        cause: errors[0],
      });
    }
  }
  return { text, document, operationName };
}

/** The paged `query` operation of an entity (filter/orderBy/first/after as variables). */
export function buildQueryDocument(
  root: X3NodeRoot,
  mapping: X3GraphQLMapping,
  linesPageSize: number,
  schema: GraphQLSchema | undefined,
): X3Document {
  const q = root.queryField;
  const name = `X3Query_${root.nodeName}`;
  const text = `query ${name}($filter: ${argType(q, 'filter', 'String')}, $orderBy: ${argType(q, 'orderBy', 'String')}, $first: ${argType(q, 'first', 'Int')}, $after: ${argType(q, 'after', 'String')}) {
  ${root.rootField} { ${root.nodeName} { query(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { cursor node { ${recordSelection(mapping, linesPageSize)} } }
    pageInfo { endCursor hasNextPage }
  } } }
}`;
  return checkedDocument(text, name, schema);
}

/** The `read(_id:)` operation of an entity ([documented] §2.4). */
export function buildReadDocument(
  root: X3NodeRoot,
  mapping: X3GraphQLMapping,
  linesPageSize: number,
  schema: GraphQLSchema | undefined,
): X3Document {
  const name = `X3Read_${root.nodeName}`;
  const text = `query ${name}($id: ${argType(root.readField, '_id', 'Id!')}) {
  ${root.rootField} { ${root.nodeName} { read(_id: $id) { ${recordSelection(mapping, linesPageSize)} } } }
}`;
  return checkedDocument(text, name, schema);
}

/** Reads further pages of one record's collection when it has more lines than one nested page. */
export function buildLinesDocument(
  root: X3NodeRoot,
  collection: X3CollectionMapping,
  schema: GraphQLSchema | undefined,
): X3Document {
  const name = `X3Lines_${root.nodeName}_${collection.source}`;
  const text = `query ${name}($id: ${argType(root.readField, '_id', 'Id!')}, $first: Int, $after: String) {
  ${root.rootField} { ${root.nodeName} { read(_id: $id) { ${collectionSelection(collection, 0, 'first: $first, after: $after')} } } }
}`;
  return checkedDocument(text, name, schema);
}

/**
 * The key listing of an entity: `query(orderBy: $orderBy, first: $first, after: $after)` selecting the key field
 * only (`_id` unless the mapping says otherwise), so each page costs one short string per record.
 */
export function buildKeysDocument(
  root: X3NodeRoot,
  keyField: string,
  schema: GraphQLSchema | undefined,
): X3Document {
  const q = root.queryField;
  const tree: SelectionTree = new Map();
  addPath(tree, keyField);
  const name = `X3Keys_${root.nodeName}`;
  const text = `query ${name}($orderBy: ${argType(q, 'orderBy', 'String')}, $first: ${argType(q, 'first', 'Int')}, $after: ${argType(q, 'after', 'String')}) {
  ${root.rootField} { ${root.nodeName} { query(orderBy: $orderBy, first: $first, after: $after) {
    edges { node { ${render(tree)} } }
    pageInfo { endCursor hasNextPage }
  } } }
}`;
  return checkedDocument(text, name, schema);
}
