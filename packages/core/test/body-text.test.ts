import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyText } from '../src/http/body-text.js';
import { createHttpClient } from '../src/index.js';
import { loopbackServers } from './support/loopback-server.js';

/** What the client gave before `bodyText`: fetch's `Response.text()`, then a leading U+FEFF removed. */
async function viaResponseText(bytes: Uint8Array): Promise<string> {
  const text = await new Response(bytes).text();
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Bytes a UTF-8 decoder has to get right: BOMs, ASCII, lead bytes, continuations, overlongs, surrogates, > U+10FFFF. */
const tricky = [
  0x00, 0x22, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbb, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe1,
  0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xf8, 0xfe, 0xff,
];
const bom = [0xef, 0xbb, 0xbf];
const byteArrays = fc
  .tuple(
    fc.constantFrom([], bom, [...bom, ...bom], [...bom, ...bom, ...bom], [0xef, 0xbb], [0xef]),
    fc.array(
      fc.oneof(
        fc.constantFrom(...tricky),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0x20, max: 0x7e }),
      ),
      {
        maxLength: 40,
      },
    ),
  )
  .map(([head, rest]) => Uint8Array.from([...head, ...rest]));

describe('bodyText', () => {
  it('gives what Response.text() gives (then a leading U+FEFF removed), for any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(byteArrays, async (bytes) => {
        expect(bodyText(bytes)).toBe(await viaResponseText(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads ASCII bodies of every size, above and below the size Node keeps outside the heap', async () => {
    for (const size of [0, 1, 1000, 1_031_912, 1_031_913, 1_031_914, 1_500_000]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = 0x20 + (i % 95);
      expect(bodyText(bytes)).toBe(await viaResponseText(bytes));
    }
  });

  it('decodes a large body with a few non-ASCII characters, invalid bytes and a BOM as Response.text() does', async () => {
    const text = `${'{"a":"x"},'.repeat(120_000)}"Entrée\u{1f600}"`;
    const valid = Buffer.from(`\ufeff${text}`, 'utf8');
    expect(bodyText(valid)).toBe(text);
    const invalid = Buffer.concat([
      valid,
      Buffer.from([0xe2, 0x82, 0x41, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf0, 0x9f]),
    ]);
    expect(bodyText(invalid)).toBe(await viaResponseText(invalid));
    expect(bodyText(invalid.subarray(5, 100))).toBe(await viaResponseText(invalid.subarray(5, 100)));
  });
});

describe('the client reads a body sent in pieces', () => {
  const server = loopbackServers();

  it('joins the bytes before decoding: a character split between writes, a BOM, an invalid byte', async () => {
    const body = Buffer.from('\ufeff{"name":"Société 😀","n":1}', 'utf8');
    const cuts = [1, 2, 14, 15, 23, 24, 25];
    const srv = await server(async ({ res, index }) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      const bytes = index === 0 ? body : Buffer.concat([body, Buffer.from([0xff])]);
      let from = 0;
      for (const cut of cuts) {
        res.write(bytes.subarray(from, cut));
        from = cut;
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end(bytes.subarray(from));
    });
    const client = createHttpClient({ baseUrl: srv.url });
    expect((await client.request({ path: 'a' })).text).toBe('{"name":"Société 😀","n":1}');
    expect((await client.request({ path: 'b' })).text).toBe('{"name":"Société 😀","n":1}\ufffd');
  });
});
