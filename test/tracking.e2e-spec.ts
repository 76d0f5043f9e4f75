import { In } from 'typeorm';
import { LinePoll } from '../src/buses/entities/line-poll.entity';
import { LineStateStore } from '../src/buses/line-state.store';
import { tickJobId } from '../src/queue/queue.constants';
import { RedisConnection } from '../src/shared/redis.provider';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { eventually, sleep, startSystem, TestSystem } from './support/system';

const ADMIN_TOKEN = 'tracking-list-admin-token-0123';

/** Stop 3227 (Av 8 de Octubre y Bv Batlle y Ordóñez) is on the known routes of lines 103, 109, 110… */
const STOP = 3227;
const LINES = ['103', '109'];

describe('tracking a stop end to end (web + worker + simulator)', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    // Every request here comes from one address: the per-client cap is tested on its own (api.e2e-spec).
    sys = await startSystem({ timeScale: 40, env: { MAX_ACTIVE_TRACKINGS_PER_CLIENT: '0', ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await sys?.close();
  });

  const pendingTicks = async (line: string): Promise<string[]> => {
    const jobs = await sys.queue.getJobs(['waiting', 'delayed', 'active', 'paused']);
    return jobs.filter((j) => j?.data.line === line).map((j) => String(j.id));
  };

  it('starts a tracking (202 + Location), and buses appear with distance, speed and ETA', async () => {
    const res = await sys
      .http()
      .post('/api/trackings')
      .send({ stopId: STOP, lines: [' 109', '103', '109'] })
      .expect(202);
    expect(res.body).toMatchObject({
      stopId: STOP,
      lines: ['103', '109'],
      variantIds: [],
      status: 'active',
      created: true,
    });
    expect(res.headers.location).toBe(`/api/trackings/${res.body.id}`);
    const id = res.body.id as string;

    const dashboard = await eventually(async () => {
      const r = await sys.http().get(`/api/trackings/${id}/buses`).expect(200);
      // A bus's history is its line's, so one may show up already standing at a stop (speed 0): wait for one
      // on the move.
      const moving = r.body.buses.filter(
        (b: { etaSeconds: number | null; speedKmh: number | null }) => b.etaSeconds !== null && b.speedKmh! > 0,
      );
      return moving.length > 0 ? r.body : undefined;
    }, 'a moving bus with an ETA');

    expect(dashboard).toMatchObject({ trackingId: id, status: 'active', stopId: STOP });
    const buses = dashboard.buses as Record<string, unknown>[];
    const distances = buses.map((b) => b.distanceMeters as number);
    expect(distances).toEqual([...distances].sort((a, b) => a - b)); // nearest first
    for (const bus of buses) {
      expect(LINES).toContain(bus.line);
      expect(bus.passed).toBe(false);
      expect(typeof bus.company).toBe('string');
      expect(bus.distanceMeters).toBeGreaterThanOrEqual(0);
      expect(bus.distanceMeters).toBeLessThan(40_000);
      expect(['arriving', 'very_close', 'approaching', 'on_the_way', 'calculating', 'at_terminus']).toContain(
        bus.status,
      );
    }
    for (const bus of buses.filter((b) => b.speedKmh !== null)) expect(bus.speedKmh).toBeGreaterThanOrEqual(0);
    const bus = buses.find((b) => b.etaSeconds !== null && (b.speedKmh as number) > 0)!;
    expect(bus.positionsCount).toBeGreaterThanOrEqual(2); // along the route, two fixes give a pace
    expect(bus.speedKmh).toBeGreaterThan(0);
    expect(bus.speedKmh).toBeLessThan(90);
    expect(bus.etaMinutes).toBe(Math.round((bus.etaSeconds as number) / 60));

    // The line's history can give a moving bus an ETA from the very first tick; the chain goes on after it.
    const tracking = await eventually(async () => {
      const body = (await sys.http().get(`/api/trackings/${id}`).expect(200)).body;
      return body.runs >= 2 ? body : undefined;
    }, 'a second tick');
    expect(tracking.runs).toBeGreaterThanOrEqual(2);
    expect(tracking.lastSuccessAt).not.toBeNull();
    expect(tracking.consecutiveFailures).toBe(0);
    expect(tracking.busesSeen).toBeGreaterThan(0);
  });

  it('keeps at most 30 positions per bus however many ticks run, and a bounded number of snapshots', async () => {
    const res = await sys
      .http()
      .post('/api/trackings')
      .send({ stopId: STOP, lines: ['110'] })
      .expect(202);
    const id = res.body.id as string;
    const states = sys.worker!.get(LineStateStore);
    await eventually(
      async () => (await states.history('110')).some((b) => b.history.length === 30),
      'a bus with 30 positions',
      40_000,
    );
    await sleep(1500); // more ticks, more fixes: the cap must hold
    const history = await states.history('110');
    expect(Math.max(...history.map((b) => b.history.length))).toBe(30);
    // One entry per bus, and only buses still on the list (gone from fewer than 3 polls of the line).
    expect(new Set(history.map((b) => `${b.company}#${b.busId}`)).size).toBe(history.length);
    expect(history.every((b) => b.line === '110' && b.missingCount < 3)).toBe(true);
    const shown = (await sys.http().get(`/api/trackings/${id}/buses?includePassed=true`).expect(200)).body.buses;
    expect(Math.max(...shown.map((b: { positionsCount: number }) => b.positionsCount))).toBe(30);
    // The line's snapshots serve their own window only: a few of them in Redis, whatever the ticks.
    const snapshots = await sys.worker!.get(RedisConnection).readAllJson<{ window: number }>('snapshot:110:');
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
    expect(snapshots.length).toBeLessThanOrEqual(4);
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });

  it('stops a tracking: status stopped, and the chain of a line nobody else tracks ends at its next tick', async () => {
    const id = (
      await sys
        .http()
        .post('/api/trackings')
        .send({ stopId: STOP, lines: ['105'] })
        .expect(202)
    ).body.id;
    await eventually(async () => (await sys.http().get(`/api/trackings/${id}`)).body.runs >= 2, 'two ticks');
    const stopped = (await sys.http().post(`/api/trackings/${id}/stop`).expect(200)).body;
    expect(stopped).toMatchObject({
      id,
      status: 'stopped',
      stopReason: 'stopped by user',
      nextTickAt: null,
      upstream: null,
    });
    expect(stopped.endedAt).not.toBeNull();
    expect(stopped.runs).toBeGreaterThanOrEqual(2);

    await sleep(1000); // four intervals
    expect(await pendingTicks('105')).toEqual([]);
    const line = await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line: '105' });
    expect(line).toMatchObject({ polling: false, subscriptions: 0 });
    await sleep(1000);
    expect((await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line: '105' })).tickSeq).toBe(line.tickSeq);
    // What the tracking saw stays with it; stopping again is harmless and changes nothing.
    const later = (await sys.http().post(`/api/trackings/${id}/stop`).expect(200)).body;
    expect(later).toMatchObject({ status: 'stopped', runs: stopped.runs, endedAt: stopped.endedAt });
  });

  it('gives every start its own tracking, and one chain per line however many start at once', async () => {
    const body = { stopId: STOP, lines: ['112', '113'], variantIds: [] };
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sys
          .http()
          .post('/api/trackings')
          .send(i % 2 ? body : { ...body, lines: ['113', ' 112 '] }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    const ids = [...new Set(responses.map((r) => r.body.id as string))];
    expect(ids).toHaveLength(50);
    const polls = await sys.dataSource
      .getRepository(LinePoll)
      .find({ where: { line: In(['112', '113']) }, order: { line: 'ASC' } });
    expect(polls.map((p) => [p.line, p.subscriptions, p.polling])).toEqual([
      ['112', 50, true],
      ['113', 50, true],
    ]);

    await sleep(800);
    // Exactly one waiting or delayed tick per line (a running one puts its successor there as it completes):
    // the next in the sequence, or the one after it if a tick completed since we read the sequence.
    for (const line of ['112', '113']) {
      await eventually(
        async () => {
          const poll = await sys.dataSource.getRepository(LinePoll).findOneByOrFail({ line });
          const jobs = (await sys.queue.getJobs(['waiting', 'delayed', 'paused', 'active'])).filter(
            (j) => j?.data.line === line,
          );
          expect(jobs.filter((j) => j.data.seq > poll.tickSeq + 2)).toEqual([]); // never a fork
          const waiting = jobs.filter((j) => !j.processedOn).map((j) => String(j.id));
          if (jobs.length !== 1 || waiting.length !== 1) return false;
          return [tickJobId(line, poll.tickSeq + 1), tickJobId(line, poll.tickSeq + 2)].includes(waiting[0]);
        },
        `exactly one pending tick of line ${line}, the next one`,
        5000,
      );
    }
    // Every rider sees the same buses, each from their own tracking.
    const [a, b] = await Promise.all(
      ids.slice(0, 2).map(async (id) => (await sys.http().get(`/api/trackings/${id}/buses`).expect(200)).body),
    );
    expect(a.buses.map((x: { busId: number }) => x.busId).sort()).toEqual(
      b.buses.map((x: { busId: number }) => x.busId).sort(),
    );
    await Promise.all(ids.map((id) => sys.http().post(`/api/trackings/${id}/stop`).expect(200)));
    const after = await sys.dataSource.getRepository(LinePoll).findBy({ line: In(['112', '113']) });
    expect(after.map((p) => p.subscriptions)).toEqual([0, 0]);
  });

  it('one rider stopping a tracking never ends another rider’s tracking of the same stop and lines', async () => {
    const body = { stopId: STOP, lines: ['100'] };
    const first = (await sys.http().post('/api/trackings').send(body).expect(202)).body;
    const second = (await sys.http().post('/api/trackings').send(body).expect(202)).body;
    expect(second.id).not.toBe(first.id);
    await eventually(async () => (await sys.http().get(`/api/trackings/${second.id}`)).body.runs >= 1, 'a tick');
    await sys.http().post(`/api/trackings/${first.id}/stop`).expect(200);
    const runs = (await sys.http().get(`/api/trackings/${second.id}`).expect(200)).body.runs as number;
    await eventually(
      async () => (await sys.http().get(`/api/trackings/${second.id}`).expect(200)).body.runs >= runs + 3,
      'the other rider’s tracking going on',
    );
    expect((await sys.http().get(`/api/trackings/${second.id}`)).body.status).toBe('active');
    expect((await sys.http().get(`/api/trackings/${first.id}`)).body.status).toBe('stopped');
    await sys.http().post(`/api/trackings/${second.id}/stop`).expect(200);
  });

  it('answers a retried start with the first answer, once, even when the retries race', async () => {
    const body = { stopId: STOP, lines: ['109'] };
    const key = 'retry-7f3c2a90-5b1e-4c1d-9e2f-000000000001';
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => sys.http().post('/api/trackings').set('Idempotency-Key', key).send(body)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
    const ids = new Set(responses.map((r) => r.body.id as string));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await sys.dataSource.getRepository(Tracking).countBy({ idempotencyKey: key })).toBe(1);
    // Later, too: the same tracking, however it is doing by then.
    const again = await sys.http().post('/api/trackings').set('Idempotency-Key', key).send(body).expect(202);
    expect(again.body.id).toBe(id);
    // The same key for another request is refused, and a key must be a printable token.
    const other = await sys
      .http()
      .post('/api/trackings')
      .set('Idempotency-Key', key)
      .send({ stopId: STOP, lines: ['103'] });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(other.body.message).toMatch(/Idempotency-Key was already used/);
    const bad = await sys.http().post('/api/trackings').set('Idempotency-Key', 'has spaces').send(body).expect(400);
    expect(bad.body.message).toMatch(/Idempotency-Key must be/);
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });

  it('narrows to the requested variants', async () => {
    const lines = (await sys.http().get(`/api/stops/${STOP}`).expect(200)).body.lines as {
      line: string;
      variants: { id: number; routeKnown: boolean }[];
    }[];
    const line103 = lines.find((l) => l.line === '103')!;
    const variant = line103.variants.find((v) => v.routeKnown)!.id;
    const id = (
      await sys
        .http()
        .post('/api/trackings')
        .send({ stopId: STOP, lines: ['103'], variantIds: [variant] })
        .expect(202)
    ).body.id;
    const buses = await eventually(async () => {
      const r = await sys.http().get(`/api/trackings/${id}/buses?includePassed=true`).expect(200);
      return r.body.buses.length ? (r.body.buses as { variantId: number }[]) : undefined;
    }, 'buses of the variant');
    expect(new Set(buses.map((b) => b.variantId))).toEqual(new Set([variant]));
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });

  it("lists every rider's trackings, filtered by status, to an operator only", async () => {
    const refused = await sys.http().get('/api/trackings').expect(401);
    expect(refused.body.message).toMatch(/needs the admin token/);
    await sys.http().get('/api/trackings').set('authorization', 'Bearer not-the-admin-token').expect(401);
    const operator = (path: string) => sys.http().get(path).set('authorization', `Bearer ${ADMIN_TOKEN}`);
    const all = (await operator('/api/trackings').expect(200)).body as { status: string }[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    const stopped = (await operator('/api/trackings?status=stopped').expect(200)).body as { status: string }[];
    expect(stopped.length).toBeGreaterThanOrEqual(3);
    expect(stopped.every((t) => t.status === 'stopped')).toBe(true);
    const bad = await operator('/api/trackings?status=sleeping').expect(400);
    expect(bad.body.message).toContain('status must be one of active, stopped, expired, failed');
  });
});
