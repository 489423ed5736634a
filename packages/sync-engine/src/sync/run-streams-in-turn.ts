import type { ResolvedStream } from '../engine/engine-context.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';

/**
 * `Sync.run`: runs every stream once, one after the other, with `runOne`; a failing stream does not stop the
 * others (its error takes its place in the results).
 */
export async function runStreamsInTurn(
  streams: readonly ResolvedStream[],
  runOne: (stream: string) => Promise<StreamRunResult>,
): Promise<Array<StreamRunResult | { stream: string; error: unknown }>> {
  const results: Array<StreamRunResult | { stream: string; error: unknown }> = [];
  for (const stream of streams) {
    try {
      results.push(await runOne(stream.name));
    } catch (error) {
      results.push({ stream: stream.name, error });
    }
  }
  return results;
}
