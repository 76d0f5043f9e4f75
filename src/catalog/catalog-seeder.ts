import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { loadMontevideoData } from '../shared/montevideo-data';
import { foldText } from '../shared/text';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { VariantStop } from './entities/variant-stop.entity';

/** SQLite allows 32,766 bound parameters per statement; 400 rows × 7 columns stays far below. */
const CHUNK = 400;

/**
 * Loads the shipped Montevideo catalogue into an empty database on first start. Idempotent and
 * safe when web and worker start together: rows are inserted with "on conflict do nothing".
 */
@Injectable()
export class CatalogSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(CatalogSeeder.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.seed();
  }

  /** Returns how many rows were added (0 when the catalogue was already there). */
  async seed(): Promise<number> {
    const data = loadMontevideoData();
    const expectedSequenceRows = Object.values(data.variantStops).reduce((n, s) => n + s.length, 0);
    const [stops, variants, sequenceRows] = await Promise.all([
      this.dataSource.getRepository(BusStop).count(),
      this.dataSource.getRepository(LineVariant).count(),
      this.dataSource.getRepository(VariantStop).count(),
    ]);
    if (stops >= data.stops.length && variants >= data.variants.length && sequenceRows >= expectedSequenceRows) {
      return 0;
    }
    const started = Date.now();
    const stopRows = data.stops.map((s) => ({
      id: s.busstopId,
      street1: s.street1,
      street2: s.street2,
      searchText: foldText(`${s.street1 ?? ''} ${s.street2 ?? ''}`),
      latitude: s.location.coordinates[1],
      longitude: s.location.coordinates[0],
    }));
    const variantRows = data.variants.map((v) => ({
      id: v.lineVariantId,
      line: v.line.trim().toUpperCase(),
      lineId: v.lineId,
      origin: v.origin,
      destination: v.destination,
      subline: v.subline,
      special: v.special,
    }));
    const sequence = Object.entries(data.variantStops).flatMap(([variantId, stopIds]) =>
      stopIds.map((stopId, position) => ({ variantId: Number(variantId), position, stopId })),
    );
    await this.dataSource.transaction(async (manager) => {
      const insert = async <T extends ObjectLiteral>(target: EntityTarget<T>, rows: T[]): Promise<void> => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await manager
            .createQueryBuilder()
            .insert()
            .into(target)
            .values(rows.slice(i, i + CHUNK))
            .orIgnore()
            .execute();
        }
      };
      await insert(BusStop, stopRows as BusStop[]);
      await insert(LineVariant, variantRows);
      await insert(VariantStop, sequence);
    });
    const total = stopRows.length + variantRows.length + sequence.length;
    this.logger.log(
      `Loaded the Montevideo catalogue: ${stopRows.length} stops, ${variantRows.length} variants, ` +
        `${sequence.length} stop-sequence rows (${Date.now() - started} ms)`,
    );
    return total;
  }
}
