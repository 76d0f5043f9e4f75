import { Module } from '@nestjs/common';
import { LinePollsRepository } from './line-polls.repository';
import { LineStateStore } from './line-state.store';

/**
 * The lines' shared state, for both sides: their chains of ticks (`line_polls`, written by the worker's ticks
 * and by the starts and ends of trackings) and what each line publishes after its tick (Redis, read by every
 * rider's view).
 */
@Module({ providers: [LinePollsRepository, LineStateStore], exports: [LinePollsRepository, LineStateStore] })
export class LinesModule {}
