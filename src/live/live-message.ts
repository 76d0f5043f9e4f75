import { EndStatus } from '../tracking/tracking-lifecycle';

const END_STATUSES: readonly string[] = ['stopped', 'expired', 'failed'];

/** A tracking that has just ended, as a live message names it. */
export interface EndedNotice {
  id: string;
  status?: EndStatus;
}

/**
 * What goes through Redis pub/sub about one line: that its tick ran (and which of its trackings it ended), or
 * that one of its trackings ended outside a tick (its rider stopped it). Deliberately small: each web process
 * reads the line's new state from Redis once for all of its viewers of that line's trackings.
 */
export type LiveMessage =
  | { type: 'tick'; line: string; seq: number; ended: EndedNotice[] }
  | { type: 'ended'; trackingId: string; status?: EndStatus };

const CHANNEL_INFIX = ':live:line:';

/**
 * One channel per line, under the installation's queue prefix so that several installations (or test runs)
 * sharing a Redis never hear each other. Pub/sub channels are not keys: ioredis' keyPrefix does not apply to
 * them, hence the prefix written out here.
 */
export function liveChannel(prefix: string, line: string): string {
  return `${prefix}${CHANNEL_INFIX}${line}`;
}

/** The line of a channel of this installation, or undefined for any other channel. */
export function lineOfChannel(prefix: string, channel: string): string | undefined {
  const head = `${prefix}${CHANNEL_INFIX}`;
  return channel.startsWith(head) && channel.length > head.length ? channel.slice(head.length) : undefined;
}

export function encodeLiveMessage(message: LiveMessage): string {
  return JSON.stringify(message);
}

const endStatus = (value: unknown): EndStatus | undefined =>
  typeof value === 'string' && END_STATUSES.includes(value) ? (value as EndStatus) : undefined;

/** Anything else on the channel (another version, a person with redis-cli) is ignored, not fatal. */
export function parseLiveMessage(text: string): LiveMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (m.type === 'tick' && typeof m.line === 'string' && Number.isInteger(m.seq)) {
    const ended = Array.isArray(m.ended) ? m.ended : [];
    return {
      type: 'tick',
      line: m.line,
      seq: m.seq as number,
      ended: ended
        .filter((e): e is { id: string; status?: unknown } => typeof (e as { id?: unknown })?.id === 'string')
        .map((e) => ({ id: e.id, status: endStatus(e.status) })),
    };
  }
  if (m.type === 'ended' && typeof m.trackingId === 'string') {
    return { type: 'ended', trackingId: m.trackingId, status: endStatus(m.status) };
  }
  return undefined;
}
