import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { ApiErrors, ApiJsonBodyErrors, ApiThrottled } from '../http/api-errors';
import { ApiTrackingIdParam } from '../http/id.pipe';
import { BusesQuery, ListTrackingsQuery } from './dto/list-trackings.query';
import { StartTrackingDto } from './dto/start-tracking.dto';
import { StartTrackingResponse, TrackingBusesResponse, TrackingResponse } from './dto/tracking.response';
import { TrackingErrorsFilter } from './tracking-errors.filter';
import { toBusResponse, toTrackingResponse } from './tracking.mapper';
import { TrackingService } from './tracking.service';

const uuid = new ParseUUIDPipe({ version: '4' });
const BAD_ID = { description: 'the id is not a UUID', message: 'Validation failed (uuid v4 is expected)' };
const NO_TRACKING = {
  description: 'no tracking has this id',
  message: 'No tracking with id 5d1c7a2e-4b7e-4c59-9a57-2f0a7e3c1b10',
};
const LOCATION = {
  Location: { description: 'the tracking’s address, /api/trackings/{id}', schema: { type: 'string' } },
};

@ApiTags('trackings')
@Controller('api/trackings')
@UseFilters(TrackingErrorsFilter)
@ApiThrottled()
export class TrackingController {
  constructor(private readonly trackings: TrackingService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start tracking lines at a stop (returns the identical active tracking if there is one)',
    description:
      'Lines are trimmed, upper-cased, de-duplicated and sorted; so are variant ids. The answer comes at once: ' +
      'the first tick is queued, and a worker fills in the buses within seconds (`warning` says so when no ' +
      'worker is alive). Follow it with `GET /api/trackings/{id}/buses` or the live stream `/events`.',
  })
  @ApiAcceptedResponse({
    type: StartTrackingResponse,
    description: 'created; the first tick is queued',
    headers: LOCATION,
  })
  @ApiOkResponse({
    type: StartTrackingResponse,
    description: 'an identical tracking was already active',
    headers: LOCATION,
  })
  @ApiErrors({
    400: {
      examples: {
        invalid: { summary: 'a rule of the body is broken', message: 'lines must name at least one line' },
        unknownLine: {
          summary: 'a line that is not in the catalogue',
          message: 'Unknown line(s): 999; see GET /api/lines or GET /api/stops/3227 for the lines at this stop',
        },
        foreignVariant: {
          summary: 'a variant of another line',
          message: 'Variant(s) 7962 do not belong to line(s) 103, 109',
        },
        unknownField: {
          summary: 'a field the body does not take',
          message: 'unknown field "line": remove it (accepted fields are documented at /docs)',
        },
        malformed: { summary: 'the body is not JSON', message: 'Malformed request body: send valid JSON' },
      },
    },
    404: {
      description: 'the stop is not in the catalogue',
      message: 'Stop 999999 is not in the catalogue; find stops with GET /api/stops?q=<street or id>',
    },
    429: {
      description: 'the rate limit of your address, or MAX_ACTIVE_TRACKINGS reached',
      examples: {
        throttled: {
          summary: 'too many requests from your address',
          message: 'Too many requests from your address; at most 600 per 60 s on one route. Try again shortly',
        },
        cap: {
          summary: 'the service tracks its maximum of stops',
          message: 'The service is tracking its maximum of 1000 stops at once; try again later',
        },
      },
    },
  })
  @ApiJsonBodyErrors()
  async start(
    @Body() dto: StartTrackingDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StartTrackingResponse> {
    const { tracking, created, warning } = await this.trackings.start(dto);
    res.status(created ? 202 : 200).location(`/api/trackings/${tracking.id}`);
    return { ...toTrackingResponse(tracking), created, ...(warning ? { warning } : {}) };
  }

  @Get()
  @ApiOperation({
    summary: 'List trackings, newest first',
    description: 'All trackings, or those of one status; at most `limit`.',
  })
  @ApiOkResponse({ type: [TrackingResponse] })
  @ApiErrors({ 400: 'status must be one of active, stopped, expired, failed' })
  async list(@Query() query: ListTrackingsQuery): Promise<TrackingResponse[]> {
    return (await this.trackings.list(query.status, query.limit)).map(toTrackingResponse);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One tracking: status, lines, runs, failures, why it ended',
    description: 'Its state as the worker last recorded it: ticks run, last success, consecutive failures.',
  })
  @ApiTrackingIdParam()
  @ApiOkResponse({ type: TrackingResponse })
  @ApiErrors({ 400: BAD_ID, 404: NO_TRACKING })
  async get(@Param('id', uuid) id: string): Promise<TrackingResponse> {
    return toTrackingResponse(await this.trackings.get(id));
  }

  @Get(':id/buses')
  @ApiOperation({
    summary: 'The dashboard: buses coming to the stop, nearest first',
    description:
      'Buses of the tracked lines seen in the last 5 minutes that have not passed the stop, nearest first, ' +
      'with distance, speed and ETA. `includePassed=true` adds the ones that passed and those whose variant ' +
      'does not serve the stop.',
  })
  @ApiTrackingIdParam()
  @ApiOkResponse({ type: TrackingBusesResponse })
  @ApiErrors({
    400: {
      examples: {
        badId: { summary: BAD_ID.description, message: BAD_ID.message },
        includePassed: {
          summary: 'includePassed is not true or false',
          message: 'includePassed must be true or false',
        },
      },
    },
    404: NO_TRACKING,
  })
  async buses(@Param('id', uuid) id: string, @Query() query: BusesQuery): Promise<TrackingBusesResponse> {
    const { tracking, buses, now } = await this.trackings.buses(id, query.includePassed === 'true');
    return {
      trackingId: tracking.id,
      status: tracking.status,
      stopId: tracking.stopId,
      lastSuccessAt: tracking.lastSuccessAt?.toISOString() ?? null,
      generatedAt: now.toISOString(),
      buses: buses.map((b) => toBusResponse(b, now)),
    };
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a tracking; its pending tick is removed at once',
    description: 'Stopping an ended tracking changes nothing and answers it as it is.',
  })
  @ApiTrackingIdParam()
  @ApiOkResponse({ type: TrackingResponse })
  @ApiErrors({ 400: BAD_ID, 404: NO_TRACKING })
  @ApiJsonBodyErrors()
  async stop(@Param('id', uuid) id: string): Promise<TrackingResponse> {
    return toTrackingResponse(await this.trackings.stop(id));
  }
}
