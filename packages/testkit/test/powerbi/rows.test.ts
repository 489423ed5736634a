import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, ORDERS_TABLE, pbi, secretToken } from './helpers.js';
import { type PowerBISimulator, startPowerBISimulator, TestClock } from './imports.js';

type ErrorBody = { error: { code: string; details: Array<{ message: string; target: string }> } };

describe('POST rows: types and per-request limits', () => {
  let sim: PowerBISimulator;
  let api: ReturnType<typeof pbi>;
  let id: string;
  beforeAll(async () => {
    sim = await startPowerBISimulator({ clock: new TestClock('2025-03-01T10:00:00Z') });
    api = pbi(sim, await secretToken(sim));
    id = await createDataset(api, [ORDERS_TABLE]);
  });
  afterAll(() => sim.close());

  it('appends with 200, an empty body and content-length 0', async () => {
    const res = await api.postRows(id, 'Orders', [{ _batch: 'b-1', id: 1, amount: 12.5, paid: true }]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('0');
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(await res.text()).toBe('');
  });

  it('normalises each type: Int64 digit strings, Decimal scale 4, DateTime without offset, null blanks', async () => {
    const tid = await createDataset(api, [ORDERS_TABLE]);
    const res = await api.postRows(tid, 'Orders', [
      {
        id: '9007199254740993',
        amount: '1.23456',
        ratio: 0.5,
        paid: 'false',
        postedAt: '2026-07-28T00:00:00Z',
        customer: 'ACME',
      },
      {
        id: -42,
        amount: 3,
        ratio: '1e3',
        paid: false,
        postedAt: '2026-07-28T10:30:15.5+02:00',
        customer: null,
      },
      { postedAt: '07/30/2014' },
    ]);
    expect(res.status).toBe(200);
    expect(sim.control.rows(tid, 'Orders')).toEqual([
      {
        _batch: null,
        id: '9007199254740993',
        amount: 1.2346,
        ratio: 0.5,
        paid: false,
        postedAt: '2026-07-28T00:00:00',
        customer: 'ACME',
      },
      {
        _batch: null,
        id: -42,
        amount: 3,
        ratio: 1000,
        paid: false,
        postedAt: '2026-07-28T10:30:15.500',
        customer: null,
      },
      {
        _batch: null,
        id: null,
        amount: null,
        ratio: null,
        paid: null,
        postedAt: '2014-07-30T00:00:00',
        customer: null,
      },
    ]);
  });

  it.each([
    ['a fractional Int64', { id: 1.5 }, 'rows[0].id'],
    ['an unsafe Int64 number', { id: 2 ** 60 }, 'rows[0].id'],
    ['Int64.MaxValue', { id: '9223372036854775807' }, 'rows[0].id'],
    ['text in a Double', { ratio: 'abc' }, 'rows[0].ratio'],
    ['Double.MaxValue', { ratio: Number.MAX_VALUE }, 'rows[0].ratio'],
    ['a non-finite Double string', { ratio: 'Infinity' }, 'rows[0].ratio'],
    ['a number in a Boolean', { paid: 1 }, 'rows[0].paid'],
    ['an invalid date', { postedAt: '2025-02-30' }, 'rows[0].postedAt'],
    ['a number in a String', { customer: 5 }, 'rows[0].customer'],
    ['a 4,001-character string', { customer: 'x'.repeat(4001) }, 'rows[0].customer'],
    // 2,001 emoji are 4,002 UTF-16 code units: [inferred] .NET's String.Length, as the client counts.
    ['2,001 characters outside the BMP', { customer: '😀'.repeat(2001) }, 'rows[0].customer'],
    ['an unknown column', { colour: 'red' }, 'rows[0].colour'],
  ])('refuses %s with 400 BadRequest and applies nothing', async (_name, row, target) => {
    const before = sim.control.rows(id, 'Orders').length;
    const res = await api.postRows(id, 'Orders', [{ id: 7 }, row].reverse());
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('BadRequest');
    expect(body.error.details[0]?.target).toBe(target);
    expect(body.error.details[0]?.message).toMatch(/row 0/);
    expect(sim.control.rows(id, 'Orders')).toHaveLength(before);
  });

  it('accepts a 4,000-character string', async () => {
    expect((await api.postRows(id, 'Orders', [{ customer: 'y'.repeat(4000) }])).status).toBe(200);
  });

  it('accepts 10,000 rows in one request and refuses 10,001', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));
    const tid = await createDataset(api, [ORDERS_TABLE]);
    expect((await api.postRows(tid, 'Orders', rows(10_000))).status).toBe(200);
    const res = await api.postRows(tid, 'Orders', rows(10_001));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.details[0]?.message).toMatch(/10000 rows per request/);
    expect(sim.control.rows(tid, 'Orders')).toHaveLength(10_000);
  });

  it('matches the table name case-sensitively (404 ItemNotFound)', async () => {
    const res = await api.postRows(id, 'orders', [{ id: 1 }]);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('ItemNotFound');
  });

  it('refuses a body without a rows array', async () => {
    const res = await api.call('POST', `/datasets/${id}/tables/Orders/rows`, { data: [] });
    expect(res.status).toBe(400);
    const bad = await api.call('POST', `/datasets/${id}/tables/Orders/rows`, '{"rows": [');
    expect(bad.status).toBe(400);
  });
});

describe('POST rows: request size', () => {
  it('refuses a body over the byte limit with 413 (16 MB by default)', async () => {
    const sim = await startPowerBISimulator({ limits: { maxRequestBytes: 2_000 } });
    try {
      const api = pbi(sim, await secretToken(sim));
      const id = await createDataset(api, [ORDERS_TABLE]);
      const res = await api.postRows(id, 'Orders', [{ customer: 'z'.repeat(2_100) }]);
      expect(res.status).toBe(413);
      expect(((await res.json()) as ErrorBody).error.code).toBe('RequestEntityTooLarge');
      expect((await api.postRows(id, 'Orders', [{ customer: 'z'.repeat(1_000) }])).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
