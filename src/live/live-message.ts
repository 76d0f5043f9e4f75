import { EndStatus } from '../tracking/tracking-lifecycle';

/**
 * What goes through Redis pub/sub about one tracking. Deliberately small: it says *that* something
 * changed, and each web process reads the new state from the database (the source of truth) once
 * for all of its viewers. The bus list never travels through Redis.
 */
export type LiveMessage = { type: 'tick'; seq: number } | { type: 'ended'; status?: EndStatus };

const CHANNEL_INFIX = ':live:tracking:';
const END_STATUSES: readonly string[] = ['stopped', 'expired', 'failed'];

/**
 * One channel per tracking, under the installation's queue prefix so that several installations
 * (or test runs) sharing a Redis never hear each other. Pub/sub channels are not keys: ioredis'
 * keyPrefix does not apply to them, hence the prefix written out here.
 */
export function liveChannel(prefix: string, trackingId: string): string {
  return `${prefix}${CHANNEL_INFIX}${trackingId}`;
}

/** The tracking id of a channel of this installation, or undefined for any other channel. */
export function trackingIdOfChannel(prefix: string, channel: string): string | undefined {
  const head = `${prefix}${CHANNEL_INFIX}`;
  return channel.startsWith(head) && channel.length > head.length ? channel.slice(head.length) : undefined;
}

export function encodeLiveMessage(message: LiveMessage): string {
  return JSON.stringify(message);
}

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
  if (m.type === 'tick' && Number.isInteger(m.seq)) return { type: 'tick', seq: m.seq as number };
  if (m.type === 'ended') {
    return typeof m.status === 'string' && END_STATUSES.includes(m.status)
      ? { type: 'ended', status: m.status as EndStatus }
      : { type: 'ended' };
  }
  return undefined;
}
