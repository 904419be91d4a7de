/**
 * The part of the OpenAPI 3.0.3 specification this service's document uses, as a JSON Schema (draft-07) for ajv:
 * the document, path items, operations, parameters, request bodies, responses and Schema Objects (only the keywords
 * OpenAPI 3.0 allows: no `const`, no type arrays, `nullable` a boolean). Extensions (`x-...`) are allowed everywhere
 * the specification allows them.
 */
const ref = { type: 'object', required: ['$ref'], properties: { $ref: { type: 'string', pattern: '^#/components/' } } };
const ext = { '^x-': {} };

export const OPENAPI_30_SUBSET = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  additionalProperties: false,
  patternProperties: ext,
  properties: {
    openapi: { type: 'string', pattern: '^3\\.0\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string' }, version: { type: 'string' }, description: { type: 'string' } },
    },
    servers: { type: 'array' },
    tags: { type: 'array', items: { type: 'object', required: ['name'] } },
    security: { type: 'array' },
    paths: {
      type: 'object',
      additionalProperties: false,
      patternProperties: { '^/': { $ref: '#/definitions/pathItem' }, ...ext },
    },
    components: {
      type: 'object',
      additionalProperties: false,
      patternProperties: ext,
      properties: {
        schemas: { type: 'object', additionalProperties: { $ref: '#/definitions/schema' } },
        responses: { type: 'object', additionalProperties: { $ref: '#/definitions/response' } },
        parameters: { type: 'object', additionalProperties: { $ref: '#/definitions/parameter' } },
        securitySchemes: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['type'],
            properties: { type: { enum: ['apiKey', 'http', 'oauth2', 'openIdConnect'] } },
          },
        },
      },
    },
  },
  definitions: {
    pathItem: {
      type: 'object',
      additionalProperties: false,
      patternProperties: ext,
      properties: {
        summary: { type: 'string' },
        description: { type: 'string' },
        parameters: { type: 'array', items: { oneOf: [ref, { $ref: '#/definitions/parameter' }] } },
        get: { $ref: '#/definitions/operation' },
        put: { $ref: '#/definitions/operation' },
        post: { $ref: '#/definitions/operation' },
        delete: { $ref: '#/definitions/operation' },
        patch: { $ref: '#/definitions/operation' },
        head: { $ref: '#/definitions/operation' },
        options: { $ref: '#/definitions/operation' },
      },
    },
    operation: {
      type: 'object',
      required: ['responses'],
      additionalProperties: false,
      patternProperties: ext,
      properties: {
        operationId: { type: 'string' },
        summary: { type: 'string' },
        description: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        deprecated: { type: 'boolean' },
        security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
        parameters: { type: 'array', items: { oneOf: [ref, { $ref: '#/definitions/parameter' }] } },
        requestBody: {
          oneOf: [
            ref,
            {
              type: 'object',
              required: ['content'],
              additionalProperties: false,
              properties: {
                description: { type: 'string' },
                required: { type: 'boolean' },
                content: { $ref: '#/definitions/content' },
              },
            },
          ],
        },
        responses: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          patternProperties: { '^[1-5](?:\\d\\d|XX)$': { oneOf: [ref, { $ref: '#/definitions/response' }] }, '^default$': {}, ...ext },
        },
      },
    },
    parameter: {
      type: 'object',
      required: ['name', 'in'],
      additionalProperties: false,
      patternProperties: ext,
      properties: {
        name: { type: 'string', minLength: 1 },
        in: { enum: ['query', 'header', 'path', 'cookie'] },
        description: { type: 'string' },
        required: { type: 'boolean' },
        deprecated: { type: 'boolean' },
        style: { type: 'string' },
        explode: { type: 'boolean' },
        example: {},
        schema: { $ref: '#/definitions/schema' },
      },
      if: { properties: { in: { const: 'path' } } },
      then: { required: ['required'], properties: { required: { const: true } } },
    },
    response: {
      type: 'object',
      required: ['description'],
      additionalProperties: false,
      patternProperties: ext,
      properties: {
        description: { type: 'string' },
        headers: { type: 'object' },
        content: { $ref: '#/definitions/content' },
      },
    },
    content: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { schema: { $ref: '#/definitions/schema' }, example: {}, examples: { type: 'object' } },
      },
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      patternProperties: ext,
      properties: {
        $ref: { type: 'string', pattern: '^#/components/schemas/' },
        type: { enum: ['string', 'number', 'integer', 'boolean', 'array', 'object'] },
        format: { type: 'string' },
        title: { type: 'string' },
        description: { type: 'string' },
        nullable: { type: 'boolean' },
        readOnly: { type: 'boolean' },
        writeOnly: { type: 'boolean' },
        deprecated: { type: 'boolean' },
        default: {},
        example: {},
        enum: { type: 'array', minItems: 1 },
        multipleOf: { type: 'number', exclusiveMinimum: 0 },
        maximum: { type: 'number' },
        exclusiveMaximum: { type: 'boolean' },
        minimum: { type: 'number' },
        exclusiveMinimum: { type: 'boolean' },
        maxLength: { type: 'integer', minimum: 0 },
        minLength: { type: 'integer', minimum: 0 },
        pattern: { type: 'string', format: 'regex' },
        maxItems: { type: 'integer', minimum: 0 },
        minItems: { type: 'integer', minimum: 0 },
        uniqueItems: { type: 'boolean' },
        maxProperties: { type: 'integer', minimum: 0 },
        minProperties: { type: 'integer', minimum: 0 },
        required: { type: 'array', items: { type: 'string' }, minItems: 1 },
        items: { $ref: '#/definitions/schema' },
        properties: { type: 'object', additionalProperties: { $ref: '#/definitions/schema' } },
        additionalProperties: { oneOf: [{ type: 'boolean' }, { $ref: '#/definitions/schema' }] },
        allOf: { type: 'array', minItems: 1, items: { $ref: '#/definitions/schema' } },
        oneOf: { type: 'array', minItems: 1, items: { $ref: '#/definitions/schema' } },
        anyOf: { type: 'array', minItems: 1, items: { $ref: '#/definitions/schema' } },
        not: { $ref: '#/definitions/schema' },
        discriminator: {
          type: 'object',
          required: ['propertyName'],
          properties: { propertyName: { type: 'string' }, mapping: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
      // A $ref stands alone: OpenAPI 3.0 ignores its siblings (so `nullable` next to it would be silently lost).
      if: { required: ['$ref'] },
      then: { maxProperties: 1 },
    },
  },
} as const;
