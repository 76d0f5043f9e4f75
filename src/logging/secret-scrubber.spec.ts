import 'reflect-metadata';
import { loadConfig } from '../config/app-config';
import { knownSecrets, REDACTED, redactUrl, secretScrubber } from './secret-scrubber';

describe('redactUrl', () => {
  it.each<[string, string]>([
    ['/admin/queues?token=abc123', `/admin/queues?token=${REDACTED}`],
    ['/admin/queues?x=1&token=abc&y=2', `/admin/queues?x=1&token=${REDACTED}&y=2`],
    ['/x?access_token=t0k&client_secret=s3c', `/x?access_token=${REDACTED}&client_secret=${REDACTED}`],
    ['/api/trackings?status=active', '/api/trackings?status=active'],
    ['/api/tokens?tokenish=1', '/api/tokens?tokenish=1'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('knownSecrets', () => {
  const env = {
    ADMIN_TOKEN: 'admin-token-0123456789',
    STM_CLIENT_ID: 'my-client',
    STM_CLIENT_SECRET: 'p@ss word/secret',
    DATABASE_URL: 'postgres://bus:db-password-42@db:5432/bus',
    REDIS_URL: 'redis://:redis-password-7@cache:6379',
  };

  it('lists every spelling of every secret of the configuration', () => {
    const secrets = knownSecrets(loadConfig(env));
    expect(secrets).toEqual(
      expect.arrayContaining([
        'admin-token-0123456789',
        'p@ss word/secret',
        encodeURIComponent('p@ss word/secret'),
        Buffer.from('my-client:p@ss word/secret').toString('base64'),
        'db-password-42',
        'redis-password-7',
      ]),
    );
  });

  it('leaves out the simulator’s built-in credentials and short values that are likely ordinary words', () => {
    const secrets = knownSecrets(loadConfig({ DATABASE_URL: 'postgres://postgres:pg@db/x' }));
    expect(secrets).toEqual([]);
  });

  it('orders longer secrets first, so a secret containing another is hidden whole', () => {
    const secrets = knownSecrets(loadConfig(env));
    expect([...secrets].sort((a, b) => b.length - a.length)).toEqual(secrets);
  });
});

describe('secretScrubber', () => {
  const scrub = secretScrubber(['very-secret-value', 'another-secret']);

  it('replaces every occurrence of each secret', () => {
    expect(scrub('a very-secret-value and very-secret-value, another-secret!')).toBe(
      `a ${REDACTED} and ${REDACTED}, ${REDACTED}!`,
    );
  });

  it('leaves text without secrets as it is', () => {
    expect(scrub('Tick 3 of tracking x: 4 bus(es)')).toBe('Tick 3 of tracking x: 4 bus(es)');
  });

  it('ignores secrets too short to hide safely', () => {
    expect(secretScrubber(['pg'])('postgres')).toBe('postgres');
  });
});
