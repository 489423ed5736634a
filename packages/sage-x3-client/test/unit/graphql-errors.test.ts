import { TestClock } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { X3GraphQLError, basicAuth, classifyGraphQLErrors, createX3Client } from '../../src/index.js';

describe('GraphQL errors inside a 200', () => {
  it('classifies errors by extension code, then message', () => {
    expect(classifyGraphQLErrors([{ message: 'Lock wait timeout exceeded; try again' }])).toBe('transient');
    expect(classifyGraphQLErrors([{ message: 'x', extensions: { code: 'SERVICE_UNAVAILABLE' } }])).toBe(
      'transient',
    );
    expect(classifyGraphQLErrors([{ message: 'Access denied: you do not have the rights' }])).toBe('auth');
    expect(classifyGraphQLErrors([{ message: 'Cannot query field "foo" on type "Supplier".' }])).toBe(
      'client',
    );
    expect(classifyGraphQLErrors([{ message: 'Something broke' }])).toBe('server');
    // Mixed: retrying cannot fix the non-transient one.
    expect(classifyGraphQLErrors([{ message: 'timeout' }, { message: 'Access denied' }])).toBe('auth');
  });

  it('retries transient errors and returns the data of the next answer', async () => {
    const clock = new TestClock();
    const bodies = [
      { data: null, errors: [{ message: 'Deadlock detected, try again' }] },
      { data: { ok: 1 } },
    ];
    const seen: Array<{ endpoint: string | null; body: unknown }> = [];
    const fetch = (async (input: Request) => {
      seen.push({ endpoint: input.headers.get('x-xtrem-endpoint'), body: await input.json() });
      return Response.json(bodies.shift());
    }) as unknown as typeof globalThis.fetch;
    const x3 = createX3Client({
      baseUrl: 'https://x3.example.com:8124',
      endpoint: 'SEED',
      auth: basicAuth({ user: 'u', password: 'p-planted-secret' }),
      fetch,
      clock,
      introspection: false,
    });
    const result = await clock.run(
      x3.graphql.request('query Q($a: Int) { x(a: $a) }', { a: 1 }, { operationName: 'Q' }),
    );
    expect(result).toEqual({ data: { ok: 1 } });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual({
      endpoint: 'SEED',
      body: { query: 'query Q($a: Int) { x(a: $a) }', variables: { a: 1 }, operationName: 'Q' },
    });
  });

  it('keeps partial data on the error, or returns it when asked', async () => {
    const body = { data: { a: 1, b: null }, errors: [{ message: 'Something broke', path: ['b'] }] };
    const fetch = (async () => Response.json(body)) as unknown as typeof globalThis.fetch;
    const x3 = createX3Client({
      baseUrl: 'https://x3.example.com:8124',
      endpoint: 'SEED',
      auth: basicAuth({ user: 'u', password: 'p' }),
      fetch,
      introspection: false,
    });
    const error = (await x3.graphql.request('{ a b }').catch((e: unknown) => e)) as X3GraphQLError;
    expect(error).toBeInstanceOf(X3GraphQLError);
    expect(error).toMatchObject({ kind: 'server', retryable: false, status: 200, data: { a: 1, b: null } });
    expect(error.errors[0]).toMatchObject({ message: 'Something broke', path: ['b'] });
    expect(await x3.graphql.request('{ a b }', {}, { allowPartial: true })).toEqual({
      data: body.data,
      errors: [{ message: 'Something broke', path: ['b'] }],
    });
    // Documents are parsed with graphql before anything is sent.
    await expect(x3.graphql.request('{ a ')).rejects.toMatchObject({ code: 'X3_SCHEMA_MISMATCH' });
  });
});
