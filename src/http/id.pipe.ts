import { applyDecorators, BadRequestException, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

/** Ids are PostgreSQL `integer`s: 1..2³¹−1. Checked before any query, so both databases answer alike. */
export const MAX_ID = 2_147_483_647;

/** A path id: decimal digits only, within 1..MAX_ID, else a 400 naming the parameter. */
export class IdPipe implements PipeTransform<string, number> {
  constructor(
    private readonly name: string,
    private readonly what: string,
    private readonly example: number,
  ) {}

  transform(value: string): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!(id >= 1 && id <= MAX_ID)) {
      throw new BadRequestException(
        `${this.name} must be an integer ${this.what} from 1 to ${MAX_ID}, such as ${this.example}`,
      );
    }
    return id;
  }
}

/** Documents a path id the way IdPipe checks it. */
export const ApiIdParam = (name: string, description: string, example: number): MethodDecorator =>
  applyDecorators(ApiParam({ name, description, schema: { type: 'integer', minimum: 1, maximum: MAX_ID, example } }));

/** Documents a tracking id (a version 4 UUID, as ParseUUIDPipe checks it). */
export const ApiTrackingIdParam = (): MethodDecorator =>
  applyDecorators(
    ApiParam({
      name: 'id',
      description: 'the tracking id that POST /api/trackings answered',
      schema: { type: 'string', format: 'uuid', example: '5d1c7a2e-4b7e-4c59-9a57-2f0a7e3c1b10' },
    }),
  );
