import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Observable, Subject } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { LiveEvent } from './live-event';
import { LiveEventsReader } from './live-events.reader';
import { liveChannel, LiveMessage, parseLiveMessage, trackingIdOfChannel } from './live-message';

/** One tracking watched from this process, however many viewers it has. */
interface WatchedTracking {
  channel: string;
  viewers: number;
  events: Subject<LiveEvent>;
  /** Settles once Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<void>;
  /** Database reads run one after another, so viewers get events in the order things happened. */
  work: Promise<void>;
  /** A bus-list read is waiting to start; it will see the writes of any tick announced meanwhile. */
  readQueued: boolean;
  /** The end has been announced (by a message or the sweep): one status read is enough. */
  ending: boolean;
}

/**
 * The web process's end of the live stream. One dedicated Redis connection (a subscriber can run no
 * other command) holds one SUBSCRIBE per tracking that has viewers here, taken by the first viewer
 * and dropped by the last. Each message costs one database read per process, shared by all its
 * viewers of that tracking; messages for trackings nobody watches here never arrive.
 *
 * Pub/sub forgets what it could not deliver (a Redis blip, a tracking ended straight in the
 * database). A lost tick is made good by the next one; a lost end would leave viewers waiting for
 * good, so every LIVE_HEARTBEAT_SECONDS one query checks that the trackings watched here are still
 * active.
 */
@Injectable()
export class LiveEventsHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(LiveEventsHub.name);
  private readonly watched = new Map<string, WatchedTracking>();
  private subscriber?: Redis;
  private sweeper?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly reader: LiveEventsReader,
  ) {}

  /** Events of one tracking for one viewer; unsubscribing is leaving. */
  watch(trackingId: string): Observable<LiveEvent> {
    return new Observable<LiveEvent>((viewer) => {
      const tracking = this.join(trackingId);
      const subscription = tracking.events.subscribe(viewer);
      return () => {
        subscription.unsubscribe();
        this.leave(trackingId, tracking);
      };
    });
  }

  /** Resolves once updates of a watched tracking reach this process; rejects if Redis refused. */
  whenSubscribed(trackingId: string): Promise<void> {
    return this.watched.get(trackingId)?.subscribed ?? Promise.resolve();
  }

  /** Redis channels this process listens to: one per tracking with at least one viewer here. */
  subscriptionCount(): number {
    return this.watched.size;
  }

  viewerCount(): number {
    return [...this.watched.values()].reduce((sum, t) => sum + t.viewers, 0);
  }

  /**
   * Open streams would hold the HTTP server's close for good: they are ended here, and their
   * EventSource reconnects to another web process. The pause lets the responses finish, so the
   * server's close finds their connections idle and closes them at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopSweeping();
    if (!this.watched.size) return;
    for (const tracking of this.watched.values()) tracking.events.complete();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private connection(): Redis {
    if (!this.subscriber) {
      // Made on first use: a process nobody watches from holds no extra connection.
      const subscriber = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 3 });
      // ioredis reconnects and re-subscribes by itself; without a listener each error would be unhandled.
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string, text: string) => this.dispatch(channel, text));
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  private join(trackingId: string): WatchedTracking {
    const existing = this.watched.get(trackingId);
    if (existing) {
      existing.viewers += 1;
      return existing;
    }
    const channel = liveChannel(this.config.queuePrefix, trackingId);
    const subscribed = this.connection()
      .subscribe(channel)
      .then(() => undefined);
    const tracking: WatchedTracking = {
      channel,
      viewers: 1,
      events: new Subject<LiveEvent>(),
      subscribed,
      work: Promise.resolve(),
      readQueued: false,
      ending: false,
    };
    subscribed.catch((error: Error) => {
      this.logger.warn(`Could not subscribe to updates of tracking ${trackingId}: ${error.message}`);
      if (this.watched.get(trackingId) === tracking) this.watched.delete(trackingId);
      tracking.events.error(error);
    });
    this.watched.set(trackingId, tracking);
    this.sweeper ??= setInterval(() => void this.sweep(), this.config.live.heartbeatSeconds * 1000).unref();
    return tracking;
  }

  private leave(trackingId: string, tracking: WatchedTracking): void {
    tracking.viewers -= 1;
    if (tracking.viewers > 0 || this.watched.get(trackingId) !== tracking) return;
    this.watched.delete(trackingId);
    // Commands on one connection run in order, so a SUBSCRIBE from a viewer arriving right after
    // this one lands after it: the last word is always the right one.
    this.subscriber
      ?.unsubscribe(tracking.channel)
      .catch((error: Error) => this.logger.warn(`Could not unsubscribe from ${tracking.channel}: ${error.message}`));
  }

  private dispatch(channel: string, text: string): void {
    const trackingId = trackingIdOfChannel(this.config.queuePrefix, channel);
    const message = parseLiveMessage(text);
    if (trackingId && message) this.handle(trackingId, message);
  }

  private handle(trackingId: string, message: LiveMessage): void {
    const tracking = this.watched.get(trackingId);
    if (!tracking) return;
    if (message.type === 'tick') {
      if (tracking.readQueued) return;
      tracking.readQueued = true;
    } else {
      if (tracking.ending) return;
      tracking.ending = true;
    }
    tracking.work = tracking.work.then(() => this.deliver(trackingId, tracking, message));
  }

  /** Announces the end of watched trackings that ended without this process hearing of it. */
  private async sweep(): Promise<void> {
    if (!this.watched.size) return this.stopSweeping();
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const id of await this.reader.endedAmong([...this.watched.keys()])) this.handle(id, { type: 'ended' });
    } catch (error) {
      this.logger.warn(`Could not check the watched trackings: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private async deliver(trackingId: string, tracking: WatchedTracking, message: LiveMessage): Promise<void> {
    if (message.type === 'tick') tracking.readQueued = false;
    // Everyone left while this waited: nobody to read for.
    if (tracking.viewers === 0) return;
    try {
      const event =
        message.type === 'tick' ? await this.reader.buses(trackingId) : await this.reader.status(trackingId);
      tracking.events.next(event);
    } catch (error) {
      // The next tick brings the next chance; a viewer keeps what it has meanwhile.
      this.logger.warn(`Live update of tracking ${trackingId} not read: ${(error as Error).message}`);
    }
  }
}
