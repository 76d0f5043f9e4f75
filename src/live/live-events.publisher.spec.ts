import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisConnection } from '../shared/redis.provider';
import { LiveEventsPublisher } from './live-events.publisher';

const ID = '7b0a4b8e-2f5c-4d6e-9a1b-3c4d5e6f7a8b';

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

  describe('lineTicked', () => {
    it('publishes one message on the line’s channel, naming the trackings the tick ended', async () => {
      await publisher.lineTicked('21', 7, [{ id: ID, status: 'expired' }]);
      expect(sent).toEqual([
        ['bt:live:line:21', { type: 'tick', line: '21', seq: 7, ended: [{ id: ID, status: 'expired' }] }],
      ]);
    });
  });

  describe('trackingEnded', () => {
    it('publishes the end on the channel of each of the tracking’s lines', async () => {
      await publisher.trackingEnded({ id: ID, lines: ['103', '109'] }, 'stopped');
      expect(sent).toEqual([
        ['bt:live:line:103', { type: 'ended', trackingId: ID, status: 'stopped' }],
        ['bt:live:line:109', { type: 'ended', trackingId: ID, status: 'stopped' }],
      ]);
    });

    it('never throws: a stop must not fail because Redis is away (it says so in the log)', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const failing = publisherWith(() => Promise.reject(new Error('Connection is closed.')));
      await expect(failing.trackingEnded({ id: ID, lines: ['21'] }, 'stopped')).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith('Live update of line 21 not published: Connection is closed.');
      warn.mockRestore();
    });
  });
});
