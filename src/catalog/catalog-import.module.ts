import { Module } from '@nestjs/common';
import { BusesModule } from '../buses/buses.module';
import { CatalogImportService } from './catalog-import.service';

/** Refreshing the catalogue from the STM API (the CLI's catalog:import). */
@Module({
  imports: [BusesModule],
  providers: [CatalogImportService],
  exports: [CatalogImportService],
})
export class CatalogImportModule {}
