import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LinePoll } from '../src/buses/entities/line-poll.entity';
import { LinePollsRepository } from '../src/buses/line-polls.repository';
import { ENTITIES, MIGRATIONS } from '../src/database/data-source';
import { DatabaseWriteLock } from '../src/database/write-lock';
import { TrackingLine } from '../src/tracking/entities/tracking-line.entity';
import { Tracking } from '../src/tracking/entities/tracking.entity';
import { CapReachedError, IdempotencyKeyTakenError, TrackingRepository } from '../src/tracking/tracking.repository';
import { createTestDatabase, TestDatabase } from './support/services';

/**
 * The statements behind the line chains and the trackings' subscriptions, on the real database
 * (TEST_DATABASE): several are written by hand for both dialects, and their conditions are what keep a chain
 * exactly one and the caps exact, so they are checked on both.
 */
describe('line chains and subscriptions in the database', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let polls: LinePollsRepository;
  let trackings: TrackingRepository;
  const T0 = new Date('2026-11-29T12:00:00.123Z');
  const at = (s: number) => new Date(T0.getTime() + s * 1000);
  const NO_CAPS = { maxActive: 0, maxActivePerClient: 0 };

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.url.startsWith('sqlite:')
      ? new DataSource({
          type: 'better-sqlite3',
          database: db.url.slice('sqlite:'.length),
          entities: ENTITIES,
          migrations: MIGRATIONS,
          prepareDatabase: (d: { pragma(s: string): unknown }) => {
            d.pragma('busy_timeout = 10000');
          },
        })
      : new DataSource({
          type: 'postgres',
          url: db.url,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          extra: { max: 20 },
        });
    await ds.initialize();
    await ds.runMigrations();
    polls = new LinePollsRepository(ds);
    trackings = new TrackingRepository(ds, polls, new DatabaseWriteLock(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const start = (lines: string[], extra: Partial<Tracking> = {}, caps = NO_CAPS) =>
    trackings.insert(
      {
        id: randomUUID(),
        stopId: 3227,
        lines,
        variantIds: [],
        startedAt: T0,
        clientKey: null,
        idempotencyKey: null,
        ...extra,
      },
      caps,
    );
  const poll = (line: string) => ds.getRepository(LinePoll).findOneByOrFail({ line });

  it('subscribes a new tracking to each of its lines, and activates only chains that are not running', async () => {
    const a = await start(['L1', 'L2']);
    await start(['L2']);
    expect(await poll('L1')).toMatchObject({ subscriptions: 1, polling: false, tickSeq: 0 });
    expect(await poll('L2')).toMatchObject({ subscriptions: 2, polling: false });
    expect(await ds.getRepository(TrackingLine).findBy({ trackingId: a.id })).toHaveLength(2);
    expect(await polls.activate(['L1', 'L2'])).toEqual(
      expect.arrayContaining([
        { line: 'L1', seq: 1 },
        { line: 'L2', seq: 1 },
      ]),
    );
    expect(await polls.activate(['L1', 'L2'])).toEqual([]); // running already
    expect((await poll('L1')).polling).toBe(true);
  });

  it('claims a tick once, only the next one and only while polling, recording its outcome', async () => {
    const ok = { seq: 1, nextTickAt: at(15), ranAt: at(1), success: { busesSeen: 7 }, failure: null };
    expect(await polls.claim('L1', { ...ok, seq: 2 })).toBe(false); // not the next one
    expect(await polls.claim('L1', ok)).toBe(true);
    expect(await polls.claim('L1', ok)).toBe(false); // a second run of the same tick
    const after = await poll('L1');
    expect(after).toMatchObject({ tickSeq: 1, busesSeen: 7, consecutiveFailures: 0, lastError: null, outageMs: 0 });
    expect(after.lastRunAt?.toISOString()).toBe(at(1).toISOString());
    expect(after.lastSuccessAt?.toISOString()).toBe(at(1).toISOString());
    expect(after.lastBusSeenAt?.toISOString()).toBe(at(1).toISOString());
    expect(after.nextTickAt?.toISOString()).toBe(at(15).toISOString());
  });

  it('records failed ticks: failures counted, the outage time added up, since-times kept from the first', async () => {
    const fail = (seq: number, s: number, credentials = false) =>
      polls.claim('L1', {
        seq,
        nextTickAt: at(s + 15),
        ranAt: at(s),
        success: null,
        failure: { message: 'STM /buses HTTP 503', credentials, outageMs: 15_000 },
      });
    expect(await fail(2, 16)).toBe(true);
    expect(await fail(3, 31, true)).toBe(true);
    expect(await fail(4, 46, true)).toBe(true);
    const down = await poll('L1');
    expect(down).toMatchObject({
      tickSeq: 4,
      consecutiveFailures: 3,
      lastError: 'STM /buses HTTP 503',
      outageMs: 45_000,
    });
    expect(down.unavailableSince?.toISOString()).toBe(at(16).toISOString());
    expect(down.credentialsRefusedSince?.toISOString()).toBe(at(31).toISOString());
    expect(down.lastSuccessAt?.toISOString()).toBe(at(1).toISOString());
    expect(down.lastBusSeenAt?.toISOString()).toBe(at(1).toISOString());
    // Data flows again: the failures and the since-times are cleared, the outage total stays.
    await polls.claim('L1', { seq: 5, nextTickAt: at(76), ranAt: at(61), success: { busesSeen: 2 }, failure: null });
    const up = await poll('L1');
    expect(up).toMatchObject({
      consecutiveFailures: 0,
      unavailableSince: null,
      credentialsRefusedSince: null,
      outageMs: 45_000,
    });
    expect(up.outageMsAtLastBus).toBe(45_000);
  });

  it('ends a chain only after the tick that found no subscription, and never while one exists', async () => {
    expect(await polls.endChainIfUnused('L1', 5)).toBe(false); // L1 has a subscription
    const [only] = await ds.getRepository(TrackingLine).findBy({ line: 'L1' });
    await trackings.end([only.trackingId], { status: 'stopped', reason: 'stopped by user' }, at(70));
    expect(await poll('L1')).toMatchObject({ subscriptions: 0, polling: true });
    expect(await polls.endChainIfUnused('L1', 4)).toBe(false); // not the latest tick
    expect(await polls.endChainIfUnused('L1', 5)).toBe(true);
    expect(await poll('L1')).toMatchObject({ polling: false, nextTickAt: null });
    // A start afterwards finds it ended, and starts it again from the next sequence number.
    const again = await start(['L1']);
    expect((await ds.getRepository(TrackingLine).findOneByOrFail({ trackingId: again.id })).fromSeq).toBe(5);
    expect(await polls.activate(['L1'])).toEqual([{ line: 'L1', seq: 6 }]);
  });

  it('ends trackings in bulk: once, keeping their figures, taking their subscriptions away', async () => {
    const many = await Promise.all(Array.from({ length: 30 }, () => start(['L3', 'L4'])));
    await polls.activate(['L3']);
    await polls.claim('L3', { seq: 1, nextTickAt: at(15), ranAt: at(2), success: { busesSeen: 1 }, failure: null });
    const ids = many.map((t) => t.id);
    const [first, second] = await Promise.all([
      trackings.end(ids, { status: 'expired', reason: 'no bus of the tracked lines seen for 5 minutes' }, at(10)),
      trackings.end(ids.slice(0, 10), { status: 'stopped', reason: 'stopped by user' }, at(10)),
    ]);
    // Whichever got to each tracking first ended it; nobody ended one twice.
    expect(new Set([...first, ...second]).size).toBe(30);
    expect(first.length + second.length).toBe(30);
    const rows = await ds.getRepository(Tracking).findByIds(ids);
    expect(rows.every((t) => t.status !== 'active' && t.endedAt?.toISOString() === at(10).toISOString())).toBe(true);
    expect(rows.every((t) => t.runs === 1 && t.lastRunAt?.toISOString() === at(2).toISOString())).toBe(true);
    expect(await ds.getRepository(TrackingLine).countBy({ line: 'L3' })).toBe(0);
    expect(await poll('L3')).toMatchObject({ subscriptions: 0 });
    expect(await poll('L4')).toMatchObject({ subscriptions: 0 });
    expect(await trackings.end(ids, { status: 'failed', reason: 'again' }, at(20))).toEqual([]);
  });

  it('holds the caps under concurrent starts: exactly as many as the cap, in all and per client', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        start(['L5'], { clientKey: i % 2 ? 'client-a' : 'client-b' }, { maxActive: 0, maxActivePerClient: 4 }),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(8);
    expect(refused.every((e) => e instanceof CapReachedError && e.scope === 'client')).toBe(true);
    const active = await ds.getRepository(Tracking).countBy({ status: 'active' });
    const capped = await Promise.allSettled(
      Array.from({ length: 10 }, () => start(['L5'], {}, { maxActive: active + 3, maxActivePerClient: 0 })),
    );
    expect(capped.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await ds.getRepository(Tracking).countBy({ status: 'active' })).toBe(active + 3);
    expect((await poll('L5')).subscriptions).toBe(11);
  });

  it('lets one start through per Idempotency-Key, however many race', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => start(['L6'], { idempotencyKey: 'k-1' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.every((r) => r.status === 'fulfilled' || (r.reason as Error) instanceof IdempotencyKeyTakenError),
    ).toBe(true);
    expect((await poll('L6')).subscriptions).toBe(1); // the refused ones left nothing behind
  });

  it('sets right a subscription count that drifted', async () => {
    await ds.getRepository(LinePoll).update({ line: 'L5' }, { subscriptions: 2 });
    expect(await polls.recountDrifted()).toEqual(['L5']);
    expect((await poll('L5')).subscriptions).toBe(11);
    expect(await polls.recountDrifted()).toEqual([]);
  });
});
