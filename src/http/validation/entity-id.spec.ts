import { BadRequestException } from '@nestjs/common';
import { entityIdMessage, isEntityId, MAX_ENTITY_ID, parseEntityId } from './entity-id';
import { ParseIdPipe } from './id-param.decorator';

describe('parseEntityId', () => {
  it.each<[unknown, number]>([
    ['1', 1],
    ['3227', 3227],
    ['2147483647', MAX_ENTITY_ID],
    [1, 1],
    [MAX_ENTITY_ID, MAX_ENTITY_ID],
  ])('reads %j as %d', (value, expected) => {
    expect(parseEntityId(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['zero', '0'],
    ['one past the 32-bit range', '2147483648'],
    ['a large negative number', '-2147483649'],
    ['a negative id', '-1'],
    ['hexadecimal', '0x10'],
    ['a decimal point', '3227.0'],
    ['a leading space (%20)', ' 3227'],
    ['a trailing space', '3227 '],
    ['a leading zero', '03227'],
    ['an exponent', '1e3'],
    ['a plus sign', '+3227'],
    ['many digits', '99999999999'],
    ['a NUL', '3227\u0000'],
    ['empty', ''],
    ['a word', 'abc'],
    ['Infinity', 'Infinity'],
    ['a fraction (number)', 14.5],
    ['a number beyond the range', 2 ** 31],
    ['NaN', NaN],
    ['true', true],
    ['null', null],
    ['a list', ['3227']],
  ])('refuses %s', (_name, value) => {
    expect(parseEntityId(value)).toBeUndefined();
    expect(isEntityId(value)).toBe(false);
  });

  it('agrees with the range for every power of ten and its neighbours', () => {
    for (let digits = 1; digits <= 12; digits++) {
      for (const n of [10 ** digits - 1, 10 ** digits, 10 ** digits + 1]) {
        expect(parseEntityId(String(n))).toBe(n <= MAX_ENTITY_ID ? n : undefined);
      }
    }
  });

  it('does not take a numeric string for a number in isEntityId (bodies keep their types)', () => {
    expect(isEntityId('3227')).toBe(false);
    expect(isEntityId(3227)).toBe(true);
  });
});

describe('ParseIdPipe.transform', () => {
  const pipe = new ParseIdPipe('stopId', 3227);

  it('turns a plain id into a number', () => {
    expect(pipe.transform('3227')).toBe(3227);
  });

  it.each(['0x10', '3227.0', ' 3227', '2147483648', '-2147483649', '0'])(
    'answers 400 for %j, naming the field',
    (v) => {
      expect(() => pipe.transform(v)).toThrow(BadRequestException);
      expect(() => pipe.transform(v)).toThrow(entityIdMessage('stopId', 3227));
    },
  );
});
