import 'reflect-metadata';
import { mulberry32 as seeded } from '../../simulator/prng';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { MAX_LINES, MAX_VARIANTS, normaliseLines, normaliseVariantIds, StartTrackingDto } from './start-tracking.dto';

/** What Nest's ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }) does with a body. */
async function check(body: unknown): Promise<{ dto: StartTrackingDto; errors: ValidationError[] }> {
  const dto = plainToInstance(StartTrackingDto, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  return { dto, errors };
}

/** The messages of the errors, by property. */
function messagesByProperty(errors: ValidationError[]): Record<string, string[]> {
  return Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})]));
}

const VALID = { stopId: 1478, lines: ['147', '148'] };

/** Every line name of the shipped catalogue (real STM lines). */
const CATALOGUE_LINES = [
  ...new Set(
    (
      JSON.parse(
        readFileSync(join(__dirname, '..', '..', '..', 'assets', 'montevideo', 'linevariants.json'), 'utf8'),
      ) as {
        line: string;
      }[]
    ).map((v) => v.line),
  ),
];

describe('StartTrackingDto', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a stop and two lines', VALID],
    ['a stop, a line and a variant', { stopId: 1478, lines: ['147'], variantIds: [7962] }],
    [`exactly ${MAX_LINES} lines`, { stopId: 1, lines: Array.from({ length: MAX_LINES }, (_, i) => String(100 + i)) }],
    [
      `exactly ${MAX_VARIANTS} variant ids`,
      { stopId: 1, lines: ['21'], variantIds: Array.from({ length: MAX_VARIANTS }, (_, i) => i + 1) },
    ],
    ['lines with letters and inner/outer spaces', { stopId: 1, lines: [' d10 ', '124 SD', 'ce1'] }],
    ['a line name of 20 characters', { stopId: 1, lines: ['A'.repeat(20)] }],
  ])('accepts %s', async (_name, body) => {
    const { errors } = await check(body);
    expect(messagesByProperty(errors)).toEqual({});
  });

  it('turns a numeric string stopId into a number, as the pipe would', async () => {
    const { dto, errors } = await check({ stopId: '1478', lines: ['21'] });
    expect(errors).toEqual([]);
    expect(dto.stopId).toBe(1478);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['lines missing', { stopId: 1478 }, 'lines', /lines must be a list/],
    ['lines not a list', { stopId: 1478, lines: '147' }, 'lines', /lines must be a list/],
    ['lines empty', { stopId: 1478, lines: [] }, 'lines', /lines must name at least one line/],
    [
      `${MAX_LINES + 1} lines`,
      { stopId: 1478, lines: Array.from({ length: 11 }, (_, i) => String(100 + i)) },
      'lines',
      /at most 10 lines/,
    ],
    ['a line that is a number', { stopId: 1478, lines: [147] }, 'lines', /each line must be a string/],
    ['a line that is null', { stopId: 1478, lines: ['147', null] }, 'lines', /each line must be a string/],
    ['a line with a semicolon', { stopId: 1478, lines: ['21;'] }, 'lines', /letters, digits, spaces and hyphens only/],
    ['a line with a slash', { stopId: 1478, lines: ['14/7'] }, 'lines', /letters, digits, spaces and hyphens only/],
    ['a line with markup', { stopId: 1478, lines: ['<b>21</b>'] }, 'lines', /letters, digits, spaces and hyphens only/],
    ['a blank line', { stopId: 1478, lines: ['   '] }, 'lines', /letters, digits, spaces and hyphens only/],
    ['an empty line', { stopId: 1478, lines: [''] }, 'lines', /letters, digits, spaces and hyphens only/],
    ['a line name of 21 characters', { stopId: 1478, lines: ['A'.repeat(21)] }, 'lines', /at most 20 characters/],
    ['variantIds not a list', { ...VALID, variantIds: 7962 }, 'variantIds', /variantIds must be a list/],
    [
      `${MAX_VARIANTS + 1} variant ids`,
      { ...VALID, variantIds: Array.from({ length: 51 }, (_, i) => i + 1) },
      'variantIds',
      /at most 50 ids/,
    ],
    [
      'a fractional variant id',
      { ...VALID, variantIds: [7962, 1.5] },
      'variantIds',
      /each of variantIds must be an integer id from 1 to 2147483647/,
    ],
    [
      'a variant id as a string',
      { ...VALID, variantIds: ['7962'] },
      'variantIds',
      /each of variantIds must be an integer id from 1 to 2147483647/,
    ],
    [
      'variant id 0',
      { ...VALID, variantIds: [0] },
      'variantIds',
      /each of variantIds must be an integer id from 1 to 2147483647/,
    ],
    ['stopId "abc"', { stopId: 'abc', lines: ['21'] }, 'stopId', /stopId must be an integer id from 1 to 2147483647/],
    ['stopId missing', { lines: ['21'] }, 'stopId', /stopId must be an integer id from 1 to 2147483647/],
    ['stopId null', { stopId: null, lines: ['21'] }, 'stopId', /stopId must be an integer id from 1 to 2147483647/],
    ['stopId 14.5', { stopId: 14.5, lines: ['21'] }, 'stopId', /stopId must be an integer id from 1 to 2147483647/],
    ['stopId 0', { stopId: 0, lines: ['21'] }, 'stopId', /stopId must be an integer id from 1 to 2147483647/],
    ['stopId -3', { stopId: -3, lines: ['21'] }, 'stopId', /stopId must be an integer id from 1 to 2147483647/],
    [
      'stopId beyond a 32-bit integer',
      { stopId: 2 ** 31, lines: ['21'] },
      'stopId',
      /stopId must be an integer id from 1 to 2147483647/,
    ],
    ['stopId "2147483648"', { stopId: '2147483648', lines: ['21'] }, 'stopId', /stopId must be an integer id/],
    ['stopId "01478"', { stopId: '01478', lines: ['21'] }, 'stopId', /stopId must be an integer id/],
    ['a variant id beyond a 32-bit integer', { ...VALID, variantIds: [2 ** 31] }, 'variantIds', /each of variantIds/],
    ['a negative variant id', { ...VALID, variantIds: [-2147483649] }, 'variantIds', /each of variantIds/],
    ['an unknown field', { ...VALID, line: '147' }, 'line', /property line should not exist/],
  ])('rejects %s, naming the property', async (_name, body, property, message) => {
    const { errors } = await check(body);
    const byProperty = messagesByProperty(errors);
    expect(Object.keys(byProperty)).toEqual([property]);
    expect(byProperty[property].join('\n')).toMatch(message);
  });

  it('reports every bad property of one body', async () => {
    const { errors } = await check({ stopId: 'abc', lines: [], variantIds: [0], extra: true });
    expect(errors.map((e) => e.property).sort()).toEqual(['extra', 'lines', 'stopId', 'variantIds']);
  });

  it.each<[string, unknown]>([
    ['true', true],
    ['a hexadecimal string "0x10"', '0x10'],
  ])('rejects stopId %s instead of coercing it into a stop number', async (_name, stopId) => {
    // @Type(() => Number) runs Number() on anything: true becomes stop 1, "0x10" stop 16.
    const { errors } = await check({ stopId, lines: ['21'] });
    expect(errors.map((e) => e.property)).toEqual(['stopId']);
  });

  it('accepts every line name of the shipped STM catalogue (linevariants.json)', async () => {
    expect(CATALOGUE_LINES.length).toBeGreaterThan(100);
    const rejected: string[] = [];
    for (const line of CATALOGUE_LINES) {
      const { errors } = await check({ stopId: 1, lines: [line] });
      if (errors.length) rejected.push(line);
    }
    expect(rejected).toEqual([]);
  });
});

describe('normaliseLines', () => {
  it('trims, upper-cases, collapses inner spaces, de-duplicates and sorts numbers numerically', () => {
    expect(normaliseLines([' 21', 'g', '21', 'D10 ', '124  sd'])).toEqual(['21', '124 SD', 'D10', 'G']);
  });

  it.each<[string[], string[]]>([
    [[], []],
    [['147'], ['147']],
    [
      ['2', '10', '1', '100'],
      ['1', '2', '10', '100'],
    ],
    [
      ['D10', 'D2', 'd1'],
      ['D1', 'D2', 'D10'],
    ],
    [
      ['L12', 'L2', 'L1', 'CE1', 'G'],
      ['CE1', 'G', 'L1', 'L2', 'L12'],
    ],
    [
      ['124 sd', '124', '125'],
      ['124', '124 SD', '125'],
    ],
    [['g', 'G', ' g ', 'G\t'], ['G']],
  ])('%j → %j', (input, expected) => {
    expect(normaliseLines(input)).toEqual(expected);
  });

  it('does not modify the caller’s list', () => {
    const input = [' b', 'a'];
    normaliseLines(input);
    expect(input).toEqual([' b', 'a']);
  });

  it('is canonical: any spelling and order of the same catalogue lines gives one list (seeded)', () => {
    const rnd = seeded(147);
    const respell = (line: string): string => {
      const cased = [...line].map((c) => (rnd() < 0.5 ? c.toLowerCase() : c)).join('');
      const inner = cased.replace(/ /g, () => ' '.repeat(1 + Math.floor(rnd() * 3)));
      return ' '.repeat(Math.floor(rnd() * 3)) + inner + ' '.repeat(Math.floor(rnd() * 3));
    };
    for (let trial = 0; trial < 200; trial++) {
      const picked = Array.from(
        { length: 1 + Math.floor(rnd() * 6) },
        () => CATALOGUE_LINES[Math.floor(rnd() * CATALOGUE_LINES.length)],
      );
      const canonical = [...new Set(picked)];
      const variantA = [...picked, ...picked.filter(() => rnd() < 0.5)].map(respell);
      const variantB = [...variantA].reverse().map((l) => respell(l.trim()));
      const result = normaliseLines(variantA);

      expect(normaliseLines(variantB)).toEqual(result);
      expect(normaliseLines(result)).toEqual(result); // idempotent
      expect([...result].sort()).toEqual([...canonical].sort()); // exactly the catalogue names, once each
      for (const line of result) expect(line).toMatch(/^\S+( \S+)*$/);
      for (let i = 1; i < result.length; i++) {
        expect(result[i - 1].localeCompare(result[i], 'en', { numeric: true })).toBeLessThan(0);
      }
    }
  });
});

describe('normaliseVariantIds', () => {
  it.each<[number[] | undefined, number[]]>([
    [undefined, []],
    [[], []],
    [[7962], [7962]],
    [
      [7962, 12, 7962, 3],
      [3, 12, 7962],
    ],
    [
      [100, 20, 3],
      [3, 20, 100],
    ],
    [[5, 5, 5], [5]],
  ])('%j → %j', (input, expected) => {
    expect(normaliseVariantIds(input)).toEqual(expected);
  });

  it('sorts ascending and de-duplicates any list (seeded)', () => {
    const rnd = seeded(8924);
    for (let trial = 0; trial < 100; trial++) {
      const ids = Array.from({ length: Math.floor(rnd() * 30) }, () => 1 + Math.floor(rnd() * 200));
      const before = [...ids];
      const result = normaliseVariantIds(ids);
      expect(ids).toEqual(before);
      expect(new Set(result)).toEqual(new Set(ids));
      for (let i = 1; i < result.length; i++) expect(result[i]).toBeGreaterThan(result[i - 1]);
    }
  });
});
