import { Entity, PrimaryColumn } from 'typeorm';

/** The three kinds of service day the city's timetable knows (no holidays). */
export const DAY_TYPES = ['weekday', 'saturday', 'sunday'] as const;
export type DayType = (typeof DAY_TYPES)[number];

/** One scheduled trip of a variant: the minute it leaves its first stop on a kind of service day. */
@Entity('variant_schedules')
export class VariantSchedule {
  @PrimaryColumn('integer')
  variantId: number;

  @PrimaryColumn('varchar', { length: 8 })
  dayType: DayType;

  /**
   * Minutes after the service day's local midnight. GTFS counts a late trip of a day past 24:00, so this
   * can exceed 1439 (up to 2879): such a trip leaves on the next calendar day, as part of this day's service.
   */
  @PrimaryColumn('integer')
  startMinute: number;
}
