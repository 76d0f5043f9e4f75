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
  @ApiProperty({ description: 'its route is known: distances, passes and ETAs along its road geometry' })
  routeKnown: boolean;
  @ApiProperty({
    nullable: true,
    enum: ['shape', 'stand-in-stops', 'sibling-shape', 'stop-sequence'],
    example: 'shape',
    description:
      '`shape`: its own road geometry and stops; `stand-in-stops`: its own geometry, with the stops of its line ' +
      'and direction that lie on it; `sibling-shape`: the geometry of a variant of the same line and destination; ' +
      'null when the route is not known',
  })
  routeSource: string | null;
}

export class LineResponse {
  @ApiProperty({ example: '147' }) line: string;
  @ApiProperty({ description: 'at least one variant has a known route' }) routeKnown: boolean;
  @ApiProperty({ type: [VariantResponse] }) variants: VariantResponse[];
}

export class StopDetailResponse extends StopResponse {
  @ApiProperty({ type: [LineResponse], description: 'lines whose variants serve this stop' }) lines: LineResponse[];
}
