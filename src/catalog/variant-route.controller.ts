import { BadRequestException, Controller, Get, NotFoundException, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../http/error.response';
import { VariantRouteResponse } from './dto/variant-route.response';
import { VariantRouteService } from './variant-route.service';

const variantIdPipe = new ParseIntPipe({
  exceptionFactory: () => new BadRequestException('variantId must be an integer line variant id, such as 8205'),
});

@ApiTags('catalogue')
@Controller('api/lines/variants')
export class VariantRouteController {
  constructor(private readonly routes: VariantRouteService) {}

  @Get(':variantId/stops')
  @ApiOperation({
    summary: "A line variant's stops in route order, with coordinates (for drawing where buses are)",
    description:
      'Known for the variants marked `routeKnown` in `GET /api/lines` and `GET /api/stops/{stopId}`; for the ' +
      'others `routeKnown` is false and `stops` empty.',
  })
  @ApiOkResponse({ type: VariantRouteResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'no such line variant' })
  async stops(@Param('variantId', variantIdPipe) variantId: number): Promise<VariantRouteResponse> {
    const route = await this.routes.route(variantId);
    if (!route) throw new NotFoundException(`Line variant ${variantId} is not in the catalogue; see GET /api/lines`);
    const { id, line, origin, destination } = route.variant;
    return { variantId: id, line, origin, destination, routeKnown: route.stops.length > 0, stops: route.stops };
  }
}
