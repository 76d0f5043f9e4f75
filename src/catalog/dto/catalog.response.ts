import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class StopResponse {
  @ApiProperty({ example: 1478 }) id: number;
  @ApiProperty({ nullable: true, type: String, example: 'AV 18 DE JULIO' }) street1: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'RIO NEGRO' }) street2: string | null;
  @ApiProperty() latitude: number;
  @ApiProperty() longitude: number;
  @ApiPropertyOptional({ description: 'distance from `near`, metres (proximity search only)' }) distanceMeters?: number;
}

export class VariantResponse {
  @ApiProperty({ example: 7962 }) id: number;
  @ApiProperty() origin: string;
  @ApiProperty() destination: string;
  @ApiProperty() subline: string;
  @ApiProperty() special: boolean;
  @ApiProperty({ description: 'its stop sequence is known (these variants are simulated)' }) routeKnown: boolean;
}

export class LineResponse {
  @ApiProperty({ example: '147' }) line: string;
  @ApiProperty({ description: 'at least one variant has a known stop sequence' }) routeKnown: boolean;
  @ApiProperty({ type: [VariantResponse] }) variants: VariantResponse[];
}

export class StopDetailResponse extends StopResponse {
  @ApiProperty({ type: [LineResponse], description: 'lines whose known routes serve this stop' }) lines: LineResponse[];
}
