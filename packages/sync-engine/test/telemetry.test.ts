import {
  type Attributes,
  type Meter,
  type MeterProvider,
  metrics,
  type Span,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { drive, seedOrders, world } from './helpers.js';

const spans: Array<{ name: string; attributes: Attributes; status?: number; ended: boolean }> = [];
const counters = new Map<string, number>();

/** The smallest recording tracer: what a host's OpenTelemetry SDK would receive. */
const tracer = {
  startSpan(name: string, options?: { attributes?: Attributes }) {
    const record = { name, attributes: { ...options?.attributes }, ended: false } as (typeof spans)[number];
    spans.push(record);
    const span = {
      setStatus: (s: { code: number }) => {
        record.status = s.code;
        return span;
      },
      recordException: () => {},
      end: () => {
        record.ended = true;
      },
      setAttribute: () => span,
      setAttributes: () => span,
      addEvent: () => span,
      isRecording: () => true,
      spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 1 }),
      updateName: () => span,
      addLink: () => span,
      addLinks: () => span,
    } as unknown as Span;
    return span;
  },
  startActiveSpan(name: string, ...rest: unknown[]) {
    const fn = rest.at(-1) as (span: Span) => unknown;
    const options = (rest.length > 1 ? rest[0] : undefined) as { attributes?: Attributes } | undefined;
    return fn(tracer.startSpan(name, options));
  },
} as unknown as Tracer;

const meter = {
  createCounter: (name: string) => ({
    add: (n: number) => counters.set(name, (counters.get(name) ?? 0) + n),
  }),
  createHistogram: (name: string) => ({ record: (n: number) => counters.set(name, n) }),
} as unknown as Meter;

trace.setGlobalTracerProvider({ getTracer: () => tracer } as TracerProvider);
metrics.setGlobalMeterProvider({ getMeter: () => meter } as MeterProvider);

describe('OpenTelemetry', () => {
  it('records a span per stream run and counts records, rows and batches', async () => {
    const w = world();
    seedOrders(w.source, 250);
    await drive(w.clock, w.sync().run());
    const run = spans.find((s) => s.name === 'mlc.sync.run');
    expect(run).toMatchObject({ attributes: { 'mlc.sync.stream': 'orders' }, status: 1, ended: true });
    expect(
      spans.filter((s) => s.name === 'mlc.sync.batch').map((s) => s.attributes['mlc.sync.rows']),
    ).toEqual([100, 100, 50]);
    expect(counters.get('mlc.sync.records_read')).toBe(250);
    expect(counters.get('mlc.sync.rows_posted')).toBe(250);
    expect(counters.get('mlc.sync.batches')).toBe(3);
    expect(counters.get('mlc.sync.ledger.entries')).toBe(250);
  });
});
