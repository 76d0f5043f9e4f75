import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadMontevideoData } from '../shared/montevideo-data';
import { FaultsValidationError, type SimulatorFaults } from './faults';
import { startSimulatorServer, type RunningSimulator } from './simulator-server';

/** The city's service at a Wednesday midday, whatever the hour the tests run at. */
const SERVICE_AT = Date.parse('2026-06-10T13:00:00-03:00');

/** Fault injection over real HTTP; the well-behaved API is covered by simulator-server.spec.ts. */

const execFileAsync = promisify(execFile);
const data = loadMontevideoData();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const STM_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-03$/;

async function postToken(sim: RunningSimulator, id = 'bus-tracker', secret = 'simulator') {
  const res = await fetch(sim.tokenUrl, {
    method: 'POST',
    headers: { ...FORM, Authorization: basic(id, secret) },
    body: 'grant_type=client_credentials',
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function newToken(sim: RunningSimulator): Promise<string> {
  const { status, body } = await postToken(sim);
  expect(status).toBe(200);
  return String(body.access_token);
}

async function get(url: string, token?: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text === '' ? undefined : JSON.parse(text) };
}

interface AdminBody {
  faults: SimulatorFaults;
  counts: Record<string, number>;
  error?: string;
  message?: string;
}

async function admin(sim: RunningSimulator, method: string, body?: string) {
  const res = await fetch(`${sim.url}/_sim/faults`, { method, body, headers: { 'Content-Type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as AdminBody };
}

/** The change in each fault count while `action` runs. */
async function countsDuring(sim: RunningSimulator, action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = sim.faultCounts();
  await action();
  const after = sim.faultCounts();
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name] - before[name]]));
}

async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What the product's parser must accept: the rest are the corruptions fault injection makes. */
function isValidVehicle(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const v = item as { busId?: unknown; timestamp?: unknown; location?: { coordinates?: number[] } | null };
  const coordinates = v.location?.coordinates;
  return (
    typeof v.busId === 'number' &&
    typeof v.timestamp === 'string' &&
    STM_TIMESTAMP.test(v.timestamp) &&
    Array.isArray(coordinates) &&
    coordinates[0] < -55 &&
    coordinates[1] < -34
  );
}

describe('startSimulatorServer fault injection', () => {
  let sim: RunningSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulatorServer({
      serviceAt: SERVICE_AT,
      seed: 5,
      clientId: 'bus-tracker',
      clientSecret: 'simulator',
      data,
    });
    token = await newToken(sim);
  });
  afterEach(() => sim.clearFaults());
  afterAll(() => sim.close());

  describe('errorRate', () => {
    it('at 1 fails every API request with a 5xx JSON body, while /token and /health work', async () => {
      sim.setFaults({ errorRate: 1 });
      const statuses: number[] = [];
      const delta = await countsDuring(sim, async () => {
        for (let i = 0; i < 12; i++) {
          const res = await get(`${sim.apiUrl}/buses?lines=G`, token);
          expect(res.body).toMatchObject({
            error: expect.stringMatching(/^(internal_error|bad_gateway|service_unavailable)$/),
          });
          statuses.push(res.status);
        }
      });
      expect(statuses.every((s) => s === 500 || s === 502 || s === 503)).toBe(true);
      expect(new Set(statuses).size).toBeGreaterThan(1);
      expect(delta.serverError).toBe(12);
      // The request log keeps what each /buses request was answered (the drill times recovery by it).
      expect(sim.busRequests().slice(-12).map((r) => r.status)).toEqual(statuses);
      expect((await postToken(sim)).status).toBe(200);
      expect((await get(`${sim.url}/health`)).status).toBe(200);
    });

    it('leaves unauthenticated requests their 401', async () => {
      sim.setFaults({ errorRate: 1 });
      expect(await get(`${sim.apiUrl}/buses?lines=G`, 'stale')).toMatchObject({
        status: 401,
        body: { error: 'invalid_token' },
      });
    });

    it('fails the same requests for the same seed', async () => {
      const statusesOf = async (seed: number) => {
        const other = await startSimulatorServer({ serviceAt: SERVICE_AT, seed, data, faults: { errorRate: 0.5 } });
        try {
          const otherToken = await newToken(other);
          const statuses: number[] = [];
          for (let i = 0; i < 16; i++) statuses.push((await get(`${other.apiUrl}/buses?lines=2`, otherToken)).status);
          return statuses;
        } finally {
          await other.close();
        }
      };
      const first = await statusesOf(21);
      expect(first).toContain(200);
      expect(first.some((s) => s >= 500)).toBe(true);
      expect(await statusesOf(21)).toEqual(first);
    });
  });

  describe('rateLimit', () => {
    it('answers exactly `burst` 429s with Retry-After, then 200 again', async () => {
      sim.setFaults({ rateLimit: { burst: 3, retryAfterSeconds: 7 } });
      const answers: { status: number; retryAfter: string | null }[] = [];
      const delta = await countsDuring(sim, async () => {
        for (let i = 0; i < 5; i++) {
          const res = await get(`${sim.apiUrl}/buses?lines=G`, token);
          answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
          if (res.status === 429) expect(res.body).toMatchObject({ error: 'too_many_requests' });
          else expect((res.body as { line: string }[]).every((b) => b.line === 'G')).toBe(true);
        }
      });
      expect(answers).toEqual([
        { status: 429, retryAfter: '7' },
        { status: 429, retryAfter: '7' },
        { status: 429, retryAfter: '7' },
        { status: 200, retryAfter: null },
        { status: 200, retryAfter: null },
      ]);
      expect(delta.rateLimited).toBe(3);
      expect(sim.faults().rateLimit).toEqual({ burst: 0, retryAfterSeconds: 7 });
    });

    it('answers random 429s at rateLimitRate with the same Retry-After', async () => {
      sim.setFaults({ rateLimitRate: 1, rateLimit: { retryAfterSeconds: 2 } });
      const res = await get(`${sim.apiUrl}/buses/linevariants`, token);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
    });
  });

  describe('tokens', () => {
    it('rejectTokens refuses even the right credentials with 401 invalid_client, until turned off', async () => {
      sim.setFaults({ rejectTokens: true });
      const delta = await countsDuring(sim, async () => {
        expect(await postToken(sim)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      });
      expect(delta.tokenRejected).toBe(1);
      // Tokens issued before keep working: only new ones are refused.
      expect((await get(`${sim.apiUrl}/buses/busstops/3102/lines`, token)).status).toBe(200);
      sim.setFaults({ rejectTokens: false });
      expect((await postToken(sim)).status).toBe(200);
    });

    it('issues short-lived tokens that stop working once they elapse', async () => {
      sim.setFaults({ tokenLifetimeSeconds: 1 });
      const issued = await postToken(sim);
      expect(issued.body.expires_in).toBe(1);
      const shortLived = String(issued.body.access_token);
      expect((await get(`${sim.apiUrl}/buses?lines=G`, shortLived)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await get(`${sim.apiUrl}/buses?lines=G`, shortLived)).toMatchObject({
        status: 401,
        body: { error: 'invalid_token' },
      });
      expect((await get(`${sim.apiUrl}/buses?lines=G`, token)).status).toBe(200);
      expect(sim.faultCounts().shortLivedToken).toBeGreaterThanOrEqual(1);
    });
  });

  describe('malformedRate', () => {
    it('corrupts about that share of /buses items, leaves the rest valid, and counts them', async () => {
      sim.setFaults({ malformedRate: 0.5 });
      let items: unknown[] = [];
      const delta = await countsDuring(sim, async () => {
        const res = await get(`${sim.apiUrl}/buses`, token);
        expect(res.status).toBe(200);
        items = res.body as unknown[];
      });
      const corrupted = items.filter((item) => !isValidVehicle(item));
      expect(items.length).toBeGreaterThan(200);
      expect(corrupted.length).toBe(delta.malformedItem);
      expect(corrupted.length / items.length).toBeGreaterThan(0.4);
      expect(corrupted.length / items.length).toBeLessThan(0.6);
      const kinds = new Set(
        corrupted.map((item) => {
          if (item === null) return 'null item';
          const v = item as Record<string, unknown>;
          if (!('busId' in v)) return 'no busId';
          if (typeof v.busId === 'string') return 'string busId';
          if (v.timestamp === 'not-a-time') return 'bad timestamp';
          if (v.location === null) return 'null location';
          return JSON.stringify((v.location as { coordinates: unknown }).coordinates);
        }),
      );
      expect(kinds).toEqual(
        new Set(['null item', 'no busId', 'string busId', 'bad timestamp', 'null location', '[0,0]']),
      );
    });

    it('leaves every item valid without it', async () => {
      const items = (await get(`${sim.apiUrl}/buses?lines=G,183`, token)).body as unknown[];
      expect(items.length).toBeGreaterThan(0);
      expect(items.every(isValidVehicle)).toBe(true);
    });
  });

  describe('emptyLists', () => {
    it('answers [] for /buses and 204 with no body for the stop catalogue', async () => {
      sim.setFaults({ emptyLists: true });
      const delta = await countsDuring(sim, async () => {
        expect(await get(`${sim.apiUrl}/buses?lines=G`, token)).toMatchObject({ status: 200, body: [] });
        expect(await get(`${sim.apiUrl}/buses/busstops`, token)).toMatchObject({ status: 204, text: '' });
      });
      expect(delta).toMatchObject({ emptyList: 1, noContent: 1 });
      const variants = await get(`${sim.apiUrl}/buses/linevariants`, token);
      expect((variants.body as unknown[]).length).toBe(data.variants.length);
    });
  });

  describe('latency', () => {
    it('delays API answers by at least latencyMs', async () => {
      sim.setFaults({ latencyMs: 250, latencyJitterMs: 20 });
      const started = performance.now();
      const res = await get(`${sim.apiUrl}/buses?lines=G`, token);
      // Timers may fire a millisecond early by the performance clock; the lower bound is what matters.
      expect(performance.now() - started).toBeGreaterThanOrEqual(248);
      expect(res.status).toBe(200);
      expect(sim.faultCounts().delayed).toBeGreaterThanOrEqual(1);
    });
  });

  describe('timeoutRate', () => {
    it('answers 504 after hangMs', async () => {
      sim.setFaults({ timeoutRate: 1, hangMs: 100 });
      expect(await get(`${sim.apiUrl}/buses?lines=G`, token)).toMatchObject({
        status: 504,
        body: { error: 'gateway_timeout' },
      });
    });

    it('at 1 outlasts a 300 ms client timeout, and close() still returns promptly', async () => {
      const hanging = await startSimulatorServer({ serviceAt: SERVICE_AT, data, faults: { timeoutRate: 1 } });
      const hangingToken = await newToken(hanging);
      const url = `${hanging.apiUrl}/buses?lines=G`;
      await expect(get(url, hangingToken, { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      expect(hanging.faultCounts().timeout).toBe(1);

      // Another one the client would wait 15 s for: closing must cut it, not wait for it.
      const pending = get(url, hangingToken).then(
        () => 'answered',
        () => 'cut',
      );
      await eventually(() => hanging.faultCounts().timeout === 2);
      const closing = performance.now();
      await hanging.close();
      expect(performance.now() - closing).toBeLessThan(1000);
      expect(await pending).toBe('cut');
    });
  });

  describe('close', () => {
    /**
     * In a child process, because what matters is whether anything keeps the process alive: a hang timer
     * left running after its client left, or after close(), would hold it for the whole hangMs.
     */
    const script = `
      const { startSimulatorServer } = require(${JSON.stringify(join(__dirname, 'simulator-server.ts'))});
      (async () => {
        const sim = await startSimulatorServer({ faults: { timeoutRate: 1, hangMs: 60000 } });
        const form = 'grant_type=client_credentials&client_id=a&client_secret=b';
        const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
        const { access_token } = await (await fetch(sim.tokenUrl, { method: 'POST', headers, body: form })).json();
        const url = sim.apiUrl + '/buses?lines=G';
        const auth = { Authorization: 'Bearer ' + access_token };
        const gaveUp = await fetch(url, { headers: auth, signal: AbortSignal.timeout(300) }).catch((e) => e.name);
        const cut = fetch(url, { headers: auth }).catch(() => 'cut');
        while (sim.faultCounts().timeout < 2) await new Promise((r) => setTimeout(r, 10));
        await sim.close();
        console.log(JSON.stringify({ gaveUp, cut: await cut }));
      })();
    `;

    it('leaves nothing running once clients give up and the server closes, even with requests hanging', async () => {
      // Loading the catalogue under ts-node takes a second or two; a leaked 60 s hang gets the child killed.
      const { stdout } = await execFileAsync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-e', script],
        {
          cwd: join(__dirname, '../..'),
          timeout: 15_000,
        },
      );
      expect(JSON.parse(stdout)).toEqual({ gaveUp: 'TimeoutError', cut: 'cut' });
    }, 30_000);
  });

  describe('setFaults', () => {
    it('throws on a bad setting and changes nothing', () => {
      sim.setFaults({ errorRate: 0.25 });
      expect(() => sim.setFaults({ errorRate: 3 })).toThrow(FaultsValidationError);
      expect(sim.faults().errorRate).toBe(0.25);
    });
  });

  describe('/_sim/faults', () => {
    it('reads, merges and clears the faults without a token', async () => {
      const initial = await admin(sim, 'GET');
      expect(initial.status).toBe(200);
      expect(initial.body.faults).toEqual(sim.faults());
      expect(initial.body.faults).toMatchObject({ errorRate: 0, emptyLists: false });
      expect(initial.body.counts).toEqual(sim.faultCounts());

      const put = await admin(sim, 'PUT', JSON.stringify({ latencyMs: 5, rateLimit: { burst: 1 } }));
      expect(put.status).toBe(200);
      expect(put.body.faults).toMatchObject({ latencyMs: 5, rateLimit: { burst: 1, retryAfterSeconds: 1 } });
      await admin(sim, 'PUT', JSON.stringify({ errorRate: 0.1 }));
      expect(sim.faults()).toMatchObject({ latencyMs: 5, errorRate: 0.1, rateLimit: { burst: 1 } });
      expect((await admin(sim, 'GET')).body.faults).toEqual(sim.faults());
      expect((await get(`${sim.apiUrl}/buses?lines=G`, token)).status).toBe(429);
      expect((await admin(sim, 'GET')).body.counts.rateLimited).toBe(sim.faultCounts().rateLimited);

      const cleared = await admin(sim, 'DELETE');
      expect(cleared.status).toBe(200);
      expect(cleared.body.faults).toEqual(initial.body.faults);
      expect(sim.faults()).toEqual(initial.body.faults);
    });

    it.each([
      ['unknown settings', JSON.stringify({ errorRate: 0.5, bogus: 1, alsoBogus: 2 }), 'bogus, alsoBogus'],
      ['a rate out of range', JSON.stringify({ malformedRate: 1.2 }), 'malformedRate must be a number from 0 to 1'],
      ['a negative latency', JSON.stringify({ latencyMs: -1 }), 'latencyMs must be a non-negative number'],
      ['not JSON', 'errorRate=1', 'JSON object'],
      ['a JSON array', '[]', 'JSON object'],
    ])('answers 400 to %s, naming the problem, and applies nothing', async (_name, body, message) => {
      const res = await admin(sim, 'PUT', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining(message) });
      expect(sim.faults().errorRate).toBe(0);
    });

    it('answers 405 to other methods', async () => {
      expect((await admin(sim, 'POST', '{}')).status).toBe(405);
    });
  });
});
