import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({
    summary: 'Prometheus metrics of the web app and of every live worker',
    description:
      'The text exposition format. Every series carries `process` ("web" or "worker"); a worker’s series also ' +
      '`worker="<host>:<pid>"`. Standard process and Node.js figures keep their usual names. See docs/operations.md.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format (version 0.0.4)',
    schema: {
      type: 'string',
      example: '# TYPE bus_tracker_active_trackings gauge\nbus_tracker_active_trackings{process="web"} 3\n',
    },
  })
  async metrics(): Promise<string> {
    const snapshots = await this.snapshots.readAll().catch(() => []);
    return exposition(this.web.registry, snapshots);
  }
}
