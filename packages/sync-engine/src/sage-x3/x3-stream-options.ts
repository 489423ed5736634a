import type { X3Client } from '@mlc/sage-x3-client';
import { x3Source } from './x3-source.js';
import type { StreamDefinition } from '../definition/define-stream.js';

/** Overrides of a ready-made stream: any field of the definition, plus the X3 page size. */
export type X3StreamOverrides<T> = Partial<StreamDefinition<T>> & {
  /** Records per X3 request. @default the client's page size */
  pageSize?: number;
};

/** A client that knows the built-in entity `K` with record type `T`. */
export type X3ClientWith<K extends string, T> = X3Client<Record<K, T>>;

/** Builds a ready-made stream from its defaults and the user's overrides (overrides win field by field). */
export function x3Stream<T, K extends string>(
  client: X3ClientWith<K, T>,
  entity: K,
  defaults: Omit<StreamDefinition<T>, 'source'>,
  overrides: X3StreamOverrides<T> = {},
): StreamDefinition<T> {
  const { pageSize, ...rest } = overrides;
  return {
    ...defaults,
    source: x3Source<Record<K, T>, K>(client, entity, pageSize !== undefined ? { pageSize } : {}),
    ...rest,
  };
}
