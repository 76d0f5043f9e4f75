import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class StopResponse {
  @ApiProperty({ type: 'integer', example: 3227 }) id: number;
  @ApiProperty({ nullable: true, type: String, example: 'AV 8 DE OCTUBRE' }) street1: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'BV JOSE BATLLE Y ORDOÑEZ' }) street2: string | null;
  @ApiProperty({ example: -34.8790688 }) latitude: number;
  @ApiProperty({ example: -56.14764013 }) longitude: number;
  @ApiPropertyOptional({ type: 'integer', description: 'distance from `near`, metres (proximity search only)' })
  distanceMeters?: number;
}

export class LineCallResponse {
  @ApiProperty({ example: '103' }) line: string;
  @ApiProperty({
    type: [String],
    example: ['PLAZA ESPAÑA (POR BARRIO EL MONARCA)'],
    description: 'where its variants calling here go: the direction a bus leaves this stop in',
  })
  destinations: string[];
}

/** A stop search result: the stop, with the lines calling there to tell look-alike corners apart. */
export class StopHitResponse extends StopResponse {
  @ApiProperty({ type: [LineCallResponse], description: 'lines calling at the stop, by name' })
  lines: LineCallResponse[];
}

export class VariantResponse {
  @ApiProperty({ type: 'integer', example: 8128 }) id: number;
  @ApiProperty({ example: 'CNO MALDONADO KM 21' }) origin: string;
  @ApiProperty({ example: 'PLAZA ESPAÑA (POR BARRIO EL MONARCA)' }) destination: string;
  @ApiProperty({ example: 'PLAZA ESPANA - BARRIO EL MONARCA' }) subline: string;
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
  @ApiProperty({ example: '103' }) line: string;
  @ApiProperty({ description: 'at least one variant has a known route' }) routeKnown: boolean;
  @ApiProperty({ type: [VariantResponse] }) variants: VariantResponse[];
}

export class StopDetailResponse extends StopResponse {
  @ApiProperty({ type: [LineResponse], description: 'lines whose variants serve this stop' }) lines: LineResponse[];
}
