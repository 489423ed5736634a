import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type Logger, childLogger, silentLogger } from '../src/index.js';

describe('Logger', () => {
  it('is satisfied by pino as is', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger: Logger = pino({ level: 'debug' }, sink);
    childLogger(logger, { stream: 'gl' }).info({ batchId: 'b1' }, 'batch posted');
    logger.warn('plain message');
    expect(JSON.parse(lines[0]!)).toMatchObject({ stream: 'gl', batchId: 'b1', msg: 'batch posted' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ msg: 'plain message' });
  });

  it('is silent by default', () => {
    expect(() => silentLogger.error({ a: 1 }, 'x')).not.toThrow();
    expect(childLogger(silentLogger, { a: 1 })).toBe(silentLogger);
  });
});
