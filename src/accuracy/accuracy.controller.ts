import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiThrottled } from '../http/api-errors';
import { Clock } from '../shared/clock';
import { AccuracyResponse } from './dto/accuracy.response';
import { EtaAccuracyStore } from './eta-accuracy.store';

@ApiTags('accuracy')
@Controller('api')
@ApiThrottled()
export class AccuracyController {
  constructor(
    private readonly store: EtaAccuracyStore,
    private readonly clock: Clock,
  ) {}

  @Get('accuracy')
  @ApiOperation({
    summary: 'How right the ETAs shown today were, by the ETA Accuracy Benchmark',
    description:
      'Every ETA the dashboard showed for a tracked stop is kept until the bus is seen past the stop, then scored ' +
      'against when it reached it: right when the bus came within the window of its bucket (0–3 min: 30 s early to ' +
      '90 s late; 3–6: 1 min to 2.5 min; 6–10: 1 min to 3.5 min; 10–15: 1.5 min to 4.5 min). A bus that leaves ' +
      'the feed before passing is not scored. See docs/eta.md.',
  })
  @ApiOkResponse({ type: AccuracyResponse })
  @ApiErrors({ 503: 'The live accuracy is unavailable for a moment (the shared store does not answer)' })
  async accuracy(): Promise<AccuracyResponse> {
    const now = this.clock.now();
    const figures = await this.store.figures(now).catch(() => {
      throw new ServiceUnavailableException(
        'The live accuracy is unavailable for a moment (the shared store does not answer)',
      );
    });
    return {
      today: { ...figures.today, since: figures.today.since.toISOString() },
      total: figures.total,
      generatedAt: now.toISOString(),
    };
  }
}
