import { DataSource, In } from 'typeorm';
import { BusStateStore } from '../src/buses/bus-state.store';
import { BusState } from '../src/buses/domain/bus-update';
import { BusTracking } from '../src/buses/entities/bus-tracking.entity';
import { claimTicks } from '../src/buses/tick-claims';
import { ENTITIES, MIGRATIONS } from '../src/database/data-source';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { createTestDatabase, TestDatabase } from './support/services';

/**
 * The statements a batch of ticks shares (claim, upsert, delete of departed buses), on the real database
 * (TEST_DATABASE): the SQL is written by hand for both dialects, so it is checked on both.
 */
describe('batched tick writes', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const store = new BusStateStore();
  const T0 = new Date('2026-11-29T12:00:00.123Z');
  const at = (s: number) => new Date(T0.getTime() + s * 1000);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.url.startsWith('sqlite:')
      ? new DataSource({
          type: 'better-sqlite3',
          database: db.url.slice('sqlite:'.length),
          entities: ENTITIES,
          migrations: MIGRATIONS,
        })
      : new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS });
    await ds.initialize();
    await ds.runMigrations();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const tracking = (id: string, tickSeq: number, status: Tracking['status'] = 'active'): Partial<Tracking> => ({
    id,
    stopId: 3227,
    lines: ['103'],
    variantIds: [],
    activeKey: status === 'active' ? id : null,
    status,
    startedAt: T0,
    tickSeq,
    nextTickAt: T0,
    lastBusSeenAt: T0,
  });

  const bus = (busId: number, extra: Partial<BusState> = {}): BusState => ({
    company: 'CUTCSA',
    busId,
    line: '103',
    variantId: 461,
    destination: 'GÉANT',
    latitude: -34.88,
    longitude: -56.16,
    lastFixAt: at(-5),
    lastSeenAt: at(0),
    missingCount: 0,
    positionsCount: 3,
    distanceMeters: 812.5,
    speedKmh: 17.25,
    etaSeconds: 140.5,
    status: 'approaching',
    passed: false,
    ...extra,
  });

  it('claims each tick whose previous sequence is recorded, once, and records its outcome', async () => {
    const ids = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002'];
    const ended = 'a0000000-0000-4000-8000-000000000003';
    await ds.getRepository(Tracking).insert([tracking(ids[0], 0), tracking(ids[1], 4), tracking(ended, 0, 'stopped')]);
    const claim = (trackingId: string, seq: number, busesSeen = 7) => ({
      trackingId,
      seq,
      nextTickAt: at(15),
      lastBusSeenAt: at(1),
      busesSeen,
    });
    const claimed = await ds.transaction((m) =>
      claimTicks(m, [claim(ids[0], 1), claim(ids[0], 1, 99), claim(ids[1], 4), claim(ended, 1)], at(2)),
    );
    expect([...claimed]).toEqual([ids[0]]);
    const [first, second, stopped] = await Promise.all(
      [ids[0], ids[1], ended].map((id) => ds.getRepository(Tracking).findOneByOrFail({ id })),
    );
    expect(first).toMatchObject({ tickSeq: 1, runs: 1, consecutiveFailures: 0, lastError: null });
    expect([7, 99]).toContain(first.busesSeen); // the same tick twice: one of its copies, once
    expect(first.nextTickAt.toISOString()).toBe(at(15).toISOString());
    expect(first.lastBusSeenAt.toISOString()).toBe(at(1).toISOString());
    expect(first.lastRunAt?.toISOString()).toBe(at(2).toISOString());
    expect(first.lastSuccessAt?.toISOString()).toBe(at(2).toISOString());
    // Sequence 4 was already done (tickSeq 4): claiming it again changes nothing. An ended tracking is not claimed.
    expect(second).toMatchObject({ tickSeq: 4, runs: 0, lastRunAt: null });
    expect(stopped).toMatchObject({ tickSeq: 0, runs: 0, lastRunAt: null });
    // The next sequence of the first is claimable; the same one again is not.
    const again = await ds.transaction((m) => claimTicks(m, [claim(ids[0], 1), claim(ids[1], 5)], at(3)));
    expect([...again]).toEqual([ids[1]]);
  });

  it('upserts every bus of every tick, keeps when each was first seen, and deletes the ones that left', async () => {
    const [t1, t2] = ['b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002'];
    await ds.getRepository(Tracking).insert([tracking(t1, 0), tracking(t2, 0)]);
    const rows = (trackingId: string) =>
      ds.getRepository(BusTracking).find({ where: { trackingId }, order: { busId: 'ASC' } });

    await ds.transaction((m) =>
      store.save(
        m,
        [
          { trackingId: t1, buses: [bus(1), bus(2, { speedKmh: null, etaSeconds: null, status: 'calculating' })] },
          { trackingId: t2, buses: [bus(1, { status: 'passed', passed: true })] },
        ],
        at(0),
      ),
    );
    let first = await rows(t1);
    expect(first.map((r) => r.busId)).toEqual([1, 2]);
    expect(first[0]).toMatchObject({ line: '103', destination: 'GÉANT', distanceMeters: 812.5, speedKmh: 17.25 });
    expect(first[0]).toMatchObject({ etaSeconds: 140.5, status: 'approaching', passed: false, positionsCount: 3 });
    expect(first[1]).toMatchObject({ speedKmh: null, etaSeconds: null, status: 'calculating' });
    expect(first[0].firstSeenAt.toISOString()).toBe(at(0).toISOString());
    expect(first[0].lastFixAt.toISOString()).toBe(at(-5).toISOString());
    expect((await rows(t2))[0]).toMatchObject({ busId: 1, passed: true, status: 'passed' });

    // Next tick of t1 only: bus 1 moved on, bus 2 left the list, bus 3 appeared.
    await ds.transaction((m) =>
      store.save(
        m,
        [{ trackingId: t1, buses: [bus(1, { distanceMeters: 400, lastSeenAt: at(15), missingCount: 1 }), bus(3)] }],
        at(15),
      ),
    );
    first = await rows(t1);
    expect(first.map((r) => r.busId)).toEqual([1, 3]);
    expect(first[0]).toMatchObject({ distanceMeters: 400, missingCount: 1 });
    expect(first[0].firstSeenAt.toISOString()).toBe(at(0).toISOString()); // kept from its first tick
    expect(first[0].lastSeenAt.toISOString()).toBe(at(15).toISOString());
    expect(first[1].firstSeenAt.toISOString()).toBe(at(15).toISOString());
    // Another tracking's rows are not touched by t1's tick.
    expect((await rows(t2)).map((r) => r.busId)).toEqual([1]);

    // A tick that sees no bus at all empties its list.
    await ds.transaction((m) => store.save(m, [{ trackingId: t1, buses: [] }], at(30)));
    expect(await rows(t1)).toEqual([]);
    expect((await rows(t2)).length).toBe(1);
  });

  it('writes thousands of rows in one batch', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    await ds.getRepository(Tracking).insert(ids.map((id) => tracking(id, 0)));
    const ticks = ids.map((trackingId) => ({
      trackingId,
      buses: Array.from({ length: 40 }, (_, b) => bus(b + 1, { distanceMeters: b * 10 })),
    }));
    await ds.transaction((m) => store.save(m, ticks, at(0)));
    expect(await ds.getRepository(BusTracking).countBy({ trackingId: In(ids) })).toBe(2400);
    const one = await ds.getRepository(BusTracking).findOneByOrFail({ trackingId: ids[59], busId: 40 });
    expect(one.distanceMeters).toBe(390);
  });
});
