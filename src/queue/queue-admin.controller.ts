import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { ApiAdminErrors, ApiErrors, ApiJsonBodyErrors, ApiThrottled } from '../http/api-errors';
import { parseDuration } from '../shared/duration';
import {
  CleanQueueDto,
  CleanResponse,
  JobResponse,
  ListJobsQuery,
  PausedResponse,
  QueueOverviewResponse,
} from './dto/queue-admin.dto';
import { QueueAdminErrorsFilter } from './queue-admin.filter';
import { JobView, QueueAdminService, QueueOverview } from './queue-admin.service';
import { BAD_JOB_ID, JOB_ID_PATTERN, JobIdPipe } from './job-id.pipe';

const JOB_ID = 'tick:5d1c7a2e-4b7e-4c59-9a57-2f0a7e3c1b10:12';
const ApiJobIdParam = () =>
  ApiParam({
    name: 'id',
    description: 'a job id: ours, `tick:<tracking id>:<n>`, or a number Bull gave',
    schema: { type: 'string', pattern: JOB_ID_PATTERN.source, maxLength: 200, example: JOB_ID },
  });
const NO_JOB = {
  description: 'no job has this id',
  message: `No job with id ${JOB_ID} (it may have finished and been trimmed; see GET /api/queue/jobs)`,
};

/** The queue for operators (SPEC §4.1): reading is open, changing needs the admin token. */
@ApiTags('queue')
@Controller('api/queue')
@UseFilters(QueueAdminErrorsFilter)
@ApiThrottled()
export class QueueAdminController {
  constructor(private readonly admin: QueueAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'Job counts by state, whether the queue is paused, and the live workers',
    description: 'Workers count as live while their heartbeat in Redis is fresh (the last 15 s).',
  })
  @ApiOkResponse({ type: QueueOverviewResponse })
  overview(): Promise<QueueOverview> {
    return this.admin.overview();
  }

  @Get('jobs')
  @ApiOperation({
    summary: 'Jobs in one state (default failed), with data, attempts, failure reason and times',
    description: 'Newest first, at most `limit`.',
  })
  @ApiOkResponse({ type: [JobResponse] })
  @ApiErrors({ 400: 'state must be one of waiting, active, delayed, completed, failed, paused' })
  jobs(@Query() query: ListJobsQuery): Promise<JobView[]> {
    return this.admin.jobs(query.state ?? 'failed', query.limit ?? 20);
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'One job', description: 'Its data, state, attempts, failure reason and times.' })
  @ApiJobIdParam()
  @ApiOkResponse({ type: JobResponse })
  @ApiErrors({ 400: BAD_JOB_ID, 404: NO_JOB })
  job(@Param('id', JobIdPipe) id: string): Promise<JobView> {
    return this.admin.job(id);
  }

  @Post('jobs/:id/retry')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({
    summary: 'Run a failed job again (admin)',
    description: 'Only a failed job can be retried; it goes back to waiting with its attempts reset.',
  })
  @ApiJobIdParam()
  @ApiOkResponse({ type: JobResponse })
  @ApiErrors({
    400: BAD_JOB_ID,
    404: NO_JOB,
    409: {
      description: 'the job is not failed',
      message: `Job ${JOB_ID} is delayed; only failed jobs can be retried`,
    },
  })
  @ApiAdminErrors()
  @ApiJsonBodyErrors()
  retry(@Param('id', JobIdPipe) id: string): Promise<JobView> {
    return this.admin.retry(id);
  }

  @Delete('jobs/:id')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({
    summary: 'Remove a job that is not running (admin)',
    description: 'A removed pending tick of an active tracking comes back: the reconciler re-creates the chain.',
  })
  @ApiJobIdParam()
  @ApiOkResponse({ type: JobResponse, description: 'the job as it was' })
  @ApiErrors({
    400: BAD_JOB_ID,
    404: NO_JOB,
    409: { description: 'the job is running', message: `Job ${JOB_ID} is running; it can be removed once it finishes` },
  })
  @ApiAdminErrors()
  @ApiJsonBodyErrors()
  remove(@Param('id', JobIdPipe) id: string): Promise<JobView> {
    return this.admin.remove(id);
  }

  @Post('clean')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({
    summary: 'Remove completed or failed jobs older than a duration (admin)',
    description: 'Finished jobs only: pending ticks are the trackings’ chains (stop a tracking to end its chain).',
  })
  @ApiOkResponse({ type: CleanResponse })
  @ApiErrors({ 400: 'olderThan must be a duration such as "1d", "12h", "30m" or "90s"' })
  @ApiAdminErrors()
  @ApiJsonBodyErrors()
  async clean(@Body() body: CleanQueueDto): Promise<CleanResponse> {
    const removed = await this.admin.clean(body.state, parseDuration(body.olderThan)!);
    return { state: body.state, olderThan: body.olderThan, removed };
  }

  @Post('pause')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({
    summary: 'Pause the queue for every worker (admin)',
    description: 'Running ticks finish; no new one starts until resume. Trackings stay active meanwhile.',
  })
  @ApiOkResponse({ type: PausedResponse })
  @ApiErrors({ 400: true })
  @ApiAdminErrors()
  @ApiJsonBodyErrors()
  async pause(): Promise<PausedResponse> {
    return { paused: await this.admin.pause() };
  }

  @Post('resume')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Resume a paused queue (admin)', description: 'Workers take ticks again at once.' })
  @ApiOkResponse({ type: PausedResponse })
  @ApiErrors({ 400: true })
  @ApiAdminErrors()
  @ApiJsonBodyErrors()
  async resume(): Promise<PausedResponse> {
    return { paused: await this.admin.resume() };
  }
}
