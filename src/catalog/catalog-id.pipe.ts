import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** Ids of the catalogue are 32-bit integers: 1 to 2³¹−1, as PostgreSQL's `integer` holds them. */
export const MAX_CATALOG_ID = 2 ** 31 - 1;

/**
 * A path id of the catalogue (a stop, a line variant), checked before any query so that SQLite and
 * PostgreSQL give the same answer to the same input: a 400 naming the parameter, never a 500.
 */
@Injectable()
export class CatalogIdPipe implements PipeTransform<string, number> {
  constructor(
    private readonly name: string,
    private readonly what: string,
    private readonly example: number,
  ) {}

  transform(value: string): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!(id >= 1 && id <= MAX_CATALOG_ID)) {
      throw new BadRequestException(
        `${this.name} must be an integer ${this.what} id from 1 to ${MAX_CATALOG_ID}, such as ${this.example}`,
      );
    }
    return id;
  }
}
