import { describe, expect, it } from 'vitest';
import { TestClock, systemClock } from '../src/index.js';

describe('TestClock', () => {
  it('wakes sleepers in deadline order as time passes', async () => {
    const clock = new TestClock('2024-01-01T00:00:00Z');
    const order: string[] = [];
    void clock.sleep(300).then(() => order.push('c'));
    void clock.sleep(100).then(() => order.push('a'));
    void clock.sleep(200).then(() => order.push('b'));
    await clock.advance(150);
    expect(order).toEqual(['a']);
    await clock.advance(1000);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(clock.now()).toBe(Date.parse('2024-01-01T00:00:01.150Z'));
  });

  it('reads a monotonic clock of its own that follows time forward and never goes back', async () => {
    const clock = new TestClock(1_000_000);
    const other = new TestClock(1_000_000);
    const start = clock.monotonic();
    expect(other.monotonic().clock).not.toBe(start.clock);
    await clock.advance(500);
    expect(clock.monotonic()).toEqual({ clock: start.clock, ms: start.ms + 500 });
    await clock.setTime(0); // the wall clock stepped back an age
    expect(clock.monotonic().ms).toBe(start.ms + 500);
    await clock.advance(250);
    expect(clock.monotonic().ms).toBe(start.ms + 750);
  });

  it('wakes chained sleeps inside one advance', async () => {
    const clock = new TestClock(0);
    let woke = 0;
    const loop = (async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(10);
        woke++;
      }
    })();
    await clock.advance(50);
    await loop;
    expect(woke).toBe(5);
  });

  it('drives a promise through its sleeps with run()', async () => {
    const clock = new TestClock(0);
    const result = await clock.run(
      (async () => {
        await clock.sleep(60_000);
        await clock.sleep(60_000);
        return clock.now();
      })(),
    );
    expect(result).toBe(120_000);
  });

  it('run() never moves time for a background sleeper alone, but wakes it on the way to another one', async () => {
    const clock = new TestClock(0);
    const beats: number[] = [];
    const stop = new AbortController();
    const heartbeat = (async () => {
      for (;;) {
        await clock.sleep(10_000, stop.signal, { background: true });
        beats.push(clock.now());
      }
    })().catch(() => {});
    // Real I/O while only the heartbeat sleeps: time must not move.
    const io = await clock.run(new Promise<number>((resolve) => setTimeout(() => resolve(clock.now()), 30)));
    expect(io).toBe(0);
    expect(beats).toEqual([]);
    // A foreground sleep of 25 s passes two beats, in order.
    await clock.run(clock.sleep(25_000));
    expect(beats).toEqual([10_000, 20_000]);
    stop.abort();
    await heartbeat;
  });

  it('rejects sleeps on abort', async () => {
    const clock = new TestClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(sleeping).rejects.toThrow('cancelled');
    expect(clock.pendingSleeps).toBe(0);
    await expect(systemClock.sleep(10, AbortSignal.abort(new Error('x')))).rejects.toThrow('x');
  });
});
