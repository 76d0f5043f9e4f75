import 'reflect-metadata';
import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/app-config';
import { pinoLevel, rootLoggerOptions } from './pino-options';

/** A logger with the product's options writing JSON lines into an array. */
function capture(env: Record<string, string>): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const options = rootLoggerOptions(loadConfig({ NODE_ENV: 'production', ...env }), 'worker');
  const logger = pino(options, stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const SECRETS = { ADMIN_TOKEN: 'admin-token-0123456789', STM_CLIENT_ID: 'me', STM_CLIENT_SECRET: 'stm-secret-value-1' };

describe('pinoLevel', () => {
  it.each<[string, string]>([
    ['fatal', 'fatal'],
    ['error', 'error'],
    ['warn', 'warn'],
    ['log', 'info'],
    ['info', 'info'],
    ['debug', 'debug'],
    ['verbose', 'trace'],
  ])('LOG_LEVEL=%s is pino level %s', (level, expected) => {
    expect(pinoLevel(level)).toBe(expected);
  });
});

describe('rootLoggerOptions', () => {
  it('writes JSON lines with the level name, the process role and an ISO time in production', () => {
    const { logger, lines } = capture({});
    logger.info({ context: 'BusesService' }, 'Tick 3 of tracking x');
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'info',
      process: 'worker',
      context: 'BusesService',
      msg: 'Tick 3 of tracking x',
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('honours LOG_LEVEL: debug lines only when asked for', () => {
    const quiet = capture({ LOG_LEVEL: 'log' });
    quiet.logger.debug('hidden');
    quiet.logger.info('shown');
    expect(quiet.lines().map((l) => l.msg)).toEqual(['shown']);
    const verbose = capture({ LOG_LEVEL: 'verbose' });
    verbose.logger.trace('detail');
    expect(verbose.lines().map((l) => l.msg)).toEqual(['detail']);
  });

  it('never writes a configured secret, wherever it appears', () => {
    const { logger, lines } = capture(SECRETS);
    logger.warn(`token endpoint refused stm-secret-value-1 for me`);
    logger.error({ err: new Error('Basic ' + Buffer.from('me:stm-secret-value-1').toString('base64')) }, 'failed');
    logger.info({ detail: { header: 'Bearer admin-token-0123456789' } }, 'admin call');
    const text = JSON.stringify(lines());
    expect(lines()).toHaveLength(3);
    for (const secret of [
      'stm-secret-value-1',
      'admin-token-0123456789',
      Buffer.from('me:stm-secret-value-1').toString('base64'),
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('hides a secret that JSON escapes (a quote, a backslash) in messages, objects and error stacks', () => {
    const secret = 'se"cr\\et-with-quote';
    const { logger, lines } = capture({ ...SECRETS, STM_CLIENT_SECRET: secret });
    logger.warn(`refused ${secret}`);
    logger.error({ err: new Error(`token ${secret} refused`), detail: { form: `client_secret=${secret}` } }, 'failed');
    const raw = lines()
      .map((l) => JSON.stringify(l))
      .join('\n');
    expect(lines()).toHaveLength(2);
    expect(raw).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(lines().map((l) => l.msg)).toEqual(['refused [redacted]', 'failed']);
    expect(JSON.stringify(lines()[1])).toContain('token [redacted] refused');
  });

  it('cuts credential headers and fields out of logged objects', () => {
    const { logger, lines } = capture({});
    logger.info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'bt_admin=1.2' }, query: { token: 'abc' } },
        config: { auth: { username: 'u', password: 'p' }, headers: { Authorization: 'Basic dTpw' } },
        credentials: { clientSecret: 'x', password: 'y' },
      },
      'request',
    );
    type Logged = {
      req: { headers: Record<string, string>; query: Record<string, string> };
      config: { auth: unknown; headers: Record<string, string> };
      credentials: unknown;
    };
    const [line] = lines() as unknown as Logged[];
    expect(line.req.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(line.req.query.token).toBe('[redacted]');
    expect(line.config.auth).toBe('[redacted]');
    expect(line.config.headers.Authorization).toBe('[redacted]');
    expect(line.credentials).toEqual({ clientSecret: '[redacted]', password: '[redacted]' });
  });

  it('asks for readable lines in development, JSON elsewhere', () => {
    expect(rootLoggerOptions(loadConfig({}), 'web').transport).toMatchObject({ target: 'pino-pretty' });
    expect(rootLoggerOptions(loadConfig({ NODE_ENV: 'production' }), 'web').transport).toBeUndefined();
    expect(
      rootLoggerOptions(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }), 'web').transport,
    ).toBeDefined();
    expect(rootLoggerOptions(loadConfig({ LOG_FORMAT: 'json' }), 'web').transport).toBeUndefined();
  });
});
