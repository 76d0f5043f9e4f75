import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, Repository } from 'typeorm';
import { foldText } from '../shared/text';
import { metersBetween } from '../buses/domain/geo';
import { serviceDayWindows } from './domain/service-days';
import type { RouteSource, VariantPath } from './domain/variant-path';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { DayType, VariantSchedule } from './entities/variant-schedule.entity';
import { VariantStop } from './entities/variant-stop.entity';
import { VariantPaths } from './variant-paths';

export interface StopSearch {
  q?: string;
  near?: { latitude: number; longitude: number };
  radiusMeters: number;
  limit: number;
  /** matches skipped before the first returned (paging) */
  offset: number;
}

export type StopHit = BusStop & { distanceMeters?: number };

/** One page of a stop search and how many stops match in all. */
export interface StopSearchPage {
  stops: StopHit[];
  total: number;
}

/** A line calling at a stop and where its variants there go: how a rider tells look-alike stops apart. */
export interface LineCall {
  line: string;
  destinations: string[];
}

export interface LineSummary {
  line: string;
  /** true when at least one variant has a known route. */
  routeKnown: boolean;
  variants: (LineVariant & { routeKnown: boolean; routeSource: RouteSource | null })[];
}

/** A scheduled trip of a variant: when it leaves its first stop. */
export interface ScheduledDeparture {
  variantId: number;
  departsAt: Date;
  /** The timetable it comes from (the service day's type: the date it starts from may be the day before). */
  dayType: DayType;
}

/** departures() answers for at most this span at once. */
export const MAX_DEPARTURES_SPAN_MS = 48 * 3_600_000;

const METERS_PER_DEGREE_LAT = 111_320;

/** The stop and line catalogue: search, detail, and the facts a tracking is validated against. */
@Injectable()
export class CatalogService {
  constructor(
    @InjectRepository(BusStop) private readonly stops: Repository<BusStop>,
    @InjectRepository(LineVariant) private readonly variants: Repository<LineVariant>,
    @InjectRepository(VariantStop) private readonly variantStops: Repository<VariantStop>,
    @InjectRepository(VariantSchedule) private readonly schedules: Repository<VariantSchedule>,
    private readonly paths: VariantPaths,
  ) {}

  async searchStops({ q, near, radiusMeters, limit, offset }: StopSearch): Promise<StopSearchPage> {
    const page = (hits: StopHit[]): StopSearchPage => ({
      stops: hits.slice(offset, offset + limit),
      total: hits.length,
    });
    const query = this.stops.createQueryBuilder('s');
    const text = q ? foldText(q) : '';
    if (/^\d+$/.test(text)) {
      query.where('(s.id = :id OR s.searchText LIKE :like)', { id: Number(text), like: `%${text}%` });
    } else if (text) {
      // Every word must appear, in any order: "rivera soca" finds "SOCA / RIVERA".
      text.split(' ').forEach((word, i) => query.andWhere(`s.searchText LIKE :w${i}`, { [`w${i}`]: `%${word}%` }));
    }
    if (near) {
      const dLat = radiusMeters / METERS_PER_DEGREE_LAT;
      const dLon = dLat / Math.cos((near.latitude * Math.PI) / 180);
      query
        .andWhere({ latitude: Between(near.latitude - dLat, near.latitude + dLat) })
        .andWhere({ longitude: Between(near.longitude - dLon, near.longitude + dLon) });
      const hits = (await query.getMany())
        .map((s) => ({ ...s, distanceMeters: Math.round(metersBetween(near, s)) }))
        .filter((s) => s.distanceMeters <= radiusMeters);
      return page(hits.sort((a, b) => a.distanceMeters - b.distanceMeters || a.id - b.id));
    }
    if (!text) {
      const [stops, total] = await query.orderBy('s.id').skip(offset).take(limit).getManyAndCount();
      return { stops, total };
    }
    // Every match is sorted by street name (a few dozen for a street, a few thousand at worst), so pages
    // follow one another and the total is exact.
    const hits = await query.orderBy('s.id').getMany();
    // An exact id match first, then by street name.
    const exact = /^\d+$/.test(text) ? Number(text) : NaN;
    return page(
      hits.sort(
        (a, b) =>
          Number(b.id === exact) - Number(a.id === exact) || streets(a).localeCompare(streets(b)) || a.id - b.id,
      ),
    );
  }

  /** The lines calling at each of these stops and their variants' destinations there, by line name. */
  async linesCallingAt(stopIds: number[]): Promise<Map<number, LineCall[]>> {
    const serving = await this.servingVariants(stopIds);
    const ids = new Set([...serving.values()].flatMap((set) => [...set]));
    const variants = ids.size ? await this.variants.find({ where: { id: In([...ids]) } }) : [];
    const byId = new Map(variants.map((v) => [v.id, v]));
    const calls = new Map<number, LineCall[]>();
    for (const stopId of stopIds) {
      const byLine = new Map<string, Set<string>>();
      for (const id of serving.get(stopId) ?? []) {
        const v = byId.get(id);
        if (v) byLine.set(v.line, (byLine.get(v.line) ?? new Set()).add(v.destination));
      }
      calls.set(
        stopId,
        [...byLine]
          .map(([line, destinations]) => ({ line, destinations: [...destinations].sort() }))
          .sort((a, b) => a.line.localeCompare(b.line, 'en', { numeric: true })),
      );
    }
    return calls;
  }

  findStop(stopId: number): Promise<BusStop | null> {
    return this.stops.findOneBy({ id: stopId });
  }

  /** Variants that serve the stop (on their route where it is known, else on their stop list), by line. */
  async linesServingStop(stopId: number): Promise<LineSummary[]> {
    const [serving, paths] = await Promise.all([this.servingVariants([stopId]), this.paths.all()]);
    const ids = serving.get(stopId) ?? new Set();
    if (!ids.size) return [];
    return groupByLine(await this.variants.find({ where: { id: In([...ids]) } }), paths);
  }

  /** The variants serving each stop: on their route where it is known, else on their stop list. */
  private async servingVariants(stopIds: number[]): Promise<Map<number, Set<number>>> {
    const serving = new Map(stopIds.map((id) => [id, new Set<number>()]));
    if (!stopIds.length) return serving;
    const [rows, paths] = await Promise.all([
      this.variantStops.find({ where: { stopId: In(stopIds) }, select: { variantId: true, stopId: true } }),
      this.paths.all(),
    ]);
    for (const row of rows) serving.get(row.stopId)?.add(row.variantId);
    for (const path of paths.values()) {
      for (const stopId of path.stopIds) serving.get(stopId)?.add(path.variantId);
    }
    return serving;
  }

  async listLines(): Promise<LineSummary[]> {
    const [variants, paths] = await Promise.all([
      this.variants.find({ order: { line: 'ASC', id: 'ASC' } }),
      this.paths.all(),
    ]);
    return groupByLine(variants, paths);
  }

  /** A variant and its path (null when its route is not known); null for a variant not in the catalogue. */
  async variantRoute(
    variantId: number,
  ): Promise<{ variant: LineVariant; path: VariantPath | null; stops: Map<number, BusStop> } | null> {
    const variant = await this.variants.findOneBy({ id: variantId });
    if (!variant) return null;
    const path = (await this.paths.pathsOf([variantId])).get(variantId) ?? null;
    const stops = path ? await this.stops.findBy({ id: In([...new Set(path.stopIds)]) }) : [];
    return { variant, path, stops: new Map(stops.map((s) => [s.id, s])) };
  }

  /**
   * The scheduled trips of the given variants that leave their first stop within [from, to], soonest first,
   * from the timetable of each service day the span touches (weekday, Saturday or Sunday by the Montevideo
   * date). At most MAX_DEPARTURES_SPAN_MS at once.
   */
  async departures(variantIds: number[], from: Date, to: Date): Promise<ScheduledDeparture[]> {
    const [start, end] = [from.getTime(), Math.min(to.getTime(), from.getTime() + MAX_DEPARTURES_SPAN_MS)];
    if (!variantIds.length || end < start) return [];
    const found: ScheduledDeparture[] = [];
    for (const day of serviceDayWindows(start, end)) {
      const rows = await this.schedules.find({
        where: { variantId: In(variantIds), dayType: day.dayType, startMinute: Between(day.fromMinute, day.toMinute) },
      });
      for (const row of rows) {
        found.push({
          variantId: row.variantId,
          departsAt: new Date(day.midnight + row.startMinute * 60_000),
          dayType: day.dayType,
        });
      }
    }
    return found.sort((a, b) => a.departsAt.getTime() - b.departsAt.getTime() || a.variantId - b.variantId);
  }

  /** Variants of the given lines (names already normalised). */
  variantsOfLines(lines: string[]): Promise<LineVariant[]> {
    return this.variants.find({ where: { line: In(lines) } });
  }
}

function streets(s: BusStop): string {
  return `${s.street1 ?? ''} ${s.street2 ?? ''}`;
}

function groupByLine(variants: LineVariant[], paths: Map<number, VariantPath>): LineSummary[] {
  const byLine = new Map<string, LineSummary>();
  for (const v of variants) {
    const entry = byLine.get(v.line) ?? { line: v.line, routeKnown: false, variants: [] };
    const path = paths.get(v.id);
    const routeKnown = path !== undefined;
    entry.variants.push({ ...v, routeKnown, routeSource: path?.source ?? null });
    entry.routeKnown ||= routeKnown;
    byLine.set(v.line, entry);
  }
  return [...byLine.values()].sort((a, b) => a.line.localeCompare(b.line, 'en', { numeric: true }));
}
