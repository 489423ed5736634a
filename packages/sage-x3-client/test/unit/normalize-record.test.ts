import { Decimal } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  X3RecordError,
  X3_BUILT_IN_ENTITIES,
  applyEntityOverride,
  defineX3Entity,
  normalizeRecord,
  x3Code,
  x3Decimal,
  x3Instant,
} from '../../src/index.js';

const restInvoice = {
  NUM: 'SI0001',
  CPY: 'FR10',
  SALFCY: 'FR011',
  INVDAT: '2024-03-01',
  BPCINV: 'C00001',
  CUR: 'EUR',
  SIVTYP: 1,
  STA: 2,
  AMTNOT: 120.5,
  AMTATI: '144.60',
  UPDDATTIM: '2024-03-01T10:00:00Z',
  SIVSID: [
    { SIDLIN: 2000, ITMREF: 'P2', QTY: 1, NETPRI: 20.5, AMTNOTLIN: 20.5 },
    { SIDLIN: 1000, ITMREF: 'P1', QTY: '2', NETPRI: 50, AMTNOTLIN: 100 },
  ],
};

describe('normalizeRecord', () => {
  it('maps a REST sales invoice with its lines to the normalized shape', () => {
    const change = normalizeRecord(X3_BUILT_IN_ENTITIES.salesInvoice, 'rest', restInvoice);
    expect(change.ok).toBe(true);
    if (!change.ok) return;
    expect(change.key).toBe('SI0001');
    expect(change.stamp).toBe('2024-03-01T10:00:00Z');
    expect(change.record).toMatchObject({
      key: 'SI0001',
      updatedAt: '2024-03-01T10:00:00.000Z',
      id: 'SI0001',
      invoiceDate: '2024-03-01',
      amountIncludingTax: Decimal.parse('144.6'),
      lines: [
        { lineNumber: 1000, product: 'P1', quantity: Decimal.parse('2') },
        { lineNumber: 2000, product: 'P2', quantity: Decimal.parse('1') },
      ],
    });
  });

  it('maps a GraphQL record (references, connections) to the same shape', () => {
    const change = normalizeRecord(X3_BUILT_IN_ENTITIES.supplier, 'graphql', {
      _id: 'SU1',
      _updateStamp: '2024-03-01T10:00:00Z',
      code: { code: 'SU1' },
      companyName: 'Acme',
      shortCompanyName: 'ACME',
      category: { code: 'LOC' },
      currency: { code: 'EUR' },
      isActive: true,
    });
    expect(change).toMatchObject({
      ok: true,
      key: 'SU1',
      record: { code: 'SU1', name: 'Acme', isActive: true },
    });
  });

  it('reports an invalid record with key, field path, X3 property and reason', () => {
    const bad = {
      ...restInvoice,
      SIVSID: [{ SIDLIN: 1, ITMREF: 'P1', QTY: 'lots', NETPRI: 1, AMTNOTLIN: 1 }],
    };
    const change = normalizeRecord(X3_BUILT_IN_ENTITIES.salesInvoice, 'rest', bad);
    expect(change.ok).toBe(false);
    if (change.ok) return;
    expect(change.key).toBe('SI0001');
    expect(change.stamp).toBe('2024-03-01T10:00:00Z');
    expect(change.error).toBeInstanceOf(X3RecordError);
    expect(change.error.code).toBe('X3_RECORD_INVALID');
    expect(change.error.field).toBe('lines[0].quantity');
    expect(change.error.reason).toContain('SIVSID[0].QTY');
    expect(change.error.reason).toContain('"lots"');
    expect(change.raw).toBe(bad);
  });

  it('reports a record without key or stamp instead of dropping it', () => {
    const noKey = normalizeRecord(X3_BUILT_IN_ENTITIES.supplier, 'rest', {
      UPDDATTIM: '2024-01-01T00:00:00Z',
    });
    expect(noKey).toMatchObject({ ok: false, error: { field: 'key' } });
    const noStamp = normalizeRecord(X3_BUILT_IN_ENTITIES.supplier, 'rest', { BPSNUM: 'S1' });
    expect(noStamp).toMatchObject({ ok: false, key: 'S1', error: { field: 'updatedAt' } });
  });

  it('reads zone-less stamps as UTC, never local time', () => {
    const change = normalizeRecord(X3_BUILT_IN_ENTITIES.account, 'rest', {
      COA: 'PCG',
      ACC: '1000',
      DES: 'x',
      SHO: 'x',
      ENAFLG: 2,
      UPDDATTIM: '2024-03-01T10:00:00',
    });
    expect(change).toMatchObject({
      ok: true,
      key: 'PCG~1000',
      record: { updatedAt: '2024-03-01T10:00:00.000Z', isActive: true },
    });
  });

  it('supports custom entities and overrides of built-in mappings', () => {
    const custom = defineX3Entity({
      name: 'stockLevel',
      schema: z.object({ key: x3Code, updatedAt: x3Instant, quantity: x3Decimal }),
      rest: { className: 'YSTOCK', representation: 'YSTOCK', keyFields: ['ID'], fields: { quantity: 'QTY' } },
    });
    expect(
      normalizeRecord(custom, 'rest', { ID: 'A', QTY: '3.5', UPDDATTIM: '2024-01-01T00:00:00Z' }),
    ).toMatchObject({
      ok: true,
      record: { key: 'A', quantity: Decimal.parse('3.5') },
    });
    const supplier = applyEntityOverride(X3_BUILT_IN_ENTITIES.supplier, {
      graphql: { fields: { name: 'companyName1' } },
    });
    expect(supplier.graphql?.fields.name).toBe('companyName1');
    expect(supplier.graphql?.fields.code).toBe('code.code');
  });
});
