import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponse } from '../http/error.response';
import { CatalogIdPipe, MAX_CATALOG_ID } from './catalog-id.pipe';
import { CatalogService, LineSummary } from './catalog.service';
import { LineResponse, StopDetailResponse, StopResponse } from './dto/catalog.response';
import { StopSearchQuery } from './dto/stop-search.query';

const toLineResponse = (l: LineSummary): LineResponse => ({
  line: l.line,
  routeKnown: l.routeKnown,
  variants: l.variants.map(({ id, origin, destination, subline, special, routeKnown, routeSource }) => ({
    id,
    origin,
    destination,
    subline,
    special,
    routeKnown,
    routeSource,
  })),
});

const stopIdPipe = new CatalogIdPipe('stopId', 'stop', 3227);

@ApiTags('catalogue')
@Controller('api')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('stops')
  @ApiOperation({ summary: 'Find stops by street, by id, or near a place' })
  @ApiOkResponse({ type: [StopResponse] })
  searchStops(@Query() query: StopSearchQuery): Promise<StopResponse[]> {
    const [latitude, longitude] = query.near?.split(',').map(Number) ?? [];
    return this.catalog.searchStops({
      q: query.q,
      near: query.near ? { latitude, longitude } : undefined,
      radiusMeters: query.radius ?? 500,
      limit: query.limit ?? 20,
    });
  }

  @Get('stops/:stopId')
  @ApiOperation({ summary: 'One stop, with the lines and variants known to serve it' })
  @ApiParam({ name: 'stopId', schema: { type: 'integer', minimum: 1, maximum: MAX_CATALOG_ID, example: 3227 } })
  @ApiOkResponse({ type: StopDetailResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'stopId is not an integer from 1 to 2³¹−1' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async getStop(@Param('stopId', stopIdPipe) stopId: number): Promise<StopDetailResponse> {
    const stop = await this.catalog.findStop(stopId);
    if (!stop) throw new NotFoundException(`Stop ${stopId} is not in the catalogue`);
    return { ...stop, lines: (await this.catalog.linesServingStop(stopId)).map(toLineResponse) };
  }

  @Get('lines')
  @ApiOperation({
    summary: 'Every line with its variants',
    description:
      'Each variant says whether its route is known (`routeKnown`) and where it comes from (`routeSource`): ' +
      'its own road geometry, its own geometry with the stops of its line and direction standing in, or a ' +
      "sibling variant's geometry. Where it is not known, distances are straight lines.",
  })
  @ApiOkResponse({ type: [LineResponse] })
  async listLines(): Promise<LineResponse[]> {
    return (await this.catalog.listLines()).map(toLineResponse);
  }
}
