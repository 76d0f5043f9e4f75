import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogFacts } from './catalog-facts';
import { CatalogSeeder } from './catalog-seeder';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { BusStop } from './entities/bus-stop.entity';
import { LineVariant } from './entities/line-variant.entity';
import { VariantStop } from './entities/variant-stop.entity';
import { VariantPaths } from './variant-paths';

/** Stops, lines and variants: loaded from the shipped data on first start, searched by riders. */
@Module({
  imports: [TypeOrmModule.forFeature([BusStop, LineVariant, VariantStop])],
  controllers: [CatalogController],
  providers: [CatalogService, CatalogSeeder, CatalogFacts, VariantPaths],
  exports: [CatalogService, CatalogSeeder, CatalogFacts, VariantPaths],
})
export class CatalogModule {}
