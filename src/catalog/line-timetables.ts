import { Injectable } from '@nestjs/common';
import { CatalogService, ScheduledDeparture } from './catalog.service';
import { LineVariant } from './entities/line-variant.entity';

/** The timetable is read for windows of this length, each from the start of its slot… */
const SLOT_MS = 30 * 60_000;
/** …and this far ahead of the slot's end: the farthest a rider is told of a departure. */
export const TIMETABLE_LOOKAHEAD_MS = 3 * 3_600_000;
/** …and this far back, so that a bus leaving late still finds its departure. */
const LOOKBACK_MS = 10 * 60_000;
/** Several times the city's lines: the cache never outgrows a process. */
const MAX_LINES = 1_000;

export interface LineTimetable {
  line: string;
  variants: LineVariant[];
  /** Departures of the line's variants from LOOKBACK_MS before the slot to TIMETABLE_LOOKAHEAD_MS after it. */
  departures: ScheduledDeparture[];
}

/**
 * Each line's variants and its departures for the next hours, read once per line and half hour and shared by
 * every tracking read in this process (SPEC §3.4, buses not yet on their way): a dashboard read or a live
 * push costs no query for it.
 */
@Injectable()
export class LineTimetables {
  private readonly cache = new Map<string, { slot: number; timetable: Promise<LineTimetable> }>();

  constructor(private readonly catalog: CatalogService) {}

  /** The timetables of the lines (names normalised) around `now`. */
  of(lines: readonly string[], now: Date): Promise<LineTimetable[]> {
    const slot = Math.floor(now.getTime() / SLOT_MS);
    return Promise.all(lines.map((line) => this.line(line, slot)));
  }

  private line(line: string, slot: number): Promise<LineTimetable> {
    const cached = this.cache.get(line);
    if (cached && cached.slot === slot) return cached.timetable;
    if (this.cache.size >= MAX_LINES) this.cache.clear();
    const timetable = this.read(line, slot);
    const entry = { slot, timetable };
    this.cache.set(line, entry);
    // A failed read is not remembered: the next reader tries again.
    timetable.catch(() => {
      if (this.cache.get(line) === entry) this.cache.delete(line);
    });
    return timetable;
  }

  private async read(line: string, slot: number): Promise<LineTimetable> {
    const variants = await this.catalog.variantsOfLines([line]);
    const from = slot * SLOT_MS - LOOKBACK_MS;
    const to = (slot + 1) * SLOT_MS + TIMETABLE_LOOKAHEAD_MS;
    const departures = await this.catalog.departures(
      variants.map((v) => v.id),
      new Date(from),
      new Date(to),
    );
    return { line, variants, departures };
  }
}
