import { type Clock, TestClock } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { answeredPostOf, CLOCKS_AGREE_MS, provenSinceAnswer } from '../src/engine/takeover-posted-at.js';

/** A clock at wall time `wall` whose monotonic clock `clock` reads `ms`. */
function clockAt(wall: number, reading?: { clock: string; ms: number }): Clock {
  const clock = new TestClock(wall);
  return { now: () => clock.now(), sleep: (ms) => clock.sleep(ms), monotonic: () => reading };
}

const ID = 'linux-monotonic:boot:time:[1]';

describe('answeredPostOf', () => {
  it('is the answer only when it belongs to the last attempt', () => {
    const on = { clock: ID, ms: 5 };
    expect(answeredPostOf({ attempts: 2, answeredAt: 9, answeredAttempt: 2, answeredOn: on })).toEqual({
      at: 9,
      on,
    });
    expect(answeredPostOf({ attempts: 2, answeredAt: 9, answeredAttempt: 2 })).toEqual({ at: 9 });
    expect(
      answeredPostOf({ attempts: 3, answeredAt: 9, answeredAttempt: 2, answeredOn: on }),
    ).toBeUndefined();
    // Written by an engine before answeredAttempt existed (or a store that dropped it): not trusted.
    expect(answeredPostOf({ attempts: 1, answeredAt: 9 })).toBeUndefined();
    expect(answeredPostOf({ attempts: 1 })).toBeUndefined();
  });
});

describe('provenSinceAnswer', () => {
  const answer = { at: 100_000, on: { clock: ID, ms: 50_000 } };

  it('is the time both clocks agree has passed on the same monotonic clock (the smaller of the two)', () => {
    expect(provenSinceAnswer(clockAt(107_000, { clock: ID, ms: 57_000 }), answer)).toBe(7_000);
    expect(provenSinceAnswer(clockAt(107_400, { clock: ID, ms: 57_000 }), answer)).toBe(7_000);
    expect(provenSinceAnswer(clockAt(106_600, { clock: ID, ms: 57_000 }), answer)).toBe(6_600);
  });

  it('is 0 for another clock, no clock, or no reading at the answer', () => {
    expect(
      provenSinceAnswer(clockAt(107_000, { clock: 'linux-monotonic:other:time:[1]', ms: 57_000 }), answer),
    ).toBe(0);
    expect(provenSinceAnswer(clockAt(107_000, undefined), answer)).toBe(0);
    const { now, sleep } = clockAt(107_000);
    expect(provenSinceAnswer({ now, sleep }, answer)).toBe(0);
    expect(provenSinceAnswer(clockAt(107_000, { clock: ID, ms: 57_000 }), { at: 100_000 })).toBe(0);
  });

  it('is 0 when either clock ran backwards or they disagree by more than CLOCKS_AGREE_MS', () => {
    expect(provenSinceAnswer(clockAt(107_000, { clock: ID, ms: 49_000 }), answer)).toBe(0);
    expect(provenSinceAnswer(clockAt(99_000, { clock: ID, ms: 57_000 }), answer)).toBe(0);
    expect(provenSinceAnswer(clockAt(107_000 + CLOCKS_AGREE_MS + 1, { clock: ID, ms: 57_000 }), answer)).toBe(
      0,
    );
    expect(provenSinceAnswer(clockAt(107_000 - CLOCKS_AGREE_MS - 1, { clock: ID, ms: 57_000 }), answer)).toBe(
      0,
    );
    // A restored snapshot: same boot id, but the monotonic clock resumed from before the answer.
    expect(provenSinceAnswer(clockAt(400_000, { clock: ID, ms: 52_000 }), answer)).toBe(0);
  });

  it('is 0 for a reading a store mangled', () => {
    const mangled = [
      { clock: 7, ms: 50_000 },
      { clock: ID, ms: Number.NaN },
      { clock: ID, ms: '50000' },
      null,
    ] as unknown as Array<{ clock: string; ms: number }>;
    for (const on of mangled) {
      expect(provenSinceAnswer(clockAt(107_000, { clock: ID, ms: 57_000 }), { at: 100_000, on })).toBe(0);
    }
  });
});
