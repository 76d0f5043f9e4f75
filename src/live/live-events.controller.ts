import { Controller, MessageEvent, Param, ParseUUIDPipe, Sse, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { ErrorResponse } from '../http/error.response';
import { TrackingBusesResponse, TrackingResponse } from '../tracking/dto/tracking.response';
import { TrackingErrorsFilter } from '../tracking/tracking-errors.filter';
import { LiveEventsService } from './live-events.service';

const uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('trackings')
@Controller('api/trackings')
@UseFilters(TrackingErrorsFilter)
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
      'connecting to an ended tracking gives both events at once. A comment line (`: keep-alive`) every ' +
      'LIVE_HEARTBEAT_SECONDS keeps proxies from closing a quiet connection. The first event sets `retry` so an ' +
      'EventSource reconnects after 2 s; every reconnection starts with a fresh bus list. See docs/live.md.',
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
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'no such tracking (answered before the stream starts)' })
  events(@Param('id', uuid) id: string): Promise<Observable<MessageEvent>> {
    return this.live.stream(id);
  }
}
