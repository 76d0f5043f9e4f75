import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res, UseFilters } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Response } from 'express';
import { ErrorResponse } from '../http/error.response';
import { BusesQuery, ListTrackingsQuery } from './dto/list-trackings.query';
import { StartTrackingDto } from './dto/start-tracking.dto';
import { StartTrackingResponse, TrackingBusesResponse, TrackingResponse } from './dto/tracking.response';
import { TrackingErrorsFilter } from './tracking-errors.filter';
import { toBusResponse, toTrackingResponse } from './tracking.mapper';
import { TrackingService } from './tracking.service';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('trackings')
@Controller('api/trackings')
@UseFilters(TrackingErrorsFilter)
@ApiBadRequestResponse({ type: ErrorResponse })
export class TrackingController {
  constructor(private readonly trackings: TrackingService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start tracking lines at a stop (returns the identical active tracking if there is one)' })
  @ApiAcceptedResponse({ type: StartTrackingResponse, description: 'created; the first tick is queued' })
  @ApiOkResponse({ type: StartTrackingResponse, description: 'an identical tracking was already active' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'unknown stop' })
  @ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'MAX_ACTIVE_TRACKINGS reached' })
  async start(
    @Body() dto: StartTrackingDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StartTrackingResponse> {
    const { tracking, created, warning } = await this.trackings.start(dto);
    res.status(created ? 202 : 200).location(`/api/trackings/${tracking.id}`);
    return { ...toTrackingResponse(tracking), created, ...(warning ? { warning } : {}) };
  }

  @Get()
  @ApiOperation({ summary: 'List trackings, newest first' })
  @ApiOkResponse({ type: [TrackingResponse] })
  async list(@Query() query: ListTrackingsQuery): Promise<TrackingResponse[]> {
    return (await this.trackings.list(query.status, query.limit)).map(toTrackingResponse);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One tracking: status, lines, runs, failures, why it ended' })
  @ApiOkResponse({ type: TrackingResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async get(@Param('id', uuid) id: string): Promise<TrackingResponse> {
    return toTrackingResponse(await this.trackings.get(id));
  }

  @Get(':id/buses')
  @ApiOperation({ summary: 'The dashboard: buses coming to the stop, nearest first' })
  @ApiOkResponse({ type: TrackingBusesResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
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
  @ApiOperation({ summary: 'Stop a tracking; its pending tick is removed at once' })
  @ApiOkResponse({ type: TrackingResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async stop(@Param('id', uuid) id: string): Promise<TrackingResponse> {
    return toTrackingResponse(await this.trackings.stop(id));
  }
}
