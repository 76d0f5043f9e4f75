import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiThrottled } from '../http/api-errors';
import { ApiIdParam, IdPipe } from '../http/id.pipe';
import { VariantRouteResponse } from './dto/variant-route.response';
import { VariantRouteService } from './variant-route.service';

const variantIdPipe = new IdPipe('variantId', 'line variant id', 8128);

@ApiTags('catalogue')
@Controller('api/lines/variants')
@ApiThrottled()
export class VariantRouteController {
  constructor(private readonly routes: VariantRouteService) {}

  @Get(':variantId/stops')
  @ApiOperation({
    summary: "A line variant's stops in route order, with coordinates (for drawing where buses are)",
    description:
      'Known for the variants marked `routeKnown` in `GET /api/lines` and `GET /api/stops/{stopId}`; for the ' +
      'others `routeKnown` is false and `stops` empty.',
  })
  @ApiIdParam('variantId', 'a line variant id, as GET /api/lines lists them', 8128)
  @ApiOkResponse({ type: VariantRouteResponse })
  @ApiErrors({
    400: 'variantId must be an integer line variant id from 1 to 2147483647, such as 8128',
    404: {
      description: 'no such line variant',
      message: 'Line variant 99999 is not in the catalogue; see GET /api/lines',
    },
  })
  async stops(@Param('variantId', variantIdPipe) variantId: number): Promise<VariantRouteResponse> {
    const route = await this.routes.route(variantId);
    if (!route) throw new NotFoundException(`Line variant ${variantId} is not in the catalogue; see GET /api/lines`);
    const { id, line, origin, destination } = route.variant;
    return { variantId: id, line, origin, destination, routeKnown: route.stops.length > 0, stops: route.stops };
  }
}
