import { describe, expect, it } from 'vitest';
import { X3ResponseError, parseX3Json, repairJsonEscapes } from '../../src/index.js';

describe('malformed JSON repair', () => {
  it('re-escapes lone backslashes inside strings only, deterministically', () => {
    const bad = '{"path":"C:\\data\\new\\x","ok":"a\\"b","u":"\\u00e9","n":1}';
    expect(() => JSON.parse(bad)).toThrow();
    const { text, fixes } = repairJsonEscapes(bad);
    expect(fixes).toBe(2); // \d and \x; \n is a valid escape and stays one
    expect(JSON.parse(text)).toEqual({ path: 'C:\\data\new\\x', ok: 'a"b', u: 'é', n: 1 });
    expect(repairJsonEscapes(bad).text).toBe(text);
  });

  it('escapes raw control characters in strings', () => {
    const bad = '{"a":"line1\nline2"}';
    expect(parseX3Json(bad, 'https://h/x').value).toEqual({ a: 'line1\nline2' });
  });

  it('leaves valid JSON alone and reports repairs', () => {
    expect(parseX3Json('{"a":"\\\\"}', 'u')).toEqual({ value: { a: '\\' }, repairs: 0 });
    expect(parseX3Json('{"a":"\\q"}', 'u')).toEqual({ value: { a: '\\q' }, repairs: 1 });
  });

  it('names the offending page when repair is impossible, without leaking secrets', () => {
    const page =
      'https://x3.example.com/api1/x3/erp/SEED/BPSUPPLIER?representation=BPSUPPLIER.$query&key=gt.SU000100';
    try {
      parseX3Json('{"$resources":[{"BPSNUM":"SU1","password":"hunter2-secret"}', page);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(X3ResponseError);
      const e = error as X3ResponseError;
      expect(e.code).toBe('X3_MALFORMED_JSON');
      expect(e.url).toBe(page);
      expect(e.message).toContain('key=gt.SU000100');
      expect(e.position).toBeGreaterThan(0);
      expect(JSON.stringify(e.toJSON())).not.toContain('hunter2-secret');
    }
  });
});
