import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/http/configure-app';
import { OpenApiContract } from './support/openapi-contract';
import { SseClient } from './support/sse-client';
import { sleep, startSystem, TestSystem } from './support/system';

const ADMIN = 'contract-admin-token-0123456789';
const UNKNOWN = '0b9e2f7c-3d1a-4c2e-9a4b-1f2e3d4c5b6a';
const THROTTLE_LIMIT = 60;

/**
 * A rider's and an operator's session, every answer checked against the OpenAPI document the app
 * serves (/docs-json): status, content type and body. Any answer it does not describe fails the test,
 * with the list of what did not match.
 */
describe('the OpenAPI document describes every answer of a real session', () => {
  let sys: TestSystem;
  let contract: OpenApiContract;
  const violations: string[] = [];

  type Method = 'get' | 'post' | 'put' | 'delete' | 'patch' | 'options';
  interface Call {
    body?: string | object;
    headers?: Record<string, string>;
    on?: INestApplication;
  }

  /** One request through supertest; its answer is held against the document. */
  async function call(method: Method, url: string, { body, headers = {}, on }: Call = {}): Promise<request.Response> {
    let req = request((on ?? sys.web).getHttpServer())[method](url);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    if (typeof body === 'string') req = req.set('content-type', 'application/json').send(body);
    else if (body) req = req.send(body);
    const res = await req;
    const exchange = { method: method.toUpperCase(), url, status: res.status, headers: res.headers, text: res.text };
    for (const problem of contract.problems(exchange))
      violations.push(`${exchange.method} ${url} → ${res.status}: ${problem}`);
    return res;
  }

  beforeAll(async () => {
    sys = await startSystem({
      env: {
        ADMIN_TOKEN: ADMIN,
        MAX_ACTIVE_TRACKINGS: '2',
        THROTTLE_LIMIT: String(THROTTLE_LIMIT),
        THROTTLE_TTL_SECONDS: '60',
      },
    });
    contract = new OpenApiContract((await sys.http().get('/docs-json').expect(200)).body);
  });
  afterAll(async () => {
    await sys?.close();
  });
  // Each test reports its own answers.
  beforeEach(() => violations.splice(0));

  it('the checker refuses what the document does not describe (it can fail)', () => {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    const stop = JSON.stringify({
      id: 3227,
      street1: 'A',
      street2: null,
      latitude: -34.8,
      longitude: -56.1,
      lines: [],
    });
    expect(
      contract.problems({ method: 'GET', url: '/api/stops/3227', status: 200, headers: json, text: stop }),
    ).toEqual([]);
    const cases: [string, Parameters<OpenApiContract['problems']>[0], RegExp][] = [
      [
        'an undocumented status',
        { method: 'GET', url: '/health', status: 429, headers: json, text: '{}' },
        /status 429/,
      ],
      [
        'a wrong content type',
        { method: 'GET', url: '/metrics', status: 200, headers: json, text: '"x"' },
        /content type/,
      ],
      [
        'a float where an integer is documented',
        { method: 'GET', url: '/api/stops/3227', status: 200, headers: json, text: stop.replace('3227', '3227.5') },
        /integer/,
      ],
      [
        'a field the document does not list',
        { method: 'GET', url: '/api/stops/3227', status: 200, headers: json, text: stop.replace('{', '{"extra":1,') },
        /additional properties: "extra"/,
      ],
      [
        'a date that is not date-time',
        {
          method: 'GET',
          url: `/api/trackings/${UNKNOWN}/buses`,
          status: 200,
          headers: json,
          text: JSON.stringify({
            trackingId: UNKNOWN,
            status: 'active',
            stopId: 1,
            lastSuccessAt: null,
            generatedAt: 'now',
            buses: [],
          }),
        },
        /format "date-time"/,
      ],
      [
        'an unknown operation',
        { method: 'PATCH', url: '/api/lines', status: 200, headers: json, text: '[]' },
        /no operation/,
      ],
      [
        'a 405 without Allow',
        {
          method: 'PATCH',
          url: '/api/lines',
          status: 405,
          headers: json,
          text: '{"statusCode":405,"error":"x","message":"y"}',
        },
        /Allow/,
      ],
    ];
    for (const [what, exchange, problem] of cases) {
      expect({ what, problems: contract.problems(exchange).join('; ') }).toEqual({
        what,
        problems: expect.stringMatching(problem),
      });
    }
  });

  it('a rider finds a stop, starts, follows and stops a tracking', async () => {
    expect((await call('get', '/api/stops?q=octubre%20batlle')).status).toBe(200);
    expect((await call('get', '/api/stops?near=-34.8791,-56.1476&radius=300&limit=5')).body[0].id).toBe(3227);
    const stop = await call('get', '/api/stops/3227');
    expect(stop.status).toBe(200);
    // The document's examples are ones the simulator serves: stop 3227, lines 103 and 109, variant 8128.
    const variants = (stop.body.lines as { line: string; variants: { id: number }[] }[])
      .filter((l) => ['103', '109'].includes(l.line))
      .flatMap((l) => l.variants.map((v) => v.id));
    expect(variants).toContain(8128);
    expect((await call('get', '/api/lines')).status).toBe(200);
    expect((await call('get', '/api/lines/variants/8128/stops')).body.routeKnown).toBe(true);

    const key = { 'Idempotency-Key': 'contract-session-0001' };
    const started = await call('post', '/api/trackings', {
      body: { stopId: 3227, lines: ['103', '109'] },
      headers: key,
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    expect(started.headers.location).toBe(`/api/trackings/${id}`);
    // A retry of the same start (same key) gets the first answer again.
    const retried = await call('post', '/api/trackings', {
      body: { stopId: 3227, lines: ['109', '103'] },
      headers: key,
    });
    expect({ status: retried.status, id: retried.body.id, replayed: retried.headers['idempotent-replayed'] }).toEqual({
      status: 202,
      id,
      replayed: 'true',
    });

    // Live buses, as the worker computes them from the simulator's.
    // Polled gently: the route's rate limit (THROTTLE_LIMIT a minute) is for the last test to hit.
    for (let i = 0; i < 30 && !(await call('get', `/api/trackings/${id}/buses`)).body.buses?.length; i++)
      await sleep(500);
    expect((await call('get', `/api/trackings/${id}/buses`)).body.buses.length).toBeGreaterThan(0);
    expect((await call('get', `/api/trackings/${id}/buses?includePassed=true`)).status).toBe(200);
    expect((await call('get', `/api/trackings/${id}`)).body.runs).toBeGreaterThan(0);
    const operator = { authorization: `Bearer ${ADMIN}` };
    expect((await call('get', '/api/trackings?status=active&limit=10', { headers: operator })).status).toBe(200);

    const live = await SseClient.open(urlOf(sys.web, `/api/trackings/${id}/events`));
    try {
      expect(live.status).toBe(200);
      expect(live.headers['content-type']).toMatch(/^text\/event-stream/);
      const event = await live.next('buses');
      expect(contract.validate('openapi#/components/schemas/TrackingBusesResponse', event.data)).toEqual([]);
    } finally {
      live.close();
    }

    const stopped = await call('post', `/api/trackings/${id}/stop`);
    expect(stopped.body.status).toBe('stopped');
    expect((await call('get', `/api/trackings/${id}`)).body.endedAt).toEqual(expect.any(String));
    expect(violations).toEqual([]);
  });

  it('refusals are the documented ones, with JSON bodies', async () => {
    const cases: [Method, string, Call, number][] = [
      ['get', '/api/stops/0', {}, 400],
      ['get', '/api/stops/abc', {}, 400],
      ['get', '/api/stops/99999999999', {}, 400],
      ['get', '/api/stops/999999', {}, 404],
      ['get', '/api/stops?limit=0', {}, 400],
      ['get', `/api/stops?q=${'x'.repeat(101)}`, {}, 400],
      ['get', '/api/stops?near=north', {}, 400],
      ['get', '/api/stops?q=99999999999', {}, 400],
      ['get', '/api/stops?q=a%00b', {}, 400],
      ['get', '/api/lines/variants/0/stops', {}, 400],
      ['get', '/api/lines/variants/2147483647/stops', {}, 404],
      ['get', '/api/trackings/42', {}, 400],
      ['get', `/api/trackings/${UNKNOWN}`, {}, 404],
      ['get', `/api/trackings/${UNKNOWN}/buses`, {}, 404],
      ['get', `/api/trackings/${UNKNOWN}/buses?includePassed=maybe`, {}, 400],
      ['post', `/api/trackings/${UNKNOWN}/stop`, {}, 404],
      ['get', '/api/trackings?status=sleeping', { headers: { authorization: `Bearer ${ADMIN}` } }, 400],
      ['get', '/api/trackings?status=active', {}, 401],
      ['post', '/api/trackings', { body: { stopId: 999999, lines: ['103'] } }, 404],
      ['post', '/api/trackings', { body: { stopId: 3227, lines: [] } }, 400],
      ['post', '/api/trackings', { body: { stopId: 3227, lines: ['103'], variantIds: [2 ** 31] } }, 400],
      ['post', '/api/trackings', { body: { stopId: 3227, lines: ['NOPE1'] } }, 400],
      ['post', '/api/trackings', { body: { stopId: 3227, lines: ['103'], line: '103' } }, 400],
      ['post', '/api/trackings', { body: '{"stopId": 3227,' }, 400],
      ['post', '/api/trackings', { body: { stopId: 3227, lines: ['103'], padding: 'x'.repeat(70 * 1024) } }, 413],
      ['get', '/api/queue/jobs?state=lost', {}, 400],
      ['get', '/api/queue/jobs/a%24b', {}, 400],
      ['get', '/api/queue/jobs/tick:nope:1', {}, 404],
      ['delete', '/api/stops/3227', {}, 405],
      ['put', `/api/trackings/${UNKNOWN}`, {}, 405],
      ['get', '/api/trackings/nope/stop', {}, 405],
    ];
    const seen: [string, number][] = [];
    for (const [method, url, options] of cases) {
      const res = await call(method, url, options);
      seen.push([`${method} ${url.slice(0, 60)}`, res.status]);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ statusCode: res.status, error: expect.any(String), message: expect.any(String) });
    }
    expect(seen).toEqual(cases.map(([method, url, , status]) => [`${method} ${url.slice(0, 60)}`, status]));
    expect(violations).toEqual([]);
  });

  it('answers 405 with Allow for a method a known path does not take, and OPTIONS with 204', async () => {
    const res = await call('delete', '/api/stops');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.body).toEqual({
      statusCode: 405,
      error: 'Method Not Allowed',
      message: 'DELETE is not allowed on /api/stops; use GET or HEAD',
    });
    expect((await call('put', `/api/trackings/${UNKNOWN}/stop`)).headers.allow).toBe('OPTIONS, POST');
    const options = await request(sys.web.getHttpServer()).options('/api/trackings');
    expect({ status: options.status, allow: options.headers.allow }).toEqual({
      status: 204,
      allow: 'GET, HEAD, OPTIONS, POST',
    });
    // A path no route knows stays a 404.
    expect((await request(sys.web.getHttpServer()).delete('/api/nothing-here')).status).toBe(404);
    expect(violations).toEqual([]);
  });

  it('the live stream answers its 400 and 404 as JSON, and 204 for an ended tracking', async () => {
    for (const [id, status] of [
      ['42', 400],
      [UNKNOWN, 404],
    ] as const) {
      const client = await SseClient.open(urlOf(sys.web, `/api/trackings/${id}/events`));
      await client.closed;
      expect({ status: client.status, type: client.headers['content-type'] }).toEqual({
        status,
        type: expect.stringMatching(/^application\/json/),
      });
      const exchange = {
        method: 'GET',
        url: `/api/trackings/${id}/events`,
        status,
        headers: client.headers,
        text: client.body,
      };
      expect(contract.problems(exchange)).toEqual([]);
    }
    // An ended tracking's stream: 204 without a body, as documented (EventSource clients stop there).
    const ended = (await call('post', '/api/trackings', { body: { stopId: 3227, lines: ['103'] } })).body.id as string;
    await call('post', `/api/trackings/${ended}/stop`);
    const client = await SseClient.open(urlOf(sys.web, `/api/trackings/${ended}/events`));
    await client.closed;
    expect({ status: client.status, body: client.body }).toEqual({ status: 204, body: '' });
    const exchange = {
      method: 'GET',
      url: `/api/trackings/${ended}/events`,
      status: 204,
      headers: client.headers,
      text: '',
    };
    expect(contract.problems(exchange)).toEqual([]);
  });

  it('an operator reads the queue and, with the token, changes it; without it, is refused', async () => {
    const auth = { Authorization: `Bearer ${ADMIN}` };
    const overview = await call('get', '/api/queue');
    expect(overview.body.workers.length).toBeGreaterThan(0);
    const completed = await call('get', '/api/queue/jobs?state=completed&limit=5');
    expect(completed.body.length).toBeGreaterThan(0);
    expect((await call('get', `/api/queue/jobs/${encodeURIComponent(completed.body[0].id)}`)).status).toBe(200);
    expect(
      (await call('post', `/api/queue/jobs/${encodeURIComponent(completed.body[0].id)}/retry`, { headers: auth }))
        .status,
    ).toBe(409);
    expect((await call('post', '/api/queue/jobs/tick:nope:1/retry', { headers: auth })).status).toBe(404);
    expect((await call('delete', '/api/queue/jobs/tick:nope:1', { headers: auth })).status).toBe(404);
    expect((await call('post', '/api/queue/pause', { headers: auth })).body).toEqual({ paused: true });
    expect((await call('post', '/api/queue/resume', { headers: auth })).body).toEqual({ paused: false });
    const cleaned = await call('post', '/api/queue/clean', {
      headers: auth,
      body: { state: 'completed', olderThan: '1h' },
    });
    expect(cleaned.status).toBe(200);
    expect(
      (await call('post', '/api/queue/clean', { headers: auth, body: { state: 'completed', olderThan: 'soon' } }))
        .status,
    ).toBe(400);

    expect((await call('post', '/api/queue/pause')).status).toBe(401);
    const wrong = await call('post', '/api/queue/pause', { headers: { Authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
    let closed: INestApplication | undefined;
    try {
      closed = await NestFactory.create(AppModule.register({ ...sys.env, ADMIN_TOKEN: '' }), {
        logger: ['error'],
        abortOnError: false,
      });
      configureApp(closed);
      await closed.init();
      expect((await call('post', '/api/queue/resume', { headers: auth, on: closed })).status).toBe(403);
    } finally {
      await closed?.close();
    }
    expect(violations).toEqual([]);
  });

  it('health, readiness, metrics and the live accuracy are as documented', async () => {
    expect((await call('get', '/health')).status).toBe(200);
    const accuracy = await call('get', '/api/accuracy');
    expect(accuracy.status).toBe(200);
    expect(accuracy.body.today.buckets).toHaveLength(4);
    expect((await call('get', '/health/ready')).status).toBe(200);
    const metrics = await call('get', '/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(violations).toEqual([]);
  });

  it('the caps answer their documented 429s: MAX_ACTIVE_TRACKINGS, then the rate limit', async () => {
    expect((await call('post', '/api/trackings', { body: { stopId: 3227, lines: ['103'] } })).status).toBe(202);
    expect((await call('post', '/api/trackings', { body: { stopId: 3227, lines: ['109'] } })).status).toBe(202);
    const cap = await call('post', '/api/trackings', { body: { stopId: 3227, lines: ['110'] } });
    expect({ status: cap.status, message: cap.body.message }).toEqual({
      status: 429,
      message: expect.stringMatching(/maximum of 2 trackings at once/),
    });
    let throttled: request.Response | undefined;
    for (let i = 0; i <= THROTTLE_LIMIT && !throttled; i++) {
      const res = await call('get', `/api/trackings/${UNKNOWN}`);
      if (res.status === 429) throttled = res;
    }
    expect(throttled?.body.message).toMatch(/Too many requests from your address/);
    expect(Number(throttled?.headers['retry-after'])).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });
});

function urlOf(app: INestApplication, path: string): string {
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}${path}`;
}
