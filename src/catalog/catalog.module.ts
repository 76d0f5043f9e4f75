import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogFacts } from './catalog-facts';
import { CatalogSeeder } from './catalog-seeder';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { VariantSchedule } from './entities/variant-schedule.entity';
import { VariantShape } from './entities/variant-shape.entity';
import { VariantStop } from './entities/variant-stop.entity';
import { GtfsImportService } from './gtfs-import.service';
import { LineTimetables } from './line-timetables';
import { NetworkReader } from './network.reader';
import { VariantPaths } from './variant-paths';
import { VariantRouteController } from './variant-route.controller';
import { VariantRouteService } from './variant-route.service';

/**
 * Stops, lines, variants and their routes: loaded from the shipped data on first start, searched by
 * riders, and the paths the tracker places buses on.
 */
@Module({
  imports: [TypeOrmModule.forFeature([BusStop, LineVariant, VariantStop, VariantShape, VariantSchedule])],
  controllers: [CatalogController, VariantRouteController],
  providers: [
    CatalogService,
    CatalogSeeder,
    CatalogFacts,
    NetworkReader,
    VariantPaths,
    VariantRouteService,
    GtfsImportService,
    LineTimetables,
  ],
  exports: [CatalogService, CatalogSeeder, CatalogFacts, VariantPaths, GtfsImportService, LineTimetables],
})
export class CatalogModule {}
