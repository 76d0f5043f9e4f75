import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { loadMontevideoData, type MontevideoData } from '../shared/montevideo-data';
import { foldText } from '../shared/text';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { DAY_TYPES, VariantSchedule } from './entities/variant-schedule.entity';
import { VariantShape } from './entities/variant-shape.entity';
import { VariantStop } from './entities/variant-stop.entity';

/** SQLite allows 32,766 bound parameters per statement; 400 rows × 6 columns stays far below. */
const CHUNK = 400;
/** A shape row carries a few kilobytes of text: fewer per statement keep each one small. */
const SHAPE_CHUNK = 50;

/**
 * Loads the shipped Montevideo catalogue into the tables that are empty: all of them on first start, and
 * after an upgrade the tables a migration added (road geometry, timetable) or cleared (stop sequences).
 * A table with rows is the operator's: an import that pruned stops or variants is never undone here, and
 * the rows that hang off a variant are loaded only for the variants the database has. Idempotent and safe
 * when web and worker start together: rows are inserted with "on conflict do nothing".
 */
@Injectable()
export class CatalogSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(CatalogSeeder.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.seed();
  }

  /** Returns how many rows were added (0 when every table already had its rows). */
  async seed(): Promise<number> {
    const count = (target: EntityTarget<ObjectLiteral>): Promise<number> =>
      this.dataSource.getRepository(target).count();
    const [stops, variants, sequences, shapes, schedules] = await Promise.all(
      [BusStop, LineVariant, VariantStop, VariantShape, VariantSchedule].map(count),
    );
    if (stops && variants && sequences && shapes && schedules) return 0;
    const started = Date.now();
    const data = loadMontevideoData();
    const added: Record<string, number> = {};
    await this.dataSource.transaction(async (manager) => {
      const insert = async <T extends ObjectLiteral>(
        what: string,
        target: EntityTarget<T>,
        rows: T[],
        chunk = CHUNK,
      ) => {
        for (let i = 0; i < rows.length; i += chunk) {
          await manager
            .createQueryBuilder()
            .insert()
            .into(target)
            .values(rows.slice(i, i + chunk))
            .orIgnore()
            .execute();
        }
        added[what] = rows.length;
      };
      if (!stops) await insert('stops', BusStop, stopRows(data));
      if (!variants) await insert('variants', LineVariant, variantRows(data));
      const present = await presentVariants(manager);
      if (!sequences) await insert('stop-sequence rows', VariantStop, sequenceRows(data, present));
      if (!shapes) await insert('shapes', VariantShape, shapeRows(data, present), SHAPE_CHUNK);
      if (!schedules) await insert('scheduled trips', VariantSchedule, scheduleRows(data, present));
    });
    const total = Object.values(added).reduce((a, b) => a + b, 0);
    const what = Object.entries(added).map(([name, n]) => `${n} ${name}`);
    this.logger.log(`Loaded the Montevideo catalogue: ${what.join(', ')} (${Date.now() - started} ms)`);
    return total;
  }
}

async function presentVariants(manager: EntityManager): Promise<Set<number>> {
  const rows = await manager.getRepository(LineVariant).find({ select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

function stopRows(data: MontevideoData): BusStop[] {
  return data.stops.map((s) => ({
    id: s.busstopId,
    street1: s.street1,
    street2: s.street2,
    searchText: foldText(`${s.street1 ?? ''} ${s.street2 ?? ''}`),
    latitude: s.location.coordinates[1],
    longitude: s.location.coordinates[0],
  }));
}

function variantRows(data: MontevideoData): LineVariant[] {
  return data.variants.map((v) => ({
    id: v.lineVariantId,
    line: v.line.trim().toUpperCase(),
    lineId: v.lineId,
    origin: v.origin,
    destination: v.destination,
    subline: v.subline,
    special: v.special,
  }));
}

function sequenceRows(data: MontevideoData, present: Set<number>): VariantStop[] {
  return Object.entries(data.variantStops)
    .filter(([variantId]) => present.has(Number(variantId)))
    .flatMap(([variantId, stopIds]) =>
      stopIds.map((stopId, position) => ({ variantId: Number(variantId), position, stopId })),
    );
}

function shapeRows(data: MontevideoData, present: Set<number>): VariantShape[] {
  return Object.entries(data.shapes)
    .filter(([variantId]) => present.has(Number(variantId)))
    .map(([variantId, points]) => ({ variantId: Number(variantId), points: JSON.stringify(points) }));
}

function scheduleRows(data: MontevideoData, present: Set<number>): VariantSchedule[] {
  return Object.entries(data.schedules)
    .filter(([variantId]) => present.has(Number(variantId)))
    .flatMap(([variantId, days]) =>
      DAY_TYPES.flatMap((dayType) =>
        [...new Set(days[dayType])].map((startMinute) => ({ variantId: Number(variantId), dayType, startMinute })),
      ),
    );
}
