import { Injectable, MessageEvent } from '@nestjs/common';
import { finalize, map, Observable } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { Tracking } from '../tracking/entities/tracking.entity';
import { withDeadline } from '../shared/deadline';
import { TrackingViews } from '../tracking/tracking-views';
import { EDGE_REDIS_DEADLINE_MS, TrackingService } from '../tracking/tracking.service';
import { withHeartbeat } from './heartbeat';
import { isFinal, LiveEvent } from './live-event';
import { LiveEventsHub } from './live-events.hub';
import { LiveEventsReader } from './live-events.reader';
import { LiveStreamLimiter } from './live-stream-limiter';

/** How long an EventSource waits before reconnecting after a drop (the `retry` field). */
export const RECONNECT_MS = 2_000;

/** An SSE comment line: ignored by EventSource, but traffic for proxies that cut idle connections. */
const HEARTBEAT: MessageEvent = { comment: 'keep-alive' };

/** The stream of a tracking that has ended: nothing will come, so there is no stream (HTTP 204). */
export class TrackingEndedError extends Error {
  constructor(readonly trackingId: string) {
    super(`Tracking ${trackingId} has ended: there is nothing to stream`);
  }
}

/**
 * An event's id: when its content was computed (ms since the epoch). Every `buses` event is the whole list,
 * and a reconnecting client gets the current one at once, so nothing is lost between two connections; the id
 * says how new what a client holds is, on any web process.
 */
function idOf(event: LiveEvent): string {
  const at = event.type === 'buses' ? event.data.generatedAt : (event.data.endedAt ?? event.data.startedAt);
  return String(Date.parse(at));
}

/** The live stream of one tracking for one viewer: what it is sent, in which order, and when it ends. */
@Injectable()
export class LiveEventsService {
  constructor(
    private readonly trackings: TrackingService,
    private readonly hub: LiveEventsHub,
    private readonly reader: LiveEventsReader,
    private readonly views: TrackingViews,
    private readonly config: AppConfig,
    private readonly limiter: LiveStreamLimiter,
  ) {}

  /**
   * The bus list now, then after every tick of the tracking's lines, then the tracking's status when it ends
   * (and the stream with it), for a viewer at `client` (its address). Before a byte is sent, throws
   * TooManyLiveStreamsError when the client or this process holds its maximum of streams,
   * TrackingNotFoundError (404) or TrackingEndedError (204). The slot taken is given back when the stream ends,
   * however it ends (`disconnected` covers a client gone before the stream was subscribed).
   */
  async stream(trackingId: string, client: string, disconnected?: AbortSignal): Promise<Observable<MessageEvent>> {
    const slot = this.limiter.take(client);
    disconnected?.addEventListener('abort', () => slot.release(), { once: true });
    try {
      const tracking = await this.trackings.get(trackingId);
      if (tracking.status !== 'active') throw new TrackingEndedError(trackingId);
      // Redis away: a JSON 503 now, rather than a stream that never says anything.
      await this.views.statesOf(tracking);
      return this.follow(tracking).pipe(
        // Data as JSON text (the bytes Nest would write): a backed-up client's waiting events then count for
        // their size against the route's maxPendingDataLength.
        map((event, i): MessageEvent => ({
          type: event.type,
          id: idOf(event),
          data: JSON.stringify(event.data),
          ...(i ? {} : { retry: RECONNECT_MS }),
        })),
        withHeartbeat(this.config.live.heartbeatSeconds * 1000, HEARTBEAT),
        finalize(() => slot.release()),
      );
    } catch (error) {
      slot.release();
      throw error;
    }
  }

  /**
   * Updates are listened to from before the snapshot is read, so none can fall between the two. While the
   * snapshot is read, only the newest bus list and the end are held (each bus list is the whole list, so older
   * ones are worth nothing): a stream holds at most two events, however long it lives.
   */
  private follow(tracking: Tracking): Observable<LiveEvent> {
    return new Observable<LiveEvent>((viewer) => {
      let snapshotSent = false;
      let held: { buses?: LiveEvent; final?: LiveEvent } = {};
      let newest = '';
      const send = (event: LiveEvent): void => {
        // A read that started before another's may finish after it: never go back in time. A list of the same
        // moment would carry the same event id (its time): ids only grow, so it is not sent twice.
        if (event.type === 'buses') {
          if (event.data.generatedAt <= newest) return;
          newest = event.data.generatedAt;
        }
        viewer.next(event);
        if (isFinal(event)) viewer.complete();
      };
      const updates = this.hub.watch(tracking).subscribe({
        next: (event) => {
          if (snapshotSent) return send(event);
          held = event.type === 'buses' ? { ...held, buses: event } : { ...held, final: event };
        },
        error: (error: unknown) => viewer.error(error),
        complete: () => viewer.complete(),
      });
      void (async () => {
        try {
          await withDeadline(this.hub.whenSubscribed(tracking), EDGE_REDIS_DEADLINE_MS, 'Redis (live updates)');
          send(await this.reader.buses(tracking));
          snapshotSent = true;
          for (const event of [held.buses, held.final]) if (event && !viewer.closed) send(event);
          held = {};
        } catch (error) {
          viewer.error(error);
        }
      })();
      return () => updates.unsubscribe();
    });
  }
}
