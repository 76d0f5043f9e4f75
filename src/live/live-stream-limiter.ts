import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** Why a stream was refused: this client already holds its share, or this process is full. */
export class TooManyLiveStreamsError extends Error {
  constructor(
    readonly scope: 'client' | 'process',
    readonly limit: number,
  ) {
    super(
      scope === 'client'
        ? `Too many live streams from your address: at most ${limit} at once. Close one (another tab or page) and try again`
        : `This server holds its maximum of ${limit} live streams; try again in a moment`,
    );
    this.name = 'TooManyLiveStreamsError';
  }
}

/** A slot held by one open stream; releasing it twice is harmless. */
export interface LiveStreamSlot {
  release(): void;
}

/**
 * Counts the live streams this web process holds, in total and per client address, and refuses
 * one beyond LIVE_MAX_STREAMS or LIVE_MAX_STREAMS_PER_CLIENT before it starts. Each stream holds a
 * socket, a timer and a share of a Redis subscription; without a cap, one client could hold them
 * all. Per process, like the rate limit: N web processes hold up to N times the total.
 */
@Injectable()
export class LiveStreamLimiter {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(private readonly config: AppConfig) {}

  /** Takes a slot for `client` (its address); throws TooManyLiveStreamsError when none is free. */
  take(client: string): LiveStreamSlot {
    const { maxStreams, maxStreamsPerClient } = this.config.live;
    const held = this.byClient.get(client) ?? 0;
    if (held >= maxStreamsPerClient) throw new TooManyLiveStreamsError('client', maxStreamsPerClient);
    if (this.total >= maxStreams) throw new TooManyLiveStreamsError('process', maxStreams);
    this.total += 1;
    this.byClient.set(client, held + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left > 0) this.byClient.set(client, left);
        else this.byClient.delete(client);
      },
    };
  }

  /** Streams open now, in total and for one client. */
  open(client?: string): number {
    return client === undefined ? this.total : (this.byClient.get(client) ?? 0);
  }
}
