import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

/**
 * `@UuidParam('id') id: string`: a path parameter that is a UUID (v4, as the product makes them),
 * validated and described in the OpenAPI document as one, so clients and fuzzers see the format.
 */
export function UuidParam(name: string, what = 'a tracking id'): ParameterDecorator {
  const pipe = new ParseUUIDPipe({
    version: '4',
    exceptionFactory: () =>
      new BadRequestException(`${name} must be ${what}: a uuid such as f937a8b6-ff71-4f88-86e2-8af003dc94f1`),
  });
  return (target, key, index) => {
    Param(name, pipe)(target, key, index);
    const method = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (method) ApiParam({ name, schema: { type: 'string', format: 'uuid' } })(target, key!, method);
  };
}
