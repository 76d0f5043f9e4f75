import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisConnection } from '../shared/redis.provider';
import { LineBus } from './domain/bus-estimate';
import { BusTrack } from './domain/bus-track';
import { LineRun } from './upstream-state';

/** What a line publishes after each of its ticks, for every tracking of the line to read. */
export interface LineState extends LineRun {
  line: string;
  /** The tick that wrote it. */
  seq: number;
  nextAttemptAt: Date | null;
  buses: LineBus[];
}

/** Keys live this many intervals (at least LINE_STATE_MIN_TTL_MS) after their line's last tick. */
const TTL_INTERVALS = 40;
const LINE_STATE_MIN_TTL_MS = 10 * 60_000;
const stateKey = (line: string): string => `line-state:${line}`;
const historyKey = (line: string): string => `line-history:${line}`;

/**
 * A line's state in Redis, shared by every process: its buses' histories (written and read by the line's
 * tick only, one tick at a time per line), and what it publishes after each tick (read by every web process,
 * the CLI and the live stream). Readers keep what they read for a moment, so a burst of dashboard reads of
 * one line costs one read of Redis.
 */
@Injectable()
export class LineStateStore {
  private readonly cache = new Map<string, { state: LineState | null; at: number }>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
  ) {}

  private get ttlMs(): number {
    return Math.max(LINE_STATE_MIN_TTL_MS, TTL_INTERVALS * this.config.tracking.intervalSeconds * 1000);
  }

  /** How long a read is reused: half an interval, at most a second. */
  private get freshForMs(): number {
    return Math.min(1000, (this.config.tracking.intervalSeconds * 1000) / 2);
  }

  async history(line: string): Promise<BusTrack[]> {
    const value = await this.redis.client.get(historyKey(line));
    return value ? (JSON.parse(value) as StoredTrack[]).map(reviveTrack) : [];
  }

  /** Writes a tick's result: the histories it advanced and the state it publishes. */
  async save(state: LineState, history: readonly BusTrack[]): Promise<void> {
    const ttl = this.ttlMs;
    await this.redis.client
      .multi()
      .set(historyKey(state.line), JSON.stringify(history), 'PX', ttl)
      .set(stateKey(state.line), JSON.stringify(state), 'PX', ttl)
      .exec();
    this.cache.set(state.line, { state, at: Date.now() });
  }

  /** The published state of each line (null where there is none yet), from this process's copy when fresh. */
  async states(lines: readonly string[]): Promise<Map<string, LineState | null>> {
    const now = Date.now();
    const found = new Map<string, LineState | null>();
    const missing: string[] = [];
    for (const line of new Set(lines)) {
      const cached = this.cache.get(line);
      if (cached && now - cached.at < this.freshForMs) found.set(line, cached.state);
      else missing.push(line);
    }
    if (missing.length) {
      const values = await this.redis.client.mget(...missing.map(stateKey));
      if (this.cache.size > 10_000) this.cache.clear();
      missing.forEach((line, i) => {
        const state = values[i] ? reviveState(JSON.parse(values[i]) as StoredState) : null;
        this.cache.set(line, { state, at: now });
        found.set(line, state);
      });
    }
    return found;
  }

  /** Forgets this process's copy of a line's state (a new tick was announced). */
  forget(line: string): void {
    this.cache.delete(line);
  }
}

type Stored<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
type StoredTrack = Stored<Omit<BusTrack, 'history'>> & {
  history: { latitude: number; longitude: number; fixAt: string }[];
};
type StoredBus = Stored<Omit<LineBus, 'recent'>> & { recent: { latitude: number; longitude: number; fixAt: string }[] };
type StoredState = Stored<Omit<LineState, 'buses'>> & { buses: StoredBus[] };

const date = (value: string | null): Date | null => (value === null ? null : new Date(value));

function reviveTrack(t: StoredTrack): BusTrack {
  return {
    ...t,
    lastFixAt: new Date(t.lastFixAt),
    lastSeenAt: new Date(t.lastSeenAt),
    history: t.history.map((p) => ({ latitude: p.latitude, longitude: p.longitude, fixAt: new Date(p.fixAt) })),
  };
}

function reviveState(s: StoredState): LineState {
  return {
    ...s,
    lastRunAt: date(s.lastRunAt),
    lastSuccessAt: date(s.lastSuccessAt),
    unavailableSince: date(s.unavailableSince),
    nextTickAt: date(s.nextTickAt),
    nextAttemptAt: s.nextAttemptAt ? new Date(s.nextAttemptAt) : null,
    buses: s.buses.map((b) => ({
      ...b,
      lastFixAt: new Date(b.lastFixAt),
      lastSeenAt: new Date(b.lastSeenAt),
      recent: b.recent.map((p) => ({ latitude: p.latitude, longitude: p.longitude, fixAt: new Date(p.fixAt) })),
    })),
  };
}
