import { Injectable, MessageEvent } from '@nestjs/common';
import { concat, defer, filter, finalize, map, mergeAll, Observable, ReplaySubject, takeWhile } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { TrackingService } from '../tracking/tracking.service';
import { withHeartbeat } from './heartbeat';
import { isFinal, LiveEvent } from './live-event';
import { LiveEventsHub } from './live-events.hub';
import { LiveEventsReader } from './live-events.reader';

/** How long an EventSource waits before reconnecting after a drop (the `retry` field). */
export const RECONNECT_MS = 2_000;

/** An SSE comment line: ignored by EventSource, but traffic for proxies that cut idle connections. */
const HEARTBEAT: MessageEvent = { comment: 'keep-alive' };

/** The live stream of one tracking for one viewer: what it is sent, in which order, and when it ends. */
@Injectable()
export class LiveEventsService {
  constructor(
    private readonly trackings: TrackingService,
    private readonly hub: LiveEventsHub,
    private readonly reader: LiveEventsReader,
    private readonly config: AppConfig,
  ) {}

  /**
   * The bus list now, then after every tick, then the tracking's status when it ends (and the
   * stream with it). Throws TrackingNotFoundError before a byte is sent, so the client gets a 404.
   */
  async stream(trackingId: string): Promise<Observable<MessageEvent>> {
    const tracking = await this.trackings.get(trackingId);
    const events =
      tracking.status === 'active'
        ? this.follow(trackingId)
        : defer(() => this.reader.snapshot(trackingId)).pipe(mergeAll());
    return events.pipe(
      map((event, i): MessageEvent => ({ type: event.type, data: event.data, ...(i ? {} : { retry: RECONNECT_MS }) })),
      withHeartbeat(this.config.live.heartbeatSeconds * 1000, HEARTBEAT),
    );
  }

  private follow(trackingId: string): Observable<LiveEvent> {
    return defer(() => {
      // Updates are buffered from before the snapshot is read, so none can fall between the two.
      const updates = new ReplaySubject<LiveEvent>();
      const watching = this.hub.watch(trackingId).subscribe(updates);
      const snapshot = defer(async () => {
        await this.hub.whenSubscribed(trackingId);
        return this.reader.snapshot(trackingId);
      }).pipe(mergeAll());
      let newest = '';
      return concat(snapshot, updates).pipe(
        // A read that started before the snapshot's may finish after it: never go back in time.
        filter((event) => {
          if (event.type !== 'buses') return true;
          if (event.data.generatedAt < newest) return false;
          newest = event.data.generatedAt;
          return true;
        }),
        takeWhile((event) => !isFinal(event), true),
        finalize(() => watching.unsubscribe()),
      );
    });
  }
}
