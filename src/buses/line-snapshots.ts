import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { RedisConnection } from '../shared/redis.provider';
import { StmCredentialsError, StmUnavailableError } from './stm/stm.errors';
import { StmClient } from './stm/stm.client';
import { BusReport } from './stm/stm.types';

/** One line's buses as one poll of one window saw them. */
export interface LineSnapshot {
  fetchedAt: number;
  /** The interval-long time window it was fetched in: it serves that window only. */
  window: number;
  buses: BusReport[];
}

interface StoredSnapshot extends Omit<LineSnapshot, 'buses'> {
  buses: (Omit<BusReport, 'fixAt'> & { fixAt: string })[];
}

/** Why a window's fetch of a line failed: served to every tick of that window, in every process. */
interface Failure {
  credentials: boolean;
  message: string;
  /** The shared backoff's not-before, when the failure set one (epoch ms). */
  notBefore?: number;
}

const WANTED = 'lines:wanted';
const WANTED_AT_LEAST_MS = 60_000;
const LOCK = 'snapshots:lock';
/** A snapshot serves its own window; it is kept a little longer for ticks that run late in it. */
const SNAPSHOT_WINDOWS = 3;
const snapshotKey = (line: string, window: number): string => `snapshot:${line}:${window}`;
/** How often a process re-announces that it wants a line (the wanted set forgets after WANTED_AT_LEAST_MS). */
const WANT_EVERY_MS = 5_000;
const failureKey = (line: string, window: number): string => `snapshot-failure:${line}:${window}`;
const RENEW_LOCK =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Shared polling (SPEC §3.5): every tracking of a line reads the same snapshot of that line's
 * buses, kept in Redis, so the city's API sees one request per batch of lines per interval however
 * many trackings there are. Time is cut into interval-long windows (aligned on the epoch, so every
 * process agrees); a snapshot serves the window it was fetched in. The first tick of a window that
 * finds its lines stale takes a Redis lock (single flight across all workers) and fetches every
 * line wanted lately that has no snapshot of this window yet, in multi-line requests of
 * STM_BATCH_SIZE lines; the others wait for it. So each line is fetched at most once a window.
 *
 * A process parses the current window's snapshot once and keeps it for the ticks of that window; snapshots
 * never change once written, so that copy is never wrong. The buses' histories are the line's own (see
 * LineStateStore), advanced by its tick from the snapshot.
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

  /** Parsed snapshots of the current and previous windows, by line, then window. */
  private readonly cache = new Map<string, Map<number, LineSnapshot>>();
  private readonly wantedAt = new Map<string, number>();

  /**
   * Makes sure every line has a snapshot of the current window, fetching (once across all processes)
   * those that do not; returns that window. Throws what the fetch failed with, or StmUnavailableError
   * when no snapshot came in time.
   */
  async ensure(lines: string[]): Promise<number> {
    const startedAt = Date.now();
    const redis = this.redis.client;
    await this.want(lines, startedAt);
    // The refresh takes its turn behind the rate limit; waiting longer than a few timeouts is pointless.
    const deadline = startedAt + Math.max(3 * this.config.stm.timeoutMs, 2 * this.intervalMs);
    for (;;) {
      const window = this.windowOf(Date.now());
      const present = await Promise.all(lines.map((l) => this.snapshot(l, window)));
      const stale = lines.filter((_, i) => !present[i]);
      if (!stale.length) return window;
      await this.throwIfFailed(stale, window);
      if (Date.now() > deadline) {
        // A refresh that outlived its window recorded its failure under the window it started in: that is
        // what this tick waited for, and what it fails with.
        for (let w = window - 1; w >= this.windowOf(startedAt) - 1; w--) await this.throwIfFailed(stale, w);
        throw new StmUnavailableError(`no snapshot of line(s) ${stale.join(', ')} in time`);
      }
      const token = randomUUID();
      // The lock outlives one upstream request, and is renewed while the refresh runs: if its holder
      // dies, another process takes over soon; while it lives, no other process starts a second refresh.
      const lockMs = this.config.stm.timeoutMs + 2000;
      if ((await redis.set(LOCK, token, 'PX', lockMs, 'NX')) === 'OK') {
        const renew = setInterval(() => {
          redis.eval(RENEW_LOCK, 1, LOCK, token, lockMs).catch(() => undefined);
        }, lockMs / 3);
        try {
          await this.refresh(stale);
        } finally {
          clearInterval(renew);
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

  /** The snapshot of a line for a window (null when there is none): parsed once per process and window. */
  async snapshotOf(line: string, window: number): Promise<LineSnapshot | null> {
    return this.snapshot(line, window);
  }

  private async snapshot(line: string, window: number): Promise<LineSnapshot | null> {
    const cached = this.cache.get(line)?.get(window);
    if (cached) return cached;
    const value = await this.redis.client.get(snapshotKey(line, window));
    return this.remember(line, window, value, window);
  }

  /** Parses a snapshot read from Redis, and keeps it if it is of the current or the previous window. */
  private remember(line: string, window: number, value: string | null, current: number): LineSnapshot | null {
    const snapshot = value ? revive(JSON.parse(value) as StoredSnapshot) : null;
    if (!snapshot || window < current - 1) return snapshot;
    let windows = this.cache.get(line);
    if (!windows) this.cache.set(line, (windows = new Map<number, LineSnapshot>()));
    for (const w of windows.keys()) if (w < current - 1) windows.delete(w);
    windows.set(window, snapshot);
    return snapshot;
  }

  /** Tells the refresher these lines are tracked, at most every WANT_EVERY_MS per line and process. */
  private async want(lines: string[], now: number): Promise<void> {
    const due = lines.filter((l) => now - (this.wantedAt.get(l) ?? 0) >= WANT_EVERY_MS);
    if (!due.length) return;
    await this.redis.client.zadd(WANTED, ...due.flatMap((l) => [now, l]));
    for (const l of due) this.wantedAt.set(l, now);
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

  windowOf(time: number): number {
    return Math.floor(time / this.intervalMs);
  }

  /** The window's fetch of one of these lines failed: every tick of the window fails with it, asking nothing. */
  private async throwIfFailed(lines: string[], window: number): Promise<void> {
    const values = await this.redis.client.mget(...lines.map((l) => failureKey(l, window)));
    for (const value of values) {
      if (!value) continue;
      const failure = JSON.parse(value) as Failure;
      throw failure.credentials
        ? new StmCredentialsError(failure.message)
        : new StmUnavailableError(failure.message, undefined, undefined, failure.notBefore);
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
    const candidates = [...new Set([...wanted, ...stale])].sort();
    const [present, failed] = await Promise.all([
      redis.mget(...candidates.map((l) => snapshotKey(l, window))),
      redis.mget(...candidates.map((l) => failureKey(l, window))),
    ]);
    const lines = candidates.filter((_, i) => present[i] === null && failed[i] === null);
    await Promise.all(this.batches(lines).map((batch) => this.fetchBatch(batch, window)));
  }

  private batches(lines: string[]): string[][] {
    const size = this.config.stm.batchSize;
    return Array.from({ length: Math.ceil(lines.length / size) }, (_, i) => lines.slice(i * size, (i + 1) * size));
  }

  private async fetchBatch(lines: string[], window: number): Promise<void> {
    const redis = this.redis.client;
    const ttl = SNAPSHOT_WINDOWS * this.intervalMs;
    try {
      const { items } = await this.stm.getBuses(lines);
      const fetchedAt = Date.now();
      const byLine = new Map<string, StoredSnapshot>(lines.map((l) => [l, { fetchedAt, window, buses: [] }]));
      for (const bus of items) byLine.get(bus.line)?.buses.push({ ...bus, fixAt: bus.fixAt.toISOString() });
      const write = redis.multi();
      for (const [line, snapshot] of byLine) write.set(snapshotKey(line, window), JSON.stringify(snapshot), 'PX', ttl);
      await write.exec();
    } catch (error) {
      const failure: Failure = {
        credentials: error instanceof StmCredentialsError,
        message: (error as Error).message,
        notBefore: error instanceof StmUnavailableError ? error.notBefore : undefined,
      };
      this.logger.warn(`Refreshing line(s) ${lines.join(', ')} failed: ${failure.message}`);
      const write = redis.multi();
      for (const line of lines) write.set(failureKey(line, window), JSON.stringify(failure), 'PX', ttl);
      await write.exec();
    }
  }
}

function revive(snapshot: StoredSnapshot): LineSnapshot {
  return { ...snapshot, buses: snapshot.buses.map((b) => ({ ...b, fixAt: new Date(b.fixAt) })) };
}
