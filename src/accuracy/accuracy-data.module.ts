import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { TrackingDataModule } from '../tracking/tracking-data.module';
import { EtaAccuracyRecorder } from './eta-accuracy.recorder';
import { EtaAccuracyStore } from './eta-accuracy.store';

/** The live accuracy's state: recorded by the worker's ticks, read by the web app's route and metrics. */
@Module({
  imports: [CatalogModule, TrackingDataModule],
  providers: [EtaAccuracyStore, EtaAccuracyRecorder],
  exports: [EtaAccuracyStore, EtaAccuracyRecorder],
})
export class AccuracyDataModule {}
