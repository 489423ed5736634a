import { ENTITY_DEFS } from './entities/entity-defs.js';
import { type KeyCodec, SAGE_X3_ENTITY_NAMES, type SageX3EntityName } from './entity-definition.js';
import { type DatasetContext, EntityTable } from './entity-table.js';

/** Sizing and seeding of one simulated X3 folder. */
export interface DatasetConfig {
  readonly seed: number;
  readonly counts: Readonly<Record<SageX3EntityName, number>>;
  readonly historyFromSec: number;
  readonly historyToSec: number;
}

/** All tables of one simulated folder: one data model that REST and GraphQL both project. */
export class Dataset {
  readonly tables: Readonly<Record<SageX3EntityName, EntityTable>>;
  readonly stats = { generated: 0 };

  /** @param config seed, counts and history window. */
  constructor(config: DatasetConfig) {
    const codecs = {} as Record<SageX3EntityName, KeyCodec>;
    for (const name of SAGE_X3_ENTITY_NAMES) codecs[name] = ENTITY_DEFS[name].codec(config.counts[name]);
    const ctx: DatasetContext = {
      seed: config.seed,
      counts: config.counts,
      keyOf: (entity, n) => codecs[entity].format(n),
      stats: this.stats,
    };
    const tables = {} as Record<SageX3EntityName, EntityTable>;
    for (const name of SAGE_X3_ENTITY_NAMES) {
      tables[name] = new EntityTable(ENTITY_DEFS[name], config.counts[name], codecs[name], ctx, {
        fromSec: config.historyFromSec,
        toSec: config.historyToSec,
      });
    }
    this.tables = tables;
  }
}
