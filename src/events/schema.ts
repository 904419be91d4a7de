/**
 * A very small JSON schema builder (the OpenAPI 3.0 dialect: `nullable`, formats) whose every schema also carries, at
 * the type level only, the TypeScript type of the values it accepts. One definition gives both the published schema
 * of an event payload and the type `EventsService.emit` demands for it:
 *
 *   const s = obj({ referralId: uuid(), hours: int('Length in hours.'), note: nullable(str()) }, { assessmentId: uuid() });
 *   type P = Infer<typeof s>; // { referralId: string; hours: number; note: string | null; assessmentId?: string }
 *
 * `s` itself is the plain JSON schema object (properties and `required` sorted by name), ready for OpenAPI and ajv.
 */

/** Type-level only: never present at run time, so it appears in no schema and no JSON. */
declare const INFERRED: unique symbol;

export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface JsonSchema {
  type: JsonSchemaType;
  format?: 'uuid' | 'date-time' | 'date';
  description?: string;
  enum?: readonly string[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  nullable?: true;
}

/** A JSON schema whose accepted values have the TypeScript type `T`. */
export type Schema<T> = JsonSchema & { readonly [INFERRED]: T };

export interface ObjectSchema<T> extends JsonSchema {
  readonly [INFERRED]: T;
  type: 'object';
  properties: Record<string, JsonSchema>;
  required: string[];
}

/** The TypeScript type of the values a schema accepts. */
export type Infer<S> = S extends { readonly [INFERRED]: infer T } ? T : never;

type Fields = Record<string, Schema<unknown>>;
type Flatten<T> = { [K in keyof T]: T[K] } & {};

const schema = <T>(s: JsonSchema): Schema<T> => s as Schema<T>;
const described = (description: string | undefined): { description?: string } => (description ? { description } : {});

export const str = (description?: string): Schema<string> => schema({ type: 'string', ...described(description) });
export const uuid = (description?: string): Schema<string> => schema({ type: 'string', format: 'uuid', ...described(description) });
/** An instant, as an ISO 8601 UTC string (`Date.prototype.toISOString`). */
export const instant = (description?: string): Schema<string> => schema({ type: 'string', format: 'date-time', ...described(description) });
/** A calendar date, `YYYY-MM-DD`. */
export const date = (description?: string): Schema<string> => schema({ type: 'string', format: 'date', ...described(description) });
export const int = (description?: string): Schema<number> => schema({ type: 'integer', ...described(description) });
/** A number, whole or not. */
export const num = (description?: string): Schema<number> => schema({ type: 'number', ...described(description) });
export const bool = (description?: string): Schema<boolean> => schema({ type: 'boolean', ...described(description) });

/** One of a closed list of string codes. */
export const enumOf = <const V extends readonly [string, ...string[]]>(values: V, description?: string): Schema<V[number]> =>
  schema({ type: 'string', enum: [...values], ...described(description) });

export const arrayOf = <T>(items: Schema<T>, description?: string): Schema<T[]> =>
  schema({ type: 'array', ...described(description), items });

/** The value may also be `null` (and only a schema built with `nullable` accepts null). */
export const nullable = <T>(s: Schema<T>): Schema<T | null> => schema({ ...s, nullable: true });

/**
 * An object with the `required` fields always present and the `optional` ones present only sometimes (never as
 * `null` unless their schema is nullable). No field appears in both.
 */
export function obj<R extends Fields, O extends Fields = Record<never, never>>(
  required: R,
  optional?: O,
): ObjectSchema<Flatten<{ [K in keyof R]: Infer<R[K]> } & { [K in keyof O]?: Infer<O[K]> }>> {
  const all: Record<string, JsonSchema> = { ...optional, ...required };
  for (const k of Object.keys(optional ?? {})) if (k in required) throw new Error(`obj(): ${k} is both required and optional`);
  const properties: Record<string, JsonSchema> = {};
  for (const k of Object.keys(all).sort()) properties[k] = all[k];
  return { type: 'object', properties, required: Object.keys(required).sort() } as unknown as ObjectSchema<
    Flatten<{ [K in keyof R]: Infer<R[K]> } & { [K in keyof O]?: Infer<O[K]> }>
  >;
}
