import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiThrottled } from '../http/api-errors';
import { entityIdMessage } from '../http/validation/entity-id';
import { IdParam } from '../http/validation/id-param.decorator';
import { VariantRouteResponse, VariantStopsResponse } from './dto/variant-route.response';
import { VariantRoute, VariantRouteService } from './variant-route.service';

/** The variant id of the path, checked and documented. */
const VariantId = (): ParameterDecorator =>
  IdParam('variantId', 8128, 'a line variant id, as GET /api/lines lists them');
const ERRORS = {
  400: entityIdMessage('variantId', 8128),
  404: {
    description: 'no such line variant',
    message: 'Line variant 99999 is not in the catalogue; see GET /api/lines',
  },
} as const;

function toStops({ variant, path, stops }: VariantRoute): VariantStopsResponse {
  const { id, line, origin, destination } = variant;
  return {
    variantId: id,
    line,
    origin,
    destination,
    routeKnown: path !== null,
    routeSource: path?.source ?? null,
    stops,
  };
}

@ApiTags('catalogue')
@Controller('api/lines/variants')
@ApiThrottled()
export class VariantRouteController {
  constructor(private readonly routes: VariantRouteService) {}

  @Get(':variantId/stops')
  @ApiOperation({
    summary: "A line variant's stops in route order, with coordinates and their place along the road",
    description:
      'Where the route is known (`routeKnown`, see `GET /api/lines`), the stops the tracker places the ' +
      "variant's buses against, with `offsetMeters` along its road geometry; otherwise the variant's own stop " +
      'list where the catalogue has one (offsets null), or none.',
  })
  @ApiOkResponse({ type: VariantStopsResponse })
  @ApiErrors(ERRORS)
  async stops(@VariantId() variantId: number): Promise<VariantStopsResponse> {
    return toStops(await this.find(variantId));
  }

  @Get(':variantId/route')
  @ApiOperation({
    summary: "A line variant's road geometry and its stops along it, for a map",
    description:
      'The road the variant drives from its first stop to its last, as a GeoJSON LineString, with its stops ' +
      'and their `offsetMeters` along it: the same path the tracker measures distances and ETAs on. For a ' +
      'variant whose route is not known, `geometry` is null and `routeKnown` false.',
  })
  @ApiOkResponse({ type: VariantRouteResponse })
  @ApiErrors(ERRORS)
  async route(@VariantId() variantId: number): Promise<VariantRouteResponse> {
    const route = await this.find(variantId);
    const { path } = route;
    return {
      ...toStops(route),
      shapeVariantId: path?.shapeVariantId ?? null,
      lengthMeters: path ? Math.round(path.route.length * 10) / 10 : null,
      geometry: path ? { type: 'LineString', coordinates: path.route.points } : null,
    };
  }

  private async find(variantId: number): Promise<VariantRoute> {
    const route = await this.routes.route(variantId);
    if (!route) throw new NotFoundException(`Line variant ${variantId} is not in the catalogue; see GET /api/lines`);
    return route;
  }
}
