import { createServer, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { loadMontevideoData } from '../shared/montevideo-data';
import { startSimulatorServer, type RunningSimulator } from './simulator-server';
import busesSample from '../../test/fixtures/stm-api-samples/buses-line-21.json';
import upcomingSample from '../../test/fixtures/stm-api-samples/upcomingbuses.json';

/** The city's service at a Wednesday midday, whatever the hour the tests run at. */
const SERVICE_AT = Date.parse('2026-06-10T13:00:00-03:00');

const CLIENT = { id: 'bus-tracker', secret: 's3cret:with colon' };
const data = loadMontevideoData();

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http rather than fetch where the test must see the bytes on the wire (fetch un-gzips silently). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

async function postToken(sim: RunningSimulator, headers: Record<string, string>, body: string) {
  const res = await fetch(sim.tokenUrl, { method: 'POST', headers: { ...FORM, ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

describe('startSimulatorServer', () => {
  let sim: RunningSimulator;
  let token: string;
  const api = async (path: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(sim.apiUrl + path, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    sim = await startSimulatorServer({
      serviceAt: SERVICE_AT,
      port: 0,
      seed: 3,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      data,
    });
    const issued = await postToken(
      sim,
      { Authorization: basic(CLIENT.id, CLIENT.secret) },
      'grant_type=client_credentials',
    );
    token = String(issued.body.access_token);
  });
  afterAll(() => sim.close());

  describe('POST /token', () => {
    it('issues a Bearer token for client credentials sent as HTTP Basic', async () => {
      const res = await postToken(
        sim,
        { Authorization: basic(CLIENT.id, CLIENT.secret) },
        'grant_type=client_credentials',
      );
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
      expect(typeof res.body.access_token === 'string' && res.body.access_token.length >= 20).toBe(true);
      expect(res.body.access_token).not.toBe(token);
    });

    it('accepts the credentials as form fields too', async () => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      });
      const res = await postToken(sim, {}, form.toString());
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
    });

    it('rejects a wrong secret with 401 invalid_client', async () => {
      const res = await postToken(sim, { Authorization: basic(CLIENT.id, 'nope') }, 'grant_type=client_credentials');
      expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    });

    it('rejects another grant type with 400 unsupported_grant_type', async () => {
      const res = await postToken(sim, { Authorization: basic(CLIENT.id, CLIENT.secret) }, 'grant_type=password');
      expect(res).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    });

    it('accepts any credentials when none are configured', async () => {
      const open = await startSimulatorServer({ serviceAt: SERVICE_AT, data });
      try {
        const res = await postToken(
          open,
          { Authorization: basic('anyone', 'anything') },
          'grant_type=client_credentials',
        );
        expect(res.status).toBe(200);
        expect(typeof res.body.access_token).toBe('string');
      } finally {
        await open.close();
      }
    });
  });

  describe('authorization', () => {
    it.each([
      ['no token', undefined],
      ['an unknown token', 'Bearer not-a-token'],
      ['client credentials instead of a token', basic(CLIENT.id, CLIENT.secret)],
    ])('answers 401 with a JSON body to a request with %s', async (_name, authorization) => {
      const res = await fetch(`${sim.apiUrl}/buses?lines=G`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    });

    it('stops accepting tokens once they expire', async () => {
      const other = await startSimulatorServer({ serviceAt: SERVICE_AT, data });
      try {
        const issued = await postToken(other, { Authorization: basic('a', 'b') }, 'grant_type=client_credentials');
        const headers = { Authorization: `Bearer ${String(issued.body.access_token)}` };
        expect((await fetch(`${other.apiUrl}/buses?lines=G`, { headers })).status).toBe(200);
        other.expireTokens();
        expect((await fetch(`${other.apiUrl}/buses?lines=G`, { headers })).status).toBe(401);
      } finally {
        await other.close();
      }
    });
  });

  describe('GET /buses', () => {
    it('serves the buses of the asked lines in the real API item shape', async () => {
      const { status, body } = await api('/buses?lines=g,%20183');
      expect(status).toBe(200);
      const items = body as Record<string, unknown>[];
      expect(items.length).toBeGreaterThan(0);
      expect(new Set(items.map((i) => i.line))).toEqual(new Set(['G', '183']));
      const sample = busesSample[0] as Record<string, unknown>;
      for (const item of items) {
        expect(Object.keys(item)).toEqual(Object.keys(sample));
        expect(Object.keys(item).map((k) => typeOf(item[k]))).toEqual(
          Object.keys(sample).map((k) => typeOf(sample[k])),
        );
        expect(item.location).toEqual({ type: 'Point', coordinates: [expect.any(Number), expect.any(Number)] });
      }
    });

    it('filters by lineVariantIds', async () => {
      const { body } = await api('/buses?lineVariantIds=69,8389');
      const variants = new Set((body as { lineVariantId: number }[]).map((i) => i.lineVariantId));
      expect(variants).toEqual(new Set([69, 8389]));
    });

    it('answers every bus of the city without parameters, and [] for a line the city does not have', async () => {
      const all = (await api('/buses')).body as { line: string }[];
      // A weekday midday: nearly every one of the 146 lines has buses out (a few run only at the peaks).
      expect(new Set(all.map((i) => i.line)).size).toBeGreaterThan(130);
      expect(all.length).toBeGreaterThan(1000);
      expect(await api('/buses?lines=ZZ9')).toEqual({ status: 200, body: [] });
    });

    it('rejects a non-numeric variant id with 400', async () => {
      const res = await api('/buses?lineVariantIds=69,abc');
      expect(res.status).toBe(400);
      expect((res.body as { message: string }).message).toContain('lineVariantIds');
    });

    it('gzips the body when the client accepts gzip', async () => {
      const res = await raw(`${sim.apiUrl}/buses?lines=G`, {
        headers: { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip, deflate' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const items = JSON.parse(gunzipSync(res.body).toString('utf8')) as { line: string }[];
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((i) => i.line === 'G')).toBe(true);

      const plain = await raw(`${sim.apiUrl}/buses?lines=G`, { headers: { Authorization: `Bearer ${token}` } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect((JSON.parse(plain.body.toString('utf8')) as unknown[]).length).toBe(items.length);
    });
  });

  describe('bus stops and variants', () => {
    it('serves the whole stop catalogue and the variants as shipped', async () => {
      const stops = (await api('/buses/busstops')).body as unknown[];
      expect(stops).toHaveLength(4910);
      expect(stops[0]).toEqual(data.stops[0]);
      const variants = (await api('/buses/linevariants')).body as unknown[];
      expect(variants).toHaveLength(2120);
      expect(variants).toEqual(data.variants);
    });

    it('lists the lines of a stop on a simulated route', async () => {
      expect(await api('/buses/busstops/3102/lines')).toEqual({
        status: 200,
        body: [
          { lineId: 485, line: '2' },
          { lineId: 62, line: '144' },
          { lineId: 443, line: '145' },
        ],
      });
    });

    it('answers 404 for an unknown stop and 400 for a malformed id', async () => {
      const unknown = await api('/buses/busstops/999999/lines');
      expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await api('/buses/busstops/abc/lines')).status).toBe(400);
    });

    it('serves upcoming buses in the real API shape, at most N per line', async () => {
      const { status, body } = await api('/buses/busstops/3102/upcomingbuses?lines=2,144&amountperline=2');
      expect(status).toBe(200);
      const items = body as Record<string, unknown>[];
      expect(items.length).toBeGreaterThan(0);
      expect(items.filter((i) => i.line === '2').length).toBeLessThanOrEqual(2);
      expect(items.filter((i) => i.line === '144').length).toBeLessThanOrEqual(2);
      expect(items.every((i) => i.line === '2' || i.line === '144')).toBe(true);
      const sample = upcomingSample[0] as Record<string, unknown>;
      for (const item of items) {
        expect(Object.keys(item)).toEqual(Object.keys(sample));
        expect(Object.keys(item).map((k) => typeOf(item[k]))).toEqual(
          Object.keys(sample).map((k) => typeOf(sample[k])),
        );
      }
      expect((await api('/buses/busstops/3102/upcomingbuses?amountperline=0')).status).toBe(400);
    });
  });

  describe('GET /_sim/arrivals', () => {
    const AT = Date.UTC(2025, 10, 15, 16, 14, 7, 250);
    const HOUR = 3_600_000;
    const arrivals = async (query: string) => {
      const res = await fetch(`${sim.url}/_sim/arrivals?${query}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it('answers the ground truth with ISO UTC times, without a token', async () => {
      const from = new Date(AT - 2 * HOUR).toISOString();
      const { status, body } = await arrivals(`stopId=3102&from=${from}&to=${AT}`);
      expect(status).toBe(200);
      expect(Object.keys(body)).toEqual(['arrivals']);
      const items = body.arrivals as Record<string, unknown>[];
      const truth = sim.simulator.arrivals({ stopId: 3102, from: AT - 2 * HOUR, to: AT });
      expect(truth.length).toBeGreaterThan(5);
      expect(items).toEqual(
        truth.map((a) => ({
          ...a,
          arrivedAt: new Date(a.arrivedAt).toISOString(),
          departedAt: new Date(a.departedAt).toISOString(),
        })),
      );
      expect(Object.keys(items[0])).toEqual([
        'busId',
        'company',
        'line',
        'lineVariantId',
        'stopId',
        'stopIndex',
        'arrivedAt',
        'departedAt',
      ]);
      expect(items.every((i) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(String(i.arrivedAt)))).toBe(true);
    });

    it('reads local ISO times with an offset, filters by lines, and defaults to the last hour', async () => {
      const local = (ms: number): string => new Date(ms - 3 * HOUR).toISOString().replace('Z', '-03:00');
      const { body } = await arrivals(`stopId=3102&lines=144,%202&from=${local(AT - HOUR)}&to=${local(AT)}`);
      const items = body.arrivals as { line: string; arrivedAt: string }[];
      const truth = sim.simulator.arrivals({ stopId: 3102, lines: ['144', '2'], from: AT - HOUR, to: AT });
      expect(items.map((i) => Date.parse(i.arrivedAt))).toEqual(truth.map((a) => a.arrivedAt));
      expect(items.every((i) => i.line === '2' || i.line === '144')).toBe(true);

      const before = Date.now();
      const recent = (await arrivals('stopId=3102')).body.arrivals as { arrivedAt: string }[];
      expect(recent.length).toBeGreaterThan(0);
      for (const { arrivedAt } of recent) {
        expect(Date.parse(arrivedAt)).toBeGreaterThanOrEqual(before - HOUR - 1_000);
        expect(Date.parse(arrivedAt)).toBeLessThanOrEqual(Date.now());
      }
    });

    it.each([
      ['from after to', `stopId=3102&from=${AT}&to=${AT - 1}`, 'from'],
      ['a window over 24 h', `stopId=3102&from=${AT - 25 * HOUR}&to=${AT}`, '24 h'],
      ['an unreadable time', 'stopId=3102&from=yesterday', 'from'],
      ['a time without an offset', 'stopId=3102&to=2025-11-15T13:14:07', 'to'],
      ['a malformed stop id', 'stopId=abc', 'stopId'],
    ])('answers 400 with statusCode, error and message for %s', async (_name, query, mentions) => {
      const { status, body } = await arrivals(query);
      expect(status).toBe(400);
      expect(body).toEqual({ statusCode: 400, error: 'bad_request', message: expect.stringContaining(mentions) });
    });

    it('answers 404 for a stop that does not exist, and 405 to anything but GET', async () => {
      const missing = await arrivals('stopId=999999');
      expect(missing).toMatchObject({ status: 404, body: { statusCode: 404, error: 'not_found' } });
      const post = await fetch(`${sim.url}/_sim/arrivals?stopId=3102`, { method: 'POST' });
      expect(post.status).toBe(405);
    });
  });

  describe('other routes', () => {
    it('reports health without a token', async () => {
      const res = await fetch(`${sim.url}/health`);
      expect(await res.json()).toEqual({ status: 'ok', simulator: true, seed: 3, timeScale: 1, simulatedLines: 146 });
    });

    it('answers 404 JSON for an unknown route', async () => {
      expect(await api('/nowhere')).toMatchObject({ status: 404, body: { error: 'not_found' } });
      const outside = await fetch(`${sim.url}/elsewhere`);
      expect(outside.status).toBe(404);
      expect(await outside.json()).toMatchObject({ error: 'not_found' });
    });

    it('counts requests per path, ignoring the query', async () => {
      const path = '/api/transportepublico/buses/busstops/3102/lines';
      const before = sim.requestCount(path);
      const total = sim.requestCount();
      await api('/buses/busstops/3102/lines?x=1');
      await api('/buses/busstops/3102/lines');
      expect(sim.requestCount(path)).toBe(before + 2);
      expect(sim.requestCount()).toBe(total + 2);
      expect(sim.requestCount('/never-asked')).toBe(0);
    });
  });

  describe('close', () => {
    it('frees the port', async () => {
      const temporary = await startSimulatorServer({ serviceAt: SERVICE_AT, data });
      // A keep-alive connection must not hold the server open.
      expect((await fetch(`${temporary.url}/health`)).status).toBe(200);
      await temporary.close();
      await expect(fetch(`${temporary.url}/health`)).rejects.toThrow();
      const reuse = createServer();
      await new Promise<void>((resolve, reject) => {
        reuse.once('error', reject);
        reuse.listen(temporary.port, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) => reuse.close(() => resolve()));
    });
  });
});
