import { RawAnswer, RawRequest, rawRequest } from './support/raw-http';
import { startSystem, TestSystem } from './support/system';

const ADMIN_TOKEN = 'bad-input-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const json = { 'content-type': 'application/json' };
const UNKNOWN_TRACKING = '0b9e2f7c-3d1a-4c2e-9a4b-1f2e3d4c5b6a';

const get = (path: string, headers?: Record<string, string>): RawRequest => ({ path, headers });
const post = (path: string, body: string, headers: Record<string, string> = json): RawRequest => ({
  method: 'POST',
  path,
  body,
  headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
});
const start = (body: string): RawRequest => post('/api/trackings', body);

/** [case, request, status, what the message must say] */
type Case = [string, RawRequest, number, RegExp];

const ID = /must be an integer id from 1 to 2147483647/;
const CASES: Case[] = [
  // Path ids: plain decimal digits in 1..2^31-1, nothing Number() or parseInt() would also read.
  ['stop id one past the 32-bit range', get('/api/stops/2147483648'), 400, ID],
  ['stop id far below the range', get('/api/stops/-2147483649'), 400, ID],
  ['stop id 0', get('/api/stops/0'), 400, ID],
  ['stop id -1', get('/api/stops/-1'), 400, ID],
  ['stop id in hexadecimal', get('/api/stops/0x10'), 400, ID],
  ['stop id with a decimal point', get('/api/stops/3227.0'), 400, ID],
  ['stop id with a leading space', get('/api/stops/%203227'), 400, ID],
  ['stop id with a leading zero', get('/api/stops/03227'), 400, ID],
  ['stop id with an exponent', get('/api/stops/1e3'), 400, ID],
  ['stop id of 25 digits', get('/api/stops/1208925819614629174706164'), 400, ID],
  ['stop id that is a NUL', get('/api/stops/%00'), 400, /NUL/],
  ['stop id that is a word', get('/api/stops/abc'), 400, /stopId must be an integer/],
  ['variant id far below the range', get('/api/lines/variants/-2147483649/stops'), 400, /variantId must be/],
  ['variant id one past the range', get('/api/lines/variants/2147483648/stops'), 400, /variantId must be/],
  ['variant id in hexadecimal', get('/api/lines/variants/0x10/stops'), 400, /variantId must be/],
  ['a badly escaped path', get('/api/stops/%E0%A4%A'), 400, /./],

  // Stop search.
  ['q of digits beyond any id', get('/api/stops?q=99999999999'), 400, /beyond any stop id/],
  ['q of 25 digits', get('/api/stops?q=1208925819614629174706164'), 400, /beyond any stop id/],
  ['q that is a NUL', get('/api/stops?q=%00'), 400, /q must not contain a NUL/],
  ['q with a NUL inside', get('/api/stops?q=rivera%00soca'), 400, /q must not contain a NUL/],
  ['q empty', get('/api/stops?q='), 400, /q must be longer/],
  ['q of 101 characters', get(`/api/stops?q=${'a'.repeat(101)}`), 400, /at most 100 characters/],
  ['q given twice', get('/api/stops?q=rivera&q=soca'), 400, /q must be one text/],
  ['q[] (a list)', get('/api/stops?q[]=rivera'), 400, /unknown field "q\[\]"/],
  ['__proto__ in the query', get('/api/stops?__proto__=x'), 400, /unknown field "__proto__"/],
  ['constructor in the query', get('/api/stops?constructor=x'), 400, /unknown field "constructor"/],
  ['an unknown query parameter', get('/api/stops?page=2'), 400, /unknown field "page"/],
  ['limit 0', get('/api/stops?limit=0'), 400, /limit must be a whole number from 1 to 100/],
  ['limit 101', get('/api/stops?limit=101'), 400, /limit must be a whole number from 1 to 100/],
  ['limit in hexadecimal', get('/api/stops?limit=0x10'), 400, /limit must be a whole number/],
  ['limit with an exponent', get('/api/stops?limit=1e1'), 400, /limit must be a whole number/],
  ['limit empty', get('/api/stops?limit='), 400, /limit must be a whole number/],
  ['limit a fraction', get('/api/stops?limit=2.5'), 400, /limit must be a whole number/],
  ['limit beyond 32 bits', get('/api/stops?limit=2147483648'), 400, /limit must be a whole number/],
  ['radius 9', get('/api/stops?near=-34.9,-56.16&radius=9'), 400, /radius must be/],
  ['radius 5001', get('/api/stops?near=-34.9,-56.16&radius=5001'), 400, /radius must be/],
  ['radius in hexadecimal', get('/api/stops?near=-34.9,-56.16&radius=0x100'), 400, /radius must be/],
  ['near latitude 91', get('/api/stops?near=91,-56.16'), 400, /near must be/],
  ['near longitude 181', get('/api/stops?near=-34.9,181'), 400, /near must be/],
  ['near with three numbers', get('/api/stops?near=-34.9,-56.16,3'), 400, /near must be/],
  ['near a word', get('/api/stops?near=nowhere'), 400, /near must be/],
  ['near with a NUL', get('/api/stops?near=-34.9,-56.16%00'), 400, /NUL/],

  // Trackings: the id is a UUID, queries are checked, the list is an operator's.
  ['tracking id that is not a UUID', get('/api/trackings/42'), 400, /uuid/],
  ['tracking id with a NUL', get('/api/trackings/%00'), 400, /NUL/],
  ['buses of a tracking id that is not a UUID', get('/api/trackings/x/buses'), 400, /uuid/],
  [
    'includePassed neither true nor false',
    get(`/api/trackings/${UNKNOWN_TRACKING}/buses?includePassed=1`),
    400,
    /includePassed must be true or false/,
  ],
  ['events of a tracking id that is not a UUID', get('/api/trackings/2147483648/events'), 400, /uuid/],
  ['stop of a tracking id that is not a UUID', post('/api/trackings/0x10/stop', ''), 400, /uuid/],
  ['an unknown tracking', get(`/api/trackings/${UNKNOWN_TRACKING}`), 404, /No tracking with id/],
  ['the list of every tracking without the admin token', get('/api/trackings'), 401, /needs the admin token/],
  ['list with a bad status', get('/api/trackings?status=sleeping', admin), 400, /status must be one of/],
  ['list with limit 501', get('/api/trackings?limit=501', admin), 400, /limit must not be greater than 500/],
  ['list with a hexadecimal limit', get('/api/trackings?limit=0x10', admin), 400, /limit must be an integer/],

  // Queue inspection.
  ['jobs in an unknown state', get('/api/queue/jobs?state=lost'), 400, /state must be one of/],
  ['jobs with limit 0', get('/api/queue/jobs?limit=0'), 400, /limit must be a whole number from 1 to 500/],
  ['jobs with a hexadecimal limit', get('/api/queue/jobs?limit=0x10'), 400, /limit must be a whole number/],
  ['a job id with a NUL', get('/api/queue/jobs/tick%00'), 400, /NUL/],
  ['a job id with a semicolon', get('/api/queue/jobs/tick%3B1'), 400, /job id must look like/],

  // Bodies: unknown fields (the prototype's names included), ids in range, no NUL, objects only.
  [
    'a body with __proto__',
    start('{"stopId":3227,"lines":["103"],"__proto__":{"x":1}}'),
    400,
    /unknown field "__proto__"/,
  ],
  [
    'a body with constructor',
    start('{"stopId":3227,"lines":["103"],"constructor":{"x":1}}'),
    400,
    /unknown field "constructor"/,
  ],
  [
    'a body with constructor.prototype',
    start('{"stopId":3227,"lines":["103"],"constructor":{"prototype":{"x":1}}}'),
    400,
    /unknown field "constructor"/,
  ],
  ['a body with prototype', start('{"stopId":3227,"lines":["103"],"prototype":{}}'), 400, /unknown field "prototype"/],
  [
    'a body with __proto__ inside a list',
    start('{"stopId":3227,"lines":[{"__proto__":{"x":1}}]}'),
    400,
    /unknown field "lines\[0\].__proto__"/,
  ],
  [
    'a body with an unknown field',
    start('{"stopId":3227,"lines":["103"],"everyMinutes":1}'),
    400,
    /unknown field "everyMinutes"/,
  ],
  ['stopId one past the range', start('{"stopId":2147483648,"lines":["103"]}'), 400, /stopId must be an integer id/],
  ['stopId far below the range', start('{"stopId":-2147483649,"lines":["103"]}'), 400, /stopId must be an integer id/],
  ['stopId a huge number', start('{"stopId":1e300,"lines":["103"]}'), 400, /stopId must be an integer id/],
  ['stopId "0x10"', start('{"stopId":"0x10","lines":["103"]}'), 400, /stopId must be an integer id/],
  ['stopId "3227.0"', start('{"stopId":"3227.0","lines":["103"]}'), 400, /stopId must be an integer id/],
  ['stopId "2147483648"', start('{"stopId":"2147483648","lines":["103"]}'), 400, /stopId must be an integer id/],
  ['stopId true', start('{"stopId":true,"lines":["103"]}'), 400, /stopId must be an integer id/],
  [
    'a variant id one past the range',
    start('{"stopId":3227,"lines":["103"],"variantIds":[2147483648]}'),
    400,
    /each of variantIds/,
  ],
  [
    'a variant id far below the range',
    start('{"stopId":3227,"lines":["103"],"variantIds":[-2147483649]}'),
    400,
    /each of variantIds/,
  ],
  ['a line with a NUL', start('{"stopId":3227,"lines":["10\\u00003"]}'), 400, /lines\[0\] must not contain a NUL/],
  ['a line of 21 characters', start(`{"stopId":3227,"lines":["${'A'.repeat(21)}"]}`), 400, /at most 20 characters/],
  [
    'a body nested deeply',
    start(`{"stopId":3227,"lines":${'['.repeat(5000)}${']'.repeat(5000)}}`),
    400,
    /nested too deeply/,
  ],
  ['a body that is a list', start('[{"stopId":3227,"lines":["103"]}]'), 400, /request body must be a JSON object/],
  ['a body that is a string', start('"3227"'), 400, /./],
  ['a body that is null', start('null'), 400, /./],
  ['malformed JSON', start('{"stopId": 12,'), 400, /JSON at position 14/],
  ['an empty JSON body', start(''), 400, /stopId must be an integer id/],
  [
    'a body sent as text/plain',
    post('/api/trackings', '{"stopId":3227,"lines":["103"]}', { 'content-type': 'text/plain' }),
    415,
    /send the request body as JSON/,
  ],
  [
    'a form body with __proto__',
    post('/api/trackings', 'stopId=3227&lines=103&lines=109&__proto__=x', {
      'content-type': 'application/x-www-form-urlencoded',
    }),
    415,
    /send the request body as JSON/,
  ],
  [
    'a body without a content type',
    post('/api/trackings', '{"stopId":3227,"lines":["103"]}', {}),
    415,
    /send the request body as JSON/,
  ],
  [
    'a clean with __proto__',
    post('/api/queue/clean', '{"state":"completed","olderThan":"1d","__proto__":{"x":1}}', { ...json, ...admin }),
    400,
    /unknown field "__proto__"/,
  ],
  [
    'a clean with a long duration',
    post('/api/queue/clean', `{"state":"completed","olderThan":"${'9'.repeat(40)}d"}`, { ...json, ...admin }),
    400,
    /olderThan must be a duration/,
  ],
];

/** Inputs at the edge of the ranges that must work alike on both databases. */
const IN_RANGE: [string, RawRequest, number][] = [
  ['the largest stop id', get('/api/stops/2147483647'), 404],
  ['the largest variant id', get('/api/lines/variants/2147483647/stops'), 404],
  ['q that is the largest id', get('/api/stops?q=2147483647'), 200],
  ['q with leading zeros', get('/api/stops?q=0003227&limit=1'), 200],
  ['a start at the largest stop id', start('{"stopId":2147483647,"lines":["103"]}'), 404],
  ['a start with the largest variant id', start('{"stopId":3227,"lines":["103"],"variantIds":[2147483647]}'), 400],
];

describe('bad input at the edge: a JSON 4xx with a message, the same on SQLite and PostgreSQL', () => {
  const systems: Record<'sqlite' | 'postgres', TestSystem | undefined> = { sqlite: undefined, postgres: undefined };

  beforeAll(async () => {
    const env = { ADMIN_TOKEN, THROTTLE_LIMIT: '0' };
    [systems.sqlite, systems.postgres] = await Promise.all([
      startSystem({ worker: false, database: 'sqlite', env }),
      startSystem({ worker: false, database: 'postgres', env }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(Object.values(systems).map(async (s) => s?.close()));
  });

  const both = async (req: RawRequest): Promise<[RawAnswer, RawAnswer]> => [
    await rawRequest(systems.sqlite!.web, req),
    await rawRequest(systems.postgres!.web, req),
  ];

  it.each(CASES)('%s', async (_name, req, status, message) => {
    const [sqlite, postgres] = await both(req);
    for (const answer of [sqlite, postgres]) {
      expect({ status: answer.status, body: answer.json }).toEqual({
        status,
        body: { statusCode: status, error: expect.any(String), message: expect.stringMatching(message) },
      });
      expect(answer.contentType).toMatch(/^application\/json/);
    }
    expect(postgres.json).toEqual(sqlite.json);
  });

  it.each(IN_RANGE)('%s is answered alike', async (_name, req, status) => {
    const [sqlite, postgres] = await both(req);
    expect([sqlite.status, postgres.status]).toEqual([status, status]);
    expect(postgres.json).toEqual(sqlite.json);
  });

  it('finds stop 3227 by q=0003227 and answers nothing for an id no stop has', async () => {
    const [zeros] = await both(get('/api/stops?q=0003227&limit=1'));
    expect(zeros.json).toMatchObject([{ id: 3227 }]);
    const [largest] = await both(get('/api/stops?q=2147483647'));
    expect(largest.json).toEqual([]);
  });

  it('creates nothing for a refused start', async () => {
    for (const sys of Object.values(systems)) {
      const rows: { n: string | number }[] = await sys!.dataSource.query('SELECT COUNT(*) AS n FROM trackings');
      expect(rows.map((r) => Number(r.n))).toEqual([0]);
    }
  });
});
