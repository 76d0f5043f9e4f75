import { randomUUID } from 'node:crypto';
import { AppConfig } from '../src/config/app-config';
import { RedisConnection } from '../src/shared/redis.provider';
import { TrackingLine } from '../src/tracking/entities/tracking-line.entity';
import { Tracking, TrackingStatus } from '../src/tracking/entities/tracking.entity';
import { TrackingRetention } from '../src/tracking/tracking-retention';
import { TrackingRepository } from '../src/tracking/tracking.repository';
import { startSystem, TestSystem } from './support/system';

const DAY = 86_400_000;
const NOW = new Date('2026-11-29T12:00:00Z');
const ago = (days: number): Date => new Date(NOW.getTime() - days * DAY);

function tracking(status: TrackingStatus, startedDaysAgo: number, endedDaysAgo: number | null): Tracking {
  return Object.assign(new Tracking(), {
    id: randomUUID(),
    stopId: 3227,
    lines: ['103'],
    variantIds: [],
    status,
    startedAt: ago(startedDaysAgo),
    endedAt: endedDaysAgo === null ? null : ago(endedDaysAgo),
    stopReason: status === 'active' ? null : 'stopped by user',
    clientKey: null,
    idempotencyKey: null,
    runs: 3,
    lastRunAt: endedDaysAgo === null ? null : ago(endedDaysAgo),
    lastSuccessAt: endedDaysAgo === null ? null : ago(endedDaysAgo),
  });
}

/** Finished trackings older than TRACKING_RETENTION_DAYS go, a bounded batch at a time; active ones stay. */
describe.each(['sqlite', 'postgres'] as const)('retention of finished trackings on %s', (database) => {
  let sys: TestSystem;
  let retention: TrackingRetention;

  beforeAll(async () => {
    sys = await startSystem({ worker: false, database, env: { TRACKING_RETENTION_DAYS: '30' } });
    // The workers' retention, built from the web process's own repository, Redis and config.
    retention = new TrackingRetention(sys.web.get(TrackingRepository), sys.web.get(RedisConnection), sys.web.get(AppConfig));
  });
  afterAll(async () => {
    await sys?.close();
  });

  it('deletes trackings that ended over 30 days ago, in bounded runs, and nothing else', async () => {
    const old = Array.from({ length: 150 }, (_, i) => tracking(i % 3 ? 'stopped' : 'expired', 40, 31 + (i % 5)));
    const keep = [
      tracking('stopped', 40, 29), // ended 29 days ago
      tracking('failed', 31, 29.9),
      tracking('active', 45, null), // active for long: never deleted, whatever its age
    ];
    // An active row with an end time (cannot happen, but the status decides): kept.
    const oddActive = tracking('active', 45, 40);
    const trackings = sys.dataSource.getRepository(Tracking);
    await trackings.insert([...old, ...keep, oddActive]);
    // The active one's subscription, which must stay with it.
    await sys.dataSource.getRepository(TrackingLine).insert({ trackingId: keep[2].id, line: '103', fromSeq: 0, fromOutageMs: 0 });

    // 7 a statement, 20 statements a run: 140 now, the other 10 on the next run.
    expect(await retention.prune(NOW, 7)).toBe(140);
    expect(await trackings.count()).toBe(150 + 4 - 140);
    expect(await retention.prune(NOW, 7)).toBe(10);
    expect(await retention.prune(NOW, 7)).toBe(0);

    const left = await trackings.find({ order: { startedAt: 'ASC' } });
    expect(left.map((t) => t.id).sort()).toEqual([...keep, oddActive].map((t) => t.id).sort());
    expect(await sys.dataSource.getRepository(TrackingLine).countBy({ trackingId: keep[2].id })).toBe(1);
  });

  it('keeps a finished tracking until its retention is over, counted from when it ended', async () => {
    await sys.dataSource.query('DELETE FROM tracking_lines');
    await sys.dataSource.query('DELETE FROM trackings');
    const ended = tracking('stopped', 40, 10);
    await sys.dataSource.getRepository(Tracking).insert(ended);
    expect(await retention.prune(new Date(NOW.getTime() + 19.9 * DAY))).toBe(0);
    expect(await retention.prune(new Date(NOW.getTime() + 20.1 * DAY))).toBe(1);
    await expect(sys.dataSource.getRepository(Tracking).findOneBy({ id: ended.id })).resolves.toBeNull();
  });
});
