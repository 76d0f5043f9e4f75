import 'reflect-metadata';
import { ConfigValidationError, EnvironmentVariables, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('returns typed values: numbers as numbers, text trimmed', () => {
    const env = validateEnvironment({
      PORT: '8080',
      TRACKING_INTERVAL_SECONDS: '0.5',
      MAX_ACTIVE_TRACKINGS: '8',
      REDIS_URL: ' redis://cache:6379/2 ',
    });
    expect(env).toBeInstanceOf(EnvironmentVariables);
    expect(env.PORT).toBe(8080);
    expect(env.TRACKING_INTERVAL_SECONDS).toBe(0.5);
    expect(env.MAX_ACTIVE_TRACKINGS).toBe(8);
    expect(env.REDIS_URL).toBe('redis://cache:6379/2');
  });

  it('leaves unset and blank variables undefined, so defaults apply', () => {
    const env = validateEnvironment({ PORT: '', REDIS_URL: '   ', MAX_ACTIVE_TRACKINGS: undefined });
    expect(env.PORT).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.MAX_ACTIVE_TRACKINGS).toBeUndefined();
  });

  it('ignores variables it does not know (the rest of process.env)', () => {
    expect(() => validateEnvironment({ PATH: '/usr/bin', HOME: '/root', npm_config_cache: 'x' })).not.toThrow();
  });

  it.each([['rediss://secure-cache:6380'], ['redis://:password@cache:6379/0']])('accepts REDIS_URL %s', (url) => {
    expect(validateEnvironment({ REDIS_URL: url }).REDIS_URL).toBe(url);
  });

  it('throws a ConfigValidationError listing each problem on its own line', () => {
    let caught: unknown;
    try {
      validateEnvironment({ PORT: 'abc', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const error = caught as ConfigValidationError;
    expect(error.message.startsWith('Invalid configuration:\n  - ')).toBe(true);
    expect(error.message.split('\n  - ').slice(1)).toEqual(error.problems);
    expect(error.problems.some((p) => p.startsWith('PORT '))).toBe(true);
    expect(error.problems.some((p) => p.startsWith('DATABASE_URL '))).toBe(true);
  });
});

describe('ConfigValidationError', () => {
  it('keeps the problems and names itself', () => {
    const error = new ConfigValidationError([
      'PORT must be an integer number',
      'REDIS_URL must look like redis://host:port[/db]',
    ]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigValidationError');
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      'Invalid configuration:\n  - PORT must be an integer number\n  - REDIS_URL must look like redis://host:port[/db]',
    );
  });
});
