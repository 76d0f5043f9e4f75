import { formatStmTimestamp, parseStmTimestamp } from './stm-time';

describe('formatStmTimestamp', () => {
  it.each([
    [Date.UTC(2025, 10, 15, 16, 14, 7), '2025-11-15T13:14:07.000-03'],
    [Date.UTC(2025, 10, 15, 16, 14, 7, 45), '2025-11-15T13:14:07.045-03'],
    // Before 03:00 UTC it is still the previous day in Montevideo.
    [Date.UTC(2026, 0, 1, 2, 59, 59), '2025-12-31T23:59:59.000-03'],
    // Southern summer: no daylight saving since 2015, still -03.
    [Date.UTC(2025, 0, 10, 12, 0, 0), '2025-01-10T09:00:00.000-03'],
  ])('formats %d as %s', (epochMs, text) => {
    expect(formatStmTimestamp(epochMs)).toBe(text);
  });
});

describe('parseStmTimestamp', () => {
  it('inverts formatStmTimestamp', () => {
    const epochMs = Date.UTC(2025, 10, 15, 16, 14, 7, 123);
    expect(parseStmTimestamp(formatStmTimestamp(epochMs))).toBe(epochMs);
  });

  it.each(['2025-11-15T13:14:07.000Z', '2025-11-15 13:14:07-03', 'yesterday'])('rejects %s', (text) => {
    expect(parseStmTimestamp(text)).toBeNaN();
  });
});
