import { ValidateBy, ValidationOptions } from 'class-validator';
import { entityIdMessage, isEntityId } from './entity-id';

/**
 * A catalogue id in a body or a query (`stopId`, each of `variantIds` with `{ each: true }`): an integer
 * in 1..2^31−1, the same rule as IdParam's. Strings are not turned into numbers here; a DTO that
 * accepts "1478" says so with its own @Transform.
 */
export function IsEntityId(name: string, example: number, options: ValidationOptions = {}): PropertyDecorator {
  return ValidateBy(
    { name: 'isEntityId', validator: { validate: (value) => isEntityId(value) } },
    { message: entityIdMessage(name, example), ...options },
  );
}
