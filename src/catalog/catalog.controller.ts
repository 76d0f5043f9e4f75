import { Controller, Get, NotFoundException, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiThrottled } from '../http/api-errors';
import { entityIdMessage } from '../http/validation/entity-id';
import { IdParam } from '../http/validation/id-param.decorator';
import { CatalogService, LineSummary } from './catalog.service';
import type { Response } from 'express';
import { LineResponse, StopDetailResponse, StopHitResponse } from './dto/catalog.response';
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

@ApiTags('catalogue')
@Controller('api')
@ApiThrottled()
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('stops')
  @ApiOperation({
    summary: 'Find stops by street, by id, or near a place',
    description:
      'Street words match in any order, accents optional ("octubre batlle"); digits also match a stop id. ' +
      '`near` finds the stops within `radius` metres of a point, nearest first, each with its `distanceMeters`. ' +
      'Without `q` or `near`, the first stops by id. Each stop comes with the lines calling there and where ' +
      'they go, so stops on either side of an avenue can be told apart. One page of at most `limit` stops from ' +
      '`offset`; the X-Total-Count header says how many match in all.',
  })
  @ApiOkResponse({
    type: [StopHitResponse],
    headers: {
      'X-Total-Count': {
        description: 'stops matching in all (this page holds at most `limit`)',
        schema: { type: 'integer' },
      },
    },
  })
  @ApiErrors({ 400: 'near must be "latitude,longitude", such as -34.9058,-56.1913' })
  async searchStops(
    @Query() query: StopSearchQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StopHitResponse[]> {
    const [latitude, longitude] = query.near?.split(',').map(Number) ?? [];
    const { stops, total } = await this.catalog.searchStops({
      q: query.q,
      near: query.near ? { latitude, longitude } : undefined,
      radiusMeters: query.radius ?? 500,
      limit: query.limit ?? 20,
      offset: query.offset ?? 0,
    });
    const calls = await this.catalog.linesCallingAt(stops.map((s) => s.id));
    res.setHeader('X-Total-Count', String(total));
    return stops.map((stop) => ({ ...stop, lines: calls.get(stop.id) ?? [] }));
  }

  @Get('stops/:stopId')
  @ApiOperation({
    summary: 'One stop, with the lines and variants known to serve it',
    description:
      'The lines whose variants call at the stop; a variant marked `routeKnown` has its buses placed along its ' +
      'road geometry (see GET /api/lines).',
  })
  @ApiOkResponse({ type: StopDetailResponse })
  @ApiErrors({
    400: entityIdMessage('stopId', 3227),
    404: {
      description: 'the stop is not in the catalogue',
      message: 'Stop 999999 is not in the catalogue',
    },
  })
  async getStop(
    @IdParam('stopId', 3227, 'STM bus stop id (the number on the stop sign)') stopId: number,
  ): Promise<StopDetailResponse> {
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
