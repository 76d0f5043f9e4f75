import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { ApiThrottled } from '../http/api-errors';

export class MapTilesResponse {
  @ApiProperty({ example: 'https://tiles.example.org/{z}/{x}/{y}.png', description: 'raster tile URL template' })
  url: string;
  @ApiProperty({ example: '© Example tiles', description: 'the credit shown on the map' })
  attribution: string;
}

export class MapConfigResponse {
  @ApiProperty({
    type: MapTilesResponse,
    nullable: true,
    description: 'raster tiles under the map (MAP_TILE_URL); null: the map draws only our own road geometry',
  })
  tiles: MapTilesResponse | null;
}

/** What the page's map needs to know of the installation. */
@ApiTags('page')
@Controller('api')
@ApiThrottled()
export class MapConfigController {
  constructor(private readonly config: AppConfig) {}

  @Get('map')
  @ApiOperation({
    summary: "The page's map settings",
    description: 'Whether raster tiles are drawn under the road geometry, and their credit.',
  })
  @ApiOkResponse({ type: MapConfigResponse })
  map(): MapConfigResponse {
    return { tiles: this.config.map.tiles };
  }
}
