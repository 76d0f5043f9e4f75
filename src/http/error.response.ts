import { ApiProperty } from '@nestjs/swagger';

/** The shape of every error answer. */
export class ErrorResponse {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'lines must name at least one line' }) message: string;
}
