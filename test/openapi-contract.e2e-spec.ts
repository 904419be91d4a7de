import 'reflect-metadata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module';
import { handlersByOperationId, schemaFragment, states, validatedClasses, validatorsByProperty } from '../src/common/openapi-contract';
import { loadConfig } from '../src/config/app-config';
import { contractValidator, deref, loadOpenApi, operations, Schema } from './support/fuzz/contract';
import { OPENAPI_30_SUBSET } from './support/fuzz/openapi-meta-schema';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The committed openapi.json states the rules the service enforces: every validator's constraint, one problem+json
 * schema for every error, unique schema names, nullability a strict validator honours.
 */
describe('openapi.json states the rules the validators enforce', () => {
  let app: NestFastifyApplication;
  const doc = loadOpenApi();
  const schemas = doc.components.schemas as Record<string, Schema>;

  beforeAll(async () => {
    // The module graph only (no database), as `npm run openapi` builds it.
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config: loadConfig({ NODE_ENV: 'test' }), databaseUrl: 'postgres://unused/unused', schedule: false }),
      new FastifyAdapter(),
      { preview: true, logger: false },
    );
  });
  afterAll(() => app?.close());

  it('every constraint of a body DTO appears in its schema (min/max, lengths, pattern, items, integer, enum, format)', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const [name, targets] of validatedClasses()) {
      const schema = schemas[name];
      if (!schema) continue;
      for (const [property, metas] of validatorsByProperty(targets[0])) {
        const prop = (schema.properties ?? {})[property] as Schema | undefined;
        if (!prop) {
          missing.push(`${name}.${property}: validated but not in the schema`);
          continue;
        }
        for (const meta of metas) {
          const fragment = schemaFragment(meta);
          if (!fragment) continue;
          const at = meta.each ? (deref(doc, prop.items) ?? {}) : prop;
          checked += 1;
          if (!states(at, fragment)) missing.push(`${name}.${property}: ${meta.name} (${JSON.stringify(fragment)})`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('every constraint of a query DTO appears on its query parameter', () => {
    const byId = new Map(operations(doc).map((o) => [o.operationId, o]));
    const missing: string[] = [];
    let checked = 0;
    for (const [operationId, handler] of handlersByOperationId(app)) {
      const op = byId.get(operationId);
      if (!op || !handler.query) continue;
      for (const [property, metas] of validatorsByProperty(handler.query)) {
        const param = op.parameters.find((p) => p.in === 'query' && p.name === property);
        if (!param) {
          missing.push(`${operationId} ?${property}: validated but not declared`);
          continue;
        }
        for (const meta of metas) {
          const fragment = schemaFragment(meta);
          if (!fragment) continue;
          checked += 1;
          if (!states(meta.each ? (param.schema.items ?? {}) : param.schema, fragment)) {
            missing.push(`${operationId} ?${property}: ${meta.name} (${JSON.stringify(fragment)})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('no two DTO classes in src share a name (one would document the other’s body)', () => {
    const names = new Map<string, string[]>();
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
      });
    const root = join(__dirname, '..');
    for (const file of walk(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      if (!/@nestjs\/swagger|class-validator/.test(text)) continue;
      for (const m of text.matchAll(/^(?:export )?(?:abstract )?class (\w+)/gm)) {
        names.set(m[1], [...(names.get(m[1]) ?? []), relative(root, file)]);
      }
    }
    const duplicates = [...names].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(', ')}`);
    expect(duplicates).toEqual([]);
    expect(names.size).toBeGreaterThan(100);
  });

  it('every error response of every operation is ProblemDetails as application/problem+json', () => {
    const wrong: string[] = [];
    for (const op of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const ref = response.content?.['application/problem+json']?.schema?.$ref;
        if (ref !== '#/components/schemas/ProblemDetails' || Object.keys(response.content ?? {}).length !== 1) {
          wrong.push(`${op.method} ${op.path} ${status}`);
        }
      }
      const declared = Object.keys(op.responses);
      if (!declared.includes('400')) wrong.push(`${op.method} ${op.path}: no 400`);
      if (op.secured && !(declared.includes('401') && declared.includes('403'))) wrong.push(`${op.method} ${op.path}: no 401/403`);
      if (op.path.includes('{') && !declared.includes('404')) wrong.push(`${op.method} ${op.path}: no 404`);
      if (op.body && !(declared.includes('413') && declared.includes('415'))) wrong.push(`${op.method} ${op.path}: no 413/415`);
    }
    expect(wrong).toEqual([]);
    expect(Object.keys(schemas.ProblemDetails.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId', 'errors']),
    );
  });

  it('every write (POST, PUT, PATCH, DELETE) that honours Idempotency-Key declares the header, and no other does', () => {
    const handlers = handlersByOperationId(app);
    const wrong: string[] = [];
    for (const op of operations(doc)) {
      const h = handlers.get(op.operationId);
      const honours = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(op.method) && op.secured && !!h && !h.idempotencyRefused;
      const declares = op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      if (honours !== declares) wrong.push(`${op.method} ${op.path}: ${honours ? 'honours but does not declare' : 'declares but refuses'}`);
    }
    expect(wrong).toEqual([]);
  });

  it('no write whose answer holds a secret (a field named secret or token, or described as secret) keeps it for a retry: each refuses Idempotency-Key', () => {
    const secretFields = (schema: Schema | undefined, seen = new Set<Schema>()): string[] => {
      const s = schema?.$ref ? deref(doc, schema) : schema;
      if (!s || typeof s !== 'object' || seen.has(s)) return [];
      seen.add(s);
      const out: string[] = [];
      for (const [name, prop] of Object.entries<Schema>(s.properties ?? {})) {
        const p = prop.$ref ? deref(doc, prop) : prop;
        if (/secret|token$/i.test(name) || /\bsecret\b/i.test(String(prop.description ?? p?.description ?? ''))) out.push(name);
        out.push(...secretFields(p, seen));
      }
      for (const part of [s.items, ...(s.allOf ?? []), ...(s.oneOf ?? [])]) out.push(...secretFields(part, seen));
      return out;
    };
    const wrong: string[] = [];
    for (const op of operations(doc)) {
      if (!op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')) continue;
      for (const [status, r] of Object.entries(op.responses)) {
        if (!status.startsWith('2')) continue;
        const found = secretFields(r.content?.['application/json']?.schema);
        if (found.length) wrong.push(`${op.method} ${op.path} ${status}: ${found.join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('null is allowed only where declared: nullable $refs go through allOf, nullable enums list null', () => {
    const wrong: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${at}/${i}`));
      const s = node as Schema;
      if (s.nullable === true && s.$ref) wrong.push(`${at}: nullable next to $ref is ignored`);
      if (s.nullable === true && Array.isArray(s.enum) && !s.enum.includes(null)) wrong.push(`${at}: nullable enum without null`);
      for (const [k, v] of Object.entries(s)) visit(v, `${at}/${k}`);
    };
    visit(doc, '#');
    expect(wrong).toEqual([]);
    const validate = contractValidator(doc)({ $ref: '#/components/schemas/ReferralStatusDto' });
    expect(
      validate({
        id: '0a7b6f0e-8d6c-4e1b-9b7a-1f2e3d4c5b6a',
        reference: 'R-1',
        status: null,
        urgency: 'urgent',
        receivedAt: '2026-11-21T10:00:00Z',
        allocatedAt: null,
        closedAt: null,
      }),
    ).toBe(false);
  });

  it('a response with two shapes tells them apart: exactly one branch matches each body', () => {
    const v = contractValidator(doc);
    const decision = doc.paths['/decisions/{id}'].get.responses['200'].content['application/json'].schema;
    const metadata = {
      id: '0a7b6f0e-8d6c-4e1b-9b7a-1f2e3d4c5b6a',
      type: Object.values(schemas.DecisionMetadataDto.properties.type.enum)[0],
      status: 'signed',
      occurredAt: '2026-11-21T10:00:00.000Z',
      signedAt: null,
      authorUserId: '0a7b6f0e-8d6c-4e1b-9b7a-1f2e3d4c5b6a',
      authorName: null,
      personId: null,
      amendmentCount: 0,
      version: 1,
      view: 'metadata',
    };
    expect(v(decision)(metadata)).toBe(true);
    const referral = doc.paths['/referrals/{id}'].get.responses['200'].content['application/json'].schema;
    const status = {
      id: '0a7b6f0e-8d6c-4e1b-9b7a-1f2e3d4c5b6a',
      reference: 'R-1',
      status: 'received',
      urgency: 'urgent',
      receivedAt: '2026-11-21T10:00:00Z',
      allocatedAt: null,
      closedAt: null,
      clocks: [],
      progress: [{ step: 'received', at: '2026-11-21T10:00:00Z', atLocal: 'Sat 21 Nov 2026 10:00 GMT' }],
      policePower: 's136',
    };
    expect(v(referral)(status)).toBe(true);
    expect(v(referral)({ ...status, person: {} })).toBe(false);
  });

  it('openapi.json is a valid OpenAPI 3.0 document (structure, resolvable $refs, schemas ajv compiles strictly)', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(OPENAPI_30_SUBSET);
    const ok = validate(doc);
    expect(ok ? [] : validate.errors).toEqual([]);
    const unresolved: string[] = [];
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach(visit);
      const s = node as Schema;
      if (typeof s.$ref === 'string' && !deref(doc, s)) unresolved.push(s.$ref);
      Object.values(s).forEach(visit);
    };
    visit(doc);
    expect(unresolved).toEqual([]);
    // Every component schema compiles in ajv's strict mode (unknown keywords and malformed schemas fail).
    const compile = contractValidator(doc);
    for (const name of Object.keys(schemas)) expect(() => compile({ $ref: `#/components/schemas/${name}` })).not.toThrow();
    const ids = operations(doc).map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations(doc)) {
      for (const name of op.path.match(/\{(\w+)\}/g) ?? []) {
        expect(op.parameters.some((p) => p.in === 'path' && `{${p.name}}` === name && p.required)).toBe(true);
      }
    }
  });
});
