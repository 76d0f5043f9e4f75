import type { DayType } from '../entities/variant-schedule.entity';
import { GtfsArchive, GtfsFeedError } from './gtfs-archive';

/**
 * What bus-tracker takes from a GTFS feed: each trip's variant, day types and start minute; and, where the
 * feed has them, each variant's stop list (stop_times.txt) and road geometry (shapes.txt). The city's feed
 * names its trips `S VVVVV HHMM 0` (service, lineVariantId, start time, a 0), and its `shape_id` is the
 * lineVariantId too; service ids are defined by calendar.txt.
 */
export interface GtfsTrip {
  tripId: string;
  variantId: number;
  dayTypes: DayType[];
  /** Minutes after the service day's midnight: from stop_times.txt where it has the trip, else from trip_id. */
  startMinute: number;
  shapeId: string | null;
  /** Line of trips.txt, for messages. */
  line: number;
}

export interface GtfsFeed {
  trips: GtfsTrip[];
  /** Services that run on no day type bus-tracker knows (no day at all). */
  unusedServices: string[];
  /** Variant → its stop ids in order, from its first trip in trips.txt. */
  stopLists: Map<number, string[]>;
  /** Variant → its road geometry, [lon, lat], from the shape of its first trip that has one. */
  shapes: Map<number, [number, number][]>;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const CALENDAR = ['service_id', ...WEEKDAYS, 'saturday', 'sunday', 'start_date', 'end_date'];
/** The city's trip ids: service digit, five-digit variant, HHMM, a final 0 (spaces allowed between). */
const CITY_TRIP_ID = /^(\d)(\d{5})(\d{2})(\d{2})0$/;
const MAX_VARIANT_ID = 2 ** 31 - 1;

export async function readGtfsFeed(path: string): Promise<GtfsFeed> {
  const archive = await GtfsArchive.open(path);
  try {
    for (const file of ['calendar.txt', 'trips.txt']) {
      if (!archive.has(file)) throw new GtfsFeedError(file, 0, 'missing from the feed (it is required)');
    }
    const services = await readCalendar(archive);
    const trips = await readTrips(archive, services);
    const feed: GtfsFeed = {
      trips,
      unusedServices: [...services].filter(([, days]) => days.length === 0).map(([id]) => id),
      stopLists: new Map(),
      shapes: new Map(),
    };
    if (archive.has('stop_times.txt')) await readStopTimes(archive, feed);
    if (archive.has('shapes.txt')) await readShapes(archive, feed);
    for (const trip of trips) {
      if (trip.startMinute < 0) {
        throw new GtfsFeedError(
          'trips.txt',
          trip.line,
          `trip ${trip.tripId} has no start time: its id is not the city's form and stop_times.txt does not time it`,
        );
      }
    }
    return feed;
  } finally {
    archive.close();
  }
}

async function readCalendar(archive: GtfsArchive): Promise<Map<string, DayType[]>> {
  const services = new Map<string, DayType[]>();
  for await (const { values, line } of archive.rows('calendar.txt', CALENDAR)) {
    const flag = (day: string): boolean => {
      if (values[day] !== '0' && values[day] !== '1') {
        throw new GtfsFeedError('calendar.txt', line, `${day} must be 0 or 1, got "${values[day]}"`);
      }
      return values[day] === '1';
    };
    const weekdays = WEEKDAYS.map(flag);
    if (weekdays.some(Boolean) && !weekdays.every(Boolean)) {
      throw new GtfsFeedError(
        'calendar.txt',
        line,
        `service ${values.service_id} runs on some weekdays only; the timetable knows weekday (Monday to Friday), saturday and sunday`,
      );
    }
    const days: DayType[] = [];
    if (weekdays[0]) days.push('weekday');
    if (flag('saturday')) days.push('saturday');
    if (flag('sunday')) days.push('sunday');
    if (!values.service_id) throw new GtfsFeedError('calendar.txt', line, 'service_id is empty');
    services.set(values.service_id, days);
  }
  if (!services.size) throw new GtfsFeedError('calendar.txt', 0, 'defines no service');
  return services;
}

async function readTrips(archive: GtfsArchive, services: Map<string, DayType[]>): Promise<GtfsTrip[]> {
  const trips: GtfsTrip[] = [];
  const seen = new Set<string>();
  for await (const { values, line } of archive.rows('trips.txt', ['route_id', 'service_id', 'trip_id'])) {
    const tripId = values.trip_id;
    if (!tripId) throw new GtfsFeedError('trips.txt', line, 'trip_id is empty');
    if (seen.has(tripId)) throw new GtfsFeedError('trips.txt', line, `trip ${tripId} is listed twice`);
    seen.add(tripId);
    const dayTypes = services.get(values.service_id);
    if (!dayTypes) {
      throw new GtfsFeedError(
        'trips.txt',
        line,
        `service ${values.service_id} of trip ${tripId} is not in calendar.txt`,
      );
    }
    const city = CITY_TRIP_ID.exec(tripId.replace(/\s+/g, ''));
    const shapeId = values.shape_id || null;
    const variantId = city ? Number(city[2]) : shapeId && /^\d+$/.test(shapeId) ? Number(shapeId) : NaN;
    if (!(variantId >= 1 && variantId <= MAX_VARIANT_ID)) {
      throw new GtfsFeedError(
        'trips.txt',
        line,
        `trip ${tripId} names no line variant: its id is not the city's form (S VVVVV HHMM 0) and its shape_id is not a variant id`,
      );
    }
    let startMinute = -1;
    if (city) {
      const [hours, minutes] = [Number(city[3]), Number(city[4])];
      if (hours >= 48 || minutes >= 60)
        throw new GtfsFeedError('trips.txt', line, `trip ${tripId} starts at an impossible ${city[3]}:${city[4]}`);
      startMinute = hours * 60 + minutes;
    }
    trips.push({ tripId, variantId, dayTypes, startMinute, shapeId, line });
  }
  if (!trips.length) throw new GtfsFeedError('trips.txt', 0, 'lists no trip');
  return trips;
}

/** `H:MM:SS` or `HH:MM:SS`, possibly past 24:00; minutes after midnight, rounded down. */
function minuteOf(text: string, file: string, line: number): number {
  const match = /^(\d{1,2}):([0-5]\d):([0-5]\d)$/.exec(text);
  if (!match || Number(match[1]) >= 48) throw new GtfsFeedError(file, line, `"${text}" is not a time (HH:MM:SS)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

async function readStopTimes(archive: GtfsArchive, feed: GtfsFeed): Promise<void> {
  const byId = new Map(feed.trips.map((t) => [t.tripId, t]));
  // The first trip of each variant gives its stop list; every trip's first stop gives its start minute.
  const representative = new Map<string, number>();
  const taken = new Set<number>();
  for (const trip of feed.trips) {
    if (taken.has(trip.variantId)) continue;
    taken.add(trip.variantId);
    representative.set(trip.tripId, trip.variantId);
  }
  const first = new Map<string, { sequence: number; minute: number }>();
  const lists = new Map<string, { sequence: number; stopId: string }[]>();
  const columns = ['trip_id', 'arrival_time', 'departure_time', 'stop_id', 'stop_sequence'];
  for await (const { values, line } of archive.rows('stop_times.txt', columns)) {
    if (!byId.has(values.trip_id)) {
      throw new GtfsFeedError('stop_times.txt', line, `trip ${values.trip_id} is not in trips.txt`);
    }
    const sequence = Number(values.stop_sequence);
    if (!/^\d+$/.test(values.stop_sequence)) {
      throw new GtfsFeedError(
        'stop_times.txt',
        line,
        `stop_sequence must be a whole number, got "${values.stop_sequence}"`,
      );
    }
    if (!values.stop_id) throw new GtfsFeedError('stop_times.txt', line, 'stop_id is empty');
    // Every time is checked, not only the ones used: a feed with a broken time is a broken feed.
    const [arrival, departure] = [values.arrival_time, values.departure_time].map((t) =>
      t ? minuteOf(t, 'stop_times.txt', line) : undefined,
    );
    const minute = departure ?? arrival;
    const known = first.get(values.trip_id);
    if (minute !== undefined && (!known || sequence < known.sequence)) first.set(values.trip_id, { sequence, minute });
    if (representative.has(values.trip_id)) {
      const list = lists.get(values.trip_id) ?? [];
      list.push({ sequence, stopId: values.stop_id });
      lists.set(values.trip_id, list);
    }
  }
  for (const trip of feed.trips) {
    const start = first.get(trip.tripId);
    if (start) trip.startMinute = start.minute;
  }
  for (const [tripId, variantId] of representative) {
    const list = lists.get(tripId);
    if (list?.length)
      feed.stopLists.set(
        variantId,
        list.sort((a, b) => a.sequence - b.sequence).map((s) => s.stopId),
      );
  }
}

async function readShapes(archive: GtfsArchive, feed: GtfsFeed): Promise<void> {
  const points = new Map<string, { sequence: number; point: [number, number] }[]>();
  const columns = ['shape_id', 'shape_pt_lat', 'shape_pt_lon', 'shape_pt_sequence'];
  for await (const { values, line } of archive.rows('shapes.txt', columns)) {
    const [lat, lon, sequence] = [
      Number(values.shape_pt_lat),
      Number(values.shape_pt_lon),
      Number(values.shape_pt_sequence),
    ];
    if (!values.shape_pt_lat || !(Math.abs(lat) <= 90) || !values.shape_pt_lon || !(Math.abs(lon) <= 180)) {
      throw new GtfsFeedError(
        'shapes.txt',
        line,
        `shape ${values.shape_id} has a point that is not a latitude and longitude`,
      );
    }
    if (!/^\d+$/.test(values.shape_pt_sequence)) {
      throw new GtfsFeedError(
        'shapes.txt',
        line,
        `shape_pt_sequence must be a whole number, got "${values.shape_pt_sequence}"`,
      );
    }
    const list = points.get(values.shape_id) ?? [];
    list.push({ sequence, point: [lon, lat] });
    points.set(values.shape_id, list);
  }
  for (const trip of feed.trips) {
    if (!trip.shapeId || feed.shapes.has(trip.variantId)) continue;
    const shape = points.get(trip.shapeId);
    if (!shape)
      throw new GtfsFeedError(
        'trips.txt',
        trip.line,
        `shape ${trip.shapeId} of trip ${trip.tripId} is not in shapes.txt`,
      );
    if (shape.length >= 2)
      feed.shapes.set(
        trip.variantId,
        shape.sort((a, b) => a.sequence - b.sequence).map((p) => p.point),
      );
  }
}
