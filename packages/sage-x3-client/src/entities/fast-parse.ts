import { z } from 'zod';

/** What a fast parser returns when it cannot vouch for a value: the zod schema then decides (and explains). */
export const NOT_FAST: unique symbol = Symbol('not fast');

/**
 * A fast parser of a zod schema: for a value it is sure of, the exact output the schema's `safeParse` gives as
 * `data`; {@link NOT_FAST} for anything else (an invalid value, or a valid one it does not handle). It never
 * refuses: refusing, and saying why, is the schema's job.
 */
export type FastParse = (value: unknown) => unknown;

/** The fast parsers of the X3 value blocks (`x3Code`, `x3Decimal`, …), registered by the blocks themselves. */
const BLOCKS = new WeakMap<z.ZodType, FastParse>();
/** Compiled parsers of whole schemas (`null`: the schema holds a part with no fast parser). */
const COMPILED = new WeakMap<z.ZodType, FastParse | null>();

/**
 * Registers `parse` as the fast parser of the value block `schema` and returns the schema. `parse` must give exactly
 * what `schema.safeParse(v).data` gives for every value it accepts (a property test compares them).
 */
export function withFastParse<S extends z.ZodType>(schema: S, parse: FastParse): S {
  BLOCKS.set(schema, parse);
  return schema;
}

/**
 * A fast parser of `schema` when every part of it has one: plain `z.object`s (no catch-all, no refinements) and
 * `z.array`s (no length checks) of registered X3 value blocks, as the built-in entities are. `undefined` otherwise:
 * the record is then parsed by zod alone. Zod stays the authority: a record the fast parser is not sure of (every
 * invalid one included) goes through `safeParse`, whose issue names the field and the reason.
 *
 * Why: zod's generic machinery was an eighth of a first load's CPU (docs/benchmarks.md, "CPU per million rows"),
 * for records that are nearly all valid and made of a handful of value kinds.
 */
export function fastParserOf(schema: z.ZodType): FastParse | undefined {
  let compiled = COMPILED.get(schema);
  if (compiled === undefined) {
    compiled = compile(schema) ?? null;
    COMPILED.set(schema, compiled);
  }
  return compiled ?? undefined;
}

function compile(schema: z.ZodType): FastParse | undefined {
  const block = BLOCKS.get(schema);
  if (block) return block;
  const checks = (schema as { _zod: { def: { checks?: unknown[] } } })._zod.def.checks;
  if (checks !== undefined && checks.length > 0) return undefined;
  if (schema instanceof z.ZodObject) {
    if (schema._zod.def.catchall !== undefined) return undefined;
    const names: string[] = [];
    const parsers: FastParse[] = [];
    for (const [name, member] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const parse = compile(member);
      if (!parse) return undefined;
      names.push(name);
      parsers.push(parse);
    }
    return (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return NOT_FAST;
      const input = value as Record<string, unknown>;
      // Zod's output: the shape's members in shape order, unknown members dropped.
      const out: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        const parsed = (parsers[i] as FastParse)(input[name]);
        if (parsed === NOT_FAST || parsed === undefined) return NOT_FAST;
        out[name] = parsed;
      }
      return out;
    };
  }
  if (schema instanceof z.ZodArray) {
    const element = compile(schema.element as z.ZodType);
    if (!element) return undefined;
    return (value) => {
      if (!Array.isArray(value)) return NOT_FAST;
      const out: unknown[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const parsed = element(value[i]);
        if (parsed === NOT_FAST) return NOT_FAST;
        out[i] = parsed;
      }
      return out;
    };
  }
  return undefined;
}
