import fc from 'fast-check';
import { FuzzRequest, OpenApiDocument, operationsOf } from './support/openapi-arbitraries';
import { RawAnswer, rawRequest } from './support/raw-http';
import { startSystem, TestSystem } from './support/system';

const ADMIN_TOKEN = 'openapi-fuzz-admin-token-0123456789';
/** Fixed, so a failure is replayed exactly; change it to explore further. */
const SEED = 20_261_129;
const RUNS = 1_000;

/**
 * Requests generated from our own OpenAPI document (every path and method, parameter values from
 * their schemas, at and just outside their bounds, hostile text, bodies with wrong types and extra
 * fields), each sent to a SQLite and a PostgreSQL system: no 5xx the route does not document, every
 * 4xx a JSON {statusCode, error, message}, and both databases answer alike.
 */
describe('fuzzing the API from its OpenAPI document', () => {
  let sqlite: TestSystem;
  let postgres: TestSystem;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    const env = { ADMIN_TOKEN, THROTTLE_LIMIT: '0' };
    [sqlite, postgres] = await Promise.all([
      // Errors only: the fuzzer pauses and resumes the queue, each of which warns.
      startSystem({ worker: false, database: 'sqlite', env, logger: ['error'] }),
      startSystem({ worker: false, database: 'postgres', env, logger: ['error'] }),
    ]);
    doc = (await sqlite.http().get('/docs-json').expect(200)).body as OpenApiDocument;
  }, 120_000);
  afterAll(async () => {
    await Promise.all([sqlite, postgres].map(async (s) => s?.close()));
  });

  const send = (sys: TestSystem, req: FuzzRequest): Promise<RawAnswer> =>
    rawRequest(sys.web, {
      method: req.method,
      path: req.path,
      body: req.body,
      headers: {
        ...(req.body === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(req.body)) }),
        ...(req.admin ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}),
      },
    });

  it('answers every generated request without an undocumented 5xx, with JSON errors, alike on both databases', async () => {
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThanOrEqual(19);
    const byName = new Map(operations.map((o) => [o.name, o]));
    const statuses = new Map<string, Map<number, number>>();
    const started = Date.now();

    await fc.assert(
      fc.asyncProperty(
        // Only the operation's name travels with the request, so a counterexample prints readably.
        fc.oneof(...operations.map((o) => o.requests.map((req) => ({ name: o.name, req })))),
        async ({ name, req }) => {
          const o = byName.get(name)!;
          const [a, b] = [await send(sqlite, req), await send(postgres, req)];
          const seen = statuses.get(o.name) ?? new Map<number, number>();
          seen.set(a.status, (seen.get(a.status) ?? 0) + 1);
          statuses.set(o.name, seen);

          const where = `${req.method} ${req.path} ${req.body ?? ''}`;
          expect({ where, status: b.status }).toEqual({ where, status: a.status });
          const documented = Object.keys(o.op.responses ?? {}).includes(String(a.status));
          if (a.status >= 500)
            expect({ where, status: a.status, documented }).toEqual({ where, status: a.status, documented: true });
          if (a.status >= 400 && a.status < 500) {
            for (const answer of [a, b]) {
              expect({ where, type: answer.contentType }).toEqual({
                where,
                type: expect.stringMatching(/^application\/json/),
              });
              expect({ where, body: answer.json }).toEqual({
                where,
                body: { statusCode: a.status, error: expect.any(String), message: expect.stringMatching(/\S/) },
              });
            }
            expect({ where, message: (b.json as { message: string }).message }).toEqual({
              where,
              message: (a.json as { message: string }).message,
            });
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    const summary = [...statuses].map(([name, seen]) => `${name}: ${[...seen].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`${RUNS} requests × 2 databases in ${Date.now() - started} ms (seed ${SEED})\n${summary.join('\n')}`);
    // Every operation was reached, and the fuzzer got past validation somewhere (not only 400s).
    expect(statuses.size).toBe(operations.length);
    const all = [...statuses.values()].flatMap((seen) => [...seen.keys()]);
    expect(all.some((s) => s < 300)).toBe(true);
  }, 90_000);
});
