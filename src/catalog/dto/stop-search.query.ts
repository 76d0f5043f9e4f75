import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
} from 'class-validator';
import type { ValidatorConstraintInterface } from 'class-validator';
import { MAX_ID } from '../../http/id.pipe';
import { foldText } from '../../shared/text';

/** Digits alone are also read as a stop id (CatalogService.searchStops): it must fit an id column. */
@ValidatorConstraint({ name: 'stopIdInRange' })
class StopIdInRange implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    const text = typeof value === 'string' ? foldText(value) : '';
    return !/^\d+$/.test(text) || Number(text) <= MAX_ID;
  }

  defaultMessage(): string {
    return `q: a stop id is at most ${MAX_ID}`;
  }
}

export class StopSearchQuery {
  @ApiPropertyOptional({
    description: 'street name words (any order, accents optional) or a stop id (at most 2147483647)',
    example: 'octubre batlle',
    minLength: 1,
    maxLength: 100,
    pattern: '^[^\\u0000-\\u001f\\u007f]*$',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  // PostgreSQL refuses NUL in text; no street name holds a control character.
  // eslint-disable-next-line no-control-regex
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'q must not hold control characters' })
  @Validate(StopIdInRange)
  q?: string;

  @ApiPropertyOptional({
    description: 'latitude,longitude to search around',
    example: '-34.8791,-56.1476',
    pattern: '^\\s*-?\\d{1,2}(\\.\\d+)?\\s*,\\s*-?\\d{1,3}(\\.\\d+)?\\s*$',
  })
  @IsOptional()
  @Matches(/^\s*-?\d{1,2}(\.\d+)?\s*,\s*-?\d{1,3}(\.\d+)?\s*$/, {
    message: 'near must be "latitude,longitude", such as -34.9058,-56.1913',
  })
  near?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'search radius around `near`, metres',
    default: 500,
    minimum: 10,
    maximum: 5000,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(5000)
  radius?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'at most this many stops',
    default: 20,
    minimum: 1,
    maximum: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
