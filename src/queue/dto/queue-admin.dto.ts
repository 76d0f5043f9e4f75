import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, Validate, ValidatorConstraint } from 'class-validator';
import type { ValidatorConstraintInterface } from 'class-validator';
import { parseDuration } from '../../shared/duration';
import { CLEANABLE_STATES, CleanableState, JOB_STATES, JobState } from '../queue-admin.service';

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
  @ApiPropertyOptional({ enum: JOB_STATES, default: 'failed' })
  @IsOptional()
  @IsIn(JOB_STATES, { message: `state must be one of ${JOB_STATES.join(', ')}` })
  state?: JobState;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 20 })
  @IsOptional()
  @Type(() => Number)
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

  @ApiProperty({ example: '1d', description: 'remove jobs that finished longer ago than this ("1d", "12h", "0s")' })
  @IsString()
  @Validate(IsDuration)
  olderThan: string;
}

export class WorkerResponse {
  @ApiProperty() id: string;
  @ApiProperty() host: string;
  @ApiProperty() pid: number;
  @ApiProperty() startedAt: string;
  @ApiProperty() concurrency: number;
  @ApiProperty() lastBeatAt: string;
}

export class JobCountsResponse {
  @ApiProperty() waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty() completed: number;
  @ApiProperty() failed: number;
  @ApiProperty() paused: number;
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
  @ApiProperty() attemptsMade: number;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) failedReason: string | null;
  @ApiProperty({ nullable: true, description: 'what the job returned (a tick: its outcome)' }) returnValue: unknown;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) dueAt: string | null;
  @ApiProperty({ nullable: true, type: String }) processedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}

export class CleanResponse {
  @ApiProperty({ enum: CLEANABLE_STATES }) state: string;
  @ApiProperty() olderThan: string;
  @ApiProperty() removed: number;
}

export class PausedResponse {
  @ApiProperty() paused: boolean;
}
