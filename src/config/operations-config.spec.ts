import 'reflect-metadata';
import { loadConfig } from './app-config';
import { ConfigValidationError } from './environment';
import { parseCorsOrigins, parseTrustProxy } from './operations-config';

describe('operations configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.logFormat).toBe('pretty');
    expect(config.http).toEqual({
      throttleLimit: 600,
      throttleTtlSeconds: 60,
      corsOrigins: [],
      bodyLimitKb: 64,
      trustProxy: false,
    });
    expect(config.retention).toEqual({
      completedHours: 1,
      completedCount: 1000,
      failedHours: 168,
      failedCount: 5000,
      sweepMinutes: 10,
    });
    expect(config.metrics).toEqual({ pushSeconds: 5 });
  });

  it('logs JSON in production and in tests unless LOG_FORMAT says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it('reads every setting', () => {
    const config = loadConfig({
      THROTTLE_LIMIT: '0',
      THROTTLE_TTL_SECONDS: '10',
      CORS_ORIGINS: 'https://a.example, https://b.example/',
      HTTP_BODY_LIMIT_KB: '16',
      TRUST_PROXY: 'loopback',
      RETENTION_COMPLETED_HOURS: '0.5',
      RETENTION_COMPLETED_COUNT: '10',
      RETENTION_FAILED_HOURS: '24',
      RETENTION_FAILED_COUNT: '20',
      RETENTION_SWEEP_MINUTES: '1',
      METRICS_PUSH_SECONDS: '0.5',
    });
    expect(config.http).toEqual({
      throttleLimit: 0,
      throttleTtlSeconds: 10,
      corsOrigins: ['https://a.example', 'https://b.example'],
      bodyLimitKb: 16,
      trustProxy: 'loopback',
    });
    expect(config.retention).toEqual({
      completedHours: 0.5,
      completedCount: 10,
      failedHours: 24,
      failedCount: 20,
      sweepMinutes: 1,
    });
    expect(config.metrics.pushSeconds).toBe(0.5);
  });

  it.each<[string, string, RegExp]>([
    ['THROTTLE_LIMIT', '-1', /THROTTLE_LIMIT must not be less than 0/],
    ['THROTTLE_LIMIT', 'many', /THROTTLE_LIMIT must be an integer/],
    ['CORS_ORIGINS', 'example.com', /CORS_ORIGINS must be \*/],
    ['CORS_ORIGINS', 'https://a.example/path', /CORS_ORIGINS must be \*/],
    ['LOG_FORMAT', 'xml', /LOG_FORMAT must be one of/],
    ['RETENTION_COMPLETED_COUNT', '1.5', /RETENTION_COMPLETED_COUNT must be an integer/],
    ['METRICS_PUSH_SECONDS', '0', /METRICS_PUSH_SECONDS must not be less than 0.1/],
    ['TRUST_PROXY', 'a;b', /TRUST_PROXY must be/],
  ])('rejects %s=%s naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});

describe('parseTrustProxy', () => {
  it.each<[string | undefined, boolean | number | string]>([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['1', 1],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, loopback', '10.0.0.0/8, loopback'],
  ])('%j → %j', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });
});

describe('parseCorsOrigins', () => {
  it('splits, trims and drops trailing slashes; nothing set means none', () => {
    expect(parseCorsOrigins(' https://a.example/ ,https://b.example')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(parseCorsOrigins('*')).toEqual(['*']);
    expect(parseCorsOrigins(undefined)).toEqual([]);
  });
});
