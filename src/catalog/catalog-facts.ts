import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';

/** The catalogue barely changes (an import at most): what the tick and the reader ask of it is remembered. */
const REMEMBER_MS = 60_000;
const MAX_STOPS = 20_000;

/**
 * The catalogue facts the hot paths need — where a stop is, whether stops and lines still exist — from memory,
 * read again at most every minute: every dashboard read needs its stop, every line tick may check its
 * trackings' stops and lines.
 */
@Injectable()
export class CatalogFacts {
  private readonly stops = new Map<number, { stop: BusStop | null; at: number }>();
  private lines?: { known: Set<string>; at: number };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async stop(stopId: number): Promise<BusStop | null> {
    const cached = this.stops.get(stopId);
    if (cached && Date.now() - cached.at < REMEMBER_MS) return cached.stop;
    const stop = await this.dataSource.getRepository(BusStop).findOneBy({ id: stopId });
    if (this.stops.size > MAX_STOPS) this.stops.clear();
    this.stops.set(stopId, { stop, at: Date.now() });
    return stop;
  }

  /** Which of these stop ids the catalogue has now (read, not remembered: a check after an import). */
  async existingStops(stopIds: readonly number[]): Promise<Set<number>> {
    const unique = [...new Set(stopIds)];
    const found = new Set<number>();
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.dataSource
        .getRepository(BusStop)
        .find({ select: { id: true }, where: { id: In(unique.slice(i, i + 500)) } });
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  /** The line names the catalogue has. */
  async knownLines(): Promise<Set<string>> {
    if (this.lines && Date.now() - this.lines.at < REMEMBER_MS) return this.lines.known;
    const rows = await this.dataSource
      .getRepository(LineVariant)
      .createQueryBuilder('v')
      .select('DISTINCT v.line', 'line')
      .getRawMany<{ line: string }>();
    this.lines = { known: new Set(rows.map((r) => r.line)), at: Date.now() };
    return this.lines.known;
  }
}
