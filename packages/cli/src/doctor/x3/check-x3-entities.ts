import type { ResolvedX3ClientOptions, X3Client, X3EntitiesOption, X3EntityMap } from '@mlc/sage-x3-client';
import { type CheckLog, describeError } from '../doctor-check.js';
import { X3_SECTION } from './x3-section.js';

/** The entities behind the six ready-made streams. */
const STREAM_ENTITIES = ['account', 'journalEntry', 'supplier', 'purchaseOrder', 'salesInvoice', 'product'];

/** The client of doctor's options: any entities, the built-in ones or the configured ones. */
type DoctorX3Client = X3Client<X3EntityMap<X3EntitiesOption>>;

/** The first record an entity read gave: valid (with its key and stamp) or not (with the reason). */
interface FirstRecord {
  key?: string;
  stamp?: string;
  ok: boolean;
  reason?: string;
}

/**
 * Checks that each entity (`entities`, else those of the six ready-made streams the client knows) is readable with
 * its update stamp, by reading its first record: one `x3.entity.<name>` check each.
 */
export async function checkX3Entities(
  log: CheckLog,
  client: DoctorX3Client,
  transport: ResolvedX3ClientOptions['transport'],
  entities: readonly string[] | undefined,
): Promise<void> {
  const known = new Set(client.entityNames());
  for (const entity of entities ?? STREAM_ENTITIES.filter((e) => known.has(e))) {
    if (!known.has(entity)) {
      log.add({
        id: `x3.entity.${entity}`,
        section: X3_SECTION,
        title: entityTitle(entity),
        status: 'fail',
        detail: `the client knows no entity ${entity}`,
        remedy: "Fix doctor.x3Entities or the client's `entities`.",
      });
      continue;
    }
    await checkEntity(log, client, transport, entity);
  }
}

function entityTitle(entity: string): string {
  return `Sage X3 ${entity} is readable with its update stamp`;
}

/** Reads the entity's first record and says what came: a valid record, an invalid one, none, or an error. */
async function checkEntity(
  log: CheckLog,
  client: DoctorX3Client,
  transport: ResolvedX3ClientOptions['transport'],
  entity: string,
): Promise<void> {
  const id = `x3.entity.${entity}`;
  const title = entityTitle(entity);
  const def = client.entity(entity);
  const where =
    transport === 'rest'
      ? `class ${def.rest?.className ?? '?'} (${def.rest?.representation ?? '?'})`
      : `node ${def.graphql?.packageName ?? '?'}.${def.graphql?.nodeName ?? '?'}`;
  try {
    const first = await firstRecord(client, entity);
    if (!first) {
      log.add({
        id,
        section: X3_SECTION,
        title,
        status: 'warn',
        detail: `${where} is readable but holds no record yet`,
      });
    } else if (!first.ok) {
      log.add({
        id,
        section: X3_SECTION,
        title,
        status: 'warn',
        detail: `${where} is readable, but its first record ${first.key ?? ''} does not validate: ${first.reason ?? ''}`,
        remedy: 'Such records are quarantined by the sync; check the entity mapping if many are.',
      });
    } else {
      log.add({
        id,
        section: X3_SECTION,
        title,
        status: 'ok',
        detail: `${where}: first record ${first.key} stamped ${first.stamp}`,
      });
    }
  } catch (error) {
    const e = describeError(error);
    log.add({
      id,
      section: X3_SECTION,
      title,
      status: 'fail',
      detail: `${where}: ${e.code ? `${e.code}: ` : ''}${e.message}`,
      remedy:
        e.hint ??
        "Check that the class/representation (REST) or node (GraphQL) exists on this endpoint and that the user may read it; override the names in the client's `entities` if your X3 uses others.",
      data: { code: e.code },
    });
  }
}

/** The entity's first change (a page of one), then the read is aborted; undefined when it has none. */
async function firstRecord(client: DoctorX3Client, entity: string): Promise<FirstRecord | undefined> {
  const controller = new AbortController();
  let first: FirstRecord | undefined;
  for await (const change of client.changes(entity, { pageSize: 1, signal: controller.signal })) {
    first = change.ok
      ? { ok: true, key: change.key, stamp: change.stamp }
      : {
          ok: false,
          ...(change.key !== undefined ? { key: change.key } : {}),
          reason: change.error.reason,
        };
    break;
  }
  controller.abort();
  return first;
}
