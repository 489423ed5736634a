import type { ResolvedStream } from '../engine/engine-context.js';
import { SyncError } from '../errors/sync-error.js';

/** A function finding a sync's stream by name: `SYNC_STREAM_UNKNOWN` for a name that is none of `streams`. */
export function streamLookup(streams: readonly ResolvedStream[]): (name: string) => ResolvedStream {
  const byName = new Map(streams.map((s) => [s.name, s]));
  return (name) => {
    const stream = byName.get(name);
    if (!stream)
      throw new SyncError({ code: 'SYNC_STREAM_UNKNOWN', message: `unknown stream ${name}`, stream: name });
    return stream;
  };
}
