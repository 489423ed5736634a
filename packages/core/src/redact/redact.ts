/**
 * Secret redaction for errors, logs and `util.inspect` output. Deliberately conservative: anything that looks like
 * a credential is replaced by {@link REDACTED}, wherever it appears (headers, query strings, form bodies, JSON).
 */

/** The placeholder written in place of a secret. */
export const REDACTED = '[REDACTED]';

/**
 * Names whose values are secrets, compared case-insensitively after removing `-` and `_`
 * (so `client_secret`, `Client-Secret` and `clientSecret` all match).
 */
export const SECRET_KEYS: readonly string[] = [
  'authorization',
  'proxyauthorization',
  'clientsecret',
  'clientassertion',
  'password',
  'passwd',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'token',
  'secret',
  'apikey',
  'xapikey',
  'cookie',
  'setcookie',
  'privatekey',
  'privatekeypem',
  'assertion',
];

const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const SECRET_KEY_SET = new Set(SECRET_KEYS);

/** True when a header, field or parameter name holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_SET.has(normalizeKey(key));
}

// key=value pairs in query strings and form bodies, e.g. `client_secret=abc&x=1`.
const PAIR_RE =
  /([?&;\s"']|^)((?:client[_-]?secret|client[_-]?assertion|password|passwd|access[_-]?token|refresh[_-]?token|id[_-]?token|api[_-]?key|code|assertion)=)([^&;\s"'#]+)/gi;
// JSON members, e.g. `"access_token":"eyJ..."` or `"password": "x"`.
const JSON_MEMBER_RE =
  /("(?:client[_-]?secret|clientSecret|client[_-]?assertion|clientAssertion|password|passwd|access[_-]?token|accessToken|refresh[_-]?token|refreshToken|id[_-]?token|api[_-]?key|apiKey|secret|privateKey|private[_-]?key)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
// Header lines and free text: `Authorization: Bearer xyz`, `Basic dXNlcjpwYXNz`.
const AUTH_SCHEME_RE = /\b(Bearer|Basic|Negotiate|Digest)\s+[A-Za-z0-9\-._~+/]+=*/g;
const HEADER_LINE_RE = /\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key)(\s*[:=]\s*)([^\r\n,}]+)/gi;
// Three base64url segments: a JWT (access tokens, client assertions, connected-app tokens).
const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// PEM blocks (private keys, certificates with keys).
const PEM_RE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
// user:password@ in URLs.
const URL_USERINFO_RE = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi;

/**
 * Redacts secrets from free text: auth headers and schemes, JWTs, PEM private keys, `key=value` pairs and JSON
 * members with secret names, URL user-info, plus any exact `knownSecrets` (e.g. a configured password).
 */
export function redactText(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    // Very short values would redact ordinary words; credentials are longer than this.
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(PEM_RE, REDACTED)
    .replace(JWT_RE, REDACTED)
    .replace(URL_USERINFO_RE, `$1${REDACTED}@`)
    .replace(HEADER_LINE_RE, `$1$2${REDACTED}`)
    .replace(AUTH_SCHEME_RE, `$1 ${REDACTED}`)
    .replace(JSON_MEMBER_RE, `$1"${REDACTED}"`)
    .replace(PAIR_RE, `$1$2${REDACTED}`);
}

/**
 * Describes a URL option that did not parse, for an error message: whatever stands before an `@` is user-info (a
 * user name and password), whether or not the scheme was spelled right (`https//admin:pw@host` escapes
 * {@link redactText}'s URL rule), so it is replaced; secret query parameters too.
 */
export function redactUnparsedUrl(text: string): string {
  const at = text.lastIndexOf('@');
  if (at === -1) return redactText(text);
  const scheme = /^[a-z][a-z0-9+.-]*:?\/\//i.exec(text)?.[0] ?? '';
  return redactText(`${scheme}${REDACTED}${text.slice(at)}`);
}

/** Redacts a URL's secret query parameters and user-info; returns other text unchanged. */
export function redactUrl(url: string | URL): string {
  return redactText(String(url));
}

/** Returns a copy of `headers` with secret header values replaced; accepts `Headers` or a plain record. */
export function redactHeaders(
  headers: Headers | Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const entries: Array<[string, unknown]> =
    headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    out[key] = isSecretKey(key)
      ? REDACTED
      : redactText(Array.isArray(value) ? value.join(', ') : String(value));
  }
  return out;
}

/**
 * Deeply redacts a JSON-like value: members with secret names are replaced, strings are passed through
 * {@link redactText}, `Error`s become `{ name, message }`. Cycles are cut (`[Circular]`); an object reached twice
 * without a cycle (shared by two branches) is redacted in both places.
 */
export function redactValue(
  value: unknown,
  knownSecrets: readonly string[] = [],
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return redactText(value, knownSecrets);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  // `seen` holds the ancestors only: a cycle is cut, an object shared by two branches is redacted in both.
  seen.add(value);
  try {
    return redactObject(value, knownSecrets, seen);
  } finally {
    seen.delete(value);
  }
}

function redactObject(value: object, knownSecrets: readonly string[], seen: WeakSet<object>): unknown {
  if (value instanceof Error) return { name: value.name, message: redactText(value.message, knownSecrets) };
  if (value instanceof Date) return value.toISOString();
  if (value instanceof URL) return redactUrl(value);
  if (value instanceof Headers) return redactHeaders(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, knownSecrets, seen));
  if (value instanceof Map) return redactValue(Object.fromEntries(value), knownSecrets, seen);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && inner !== undefined && inner !== null
        ? REDACTED
        : redactValue(inner, knownSecrets, seen);
  }
  return out;
}
