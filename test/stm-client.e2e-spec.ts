import { HttpService } from '@nestjs/axios';
import { randomBytes } from 'node:crypto';
import { StmRateLimiter } from '../src/buses/stm/stm-rate-limiter';
import { StmTokenProvider } from '../src/buses/stm/stm-token.provider';
import { StmClient } from '../src/buses/stm/stm.client';
import { UpstreamGate } from '../src/buses/stm/upstream-gate';
import { StmCredentialsError } from '../src/buses/stm/stm.errors';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { RedisConnection } from '../src/shared/redis.provider';
import { RunningSimulator, startSimulatorServer } from '../src/simulator/simulator-server';
import { clearQueuePrefix, requireRedis, TEST_REDIS_URL } from './support/services';
import { SERVICE_AT } from './support/system';

/** The STM client against the simulator over real HTTP, and its limiter over real Redis. */
describe('StmClient against the simulator', () => {
  let sim: RunningSimulator;
  const prefix = `bt-test-${randomBytes(4).toString('hex')}`;
  const connections: RedisConnection[] = [];
  const prefixes = new Set([prefix]);

  function client(env: Record<string, string> = {}): { stm: StmClient; config: AppConfig } {
    const config = loadConfig({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      STM_API_URL: sim.apiUrl,
      STM_TOKEN_URL: sim.tokenUrl,
      STM_MAX_RPS: '1000',
      ...env,
    });
    prefixes.add(config.queuePrefix);
    const http = new HttpService();
    const redis = new RedisConnection(config);
    connections.push(redis);
    const limiter = new StmRateLimiter(redis, config);
    const gate = new UpstreamGate(redis, config);
    const tokens = new StmTokenProvider(http, config, redis, limiter, gate);
    return { stm: new StmClient(http, tokens, limiter, gate, config), config };
  }

  beforeAll(async () => {
    await requireRedis();
    sim = await startSimulatorServer({
      port: 0,
      seed: 3,
      clientId: 'bus-tracker',
      clientSecret: 'simulator',
      serviceAt: SERVICE_AT,
    });
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.onApplicationShutdown()));
    for (const p of prefixes) await clearQueuePrefix(p);
    await sim?.close();
  });

  describe('getBuses', () => {
    it('returns the live buses of the lines, parsed, with timestamps normalised', async () => {
      const { stm } = client();
      const { items, skipped } = await stm.getBuses(['103', '109']);
      expect(skipped).toBe(0);
      expect(items.length).toBeGreaterThan(5);
      expect(new Set(items.map((b) => b.line))).toEqual(new Set(['103', '109']));
      // The "-03" timestamps read as the right instant: fixes are 1-15 s old, a device that dropped out a
      // couple of minutes at most (an off-by-hours zone error would be far outside either).
      const ages = items.map((b) => Date.now() - b.fixAt.getTime());
      expect(ages.filter((age) => age >= 0 && age < 20_000).length).toBeGreaterThanOrEqual(items.length * 0.8);
      for (const b of items) {
        expect(b.fixAt).toBeInstanceOf(Date);
        expect(Math.abs(b.fixAt.getTime() - Date.now())).toBeLessThan(200_000);
        expect(b.latitude).toBeGreaterThan(-35.1);
        expect(b.latitude).toBeLessThan(-34.6);
        expect(b.longitude).toBeGreaterThan(-56.5);
        expect(b.longitude).toBeLessThan(-55.9);
      }
    });

    it('passes variant ids upstream when asked', async () => {
      const { stm } = client();
      const all = await stm.getBuses(['103']);
      const variant = all.items[0].variantId;
      const some = await stm.getBuses(['103'], [variant]);
      expect(some.items.length).toBeGreaterThan(0);
      expect(some.items.every((b) => b.variantId === variant)).toBe(true);
    });

    it('answers an empty list for a line with no bus out', async () => {
      const { stm } = client();
      // Line 104 runs no trip between 22:30 and 04:30: at 03:30 the feed has none of its buses.
      const night = await startSimulatorServer({ seed: 3, serviceAt: Date.parse('2026-06-10T03:30:00-03:00') });
      try {
        const quiet = client({ STM_API_URL: night.apiUrl, STM_TOKEN_URL: night.tokenUrl }).stm;
        expect((await quiet.getBuses(['104'])).items).toEqual([]);
        expect((await stm.getBuses(['104'])).items.length).toBeGreaterThan(0);
      } finally {
        await night.close();
      }
    });
  });

  describe('tokens', () => {
    it('shares one token between clients of one installation, and a 401 leads to one refresh for all', async () => {
      const own = { QUEUE_PREFIX: `${prefix}-shared` };
      const [a, b] = [client(own).stm, client(own).stm];
      const before = sim.requestCount('/token');
      await a.getBuses(['103']);
      await b.getBuses(['109']);
      await Promise.all([a.getBuses(['110']), b.getBuses(['112']), a.getLineVariants()]);
      expect(sim.requestCount('/token') - before).toBe(1);

      sim.expireTokens();
      const answers = await Promise.all([a, b, a, b].map((c, i) => c.getBuses([['103', '109', '110', '112'][i]])));
      expect(answers.every((r) => r.items.length > 0)).toBe(true);
      expect(sim.requestCount('/token') - before).toBe(2);
    });

    it('raises a credentials error, without the secret, when the credentials are refused', async () => {
      // An installation of its own: the token of the others' (shared in Redis) is not for it.
      const { stm } = client({
        QUEUE_PREFIX: `${prefix}-refused`,
        STM_CLIENT_ID: 'someone-else',
        STM_CLIENT_SECRET: 'not-the-secret-123',
      });
      const error = await stm.getBuses(['103']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StmCredentialsError);
      expect((error as Error).message).toBe('STM token endpoint rejected the client credentials (HTTP 401)');
      expect(JSON.stringify(error)).not.toContain('not-the-secret-123');
    });

    it('sends the credentials as form fields when STM_CREDENTIALS_IN=form', async () => {
      const { stm } = client({ QUEUE_PREFIX: `${prefix}-form`, STM_CREDENTIALS_IN: 'form' });
      const before = sim.requestCount('/token');
      expect((await stm.getBuses(['103'])).items.length).toBeGreaterThan(0);
      expect(sim.requestCount('/token') - before).toBe(1);
    });
  });

  describe('catalogue endpoints', () => {
    it('reads the stop catalogue, the lines of a stop and the variants', async () => {
      const { stm } = client();
      const stops = await stm.getBusStops();
      expect(stops.items).toHaveLength(4910);
      expect(stops.items.find((s) => s.id === 3227)).toMatchObject({ street1: 'AV 8 DE OCTUBRE' });
      const lines = await stm.getStopLines(3227);
      expect(lines.items.map((l) => l.line)).toEqual(expect.arrayContaining(['103', '109']));
      const variants = await stm.getLineVariants();
      expect(variants.items).toHaveLength(2120);
      const upcoming = await stm.getUpcomingBuses(3227, ['103'], 2);
      expect(upcoming.items.length).toBeGreaterThan(0);
      expect(upcoming.items.every((u) => u.line === '103' && u.etaSeconds >= 0)).toBe(true);
    });
  });

  describe('rate limit (STM_MAX_RPS) shared by two processes', () => {
    it('never lets more than the limit through in one second, across both limiters', async () => {
      // Two limiters on two Redis connections of their own, as two worker processes would have.
      const limiters = [client({ STM_MAX_RPS: '5' }), client({ STM_MAX_RPS: '5' })].map(
        ({ config }) => new StmRateLimiter(connections[connections.push(new RedisConnection(config)) - 1], config),
      );
      const granted: number[] = [];
      await Promise.all(
        Array.from({ length: 14 }, (_, i) => limiters[i % 2].acquire().then(() => granted.push(Date.now()))),
      );
      const perSecond = new Map<number, number>();
      for (const t of granted) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
      expect(granted).toHaveLength(14);
      expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(5);
      expect(perSecond.size).toBeGreaterThanOrEqual(3); // 14 requests at 5/s need at least 3 windows
    });
  });
});
