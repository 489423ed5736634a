import type { FieldValue } from './entity-definition.js';

/**
 * An X3 local menu as GraphQL shows it: an enum whose values are lower-camel names. The form is [documented] by
 * the reference's confirmed filter `{isClosed: {_ne: 'yes'}}` (§2.6): a "No/Yes" menu is compared by the names
 * `no`/`yes`, not as a Boolean. Enum type names and the value names of other menus are [inferred].
 */
export interface LocalMenu {
  /** GraphQL enum type name. */
  readonly type: string;
  /** Value names in menu order: stored `false`/`true` map to the first two, stored integers `n` to entry `n - 1`. */
  readonly values: readonly string[];
}

/** The menu value name of a stored value (null when there is none). */
export function menuNameOf(menu: LocalMenu, stored: FieldValue): string | null {
  if (typeof stored === 'boolean') return menu.values[stored ? 1 : 0] ?? null;
  if (typeof stored === 'number') return menu.values[stored - 1] ?? null;
  return null;
}

/** The stored value of a menu value name, for a field stored as `boolean` or `int`; undefined when not a value. */
export function storedOfMenu(menu: LocalMenu, fieldType: string, name: string): FieldValue | undefined {
  const index = menu.values.indexOf(name);
  if (index < 0) return undefined;
  return fieldType === 'boolean' ? index === 1 : index + 1;
}
