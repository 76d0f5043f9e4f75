import { BusStop } from '../src/catalog/entities/bus-stop.entity';
import { LineVariant } from '../src/catalog/entities/line-variant.entity';
import { VariantSchedule } from '../src/catalog/entities/variant-schedule.entity';
import { VariantShape } from '../src/catalog/entities/variant-shape.entity';
import { VariantStop } from '../src/catalog/entities/variant-stop.entity';
import { CatalogSeeder } from '../src/catalog/catalog-seeder';
import { startSystem, TestSystem } from './support/system';

/** The HTTP contract: catalogue, validation and error answers. No worker is needed for these. */
describe('REST API contract', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    sys = await startSystem({ worker: false });
  });
  afterAll(async () => {
    await sys?.close();
  });

  describe('catalogue', () => {
    it('is loaded once: a second load adds nothing', async () => {
      const counts = async () => [
        await sys.dataSource.getRepository(BusStop).count(),
        await sys.dataSource.getRepository(LineVariant).count(),
        await sys.dataSource.getRepository(VariantStop).count(),
        await sys.dataSource.getRepository(VariantShape).count(),
        await sys.dataSource.getRepository(VariantSchedule).count(),
      ];
      // Stops, variants, the 600 stop lists' rows, 706 road geometries, 36,267 scheduled trips.
      expect(await counts()).toEqual([4910, 2120, 35779, 706, 36267]);
      expect(await sys.web.get(CatalogSeeder).seed()).toBe(0);
      expect(await counts()).toEqual([4910, 2120, 35779, 706, 36267]);
    });

    it('finds stops by street words in any order, without accents', async () => {
      const res = await sys.http().get('/api/stops?q=batlle%20octubre').expect(200);
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.body.map((s: BusStop) => s.id)).toContain(3227);
      for (const s of res.body as BusStop[]) expect(`${s.street1} ${s.street2}`).toMatch(/OCTUBRE/);
      const accented = await sys.http().get('/api/stops?q=coruna&limit=50').expect(200);
      expect(accented.body.length).toBeGreaterThan(0);
      expect((accented.body as BusStop[]).every((s) => /CORUÑA/.test(`${s.street1} ${s.street2}`))).toBe(true);
    });

    it('pages a long street: the total in X-Total-Count, each stop with its lines and where they go', async () => {
      const first = await sys.http().get('/api/stops?q=18%20de%20julio&limit=20').expect(200);
      const total = Number(first.headers['x-total-count']);
      expect(total).toBeGreaterThan(20);
      expect(first.body).toHaveLength(20);
      const rest = await sys.http().get(`/api/stops?q=18%20de%20julio&limit=100&offset=20`).expect(200);
      expect(rest.headers['x-total-count']).toBe(String(total));
      expect(rest.body).toHaveLength(total - 20);
      const ids = [...first.body, ...rest.body].map((s: BusStop) => s.id);
      expect(new Set(ids).size).toBe(total);
      // The same corner on either side of the avenue: told apart by where its lines go.
      const serving = (await sys.http().get('/api/stops/3227').expect(200)).body.lines as { line: string }[];
      const hit = (await sys.http().get('/api/stops?q=3227').expect(200)).body[0];
      expect(hit.lines.map((l: { line: string }) => l.line)).toEqual(serving.map((l) => l.line));
      for (const call of hit.lines as { destinations: string[] }[]) expect(call.destinations.length).toBeGreaterThan(0);
      expect((await sys.http().get('/api/stops?q=julio&offset=-1').expect(400)).body.message).toMatch(/offset must be/);
    });

    it('finds a stop by its id first', async () => {
      const res = await sys.http().get('/api/stops?q=3227').expect(200);
      expect(res.body[0]).toMatchObject({ id: 3227, street1: 'AV 8 DE OCTUBRE' });
    });

    it('finds stops near a place, nearest first, within the radius', async () => {
      const res = await sys.http().get('/api/stops?near=-34.8869,-56.1596&radius=300&limit=10').expect(200);
      expect(res.body.length).toBeGreaterThan(0);
      const d = res.body.map((s: { distanceMeters: number }) => s.distanceMeters);
      expect(d).toEqual([...d].sort((a: number, b: number) => a - b));
      expect(Math.max(...d)).toBeLessThanOrEqual(300);
    });

    it('shows one stop with the lines known to serve it', async () => {
      const res = await sys.http().get('/api/stops/3227').expect(200);
      expect(res.body).toMatchObject({ id: 3227, street1: 'AV 8 DE OCTUBRE', street2: 'BV JOSE BATLLE Y ORDOÑEZ' });
      const lines = res.body.lines.map((l: { line: string }) => l.line);
      expect(lines).toEqual(expect.arrayContaining(['103', '109', '110']));
      expect(res.body.lines[0].variants[0]).toMatchObject({ routeKnown: true });
    });

    it('lists every line with its variants', async () => {
      const res = await sys.http().get('/api/lines').expect(200);
      expect(res.body).toHaveLength(146);
      // Every line has a variant whose route is known along its road geometry.
      expect(res.body.filter((l: { routeKnown: boolean }) => l.routeKnown)).toHaveLength(146);
      const variants = (res.body as { variants: { routeKnown: boolean; routeSource: string | null }[] }[]).flatMap(
        (l) => l.variants,
      );
      expect(variants).toHaveLength(2120);
      const bySource: Record<string, number> = {};
      for (const v of variants) bySource[String(v.routeSource)] = (bySource[String(v.routeSource)] ?? 0) + 1;
      expect(bySource).toEqual({ shape: 598, 'stand-in-stops': 108, 'sibling-shape': 618, null: 796 });
      expect(variants.filter((v) => v.routeKnown)).toHaveLength(1324);
    });

    it('answers 404 for an unknown stop and 400 for a non-numeric one', async () => {
      expect((await sys.http().get('/api/stops/999999').expect(404)).body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Stop 999999 is not in the catalogue',
      });
      expect((await sys.http().get('/api/stops/abc').expect(400)).body.message).toMatch(/stopId must be an integer/);
      expect((await sys.http().get('/api/stops?near=nowhere').expect(400)).body.message).toMatch(/near must be/);
    });
  });

  describe('starting a tracking: bad input gets a 4xx with a message to act on', () => {
    const cases: [string, unknown, number, RegExp][] = [
      ['no lines', { stopId: 3227 }, 400, /lines must be a list/],
      ['empty lines', { stopId: 3227, lines: [] }, 400, /at least one line/],
      ['too many lines', { stopId: 3227, lines: '1 2 3 4 5 6 7 8 9 10 11'.split(' ') }, 400, /at most 10 lines/],
      ['a non-string line', { stopId: 3227, lines: [103] }, 400, /each line must be a string/],
      ['a stop id that is text', { stopId: 'main street', lines: ['103'] }, 400, /stopId must be an integer/],
      ['an unknown field', { stopId: 3227, lines: ['103'], everyMinutes: 1 }, 400, /unknown field "everyMinutes"/],
      [
        'too many variants',
        { stopId: 3227, lines: ['103'], variantIds: Array.from({ length: 51 }, (_, i) => i + 1) },
        400,
        /at most 50/,
      ],
      ['an unknown line', { stopId: 3227, lines: ['103', 'ZZ9'] }, 400, /Unknown line\(s\): ZZ9/],
      [
        'a variant of another line',
        { stopId: 3227, lines: ['103'], variantIds: [8] },
        400,
        /Variant\(s\) 8 do not belong/,
      ],
      ['an unknown stop', { stopId: 999999, lines: ['103'] }, 404, /Stop 999999 is not in the catalogue/],
    ];
    it.each(cases)('%s', async (_name, body, status, message) => {
      const res = await sys
        .http()
        .post('/api/trackings')
        .send(body as object)
        .expect(status);
      expect(res.body.statusCode).toBe(status);
      expect(typeof res.body.error).toBe('string');
      expect(res.body.message).toMatch(message);
    });

    it('rejects malformed JSON with a 400, not a 500', async () => {
      const res = await sys
        .http()
        .post('/api/trackings')
        .set('content-type', 'application/json')
        .send('{"stopId": 12,')
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/JSON at position 14/) });
    });

    it('refuses new trackings with 429 once MAX_ACTIVE_TRACKINGS is reached, even when starts race', async () => {
      const capped = await startSystem({ worker: false, env: { MAX_ACTIVE_TRACKINGS: '3', THROTTLE_LIMIT: '0' } });
      try {
        const key = 'cap-retry-0001';
        const answers = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            capped
              .http()
              .post('/api/trackings')
              .set('Idempotency-Key', `${key}-${i}`)
              .send({ stopId: 3227, lines: [i % 2 ? '103' : '109'] }),
          ),
        );
        expect(answers.filter((r) => r.status === 202)).toHaveLength(3);
        const refused = answers.filter((r) => r.status === 429);
        expect(refused).toHaveLength(9);
        expect(refused[0].body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
        expect(refused[0].body.message).toMatch(/maximum of 3 trackings at once/);
        // A retry of an accepted start is still answered with its tracking: it is not a new one.
        const accepted = answers.findIndex((r) => r.status === 202);
        const retry = await capped
          .http()
          .post('/api/trackings')
          .set('Idempotency-Key', `${key}-${accepted}`)
          .send({ stopId: 3227, lines: [accepted % 2 ? '103' : '109'] })
          .expect(202);
        expect(retry.body.id).toBe(answers[accepted].body.id);
      } finally {
        await capped.close();
      }
    });

    it('refuses a client more than MAX_ACTIVE_TRACKINGS_PER_CLIENT active trackings, even when starts race', async () => {
      const capped = await startSystem({
        worker: false,
        env: { MAX_ACTIVE_TRACKINGS_PER_CLIENT: '2', THROTTLE_LIMIT: '0' },
      });
      try {
        const body = { stopId: 3227, lines: ['103'] };
        const mine = await Promise.all(
          Array.from({ length: 6 }, () => capped.http().post('/api/trackings').send(body)),
        );
        expect(mine.map((r) => r.status).sort()).toEqual([202, 202, 429, 429, 429, 429]);
        const refused = mine.find((r) => r.status === 429)!;
        expect(refused.body.message).toMatch(/You have 2 active trackings, the most one client may have/);
        // Stopping one frees a slot for this client.
        const id = mine.find((r) => r.status === 202)!.body.id as string;
        await capped.http().post(`/api/trackings/${id}/stop`).expect(200);
        await capped.http().post('/api/trackings').send(body).expect(202);
      } finally {
        await capped.close();
      }
    });
  });

  describe('reading trackings', () => {
    it('answers 404 for an unknown tracking and 400 for an id that is not a uuid', async () => {
      const unknown = '0b9e2f7c-3d1a-4c2e-9a4b-1f2e3d4c5b6a';
      expect((await sys.http().get(`/api/trackings/${unknown}`).expect(404)).body.message).toBe(
        `No tracking with id ${unknown}`,
      );
      await sys.http().get(`/api/trackings/${unknown}/buses`).expect(404);
      await sys.http().post(`/api/trackings/${unknown}/stop`).expect(404);
      expect((await sys.http().get('/api/trackings/42').expect(400)).body.message).toMatch(/uuid/);
    });

    it("keeps the list of every rider's trackings closed without ADMIN_TOKEN (an operator's route)", async () => {
      const res = await sys.http().get('/api/trackings?status=active').expect(403);
      expect(res.body.message).toMatch(/Admin routes are disabled: set ADMIN_TOKEN/);
    });
  });

  describe('OpenAPI', () => {
    it('serves Swagger UI at /docs and a document describing every route and body', async () => {
      const ui = await sys.http().get('/docs').expect(200);
      expect(ui.text).toMatch(/swagger-ui/i);
      const doc = (await sys.http().get('/docs-json').expect(200)).body;
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/api/accuracy',
        '/api/lines',
        '/api/lines/variants/{variantId}/route',
        '/api/lines/variants/{variantId}/stops',
        '/api/map',
        '/api/queue',
        '/api/queue/clean',
        '/api/queue/jobs',
        '/api/queue/jobs/{id}',
        '/api/queue/jobs/{id}/retry',
        '/api/queue/pause',
        '/api/queue/resume',
        '/api/stops',
        '/api/stops/{stopId}',
        '/api/trackings',
        '/api/trackings/{id}',
        '/api/trackings/{id}/buses',
        '/api/trackings/{id}/events',
        '/api/trackings/{id}/stop',
        '/health',
        '/health/ready',
        '/metrics',
      ]);
      expect(doc.components.schemas.StartTrackingDto.required).toEqual(expect.arrayContaining(['stopId', 'lines']));
      expect(doc.paths['/api/trackings'].post.responses).toHaveProperty('202');
      expect(doc.components.schemas.BusResponse.properties).toHaveProperty('etaSeconds');
    });
  });
});
