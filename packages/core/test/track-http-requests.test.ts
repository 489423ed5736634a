import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClock, trackHttpRequests } from '../src/index.js';

// A loopback server that holds every response until the test releases it: a request "on the wire" for as long as
// the test likes, whatever the machine's load.
async function holdingServer(): Promise<{ url: string; held: ServerResponse[]; server: Server }> {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, held, server };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe('trackHttpRequests', () => {
  it('counts a fetch from its creation until its body is read, and a failed one until it fails', async () => {
    const { url, held, server } = await holdingServer();
    closers.push(() => server.close());
    const http = trackHttpRequests();
    closers.push(() => http.close());
    expect(http.inFlight).toBe(0);
    const answered = fetch(url).then((r) => r.text());
    const aborted = new AbortController();
    const failed = fetch(url, { signal: aborted.signal }).catch((e: unknown) => e);
    await until(() => held.length === 2);
    expect(http.inFlight).toBe(2);
    held[0]?.end('done');
    expect(await answered).toBe('done');
    await until(() => http.inFlight === 1);
    aborted.abort();
    expect(await failed).toBeInstanceOf(Error);
    await until(() => http.inFlight === 0);
    http.close();
    const after = fetch(url).then((r) => r.text());
    await until(() => held.length === 3);
    expect(http.inFlight).toBe(0); // closed: no longer counting
    held[2]?.end('late');
    await after;
    held[1]?.destroy();
  });
});

describe('TestClock.run with busy', () => {
  // A request whose timeout runs on the test clock: the race every Power BI volume test has. Without `busy`,
  // run() wakes the 30 s timeout while the response is still on the wire.
  async function raceTimeoutAgainstResponse(busy: 'tracked' | 'default' | 'never'): Promise<string> {
    const { url, held, server } = await holdingServer();
    closers.push(() => server.close());
    const http = trackHttpRequests();
    closers.push(() => http.close());
    const clock = new TestClock(0);
    const response = fetch(url).then((r) => r.text());
    const timeout = clock.sleep(30_000).then(() => 'timed out');
    // The server answers on its own time (real time), as a loaded simulator would.
    void until(() => held.length === 1).then(() => setTimeout(() => held[0]?.end('answered'), 20));
    const winner = Promise.race([response, timeout]);
    const options = {
      tracked: { busy: () => http.inFlight > 0 },
      default: {},
      never: { busy: () => false },
    }[busy];
    const result = await clock.run(winner, options);
    await response;
    return result;
  }

  it('does not move time while a request is in flight', async () => {
    expect(await raceTimeoutAgainstResponse('tracked')).toBe('answered');
  });

  it('by default, does not move time while a fetch of the process is on the wire', async () => {
    expect(await raceTimeoutAgainstResponse('default')).toBe('answered');
  });

  it('never busy: time jumps over the request (the race the option exists for)', async () => {
    expect(await raceTimeoutAgainstResponse('never')).toBe('timed out');
  });

  it('a request a server holds open on the test clock (holdsRequest) is parked: time moves and it is answered', async () => {
    const clock = new TestClock(0);
    // A simulator with 5 s of latency on the test clock: the answer needs time to move while it is in flight.
    const server = createServer((_req, res) => {
      void clock.sleep(5_000, undefined, { holdsRequest: true }).then(() => res.end(`at ${clock.now()}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    expect(await clock.run(fetch(url).then((r) => r.text()))).toBe('at 5000');
  });

  it("TestClock.requestOnTheWire is the default busy, to combine with a test's own condition", async () => {
    const { url, held, server } = await holdingServer();
    closers.push(() => server.close());
    new TestClock(0); // subscribes the process-wide tracker
    expect(TestClock.requestOnTheWire()).toBe(false);
    const response = fetch(url).then((r) => r.text());
    await until(() => held.length === 1);
    expect(TestClock.requestOnTheWire()).toBe(true);
    // A test that also waits on its own I/O keeps time still for either reason.
    const clock = new TestClock(0);
    let ownWork = true;
    const timeout = clock.sleep(30_000).then(() => 'timed out');
    const winner = Promise.race([response, timeout]);
    setTimeout(() => held[0]?.end('answered'), 20);
    const result = clock.run(winner, { busy: () => TestClock.requestOnTheWire() || ownWork });
    expect(await response).toBe('answered');
    await until(() => !TestClock.requestOnTheWire());
    expect(clock.now()).toBe(0); // own work still pending: time has not moved
    ownWork = false;
    expect(await result).toBe('answered');
  });

  it('still accepts maxSteps as a number', async () => {
    const clock = new TestClock(0);
    const twice = (async () => {
      await clock.sleep(10);
      await clock.sleep(10);
      return clock.now();
    })();
    expect(await clock.run(twice, 5)).toBe(20);
  });
});
