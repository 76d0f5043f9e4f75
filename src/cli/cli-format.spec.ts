import { ago, describeJobId, megabytes, short, table } from './cli-format';

describe('table', () => {
  it('aligns columns to the widest cell and leaves the last one unpadded', () => {
    expect(
      table([
        ['waiting', 0, 'x'],
        ['completed', 953, 'longer'],
      ]),
    ).toEqual(['  waiting    0    x', '  completed  953  longer']);
  });

  it('takes another indent', () => {
    expect(table([['a', 'b']], '')).toEqual(['a  b']);
  });
});

describe('ago', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  it.each<[string | null, string]>([
    ['2026-11-29T11:59:48Z', '12s ago'],
    ['2026-11-29T11:56:55Z', '3m 5s ago'],
    ['2026-11-29T12:00:04Z', 'in 4s'],
    ['2026-11-29T11:59:59.400Z', 'just now'],
    [null, 'never'],
  ])('%s → %s', (at, text) => {
    expect(ago(at, now)).toBe(text);
  });
});

describe('megabytes', () => {
  it('rounds to whole MB and says ? when unknown', () => {
    expect(megabytes(117_440_512)).toBe('112 MB');
    expect(megabytes(undefined)).toBe('?');
  });
});

describe('describeJobId', () => {
  it('reads a tick id, and leaves other ids as they are', () => {
    expect(describeJobId('tick:103:12')).toBe('tick 12 of line 103');
    expect(describeJobId('tick:124 SD:3')).toBe('tick 3 of line 124 SD');
    expect(describeJobId('42')).toBe('42');
    expect(short('7f1c5d97-0899')).toBe('7f1c5d97');
  });
});
