import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const MAX_LINES = 10;
export const MAX_VARIANTS = 50;

export class StartTrackingDto {
  @ApiProperty({ description: 'STM bus stop id (the number on the stop sign)', example: 1478 })
  // "1478" is accepted as 1478; anything else that is not an integer (true, "0x10") is rejected.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value,
  )
  @IsInt({ message: 'stopId must be an integer stop id, such as 1478' })
  @Min(1)
  @Max(2_147_483_647)
  stopId: number;

  @ApiProperty({
    description: `Line names, 1 to ${MAX_LINES}; trimmed, upper-cased, de-duplicated and sorted`,
    example: ['147', '148'],
    type: [String],
  })
  @IsArray({ message: 'lines must be a list of line names, such as ["147", "148"]' })
  @ArrayMinSize(1, { message: 'lines must name at least one line' })
  @ArrayMaxSize(MAX_LINES, { message: `lines may name at most ${MAX_LINES} lines` })
  @IsString({ each: true, message: 'each line must be a string, such as "147" or "D10"' })
  @MaxLength(20, { each: true, message: 'a line name is at most 20 characters' })
  @Matches(/^\s*[A-Za-z0-9][A-Za-z0-9 -]*\s*$/, {
    each: true,
    message: 'line names hold letters, digits, spaces and hyphens only (such as "103", "D10", "M-A")',
  })
  lines: string[];

  @ApiPropertyOptional({
    description: `Line variant ids to keep (at most ${MAX_VARIANTS}); all variants of the lines when absent`,
    example: [7962],
    type: [Number],
  })
  @IsOptional()
  @IsArray({ message: 'variantIds must be a list of integer variant ids' })
  @ArrayMaxSize(MAX_VARIANTS, { message: `variantIds may hold at most ${MAX_VARIANTS} ids` })
  @IsInt({ each: true, message: 'each variant id must be an integer' })
  @Min(1, { each: true, message: 'variant ids are positive integers' })
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
