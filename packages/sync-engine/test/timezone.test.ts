import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/tz-run.mts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

async function runUnder(tz: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--conditions=@mlc/source', script], {
    cwd: root,
    env: { ...process.env, TZ: tz },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

describe('time zones (peers.md §7 #11)', () => {
  it('a process under TZ=America/New_York and one under TZ=Asia/Kolkata sync exactly the same', async () => {
    const [ny, kolkata, utc] = await Promise.all([
      runUnder('America/New_York'),
      runUnder('Asia/Kolkata'),
      runUnder('UTC'),
    ]);
    expect(ny).toEqual(kolkata);
    expect(ny).toEqual(utc);
    const result = ny as {
      rows: Array<{ key: string; at: string }>;
      results: Array<{ until: string }>;
      cursor: unknown;
      nextNy: string;
    };
    // until = now − 1 h in UTC; zone-less stamps are UTC, so k0 (01:59:59.999) and k5 (05:00) are in range.
    expect(result.results[0]).toEqual({ until: '2024-03-10T05:30:00.000Z', rowsPosted: 6 });
    // One instant spelled three ways orders by raw string; the sub-millisecond stamp comes after them.
    expect(result.rows.map((r) => [r.key, r.at])).toEqual([
      ['k0', '2024-03-10T01:59:59.999Z'],
      ['k4', '2024-03-10T02:00:00.000Z'],
      ['k1', '2024-03-10T02:00:00.000Z'],
      ['k2', '2024-03-10T02:00:00.000Z'],
      ['k3', '2024-03-10T02:00:00.000Z'],
      ['k5', '2024-03-10T05:00:00.000Z'],
    ]);
    expect(result.cursor).toEqual({ stamp: '2024-03-10T05:00:00', key: 'k5' });
    // 06:30Z is 01:30 EST; clocks jump to 03:00 EDT at 2:00, so the next 03:00 New York is 07:00Z that day.
    expect(result.nextNy).toBe('2024-03-10T07:00:00.000Z');
  }, 90_000);
});
