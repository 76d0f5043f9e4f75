import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LinePoll } from '../buses/entities/line-poll.entity';
import { BusStop } from '../catalog/entities/bus-stop.entity';
import { LineVariant } from '../catalog/entities/line-variant.entity';
import { VariantSchedule } from '../catalog/entities/variant-schedule.entity';
import { VariantShape } from '../catalog/entities/variant-shape.entity';
import { VariantStop } from '../catalog/entities/variant-stop.entity';
import { TrackingLine } from '../tracking/entities/tracking-line.entity';
import { Tracking } from '../tracking/entities/tracking.entity';
import { InitialSchema1764200000000 } from './migrations/1764200000000-initial-schema';
import { PositionsKeyedByBus1764300000000 } from './migrations/1764300000000-positions-keyed-by-bus';
import { HistoryWithTheLine1764400000000 } from './migrations/1764400000000-history-with-the-line';
import { RoadGeometryAndSchedules1764500000000 } from './migrations/1764500000000-road-geometry-and-schedules';
import { WorkPerLine1764600000000 } from './migrations/1764600000000-work-per-line';
import { queryCounter } from './query-counter';

export const ENTITIES = [
  BusStop,
  LineVariant,
  VariantStop,
  VariantShape,
  VariantSchedule,
  Tracking,
  TrackingLine,
  LinePoll,
];
export const MIGRATIONS = [
  InitialSchema1764200000000,
  PositionsKeyedByBus1764300000000,
  HistoryWithTheLine1764400000000,
  RoadGeometryAndSchedules1764500000000,
  WorkPerLine1764600000000,
];

/**
 * The one TypeORM data source definition, used by the app, the worker and (through ormconfig.ts)
 * the migration CLI. The schema only ever changes through migrations.
 */
export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    // Query errors are handled (or logged with context) by the code that ran them; an expected
    // unique violation (two identical starts racing) is not worth a log line with its parameters.
    logging: ['warn', 'migration'] as ('warn' | 'migration')[],
    logger: queryCounter,
  };
  if (config.database.type === 'sqlite') {
    if (config.database.path !== ':memory:') mkdirSync(dirname(config.database.path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: config.database.path,
      // WAL lets the web process read while the worker writes; the busy timeout makes the two
      // processes queue for the write lock instead of failing with SQLITE_BUSY.
      enableWAL: true,
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('busy_timeout = 10000');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  return { ...common, type: 'postgres', url: config.database.url, extra: { max: config.database.poolSize } };
}
