import {
  ArgumentsHost,
  Catch,
  Controller,
  ExceptionFilter,
  Ip,
  MessageEvent,
  Sse,
  SseSignal,
  UseFilters,
} from '@nestjs/common';
import { ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Observable } from 'rxjs';
import { ApiErrors, ApiThrottled } from '../http/api-errors';
import { UuidParam } from '../http/validation/uuid-param.decorator';
import { TrackingBusesResponse, TrackingResponse } from '../tracking/dto/tracking.response';
import { TrackingErrorsFilter } from '../tracking/tracking-errors.filter';
import { LiveEventsService, TrackingEndedError } from './live-events.service';
import { LiveStreamsFilter } from './live-streams.filter';

/** An ended tracking's stream answers 204 No Content: standard EventSource clients stop reconnecting. */
@Catch(TrackingEndedError)
class TrackingEndedFilter implements ExceptionFilter {
  catch(_error: TrackingEndedError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(204).end();
  }
}

/**
 * Characters of events that may wait for a viewer that stopped reading (a phone in a tunnel) before
 * its connection is dropped; its EventSource reconnects and starts from a fresh list. About a hundred
 * bus lists: far more than a reconnection costs.
 */
const MAX_PENDING_CHARACTERS = 512 * 1024;

@ApiTags('trackings')
@Controller('api/trackings')
@UseFilters(TrackingErrorsFilter, TrackingEndedFilter, LiveStreamsFilter)
@ApiExtraModels(TrackingBusesResponse, TrackingResponse)
@ApiThrottled()
export class LiveEventsController {
  constructor(private readonly live: LiveEventsService) {}

  @Sse(':id/events', { maxPendingDataLength: MAX_PENDING_CHARACTERS })
  @ApiOperation({
    summary: 'Live: the bus list after every tick, and the end of the tracking (Server-Sent Events)',
    description:
      'A `text/event-stream`. On connect, and after every tick, an event `buses` whose data is the answer of ' +
      '`GET /api/trackings/{id}/buses`. When the tracking ends (stopped, expired, failed), an event `status` whose ' +
      'data is the tracking as `GET /api/trackings/{id}` answers it (status, stopReason), then the stream closes; ' +
      'connecting to an ended tracking answers 204 No Content, which makes an EventSource stop reconnecting. A ' +
      'comment line (`: keep-alive`) every LIVE_HEARTBEAT_SECONDS keeps proxies from closing a quiet connection. ' +
      'The first event sets `retry` so an EventSource reconnects after 2 s; every reconnection starts with the ' +
      'current bus list. Event ids are the time (ms) the event was computed: each `buses` event is the whole list, ' +
      'so a client reconnecting with `Last-Event-ID` misses nothing. See docs/live.md.',
  })
  @ApiOkResponse({
    description:
      'a stream of events, each `event: <type>` then `data: <JSON>`: `buses` (data: TrackingBusesResponse) on ' +
      'connect and after every tick; `status` (data: TrackingResponse) once the tracking has ended, then the ' +
      'stream closes; `: keep-alive` comment lines in between',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: buses\nid: 1764447460000\nretry: 2000\ndata: {"trackingId":"5d1c7a2e-4b7e-4c59-9a57-2f0a7e3c1b10",' +
          '"status":"active","stopId":3227,"lastSuccessAt":null,"generatedAt":"2026-11-29T20:17:40.000Z",' +
          '"upstream":{"state":"ok","since":null,"nextAttemptAt":null},"buses":[]}\n\n: keep-alive\n\n',
      },
    },
  })
  @ApiNoContentResponse({
    description: 'the tracking has ended: there is nothing to stream (an EventSource stops reconnecting)',
  })
  @ApiErrors({
    400: {
      description: 'the id is not a UUID (answered as JSON)',
      message: 'id must be a tracking id: a uuid such as f937a8b6-ff71-4f88-86e2-8af003dc94f1',
    },
    404: {
      description: 'no such tracking (answered as JSON, before any event)',
      message: 'No tracking with id 5d1c7a2e-4b7e-4c59-9a57-2f0a7e3c1b10',
    },
    429: {
      description: 'your address holds LIVE_MAX_STREAMS_PER_CLIENT streams already (answered before the stream starts)',
      message:
        'Too many live streams from your address: at most 20 at once. Close one (another tab or page) and try again',
    },
    503: {
      description: 'the live data cannot be read right now, or this server holds LIVE_MAX_STREAMS streams already',
      examples: {
        redis: {
          summary: 'the live data (the lines’ state, in Redis) cannot be read right now',
          message:
            'Live bus data is unavailable for a moment (the shared store does not answer); try again in a few seconds',
        },
        full: {
          summary: 'this server holds its maximum of live streams',
          message: 'This server holds its maximum of 2000 live streams; try again in a moment',
        },
      },
    },
  })
  events(
    @UuidParam('id') id: string,
    @Ip() client: string,
    @SseSignal() disconnected: AbortSignal,
  ): Promise<Observable<MessageEvent>> {
    return this.live.stream(id, client, disconnected);
  }
}
