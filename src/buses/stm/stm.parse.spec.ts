import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busParser, feedClock, parseBus, parseList, parseStop, parseStopLine, parseUpcomingBus, parseVariant } from './stm.parse';
import { parseStmTimestamp } from './stm-timestamp';
import { formatStmTimestamp } from '../../simulator/stm-time';

const ROOT = join(__dirname, '..', '..', '..');
const readJson = <T = unknown>(...parts: string[]): T => JSON.parse(readFileSync(join(ROOT, ...parts), 'utf8')) as T;

interface RawSampleBus {
  busId: number;
  company: string;
  line: string;
  lineVariantId: number;
  timestamp: string;
  location: { type: string; coordinates: [number, number] };
  origin: string;
  destination: string;
  speed: number | null;
  eType?: string;
}

const SAMPLES = ['test', 'fixtures', 'stm-api-samples'];
const busesLine21 = readJson<RawSampleBus[]>(...SAMPLES, 'buses-line-21.json');
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
/** A valid vehicle from the real sample, with some fields changed or removed (undefined). */
function vehicle(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const v: Record<string, unknown> = { ...clone(busesLine21[0]), ...changes };
  for (const [k, value] of Object.entries(changes)) if (value === undefined) delete v[k];
  return v;
}

describe('parseList', () => {
  it.each<[string, unknown]>([
    ['null (a 204)', null],
    ['an empty string', ''],
    ['undefined', undefined],
    ['an empty list', []],
  ])('returns an empty result for %s', (_name, body) => {
    expect(parseList(body, parseBus, 'buses')).toEqual({ items: [], skipped: 0, problems: [], reasons: {} });
  });

  it.each<[string, unknown]>([
    ['an object', { buses: [] }],
    ['a non-empty string', 'Service Unavailable'],
    ['a number', 42],
    ['a boolean', true],
  ])('throws for a body that is not a list: %s', (_name, body) => {
    expect(() => parseList(body, parseBus, 'buses')).toThrow(/expected a JSON list of buses/);
  });

  it('keeps valid items, skips and counts malformed ones, with reasons for at most 5', () => {
    const body = [
      vehicle(), // 0 kept
      vehicle({ busId: undefined }), // 1
      vehicle({ busId: '19' }), // 2
      vehicle({ timestamp: 'yesterday' }), // 3
      vehicle({ location: { type: 'Point', coordinates: [-56.1, -95] } }), // 4
      vehicle({ location: undefined }), // 5
      'not a bus', // 6
      vehicle({ location: { type: 'Point', coordinates: [0, 0] } }), // 7
      vehicle({ busId: 599, company: 'COETC' }), // 8 kept
      null, // 9
      [vehicle()], // 10
    ];
    const result = parseList(body, parseBus, 'buses');
    expect(result.items.map((b) => [b.company, b.busId])).toEqual([
      ['CUTCSA', 19],
      ['COETC', 599],
    ]);
    expect(result.skipped).toBe(9);
    expect(result.problems).toEqual([
      'buses[1]: invalid busId',
      'buses[2]: invalid busId',
      'buses[3]: unparseable timestamp "yesterday"',
      'buses[4]: invalid coordinates',
      'buses[5]: no location',
    ]);
  });

  it('skips values our columns cannot hold and fixes stamped over a minute ahead, counted by reason', () => {
    const fixAt = parseStmTimestamp(vehicle().timestamp)!.getTime();
    const parse = busParser(() => fixAt);
    const body = [
      vehicle(), // kept
      vehicle({ busId: 2 ** 32 + 5 }), // out_of_range
      vehicle({ lineVariantId: 2 ** 40 }), // out_of_range
      vehicle({ destination: 'x'.repeat(121) }), // too_long
      vehicle({ line: 'L'.repeat(21) }), // too_long
      vehicle({ busId: undefined }), // malformed
    ];
    const result = parseList(body, parse, 'buses');
    expect(result.items).toHaveLength(1);
    expect(result.reasons).toEqual({ out_of_range: 2, too_long: 2, malformed: 1 });
    expect(result.problems[0]).toBe('buses[1]: busId 4294967301 out of range');
    expect(result.problems[2]).toBe('buses[3]: destination longer than 120 characters (121)');

    // A minute ahead is a clock a little off, and kept; two minutes ahead is not believed.
    expect(parseList([vehicle()], busParser(() => fixAt - 60_000), 'buses').items).toHaveLength(1);
    const ahead = parseList([vehicle()], busParser(() => fixAt - 120_000), 'buses');
    expect(ahead.items).toHaveLength(0);
    expect(ahead.reasons).toEqual({ future_fix: 1 });
    expect(ahead.problems).toEqual(['buses[0]: fix stamped 120 s in the future']);
  });

  it("reads the feed's own clock as the median of its stamps", () => {
    const stamp = (ms: number) => formatStmTimestamp(ms);
    const t = Date.parse('2026-12-02T12:00:00Z');
    const body = [t, t + 1000, t + 600_000].map((ms) => vehicle({ timestamp: stamp(ms) }));
    expect(feedClock(body)).toBe(t + 1000);
    expect(feedClock([])).toBeNull();
    expect(feedClock({})).toBeNull();
    // One bus ten minutes ahead of the rest is skipped even when our clock is behind the feed's.
    const parsed = parseList(body, busParser(() => Math.max(t - 3600_000, feedClock(body)!)), 'buses');
    expect(parsed.reasons).toEqual({ future_fix: 1 });
      });

  it('counts every skipped item but describes only the first five', () => {
    const body = [...Array.from({ length: 7 }, () => 'x'), vehicle()];
    const result = parseList(body, parseBus, 'buses');
    expect(result.items).toHaveLength(1);
    expect(result.skipped).toBe(7);
    expect(result.problems).toEqual([0, 1, 2, 3, 4].map((i) => `buses[${i}]: not an object`));
  });
});

describe('parseBus', () => {
  describe('on the real sample buses-line-21.json', () => {
    const result = parseList(busesLine21, parseBus, 'buses');

    it('keeps all 9 vehicles of line 21 and skips none', () => {
      expect(busesLine21).toHaveLength(9);
      expect(result.skipped).toBe(0);
      expect(result.problems).toEqual([]);
      expect(result.items.map((b) => b.busId)).toEqual([19, 599, 1104, 971, 728, 15, 57, 912, 1036]);
      expect(new Set(result.items.map((b) => b.line))).toEqual(new Set(['21']));
      expect(new Set(result.items.map((b) => b.company))).toEqual(new Set(['CUTCSA']));
    });

    it('maps the first vehicle field by field, ignoring eType', () => {
      expect(result.items[0]).toEqual({
        company: 'CUTCSA',
        busId: 19,
        line: '21',
        variantId: 4426,
        origin: 'GÉANT',
        destination: 'PLAZA INDEPENDENCIA',
        latitude: -34.864296,
        longitude: -56.02136,
        fixAt: new Date('2025-11-15T16:14:07.000Z'),
        reportedSpeedKmh: 5,
      });
      expect(result.items[0]).not.toHaveProperty('eType');
    });

    it.each(busesLine21.map((raw, i) => [raw.busId, i] as const))(
      'reads bus %d as [lon, lat] with its fix time in UTC',
      (_busId, i) => {
        const raw = busesLine21[i];
        const bus = result.items[i];
        expect(bus.longitude).toBe(raw.location.coordinates[0]);
        expect(bus.latitude).toBe(raw.location.coordinates[1]);
        // Montevideo is around 34.9° S, 56.2° W: a swap would put latitude near -56.
        expect(bus.latitude).toBeGreaterThan(-35.1);
        expect(bus.latitude).toBeLessThan(-34.6);
        expect(bus.longitude).toBeGreaterThan(-56.5);
        expect(bus.longitude).toBeLessThan(-55.9);
        // The sample says "…-03"; with the minutes added, Date reads it as a full ISO offset.
        expect(raw.timestamp).toMatch(/-03$/);
        expect(bus.fixAt.getTime()).toBe(Date.parse(`${raw.timestamp}:00`));
        expect(bus.variantId).toBe(raw.lineVariantId);
        expect(bus.destination).toBe(raw.destination);
        expect(bus.reportedSpeedKmh).toBe(raw.speed);
      },
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['busId missing', { busId: undefined }, 'invalid busId'],
    ['busId a string', { busId: '19' }, 'invalid busId'],
    ['busId a fraction', { busId: 19.5 }, 'invalid busId'],
    ['busId negative', { busId: -1 }, 'invalid busId'],
    ['company missing', { company: undefined }, 'missing company'],
    ['company blank', { company: '  ' }, 'missing company'],
    ['line missing', { line: undefined }, 'missing line'],
    ['line a number', { line: 21 }, 'missing line'],
    ['lineVariantId a string', { lineVariantId: '4426' }, 'invalid lineVariantId'],
    ['timestamp unparseable', { timestamp: '15/11/2025 13:14' }, 'unparseable timestamp "15/11/2025 13:14"'],
    ['timestamp missing', { timestamp: undefined }, 'unparseable timestamp undefined'],
    ['timestamp a number', { timestamp: 1763212447000 }, 'unparseable timestamp 1763212447000'],
    ['location missing', { location: undefined }, 'no location'],
    ['location null', { location: null }, 'no location'],
    ['coordinates missing', { location: { type: 'Point' } }, 'no location'],
    ['coordinates [0, 0]', { location: { type: 'Point', coordinates: [0, 0] } }, 'invalid coordinates'],
    ['latitude out of range', { location: { type: 'Point', coordinates: [-56.1, -91] } }, 'invalid coordinates'],
    ['longitude out of range', { location: { type: 'Point', coordinates: [-181, -34.9] } }, 'invalid coordinates'],
    ['coordinates as strings', { location: { type: 'Point', coordinates: ['-56.1', '-34.9'] } }, 'invalid coordinates'],
    ['a single coordinate', { location: { type: 'Point', coordinates: [-56.1] } }, 'invalid coordinates'],
  ])('rejects a vehicle with %s', (_name, changes, reason) => {
    expect(parseBus(vehicle(changes))).toBe(reason);
  });

  it('trims text, upper-cases the line and accepts null optional fields', () => {
    const bus = parseBus(
      vehicle({ line: ' d10 ', company: ' COETC ', speed: null, access: null, emissions: null, eType: undefined }),
    );
    expect(bus).toMatchObject({ line: 'D10', company: 'COETC', reportedSpeedKmh: null });
  });
});

describe('parseUpcomingBus', () => {
  it('reads the real sample upcomingbuses.json, taking company from companyName', () => {
    const result = parseList(readJson(...SAMPLES, 'upcomingbuses.json'), parseUpcomingBus, 'upcoming buses');
    expect(result.skipped).toBe(0);
    expect(result.items).toEqual([
      {
        busId: 106,
        company: 'COME',
        line: '526',
        variantId: 8924,
        destination: 'PLAYA MALVÍN',
        etaSeconds: 1758,
        distanceMeters: 7603,
      },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no eta', { busId: 1, lineVariantId: 2, distance: 10 }],
    ['a string distance', { busId: 1, lineVariantId: 2, eta: 60, distance: '10' }],
    ['no busId', { lineVariantId: 2, eta: 60, distance: 10 }],
    ['a string lineVariantId', { busId: 1, lineVariantId: '2', eta: 60, distance: 10 }],
  ])('rejects an item with %s', (_name, item) => {
    expect(typeof parseUpcomingBus(item)).toBe('string');
  });
});

describe('parseStopLine', () => {
  it('reads the real sample busstop-lines.json', () => {
    const result = parseList(readJson(...SAMPLES, 'busstop-lines.json'), parseStopLine, 'lines');
    expect(result.skipped).toBe(0);
    expect(result.items).toEqual([
      { lineId: 444, line: '147' },
      { lineId: 445, line: '148' },
      { lineId: 67, line: '149' },
      { lineId: 446, line: '151' },
      { lineId: 72, line: '157' },
      { lineId: 449, line: '526' },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no lineId', { line: '147' }],
    ['a string lineId', { lineId: '444', line: '147' }],
    ['a blank line', { lineId: 444, line: ' ' }],
  ])('rejects an item with %s', (_name, item) => {
    expect(parseStopLine(item)).toBe('invalid lineId or line');
  });
});

describe('parseStop', () => {
  const stops = readJson<Record<string, unknown>[]>('assets', 'montevideo', 'busstops.json');

  it('reads the first stop of the shipped catalogue as [lon, lat]', () => {
    expect(parseStop(stops[0])).toEqual({
      id: 546,
      street1: 'CORUÑA',
      street2: 'GRAL JULIO AMADEO ROLETTI',
      latitude: -34.87240513,
      longitude: -56.14675823,
    });
  });

  it('keeps every stop of the shipped catalogue', () => {
    const result = parseList(stops, parseStop, 'stops');
    expect(result.skipped).toBe(0);
    expect(result.items).toHaveLength(stops.length);
    expect(new Set(result.items.map((s) => s.id)).size).toBe(stops.length);
  });

  it('turns blank street names into null', () => {
    expect(parseStop({ busstopId: 1, street1: ' ', location: { type: 'Point', coordinates: [-56.1, -34.9] } })).toEqual(
      {
        id: 1,
        street1: null,
        street2: null,
        latitude: -34.9,
        longitude: -56.1,
      },
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['busstopId 0', { busstopId: 0, location: { type: 'Point', coordinates: [-56.1, -34.9] } }, 'invalid busstopId'],
    [
      'a string busstopId',
      { busstopId: '546', location: { type: 'Point', coordinates: [-56.1, -34.9] } },
      'invalid busstopId',
    ],
    ['no location', { busstopId: 546 }, 'no location'],
  ])('rejects a stop with %s', (_name, item, reason) => {
    expect(parseStop(item)).toBe(reason);
  });
});

describe('parseVariant', () => {
  const variants = readJson<Record<string, unknown>[]>('assets', 'montevideo', 'linevariants.json');

  it('reads the first variant of the shipped catalogue', () => {
    expect(parseVariant(variants[0])).toEqual({
      id: 8,
      line: '402',
      lineId: 1,
      origin: 'PLAYA MALVÍN',
      destination: 'URUGUAY Y FLORIDA',
      subline: 'CIUDAD VIEJA - MALVIN',
      special: false,
    });
  });

  it('keeps the special flag of a special variant', () => {
    expect(parseVariant(variants[2])).toMatchObject({ id: 11, destination: '8 DE OCTUBRE Y COMERCIO', special: true });
  });

  it('keeps every variant of the shipped catalogue', () => {
    const result = parseList(variants, parseVariant, 'variants');
    expect(result.skipped).toBe(0);
    expect(result.items).toHaveLength(variants.length);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no lineVariantId', { line: '402', lineId: 1 }, 'invalid lineVariantId or lineId'],
    ['a string lineId', { lineVariantId: 8, line: '402', lineId: '1' }, 'invalid lineVariantId or lineId'],
    ['no line', { lineVariantId: 8, lineId: 1 }, 'missing line'],
  ])('rejects a variant with %s', (_name, item, reason) => {
    expect(parseVariant(item)).toBe(reason);
  });
});
