import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Observable, Subject } from 'rxjs';
import { LineStateStore } from '../buses/line-state.store';
import { AppConfig } from '../config/app-config';
import { Tracking } from '../tracking/entities/tracking.entity';
import { LiveDataUnavailableError } from '../tracking/tracking.errors';
import { LiveEvent } from './live-event';
import { LiveEventsReader } from './live-events.reader';
import { lineOfChannel, liveChannel, LiveMessage, parseLiveMessage } from './live-message';

/** One tracking watched from this process, however many viewers it has. */
interface WatchedTracking {
  tracking: Tracking;
  viewers: number;
  events: Subject<LiveEvent>;
  /** Deliveries run one after another, so viewers get events in the order things happened. */
  work: Promise<void>;
  /** A bus-list delivery is waiting to start; it will see every line state announced meanwhile. */
  busesQueued: boolean;
  /** The end has been announced (by a message or the sweep): one status read is enough. */
  ending: boolean;
}

/** One line listened to from this process: one SUBSCRIBE, however many of its trackings are watched. */
interface WatchedLine {
  channel: string;
  trackings: Set<string>;
  /** Settles once Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<void>;
}

/**
 * The web process's end of the live stream. One dedicated Redis connection (a subscriber can run no other
 * command) holds one SUBSCRIBE per line that has a watched tracking here, taken with the first and dropped with
 * the last. A line's tick is announced once, whatever the number of its trackings: this process then reads the
 * line's state once and computes the view of each tracking watched here (a few arithmetic operations a bus),
 * and sends it to that tracking's viewers. Lines nobody watches here are never heard of.
 *
 * Pub/sub forgets what it could not deliver (a Redis blip). A lost tick is made good by the next one; a lost end
 * would leave viewers waiting for good, so every LIVE_HEARTBEAT_SECONDS one query checks that the trackings
 * watched here are still active.
 */
@Injectable()
export class LiveEventsHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(LiveEventsHub.name);
  private readonly trackings = new Map<string, WatchedTracking>();
  private readonly lines = new Map<string, WatchedLine>();
  private subscriber?: Redis;
  private sweeper?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly reader: LiveEventsReader,
    private readonly lineStates: LineStateStore,
  ) {}

  /** Events of one tracking for one viewer; unsubscribing is leaving. */
  watch(tracking: Tracking): Observable<LiveEvent> {
    return new Observable<LiveEvent>((viewer) => {
      const watched = this.join(tracking);
      const subscription = watched.events.subscribe(viewer);
      return () => {
        subscription.unsubscribe();
        this.leave(watched);
      };
    });
  }

  /** Resolves once updates of a watched tracking's lines reach this process; rejects if Redis refused. */
  async whenSubscribed(tracking: Tracking): Promise<void> {
    await Promise.all(tracking.lines.map((line) => this.lines.get(line)?.subscribed ?? Promise.resolve()));
  }

  /** Redis channels this process listens to: one per line with a watched tracking here. */
  subscriptionCount(): number {
    return this.lines.size;
  }

  viewerCount(): number {
    return [...this.trackings.values()].reduce((sum, t) => sum + t.viewers, 0);
  }

  /**
   * Open streams would hold the HTTP server's close for good: they are ended here, and their EventSource
   * reconnects to another web process. The pause lets the responses finish, so the server's close finds their
   * connections idle and closes them at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopSweeping();
    if (!this.trackings.size) return;
    for (const tracking of this.trackings.values()) tracking.events.complete();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private connection(): Redis {
    if (!this.subscriber) {
      // Made on first use: a process nobody watches from holds no extra connection. No ready check: ioredis
      // checks with INFO once connected, and a SUBSCRIBE of a viewer who arrived meanwhile has already put the
      // connection in subscriber mode, so the INFO, and with it every command waiting, failed (a 500 for the
      // viewers who opened the page in that moment). A subscriber needs nothing of Redis but its channels.
      const subscriber = new Redis(this.config.redisUrl, { maxRetriesPerRequest: 3, enableReadyCheck: false });
      // ioredis reconnects and re-subscribes by itself; without a listener each error would be unhandled.
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string, text: string) => this.dispatch(channel, text));
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  private join(tracking: Tracking): WatchedTracking {
    const existing = this.trackings.get(tracking.id);
    if (existing) {
      existing.viewers += 1;
      return existing;
    }
    const watched: WatchedTracking = {
      tracking,
      viewers: 1,
      events: new Subject<LiveEvent>(),
      work: Promise.resolve(),
      busesQueued: false,
      ending: false,
    };
    this.trackings.set(tracking.id, watched);
    for (const line of tracking.lines) this.listen(line, watched);
    this.sweeper ??= setInterval(() => void this.sweep(), this.config.live.heartbeatSeconds * 1000).unref();
    return watched;
  }

  private listen(line: string, watched: WatchedTracking): void {
    const known = this.lines.get(line);
    if (known) {
      known.trackings.add(watched.tracking.id);
      return;
    }
    const channel = liveChannel(this.config.queuePrefix, line);
    // Redis refusing the SUBSCRIBE is the live data being unavailable: its viewers get the 503 that says so.
    const subscribed = this.connection()
      .subscribe(channel)
      .then(
        () => undefined,
        (error: Error) => {
          this.logger.warn(`Could not subscribe to updates of line ${line}: ${error.message}`);
          throw new LiveDataUnavailableError();
        },
      );
    const entry: WatchedLine = { channel, trackings: new Set([watched.tracking.id]), subscribed };
    subscribed.catch((error: Error) => {
      if (this.lines.get(line) !== entry) return;
      this.lines.delete(line);
      for (const id of entry.trackings) this.trackings.get(id)?.events.error(error);
    });
    this.lines.set(line, entry);
  }

  private leave(watched: WatchedTracking): void {
    watched.viewers -= 1;
    const id = watched.tracking.id;
    if (watched.viewers > 0 || this.trackings.get(id) !== watched) return;
    this.trackings.delete(id);
    for (const line of watched.tracking.lines) {
      const entry = this.lines.get(line);
      if (!entry) continue;
      entry.trackings.delete(id);
      if (entry.trackings.size) continue;
      this.lines.delete(line);
      // Commands on one connection run in order, so a SUBSCRIBE from a viewer arriving right after this one
      // lands after it: the last word is always the right one.
      this.subscriber
        ?.unsubscribe(entry.channel)
        .catch((error: Error) => this.logger.warn(`Could not unsubscribe from ${entry.channel}: ${error.message}`));
    }
  }

  private dispatch(channel: string, text: string): void {
    const line = lineOfChannel(this.config.queuePrefix, channel);
    const message = parseLiveMessage(text);
    if (line && message) this.handle(line, message);
  }

  private handle(line: string, message: LiveMessage): void {
    if (message.type === 'ended') return this.announceEnd(message.trackingId);
    // The next read of the line's state must be Redis's, not this process's copy of the one before.
    this.lineStates.forget(line);
    const ended = new Set(message.ended.map((e) => e.id));
    for (const id of this.lines.get(line)?.trackings ?? []) {
      const watched = this.trackings.get(id);
      if (!watched) continue;
      if (ended.has(id)) this.announceEnd(id);
      else this.queueBuses(watched);
    }
  }

  private queueBuses(watched: WatchedTracking): void {
    if (watched.busesQueued || watched.ending) return;
    watched.busesQueued = true;
    watched.work = watched.work.then(() => this.deliver(watched, 'buses'));
  }

  private announceEnd(trackingId: string): void {
    const watched = this.trackings.get(trackingId);
    if (!watched || watched.ending) return;
    watched.ending = true;
    watched.work = watched.work.then(() => this.deliver(watched, 'status'));
  }

  /** Announces the end of watched trackings that ended without this process hearing of it. */
  private async sweep(): Promise<void> {
    if (!this.trackings.size) return this.stopSweeping();
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const id of await this.reader.endedAmong([...this.trackings.keys()])) this.announceEnd(id);
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

  private async deliver(watched: WatchedTracking, what: LiveEvent['type']): Promise<void> {
    if (what === 'buses') watched.busesQueued = false;
    // Everyone left while this waited: nobody to read for.
    if (watched.viewers === 0) return;
    try {
      const event =
        what === 'buses' ? await this.reader.buses(watched.tracking) : await this.reader.status(watched.tracking.id);
      watched.events.next(event);
    } catch (error) {
      // The next tick brings the next chance; a viewer keeps what it has meanwhile.
      this.logger.warn(`Live update of tracking ${watched.tracking.id} not read: ${(error as Error).message}`);
    }
  }
}
