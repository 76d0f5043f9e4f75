import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { StartTrackingDto } from '../../tracking/dto/start-tracking.dto';
import { EdgeValidationPipe, rawInputProblem } from './edge-validation.pipe';

const body: ArgumentMetadata = { type: 'body', metatype: StartTrackingDto, data: undefined };
const VALID = { stopId: 3227, lines: ['103'] };

async function refusal(value: unknown, metadata = body): Promise<string> {
  try {
    await new EdgeValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).message;
  }
  throw new Error('expected a 400');
}

describe('rawInputProblem', () => {
  it('finds nothing wrong with ordinary values', () => {
    expect(rawInputProblem(VALID)).toBeUndefined();
    expect(rawInputProblem({ q: 'bulevar artigas', limit: '5' })).toBeUndefined();
    expect(rawInputProblem('3227', 'stopId')).toBeUndefined();
  });

  it.each<[string, string, RegExp]>([
    ['__proto__ at the top', '{"stopId":3227,"lines":["103"],"__proto__":{"x":1}}', /unknown field "__proto__"/],
    ['constructor at the top', '{"stopId":3227,"lines":["103"],"constructor":{"x":1}}', /unknown field "constructor"/],
    ['prototype at the top', '{"stopId":3227,"lines":["103"],"prototype":1}', /unknown field "prototype"/],
    ['__proto__ nested', '{"stopId":3227,"lines":[{"__proto__":{}}]}', /unknown field "lines\[0\].__proto__"/],
    ['a NUL in a line', '{"stopId":3227,"lines":["10\\u00003"]}', /lines\[0\] must not contain a NUL/],
    ['a NUL in a key', '{"a\\u0000b":1}', /field names must not contain a NUL/],
  ])('refuses %s', (_name, json, message) => {
    expect(rawInputProblem(JSON.parse(json))).toMatch(message);
  });

  it('refuses a NUL in a query value, naming it', () => {
    expect(rawInputProblem({ q: '\u0000' })).toBe('q must not contain a NUL character (\\u0000)');
  });

  it('refuses a body nested deeper than any the API takes, without walking all of it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(rawInputProblem({ lines: deep })).toMatch(/nested too deeply/);
  });
});

describe('EdgeValidationPipe.transform', () => {
  it('lets a valid body through as its DTO', async () => {
    const dto = await new EdgeValidationPipe().transform({ ...VALID }, body);
    expect(dto).toBeInstanceOf(StartTrackingDto);
    expect(dto).toEqual(Object.assign(new StartTrackingDto(), VALID));
  });

  it.each(['__proto__', 'constructor'])('refuses a body with %s, which the DTO rules alone accept', async (key) => {
    const parsed: unknown = JSON.parse(`{"stopId":3227,"lines":["103"],"${key}":{"x":1}}`);
    await expect(refusal(parsed)).resolves.toMatch(`unknown field "${key}"`);
  });

  it('refuses other unknown fields with the same message', async () => {
    await expect(refusal({ ...VALID, everyMinutes: 1 })).resolves.toMatch('unknown field "everyMinutes"');
  });

  it.each<[string, unknown]>([
    ['a list', [VALID]],
    ['a number', 3227],
    ['nothing', undefined],
  ])('refuses a body that is %s', async (_name, value) => {
    await expect(refusal(value)).resolves.toMatch(/request body must be a JSON object/);
  });

  it('checks path parameters too, naming them', async () => {
    const param: ArgumentMetadata = { type: 'param', metatype: String, data: 'id' };
    await expect(refusal('ab\u0000', param)).resolves.toBe('id must not contain a NUL character (\\u0000)');
  });
});
