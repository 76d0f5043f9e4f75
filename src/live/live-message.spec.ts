import { encodeLiveMessage, lineOfChannel, liveChannel, LiveMessage, parseLiveMessage } from './live-message';

const ID = '7b0a4b8e-2f5c-4d6e-9a1b-3c4d5e6f7a8b';

describe('liveChannel', () => {
  it('puts the installation prefix first, so installations sharing a Redis never hear each other', () => {
    expect(liveChannel('bus-tracker', '124 SD')).toBe('bus-tracker:live:line:124 SD');
    expect(liveChannel('a', '21')).not.toBe(liveChannel('b', '21'));
  });
});

describe('lineOfChannel', () => {
  it.each([
    ['bus-tracker', 'bus-tracker:live:line:21', '21'],
    ['bus-tracker', 'other:live:line:21', undefined],
    ['bus-tracker', 'bus-tracker:live:line:', undefined],
    ['bus', 'bus-tracker:live:line:21', undefined],
  ])('with prefix %s reads %s as %s', (prefix, channel, expected) => {
    expect(lineOfChannel(prefix, channel)).toBe(expected);
  });

  it('inverts liveChannel', () => {
    expect(lineOfChannel('p-1', liveChannel('p-1', 'D10'))).toBe('D10');
  });
});

describe('parseLiveMessage', () => {
  it.each<[LiveMessage]>([
    [{ type: 'tick', line: '21', seq: 12, ended: [] }],
    [{ type: 'tick', line: '21', seq: 13, ended: [{ id: ID, status: 'expired' }] }],
    [{ type: 'ended', trackingId: ID, status: 'stopped' }],
    [{ type: 'ended', trackingId: ID, status: 'failed' }],
  ])('reads back what encodeLiveMessage wrote: %j', (message) => {
    expect(parseLiveMessage(encodeLiveMessage(message))).toEqual(message);
  });

  it.each([
    ['not JSON', 'tick'],
    ['JSON that is not an object', '12'],
    ['null', 'null'],
    ['an unknown type', '{"type":"hello"}'],
    ['a tick without a sequence', '{"type":"tick","line":"21"}'],
    ['a tick without a line', '{"type":"tick","seq":3}'],
    ['a tick with a fractional sequence', '{"type":"tick","line":"21","seq":1.5}'],
    ['an end without a tracking', '{"type":"ended","status":"stopped"}'],
  ])('ignores %s', (_what, text) => {
    expect(parseLiveMessage(text)).toBeUndefined();
  });

  it('keeps an end whose status it does not know, without the status (viewers read it from the database)', () => {
    expect(parseLiveMessage(`{"type":"ended","trackingId":"${ID}","status":"active"}`)).toEqual({
      type: 'ended',
      trackingId: ID,
      status: undefined,
    });
  });

  it('drops malformed entries of a tick’s ended list and keeps the rest', () => {
    const text = `{"type":"tick","line":"21","seq":4,"ended":[{"id":"${ID}","status":"expired"},{"nope":1},null]}`;
    expect(parseLiveMessage(text)).toEqual({
      type: 'tick',
      line: '21',
      seq: 4,
      ended: [{ id: ID, status: 'expired' }],
    });
  });
});
