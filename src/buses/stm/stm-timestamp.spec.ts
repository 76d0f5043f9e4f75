import { parseStmTimestamp } from './stm-timestamp';

describe('parseStmTimestamp', () => {
  it.each<[string, string, string]>([
    ['the STM form (offset hours only)', '2025-11-15T13:14:07.000-03', '2025-11-15T16:14:07.000Z'],
    ['the STM form, another fix of the sample', '2025-11-15T13:13:55.000-03', '2025-11-15T16:13:55.000Z'],
    ['a full ±hh:mm offset', '2025-11-15T13:14:07.000-03:00', '2025-11-15T16:14:07.000Z'],
    ['a positive offset with minutes', '2025-11-15T13:14:07.000+05:30', '2025-11-15T07:44:07.000Z'],
    ['a positive offset, hours only', '2025-11-15T13:14:07+02', '2025-11-15T11:14:07.000Z'],
    ['a ±hhmm offset without colon', '2025-11-15T13:14:07.000-0300', '2025-11-15T16:14:07.000Z'],
    ['a +hhmm offset without colon', '2025-11-15T13:14:07+0530', '2025-11-15T07:44:07.000Z'],
    ['UTC as Z', '2025-11-15T16:14:07.000Z', '2025-11-15T16:14:07.000Z'],
    ['no fraction of a second', '2025-11-15T13:14:07-03', '2025-11-15T16:14:07.000Z'],
    ['a one-digit fraction', '2025-11-15T13:14:07.5-03', '2025-11-15T16:14:07.500Z'],
    ['a microsecond fraction', '2025-11-15T13:14:07.123456-03', '2025-11-15T16:14:07.123Z'],
    ['no seconds at all', '2025-11-15T13:14-03', '2025-11-15T16:14:00.000Z'],
    ['no zone: Montevideo time (UTC-3) is assumed', '2025-11-15T13:14:07.000', '2025-11-15T16:14:07.000Z'],
    ['no zone, no fraction', '2025-11-15T13:14:07', '2025-11-15T16:14:07.000Z'],
    ['surrounding whitespace', '  2025-11-15T13:14:07.000-03  ', '2025-11-15T16:14:07.000Z'],
    ['a fix late at night rolls over to the next UTC day', '2025-12-31T22:30:00.000-03', '2026-01-01T01:30:00.000Z'],
  ])('parses %s: %s → %s', (_name, input, expected) => {
    const parsed = parseStmTimestamp(input);
    expect(parsed).toBeInstanceOf(Date);
    expect(parsed!.toISOString()).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['garbage', 'not a date'],
    ['a date without a time', '2025-11-15'],
    ['a space instead of T', '2025-11-15 13:14:07-03'],
    ['an hour out of range', '2025-11-15T25:14:07-03'],
    ['a month out of range', '2025-13-15T13:14:07-03'],
    ['a second out of range', '2025-11-15T13:14:60-03'],
    ['a seven-digit fraction', '2025-11-15T13:14:07.1234567-03'],
    ['a one-digit offset', '2025-11-15T13:14:07-3'],
    ['an offset with trailing text', '2025-11-15T13:14:07-03 UTC'],
    ['epoch milliseconds as a number', 1763212447000],
    ['epoch milliseconds as a string', '1763212447000'],
    ['null', null],
    ['undefined', undefined],
    ['a Date object', new Date('2025-11-15T16:14:07.000Z')],
    ['an object', { timestamp: '2025-11-15T13:14:07.000-03' }],
  ])('returns null for %s', (_name, input) => {
    expect(parseStmTimestamp(input)).toBeNull();
  });

  it.each([
    ['30 February', '2025-02-30T13:14:07.000-03'],
    ['31 November', '2025-11-31T13:14:07.000-03'],
  ])('returns null for an impossible calendar date (%s) instead of rolling it over', (_name, input) => {
    expect(parseStmTimestamp(input)).toBeNull();
  });

  it('agrees with Date for every full ISO offset it is given (seeded)', () => {
    let seed = 2025; // mulberry32
    const next = (n: number): number => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    for (let i = 0; i < 300; i++) {
      const local = `20${pad(20 + next(10))}-${pad(1 + next(12))}-${pad(1 + next(28))}T${pad(next(24))}:${pad(next(60))}:${pad(next(60))}.${pad(next(1000), 3)}`;
      const sign = next(2) ? '+' : '-';
      const hours = pad(next(14));
      const minutes = pad([0, 30, 45][next(3)]);
      const reference = new Date(`${local}${sign}${hours}:${minutes}`).getTime();
      expect(parseStmTimestamp(`${local}${sign}${hours}:${minutes}`)?.getTime()).toBe(reference);
      expect(parseStmTimestamp(`${local}${sign}${hours}${minutes}`)?.getTime()).toBe(reference);
      if (minutes === '00') expect(parseStmTimestamp(`${local}${sign}${hours}`)?.getTime()).toBe(reference);
    }
  });
});
