import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpPipeline } from '../src/http/http-pipeline.js';
import { resolveHttpClientOptions } from '../src/http/resolve-http-client-options.js';
import {
  type HttpClientOptions,
  type Logger,
  type PipelinePolicy,
  TestClock,
  createHttpClient,
} from '../src/index.js';
import { correlationPolicy } from './support/readme-policy-example.js';

const TOKEN = 'tok-3f9a1c77e2';

/** An in-memory fetch: answers from `statuses` in turn (then 200) and records what each send carried. */
function fakeFetch(statuses: number[] = []) {
  const sent: Array<Record<string, string>> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    sent.push(Object.fromEntries(request.headers));
    return new Response('{}', { status: statuses[sent.length - 1] ?? 200 });
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

/** A logger that keeps every call's fields and message. */
function recordingLogger() {
  const lines: Array<{ fields: unknown; message: unknown }> = [];
  const log = (fields: unknown, message?: unknown) => lines.push({ fields, message });
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { logger, lines };
}

const auth = { getHeaders: async () => ({ authorization: `Bearer ${TOKEN}` }) };

/** A policy that records the headers of each request it sees (outside any logger: the raw request). */
function spyPolicy(name: string) {
  const seen: Array<Record<string, string>> = [];
  const policy: PipelinePolicy = {
    name,
    sendRequest(request, next) {
      seen.push(Object.fromEntries(request.headers));
      return next(request);
    },
  };
  return { policy, seen };
}

describe('HTTP pipeline', () => {
  it('composes the named policies in the documented order, user policies at their positions', () => {
    const options: HttpClientOptions = {
      baseUrl: 'https://example.test/api/',
      policies: [
        { policy: spyPolicy('mine-per-retry').policy, position: 'perRetry' },
        { policy: spyPolicy('mine-per-call-1').policy, position: 'perCall' },
        { policy: spyPolicy('mine-per-call-2').policy, position: 'perCall' },
      ],
    };
    const names = httpPipeline(options, resolveHttpClientOptions(options)).map((policy) => policy.name);
    expect(names).toEqual([
      'userAgentPolicy',
      'mine-per-call-1',
      'mine-per-call-2',
      'sameOriginRedirectPolicy',
      'retryPolicy',
      'statusErrorPolicy',
      'throttlePolicy',
      'authPolicy',
      'mine-per-retry',
      'beforeSendPolicy',
      'loggingPolicy',
    ]);
  });

  it('runs a perCall policy once per call without credentials, a perRetry policy on every attempt with them', async () => {
    const { fetch, sent } = fakeFetch([503, 503]);
    const perCall = spyPolicy('per-call');
    const perRetry = spyPolicy('per-retry');
    const clock = new TestClock(0);
    const client = createHttpClient({
      baseUrl: 'https://example.test/api/',
      fetch,
      clock,
      auth,
      random: () => 0,
      userAgent: 'mlc-test/1.0.0',
      policies: [
        { policy: perCall.policy, position: 'perCall' },
        { policy: perRetry.policy, position: 'perRetry' },
      ],
    });
    const response = await clock.run(client.request({ path: 'items' }));
    expect(response.attempts).toBe(3);
    expect(sent).toHaveLength(3);
    expect(perCall.seen).toHaveLength(1);
    expect(perCall.seen[0]).not.toHaveProperty('authorization');
    expect(perCall.seen[0]?.['user-agent']).toMatch(/^mlc-test\/1\.0\.0 node\//);
    expect(perRetry.seen).toHaveLength(3);
    for (const headers of perRetry.seen) expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('lets a user policy add a header and log the request, with the auth header redacted in what it logs', async () => {
    const { fetch, sent } = fakeFetch();
    const { logger, lines } = recordingLogger();
    const tagging: PipelinePolicy = {
      name: 'tagging',
      async sendRequest(request, next) {
        request.headers.set('x-tag', 'blue');
        request.logger.info({ headers: Object.fromEntries(request.headers) }, 'outgoing');
        return next(request);
      },
    };
    const client = createHttpClient({
      baseUrl: 'https://example.test/api/',
      fetch,
      logger,
      auth,
      policies: [{ policy: tagging, position: 'perRetry' }],
    });
    await client.request({ path: 'items' });
    expect(sent[0]?.['x-tag']).toBe('blue');
    expect(sent[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    const outgoing = lines.find((line) => line.message === 'outgoing');
    expect(outgoing?.fields).toMatchObject({ headers: { 'x-tag': 'blue', authorization: '[REDACTED]' } });
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it("ends the request with a user policy's error: nothing sent, not retried", async () => {
    const { fetch, sent } = fakeFetch();
    const boom = new Error('policy refused');
    let calls = 0;
    const refusing: PipelinePolicy = {
      name: 'refusing',
      async sendRequest() {
        calls += 1;
        throw boom;
      },
    };
    const client = createHttpClient({
      baseUrl: 'https://example.test/api/',
      fetch,
      auth,
      policies: [{ policy: refusing, position: 'perRetry' }],
    });
    await expect(client.request({ path: 'items' })).rejects.toBe(boom);
    expect(calls).toBe(1);
    expect(sent).toHaveLength(0);
  });

  it('the README example: one correlation id per call, kept on every retry', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./support/readme-policy-example.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.replace("'../../src/index.js'", "'@mlc/core'"));
    const { fetch, sent } = fakeFetch([503]);
    const clock = new TestClock(0);
    const client = createHttpClient({
      baseUrl: 'https://example.test/api/',
      fetch,
      clock,
      random: () => 0,
      policies: [{ policy: correlationPolicy(() => 'call-1'), position: 'perCall' }],
    });
    await clock.run(client.request({ path: 'items' }));
    expect(sent.map((headers) => headers['x-correlation-id'])).toEqual(['call-1', 'call-1']);
  });
});
