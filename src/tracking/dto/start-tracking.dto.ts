import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_ENTITY_ID } from '../../http/validation/entity-id';
import { IsEntityId } from '../../http/validation/is-entity-id.decorator';

export const MAX_LINES = 10;
export const MAX_VARIANTS = 50;
const LINE_MAX_LENGTH = 20;
const LINE_PATTERN = /^\s*[A-Za-z0-9][A-Za-z0-9 -]*\s*$/;

export class StartTrackingDto {
  @ApiProperty({
    description: 'STM bus stop id (the number on the stop sign)',
    example: 3227,
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_ENTITY_ID,
  })
  // "1478" is accepted as 1478; anything else that is not an integer (true, "0x10") is rejected.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : value,
  )
  @IsEntityId('stopId', 3227)
  stopId: number;

  @ApiProperty({
    description: `Line names, 1 to ${MAX_LINES}; trimmed, upper-cased, de-duplicated and sorted`,
    example: ['103', '109'],
    type: 'string',
    isArray: true,
    minItems: 1,
    maxItems: MAX_LINES,
    items: { type: 'string', maxLength: LINE_MAX_LENGTH, pattern: LINE_PATTERN.source },
  })
  @IsArray({ message: 'lines must be a list of line names, such as ["147", "148"]' })
  @ArrayMinSize(1, { message: 'lines must name at least one line' })
  @ArrayMaxSize(MAX_LINES, { message: `lines may name at most ${MAX_LINES} lines` })
  @IsString({ each: true, message: 'each line must be a string, such as "147" or "D10"' })
  @MaxLength(LINE_MAX_LENGTH, { each: true, message: `a line name is at most ${LINE_MAX_LENGTH} characters` })
  @Matches(LINE_PATTERN, {
    each: true,
    message: 'line names hold letters, digits, spaces and hyphens only (such as "103", "D10", "M-A")',
  })
  lines: string[];

  @ApiPropertyOptional({
    description: `Line variant ids to keep (at most ${MAX_VARIANTS}); all variants of the lines when absent`,
    example: [8128],
    type: 'array',
    items: { type: 'integer', format: 'int32', minimum: 1, maximum: MAX_ENTITY_ID },
    maxItems: MAX_VARIANTS,
  })
  @IsOptional()
  @IsArray({ message: 'variantIds must be a list of integer variant ids' })
  @ArrayMaxSize(MAX_VARIANTS, { message: `variantIds may hold at most ${MAX_VARIANTS} ids` })
  @IsEntityId('each of variantIds', 8128, { each: true })
  variantIds?: number[];
}

/** Trims, upper-cases, de-duplicates and sorts line names (SPEC §3.2). */
export function normaliseLines(lines: readonly string[]): string[] {
  return [...new Set(lines.map((l) => l.trim().replace(/\s+/g, ' ').toUpperCase()))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
}

export function normaliseVariantIds(ids: readonly number[] = []): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}
