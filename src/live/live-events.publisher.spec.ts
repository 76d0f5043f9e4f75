import { Logger } from '@nestjs/common';
import { TickResult } from '../buses/buses.service';
import { AppConfig } from '../config/app-config';
import { RedisConnection } from '../shared/redis.provider';
import { LiveEventsPublisher } from './live-events.publisher';

const ID = '7b0a4b8e-2f5c-4d6e-9a1b-3c4d5e6f7a8b';
const CHANNEL = `bt:live:tracking:${ID}`;
const job = { trackingId: ID, seq: 7, scheduledAt: '2026-11-29T16:00:00.000Z' };

/** Records what would be published; the real thing runs against Redis in test/live.e2e-spec.ts. */
function publisherWith(publish: (channel: string, message: string) => Promise<number>): LiveEventsPublisher {
  const redis = { client: { publish } } as unknown as RedisConnection;
  return new LiveEventsPublisher(redis, { queuePrefix: 'bt' } as AppConfig);
}

describe('LiveEventsPublisher', () => {
  let sent: [string, unknown][];
  let publisher: LiveEventsPublisher;

  beforeEach(() => {
    sent = [];
    publisher = publisherWith((channel, message) => {
      sent.push([channel, JSON.parse(message)]);
      return Promise.resolve(1);
    });
  });

  describe('tickFinished', () => {
    const next = { seq: 8, dueAt: new Date() };

    it.each<[string, TickResult, unknown[]]>([
      ['a tick that ran', { outcome: 'ok', busesSeen: 3, next }, [{ type: 'tick', seq: 7 }]],
      [
        'a tick whose upstream failed (data age moves on)',
        { outcome: 'upstream_error', busesSeen: 0, next },
        [{ type: 'tick', seq: 7 }],
      ],
      ['a duplicate run', { outcome: 'duplicate', busesSeen: 0, next }, []],
      [
        'a tick after which the tracking went idle',
        { outcome: 'ok', busesSeen: 0, next: null, ended: { status: 'expired', reason: 'idle' } },
        [
          { type: 'tick', seq: 7 },
          { type: 'ended', status: 'expired' },
        ],
      ],
      [
        'a tick that ended the tracking before polling',
        { outcome: 'ended', busesSeen: 0, next: null, ended: { status: 'failed', reason: 'stop gone' } },
        [{ type: 'ended', status: 'failed' }],
      ],
      ['a tick that found its tracking ended', { outcome: 'ended', busesSeen: 0, next: null }, [{ type: 'ended' }]],
    ])('after %s publishes %j', async (_what, result, expected) => {
      await publisher.tickFinished(job, result);
      expect(sent).toEqual(expected.map((m) => [CHANNEL, m]));
    });
  });

  describe('trackingEnded', () => {
    it('publishes the end on the tracking’s channel', async () => {
      await publisher.trackingEnded(ID, 'stopped');
      expect(sent).toEqual([[CHANNEL, { type: 'ended', status: 'stopped' }]]);
    });

    it('never throws: a stop must not fail because Redis is away (it says so in the log)', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const failing = publisherWith(() => Promise.reject(new Error('Connection is closed.')));
      await expect(failing.trackingEnded(ID, 'stopped')).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(`Live update of tracking ${ID} not published: Connection is closed.`);
      warn.mockRestore();
    });
  });
});
