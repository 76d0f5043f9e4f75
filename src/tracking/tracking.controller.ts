import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { ApiErrors, ApiJsonBodyErrors, ApiThrottled } from '../http/api-errors';
import { UuidParam } from '../http/validation/uuid-param.decorator';
import { BusesQuery, ListTrackingsQuery } from './dto/list-trackings.query';
import { StartTrackingDto } from './dto/start-tracking.dto';
import { StartTrackingResponse, TrackingBusesResponse, TrackingResponse } from './dto/tracking.response';
import { TrackingErrorsFilter } from './tracking-errors.filter';
import { toTrackingBusesResponse, toTrackingResponse } from './tracking.mapper';
import { TrackingService } from './tracking.service';

const BAD_ID = {
  description: 'the id is not a UUID',
  message: 'id must be a tracking id: a uuid such as f937a8b6-ff71-4f88-86e2-8af003dc94f1',
};
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
    summary: 'Start tracking lines at a stop: the rider’s own tracking',
    description:
      'Every start creates a tracking of its own (its id is the rider’s to keep: it reads and stops it); its lines ' +
      'are polled with every other tracking of the same lines. Lines are trimmed, upper-cased, de-duplicated and ' +
      'sorted; so are variant ids. The answer comes at once, and a worker fills in the buses within seconds ' +
      '(`warning` says so when no worker is alive, or when Redis did not answer). Send an `Idempotency-Key` header ' +
      'to make retries safe: a retry with the same key gets the first answer again (header ' +
      '`Idempotent-Replayed: true`), even when the retries race. Follow it with `GET /api/trackings/{id}/buses` ' +
      'or the live stream `/events`.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'any unique token of yours (1–200 printable characters without spaces, such as a UUID)',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$', maxLength: 200 },
  })
  @ApiAcceptedResponse({
    type: StartTrackingResponse,
    description: 'created (or, for a retried Idempotency-Key, the first answer again)',
    headers: {
      ...LOCATION,
      'Idempotent-Replayed': { description: '`true` when this is the first answer again', schema: { type: 'string' } },
    },
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
        idempotencyKey: {
          summary: 'an Idempotency-Key that is not a printable token',
          message: 'Idempotency-Key must be 1 to 200 printable characters without spaces, such as a UUID',
        },
      },
    },
    409: {
      description: 'the Idempotency-Key was already used for a different request',
      message:
        'This Idempotency-Key was already used for a different request (another stop, lines or variants); use a new key',
    },
    404: {
      description: 'the stop is not in the catalogue',
      message: 'Stop 999999 is not in the catalogue; find stops with GET /api/stops?q=<street or id>',
    },
    429: {
      description: 'the rate limit of your address, MAX_ACTIVE_TRACKINGS or MAX_ACTIVE_TRACKINGS_PER_CLIENT reached',
      examples: {
        throttled: {
          summary: 'too many requests from your address',
          message: 'Too many requests from your address; at most 600 per 60 s on one route. Try again shortly',
        },
        cap: {
          summary: 'the service runs its maximum of trackings',
          message: 'The service is running its maximum of 100000 trackings at once; try again later',
        },
        clientCap: {
          summary: 'this client has its maximum of active trackings',
          message:
            'You have 20 active trackings, the most one client may have; stop one (POST /api/trackings/{id}/stop) or let one end',
        },
      },
    },
  })
  @ApiJsonBodyErrors()
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

  // Every rider's tracking ids: each one lets its holder read and stop that tracking (SPEC §3.2).
  @Get()
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth('admin')
  @ApiOperation({
    summary: "List every rider's trackings, newest first (admin)",
    description:
      'All trackings, or those of one status; at most `limit`. A tracking id is its rider’s key to it, so the list ' +
      'is for operators: it needs the admin token.',
  })
  @ApiOkResponse({ type: [TrackingResponse] })
  @ApiErrors({ 400: 'status must be one of active, stopped, expired, failed', 401: true, 403: true })
  async list(@Query() query: ListTrackingsQuery): Promise<TrackingResponse[]> {
    return (await this.trackings.list(query.status, query.limit)).map((t) => toTrackingResponse(t.tracking, t.figures));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One tracking: status, lines, runs, failures, why it ended',
    description:
      'Its status and what its lines’ polling did for it: ticks run, last success, consecutive failures, and ' +
      'whether the city’s data reaches it (`upstream`).',
  })
  @ApiOkResponse({ type: TrackingResponse })
  @ApiErrors({ 400: BAD_ID, 404: NO_TRACKING })
  async get(@UuidParam('id') id: string): Promise<TrackingResponse> {
    const { tracking, figures } = await this.trackings.summary(id);
    return toTrackingResponse(tracking, figures);
  }

  @Get(':id/buses')
  @ApiOperation({
    summary: 'The dashboard: buses coming to the stop, nearest first',
    description:
      'Buses of the tracked lines seen in the last 5 minutes that have not passed the stop, nearest first, ' +
      'with distance, speed and ETA. `includePassed=true` adds the ones that passed and those whose variant ' +
      'does not serve the stop.',
  })
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
    503: {
      description: 'the live data (the lines’ state, in Redis) cannot be read right now',
      message:
        'Live bus data is unavailable for a moment (the shared store does not answer); try again in a few seconds',
    },
  })
  async buses(@UuidParam('id') id: string, @Query() query: BusesQuery): Promise<TrackingBusesResponse> {
    return toTrackingBusesResponse(await this.trackings.buses(id, query.includePassed === 'true'));
  }

  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a tracking (only this one: other riders’ trackings of the same lines go on)',
    description:
      'Stopping an ended tracking changes nothing and answers it as it is. The polling of its lines ends at their ' +
      'next tick when no other tracking follows them.',
  })
  @ApiOkResponse({ type: TrackingResponse })
  @ApiErrors({ 400: BAD_ID, 404: NO_TRACKING })
  @ApiJsonBodyErrors()
  async stop(@UuidParam('id') id: string): Promise<TrackingResponse> {
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
