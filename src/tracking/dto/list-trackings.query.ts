import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PlainNumber } from '../../http/validation/plain-number.transform';
import { TRACKING_STATUSES, TrackingStatus } from '../entities/tracking.entity';

export class ListTrackingsQuery {
  @ApiPropertyOptional({ enum: TRACKING_STATUSES, description: 'only trackings with this status' })
  @IsOptional()
  @IsIn(TRACKING_STATUSES, { message: `status must be one of ${TRACKING_STATUSES.join(', ')}` })
  status?: TrackingStatus;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'at most this many trackings',
    minimum: 1,
    maximum: 500,
    default: 100,
  })
  @IsOptional()
  @PlainNumber()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class BusesQuery {
  @ApiPropertyOptional({
    description: 'also list buses that already passed the stop, and buses whose variant does not serve it',
    enum: ['true', 'false'],
    default: 'false',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'includePassed must be true or false' })
  includePassed?: 'true' | 'false';
}
