import { montevideoMidnight, montevideoWeekday } from '../../shared/montevideo-time';
import type { DayType } from '../entities/variant-schedule.entity';

/**
 * Which of the timetable's service days a span of time touches. A service day is a Montevideo calendar
 * date; its trips start from its local midnight on, and GTFS lets a late trip count past 24:00 (up to
 * 47:59), so the day before can still have trips starting now. Holidays are not marked in the city's
 * feed: they run as the day of the week they fall on.
 */

const DAY_MS = 86_400_000;
/** The last minute a service day's trip may start at, counted from its midnight (47:59). */
export const LAST_START_MINUTE = 2 * 24 * 60 - 1;

export function dayTypeOf(weekday: number): DayType {
  return weekday === 0 ? 'sunday' : weekday === 6 ? 'saturday' : 'weekday';
}

/** The day type of the Montevideo date at `epochMs`. */
export function dayTypeAt(epochMs: number): DayType {
  return dayTypeOf(montevideoWeekday(epochMs));
}

export interface ServiceDayWindow {
  dayType: DayType;
  /** Epoch ms of the service day's local midnight. */
  midnight: number;
  /** Minutes after that midnight, both inclusive, that fall within the span asked for. */
  fromMinute: number;
  toMinute: number;
}

/** The service days whose trips can start within [from, to] (epoch ms), oldest first. */
export function serviceDayWindows(from: number, to: number): ServiceDayWindow[] {
  const windows: ServiceDayWindow[] = [];
  // Noon of each date: a step of 24 h from there never skips or repeats a date.
  for (let noon = montevideoMidnight(from) - DAY_MS + DAY_MS / 2; noon - DAY_MS / 2 <= to; noon += DAY_MS) {
    const midnight = montevideoMidnight(noon);
    const fromMinute = Math.max(0, Math.ceil((from - midnight) / 60_000));
    const toMinute = Math.min(LAST_START_MINUTE, Math.floor((to - midnight) / 60_000));
    if (fromMinute <= toMinute) windows.push({ dayType: dayTypeAt(noon), midnight, fromMinute, toMinute });
  }
  return windows;
}
