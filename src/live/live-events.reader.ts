import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not } from 'typeorm';
import { Tracking } from '../tracking/entities/tracking.entity';
import { toBusResponse, toTrackingResponse } from '../tracking/tracking.mapper';
import { TrackingService } from '../tracking/tracking.service';
import { LiveEvent } from './live-event';

/** Reads what a viewer is sent from the database, through the same service the REST routes use. */
@Injectable()
export class LiveEventsReader {
  constructor(
    private readonly trackings: TrackingService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The same answer as `GET /api/trackings/:id/buses` (test/live.e2e-spec.ts compares the two). */
  async buses(trackingId: string): Promise<LiveEvent> {
    const { tracking, buses, now } = await this.trackings.buses(trackingId, false);
    return {
      type: 'buses',
      data: {
        trackingId: tracking.id,
        status: tracking.status,
        stopId: tracking.stopId,
        lastSuccessAt: tracking.lastSuccessAt?.toISOString() ?? null,
        generatedAt: now.toISOString(),
        buses: buses.map((b) => toBusResponse(b, now)),
      },
    };
  }

  async status(trackingId: string): Promise<LiveEvent> {
    return { type: 'status', data: toTrackingResponse(await this.trackings.get(trackingId)) };
  }

  /** Which of these trackings are no longer active (one query, however many). */
  async endedAmong(trackingIds: string[]): Promise<string[]> {
    const ended = await this.dataSource.getRepository(Tracking).find({
      select: { id: true },
      where: { id: In(trackingIds), status: Not('active') },
    });
    return ended.map((t) => t.id);
  }

  /**
   * What a viewer gets on connect: the bus list and, when the tracking has already ended, its
   * status (the stream then closes).
   */
  async snapshot(trackingId: string): Promise<LiveEvent[]> {
    const buses = await this.buses(trackingId);
    return buses.type === 'buses' && buses.data.status !== 'active' ? [buses, await this.status(trackingId)] : [buses];
  }
}
