import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BUS_STATUSES, BusStatus } from '../../buses/domain/bus-status';
import { UPSTREAM_STATES, UpstreamStateName } from '../../buses/upstream-state';
import { TRACKING_STATUSES, TrackingStatus } from '../entities/tracking.entity';

/** An instant as the API writes it: ISO 8601 in UTC. */
const dateTime = (description?: string) => ({ type: String, format: 'date-time', description });
const nullableDateTime = (description?: string) => ({ ...dateTime(description), nullable: true });

export class UpstreamResponse {
  @ApiProperty({
    enum: UPSTREAM_STATES,
    description:
      "ok: the city's data reaches the tracked lines; stale: it is late (no poll succeeded for three intervals); " +
      "unavailable: the polls fail (the city's API is down, rate-limits us or refuses us). The tracking stays active " +
      'throughout, showing its last known buses as stale.',
  })
  state: UpstreamStateName;
  @ApiProperty(nullableDateTime('since when (null while ok)')) since: string | null;
  @ApiProperty(nullableDateTime('when the next attempt is due')) nextAttemptAt: string | null;
}

export class TrackingResponse {
  @ApiProperty({ format: 'uuid', example: '5d1c7a2e-4b7e-4c59-9a57-2f0a7e3c1b10' }) id: string;
  @ApiProperty({ type: 'integer', example: 3227 }) stopId: number;
  @ApiProperty({ type: [String], example: ['103', '109'] }) lines: string[];
  @ApiProperty({ type: 'integer', isArray: true, example: [] }) variantIds: number[];
  @ApiProperty({ enum: TRACKING_STATUSES }) status: TrackingStatus;
  @ApiProperty(dateTime()) startedAt: string;
  @ApiProperty(nullableDateTime()) endedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'why it ended (stopped, expired, failed)' })
  stopReason: string | null;
  @ApiProperty(nullableDateTime()) lastRunAt: string | null;
  @ApiProperty(nullableDateTime()) lastSuccessAt: string | null;
  @ApiProperty(nullableDateTime('when the next tick of its lines is due (active only)')) nextTickAt: string | null;
  @ApiProperty({ type: 'integer', description: 'polls of its lines since it started (the most of any one line)' })
  runs: number;
  @ApiProperty({ type: 'integer', description: 'buses of the tracked lines in the last successful poll' })
  busesSeen: number;
  @ApiProperty({
    type: 'integer',
    description: 'failed polls in a row of its most failing line (an outage never fails a tracking)',
  })
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
  @ApiProperty({ type: 'integer', example: 671 }) busId: number;
  @ApiProperty({ example: 'CUTCSA' }) company: string;
  @ApiProperty({ example: '109' }) line: string;
  @ApiProperty({ type: 'integer', example: 469 }) variantId: number;
  @ApiProperty({ example: 'PLAZA INDEPENDENCIA' }) destination: string;
  @ApiProperty({
    type: 'integer',
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
    type: 'integer',
    description: 'seconds until the bus reaches the stop, counted from its last fix; null when stale or unknown',
  })
  etaSeconds: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) etaMinutes: number | null;
  @ApiProperty({ enum: BUS_STATUSES }) status: BusStatus;
  @ApiProperty() passed: boolean;
  @ApiProperty({
    type: Number,
    isArray: true,
    minItems: 2,
    maxItems: 2,
    description: '[longitude, latitude] of the last fix',
    example: [-56.1476, -34.8791],
  })
  location: [number, number];
  @ApiProperty(dateTime('when our poll last saw the bus')) lastSeenAt: string;
  @ApiProperty(dateTime("the API's timestamp of the last fix")) lastFixAt: string;
  @ApiProperty({ type: 'integer', description: 'age of the last fix, seconds' }) dataAgeSeconds: number;
  @ApiProperty({ description: 'true when the last fix is older than 90 s' }) stale: boolean;
  @ApiProperty({ type: 'integer', description: "positions known for this bus (its line's last polls, at most 30)" })
  positionsCount: number;
}

export class ScheduledArrivalResponse {
  @ApiProperty({ example: '109' }) line: string;
  @ApiProperty({ type: 'integer', example: 469 }) variantId: number;
  @ApiProperty({ example: 'PLAZA INDEPENDENCIA' }) destination: string;
  @ApiProperty(
    nullableDateTime(
      "when it leaves its first stop, from the city's timetable; null for a bus waiting at its terminus whose " +
        'variant has no departure due',
    ),
  )
  departureAt: string | null;
  @ApiProperty(
    nullableDateTime(
      'when it should reach the stop: the departure plus the running time from the first stop along the route ' +
        '(its length at a typical bus pace, with a dwell at each stop on the way; the timetable gives departures only)',
    ),
  )
  arrivalAt: string | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'seconds from now until arrivalAt' })
  etaSeconds: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'CUTCSA',
    description: 'the operator of the bus waiting at its terminus; null for a timetable entry',
  })
  company: string | null;
  @ApiProperty({
    nullable: true,
    type: 'integer',
    example: 671,
    description: 'the bus waiting at its terminus to make this trip; null for a timetable entry with no bus seen yet',
  })
  busId: number | null;
}

export class TrackingBusesResponse {
  @ApiProperty({ format: 'uuid' }) trackingId: string;
  @ApiProperty({ enum: TRACKING_STATUSES }) status: TrackingStatus;
  @ApiProperty({ type: 'integer', example: 3227 }) stopId: number;
  @ApiProperty(nullableDateTime()) lastSuccessAt: string | null;
  @ApiProperty(dateTime('when this answer was computed')) generatedAt: string;
  @ApiProperty({ type: UpstreamResponse, nullable: true, description: 'null once the tracking has ended' })
  upstream: UpstreamResponse | null;
  @ApiProperty({ type: [BusResponse], description: 'nearest first' }) buses: BusResponse[];
  @ApiProperty({
    type: [ScheduledArrivalResponse],
    description:
      'buses not yet on their way, apart from the live ones: the next departures of the variants that call at the ' +
      'stop (at most 3 per line, within the next 3 hours) and the buses waiting at their terminus, soonest first',
  })
  scheduled: ScheduledArrivalResponse[];
}
