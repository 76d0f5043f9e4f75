import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  example?: unknown;
}
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, unknown>;
  security?: unknown[];
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface FuzzRequest {
  method: string;
  /** Path with its parameters filled in and percent-encoded, and the query string. */
  path: string;
  body?: string;
  admin: boolean;
}

const resolve = (doc: OpenApiDocument, schema: Schema = {}): Schema =>
  schema.$ref ? resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!]) : schema;

/** Strings a person, a script or an attacker may send in place of anything. */
const hostileText = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'null', 'undefined', 'true', '[]', '{}', '__proto__', 'constructor', '%', '..'),
  fc.constantFrom(
    '0x10',
    '1e3',
    '3227.0',
    ' 3227',
    '-0',
    'Infinity',
    'NaN',
    '99999999999',
    '1208925819614629174706164',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 90, maxLength: 130 }),
);

/** Integers in a schema's range, at and just outside its bounds, and far outside (beyond 32 and 64 bits). */
function integerText(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minimum ?? -(2 ** 31);
  const max = schema.maximum ?? 2 ** 31 - 1;
  const edges = [min, max, min - 1, max + 1, 0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 63];
  return fc.oneof(
    fc.integer({ min, max }).map(String),
    fc.constantFrom(...edges).map(String),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    fc.double({ noNaN: false }).map(String),
  );
}

function stringText(schema: Schema): fc.Arbitrary<string> {
  const max = schema.maxLength ?? 64;
  const options: fc.Arbitrary<string>[] = [
    fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: max }),
    fc.string({ unit: 'grapheme-ascii', minLength: max + 1, maxLength: max + 5 }),
  ];
  if (schema.format === 'uuid') options.push(fc.uuid({ version: 4 }), fc.uuid());
  if (typeof schema.example === 'string' || typeof schema.example === 'number') {
    options.push(fc.constant(String(schema.example)));
  }
  if (schema.pattern) options.push(fc.stringMatching(new RegExp(schema.pattern)));
  return fc.oneof(...options);
}

/** Text for a path or query value of the given schema: valid ones, edge ones and hostile ones. */
export function valueText(doc: OpenApiDocument, raw?: Schema): fc.Arbitrary<string> {
  const schema = resolve(doc, raw);
  const typed: fc.Arbitrary<string>[] = [];
  if (schema.enum?.length) typed.push(fc.constantFrom(...schema.enum.map(String)));
  if (schema.type === 'integer' || schema.type === 'number') typed.push(integerText(schema));
  else if (schema.type === 'boolean') typed.push(fc.constantFrom('true', 'false', '1', 'yes'));
  else typed.push(stringText(schema));
  return fc.oneof({ arbitrary: fc.oneof(...typed), weight: 3 }, { arbitrary: hostileText, weight: 1 });
}

/** A JSON value for a body schema: mostly the right shape, with wrong types, edges and extra fields. */
export function jsonValue(doc: OpenApiDocument, raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const wrong = fc.oneof(
    fc.constantFrom(null, true, 0, -1, '', '\u0000', [], {}, 2 ** 31, -(2 ** 31) - 1, 1e300, 0.5),
    hostileText,
  );
  let right: fc.Arbitrary<unknown>;
  if (schema.type === 'object' || schema.properties) {
    right = objectValue(doc, schema, depth);
  } else if (schema.type === 'array') {
    const items = depth > 3 ? fc.constant(1) : jsonValue(doc, schema.items, depth + 1);
    const lists = fc.array(items, { maxLength: (schema.maxItems ?? 10) + 2 });
    // The documented example gets requests past validation (a start that really starts).
    right = Array.isArray(schema.example)
      ? fc.oneof({ arbitrary: fc.constant(schema.example), weight: 3 }, { arbitrary: lists, weight: 1 })
      : lists;
  } else if (schema.enum?.length) {
    right = fc.constantFrom(...schema.enum);
  } else if (schema.type === 'integer' || schema.type === 'number') {
    const numbers = integerText(schema).map((t) => (Number.isFinite(Number(t)) ? Number(t) : t));
    right =
      typeof schema.example === 'number'
        ? fc.oneof({ arbitrary: fc.constant(schema.example), weight: 3 }, { arbitrary: numbers, weight: 1 })
        : numbers;
  } else if (schema.type === 'boolean') {
    right = fc.boolean();
  } else {
    right = valueText(doc, schema);
  }
  return fc.oneof({ arbitrary: right, weight: 4 }, { arbitrary: wrong, weight: 1 });
}

function objectValue(doc: OpenApiDocument, schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  const fields = properties.map(([name, property]) =>
    fc.option(
      jsonValue(doc, property, depth + 1).map((value) => [name, value] as const),
      { freq: (schema.required ?? []).includes(name) ? 8 : 2 },
    ),
  );
  const extra = fc.option(
    fc.tuple(
      fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra'), fc.string({ maxLength: 8 })),
      fc.constantFrom<unknown>({ polluted: true }, 1, 'x'),
    ),
    { freq: 3 },
  );
  return fc.tuple(fc.tuple(...fields), extra).map(([present, added]) => {
    // JSON.parse of the text, as the body parser will do: "__proto__" stays an own key.
    const entries = [...present.filter((f) => f !== null), ...(added ? [added] : [])];
    return JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`);
  });
}

function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '?'));
  }
}

/** Requests for one operation of the document, its parameters and body generated from their schemas. */
export function requestsFor(
  doc: OpenApiDocument,
  path: string,
  method: string,
  op: Operation,
): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const query = fc.tuple(
    ...queryParams.map((p) =>
      fc.option(
        valueText(doc, p.schema).map((v) => `${encode(p.name)}=${encode(v)}`),
        { freq: 2 },
      ),
    ),
    fc.option(fc.constantFrom('__proto__=1', 'constructor=1', 'unknown=1', 'limit=1&limit=2', 'q[]=a'), { freq: 4 }),
  );
  return fc
    .record({
      values: fc.tuple(...pathParams.map((p) => valueText(doc, p.schema))),
      query,
      body: bodySchema ? fc.option(jsonValue(doc, bodySchema), { freq: 10 }) : fc.constant(null),
      admin: fc.boolean(),
    })
    .map(({ values, query: parts, body, admin }) => {
      let filled = path;
      pathParams.forEach((p, i) => (filled = filled.replace(`{${p.name}}`, encode(values[i]) || '%20')));
      const search = parts.filter((q) => q !== null).join('&');
      return {
        method: method.toUpperCase(),
        path: search ? `${filled}?${search}` : filled,
        body: body === null ? undefined : JSON.stringify(body),
        admin,
      };
    });
}

/** Every operation of the document, each with its request generator. */
export function operationsOf(
  doc: OpenApiDocument,
): { name: string; op: Operation; requests: fc.Arbitrary<FuzzRequest> }[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      name: `${method.toUpperCase()} ${path}`,
      op,
      requests: requestsFor(doc, path, method, op),
    })),
  );
}
