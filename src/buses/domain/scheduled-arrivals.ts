/**
 * Buses not yet on their way to a stop (SPEC §3.4): the next scheduled departures of the variants that serve
 * it, and the buses waiting at their terminus, each with when it leaves and when it should reach the stop.
 * Listed apart from the live buses: these times come from the timetable, not from a bus's progress.
 */

/** How many entries per line a rider is shown. */
export const SCHEDULED_PER_LINE = 3;
/**
 * A bus waiting at its terminus takes the departure of its variant that is due, even one a few minutes past
 * (buses leave late): at most this late.
 */
export const LATE_DEPARTURE_MS = 5 * 60_000;

export interface ServingVariant {
  variantId: number;
  line: string;
  destination: string;
  /** Seconds from leaving the first stop to reaching the tracked stop (scheduledRunSeconds). */
  runSeconds: number;
}

export interface WaitingBus {
  company: string;
  busId: number;
  variantId: number;
}

export interface ScheduledArrival {
  line: string;
  variantId: number;
  destination: string;
  /** When it leaves its first stop; null for a waiting bus whose variant has no departure due. */
  departureAt: Date | null;
  arrivalAt: Date | null;
  etaSeconds: number | null;
  /** The waiting bus; null for a timetable entry with no bus seen yet. */
  company: string | null;
  busId: number | null;
}

/**
 * The scheduled arrivals at a stop: each waiting bus takes its variant's earliest departure due (no earlier
 * than LATE_DEPARTURE_MS ago), the departures left over from now on are listed without a bus, and each line
 * keeps its `perLine` soonest, waiting buses first.
 */
export function scheduledArrivals(
  variants: readonly ServingVariant[],
  departures: readonly { variantId: number; departsAt: Date }[],
  waiting: readonly WaitingBus[],
  now: Date,
  perLine = SCHEDULED_PER_LINE,
): ScheduledArrival[] {
  const byVariant = new Map(variants.map((v) => [v.variantId, v]));
  const pending = departures
    .filter((d) => byVariant.has(d.variantId) && d.departsAt.getTime() >= now.getTime() - LATE_DEPARTURE_MS)
    .sort((a, b) => a.departsAt.getTime() - b.departsAt.getTime() || a.variantId - b.variantId);
  const taken = new Set<number>();
  const entries: ScheduledArrival[] = [];
  for (const bus of waiting) {
    const variant = byVariant.get(bus.variantId);
    if (!variant) continue;
    const index = pending.findIndex((d, i) => !taken.has(i) && d.variantId === bus.variantId);
    if (index >= 0) taken.add(index);
    const departureAt = index >= 0 ? pending[index].departsAt : null;
    entries.push(entry(variant, departureAt, now, bus));
  }
  pending.forEach((d, i) => {
    if (!taken.has(i) && d.departsAt >= now) entries.push(entry(byVariant.get(d.variantId)!, d.departsAt, now, null));
  });
  const kept = new Map<string, number>();
  return entries
    .sort((a, b) => order(a) - order(b) || a.line.localeCompare(b.line, 'en', { numeric: true }))
    .filter((e) => {
      const count = kept.get(e.line) ?? 0;
      kept.set(e.line, count + 1);
      return count < perLine;
    });
}

/** Soonest arrival first; a waiting bus with no departure due last. */
function order(e: ScheduledArrival): number {
  return e.arrivalAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
}

function entry(variant: ServingVariant, departureAt: Date | null, now: Date, bus: WaitingBus | null): ScheduledArrival {
  const arrivalAt = departureAt ? new Date(departureAt.getTime() + variant.runSeconds * 1000) : null;
  return {
    line: variant.line,
    variantId: variant.variantId,
    destination: variant.destination,
    departureAt,
    arrivalAt,
    etaSeconds: arrivalAt ? Math.max(0, Math.round((arrivalAt.getTime() - now.getTime()) / 1000)) : null,
    company: bus?.company ?? null,
    busId: bus?.busId ?? null,
  };
}
