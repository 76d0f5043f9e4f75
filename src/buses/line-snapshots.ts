import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { RedisConnection } from '../shared/redis.provider';
import { StmCredentialsError, StmUnavailableError } from './stm/stm.errors';
import { StmClient } from './stm/stm.client';
import { BusReport } from './stm/stm.types';

interface Snapshot {
  fetchedAt: number;
  /** The interval-long time window it was fetched in: it serves that window only. */
  window: number;
  buses: (Omit<BusReport, 'fixAt'> & { fixAt: string })[];
}

interface Failure {
  at: number;
  credentials: boolean;
  message: string;
}

const WANTED = 'lines:wanted';
const WANTED_AT_LEAST_MS = 60_000;
const LOCK = 'snapshots:lock';
const snapshotKey = (line: string): string => `snapshot:${line}`;
const failureKey = (line: string): string => `snapshot-failure:${line}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Shared polling (SPEC §3.5): every tracking of a line reads the same snapshot of that line's
 * buses, kept in Redis, so the city's API sees one request per batch of lines per interval however
 * many trackings there are. Time is cut into interval-long windows (aligned on the epoch, so every
 * process agrees); a snapshot serves the window it was fetched in. The first tick of a window that
 * finds its lines stale takes a Redis lock (single flight across all workers) and fetches every
 * line wanted lately that has no snapshot of this window yet, in multi-line requests of
 * STM_BATCH_SIZE lines; the others wait for it. So each line is fetched at most once a window.
 */
@Injectable()
export class LineSnapshots {
  private readonly logger = new Logger(LineSnapshots.name);

  constructor(
    private readonly redis: RedisConnection,
    private readonly stm: StmClient,
    private readonly config: AppConfig,
  ) {}

  private get intervalMs(): number {
    return this.config.tracking.intervalSeconds * 1000;
  }

  /** Buses of the lines, from snapshots less than one interval old. */
  async busesOf(lines: string[]): Promise<BusReport[]> {
    const startedAt = Date.now();
    const redis = this.redis.client;
    await redis.zadd(WANTED, ...lines.flatMap((l) => [startedAt, l]));
    // The refresh takes its turn behind the rate limit; waiting longer than a few timeouts is pointless.
    const deadline = startedAt + Math.max(3 * this.config.stm.timeoutMs, 2 * this.intervalMs);
    for (;;) {
      const snapshots = await this.read(lines);
      const window = this.windowOf(Date.now());
      const stale = lines.filter((l) => snapshots.get(l)?.window !== window);
      if (!stale.length) return lines.flatMap((l) => revive(snapshots.get(l)!));
      await this.throwIfFailed(stale, startedAt);
      if (Date.now() > deadline) throw new StmUnavailableError(`no snapshot of line(s) ${stale.join(', ')} in time`);
      const token = randomUUID();
      // The lock outlives one upstream request, not the whole wait: if its holder dies, another
      // process takes over soon. A refresh that outlives it may be repeated once: no harm done.
      const lockMs = Math.max(1000, Math.min(deadline - Date.now(), this.config.stm.timeoutMs + 2000));
      if ((await redis.set(LOCK, token, 'PX', lockMs, 'NX')) === 'OK') {
        try {
          await this.refresh(stale);
        } finally {
          // Only our own lock: compare and delete in one step.
          await redis.eval(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end",
            1,
            LOCK,
            token,
          );
        }
      } else {
        await sleep(25);
      }
    }
  }

  /**
   * A line stays in the window's batched fetch this long after a tick last asked for it. Longer than two
   * intervals: when the workers fall behind, a line's ticks come further apart, and a line dropped from the
   * batch would later cost a request of its own (fewer lines a request, more requests a window). Fetching
   * a line that was tracked a minute ago costs nothing against the bound of ceil(lines / batch size).
   */
  private get wantedForMs(): number {
    return Math.max(2 * this.intervalMs, WANTED_AT_LEAST_MS);
  }

  private windowOf(time: number): number {
    return Math.floor(time / this.intervalMs);
  }

  private async read(lines: string[]): Promise<Map<string, Snapshot>> {
    const values = await this.redis.client.mget(...lines.map(snapshotKey));
    const map = new Map<string, Snapshot>();
    values.forEach((v, i) => v && map.set(lines[i], JSON.parse(v) as Snapshot));
    return map;
  }

  private async throwIfFailed(lines: string[], since: number): Promise<void> {
    const values = await this.redis.client.mget(...lines.map(failureKey));
    for (const value of values) {
      const failure = value ? (JSON.parse(value) as Failure) : undefined;
      if (!failure || failure.at < since) continue;
      throw failure.credentials ? new StmCredentialsError(failure.message) : new StmUnavailableError(failure.message);
    }
  }

  /** Fetches the stale lines and every other line wanted lately that is stale too, in batches. */
  private async refresh(stale: string[]): Promise<void> {
    const now = Date.now();
    const window = this.windowOf(now);
    const redis = this.redis.client;
    const since = now - this.wantedForMs;
    await redis.zremrangebyscore(WANTED, 0, since);
    const wanted = await redis.zrangebyscore(WANTED, since, '+inf');
    const current = await this.read([...new Set([...wanted, ...stale])]);
    const lines = [...new Set([...wanted, ...stale])].filter((l) => current.get(l)?.window !== window).sort();
    await Promise.all(this.batches(lines).map((batch) => this.fetchBatch(batch, window)));
  }

  private batches(lines: string[]): string[][] {
    const size = this.config.stm.batchSize;
    return Array.from({ length: Math.ceil(lines.length / size) }, (_, i) => lines.slice(i * size, (i + 1) * size));
  }

  private async fetchBatch(lines: string[], window: number): Promise<void> {
    const redis = this.redis.client;
    const ttl = 3 * this.intervalMs;
    try {
      const { items } = await this.stm.getBuses(lines);
      const fetchedAt = Date.now();
      const byLine = new Map<string, Snapshot>(lines.map((l) => [l, { fetchedAt, window, buses: [] }]));
      for (const bus of items) byLine.get(bus.line)?.buses.push({ ...bus, fixAt: bus.fixAt.toISOString() });
      const write = redis.multi();
      for (const [line, snapshot] of byLine) write.set(snapshotKey(line), JSON.stringify(snapshot), 'PX', ttl);
      await write.exec();
    } catch (error) {
      const failure: Failure = {
        at: Date.now(),
        credentials: error instanceof StmCredentialsError,
        message: (error as Error).message,
      };
      this.logger.warn(`Refreshing line(s) ${lines.join(', ')} failed: ${failure.message}`);
      const write = redis.multi();
      for (const line of lines) write.set(failureKey(line), JSON.stringify(failure), 'PX', this.intervalMs);
      await write.exec();
    }
  }
}

function revive(snapshot: Snapshot): BusReport[] {
  return snapshot.buses.map((b) => ({ ...b, fixAt: new Date(b.fixAt) }));
}
