import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { exposition } from './merge-metrics';
import { WebMetrics } from './web-metrics';
import { WorkerSnapshots } from './worker-snapshots';

@ApiTags('health')
@Controller('metrics')
@SkipThrottle()
export class MetricsController {
  constructor(
    private readonly web: WebMetrics,
    private readonly snapshots: WorkerSnapshots,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics of the web app and of every live worker (label worker="host:pid")' })
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  async metrics(): Promise<string> {
    const snapshots = await this.snapshots.readAll().catch(() => []);
    return exposition(this.web.registry, snapshots);
  }
}
