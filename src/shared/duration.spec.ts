import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['1d', 86_400_000],
    ['12h', 43_200_000],
    ['30m', 1_800_000],
    ['45s', 45_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['1h30m', 5_400_000],
    ['2w', 1_209_600_000],
    ['90', 90_000],
    ['0', 0],
    ['0s', 0],
    [' 1D ', 86_400_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '1x', '-1d', 'd', '1 d', '1d-', '1.d', 'ms'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0ms'],
    [850, '850ms'],
    [42_000, '42s'],
    [61_000, '1m 1s'],
    [15 * 60_000, '15m'],
    [3_600_000 + 5_000, '1h'],
    [2 * 86_400_000 + 3 * 3_600_000 + 60_000, '2d 3h'],
    [-5_000, '-5s'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('reads back what it writes for whole units', () => {
    for (const text of ['42s', '15m', '3h', '2d']) expect(formatDuration(parseDuration(text)!)).toBe(text);
  });
});
