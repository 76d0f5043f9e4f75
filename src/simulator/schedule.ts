import { MONTEVIDEO_OFFSET_MS } from './stm-time';

/** How traffic bends over the day: the speed multiplier at each hour, for the fleet and the trips alike. */

/** Multipliers of cruise speed: Montevideo's peaks crawl, its nights run clear. */
export const RUSH_HOUR_FACTOR = 0.8;
export const NIGHT_FACTOR = 1.12;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Local [from, to) hours of the morning and evening peaks, and of the night. */
const RUSH_HOURS: [number, number][] = [
  [7, 9.5],
  [17, 19.5],
];
const NIGHT_STARTS = 22;
const NIGHT_ENDS = 6;

/** Hours since Montevideo midnight (UTC−3 all year, see stm-time.ts), fractional. */
export function montevideoHourOfDay(epochMs: number): number {
  const local = epochMs + MONTEVIDEO_OFFSET_MS;
  return (((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/** Speed multiplier for a trip that starts at epoch ms `epochMs`: 0.8 in the peaks, 1.12 at night, else 1. */
export function trafficFactorAt(epochMs: number): number {
  const hour = montevideoHourOfDay(epochMs);
  if (RUSH_HOURS.some(([from, to]) => hour >= from && hour < to)) return RUSH_HOUR_FACTOR;
  if (hour >= NIGHT_STARTS || hour < NIGHT_ENDS) return NIGHT_FACTOR;
  return 1;
}
