import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';

/** Process-wide helpers every feature module may inject. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class SharedModule {}
