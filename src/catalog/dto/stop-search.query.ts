import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export class StopSearchQuery {
  @ApiPropertyOptional({
    description: 'street name words (any order, accents optional) or a stop id',
    example: 'bulevar artigas',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'latitude,longitude to search around', example: '-34.9058,-56.1913' })
  @IsOptional()
  @Matches(/^\s*-?\d{1,2}(\.\d+)?\s*,\s*-?\d{1,3}(\.\d+)?\s*$/, {
    message: 'near must be "latitude,longitude", such as -34.9058,-56.1913',
  })
  near?: string;

  @ApiPropertyOptional({ description: 'search radius around `near`, metres', default: 500, minimum: 10, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(5000)
  radius?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
