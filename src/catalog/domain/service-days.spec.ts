import { dayTypeAt, LAST_START_MINUTE, serviceDayWindows } from './service-days';

const local = (iso: string): number => Date.parse(`${iso}-03:00`);

describe('dayTypeAt', () => {
  it.each([
    ['2026-06-08T00:00:00', 'weekday'], // a Monday, from its first minute
    ['2026-06-12T23:59:59', 'weekday'], // Friday night
    ['2026-06-13T00:00:00', 'saturday'],
    ['2026-06-14T12:00:00', 'sunday'],
    ['2026-06-15T02:59:00', 'weekday'], // Monday 02:59 local is still Monday, although UTC is past 05:00
  ])('%s in Montevideo is a %s', (iso, dayType) => {
    expect(dayTypeAt(local(iso))).toBe(dayType);
  });
});

describe('serviceDayWindows', () => {
  it('gives the day before too, whose late trips (past 24:00) may start now', () => {
    const windows = serviceDayWindows(local('2026-06-13T00:30:00'), local('2026-06-13T01:30:00'));
    expect(windows).toEqual([
      { dayType: 'weekday', midnight: local('2026-06-12T00:00:00'), fromMinute: 24 * 60 + 30, toMinute: 25 * 60 + 30 },
      { dayType: 'saturday', midnight: local('2026-06-13T00:00:00'), fromMinute: 30, toMinute: 90 },
    ]);
  });

  it('never reaches past 47:59 of a service day, nor gives a day outside the span', () => {
    const windows = serviceDayWindows(local('2026-06-10T12:00:00'), local('2026-06-12T12:00:00'));
    // The 9th's trips past 24:00 run into the 10th; then the 10th, 11th and 12th themselves.
    expect(windows.map((w) => w.midnight)).toEqual(
      ['2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12'].map((d) => local(`${d}T00:00:00`)),
    );
    for (const w of windows) expect(w.toMinute).toBeLessThanOrEqual(LAST_START_MINUTE);
    expect(serviceDayWindows(local('2026-06-10T12:00:00'), local('2026-06-10T11:00:00'))).toEqual([]);
  });
});
