import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { ErrorResponse } from '../http/error.response';
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
import { JobIdPipe } from './job-id.pipe';

/** The queue for operators (SPEC §4.1): reading is open, changing needs the admin token. */
@ApiTags('queue')
@Controller('api/queue')
@UseFilters(QueueAdminErrorsFilter)
@ApiBadRequestResponse({ type: ErrorResponse })
export class QueueAdminController {
  constructor(private readonly admin: QueueAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Job counts by state, whether the queue is paused, and the live workers' })
  @ApiOkResponse({ type: QueueOverviewResponse })
  overview(): Promise<QueueOverview> {
    return this.admin.overview();
  }

  @Get('jobs')
  @ApiOperation({ summary: 'Jobs in one state (default failed), with data, attempts, failure reason and times' })
  @ApiOkResponse({ type: [JobResponse] })
  jobs(@Query() query: ListJobsQuery): Promise<JobView[]> {
    return this.admin.jobs(query.state ?? 'failed', query.limit ?? 20);
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'One job' })
  @ApiOkResponse({ type: JobResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  job(@Param('id', JobIdPipe) id: string): Promise<JobView> {
    return this.admin.job(id);
  }

  @Post('jobs/:id/retry')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Run a failed job again (admin)' })
  @ApiOkResponse({ type: JobResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'the job is not failed' })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'ADMIN_TOKEN is not set: admin routes are off' })
  retry(@Param('id', JobIdPipe) id: string): Promise<JobView> {
    return this.admin.retry(id);
  }

  @Delete('jobs/:id')
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({
    summary: 'Remove a job that is not running (admin); a removed pending tick of an active tracking comes back',
  })
  @ApiOkResponse({ type: JobResponse, description: 'the job as it was' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'the job is running' })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiForbiddenResponse({ type: ErrorResponse })
  remove(@Param('id', JobIdPipe) id: string): Promise<JobView> {
    return this.admin.remove(id);
  }

  @Post('clean')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Remove completed or failed jobs older than a duration (admin)' })
  @ApiOkResponse({ type: CleanResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiForbiddenResponse({ type: ErrorResponse })
  async clean(@Body() body: CleanQueueDto): Promise<CleanResponse> {
    const removed = await this.admin.clean(body.state, parseDuration(body.olderThan)!);
    return { state: body.state, olderThan: body.olderThan, removed };
  }

  @Post('pause')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Pause the queue for every worker (admin); running ticks finish, no new one starts' })
  @ApiOkResponse({ type: PausedResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiForbiddenResponse({ type: ErrorResponse })
  async pause(): Promise<PausedResponse> {
    return { paused: await this.admin.pause() };
  }

  @Post('resume')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({ summary: 'Resume a paused queue (admin)' })
  @ApiOkResponse({ type: PausedResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  @ApiForbiddenResponse({ type: ErrorResponse })
  async resume(): Promise<PausedResponse> {
    return { paused: await this.admin.resume() };
  }
}
