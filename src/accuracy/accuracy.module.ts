import { Module } from '@nestjs/common';
import { AccuracyDataModule } from './accuracy-data.module';
import { AccuracyController } from './accuracy.controller';

/** GET /api/accuracy: the live feed's ETA accuracy, for riders and operators alike (read only). */
@Module({ imports: [AccuracyDataModule], controllers: [AccuracyController] })
export class AccuracyModule {}
