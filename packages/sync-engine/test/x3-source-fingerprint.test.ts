import { accountEntity, type X3Client } from '@mlc/sage-x3-client';
import { describe, expect, it } from 'vitest';
import { fromX3Change } from '../src/sage-x3.js';
import { fromX3RawChange, x3Fingerprinter } from '../src/sage-x3/x3-source.js';

/** Just what the fingerprint reads of a client: the entity's definition and the transport. */
function clientOf(transport: 'rest' | 'graphql') {
  return { transport, entity: () => accountEntity } as unknown as X3Client<{ account: unknown }>;
}

const raw = { ACC: '401000', DES: 'Suppliers', UPDDATTIM: '2024-01-01T00:00:00Z' };

describe('x3Source fingerprints', () => {
  it('equal raw records get equal fingerprints; any change of content, transport or mapping another one', () => {
    const rest = x3Fingerprinter(clientOf('rest'), 'account');
    expect(rest({ ...raw })).toBe(rest(raw));
    expect(rest({ ...raw, DES: 'Suppliers ' })).not.toBe(rest(raw));
    expect(x3Fingerprinter(clientOf('graphql'), 'account')(raw)).not.toBe(rest(raw));
    const otherMapping = {
      transport: 'rest',
      entity: () => ({ ...accountEntity, rest: { ...accountEntity.rest, className: 'OTHER' } }),
    } as unknown as X3Client<{ account: unknown }>;
    expect(x3Fingerprinter(otherMapping, 'account')(raw)).not.toBe(rest(raw));
  });

  it('the text a record was parsed from is fingerprinted as received, instead of the record serialised again', () => {
    const rest = x3Fingerprinter(clientOf('rest'), 'account');
    // A body sent without white space fingerprints as before; any other byte of the text counts.
    expect(rest(raw, JSON.stringify(raw))).toBe(rest(raw));
    expect(rest(raw, JSON.stringify(raw, null, 1))).not.toBe(rest(raw));
    const change = {
      entity: 'account',
      key: '401000',
      stamp: raw.UPDDATTIM,
      raw,
      normalize: () => {
        throw new Error('not validated');
      },
    };
    const text = ` ${JSON.stringify(raw)}`;
    expect(fromX3RawChange({ ...change, text }, rest)).toMatchObject({ fingerprint: rest(raw, text) });
  });

  it('valid changes carry the fingerprint of their raw record; invalid ones none', () => {
    const fingerprint = x3Fingerprinter(clientOf('rest'), 'account');
    const valid = fromX3Change(
      { ok: true, entity: 'account', key: '401000', stamp: raw.UPDDATTIM, record: {}, raw },
      fingerprint,
    );
    expect(valid).toMatchObject({ ok: true, fingerprint: fingerprint(raw) });
    expect(
      fromX3Change({ ok: true, entity: 'account', key: 'k', stamp: 's', record: {}, raw }),
    ).not.toHaveProperty('fingerprint');
  });

  it('a raw change with a key and a valid stamp is yielded unvalidated; without them it is validated at once', () => {
    const fingerprint = x3Fingerprinter(clientOf('rest'), 'account');
    let normalized = 0;
    const change = (key: string | undefined, stamp: string | undefined) => ({
      entity: 'account',
      ...(key !== undefined ? { key } : {}),
      ...(stamp !== undefined ? { stamp } : {}),
      raw,
      normalize: () => {
        normalized += 1;
        return {
          ok: true as const,
          entity: 'account',
          key: key ?? '',
          stamp: stamp ?? '',
          record: { n: 1 },
          raw,
        };
      },
    });
    const lazy = fromX3RawChange(change('401000', raw.UPDDATTIM), fingerprint);
    expect(lazy).toMatchObject({ ok: 'unvalidated', key: '401000', fingerprint: fingerprint(raw) });
    expect(normalized).toBe(0);
    if (lazy.ok !== 'unvalidated') throw new Error('expected an unvalidated item');
    expect(lazy.validate()).toMatchObject({ ok: true, record: { n: 1 } });
    expect(normalized).toBe(1);
    for (const [key, stamp] of [
      [undefined, raw.UPDDATTIM],
      ['401000', undefined],
      ['401000', '2024-02-30T00:00:00Z'],
    ] as const) {
      expect(fromX3RawChange(change(key, stamp), fingerprint).ok).not.toBe('unvalidated');
    }
    expect(normalized).toBe(4);
  });
});
