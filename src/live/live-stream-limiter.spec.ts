import { AppConfig } from '../config/app-config';
import { LiveStreamLimiter, TooManyLiveStreamsError } from './live-stream-limiter';

const limiter = (maxStreams: number, maxStreamsPerClient: number): LiveStreamLimiter =>
  new LiveStreamLimiter({ live: { heartbeatSeconds: 15, maxStreams, maxStreamsPerClient } } as AppConfig);

describe('LiveStreamLimiter.take', () => {
  it('refuses one stream more than a client may hold, and takes it again once one is released', () => {
    const streams = limiter(100, 2);
    const first = streams.take('10.0.0.1');
    streams.take('10.0.0.1');
    expect(() => streams.take('10.0.0.1')).toThrow(new TooManyLiveStreamsError('client', 2));
    expect(streams.take('10.0.0.2')).toBeDefined(); // another address has its own share
    first.release();
    expect(() => streams.take('10.0.0.1')).not.toThrow();
    expect(streams.open('10.0.0.1')).toBe(2);
  });

  it('refuses one stream more than the process may hold, whoever asks', () => {
    const streams = limiter(3, 10);
    const slots = ['a', 'b', 'c'].map((client) => streams.take(client));
    expect(() => streams.take('d')).toThrow(new TooManyLiveStreamsError('process', 3));
    slots[1].release();
    expect(() => streams.take('d')).not.toThrow();
  });

  it('counts a slot released twice once, and forgets clients that hold none', () => {
    const streams = limiter(10, 10);
    const slot = streams.take('10.0.0.1');
    slot.release();
    slot.release();
    expect(streams.open()).toBe(0);
    expect(streams.open('10.0.0.1')).toBe(0);
    expect((streams as unknown as { byClient: Map<string, number> }).byClient.size).toBe(0);
  });

  it('says which cap was reached in the message', () => {
    expect(new TooManyLiveStreamsError('client', 20).message).toMatch(/from your address: at most 20/);
    expect(new TooManyLiveStreamsError('process', 2000).message).toMatch(/maximum of 2000 live streams/);
  });
});
