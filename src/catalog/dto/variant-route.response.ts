import { ApiProperty } from '@nestjs/swagger';
import { StopResponse } from './catalog.response';

export class RouteStopResponse extends StopResponse {
  @ApiProperty({ type: 'integer', description: '0-based order along the route', example: 0 }) position: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 172.3,
    description: 'metres along the road geometry from the first stop; null when the route is not known',
  })
  offsetMeters: number | null;
}

export class VariantStopsResponse {
  @ApiProperty({ type: 'integer', example: 8128 }) variantId: number;
  @ApiProperty({ example: '103' }) line: string;
  @ApiProperty({ example: 'LOS AROMOS' }) origin: string;
  @ApiProperty({ example: 'PLAZA ESPAÑA' }) destination: string;
  @ApiProperty({ description: 'the route is known: the stops are placed along its road geometry' })
  routeKnown: boolean;
  @ApiProperty({
    nullable: true,
    enum: ['shape', 'stand-in-stops', 'sibling-shape', 'stop-sequence'],
    example: 'shape',
    description: 'where the route comes from (see GET /api/lines); null when not known',
  })
  routeSource: string | null;
  @ApiProperty({
    type: [RouteStopResponse],
    description: 'the stops, in route order: along the route where known, else the variant’s own list (may be empty)',
  })
  stops: RouteStopResponse[];
}

export class LineStringResponse {
  @ApiProperty({ enum: ['LineString'], example: 'LineString' }) type: 'LineString';
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    example: [
      [-56.025251, -34.770384],
      [-56.025778, -34.771005],
    ],
    description: '[longitude, latitude] pairs (WGS84), in the direction of travel',
  })
  coordinates: [number, number][];
}

export class VariantRouteResponse extends VariantStopsResponse {
  @ApiProperty({ nullable: true, type: 'integer', example: 8128, description: 'the variant whose geometry this is' })
  shapeVariantId: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 14215.3,
    description: 'metres from the first stop to the last',
  })
  lengthMeters: number | null;
  @ApiProperty({
    nullable: true,
    type: LineStringResponse,
    description: 'the road from the first stop to the last (GeoJSON); null when the route is not known',
  })
  geometry: LineStringResponse | null;
}
