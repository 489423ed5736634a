import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, ORDERS_TABLE, pbi, secretToken } from './helpers.js';
import { type PowerBISimulator, startPowerBISimulator } from './imports.js';

// [documented] S8: 16 MB per push request: a size in bytes on the wire (UTF-8 JSON), not in characters. Text with
// accents (2 bytes each in UTF-8), the euro sign (3) or a non-BMP character (4 bytes, 2 UTF-16 code units) is
// longer in bytes than in characters, and the simulator must count the bytes, whether the client declares a
// content-length or streams the body without one.

const LIMIT = 2_000;

/** The POST rows body for one row whose customer is `text`. */
const bodyOf = (text: string) => JSON.stringify({ rows: [{ customer: text }] });

describe('POST rows: the size limit counts bytes', () => {
  let sim: PowerBISimulator;
  let token: string;
  let id: string;
  beforeAll(async () => {
    sim = await startPowerBISimulator({ limits: { maxRequestBytes: LIMIT } });
    token = await secretToken(sim);
    id = await createDataset(pbi(sim, token), [ORDERS_TABLE]);
  });
  afterAll(() => sim.close());

  /** POSTs raw bytes, with their content-length or streamed (chunked, no content-length). */
  const post = (bytes: Uint8Array, streamed: boolean) =>
    fetch(`${sim.url}/groups/${sim.groupId}/datasets/${id}/tables/Orders/rows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: streamed
        ? new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(bytes);
              controller.close();
            },
          })
        : bytes,
      ...(streamed ? { duplex: 'half' } : {}),
    } as RequestInit);

  it.each([
    ['accents (2 bytes each)', 'é'.repeat(1_000)],
    ['euro signs (3 bytes each)', '€'.repeat(700)],
    ['a non-BMP character (4 bytes, 2 UTF-16 units each)', '𠮷'.repeat(500)],
  ])('refuses a body under the limit in characters but over it in bytes: %s', async (_, text) => {
    const body = bodyOf(text);
    expect(body.length).toBeLessThanOrEqual(LIMIT);
    expect(Buffer.byteLength(body)).toBeGreaterThan(LIMIT);
    for (const streamed of [false, true]) {
      const res = await post(new TextEncoder().encode(body), streamed);
      expect(res.status, `streamed ${streamed}`).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RequestEntityTooLarge');
    }
  });

  it('accepts a multi-byte body within the limit and keeps its text exactly', async () => {
    const text = 'Société d’Équipement « Œuvres » 1\u202f234,50\u00a0€ 𠮷'.repeat(20);
    const body = new TextEncoder().encode(bodyOf(text));
    expect(body.byteLength).toBeLessThanOrEqual(LIMIT);
    for (const streamed of [false, true]) expect((await post(body, streamed)).status).toBe(200);
    const rows = sim.control.rows(id, 'Orders');
    expect(rows.map((r) => r.customer)).toEqual([text, text]);
  });

  it('counts the bytes received, not the bytes of their decoded text (invalid UTF-8 is 1 byte, not 3)', async () => {
    // 900 bytes 0xFF inside a JSON string: 930 bytes on the wire; decoded, each is U+FFFD (3 bytes in UTF-8), so a
    // limit checked on the re-encoded text would see about 2,730 bytes and refuse it. [inferred] The service reads
    // invalid UTF-8 as U+FFFD (.NET's default decoder replaces), so the row is accepted.
    const head = new TextEncoder().encode('{"rows":[{"customer":"');
    const tail = new TextEncoder().encode('"}]}');
    const body = new Uint8Array(head.byteLength + 900 + tail.byteLength);
    body.set(head, 0);
    body.fill(0xff, head.byteLength, head.byteLength + 900);
    body.set(tail, head.byteLength + 900);
    expect(body.byteLength).toBeLessThanOrEqual(LIMIT);
    for (const streamed of [false, true])
      expect((await post(body, streamed)).status, `streamed ${streamed}`).toBe(200);
  });
});
