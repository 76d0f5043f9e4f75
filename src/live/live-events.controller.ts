import {
  ArgumentsHost,
  Catch,
  Controller,
  ExceptionFilter,
  MessageEvent,
  Param,
  ParseUUIDPipe,
  Sse,
  UseFilters,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Response } from 'express';
import { Observable } from 'rxjs';
import { ErrorResponse } from '../http/error.response';
import { TrackingBusesResponse, TrackingResponse } from '../tracking/dto/tracking.response';
import { TrackingErrorsFilter } from '../tracking/tracking-errors.filter';
import { LiveEventsService, TrackingEndedError } from './live-events.service';

/** An ended tracking's stream answers 204 No Content: standard EventSource clients stop reconnecting. */
@Catch(TrackingEndedError)
class TrackingEndedFilter implements ExceptionFilter {
  catch(_error: TrackingEndedError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(204).end();
  }
}

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('trackings')
@Controller('api/trackings')
@UseFilters(TrackingErrorsFilter, TrackingEndedFilter)
@ApiExtraModels(TrackingBusesResponse, TrackingResponse)
export class LiveEventsController {
  constructor(private readonly live: LiveEventsService) {}

  @Sse(':id/events')
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
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'event stream: `buses` events (TrackingBusesResponse), then one `status` event (TrackingResponse)',
    content: {
      'text/event-stream': {
        schema: { oneOf: [{ $ref: getSchemaPath(TrackingBusesResponse) }, { $ref: getSchemaPath(TrackingResponse) }] },
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'the id is not a UUID' })
  @ApiNoContentResponse({
    description: 'the tracking has ended: there is nothing to stream (EventSource stops reconnecting)',
  })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'no such tracking (answered before the stream starts)' })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'the live data cannot be read right now (Redis)' })
  events(@Param('id', uuid) id: string): Promise<Observable<MessageEvent>> {
    return this.live.stream(id);
  }
}
