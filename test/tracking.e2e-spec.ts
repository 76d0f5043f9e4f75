import { BusTracking } from '../src/buses/entities/bus-tracking.entity';
import { HISTORY_WINDOWS } from '../src/buses/line-snapshots';
import { tickJobId } from '../src/queue/queue.constants';
import { RedisConnection } from '../src/shared/redis.provider';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { eventually, sleep, startSystem, TestSystem } from './support/system';

/** Stop 3227 (Av 8 de Octubre y Bv Batlle y Ordóñez) is on the known routes of lines 103, 109, 110… */
const STOP = 3227;
const LINES = ['103', '109'];

describe('tracking a stop end to end (web + worker + simulator)', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await startSystem({ timeScale: 40 });
  });
  afterAll(async () => {
    await sys?.close();
  });

  const pendingTicks = async (trackingId: string): Promise<string[]> => {
    const jobs = await sys.queue.getJobs(['waiting', 'delayed', 'active', 'paused']);
    return jobs.filter((j) => j?.data.trackingId === trackingId).map((j) => String(j.id));
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

  it('keeps at most 30 positions per bus however many ticks run', async () => {
    const res = await sys
      .http()
      .post('/api/trackings')
      .send({ stopId: STOP, lines: ['110'] })
      .expect(202);
    const id = res.body.id as string;
    await eventually(
      async () => {
        const rows = await sys.dataSource.getRepository(BusTracking).findBy({ trackingId: id });
        return rows.some((r) => r.positionsCount === 30) && rows;
      },
      'a bus with 30 positions',
      40_000,
    );
    await sleep(1500); // more ticks, more fixes: the cap must hold
    const rows = await sys.dataSource.getRepository(BusTracking).findBy({ trackingId: id });
    expect(Math.max(...rows.map((r) => r.positionsCount))).toBe(30);
    // One row per bus, and only buses still on the list (gone from fewer than 3 polls of the line).
    expect(new Set(rows.map((r) => `${r.company}#${r.busId}`)).size).toBe(rows.length);
    expect(rows.every((r) => r.line === '110' && r.missingCount < 3)).toBe(true);
    // The history behind them is the line's snapshots: a bounded number of them, whatever the ticks.
    const snapshots = await sys.worker!.get(RedisConnection).readAllJson<{ window: number }>('snapshot:110:');
    expect(snapshots.length).toBeGreaterThanOrEqual(30);
    expect(snapshots.length).toBeLessThanOrEqual(HISTORY_WINDOWS + 2);
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });

  it('stops a tracking: status stopped, no pending tick, no tick runs afterwards', async () => {
    const id = (
      await sys
        .http()
        .post('/api/trackings')
        .send({ stopId: STOP, lines: ['105'] })
        .expect(202)
    ).body.id;
    await eventually(async () => (await sys.http().get(`/api/trackings/${id}`)).body.runs >= 2, 'two ticks');
    const stopped = (await sys.http().post(`/api/trackings/${id}/stop`).expect(200)).body;
    expect(stopped).toMatchObject({ id, status: 'stopped', stopReason: 'stopped by user', nextTickAt: null });
    expect(stopped.endedAt).not.toBeNull();

    await sleep(1000); // four intervals
    expect(await pendingTicks(id)).toEqual([]);
    const later = (await sys.http().get(`/api/trackings/${id}`).expect(200)).body;
    expect(later.runs).toBe(stopped.runs + (later.runs > stopped.runs ? 1 : 0)); // at most the tick in flight
    await sleep(1000);
    expect((await sys.http().get(`/api/trackings/${id}`)).body.runs).toBe(later.runs);
    // Stopping again is harmless and changes nothing.
    expect((await sys.http().post(`/api/trackings/${id}/stop`).expect(200)).body.status).toBe('stopped');
  });

  it('gives one tracking and one chain for identical concurrent starts', async () => {
    const body = { stopId: STOP, lines: ['112', '113'], variantIds: [] };
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sys
          .http()
          .post('/api/trackings')
          .send(i % 2 ? body : { ...body, lines: ['113', ' 112 '] }),
      ),
    );
    const ids = new Set(responses.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(49);
    const [id] = [...ids];
    expect(await sys.dataSource.getRepository(Tracking).countBy({ activeKey: `${STOP}|112,113|` })).toBe(1);

    await sleep(800);
    // Exactly one waiting or delayed tick (a running one puts its successor there as it completes): the
    // next in the sequence, or the one after it if a tick completed since we read the sequence. Looked at
    // between ticks, so as not to catch the chain in the middle of one.
    await eventually(
      async () => {
        const tracking = await sys.dataSource.getRepository(Tracking).findOneByOrFail({ id });
        const jobs = (await sys.queue.getJobs(['waiting', 'delayed', 'paused', 'active'])).filter(
          (j) => j?.data.trackingId === id,
        );
        expect(jobs.filter((j) => j.data.seq > tracking.tickSeq + 2)).toEqual([]); // never a fork
        const waiting = jobs.filter((j) => !j.processedOn).map((j) => String(j.id));
        if (jobs.length !== 1 || waiting.length !== 1) return false;
        return [tickJobId(id, tracking.tickSeq + 1), tickJobId(id, tracking.tickSeq + 2)].includes(waiting[0]);
      },
      'exactly one pending tick, the next one',
      5000,
    );
    await sys.http().post(`/api/trackings/${id}/stop`).expect(200);
  });

  it('starts a new tracking after the identical one was stopped', async () => {
    const body = { stopId: STOP, lines: ['100'] };
    const first = (await sys.http().post('/api/trackings').send(body).expect(202)).body;
    await sys.http().post(`/api/trackings/${first.id}/stop`).expect(200);
    const second = (await sys.http().post('/api/trackings').send(body).expect(202)).body;
    expect(second.id).not.toBe(first.id);
    await sys.http().post(`/api/trackings/${second.id}/stop`).expect(200);
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

  it('lists trackings, filtered by status', async () => {
    const all = (await sys.http().get('/api/trackings').expect(200)).body as { status: string }[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    const stopped = (await sys.http().get('/api/trackings?status=stopped').expect(200)).body as { status: string }[];
    expect(stopped.length).toBeGreaterThanOrEqual(3);
    expect(stopped.every((t) => t.status === 'stopped')).toBe(true);
    const bad = await sys.http().get('/api/trackings?status=sleeping').expect(400);
    expect(bad.body.message).toContain('status must be one of active, stopped, expired, failed');
  });
});
