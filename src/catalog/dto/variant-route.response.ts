import { ApiProperty } from '@nestjs/swagger';
import { StopResponse } from './catalog.response';

export class RouteStopResponse extends StopResponse {
  @ApiProperty({ description: '0-based order along the route', example: 0 }) position: number;
}

export class VariantRouteResponse {
  @ApiProperty({ example: 8205 }) variantId: number;
  @ApiProperty({ example: '103' }) line: string;
  @ApiProperty({ example: 'CASABO' }) origin: string;
  @ApiProperty({ example: 'PLAZA ESPAÑA' }) destination: string;
  @ApiProperty({ description: 'false when the stop sequence of this variant is not known (stops is then empty)' })
  routeKnown: boolean;
  @ApiProperty({ type: [RouteStopResponse], description: 'the stops the variant serves, in route order' })
  stops: RouteStopResponse[];
}
