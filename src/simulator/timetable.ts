import type { DayType } from '../catalog/entities/variant-schedule.entity';
import type { RawSchedules } from '../shared/montevideo-data';
import { between, streamFor } from './prng';

/**
 * When each variant's trips leave their first stop, in minutes after a service day's midnight: the city's
 * timetable where it has one (GTFS, 1,053 variants), else a plausible one — a headway of its own, shorter
 * in the rush hours, longer in the evening and at weekends, and no service in the small hours.
 */

export const DAY_TYPE_INDEX: Record<DayType, number> = { weekday: 0, saturday: 1, sunday: 2 };

/** Service hours of the made-up timetables, local [from, to) in hours, per day type. */
const SERVICE_HOURS: Record<DayType, [number, number]> = {
  weekday: [5.5, 23.5],
  saturday: [6, 23.5],
  sunday: [7, 23],
};
const DAY_FACTOR: Record<DayType, number> = { weekday: 1, saturday: 1.3, sunday: 1.6 };
const TIMETABLE_SALT = 21;

function hourFactor(hour: number): number {
  if ((hour >= 7 && hour < 9.5) || (hour >= 17 && hour < 19.5)) return 0.8;
  if (hour >= 21) return 1.6;
  return 1;
}

export function departureMinutes(schedules: RawSchedules, seed: number, variantId: number, dayType: DayType): number[] {
  const schedule = schedules[String(variantId)];
  if (schedule) return [...new Set(schedule[dayType])].sort((a, b) => a - b);
  const random = streamFor(seed, TIMETABLE_SALT, variantId, DAY_TYPE_INDEX[dayType]);
  const headway = between(random, 15, 35) * DAY_FACTOR[dayType];
  const [from, to] = SERVICE_HOURS[dayType];
  const minutes: number[] = [];
  for (let m = from * 60 + random() * headway; m < to * 60; m += headway * hourFactor(m / 60)) {
    minutes.push(Math.round(m));
  }
  return [...new Set(minutes)];
}
