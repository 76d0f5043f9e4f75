import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BUS_STATUSES, BusStatus } from '../../buses/domain/bus-status';
import { UPSTREAM_STATES, UpstreamStateName } from '../../buses/upstream-state';
import { TRACKING_STATUSES, TrackingStatus } from '../entities/tracking.entity';

export class UpstreamResponse {
  @ApiProperty({
    enum: UPSTREAM_STATES,
    description:
      "ok: the city's data reaches the tracked lines; stale: it is late (no poll succeeded for three intervals); " +
      "unavailable: the polls fail (the city's API is down, rate-limits us or refuses us). The tracking stays active " +
      'throughout, showing its last known buses as stale.',
  })
  state: UpstreamStateName;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'since when (null while ok)' })
  since: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'when the next attempt is due' })
  nextAttemptAt: string | null;
}

export class TrackingResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 1478 }) stopId: number;
  @ApiProperty({ type: [String], example: ['147', '148'] }) lines: string[];
  @ApiProperty({ type: [Number], example: [] }) variantIds: number[];
  @ApiProperty({ enum: TRACKING_STATUSES }) status: TrackingStatus;
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String }) endedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'why it ended (stopped, expired, failed)' })
  stopReason: string | null;
  @ApiProperty({ nullable: true, type: String }) lastRunAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastSuccessAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'when the next tick is due (active only)' })
  nextTickAt: string | null;
  @ApiProperty({ description: 'polls of its lines since it started (the most of any one line)' }) runs: number;
  @ApiProperty({ description: 'buses of the tracked lines in the last successful poll' }) busesSeen: number;
  @ApiProperty({ description: 'failed polls in a row of its most failing line (an outage never fails a tracking)' })
  consecutiveFailures: number;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({
    type: UpstreamResponse,
    nullable: true,
    description: "whether the city's data reaches the tracked lines; null once the tracking has ended",
  })
  upstream: UpstreamResponse | null;
}

export class StartTrackingResponse extends TrackingResponse {
  @ApiProperty({
    description: 'false when the Idempotency-Key named a tracking an earlier request started (the first answer again)',
  })
  created: boolean;
  @ApiPropertyOptional({ description: 'something the caller should know, such as no worker running' })
  warning?: string;
}

export class BusResponse {
  @ApiProperty() busId: number;
  @ApiProperty({ example: 'CUTCSA' }) company: string;
  @ApiProperty({ example: '147' }) line: string;
  @ApiProperty() variantId: number;
  @ApiProperty() destination: string;
  @ApiProperty({
    description:
      "metres to the stop along the route where the variant's stop sequence is known, else the straight line times 1.3",
  })
  distanceMeters: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'speed from the position history (along the route where known), km/h',
  })
  speedKmh: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'seconds until the bus reaches the stop, counted from its last fix; null when stale or unknown',
  })
  etaSeconds: number | null;
  @ApiProperty({ nullable: true, type: Number }) etaMinutes: number | null;
  @ApiProperty({ enum: BUS_STATUSES }) status: BusStatus;
  @ApiProperty() passed: boolean;
  @ApiProperty({ type: [Number], description: '[longitude, latitude] of the last fix' }) location: [number, number];
  @ApiProperty({ description: 'when our poll last saw the bus' }) lastSeenAt: string;
  @ApiProperty({ description: "the API's timestamp of the last fix" }) lastFixAt: string;
  @ApiProperty({ description: 'age of the last fix, seconds' }) dataAgeSeconds: number;
  @ApiProperty({ description: 'true when the last fix is older than 90 s' }) stale: boolean;
  @ApiProperty({ description: "positions known for this bus (its line's last polls, at most 30)" })
  positionsCount: number;
}

export class TrackingBusesResponse {
  @ApiProperty({ format: 'uuid' }) trackingId: string;
  @ApiProperty({ enum: TRACKING_STATUSES }) status: TrackingStatus;
  @ApiProperty() stopId: number;
  @ApiProperty({ nullable: true, type: String }) lastSuccessAt: string | null;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: UpstreamResponse, nullable: true, description: 'null once the tracking has ended' })
  upstream: UpstreamResponse | null;
  @ApiProperty({ type: [BusResponse], description: 'nearest first' }) buses: BusResponse[];
}
