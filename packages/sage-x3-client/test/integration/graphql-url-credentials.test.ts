import { TestClock } from '@mlc/core';
import { type SageX3Simulator, startSageX3Simulator } from '@mlc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, createX3Client } from '../../src/index.js';
import { capturingLogger, errorText } from './helpers.js';

// Issue 9 (redaction): a user name and password written into graphqlUrl are dropped at client creation, like the
// ones in baseUrl, so they never travel in a request URL, an error or a log line.
const PLANTED = 'Gr4phql-Url-Pl4nted-S3cret';

describe('credentials in graphqlUrl', () => {
  let sim: SageX3Simulator;
  const clock = new TestClock('2024-06-01T08:00:00Z');
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 7, size: 'tiny', clock });
  });
  afterAll(() => sim?.close());

  const withSecret = (url: string) => {
    const u = new URL(url);
    u.username = 'admin';
    u.password = PLANTED;
    return u.href;
  };

  it('are stripped with a warning; reads still authenticate through auth, and nothing shows the secret', async () => {
    const logger = capturingLogger();
    const requests: string[] = [];
    const client = createX3Client({
      baseUrl: sim.url,
      graphqlUrl: withSecret(`${sim.url}/xtrem/api`),
      endpoint: sim.endpoint,
      transport: 'graphql',
      auth: basicAuth(sim.credentials.basic),
      clock,
      logger,
      fetch: (input, init) => {
        requests.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    let n = 0;
    for await (const change of client.changes('supplier')) if (change.ok) n++;
    expect(n).toBe(sim.control.count('supplier'));
    const warning = logger.lines.find((l) =>
      l.includes('removed the user name and password from graphqlUrl'),
    );
    expect(warning).toBeDefined();
    expect(requests.length).toBeGreaterThan(0);
    expect(`${requests.join('\n')}\n${logger.lines.join('\n')}`).not.toContain(PLANTED);
    expect(requests.every((r) => !r.includes('admin@'))).toBe(true);
  });

  it('never reach an error or its causes when the GraphQL server is down', async () => {
    const logger = capturingLogger();
    const client = createX3Client({
      baseUrl: sim.url,
      graphqlUrl: `http://admin:${PLANTED}@127.0.0.1:1/xtrem/api`,
      endpoint: sim.endpoint,
      transport: 'graphql',
      auth: basicAuth(sim.credentials.basic),
      retry: { maxAttempts: 1 },
      clock,
      logger,
    });
    let error: unknown;
    try {
      for await (const _ of client.changes('supplier')) break;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(`${errorText(error)}\n${logger.lines.join('\n')}`).not.toContain(PLANTED);
    expect(logger.lines.join('\n')).toMatch(/removed the user name and password from graphqlUrl/);
  });

  it('a graphqlUrl that is not a URL is a config error that does not echo it', () => {
    expect(() =>
      createX3Client({
        baseUrl: sim.url,
        graphqlUrl: `http://admin:${PLANTED}@[bad`,
        endpoint: sim.endpoint,
        auth: basicAuth(sim.credentials.basic),
      }),
    ).toThrow(
      expect.objectContaining({ code: 'X3_CONFIG_INVALID', message: expect.not.stringContaining(PLANTED) }),
    );
  });

  // A mistyped scheme (`https//`) escapes the URL user-info rule of the redactor: the message and every rendering
  // of the error (its cause, the parser's own error, held the input whole) must still not carry the password.
  it.each([
    ['baseUrl', `https//admin:${PLANTED}@x3:8124`],
    ['baseUrl', `https://admin:${PLANTED}@x3 host:8124`],
    ['graphqlUrl', `http//admin:${PLANTED}@x3/xtrem/api`],
  ])('a %s that is not a URL (%s) names what it got, without the password', (option, value) => {
    let error: unknown;
    try {
      createX3Client({
        baseUrl: sim.url,
        endpoint: sim.endpoint,
        auth: basicAuth(sim.credentials.basic),
        [option]: value,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'X3_CONFIG_INVALID',
      message: expect.stringContaining('[REDACTED]@x3'),
    });
    expect(errorText(error)).not.toContain(PLANTED);
  });
});
