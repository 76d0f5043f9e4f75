import 'reflect-metadata';
import { isAbsolute, resolve } from 'node:path';
import { AppConfig, loadConfig, parseDatabaseUrl, REAL_STM_API_URL, REAL_STM_TOKEN_URL } from './app-config';
import { ConfigValidationError } from './environment';

/** Runs loadConfig and returns the ConfigValidationError it throws (fails the test if it does not throw). */
function configError(env: Record<string, string>): ConfigValidationError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return error as ConfigValidationError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(Object.keys(env))}`);
}

/** The defaults SPEC §4.4 and the README document. */
const DEFAULTS = {
  nodeEnv: 'development',
  port: 3000,
  database: { type: 'sqlite', path: resolve('data/bus-tracker.sqlite') },
  redisUrl: 'redis://127.0.0.1:6379',
  stm: {
    simulated: true,
    credentialsIn: 'basic',
    apiUrl: 'http://127.0.0.1:3001/api/transportepublico',
    tokenUrl: 'http://127.0.0.1:3001/token',
    maxRps: 50,
    timeoutMs: 10_000,
  },
  tracking: { intervalSeconds: 15, idleMinutes: 5, maxMinutes: 120, maxActive: 100_000, maxActivePerClient: 20 },
  logLevel: 'log',
  simulator: { port: 3001 },
};

const ALL_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'DATABASE_URL',
  'REDIS_URL',
  'QUEUE_PREFIX',
  'STM_CLIENT_ID',
  'STM_CLIENT_SECRET',
  'STM_API_URL',
  'STM_TOKEN_URL',
  'STM_CREDENTIALS_IN',
  'STM_MAX_RPS',
  'STM_TIMEOUT_MS',
  'TRACKING_INTERVAL_SECONDS',
  'TRACKING_IDLE_MINUTES',
  'TRACKING_MAX_MINUTES',
  'MAX_ACTIVE_TRACKINGS',
  'MAX_ACTIVE_TRACKINGS_PER_CLIENT',
  'WORKER_CONCURRENCY',
  'ADMIN_TOKEN',
  'LOG_LEVEL',
  'SIMULATOR_PORT',
  'SIMULATOR_EMBEDDED',
];

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment (simulator mode)', () => {
    const config = loadConfig({});
    expect(config).toBeInstanceOf(AppConfig);
    expect(config).toMatchObject(DEFAULTS);
    expect(config.adminToken).toBeUndefined();
  });

  it('resolves the default SQLite file to an absolute path under the working directory', () => {
    const { database } = loadConfig({});
    expect(database.type).toBe('sqlite');
    const path = (database as { path: string }).path;
    expect(isAbsolute(path)).toBe(true);
    expect(path).toBe(resolve(process.cwd(), 'data', 'bus-tracker.sqlite'));
  });

  it.each([
    ['empty strings', ''],
    ['blank strings', '   '],
  ])('treats %s as "use the default"', (_name, blank) => {
    const env = Object.fromEntries(ALL_VARIABLES.map((k) => [k, blank]));
    const config = loadConfig(env);
    expect(config).toMatchObject(DEFAULTS);
    expect(config).toEqual(loadConfig({}));
  });

  it('reads numbers, trimming spaces, and keeps fractions where they are allowed', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: ' 8080 ',
      TRACKING_INTERVAL_SECONDS: '0.5',
      TRACKING_IDLE_MINUTES: '0.25',
      TRACKING_MAX_MINUTES: '1.5',
      MAX_ACTIVE_TRACKINGS: '20',
      MAX_ACTIVE_TRACKINGS_PER_CLIENT: '0',
      WORKER_CONCURRENCY: '2',
      STM_MAX_RPS: '2.5',
      STM_TIMEOUT_MS: '500',
      SIMULATOR_PORT: '4001',
      LOG_LEVEL: 'debug',
      QUEUE_PREFIX: 'bench_1',
    });
    expect(config.nodeEnv).toBe('test');
    expect(config.port).toBe(8080);
    expect(config.tracking).toMatchObject({
      intervalSeconds: 0.5,
      idleMinutes: 0.25,
      maxMinutes: 1.5,
      maxActive: 20,
      maxActivePerClient: 0,
    });
    expect(config.worker.concurrency).toBe(2);
    expect(config.stm.maxRps).toBe(2.5);
    expect(config.stm.timeoutMs).toBe(500);
    expect(config.simulator.port).toBe(4001);
    expect(config.stm.apiUrl).toBe('http://127.0.0.1:4001/api/transportepublico');
    expect(config.stm.tokenUrl).toBe('http://127.0.0.1:4001/token');
    expect(config.logLevel).toBe('debug');
    expect(config.queuePrefix).toBe('bench_1');
  });

  it.each<[string, string, RegExp]>([
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '80.5', /PORT must be an integer/],
    ['PORT', '70000', /PORT must not be greater than 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be sqlite:<file path> or postgres:/],
    ['REDIS_URL', 'http://x', /REDIS_URL must look like redis:\/\//],
    ['MAX_ACTIVE_TRACKINGS_PER_CLIENT', '-1', /MAX_ACTIVE_TRACKINGS_PER_CLIENT must not be less than 0/],
    ['MAX_ACTIVE_TRACKINGS_PER_CLIENT', '1.5', /MAX_ACTIVE_TRACKINGS_PER_CLIENT must be an integer/],
    ['TRACKING_INTERVAL_SECONDS', 'abc', /TRACKING_INTERVAL_SECONDS must be a number/],
    ['TRACKING_INTERVAL_SECONDS', '0', /TRACKING_INTERVAL_SECONDS must not be less than 0.05/],
    ['TRACKING_IDLE_MINUTES', '-1', /TRACKING_IDLE_MINUTES must not be less than/],
    ['MAX_ACTIVE_TRACKINGS', '-5', /MAX_ACTIVE_TRACKINGS must not be less than 0/],
    ['WORKER_CONCURRENCY', 'four', /WORKER_CONCURRENCY must be an integer/],
    ['STM_API_URL', 'api.montevideo.gub.uy', /STM_API_URL must be a URL/],
    ['STM_MAX_RPS', '0', /STM_MAX_RPS must not be less than 0.1/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['NODE_ENV', 'staging', /NODE_ENV must be one of/],
    ['QUEUE_PREFIX', 'a:b', /QUEUE_PREFIX may only hold/],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe('ConfigValidationError');
    expect(error.message).toMatch(message);
    expect(error.problems.length).toBeGreaterThanOrEqual(1);
    for (const problem of error.problems) expect(problem.startsWith(name)).toBe(true);
  });

  it('shows the offending value of a non-secret variable, to help fix it', () => {
    expect(configError({ PORT: 'abc' }).message).toContain('"abc"');
  });

  it('lists every bad variable at once', () => {
    const error = configError({ PORT: 'abc', REDIS_URL: 'http://x', MAX_ACTIVE_TRACKINGS: '-1' });
    const named = new Set(error.problems.map((p) => p.split(' ')[0]));
    expect(named).toEqual(new Set(['PORT', 'REDIS_URL', 'MAX_ACTIVE_TRACKINGS']));
  });

  it('draws the map without tiles by default, and with an https tile template and its credit when set', () => {
    expect(loadConfig({}).map.tiles).toBeNull();
    const url = 'https://tiles.example.org/{z}/{x}/{y}.png?key=abc';
    expect(loadConfig({ MAP_TILE_URL: url, MAP_TILE_ATTRIBUTION: '© Example' }).map.tiles).toEqual({
      url,
      attribution: '© Example',
    });
  });

  it.each([
    ['http://tiles.example.org/{z}/{x}/{y}.png', /MAP_TILE_URL must be an https URL template/],
    ['https://tiles.example.org/tile.png', /MAP_TILE_URL must be an https URL template with \{z\}/],
  ])('rejects MAP_TILE_URL=%s', (value, message) => {
    expect(configError({ MAP_TILE_URL: value, MAP_TILE_ATTRIBUTION: 'x' }).message).toMatch(message);
  });

  it('rejects tiles without their credit, and a credit holding markup', () => {
    expect(configError({ MAP_TILE_URL: 'https://t.example.org/{z}/{x}/{y}.png' }).message).toMatch(
      /MAP_TILE_ATTRIBUTION must be set with MAP_TILE_URL/,
    );
    expect(configError({ MAP_TILE_ATTRIBUTION: '<script>' }).message).toMatch(
      /MAP_TILE_ATTRIBUTION must be plain text/,
    );
  });

  it('rejects STM_CLIENT_ID without STM_CLIENT_SECRET', () => {
    const error = configError({ STM_CLIENT_ID: 'my-client' });
    expect(error.message).toMatch(/STM_CLIENT_ID and STM_CLIENT_SECRET must be set together/);
  });

  it('rejects STM_CLIENT_SECRET without STM_CLIENT_ID, without echoing the secret', () => {
    const error = configError({ STM_CLIENT_SECRET: 'very-secret-value-123' });
    expect(error.message).toMatch(/STM_CLIENT_ID and STM_CLIENT_SECRET/);
    expect(error.message).not.toContain('very-secret-value-123');
  });

  it('uses the real STM API with both credentials set', () => {
    const config = loadConfig({ STM_CLIENT_ID: 'my-client', STM_CLIENT_SECRET: 'my-secret' });
    expect(config.stm).toMatchObject({
      simulated: false,
      clientId: 'my-client',
      clientSecret: 'my-secret',
      apiUrl: REAL_STM_API_URL,
      tokenUrl: REAL_STM_TOKEN_URL,
      // The city's quota is respected by default; the simulator gets more.
      maxRps: 5,
    });
    expect(REAL_STM_API_URL).toBe('https://api.montevideo.gub.uy/api/transportepublico');
    expect(REAL_STM_TOKEN_URL).toBe('https://mvdapi-auth.montevideo.gub.uy/token');
  });

  it('lets STM_API_URL and STM_TOKEN_URL override the URLs, dropping trailing slashes of the API URL', () => {
    const config = loadConfig({
      STM_CLIENT_ID: 'id',
      STM_CLIENT_SECRET: 'secret',
      STM_API_URL: 'http://localhost:9000/api/transportepublico//',
      STM_TOKEN_URL: 'http://localhost:9000/token',
      STM_CREDENTIALS_IN: 'form',
    });
    expect(config.stm.apiUrl).toBe('http://localhost:9000/api/transportepublico');
    expect(config.stm.tokenUrl).toBe('http://localhost:9000/token');
    expect(config.stm.credentialsIn).toBe('form');
  });

  it.each<[string, string, string]>([
    ['ADMIN_TOKEN', 'short-secret', 'ADMIN_TOKEN must be at least 16 characters long'],
    ['ADMIN_TOKEN', 'abc123', 'ADMIN_TOKEN'],
    ['DATABASE_URL', 'mysql://root:hunter2@db/bus', 'DATABASE_URL'],
    ['REDIS_URL', 'http://:p4ssw0rd@cache:6379', 'REDIS_URL'],
  ])('never echoes the value of a bad %s (case %#)', (name, value, mentioned) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(mentioned);
    expect(error.message).not.toContain(value);
    expect(error.problems.join('\n')).not.toContain(value);
  });

  it("takes 16 characters as the ADMIN_TOKEN minimum: 'short-secret-xyz' passes, one less does not", () => {
    expect('short-secret-xyz').toHaveLength(16);
    expect(loadConfig({ ADMIN_TOKEN: 'short-secret-xyz' }).adminToken).toBe('short-secret-xyz');
    const error = configError({ ADMIN_TOKEN: 'short-secret-xy' });
    expect(error.message).toContain('ADMIN_TOKEN must be at least 16 characters long');
    expect(error.message).not.toContain('short-secret-xy');
  });

  it('keeps an ADMIN_TOKEN of 16 characters or more', () => {
    expect(loadConfig({ ADMIN_TOKEN: 'a-long-enough-token' }).adminToken).toBe('a-long-enough-token');
  });

  it.each([
    ['postgres://bus:pass@db:5432/bus_tracker'],
    ['postgresql://bus:pass@db.example.com:6543/bus_tracker?sslmode=require'],
  ])('parses %s as a PostgreSQL database', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ type: 'postgres', url, poolSize: 10 });
  });
});

describe('parseDatabaseUrl', () => {
  it.each<[string, string]>([
    ['sqlite:data/bus-tracker.sqlite', resolve('data/bus-tracker.sqlite')],
    ['sqlite:./tmp/test.sqlite', resolve('tmp/test.sqlite')],
    ['sqlite:/var/lib/bus-tracker/db.sqlite', '/var/lib/bus-tracker/db.sqlite'],
    ['sqlite:///var/lib/bus-tracker/db.sqlite', '/var/lib/bus-tracker/db.sqlite'],
    ['sqlite::memory:', ':memory:'],
  ])('reads %s as the SQLite file %s', (url, path) => {
    expect(parseDatabaseUrl(url)).toEqual({ type: 'sqlite', path });
  });

  it('keeps a postgres URL whole', () => {
    expect(parseDatabaseUrl('postgres://u:p@h:5432/d')).toEqual({
      type: 'postgres',
      url: 'postgres://u:p@h:5432/d',
      poolSize: 10,
    });
  });
});
