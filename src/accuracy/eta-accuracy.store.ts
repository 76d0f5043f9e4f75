import { Injectable } from '@nestjs/common';
import { AccuracySummary, BucketTally, ShownEta, summarise } from '../buses/domain/eta-accuracy';
import { montevideoMidnight, MONTEVIDEO_OFFSET_MS } from '../shared/montevideo-time';
import { RedisConnection } from '../shared/redis.provider';

/** The ETAs kept for a line's buses live this long after the line last showed one (its tick stopped). */
const SHOWN_TTL_MS = 30 * 60_000;
/** A day's tallies are kept for the day and the two before it. */
const DAY_TTL_MS = 3 * 86_400_000;
const shownKey = (line: string): string => `eta-shown:${line}`;
const TOTAL_KEY = 'eta-accuracy:total';
const dayKey = (date: string): string => `eta-accuracy:day:${date}`;

/** A bus's next visit to a stop, as a field of its line's hash. */
export const visitField = (stopId: number, company: string, busId: number): string => `${stopId}|${company}#${busId}`;

/** The Montevideo calendar date of an instant, as YYYY-MM-DD. */
export function montevideoDate(epochMs: number): string {
  return new Date(montevideoMidnight(epochMs) + MONTEVIDEO_OFFSET_MS).toISOString().slice(0, 10);
}

export interface AccuracyFigures {
  /** Since the local midnight of `day`. */
  today: AccuracySummary & { day: string; since: Date };
  /** Since the tallies began (never reset; Prometheus counters). */
  total: AccuracySummary;
}

/**
 * The live accuracy's state in Redis, shared by every process: per line, the ETAs shown for each bus's next
 * visit to each tracked stop (written by the line's tick only, bounded in count and age, and gone half an hour
 * after the line stops), and the tallies of the scored ones, per Montevideo day and in total.
 */
@Injectable()
export class EtaAccuracyStore {
  constructor(private readonly redis: RedisConnection) {}

  async shown(line: string): Promise<Map<string, ShownEta[]>> {
    const raw = await this.redis.client.hgetall(shownKey(line));
    return new Map(Object.entries(raw).map(([field, value]) => [field, JSON.parse(value) as ShownEta[]]));
  }

  /** Writes what a tick changed: visits with new ETAs, visits done with (scored or gone), tallies to add. */
  async save(
    line: string,
    changes: { kept: Map<string, ShownEta[]>; dropped: string[]; tallies: BucketTally[] },
    now: Date,
  ): Promise<void> {
    const multi = this.redis.client.multi();
    const key = shownKey(line);
    if (changes.dropped.length) multi.hdel(key, ...changes.dropped);
    if (changes.kept.size) {
      multi.hset(key, Object.fromEntries([...changes.kept].map(([f, list]) => [f, JSON.stringify(list)])));
      multi.pexpire(key, SHOWN_TTL_MS);
    }
    const day = dayKey(montevideoDate(now.getTime()));
    for (const t of changes.tallies) {
      if (!t.scored) continue;
      for (const k of [TOTAL_KEY, day]) {
        multi.hincrby(k, `${t.bucket}|scored`, t.scored);
        multi.hincrby(k, `${t.bucket}|accurate`, t.accurate);
      }
    }
    if (changes.tallies.some((t) => t.scored)) multi.pexpire(day, DAY_TTL_MS);
    await multi.exec();
  }

  async figures(now: Date): Promise<AccuracyFigures> {
    const day = montevideoDate(now.getTime());
    const [today, total] = await Promise.all([
      this.redis.client.hgetall(dayKey(day)),
      this.redis.client.hgetall(TOTAL_KEY),
    ]);
    return {
      today: { ...summarise(talliesOf(today)), day, since: new Date(montevideoMidnight(now.getTime())) },
      total: summarise(talliesOf(total)),
    };
  }
}

function talliesOf(hash: Record<string, string>): BucketTally[] {
  const byBucket = new Map<string, BucketTally>();
  for (const [field, value] of Object.entries(hash)) {
    const [bucket, kind] = field.split('|');
    const tally = byBucket.get(bucket) ?? { bucket, scored: 0, accurate: 0 };
    if (kind === 'scored' || kind === 'accurate') tally[kind] = Number(value) || 0;
    byBucket.set(bucket, tally);
  }
  return [...byBucket.values()];
}
