import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { ErrorResponse } from '../http/error.response';
import { BusesQuery, ListTrackingsQuery } from './dto/list-trackings.query';
import { StartTrackingDto } from './dto/start-tracking.dto';
import { StartTrackingResponse, TrackingBusesResponse, TrackingResponse } from './dto/tracking.response';
import { TrackingErrorsFilter } from './tracking-errors.filter';
import { toTrackingBusesResponse, toTrackingResponse } from './tracking.mapper';
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
  @ApiOperation({
    summary: 'Start tracking lines at a stop: the rider’s own tracking',
    description:
      'Every start creates a tracking of its own (its id is the rider’s to keep: it reads and stops it). Its lines ' +
      'are polled with every other tracking of the same lines. Send an `Idempotency-Key` header to make retries ' +
      'safe: a retry with the same key gets the first answer again (header `Idempotent-Replayed: true`), even when ' +
      'the retries race.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'any unique token of yours (1–200 printable characters, such as a UUID)',
  })
  @ApiAcceptedResponse({ type: StartTrackingResponse, description: 'created (or the first answer to this key)' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'the Idempotency-Key was used for a different request' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'unknown stop' })
  @ApiTooManyRequestsResponse({
    type: ErrorResponse,
    description: 'MAX_ACTIVE_TRACKINGS reached, or MAX_ACTIVE_TRACKINGS_PER_CLIENT for this client',
  })
  async start(
    @Body() dto: StartTrackingDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StartTrackingResponse> {
    const key = checkedIdempotencyKey(idempotencyKey);
    const { tracking, figures, created, warning } = await this.trackings.start(dto, {
      clientAddress: req.ip,
      idempotencyKey: key,
    });
    // A retry gets the first answer again (SPEC §3.2), marked as such.
    res.status(202).location(`/api/trackings/${tracking.id}`);
    if (!created) res.setHeader('Idempotent-Replayed', 'true');
    return { ...toTrackingResponse(tracking, figures), created: true, ...(warning ? { warning } : {}) };
  }

  @Get()
  @ApiOperation({ summary: 'List trackings, newest first' })
  @ApiOkResponse({ type: [TrackingResponse] })
  async list(@Query() query: ListTrackingsQuery): Promise<TrackingResponse[]> {
    return (await this.trackings.list(query.status, query.limit)).map((t) => toTrackingResponse(t.tracking, t.figures));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One tracking: status, lines, runs, failures, why it ended' })
  @ApiOkResponse({ type: TrackingResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async get(@Param('id', uuid) id: string): Promise<TrackingResponse> {
    const { tracking, figures } = await this.trackings.summary(id);
    return toTrackingResponse(tracking, figures);
  }

  @Get(':id/buses')
  @ApiOperation({ summary: 'The dashboard: buses coming to the stop, nearest first' })
  @ApiOkResponse({ type: TrackingBusesResponse })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'the live data cannot be read right now (Redis)' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async buses(@Param('id', uuid) id: string, @Query() query: BusesQuery): Promise<TrackingBusesResponse> {
    return toTrackingBusesResponse(await this.trackings.buses(id, query.includePassed === 'true'));
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a tracking (only this one: other riders’ trackings of the same lines go on)' })
  @ApiOkResponse({ type: TrackingResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async stop(@Param('id', uuid) id: string): Promise<TrackingResponse> {
    const { tracking, figures } = await this.trackings.stop(id);
    return toTrackingResponse(tracking, figures);
  }
}

/** An Idempotency-Key is an opaque token of the client's: printable, at most 200 characters. */
function checkedIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new BadRequestException(
      'Idempotency-Key must be 1 to 200 printable characters without spaces, such as a UUID',
    );
  }
  return key;
}
