/**
 * Montevideo's local time. Uruguay has been on UTC-3 all year since 2015 (no DST), so a fixed offset is
 * correct and avoids depending on the host's time zone database.
 */
export const MONTEVIDEO_OFFSET_MS = -3 * 60 * 60 * 1000;

const DAY_MS = 86_400_000;

/** Epoch ms of the local midnight that starts the Montevideo calendar day containing `epochMs`. */
export function montevideoMidnight(epochMs: number): number {
  const local = epochMs + MONTEVIDEO_OFFSET_MS;
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - MONTEVIDEO_OFFSET_MS;
}

/** Day of the week in Montevideo at `epochMs`: 0 Sunday … 6 Saturday. */
export function montevideoWeekday(epochMs: number): number {
  return new Date(epochMs + MONTEVIDEO_OFFSET_MS).getUTCDay();
}
