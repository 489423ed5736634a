import type { SourceItem, SourceReadRequest } from '../source/sync-source.js';
import type { EngineContext, ResolvedStream } from './engine-context.js';
import { computeSince, untilOf } from './read-window.js';

/** The source's ledger question ({@link SourceReadRequest.holds}). */
type Holds = NonNullable<SourceReadRequest['holds']>;

/**
 * A run's read, started before the run holds its stream lease, while the sink is set up (a Power BI token and
 * dataset look-up): the source's server prepares the first page meanwhile instead of after. Only for a source that
 * allows it ({@link SyncSource.readsAhead}: a read has no effect a dropped read would leave).
 *
 * It reads the window the run would read if nothing changes before the run opens: from the cursor as the store
 * holds it now. The run takes it ({@link ReadAhead.take}) only when its own window starts at the same bound (the
 * cursor did not move, the sink was not created again); otherwise, and when the run does not read at all (lease
 * held elsewhere, set-up failed, stopped), it is dropped unread ({@link ReadAhead.drop}). Nothing is decided before
 * the run takes it: the source's ledger questions wait for the run's answer, which comes once the run holds the
 * lease and has resolved its open intents, as for any read. What it read is never used when dropped, so a failure
 * of it (the source unreachable) only counts when the run reads it.
 */
export class ReadAhead {
  /** The read's lower bound (the cursor's, as the store held it when the read started). */
  readonly since: string | undefined;
  /** The read's upper bound: the run's `until` when the run takes it or not (an earlier one is as valid). */
  readonly until: string;
  readonly #abort = new AbortController();
  readonly #iterator: AsyncIterator<SourceItem<unknown>>;
  /** The first item, asked for at once: the source's first request goes out now. */
  #first: Promise<IteratorResult<SourceItem<unknown>>> | undefined;
  #answer!: (holds: Holds) => void;
  #refuse!: (reason: unknown) => void;
  #over = false;

  /**
   * Starts the read when the stream's source allows it; undefined otherwise, or when the cursor cannot be read or
   * the read cannot be opened (the run then reads, and fails, as it would have).
   */
  static async start(
    ctx: EngineContext,
    stream: ResolvedStream,
    signal: AbortSignal,
  ): Promise<ReadAhead | undefined> {
    if (stream.source.readsAhead !== true) return undefined;
    const until = untilOf(stream, ctx.clock.now());
    try {
      const cursor = await ctx.store.getCursor(stream.name);
      return new ReadAhead(stream, computeSince(stream, cursor?.stamp), until, signal);
    } catch {
      return undefined;
    }
  }

  private constructor(stream: ResolvedStream, since: string | undefined, until: string, signal: AbortSignal) {
    this.since = since;
    this.until = until;
    const answer = new Promise<Holds>((resolve, reject) => {
      this.#answer = resolve;
      this.#refuse = reject;
    });
    answer.catch(() => undefined);
    this.#iterator = stream.source
      .read({
        until,
        signal: AbortSignal.any([signal, this.#abort.signal]),
        holds: async (records) => (await answer)(records),
        ...(since !== undefined ? { since } : {}),
      })
      [Symbol.asyncIterator]();
    const first = this.#iterator.next();
    // Read when taken; a dropped read's failure is nobody's.
    first.catch(() => undefined);
    this.#first = first;
  }

  /**
   * The read, for a run whose window starts at `since` (its items in order, the first one already asked for), its
   * ledger questions answered by `holds` from now on; undefined (and the read dropped) for any other window or once
   * taken or dropped.
   */
  take(since: string | undefined, holds: Holds): AsyncIterable<SourceItem<unknown>> | undefined {
    if (this.#over) return undefined;
    if (since !== this.since) {
      void this.drop();
      return undefined;
    }
    this.#over = true;
    this.#answer(holds);
    const iterator = this.#iterator;
    let first = this.#first;
    this.#first = undefined;
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (!first) return iterator.next();
          const pending = first;
          first = undefined;
          return pending;
        },
        return: async (value?: unknown) =>
          iterator.return ? iterator.return(value) : { done: true as const, value: undefined },
      }),
    };
  }

  /** Drops the read unless a run took it: aborts its requests and ends the source's iterator. */
  async drop(): Promise<void> {
    if (this.#over) return;
    this.#over = true;
    const reason = new Error('read ahead dropped: the run reads another window, or none');
    this.#refuse(reason);
    this.#abort.abort(reason);
    await this.#first?.catch(() => undefined);
    this.#first = undefined;
    await this.#iterator.return?.()?.catch(() => undefined);
  }
}
