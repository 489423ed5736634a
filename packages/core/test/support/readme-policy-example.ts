import { randomUUID } from 'node:crypto';
import { type PipelinePolicy, createHttpClient } from '../../src/index.js';

/** Tags every call with one correlation id (the same on each retry) and logs it through the redacting logger. */
export const correlationPolicy = (newId: () => string = randomUUID): PipelinePolicy => ({
  name: 'correlationPolicy',
  async sendRequest(request, next) {
    const id = newId();
    request.headers.set('x-correlation-id', id);
    request.logger.debug({ correlationId: id, url: String(request.url) }, 'http call');
    return next(request);
  },
});

export const http = createHttpClient({
  baseUrl: 'https://x3.example.com:8124/api1/x3/erp/SEED/',
  policies: [{ policy: correlationPolicy(), position: 'perCall' }],
});
