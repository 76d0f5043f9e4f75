import { BadRequestException, Param, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { entityIdMessage, MAX_ENTITY_ID, parseEntityId } from './entity-id';

/** A catalogue id in a path: `/api/stops/3227`; `0x10`, `3227.0`, ` 3227` or `2147483648` are a 400. */
export class ParseIdPipe implements PipeTransform<string, number> {
  constructor(
    private readonly name: string,
    private readonly example: number,
  ) {}

  transform(value: string): number {
    const id = parseEntityId(value);
    if (id === undefined) throw new BadRequestException(entityIdMessage(this.name, this.example));
    return id;
  }
}

/**
 * `@IdParam('stopId', 3227) stopId: number`: the path parameter, validated by ParseIdPipe and described in
 * the OpenAPI document with its range, so the docs and the check cannot drift apart.
 */
export function IdParam(name: string, example: number, description?: string): ParameterDecorator {
  return (target, key, index) => {
    Param(name, new ParseIdPipe(name, example))(target, key, index);
    const method = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (method) {
      ApiParam({
        name,
        description,
        schema: { type: 'integer', format: 'int32', minimum: 1, maximum: MAX_ENTITY_ID, example },
      })(target, key!, method);
    }
  };
}
