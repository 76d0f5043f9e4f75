import { montevideoHourOfDay, NIGHT_FACTOR, RUSH_HOUR_FACTOR, trafficFactorAt } from './schedule';

/** Epoch ms of a Montevideo local time on 2025-11-15 (UTC−3). */
const local = (hours: number, minutes = 0): number => Date.UTC(2025, 10, 15, hours + 3, minutes);

describe('montevideoHourOfDay', () => {
  it('counts hours from Montevideo midnight, three hours behind UTC', () => {
    expect(montevideoHourOfDay(Date.UTC(2025, 10, 15, 3, 0))).toBe(0);
    expect(montevideoHourOfDay(Date.UTC(2025, 10, 15, 16, 30))).toBe(13.5);
    expect(montevideoHourOfDay(Date.UTC(2025, 10, 15, 2, 0))).toBe(23);
    expect(montevideoHourOfDay(-1)).toBeCloseTo(21, 6);
  });
});

describe('trafficFactorAt', () => {
  it.each([
    [6, 59, 1],
    [7, 0, RUSH_HOUR_FACTOR],
    [9, 29, RUSH_HOUR_FACTOR],
    [9, 30, 1],
    [13, 14, 1],
    [16, 59, 1],
    [17, 0, RUSH_HOUR_FACTOR],
    [19, 29, RUSH_HOUR_FACTOR],
    [19, 30, 1],
    [21, 59, 1],
    [22, 0, NIGHT_FACTOR],
    [0, 0, NIGHT_FACTOR],
    [5, 59, NIGHT_FACTOR],
    [6, 0, 1],
  ])('at %d:%d local is %d', (hours, minutes, factor) => {
    expect(trafficFactorAt(local(hours, minutes))).toBe(factor);
  });

  it('slows the peaks to 0.8 and speeds the night to 1.12', () => {
    expect([RUSH_HOUR_FACTOR, NIGHT_FACTOR]).toEqual([0.8, 1.12]);
  });
});
