import { markSinkSetupLost } from '../sink/sink-setup-lost.js';
import type { PostResult } from '../sink/sync-sink.js';
import { alert, type RunScope } from './engine-context.js';

/**
 * What the engine does with the parts of a post's result that are for the operator, for every post (batches and
 * rebuild chunks alike): the sink's alerts are raised, and a `fatal` not-applied result fails the run with the
 * sink's error (the intent stays open, so nothing is lost and nothing is dead-lettered).
 */
export function handleSinkReport(scope: RunScope, result: PostResult, batchId: string): void {
  for (const a of result.alerts ?? []) {
    alert(scope.ctx, {
      code: a.code,
      message: a.message,
      phase: 'sink',
      stream: scope.stream.name,
      batchId,
      ...(a.data ? { data: a.data } : {}),
      ...(a.severity ? { severity: a.severity } : {}),
      ...(a.remedy ? { remedy: a.remedy } : {}),
    });
  }
  if (result.outcome === 'not-applied' && result.fatal) {
    throw result.setupLost ? markSinkSetupLost(result.error) : result.error;
  }
}
