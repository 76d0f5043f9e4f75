import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueModule } from '../queue/queue.module';
import { HealthController } from './health.controller';
import { InfrastructureHealth } from './infrastructure.health';
import { UpstreamGate } from '../buses/stm/upstream-gate';

/** /health (liveness) and /health/ready (database, Redis, workers, upstream). */
@Module({
  imports: [
    // A failed readiness answers 503 naming the check; logging it at every probe would flood the logs.
    TerminusModule.forRoot({ logger: false }),
    QueueModule,
  ],
  controllers: [HealthController],
  providers: [InfrastructureHealth, UpstreamGate],
})
export class HealthModule {}
