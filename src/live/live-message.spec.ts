import { encodeLiveMessage, liveChannel, parseLiveMessage, trackingIdOfChannel } from './live-message';

const ID = '7b0a4b8e-2f5c-4d6e-9a1b-3c4d5e6f7a8b';

describe('liveChannel', () => {
  it('puts the installation prefix first, so installations sharing a Redis never hear each other', () => {
    expect(liveChannel('bus-tracker', ID)).toBe(`bus-tracker:live:tracking:${ID}`);
    expect(liveChannel('a', ID)).not.toBe(liveChannel('b', ID));
  });
});

describe('trackingIdOfChannel', () => {
  it.each([
    ['bus-tracker', `bus-tracker:live:tracking:${ID}`, ID],
    ['bus-tracker', `other:live:tracking:${ID}`, undefined],
    ['bus-tracker', 'bus-tracker:live:tracking:', undefined],
    ['bus', `bus-tracker:live:tracking:${ID}`, undefined],
  ])('with prefix %s reads %s as %s', (prefix, channel, expected) => {
    expect(trackingIdOfChannel(prefix, channel)).toBe(expected);
  });

  it('inverts liveChannel', () => {
    expect(trackingIdOfChannel('p-1', liveChannel('p-1', ID))).toBe(ID);
  });
});

describe('parseLiveMessage', () => {
  it.each([
    [{ type: 'tick', seq: 12 }],
    [{ type: 'ended', status: 'stopped' }],
    [{ type: 'ended', status: 'expired' }],
    [{ type: 'ended', status: 'failed' }],
    [{ type: 'ended' }],
  ] as const)('reads back what encodeLiveMessage wrote: %j', (message) => {
    expect(parseLiveMessage(encodeLiveMessage(message))).toEqual(message);
  });

  it.each([
    ['not JSON', 'tick'],
    ['JSON that is not an object', '12'],
    ['null', 'null'],
    ['an unknown type', '{"type":"hello"}'],
    ['a tick without a sequence', '{"type":"tick"}'],
    ['a tick with a fractional sequence', '{"type":"tick","seq":1.5}'],
  ])('ignores %s', (_what, text) => {
    expect(parseLiveMessage(text)).toBeUndefined();
  });

  it('keeps an end whose status it does not know, without the status (viewers read it from the database)', () => {
    expect(parseLiveMessage('{"type":"ended","status":"active"}')).toEqual({ type: 'ended' });
  });
});
