import {
  type GraphQLError,
  type GraphQLSchema,
  GraphQLError as GqlError,
  execute,
  parse,
  validate,
} from 'graphql';
import type { GraphqlContext } from './graphql-schema.js';

/** A GraphQL HTTP answer. */
export interface GraphqlAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const fmt = (errors: readonly GraphQLError[]): unknown[] => errors.map((e) => e.toJSON());

/**
 * Runs one `POST /xtrem/api` body. Syntax and validation errors answer 400 `{ errors, extensions: {} }`
 * ([documented] cloud gateway table, reference §2.8); executed queries answer 200 with `data`, any `errors`
 * (partial data is kept, [documented as observed] §2.8) and `extensions: { diagnoses: [] }` ([documented] for
 * the Xtrem engine, [inferred] for X3).
 */
export async function handleGraphql(
  schema: GraphQLSchema,
  body: unknown,
  ctx: GraphqlContext,
): Promise<GraphqlAnswer> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.query !== 'string') {
    return { status: 400, body: { errors: [{ message: 'Must provide query string.' }], extensions: {} } };
  }
  let document: ReturnType<typeof parse>;
  try {
    document = parse(b.query);
  } catch (e) {
    const err = e instanceof GqlError ? e : new GqlError(String(e));
    return { status: 400, body: { errors: fmt([err]), extensions: {} } };
  }
  const validation = validate(schema, document);
  if (validation.length > 0) return { status: 400, body: { errors: fmt(validation), extensions: {} } };
  const variables =
    typeof b.variables === 'object' && b.variables !== null
      ? (b.variables as Record<string, unknown>)
      : undefined;
  const result = await execute({
    schema,
    document,
    contextValue: ctx,
    ...(variables ? { variableValues: variables } : {}),
    ...(typeof b.operationName === 'string' ? { operationName: b.operationName } : {}),
  });
  const out: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors?.length) out.errors = fmt(result.errors);
  out.extensions = { diagnoses: [] };
  return { status: 200, body: out };
}
