import { contentHash } from '../ledger/content-hash.js';
import type { DeadLetter } from '../state-store/types.js';
import { audit, type RunScope } from './engine-context.js';
import type { InvalidItem } from './prepare-item.js';

/**
 * Quarantines one record: a record dead letter (id derived from its facts, so the same bad record is one letter
 * however often it is read), durable before the cursor can pass it, plus the counter, event and audit entry.
 * A replayed item (`letterId`) that fails again keeps its letter.
 */
export async function quarantineItem(scope: RunScope, item: InvalidItem): Promise<string> {
  const { ctx, stream, lease, stats } = scope;
  const id =
    item.letterId ??
    `dl_${contentHash({ s: stream.name, k: item.key, t: item.stamp, g: item.stage, f: item.field, r: item.reason, raw: item.key === undefined ? item.raw : undefined })}`;
  if (!item.letterId) {
    const letter: DeadLetter = {
      id,
      stream: stream.name,
      kind: 'record',
      status: 'open',
      createdAt: ctx.clock.now(),
      stage: item.stage,
      reason: item.reason,
      ...(item.key !== undefined ? { key: item.key } : {}),
      ...(item.stamp !== undefined ? { stamp: item.stamp } : {}),
      ...(item.field !== undefined ? { field: item.field } : {}),
      ...(item.raw !== undefined ? { raw: item.raw } : {}),
      ...(item.record !== undefined ? { record: item.record } : {}),
    };
    await ctx.store.addDeadLetters([letter], lease);
  }
  stats.recordsQuarantined += 1;
  stats.firstQuarantine ??= {
    reason: item.reason,
    stage: item.stage,
    ...(item.key !== undefined ? { key: item.key } : {}),
    ...(item.field !== undefined ? { field: item.field } : {}),
  };
  ctx.telemetry.quarantined(stream.name, 'record');
  ctx.events.emit('record-quarantined', {
    stream: stream.name,
    stage: item.stage,
    reason: item.reason,
    deadLetterId: id,
    ...(item.key !== undefined ? { key: item.key } : {}),
    ...(item.field !== undefined ? { field: item.field } : {}),
  });
  await audit(ctx, {
    type: 'record-quarantined',
    stream: stream.name,
    ...(item.key !== undefined ? { key: item.key } : {}),
    message: `${item.stage === 'source' ? 'invalid record' : 'mapping failed'}${item.field ? ` at ${item.field}` : ''}: ${item.reason}`,
    data: { deadLetterId: id, stage: item.stage, field: item.field, replay: item.letterId !== undefined },
  });
  return id;
}
