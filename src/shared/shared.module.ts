import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { RedisConnection } from './redis.provider';

/** Process-wide helpers every feature module may inject. */
@Global()
@Module({ providers: [Clock, RedisConnection], exports: [Clock, RedisConnection] })
export class SharedModule {}
