import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document the checker reads. */
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** One answer as a client saw it. */
export interface Exchange {
  method: string;
  /** The request's path, with or without a query string. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const escape = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks answers against the OpenAPI document the app serves: the path and method have an
 * operation (or the answer is the 405 the document's description promises), the status is one the
 * operation lists, the content type one it lists for that status, and the body valid against the
 * schema there (ajv, with formats: uuid, date-time...). Object schemas with listed properties are
 * checked closed: a field the document does not list is a violation, so a field added to an answer
 * without its DTO's @ApiProperty is caught here.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly routes: { method: string; template: string; pattern: RegExp; params: number }[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Document) {
    addFormats(this.ajv);
    this.ajv.addSchema(closeObjects(structuredClone(doc)), 'openapi');
    for (const [template, item] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
      for (const method of Object.keys(item)) {
        this.routes.push({ method: method.toUpperCase(), template, pattern, params: template.split('{').length });
      }
    }
    // A literal path wins over a template that also matches it.
    this.routes.sort((a, b) => a.params - b.params);
  }

  /** What the document does not describe in this answer; empty when it describes it. */
  problems(exchange: Exchange): string[] {
    const path = exchange.url.split('?')[0];
    const contentType = String(exchange.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    const route = this.routes.find((r) => r.method === exchange.method && r.pattern.test(path));
    if (!route) {
      const known = this.routes.some((r) => r.pattern.test(path));
      if (known && exchange.status === 405) {
        const problems = this.validate('openapi#/components/schemas/ErrorResponse', exchange.text, contentType);
        if (!exchange.headers.allow) problems.push('a 405 without an Allow header');
        return problems;
      }
      return [`no operation ${exchange.method} ${path} in the document`];
    }
    const operation = this.doc.paths[route.template][route.method.toLowerCase()];
    const key = [String(exchange.status), `${String(exchange.status)[0]}XX`, 'default'].find(
      (k) => operation.responses[k],
    );
    if (!key) return [`status ${exchange.status} is not documented (${Object.keys(operation.responses).join(', ')})`];
    const content = operation.responses[key].content;
    if (!content) return exchange.text ? [`status ${exchange.status} is documented without a body, got one`] : [];
    if (!content[contentType]) {
      return [`content type "${contentType}" is not documented for ${key} (${Object.keys(content).join(', ')})`];
    }
    if (!content[contentType].schema) return [];
    const pointer = ['paths', route.template, route.method.toLowerCase(), 'responses', key, 'content', contentType]
      .map(escape)
      .join('/');
    return this.validate(`openapi#/${pointer}/schema`, exchange.text, contentType);
  }

  /** Validates a value (JSON text, or the text itself for a text media type) against a schema of the document. */
  validate(ref: string, text: string, contentType = 'application/json'): string[] {
    let value: unknown = text;
    if (/json/.test(contentType)) {
      try {
        value = JSON.parse(text);
      } catch {
        return [`the body is not JSON: ${text.slice(0, 80)}`];
      }
    }
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? `: "${String(e.params.additionalProperty)}"` : ''}`,
    );
  }
}

/**
 * Object schemas that list their properties and say nothing of others take no others. And OpenAPI 3.0's
 * `nullable: true` means "or null", whatever else the schema says (an `allOf` of a reference included), which
 * plain JSON Schema spells as an `anyOf` with null.
 */
function closeObjects<T>(node: T): T {
  if (Array.isArray(node)) {
    node.forEach(closeObjects);
  } else if (node && typeof node === 'object') {
    const schema = node as Record<string, unknown>;
    if (schema.properties && typeof schema.properties === 'object' && !('additionalProperties' in schema)) {
      schema.additionalProperties = false;
    }
    Object.values(schema).forEach(closeObjects);
    if (schema.nullable === true) {
      const { nullable: _nullable, description, ...rest } = schema;
      for (const key of Object.keys(schema)) delete schema[key];
      Object.assign(schema, { description, anyOf: [{ type: 'null' }, rest] });
    }
  }
  return node;
}
