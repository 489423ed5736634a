import { describe, expect, it } from 'vitest';
import { askSome } from '../src/index.js';

describe('askSome', () => {
  it('asks once about the defined entries, in order, and puts the answers back at their indexes', async () => {
    const asked: string[][] = [];
    const answers = await askSome(['a', undefined, 'b', undefined, 'c'], async (questions) => {
      asked.push(questions);
      return [true, false, true];
    });
    expect(asked).toEqual([['a', 'b', 'c']]);
    expect(answers).toEqual([true, false, false, false, true]);
  });

  it('does not ask when no entry is defined, and answers false everywhere', async () => {
    let calls = 0;
    const ask = async () => {
      calls++;
      return [];
    };
    expect(await askSome([undefined, undefined], ask)).toEqual([false, false]);
    expect(await askSome([], ask)).toEqual([]);
    expect(calls).toBe(0);
  });

  it('takes a missing or non-true answer as false, and passes a rejection on', async () => {
    expect(await askSome([1, 2, 3], async () => [true])).toEqual([true, false, false]);
    expect(await askSome([1, 2], async () => [1 as unknown as boolean, true])).toEqual([false, true]);
    await expect(askSome([1], () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
  });
});
