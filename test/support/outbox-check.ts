import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Client } from 'pg';
import { EVENTS, EventDefinition, EventType, eventPayloadSchema, isEventType } from '../../src/events/catalogue';

export interface OutboxRow {
  id: string;
  type: string;
  aggregate_type: string;
  payload: unknown;
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/**
 * The ajv validator of one event type, from its published payload schema, closed (`additionalProperties: false`) so
 * that a field the catalogue does not publish (a person's details, say) fails too. Ajv keeps OpenAPI's `nullable`:
 * a null passes only where the schema says nullable. Compiled when a row of that type is first checked: a test file
 * writes a few of the catalogue's types, and compiling all of them took a few hundred milliseconds of every file.
 */
function payloadValidator(type: EventType): ValidateFunction {
  let validate = validators.get(type);
  if (!validate) {
    if (!ajv) {
      ajv = new Ajv({ strict: true, allErrors: true });
      addFormats(ajv, ['uuid', 'date-time', 'date']);
    }
    validate = ajv.compile({ ...eventPayloadSchema(type), additionalProperties: false });
    validators.set(type, validate);
  }
  return validate;
}

/** What is wrong with one outbox row against the event catalogue, or nothing. */
export function outboxRowProblems(row: OutboxRow): string[] {
  if (!isEventType(row.type)) return [`event type ${row.type} is not in the catalogue (src/events/catalogue.ts)`];
  const problems: string[] = [];
  const definition: EventDefinition = EVENTS[row.type];
  if (row.aggregate_type !== definition.aggregateType)
    problems.push(`aggregate type ${row.aggregate_type}, the catalogue says ${definition.aggregateType}`);
  const validate = payloadValidator(row.type);
  if (!validate(row.payload))
    for (const e of validate.errors ?? [])
      problems.push(
        `payload${e.instancePath} ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? `: ${JSON.stringify(e.params)}` : ''}`,
      );
  return problems;
}

/** Throws, naming each offending row (id, type, payload) and what is wrong with it, when a row breaks the catalogue. */
export function assertOutboxRows(rows: OutboxRow[]): void {
  const bad = rows.flatMap((row) => {
    const problems = outboxRowProblems(row);
    return problems.length ? [`#${row.id} ${row.type} ${JSON.stringify(row.payload)}\n    ${problems.join('\n    ')}`] : [];
  });
  if (bad.length)
    throw new Error(`${bad.length} outbox event(s) do not match the event catalogue (src/events/catalogue.ts):\n  ${bad.join('\n  ')}`);
}

/** Checks every event in a database's outbox against the catalogue (test-app.ts runs it before dropping each file's database). */
export async function checkOutboxEvents(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<OutboxRow>('SELECT id, type, aggregate_type, payload FROM outbox_events ORDER BY id');
    assertOutboxRows(rows);
  } finally {
    await client.end();
  }
}
