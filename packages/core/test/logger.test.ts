import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  type Logger,
  MlcError,
  childLogger,
  createStderrLogger,
  defaultLogger,
  resolveLogLevel,
  silentLogger,
} from '../src/index.js';

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

describe('createStderrLogger (the default logger)', () => {
  const capture = (options: Parameters<typeof createStderrLogger>[0] = {}) => {
    const lines: string[] = [];
    const logger = createStderrLogger({ ...options, write: (line) => lines.push(line) });
    return { logger, lines };
  };

  it('writes warnings and errors by default, not info or debug', () => {
    const { logger, lines } = capture({ level: resolveLogLevel(undefined, {}) });
    logger.debug('d');
    logger.info({ a: 1 }, 'i');
    logger.warn({ stream: 'orders' }, 'stream run failed');
    logger.error('boom');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN stream run failed \{"stream":"orders"\}\n$/);
    expect(lines[1]).toMatch(/ ERROR boom\n$/);
  });

  it('takes its level from the option, else MLC_LOG_LEVEL, else warn; silence is a choice', () => {
    expect(resolveLogLevel('debug', { MLC_LOG_LEVEL: 'error' })).toBe('debug');
    expect(resolveLogLevel(undefined, { MLC_LOG_LEVEL: ' INFO ' })).toBe('info');
    expect(resolveLogLevel(undefined, { MLC_LOG_LEVEL: 'loud' })).toBe('warn');
    expect(resolveLogLevel(undefined, {})).toBe('warn');
    const { logger, lines } = capture({ level: 'silent' });
    logger.error('nothing');
    expect(lines).toEqual([]);
    const verbose = capture({ level: 'debug' });
    verbose.logger.debug('d');
    expect(verbose.lines).toHaveLength(1);
  });

  it('redacts messages, fields and error causes, and keeps child bindings', () => {
    const { logger, lines } = capture({ level: 'info' });
    const err = new MlcError({
      message: 'token refused: client_secret=planted-s3cret',
      code: 'AUTH_FAILED',
      kind: 'auth',
      cause: new Error('Authorization: Bearer planted.jwt.value'),
    });
    childLogger(logger, { stream: 'gl' }).error(
      { err, password: 'planted-pw', url: 'https://u:planted-pw2@host/x' },
      'failed with password=planted-pw3',
    );
    const line = lines[0] as string;
    for (const secret of [
      'planted-s3cret',
      'planted.jwt.value',
      'planted-pw',
      'planted-pw2',
      'planted-pw3',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line.slice(line.indexOf('{')))).toMatchObject({
      stream: 'gl',
      err: { code: 'AUTH_FAILED', kind: 'auth' },
    });
  });

  it('defaultLogger writes to the logger the host passed, through redaction', () => {
    const seen: unknown[] = [];
    const host = { ...silentLogger, warn: (...args: unknown[]) => void seen.push(args) };
    defaultLogger(host).warn({ url: 'https://u:Pl4nted-pw@h/' }, 'careful');
    expect(seen).toEqual([[{ url: 'https://[REDACTED]@h/' }, 'careful']]);
    expect(defaultLogger(undefined, 'silent')).not.toBe(silentLogger);
  });
});
