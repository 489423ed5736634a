import {
  type Attributes,
  type Counter,
  type Histogram,
  type Span,
  SpanStatusCode,
  createNoopMeter,
  metrics,
  trace,
} from '@opentelemetry/api';

const SCOPE = '@mlc/sync-engine';

/**
 * OpenTelemetry spans and metrics through `@opentelemetry/api`: a no-op unless the host registers an SDK.
 * Metric names follow `mlc.sync.*`; every series carries the `stream` attribute.
 */
export class SyncTelemetry {
  readonly #tracer = trace.getTracer(SCOPE);
  readonly #records: Counter;
  readonly #rows: Counter;
  readonly #batches: Counter;
  readonly #quarantined: Counter;
  readonly #throttled: Counter;
  readonly #runDuration: Histogram;
  readonly #ledgerSize: Histogram;
  /** Streams whose ledger size this process recorded. */
  readonly #ledgerSized = new Set<string>();
  /**
   * Whether the ledger size goes anywhere: not when no meter provider was registered when the sync was created (the
   * API's instruments are then its no-op ones for good), and counting the ledger would be work for nothing.
   */
  readonly #recordsLedgerSize: boolean;

  /** Creates the instruments on the global meter provider. */
  constructor() {
    const meter = metrics.getMeter(SCOPE);
    this.#records = meter.createCounter('mlc.sync.records_read', {
      description: 'Records read from the source',
    });
    this.#rows = meter.createCounter('mlc.sync.rows_posted', { description: 'Rows posted and committed' });
    this.#batches = meter.createCounter('mlc.sync.batches', { description: 'Batches committed, by kind' });
    this.#quarantined = meter.createCounter('mlc.sync.quarantined', {
      description: 'Records or batches quarantined',
    });
    this.#throttled = meter.createCounter('mlc.sync.throttled_ms', {
      description: 'Time waiting on sink quota',
      unit: 'ms',
    });
    this.#runDuration = meter.createHistogram('mlc.sync.run.duration', {
      description: 'Stream run duration',
      unit: 'ms',
    });
    this.#ledgerSize = meter.createHistogram('mlc.sync.ledger.entries', {
      description: 'Ledger entries per stream',
    });
    // The API hands out one no-op meter and one no-op histogram; anything else may record (counted, as before).
    this.#recordsLedgerSize =
      this.#ledgerSize !== createNoopMeter().createHistogram('mlc.sync.ledger.entries');
  }

  /** Runs `fn` inside an active span; records exceptions and sets the status. */
  async span<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
    return this.#tracer.startActiveSpan(name, { attributes }, async (span) => {
      try {
        const result = await fn(span);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /** Counts records read. */
  recordsRead(stream: string, n: number): void {
    if (n > 0) this.#records.add(n, { stream });
  }
  /** Counts rows posted. */
  rowsPosted(stream: string, n: number): void {
    if (n > 0) this.#rows.add(n, { stream });
  }
  /** Counts a committed batch. */
  batchCommitted(stream: string, kind: string): void {
    this.#batches.add(1, { stream, kind });
  }
  /** Counts a quarantine. */
  quarantined(stream: string, what: 'record' | 'batch'): void {
    this.#quarantined.add(1, { stream, what });
  }
  /** Counts throttled time. */
  throttled(stream: string, ms: number): void {
    if (ms > 0) this.#throttled.add(ms, { stream });
  }
  /** Records a run's duration. */
  runFinished(stream: string, ms: number, status: string): void {
    this.#runDuration.record(ms, { stream, status });
  }
  /** Records the ledger size (peers.md §7 #14: dedupe state must be measured). */
  ledgerSize(stream: string, entries: number): void {
    this.#ledgerSized.add(stream);
    this.#ledgerSize.record(entries, { stream });
  }

  /**
   * Whether a run should count the stream's ledger for {@link SyncTelemetry.ledgerSize}: when it committed anything,
   * or when this process recorded no size for the stream yet, and never when no meter provider records it. A count
   * reads the whole ledger (O(entries): seconds at ten million), so a run that changed nothing does not pay it again.
   */
  wantsLedgerSize(stream: string, committed: boolean): boolean {
    return this.#recordsLedgerSize && (committed || !this.#ledgerSized.has(stream));
  }
}
