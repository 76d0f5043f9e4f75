import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { basename } from 'node:path';
import { DataSource, In } from 'typeorm';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { VariantSchedule } from './entities/variant-schedule.entity';
import { VariantShape } from './entities/variant-shape.entity';
import { VariantStop } from './entities/variant-stop.entity';
import { GtfsFeedError } from './gtfs/gtfs-archive';
import { readGtfsFeed, type GtfsFeed } from './gtfs/gtfs-feed';
import { VariantPaths } from './variant-paths';

/** SQLite allows 32,766 bound parameters per statement; rows of 3 columns, 400 at a time, stay far below. */
const CHUNK = 400;
const SHAPE_CHUNK = 50;
const MAX_STOP_ID = 2 ** 31 - 1;

export interface GtfsImportReport {
  feed: string;
  trips: {
    read: number;
    /** Trips of variants the catalogue has: their start minutes make the new timetable. */
    applied: number;
    /** Trips of variants the catalogue does not have (left out). */
    unknownVariant: number;
    /** Trips of a service that runs on no day (left out). */
    noServiceDay: number;
  };
  /** Rows of the new timetable (one per variant, day type and start minute) and the variants they cover. */
  scheduledTrips: number;
  scheduledVariants: number;
  /** Variants whose road geometry / stop list the feed replaced (only when it has shapes.txt / stop_times.txt). */
  shapes: number;
  stopLists: number;
  /** Stops of those lists the catalogue does not have (left out of the lists). */
  unknownStops: number;
  /** false for --dry-run. */
  applied: boolean;
}

export { GtfsFeedError };

/**
 * `catalog:import-gtfs <feed.zip>`: the city's timetable (and, when the feed has them, road geometry and
 * stop lists) from a GTFS feed. The whole feed is read and checked first; a malformed or partial one is
 * refused with the file and line at fault, and nothing of it is applied. Then, in one transaction, the
 * timetable is replaced by the feed's, and the geometry and stop lists of the variants the feed has are
 * replaced by its own (other variants keep theirs).
 */
@Injectable()
export class GtfsImportService {
  private readonly logger = new Logger(GtfsImportService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paths: VariantPaths,
  ) {}

  async import(path: string, options: { dryRun?: boolean } = {}): Promise<GtfsImportReport> {
    const feed = await readGtfsFeed(path);
    const variants = new Set(
      (await this.dataSource.getRepository(LineVariant).find({ select: { id: true } })).map((v) => v.id),
    );
    const plan = await this.plan(feed, variants, basename(path));
    if (!plan.schedules.length) {
      throw new GtfsFeedError(
        'trips.txt',
        0,
        `none of its ${feed.trips.length} trip(s) is of a line variant of the catalogue, on a day it runs; nothing was changed`,
      );
    }
    const { report } = plan;
    if (options.dryRun) return report;
    await this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder().delete().from(VariantSchedule).execute();
      for (let i = 0; i < plan.schedules.length; i += CHUNK) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(VariantSchedule)
          .values(plan.schedules.slice(i, i + CHUNK))
          .execute();
      }
      const shaped = plan.shapes.map((s) => s.variantId);
      for (let i = 0; i < shaped.length; i += CHUNK) {
        await manager.delete(VariantShape, { variantId: In(shaped.slice(i, i + CHUNK)) });
      }
      for (let i = 0; i < plan.shapes.length; i += SHAPE_CHUNK) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(VariantShape)
          .values(plan.shapes.slice(i, i + SHAPE_CHUNK))
          .execute();
      }
      const listed = [...new Set(plan.stops.map((s) => s.variantId))];
      for (let i = 0; i < listed.length; i += CHUNK) {
        await manager.delete(VariantStop, { variantId: In(listed.slice(i, i + CHUNK)) });
      }
      for (let i = 0; i < plan.stops.length; i += CHUNK) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(VariantStop)
          .values(plan.stops.slice(i, i + CHUNK))
          .execute();
      }
    });
    // This process works out routes from the new data at once; others within their cache's lifetime.
    this.paths.forget();
    report.applied = true;
    this.logger.log(
      `GTFS feed ${report.feed} imported: ${report.scheduledTrips} scheduled trips of ${report.scheduledVariants} variants, ` +
        `${report.shapes} road geometries, ${report.stopLists} stop lists`,
    );
    return report;
  }

  private async plan(feed: GtfsFeed, variants: Set<number>, name: string) {
    const report: GtfsImportReport = {
      feed: name,
      trips: { read: feed.trips.length, applied: 0, unknownVariant: 0, noServiceDay: 0 },
      scheduledTrips: 0,
      scheduledVariants: 0,
      shapes: 0,
      stopLists: 0,
      unknownStops: 0,
      applied: false,
    };
    const rows = new Map<string, VariantSchedule>();
    for (const trip of feed.trips) {
      if (!variants.has(trip.variantId)) report.trips.unknownVariant++;
      else if (!trip.dayTypes.length) report.trips.noServiceDay++;
      else {
        report.trips.applied++;
        for (const dayType of trip.dayTypes) {
          rows.set(`${trip.variantId}/${dayType}/${trip.startMinute}`, {
            variantId: trip.variantId,
            dayType,
            startMinute: trip.startMinute,
          });
        }
      }
    }
    const schedules = [...rows.values()];
    report.scheduledTrips = schedules.length;
    report.scheduledVariants = new Set(schedules.map((s) => s.variantId)).size;
    const shapes = [...feed.shapes]
      .filter(([id]) => variants.has(id))
      .map(([variantId, points]) => ({ variantId, points: JSON.stringify(points) }));
    report.shapes = shapes.length;
    const named = [...feed.stopLists.values()]
      .flat()
      .filter((id) => /^\d{1,10}$/.test(id) && Number(id) <= MAX_STOP_ID);
    const knownStops = new Set<number>();
    const ids = [...new Set(named.map(Number))];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const found = await this.dataSource
        .getRepository(BusStop)
        .find({ where: { id: In(ids.slice(i, i + CHUNK)) }, select: { id: true } });
      for (const s of found) knownStops.add(s.id);
    }
    const stops: VariantStop[] = [];
    for (const [variantId, list] of feed.stopLists) {
      if (!variants.has(variantId)) continue;
      const kept = list.filter((id) => knownStops.has(Number(id)) && /^\d+$/.test(id));
      report.unknownStops += list.length - kept.length;
      if (kept.length < 2) continue;
      report.stopLists++;
      kept.forEach((stopId, position) => stops.push({ variantId, position, stopId: Number(stopId) }));
    }
    return { report, schedules, shapes, stops };
  }
}
