import { ApiProperty } from '@nestjs/swagger';

/** The shape of every error answer. Each route's document shows an example of its own for each status. */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, description: 'the HTTP status, repeated' })
  statusCode: number;
  @ApiProperty({ description: 'the name of the status, such as "Not Found"' }) error: string;
  @ApiProperty({ description: 'what went wrong, in words a person can act on' }) message: string;
}
