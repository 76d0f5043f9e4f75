import { BadRequestException, Controller, Get, NotFoundException, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../http/error.response';
import { CatalogService, LineSummary } from './catalog.service';
import { LineResponse, StopDetailResponse, StopResponse } from './dto/catalog.response';
import { StopSearchQuery } from './dto/stop-search.query';

const toLineResponse = (l: LineSummary): LineResponse => ({
  line: l.line,
  routeKnown: l.routeKnown,
  variants: l.variants.map(({ id, origin, destination, subline, special, routeKnown }) => ({
    id,
    origin,
    destination,
    subline,
    special,
    routeKnown,
  })),
});

const stopIdPipe = new ParseIntPipe({
  exceptionFactory: () => new BadRequestException('stopId must be an integer stop id, such as 3227'),
});

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
  @ApiOkResponse({ type: StopDetailResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async getStop(@Param('stopId', stopIdPipe) stopId: number): Promise<StopDetailResponse> {
    const stop = await this.catalog.findStop(stopId);
    if (!stop) throw new NotFoundException(`Stop ${stopId} is not in the catalogue`);
    return { ...stop, lines: (await this.catalog.linesServingStop(stopId)).map(toLineResponse) };
  }

  @Get('lines')
  @ApiOperation({ summary: 'Every line with its variants' })
  @ApiOkResponse({ type: [LineResponse] })
  async listLines(): Promise<LineResponse[]> {
    return (await this.catalog.listLines()).map(toLineResponse);
  }
}
