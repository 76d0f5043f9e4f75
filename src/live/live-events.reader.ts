import { Injectable } from '@nestjs/common';
import { Clock } from '../shared/clock';
import { Tracking } from '../tracking/entities/tracking.entity';
import { toTrackingBusesResponse, toTrackingResponse } from '../tracking/tracking.mapper';
import { TrackingRepository } from '../tracking/tracking.repository';
import { TrackingService } from '../tracking/tracking.service';
import { TrackingViews } from '../tracking/tracking-views';
import { LiveEvent } from './live-event';

/** What a viewer is sent, computed by the same reader the REST routes use. */
@Injectable()
export class LiveEventsReader {
  constructor(
    private readonly trackings: TrackingService,
    private readonly views: TrackingViews,
    private readonly repository: TrackingRepository,
    private readonly clock: Clock,
  ) {}

  /** The same answer as `GET /api/trackings/:id/buses` (test/live.e2e-spec.ts compares the two). */
  async buses(tracking: Tracking): Promise<LiveEvent> {
    return { type: 'buses', data: toTrackingBusesResponse(await this.views.buses(tracking, this.clock.now(), false)) };
  }

  async status(trackingId: string): Promise<LiveEvent> {
    const { tracking, figures } = await this.trackings.summary(trackingId);
    return { type: 'status', data: toTrackingResponse(tracking, figures) };
  }

  /** Which of these trackings are no longer active (one query, however many). */
  endedAmong(trackingIds: string[]): Promise<string[]> {
    return this.repository.endedAmong(trackingIds);
  }
}
