import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, Validate, ValidatorConstraint } from 'class-validator';
import type { ValidatorConstraintInterface } from 'class-validator';
import { parseDuration } from '../../shared/duration';
import { CLEANABLE_STATES, CleanableState, JOB_STATES, JobState } from '../queue-admin.service';
import { PlainNumber } from '../../http/validation/plain-number.transform';

/** What parseDuration reads (any case, spaces around), as a pattern for the OpenAPI document. */
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?([mM][sS]|[sSmMhHdDwW]))+)\\s*$';

@ValidatorConstraint({ name: 'duration' })
class IsDuration implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseDuration(value) !== undefined;
  }

  defaultMessage(): string {
    return 'olderThan must be a duration such as "1d", "12h", "30m" or "90s"';
  }
}

export class ListJobsQuery {
  @ApiPropertyOptional({ enum: JOB_STATES, default: 'failed', description: 'jobs in this state' })
  @IsOptional()
  @IsIn(JOB_STATES, { message: `state must be one of ${JOB_STATES.join(', ')}` })
  state?: JobState;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'at most this many jobs',
    minimum: 1,
    maximum: 500,
    default: 20,
  })
  @IsOptional()
  @PlainNumber()
  @IsInt({ message: 'limit must be a whole number from 1 to 500' })
  @Min(1, { message: 'limit must be a whole number from 1 to 500' })
  @Max(500, { message: 'limit must be a whole number from 1 to 500' })
  limit?: number;
}

export class CleanQueueDto {
  @ApiProperty({ enum: CLEANABLE_STATES, description: 'finished jobs only: pending ticks are the trackings’ chains' })
  @IsIn(CLEANABLE_STATES, {
    message: `state must be ${CLEANABLE_STATES.join(' or ')} (pending ticks are never cleaned: stop the tracking instead)`,
  })
  state: CleanableState;

  @ApiProperty({
    example: '1d',
    description:
      'remove jobs that finished longer ago than this: an amount and a unit (ms, s, m, h, d, w), such as "1d", ' +
      '"12h", "1h30m" or "0s"; a bare number is seconds',
    pattern: DURATION_PATTERN,
    maxLength: 32,
  })
  @IsString()
  @MaxLength(32, { message: 'olderThan must be a duration such as "1d", "12h", "30m" or "90s"' })
  @Validate(IsDuration)
  olderThan: string;
}

const integer = { type: 'integer' } as const;
const dateTime = { type: String, format: 'date-time' } as const;
const nullableDateTime = { ...dateTime, nullable: true } as const;

export class WorkerResponse {
  @ApiProperty() id: string;
  @ApiProperty() host: string;
  @ApiProperty(integer) pid: number;
  @ApiProperty(dateTime) startedAt: string;
  @ApiProperty({ ...integer, description: 'ticks it takes at once (WORKER_CONCURRENCY)' }) concurrency: number;
  @ApiProperty(dateTime) lastBeatAt: string;
}

export class JobCountsResponse {
  @ApiProperty(integer) waiting: number;
  @ApiProperty(integer) active: number;
  @ApiProperty(integer) delayed: number;
  @ApiProperty(integer) completed: number;
  @ApiProperty(integer) failed: number;
  @ApiProperty(integer) paused: number;
}

export class QueueOverviewResponse {
  @ApiProperty({ type: JobCountsResponse }) counts: JobCountsResponse;
  @ApiProperty({ description: 'paused for every worker' }) paused: boolean;
  @ApiProperty({ type: [WorkerResponse], description: 'workers with a heartbeat in the last 15 s' })
  workers: WorkerResponse[];
}

export class JobResponse {
  @ApiProperty({ example: 'tick:103:12' }) id: string;
  @ApiProperty({ example: 'track-buses' }) name: string;
  @ApiProperty({ enum: [...JOB_STATES, 'stuck', 'unknown'] }) state: string;
  @ApiProperty({ example: { line: '103', seq: 12, scheduledAt: '2026-11-29T16:18:00.000Z' } })
  data: unknown;
  @ApiProperty(integer) attemptsMade: number;
  @ApiProperty(integer) attempts: number;
  @ApiProperty({ nullable: true, type: String }) failedReason: string | null;
  @ApiProperty({ nullable: true, description: 'what the job returned (a tick: its outcome)' }) returnValue: unknown;
  @ApiProperty(dateTime) createdAt: string;
  @ApiProperty(nullableDateTime) dueAt: string | null;
  @ApiProperty(nullableDateTime) processedAt: string | null;
  @ApiProperty(nullableDateTime) finishedAt: string | null;
}

export class CleanResponse {
  @ApiProperty({ enum: CLEANABLE_STATES }) state: string;
  @ApiProperty() olderThan: string;
  @ApiProperty(integer) removed: number;
}

export class PausedResponse {
  @ApiProperty() paused: boolean;
}
