import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { LinesModule } from '../buses/lines.module';
import { TrackingViews } from './tracking-views';
import { TrackingRepository } from './tracking.repository';

/**
 * Trackings as data, for every process: the repository that owns their writes, and the reader that computes a
 * rider's view from the lines' state. The web app (TrackingModule), the worker's ticks and the command line
 * all use these.
 */
@Module({
  imports: [CatalogModule, LinesModule],
  providers: [TrackingRepository, TrackingViews],
  exports: [TrackingRepository, TrackingViews, LinesModule],
})
export class TrackingDataModule {}
