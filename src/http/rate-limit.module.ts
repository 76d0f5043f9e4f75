import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';

/**
 * Rate limits every route of the web app (@SkipThrottle() opts out: health probes and the metrics
 * scrape): THROTTLE_LIMIT requests per client address and route per THROTTLE_TTL_SECONDS.
 * Counters live in each web process: with N web processes behind a balancer, a client gets up to
 * N times the limit, which is what the limit is for (floods), not a quota.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: config.http.throttleTtlSeconds * 1000, limit: config.http.throttleLimit }],
        skipIf: () => config.http.throttleLimit === 0,
        errorMessage: `Too many requests from your address; at most ${config.http.throttleLimit} per ${config.http.throttleTtlSeconds} s on one route. Try again shortly`,
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class RateLimitModule {}
