import type { FieldDef } from '../entity-definition.js';

/** `createdAt` / `updatedAt`, present on every entity. */
export const STAMP_FIELDS: readonly FieldDef[] = [
  {
    name: 'createdAt',
    type: 'datetime',
    rest: 'CREDATTIM',
    graphql: '_createStamp',
    doc: 'Creation stamp, UTC ([documented] reference §1.7, §2.5).',
  },
  {
    name: 'updatedAt',
    type: 'datetime',
    rest: 'UPDDATTIM',
    graphql: '_updateStamp',
    doc: 'Update stamp, UTC ([documented] reference §1.7, §2.5).',
  },
];

/** Turns integer cents into a 2-decimal number. */
export function money(cents: number): number {
  return Math.round(cents) / 100;
}
