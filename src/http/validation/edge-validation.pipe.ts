import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * Keys that class-transformer treats as part of the object rather than as data: `__proto__` would be
 * assigned as the instance's prototype and `constructor` is skipped, so neither reaches the whitelist
 * check and both would be accepted silently (SPEC §4.1 rejects them).
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any body or query the API takes; keeps the walk below (and class-transformer's) off the stack limit. */
const MAX_DEPTH = 8;

function unknownField(path: string): string {
  return `unknown field "${path}": remove it (accepted fields are documented at /docs)`;
}

/** The first problem of a raw value the DTO rules cannot see, or undefined. */
export function rawInputProblem(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') {
    // PostgreSQL refuses NUL in text (SQLite stores it): refused here, both answer alike.
    return value.includes('\u0000') ? `${path || 'value'} must not contain a NUL character (\\u0000)` : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return `${path || 'the request'} is nested too deeply`;
  for (const key of Object.keys(value)) {
    const child = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && FORBIDDEN_KEYS.has(key)) return unknownField(child);
    if (key.includes('\u0000')) return `field names must not contain a NUL character (\\u0000)`;
    const problem = rawInputProblem((value as Record<string, unknown>)[key], child, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith('property ') ? unknownField(path) : m));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * The one validation of everything a request brings (body, query, path), applied globally: the raw
 * value first (forbidden keys, NUL, nesting, a body that is not an object), then the DTO's rules with
 * unknown fields refused. Answers 400 with every problem in one message.
 */
export class EdgeValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new BadRequestException([...new Set(flatten(errors))].join('; ')),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const problem = rawInputProblem(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
      if (problem) throw new BadRequestException(problem);
      const wantsObject = metadata.type === 'body' && metadata.metatype && this.toValidate(metadata);
      if (wantsObject && (value === null || typeof value !== 'object' || Array.isArray(value))) {
        throw new BadRequestException('the request body must be a JSON object (content-type: application/json)');
      }
    }
    // A named path or query value is its own pipe's to read (IdParam, ParseUUIDPipe): the base pipe's
    // primitive conversion (`+value`) would hand it "0x10" as 16 and "3227.0" as 3227.
    if ((metadata.type === 'param' || metadata.type === 'query') && metadata.data) return value;
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
