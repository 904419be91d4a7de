import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document walked by key
export type Schema = Record<string, any>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: Parameter[];
  body?: Schema;
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
  secured: boolean;
}

export function loadOpenApi(): Schema {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8'));
}

/** `#/components/x/Name` → the object it names. */
export function deref(doc: Schema, node: Schema | undefined): Schema | undefined {
  let out = node;
  while (out && typeof out.$ref === 'string') {
    const parts = out.$ref.replace(/^#\//, '').split('/');
    out = parts.reduce<Schema | undefined>((o, k) => o?.[k], doc);
  }
  return out;
}

export function operations(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      const responses: Operation['responses'] = {};
      for (const [status, r] of Object.entries<Schema>(op.responses ?? {}))
        responses[status] = deref(doc, r) as Operation['responses'][string];
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        parameters: (op.parameters ?? []).map((p: Schema) => deref(doc, p)),
        body: op.requestBody ? deref(doc, op.requestBody)?.content?.['application/json']?.schema : undefined,
        responses,
        secured: !!op.security?.length,
      });
    }
  }
  return out;
}

/**
 * OpenAPI 3.0 schema → JSON Schema, with strict null handling: null is valid only where `nullable: true` says so
 * (and, for an enum, only when the enum lists null).
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key === 'example' || key === 'examples' || key === 'discriminator' || key === 'xml' || key === 'externalDocs') continue;
    if (key === '$ref') out.$ref = String(value).replace('#/components/schemas/', 'oas#/definitions/');
    else if (key === 'properties')
      out.properties = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v)]));
    else out[key] = typeof value === 'object' ? toJsonSchema(value) : value;
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out.nullable;
  return out;
}

/** An ajv that knows the document's component schemas; `validator(schema)` compiles a response schema. */
export function contractValidator(doc: Schema): (schema: Schema) => ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, multipleOfPrecision: 9 });
  addFormats(ajv);
  ajv.addKeyword('x-enumNames');
  ajv.addSchema({ $id: 'oas', definitions: toJsonSchema(doc.components.schemas) });
  const cache = new Map<Schema, ValidateFunction>();
  return (schema) => {
    let fn = cache.get(schema);
    if (!fn) {
      fn = ajv.compile(toJsonSchema(schema) as Schema);
      cache.set(schema, fn);
    }
    return fn;
  };
}
