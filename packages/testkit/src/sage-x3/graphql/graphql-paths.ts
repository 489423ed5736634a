import { STAMP_FIELDS } from '../data/entities/common-fields.js';
import { ENTITY_DEFS } from '../data/entities/entity-defs.js';
import type { EntityDef, FieldDef } from '../data/entity-definition.js';

/**
 * GraphQL property paths usable in `filter`/`orderBy` → the field they read. Reference-typed properties accept
 * the reference itself, its `_id`, its `code` and, for business-partner roles, `code.code` ([documented] nested
 * reference filters and sorts, reference §2.6).
 */
export function graphqlPathMap(def: EntityDef): Map<string, FieldDef> {
  const map = new Map<string, FieldDef>();
  map.set('_id', def.keyField);
  for (const f of STAMP_FIELDS) if (f.graphql) map.set(f.graphql, f);
  for (const f of def.fields) {
    const g = f.graphql;
    if (!g) continue;
    map.set(g, f);
    const ref = f.ref;
    if (!ref) continue;
    map.set(`${g}._id`, f);
    if (ref.kind === 'code' || ref.kind === 'bp') map.set(`${g}.code`, f);
    if (ref.kind === 'bpRole') {
      map.set(`${g}.code`, f);
      map.set(`${g}.code.code`, f);
      map.set(`${g}.code._id`, f);
    }
    if (ref.kind === 'node') {
      const target = ENTITY_DEFS[ref.entity];
      for (const tf of target.fields) {
        if (!tf.sameAsKey || !tf.graphql) continue;
        map.set(`${g}.${tf.graphql}`, f);
        if (tf.ref?.kind === 'bp') {
          map.set(`${g}.${tf.graphql}.code`, f);
          map.set(`${g}.${tf.graphql}._id`, f);
        }
      }
    }
  }
  return map;
}
