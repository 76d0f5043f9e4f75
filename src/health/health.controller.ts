import { Controller, Get, ServiceUnavailableException, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Response } from 'express';
import { InfrastructureHealth, PROBE_TIMEOUT_MS } from './infrastructure.health';

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ type: 'integer', description: 'seconds since this web process started', example: 42 })
  uptimeSeconds: number;
}

/** Liveness for supervisors and load balancers; readiness of the whole system for operators. */
@ApiTags('health')
@Controller('health')
@SkipThrottle()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly infrastructure: InfrastructureHealth,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Liveness: the web process answers (checks nothing else)',
    description: 'For supervisors and load balancers: it answers 200 as long as the process serves HTTP.',
  })
  @ApiOkResponse({ type: LivenessResponse, description: 'the process is up' })
  live(): LivenessResponse {
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: database, Redis, at least one live worker, and the STM API (or simulator)',
    description: 'Each check under `details`; a failed one under `error` too, with why, and the answer is 503.',
  })
  @ApiServiceUnavailableResponse({ description: 'one of them is down; `error` names it and says why' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: PROBE_TIMEOUT_MS }),
        () => this.infrastructure.redisCheck('redis'),
        () => this.infrastructure.workersCheck('workers'),
        () => this.infrastructure.upstreamCheck('upstream'),
      ]);
    } catch (error) {
      // Terminus reports a failed check as a 503 carrying the full result; answer with it as it is
      // (the global filter would reduce it to a message and lose which check failed).
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
