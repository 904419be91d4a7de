import { ArgumentMetadata, Injectable, ParseUUIDPipe, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, type ValidatorOptions } from 'class-validator';
import { DECORATORS } from '@nestjs/swagger';
import { FieldError, ProblemError, ValidationProblem } from './problem';
import { unacceptableFields } from './json-body';
import { isIsoDate } from '../statute/time';
import { isBlank } from './validators';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      const messages = Object.entries(e.constraints).map(([rule, message]) =>
        rule === 'whitelistValidation' ? `${field} is not a field this endpoint accepts` : message,
      );
      out.push({ field, messages });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

export class BodyRequiredProblem extends ProblemError {
  constructor() {
    super(400, 'body-required', 'The request needs a body', 'Send a JSON object as the request body.');
  }
}

/** What the OpenAPI description says of one property of a DTO (`@ApiProperty` options). */
function apiProperty(target: object, property: string): { nullable?: boolean; isArray?: boolean; type?: unknown } | undefined {
  return Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, target, property) as
    { nullable?: boolean; isArray?: boolean; type?: unknown } | undefined;
}

/** May the client send `null` for this property? Only where the contract (`@ApiProperty({ nullable: true })`) says so. */
export function isDeclaredNullable(dto: object, property: string): boolean {
  return apiProperty(Object.getPrototypeOf(dto) as object, property)?.nullable === true;
}

/** Is this property declared as a list, so that it may be repeated in a query string? */
function isDeclaredArray(metatype: { prototype: object }, property: string): boolean {
  const p = apiProperty(metatype.prototype, property);
  return p?.isArray === true || Array.isArray(p?.type) || p?.type === Array;
}

const isDto = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype;

/**
 * The null policy: `null` is refused wherever the property is not declared nullable in the contract, however the
 * property is validated (class-validator's `@IsOptional()` lets null through, as if the field were absent). And
 * the blank policy: a text field, or an item of a list of texts, that shows nothing (empty, only spaces and
 * invisible characters, as sent or once trimmed: visible-text.ts) says nothing, so it is refused rather than stored as an empty value: leave it out, or send null where that clears
 * it. Walks the DTO and its nested DTOs (arrays included) and returns class-validator-shaped errors.
 */
export function nullErrors(dto: object): ValidationError[] {
  const out: ValidationError[] = [];
  for (const [property, value] of Object.entries(dto)) {
    if (value === null) {
      if (!isDeclaredNullable(dto, property))
        out.push({ property, constraints: { notNull: `${property} must not be null` }, children: [] });
    } else if (isBlank(value)) {
      out.push({ property, constraints: { notBlank: `${property} must not be blank` }, children: [] });
    } else if (isDto(value)) {
      const children = nullErrors(value);
      if (children.length) out.push({ property, children });
    } else if (Array.isArray(value)) {
      const children: ValidationError[] = [];
      value.forEach((item, i) => {
        // An item of a list of texts is a text like any other: one that shows nothing is refused, naming its index.
        if (isBlank(item))
          children.push({ property: String(i), constraints: { notBlank: `${property}.${i} must not be blank` }, children: [] });
        if (!isDto(item)) return;
        const nested = nullErrors(item);
        if (nested.length) children.push({ property: String(i), children: nested });
      });
      if (children.length) out.push({ property, children });
    }
  }
  return out;
}

/** Merges `extra` into `errors` by property: a null error replaces what class-validator said of the same field. */
function mergeErrors(errors: ValidationError[], extra: ValidationError[]): ValidationError[] {
  for (const e of extra) {
    const existing = errors.find((x) => x.property === e.property);
    if (!existing) errors.push(e);
    else if (e.constraints) {
      existing.constraints = e.constraints;
      existing.children = [];
    } else existing.children = mergeErrors(existing.children ?? [], e.children ?? []);
  }
  return errors;
}

/**
 * The global pipe, on top of Nest's ValidationPipe (whitelisting, unknown fields refused, DTO classes, problem+json):
 * - a body is a JSON object: `null` (or nothing, see bootstrap's PATCH/PUT hook) is refused `body-required`, a list or
 *   a bare value 400 naming `body`;
 * - a query parameter given more than once where one value is expected is refused, naming it;
 * - `null` only where the contract declares the field nullable (nullErrors);
 * - every field validated as a uuid is in lower case when it reaches the handler (canonicalIds).
 * Strings with lone surrogates and over-deep bodies never get here: the JSON body parser (json-body.ts) refuses them.
 */
export class AppValidationPipe extends ValidationPipe {
  /**
   * Query strings already validated, by DTO class: a thin client polls the same few (`?assigned=me`) all night, and
   * class-validator's metadata walk was a measurable part of a hot read's CPU (bench/on-duty.bench.js). Validation
   * of a query depends on nothing but its text, so an accepted one is not checked again; each request still gets
   * its own DTO instance. Refused ones are not kept.
   */
  private readonly acceptedQueries = new WeakMap<object, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === null) throw new BodyRequiredProblem();
      // A list, a number, a string or a boolean is no request's body: refused naming the body, not its items as fields ("0").
      if (value !== undefined && (typeof value !== 'object' || Array.isArray(value)))
        throw new ValidationProblem([{ field: 'body', messages: ['body must be a JSON object'] }]);
    }
    if (metadata.type === 'query' || metadata.type === 'param') {
      // A query or path value is text like a body's: a NUL would fail in PostgreSQL, a control character is no one's
      // input; and a query parameter named after a member of every object (`constructor`) is unknown, as in a body.
      const bad = typeof value === 'string' ? unacceptableFields(value, metadata.data ?? metadata.type) : unacceptableFields(value, '');
      if (bad.length) throw new ValidationProblem(bad);
    }
    if (metadata.type === 'query') {
      const repeated = repeatedQueryParameters(value, metadata);
      if (repeated.length) throw new ValidationProblem(repeated.map((field) => ({ field, messages: [`${field} must be given once`] })));
      if (!metadata.data && metadata.metatype && typeof value === 'object' && value !== null)
        return canonicalIds(await this.query(value, metadata));
    }
    return canonicalIds(await super.transform(value, metadata));
  }

  private async query(value: object, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as object;
    let accepted = this.acceptedQueries.get(metatype);
    if (!accepted) this.acceptedQueries.set(metatype, (accepted = new Map()));
    const key = JSON.stringify(value);
    const known = accepted.get(key);
    if (known) return copyOf(known);
    const dto: unknown = await super.transform(value, metadata);
    if (typeof dto !== 'object' || dto === null) return dto;
    if (accepted.size >= MAX_ACCEPTED_QUERIES) accepted.clear();
    accepted.set(key, copyOf(dto));
    return dto;
  }

  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    return mergeErrors(errors, nullErrors(object));
  }
}

const MAX_ACCEPTED_QUERIES = 500;

/** The properties of each DTO class validated as uuids: [name, a list of them?]. */
const uuidProperties = new WeakMap<object, Array<[string, boolean]>>();

function uuidPropertiesOf(cls: object): Array<[string, boolean]> {
  let found = uuidProperties.get(cls);
  if (!found) {
    const storage = getMetadataStorage() as unknown as Storage;
    const rules = storage.getTargetValidationMetadatas(cls, '', true, false) as Array<{
      name?: string;
      propertyName: string;
      each?: boolean;
    }>;
    found = rules.filter((r) => r.name === 'isUuid').map((r) => [r.propertyName, !!r.each]);
    uuidProperties.set(cls, found);
  }
  return found;
}

/**
 * Ids as Postgres writes them. A uuid is case-insensitive on input (RFC 9562), and Postgres reads one in capitals as
 * the same id, but the app also compares ids as strings (is the AMHP named the one on the rota, the one with this
 * practitioner record?): an AMHP named in capitals was refused as having no AMHP record. So every field validated
 * as a uuid, in nested DTOs too, is lower-cased after validation; nothing else is touched.
 */
export function canonicalIds<T>(dto: T): T {
  if (typeof dto !== 'object' || dto === null) return dto;
  if (Array.isArray(dto)) {
    for (const item of dto) canonicalIds(item);
    return dto;
  }
  const cls = Object.getPrototypeOf(dto)?.constructor as object | undefined;
  if (!cls || cls === Object) return dto;
  const record = dto as Record<string, unknown>;
  for (const [property, each] of uuidPropertiesOf(cls)) {
    const value = record[property];
    if (typeof value === 'string') record[property] = value.toLowerCase();
    else if (each && Array.isArray(value)) record[property] = value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v));
  }
  for (const value of Object.values(record)) if (typeof value === 'object' && value !== null) canonicalIds(value);
  return dto;
}

/** A DTO instance of the same class with the same values (lists copied, so a handler's change stays its own). */
function copyOf(dto: object): object {
  const out = Object.create(Object.getPrototypeOf(dto) as object | null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(dto)) out[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
  return out;
}

function repeatedQueryParameters(value: unknown, metadata: ArgumentMetadata): string[] {
  const metatype = metadata.metatype as ({ prototype: object } & (new () => unknown)) | undefined;
  // One named parameter (`@Query('lastEventId')`): a list only when the handler asks for one.
  if (metadata.data) return Array.isArray(value) && metatype !== Array ? [metadata.data] : [];
  if (typeof value !== 'object' || value === null || !metatype?.prototype) return [];
  return Object.entries(value)
    .filter(([key, v]) => Array.isArray(v) && !isDeclaredArray(metatype, key))
    .map(([key]) => key);
}

type Lookup = (target: object, schema: string | undefined, always: boolean, strictGroups: boolean, groups?: string[]) => object[];
interface Storage {
  getTargetValidationMetadatas: Lookup;
  groupByPropertyName(metadata: object[]): Record<string, object[]>;
  addValidationMetadata(metadata: object): void;
  addConstraintMetadata(metadata: object): void;
}
const memoised = new WeakSet<object>();

/**
 * class-validator works out which rules apply to a class on every object it validates, by walking every DTO class
 * the app declares (an `instanceof` test each) and grouping the result by property: the same answer every time, as
 * the rules are declared once, when the classes load. Kept per class here, and forgotten whenever a rule is added, this
 * took a referral's validation from ~200 to ~125 us (measured over 3,000 validations of the P4 bench's body).
 */
export function memoiseValidationMetadata(storage: Storage = getMetadataStorage() as unknown as Storage): void {
  if (memoised.has(storage)) return;
  memoised.add(storage);
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let byTarget = new WeakMap<object, Map<string, object[]>>();
  let grouped = new WeakMap<object[], Record<string, object[]>>();
  const forget = () => {
    byTarget = new WeakMap();
    grouped = new WeakMap();
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    let kept = byTarget.get(target);
    if (!kept) byTarget.set(target, (kept = new Map()));
    const key = `${schema ?? ''}\u0000${always}\u0000${strictGroups}\u0000${groups ? groups.join('\u0000') : ''}`;
    let found = kept.get(key);
    if (!found) kept.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let found = grouped.get(metadata);
    if (!found) grouped.set(metadata, (found = group(metadata)));
    return found;
  };
  for (const add of ['addValidationMetadata', 'addConstraintMetadata'] as const) {
    const original = storage[add].bind(storage);
    storage[add] = (metadata: object) => {
      forget();
      original(metadata);
    };
  }
}

/** Whitelisting, rejecting unknown fields (mass assignment), transforming to DTO classes, problem+json errors. */
export function validationPipe(): ValidationPipe {
  memoiseValidationMetadata();
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
  });
}

/**
 * A path parameter that must be a uuid (400 naming it otherwise, as Nest's ParseUUIDPipe), in lower case: the same
 * id however the client wrote it (canonicalIds).
 */
@Injectable()
export class ParseIdPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    const field = metadata.data ?? 'id';
    try {
      // Not optional: anything but a uuid string was refused above.
      return String(await super.transform(value, metadata)).toLowerCase();
    } catch {
      // Refused as every other field is: 400 validation-failed naming the path parameter.
      throw new ValidationProblem([{ field, messages: [`${field} must be a UUID`] }]);
    }
  }
}

/** A path parameter that must be a calendar date YYYY-MM-DD that exists (no 30 February): 400 naming it otherwise. */
@Injectable()
export class ParseDatePipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && isIsoDate(value)) return value;
    const field = metadata.data ?? 'date';
    throw new ValidationProblem([{ field, messages: [`${field} must be a calendar date YYYY-MM-DD`] }]);
  }
}

/**
 * A path parameter parsed by one of Nest's pipes (ParseEnumPipe, ParseIntPipe...), whose refusal names no field
 * ("Validation failed (enum string is expected)"): refused as every other field is, 400 validation-failed naming it.
 */
export class NamedParamPipe implements PipeTransform {
  constructor(
    /** The pipe it names the field for (read by the OpenAPI document: common/openapi-contract). */
    readonly inner: PipeTransform,
    private readonly message: string,
  ) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await this.inner.transform(value, metadata);
    } catch {
      const field = metadata.data ?? metadata.type;
      throw new ValidationProblem([{ field, messages: [`${field} ${this.message}`] }]);
    }
  }
}
