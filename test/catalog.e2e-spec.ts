import { NestFactory } from '@nestjs/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { CatalogService } from '../src/catalog/catalog.service';
import { LineVariant } from '../src/catalog/entities/line-variant.entity';
import { VariantSchedule } from '../src/catalog/entities/variant-schedule.entity';
import { VariantShape } from '../src/catalog/entities/variant-shape.entity';
import { VariantStop } from '../src/catalog/entities/variant-stop.entity';
import { GtfsFeedError, GtfsImportService } from '../src/catalog/gtfs-import.service';
import { loadMontevideoData } from '../src/shared/montevideo-data';
import { startSimulatorServer } from '../src/simulator/simulator-server';
import { runCli } from './support/cli-process';
import { goodFeed, writeGtfsFeed } from './support/gtfs-feed';
import { startSystem, TestSystem } from './support/system';

/**
 * The catalogue on a real database (TEST_DATABASE): the routes the API gives for a map, the timetable,
 * the GTFS import with good and broken feeds, an operator's prune surviving a restart, and the migration
 * that brought road geometry and timetables, both ways.
 */
describe('catalogue', () => {
  let sys: TestSystem;
  const repo = <T extends object>(target: new () => T) => sys.dataSource.getRepository(target);

  beforeAll(async () => {
    sys = await startSystem({ worker: false });
  });
  afterAll(async () => {
    await sys?.close();
  });

  describe('GET /api/lines/variants/:id/route', () => {
    it("gives the variant's road and its stops placed along it, the path the tracker measures on", async () => {
      const { body } = await sys.http().get('/api/lines/variants/343/route').expect(200);
      expect(body).toMatchObject({
        variantId: 343,
        line: '103',
        routeKnown: true,
        routeSource: 'shape',
        shapeVariantId: 343,
      });
      expect(body.geometry.type).toBe('LineString');
      expect(body.geometry.coordinates.length).toBeGreaterThan(20);
      expect(body.stops.map((s: { id: number }) => s.id)).toEqual(loadMontevideoData().variantStops['343']);
      const offsets = body.stops.map((s: { offsetMeters: number }) => s.offsetMeters);
      expect(offsets[0]).toBe(0);
      expect(offsets[offsets.length - 1]).toBeCloseTo(body.lengthMeters, 0);
      for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1]);
    });

    it("gives a variant without geometry its sibling's, and none where no route is known", async () => {
      const lines = (await sys.http().get('/api/lines').expect(200)).body as {
        variants: { id: number; routeSource: string | null }[];
      }[];
      const all = lines.flatMap((l) => l.variants);
      const sibling = all.find((v) => v.routeSource === 'sibling-shape')!;
      const borrowed = (await sys.http().get(`/api/lines/variants/${sibling.id}/route`).expect(200)).body;
      expect(borrowed.routeSource).toBe('sibling-shape');
      expect(borrowed.shapeVariantId).not.toBe(sibling.id);
      const unknown = all.find((v) => v.routeSource === null)!;
      const none = (await sys.http().get(`/api/lines/variants/${unknown.id}/route`).expect(200)).body;
      expect(none).toMatchObject({ routeKnown: false, routeSource: null, geometry: null, lengthMeters: null });
    });

    it.each([
      ['0', 400],
      ['2147483648', 400],
      ['12abc', 400],
      ['2147483647', 404],
    ])('answers variant id %s with %d and a message, the same on every database', async (id, status) => {
      const res = await sys.http().get(`/api/lines/variants/${id}/route`).expect(status);
      expect(res.body.message).toMatch(
        status === 400 ? /variantId must be an integer id from 1 to 2147483647/ : /not in the catalogue/,
      );
    });
  });

  describe('departures', () => {
    it("lists a variant's trips of the timetable for the day type of the Montevideo date, across midnight", async () => {
      const catalog = sys.web.get(CatalogService);
      // Friday 22:00 to Saturday 08:00 (local): the Friday's late trips, then the Saturday timetable.
      const from = new Date('2026-06-12T22:00:00-03:00');
      const to = new Date('2026-06-13T08:00:00-03:00');
      const got = await catalog.departures([343], from, to);
      const { weekday, saturday } = loadMontevideoData().schedules['343'];
      const friday = Date.parse('2026-06-12T00:00:00-03:00');
      const sat = Date.parse('2026-06-13T00:00:00-03:00');
      const expected = [
        ...weekday.filter((m) => m >= 22 * 60).map((m) => friday + m * 60_000),
        ...saturday.filter((m) => m <= 8 * 60).map((m) => sat + m * 60_000),
      ];
      expect(got.map((d) => d.departsAt.getTime())).toEqual(expected);
      expect(new Set(got.map((d) => d.dayType))).toEqual(new Set(['weekday', 'saturday']));
      expect(await catalog.departures([], from, to)).toEqual([]);
    });
  });

  describe('catalog:import-gtfs', () => {
    const counts = async () => ({
      schedules: await repo(VariantSchedule).count(),
      shapes: await repo(VariantShape).count(),
      sequences: await repo(VariantStop).count(),
    });

    it.each<[string, Record<string, string | null>, RegExp]>([
      ['no trips.txt', { 'trips.txt': null }, /^trips\.txt: missing from the feed/],
      ['no calendar.txt', { 'calendar.txt': null }, /^calendar\.txt: missing from the feed/],
      [
        'a trip of a service calendar.txt lacks',
        { 'trips.txt': 'route_id,service_id,trip_id,shape_id\n103,1,1003430715 0,343\n103,9,9003430730 0,343\n' },
        /^trips\.txt line 3: service 9 of trip 9003430730 0 is not in calendar\.txt/,
      ],
      [
        'a row with a column missing',
        { 'trips.txt': 'route_id,service_id,trip_id,shape_id\n103,1,1003430715 0,343\n103,1,1003430730 0\n' },
        /^trips\.txt line 3: /,
      ],
      [
        'a trip id that names no variant',
        { 'trips.txt': 'route_id,service_id,trip_id\n103,1,1003430715 0\n103,1,express-7\n' },
        /^trips\.txt line 3: trip express-7 names no line variant/,
      ],
      [
        'a stop time that is not a time',
        {
          'stop_times.txt':
            'trip_id,arrival_time,departure_time,stop_id,stop_sequence\n1003430715 0,07:16:00,07:16:00,3227,1\n1003430715 0,7:75:00,,3228,2\n',
        },
        /^stop_times\.txt line 3: "7:75:00" is not a time/,
      ],
      [
        'a stop time of a trip trips.txt lacks',
        {
          'stop_times.txt':
            'trip_id,arrival_time,departure_time,stop_id,stop_sequence\nghost,07:16:00,07:16:00,3227,1\n',
        },
        /^stop_times\.txt line 2: trip ghost is not in trips\.txt/,
      ],
      [
        'a shape point off the planet',
        {
          'shapes.txt':
            'shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n343,-34.88,-56.14,1\n343,-134.88,-56.15,2\n',
        },
        /^shapes\.txt line 3: shape 343 has a point that is not a latitude and longitude/,
      ],
      [
        'a service on some weekdays only',
        {
          'calendar.txt':
            'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n1,1,1,0,1,1,0,0,20260608,20260709\n',
        },
        /^calendar\.txt line 2: service 1 runs on some weekdays only/,
      ],
    ])('refuses a feed with %s, naming the file and line, and changes nothing', async (_name, change, message) => {
      const files: Record<string, string> = { ...goodFeed({ stopTimes: true, shapes: true }) };
      for (const [name, text] of Object.entries(change)) {
        if (text === null) delete files[name];
        else files[name] = text;
      }
      const before = await counts();
      const error = await sys.web
        .get(GtfsImportService)
        .import(await writeGtfsFeed(files))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(GtfsFeedError);
      expect((error as Error).message).toMatch(message);
      expect(await counts()).toEqual(before);
    });

    it('refuses a damaged archive, and one whose trips are all of variants the catalogue lacks', async () => {
      const path = await writeGtfsFeed(goodFeed());
      const bytes = readFileSync(path);
      writeFileSync(path, bytes.subarray(0, bytes.length - 40)); // cut off the end: the zip directory
      await expect(sys.web.get(GtfsImportService).import(path)).rejects.toThrow(/not a readable zip archive/);
      const foreign = await writeGtfsFeed({
        ...goodFeed(),
        'trips.txt': 'route_id,service_id,trip_id\n999,1,1999990800 0\n',
      });
      await expect(sys.web.get(GtfsImportService).import(foreign)).rejects.toThrow(
        /none of its 1 trip\(s\) is of a line variant/,
      );
    });

    it('replaces the timetable, and the geometry and stop list of the variants the feed has, in one go', async () => {
      const path = await writeGtfsFeed(goodFeed({ stopTimes: true, shapes: true }));
      const dry = await runCli(['catalog:import-gtfs', path, '--dry-run', '--json'], sys.env);
      expect(dry.code).toBe(0);
      const before = await counts();
      expect(JSON.parse(dry.stdout)).toMatchObject({ applied: false, scheduledTrips: 5 });
      expect(await counts()).toEqual(before);

      const run = await runCli(['catalog:import-gtfs', path, '--json'], sys.env);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        feed: expect.stringMatching(/\.zip$/),
        trips: { read: 6, applied: 5, unknownVariant: 1, noServiceDay: 0 },
        scheduledTrips: 5,
        scheduledVariants: 2,
        shapes: 1,
        stopLists: 1,
        unknownStops: 0,
        applied: true,
      });
      const rows = await repo(VariantSchedule).find({
        order: { variantId: 'ASC', dayType: 'ASC', startMinute: 'ASC' },
      });
      // 343's first trip starts at 07:16 by its stop times, the rest at their trip id's minute.
      expect(rows.map((r) => `${r.variantId} ${r.dayType} ${r.startMinute}`)).toEqual([
        '343 saturday 540',
        '343 weekday 436',
        '343 weekday 467',
        '343 weekday 1090',
        '4066 weekday 480',
      ]);
      const stops = await repo(VariantStop).find({ where: { variantId: 343 }, order: { position: 'ASC' } });
      expect(stops.map((s) => s.stopId)).toEqual([3227, 3228, 3229]);
      expect(JSON.parse((await repo(VariantShape).findOneByOrFail({ variantId: 343 })).points)).toHaveLength(3);
      // Other variants keep their geometry and stops.
      expect(await repo(VariantShape).count()).toBe(before.shapes);
      // Another process's routes follow within their cache's lifetime; the importing process's at once. The
      // same feed again changes nothing.
      const again = await sys.web.get(GtfsImportService).import(path);
      expect(again).toMatchObject({ applied: true, scheduledTrips: 5 });
      expect(await repo(VariantSchedule).count()).toBe(5);
      const route = (await sys.http().get('/api/lines/variants/343/route').expect(200)).body;
      expect(route.stops.map((s: { id: number }) => s.id)).toEqual([3227, 3228, 3229]);
      expect(route.lengthMeters).toBeGreaterThan(400);
      expect(route.lengthMeters).toBeLessThan(500);
    });
  });

  describe('an operator’s prune', () => {
    it('survives a restart: the seeder fills only empty tables', async () => {
      const data = loadMontevideoData();
      const gone = [343, 4066, 8673];
      const upstream = await startSimulatorServer({
        data: { ...data, variants: data.variants.filter((v) => !gone.includes(v.lineVariantId)) },
      });
      try {
        const env = { ...sys.env, STM_API_URL: upstream.apiUrl, STM_TOKEN_URL: upstream.tokenUrl };
        const pruned = await runCli(['catalog:import', '--prune', '--json'], env);
        expect(pruned.code).toBe(0);
        expect(JSON.parse(pruned.stdout)).toMatchObject({ pruned: true, variants: { removed: 3 } });
      } finally {
        await upstream.close();
      }
      const left = async () => ({
        variants: await repo(LineVariant).countBy({ id: gone[0] }),
        rows:
          (await repo(VariantStop).countBy({ variantId: gone[2] })) +
          (await repo(VariantShape).countBy({ variantId: gone[2] })),
        total: await repo(LineVariant).count(),
      });
      expect(await left()).toEqual({ variants: 0, rows: 0, total: 2117 });
      // A restart: a new web process on the same database, its seeder run at boot.
      const again = await NestFactory.create(AppModule.register(sys.env), {
        logger: ['error', 'warn'],
        abortOnError: false,
      });
      await again.init();
      try {
        expect(await left()).toEqual({ variants: 0, rows: 0, total: 2117 });
      } finally {
        await again.close();
      }
    });
  });

  describe('migration 1764500000000', () => {
    it('goes down and up again on this database: the tables go, and come back for the seeder to fill', async () => {
      const options = {
        ...sys.dataSource.options,
        migrationsRun: false,
        logging: false,
      } as typeof sys.dataSource.options;
      const ds = await new DataSource(options).initialize();
      try {
        const has = async (table: string) => await ds.createQueryRunner().hasTable(table);
        expect(await has('variant_shapes')).toBe(true);
        // Down to just before it: the migrations that came after it are undone first.
        const at = ds.migrations.findIndex((m) => m.name === 'RoadGeometryAndSchedules1764500000000');
        for (let i = ds.migrations.length - 1; i >= at; i--) await ds.undoLastMigration();
        expect([await has('variant_shapes'), await has('variant_schedules')]).toEqual([false, false]);
        expect(Number((await ds.query('SELECT COUNT(*) AS n FROM "variant_stops"'))[0].n)).toBe(0);
        await ds.runMigrations();
        expect([await has('variant_shapes'), await has('variant_schedules')]).toEqual([true, true]);
      } finally {
        await ds.destroy();
      }
      // The next start loads the shipped geometry, timetable and stop lists again.
      const again = await NestFactory.create(AppModule.register(sys.env), {
        logger: ['error', 'warn'],
        abortOnError: false,
      });
      await again.init();
      try {
        expect(await repo(VariantShape).count()).toBeGreaterThan(700);
        expect(await repo(VariantSchedule).count()).toBeGreaterThan(30_000);
        expect(await repo(VariantStop).count()).toBeGreaterThan(30_000);
      } finally {
        await again.close();
      }
    });
  });
});
