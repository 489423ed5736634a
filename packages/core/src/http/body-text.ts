import { isAscii } from 'node:buffer';

/** fetch's own decoder (`Response.text()` decodes with a default `TextDecoder`: UTF-8, replacement, BOM dropped). */
const UTF8 = new TextDecoder();

/**
 * The text of a response body as the HTTP client gives it: what fetch's `Response.text()` returns for these bytes
 * (UTF-8 whatever the declared charset, each invalid sequence replaced by U+FFFD as the WHATWG decoder does, a
 * leading UTF-8 BOM dropped), with a leading U+FEFF that remains removed as well. A body of ASCII bytes only (checked
 * at memory speed) is read as Latin-1, which for those bytes is the same text: Node then copies the bytes into a
 * string instead of decoding them, and keeps a body of 1 MiB or more outside the JS heap (an external string) rather
 * than in a fresh large heap object per body. Any other body is decoded exactly as `Response.text()` decodes it.
 */
export function bodyText(bytes: Uint8Array): string {
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  // The steps of `Response.text()` (fetch's "UTF-8 decode": the BOM's bytes dropped, then the decoder, which drops
  // one more BOM of its own), then the client's own removal of a BOM character.
  const rest = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const text = UTF8.decode(rest);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
