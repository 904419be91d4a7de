import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { EntityManager } from 'typeorm';
import { ManualClock } from '../common/clock';
import type { CommitBatch, Db } from '../database/db';
import { TRANSITIONS } from '../referrals/referral.workflow';
import {
  DISPLACEMENT_MOVE_STATUSES,
  EVENTS,
  EVENT_TYPES,
  EventDefinition,
  REFERRAL_MOVE_STATUSES,
  eventCatalogueMarkdown,
  eventCatalogueSchemas,
  eventSchemaName,
  referralMoveType,
} from './catalogue';
import { EventsService } from './events.service';

const SRC = join(__dirname, '..');
const ID = '0b5f6c1e-8a51-4d3e-9a57-6f1f0d1e2a3b';
const OTHER = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

function sourceText(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return p === __dirname ? '' : sourceText(p);
      return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? readFileSync(p, 'utf8') : '';
    })
    .join('\n');
}

/**
 * A manager outside any transaction Db opened (so an event is written at once) and a Db that records the parameters
 * of each statement instead of running it; a statement given any other manager is refused, as an event must commit
 * with its change.
 */
function recordingManager(): { m: EntityManager; db: Db; params: unknown[][] } {
  const params: unknown[][] = [];
  const m = {} as EntityManager;
  const preparedOn = (on: EntityManager, _sql: string, p: unknown[]) =>
    on === m ? Promise.resolve(params.push(p) && []) : Promise.reject(new Error('not written in the caller transaction'));
  return { m, db: { preparedOn, atCommit: () => false } as unknown as Db, params };
}

describe('event catalogue', () => {
  it('has one entry per type, each with an aggregate, a summary and a payload', () => {
    for (const type of EVENT_TYPES) {
      const e: EventDefinition = EVENTS[type];
      expect(type).toMatch(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/);
      expect(e.aggregateType).toMatch(/^[a-z-]+$/);
      expect(e.summary.trim().length).toBeGreaterThan(5);
      expect(Object.keys(e.payload.properties).length).toBeGreaterThan(0);
    }
  });

  // emit() accepts catalogued types only (the type system checks that); this checks the other way round, that the
  // catalogue publishes no event the service never writes. Types built from a value are listed with their values.
  it('publishes only events the service emits', () => {
    const text = sourceText(SRC);
    const built = new Set<string>([
      ...REFERRAL_MOVE_STATUSES.map((s) => `referral.${s}`), // referrals.service: referralMoveType(status), `referral.${to}`
      ...DISPLACEMENT_MOVE_STATUSES.map((s) => `nearest-relative.displacement-${s}`), // relatives.service
      'rota.swap.declined', // swaps.service close(): `rota.swap.${status}`
      'rota.swap.cancelled',
    ]);
    const neverEmitted = EVENT_TYPES.filter((type) => !built.has(type) && !text.includes(`'${type}'`));
    expect(neverEmitted).toEqual([]);
  });

  it('has a referral.<status> event for every status the referral workflow moves to, allocated aside', () => {
    const movedTo = new Set(Object.values(TRANSITIONS).flat());
    expect([...REFERRAL_MOVE_STATUSES].sort()).toEqual([...movedTo].filter((s) => s !== 'allocated').sort());
    for (const s of REFERRAL_MOVE_STATUSES) expect(referralMoveType(s)).toBe(`referral.${s}`);
    expect(() => referralMoveType('received')).toThrow('not a referral move event');
    expect(() => referralMoveType('allocated')).toThrow('not a referral move event');
  });

  it('builds sorted OpenAPI schemas that ajv compiles strictly, with required fields that exist, and a markdown table', () => {
    const schemas = eventCatalogueSchemas();
    expect(Object.keys(schemas)).toEqual([...EVENT_TYPES].sort());
    const ajv = new Ajv({ strict: true });
    addFormats(ajv, ['uuid', 'date-time', 'date']);
    for (const [type, s] of Object.entries(schemas)) {
      expect(s.type).toBe('object');
      expect(s.description).toContain(type);
      expect(Object.keys(s.properties)).toEqual(Object.keys(s.properties).sort());
      for (const r of s.required) expect(s.properties[r]).toBeDefined();
      for (const p of Object.values(s.properties)) if (p.type === 'array') expect(p.items).toBeDefined();
      expect(() => ajv.compile(s)).not.toThrow();
    }
    expect(schemas['referral.closed'].required).toEqual(['from', 'referralId', 'to']);
    expect(schemas['referral.closed'].properties.assessmentId).toEqual({
      type: 'string',
      format: 'uuid',
      description: 'The assessment that moved the referral, when the assessments module made the move.',
    });
    expect(schemas['rota.swap.accepted'].properties.takerPractitionerId).toMatchObject({ format: 'uuid', nullable: true });
    expect(schemas['decision.signed'].properties.actionIds).toMatchObject({ type: 'array', items: { type: 'string', format: 'uuid' } });
    expect(eventSchemaName('nearest-relative.displacement-interim-order')).toBe('Event_nearest_relative_displacement_interim_order');
    const md = eventCatalogueMarkdown().split('\n');
    expect(md[0]).toBe('| Event | Aggregate | Summary |');
    expect(md.length).toBe(EVENT_TYPES.length + 2);
  });
});

describe('EventsService.emit', () => {
  it('writes the type, aggregate, payload, actor and time of a catalogued event', async () => {
    const { m, db, params } = recordingManager();
    const events = new EventsService(new ManualClock(new Date('2026-11-21T10:00:00Z')), db);
    await events.emit(m, { type: 'rota.shift.deleted', aggregateType: 'shift', aggregateId: ID, payload: { shiftId: ID } });
    expect(params).toEqual([['rota.shift.deleted', 'shift', ID, { shiftId: ID }, null, new Date('2026-11-21T10:00:00Z')]]);
  });

  it("in a transaction Db opened, the transaction's events are one call at its commit, each parameter one field of every event in order", async () => {
    const m = {} as EntityManager;
    const waiting: Array<{ on: EntityManager; batch: CommitBatch<unknown>; item: unknown }> = [];
    const db = {
      atCommit: (on: EntityManager, batch: CommitBatch<unknown>, item: unknown) => waiting.push({ on, batch, item }) > 0,
      preparedOn: () => Promise.reject(new Error('written at once, not at the commit')),
    } as unknown as Db;
    const events = new EventsService(new ManualClock(new Date('2026-11-21T10:00:00Z')), db);
    await events.emit(m, { type: 'rota.shift.deleted', aggregateType: 'shift', aggregateId: ID, payload: { shiftId: ID } });
    await events.emit(m, { type: 'rota.shift.deleted', aggregateType: 'shift', aggregateId: OTHER, payload: { shiftId: OTHER } });
    expect(waiting.map((w) => w.on)).toEqual([m, m]);
    expect(waiting[1].batch).toBe(waiting[0].batch);
    const at = new Date('2026-11-21T10:00:00Z');
    // Called third in the commit's statement, after the audit rows' twelve parameters.
    expect(
      waiting[0].batch.call(
        waiting.map((w) => w.item),
        13,
      ),
    ).toEqual({
      sql: 'outbox_append_rows($13, $14, $15, $16, $17, $18)',
      params: [
        ['rota.shift.deleted', 'rota.shift.deleted'],
        ['shift', 'shift'],
        [ID, OTHER],
        [JSON.stringify({ shiftId: ID }), JSON.stringify({ shiftId: OTHER })],
        [null, null],
        [at, at],
      ],
    });
  });

  // The lines marked @ts-expect-error are what the type system now refuses (npm run typecheck fails if it accepts one).
  it('takes only catalogued types, with their aggregate and their payload', async () => {
    const { m, db, params } = recordingManager();
    const events = new EventsService(new ManualClock(), db);
    // @ts-expect-error an event type that is not in the catalogue
    await events.emit(m, { type: 'rota.shift.exploded', aggregateType: 'shift', aggregateId: ID, payload: { shiftId: ID } });
    // @ts-expect-error the wrong aggregate
    await events.emit(m, { type: 'rota.shift.deleted', aggregateType: 'person', aggregateId: ID, payload: { shiftId: ID } });
    // @ts-expect-error a required field missing
    await events.emit(m, { type: 'referral.extended', aggregateType: 'referral', aggregateId: ID, payload: { referralId: ID } });
    await events.emit(m, {
      type: 'relative.recorded',
      aggregateType: 'person',
      aggregateId: ID,
      // @ts-expect-error a field the schema does not publish (a person's name)
      payload: { personId: ID, relativeId: ID, name: 'A Person' },
    });
    await events.emit(m, {
      type: 'decision.escalation-required',
      aggregateType: 'decision',
      aggregateId: ID,
      // @ts-expect-error null where the schema does not say nullable
      payload: { decisionId: ID, type: 'taxi', costPence: null, limitPence: null, escalationOutcome: null },
    });
    const to = 'received' as 'received' | 'screening';
    await events.emit(m, {
      type: `referral.${to}`,
      aggregateType: 'referral',
      aggregateId: ID,
      // @ts-expect-error a type built from a value needs a payload valid for every type it can be (referral.received's too)
      payload: { referralId: ID, from: 'received', to },
    });
    expect(params).toHaveLength(6);
  });
});
