import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { MAX_ENTITY_ID } from '../../http/validation/entity-id';
import { PlainNumber } from '../../http/validation/plain-number.transform';
import { foldText } from '../../shared/text';

const NEAR = /^\s*(-?\d{1,2}(?:\.\d{1,12})?)\s*,\s*(-?\d{1,3}(?:\.\d{1,12})?)\s*$/;

/** "lat,lon" on the Earth: the search box's bounds are computed from it. */
function isNear(value: unknown): boolean {
  const match = typeof value === 'string' ? NEAR.exec(value) : null;
  return !!match && Math.abs(Number(match[1])) <= 90 && Math.abs(Number(match[2])) <= 180;
}

/** The catalogue searches a q of digits as a stop id too: one beyond the id range cannot be a stop. */
function isSearchable(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = foldText(value);
  return !/^\d+$/.test(text) || Number(text) <= MAX_ENTITY_ID;
}

export class StopSearchQuery {
  @ApiPropertyOptional({
    description: 'street name words (any order, accents optional) or a stop id',
    example: 'octubre batlle',
    minLength: 1,
    maxLength: 100,
    pattern: '^[^\\u0000-\\u001f\\u007f]*$',
  })
  @IsOptional()
  @IsString({ message: 'q must be one text, such as octubre batlle' })
  @MinLength(1)
  @MaxLength(100, { message: 'q must be at most 100 characters' })
  // PostgreSQL refuses NUL in text; no street name holds a control character.
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'q must not hold control characters' })
  @ValidateBy(
    { name: 'isSearchable', validator: { validate: isSearchable } },
    { message: `q is a number beyond any stop id (at most ${MAX_ENTITY_ID})` },
  )
  q?: string;

  @ApiPropertyOptional({
    description: 'latitude,longitude to search around',
    example: '-34.8791,-56.1476',
    maxLength: 64,
    pattern: NEAR.source,
  })
  @IsOptional()
  @ValidateBy(
    { name: 'isNear', validator: { validate: isNear } },
    { message: 'near must be "latitude,longitude" on the Earth (±90, ±180), such as -34.9058,-56.1913' },
  )
  near?: string;

  @ApiPropertyOptional({
    description: 'search radius around `near`, metres',
    type: 'integer',
    default: 500,
    minimum: 10,
    maximum: 5000,
  })
  @IsOptional()
  @PlainNumber()
  @IsInt({ message: 'radius must be a whole number of metres from 10 to 5000' })
  @Min(10, { message: 'radius must be a whole number of metres from 10 to 5000' })
  @Max(5000, { message: 'radius must be a whole number of metres from 10 to 5000' })
  radius?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'at most this many stops',
    default: 20,
    minimum: 1,
    maximum: 100,
  })
  @IsOptional()
  @PlainNumber()
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100' })
  limit?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'skip this many matches first (the next page: offset + limit; see the X-Total-Count header)',
    default: 0,
    minimum: 0,
    maximum: 10000,
  })
  @IsOptional()
  @PlainNumber()
  @IsInt({ message: 'offset must be a whole number from 0 to 10000' })
  @Min(0, { message: 'offset must be a whole number from 0 to 10000' })
  @Max(10000, { message: 'offset must be a whole number from 0 to 10000' })
  offset?: number;
}
