import { EVENTS, EVENT_TYPES, EventDefinition } from './catalogue';
import { codeOrNull, eventPayloadFilter, identifiersOnly } from './payload-filter';
import type { JsonSchema } from './schema';

const ID = '0b5f6c1e-8a51-4d3e-9a57-6f1f0d1e2a3b';
const AT = '2026-11-21T10:00:00.000Z';

/** A value its schema accepts, of the kind the hub writes: a uuid, an instant, a date, an enum's first code, a code. */
function sample(schema: JsonSchema, key: string): unknown {
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return ID;
      if (schema.format === 'date-time') return AT;
      if (schema.format === 'date') return '2026-11-21';
      if (schema.enum) return schema.enum[0];
      return key === 'link' ? `/referrals/${ID}` : 'some-code.2';
    case 'integer':
      return 3;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'array':
      return [sample(schema.items!, key), sample(schema.items!, key)];
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sample(s, k)]));
  }
}

describe('eventPayloadFilter: one filter for the stream and webhooks', () => {
  it.each(EVENT_TYPES)('every payload of %s passes whole (all its fields, and null where nullable)', (type) => {
    const e: EventDefinition = EVENTS[type];
    const full = sample(e.payload, '') as Record<string, unknown>;
    expect(eventPayloadFilter(type, full)).toEqual(full);
    const nulls = Object.fromEntries(Object.entries(e.payload.properties).map(([k, s]) => [k, s.nullable ? null : full[k]]));
    expect(eventPayloadFilter(type, nulls)).toEqual(nulls);
  });

  // Each row puts one value a person could be known by in a catalogued payload, under a key the schema declares as a
  // code (or a date) and under an undeclared key: it never passes, and the rest of the payload does.
  const leaks: Array<[string, string, string, unknown]> = [
    ['a single-token name in a code field', 'referral.received', 'urgency', 'Smith'],
    ['a capitalised name with a hyphen', 'referral.received', 'legalContext', 'Smith-Jones'],
    ['a full name', 'referral.received', 'urgency', 'Alex Smith'],
    ['a date of birth in a code field', 'referral.received', 'urgency', '1970-01-01'],
    ['a date of birth inside a code', 'referral.received', 'urgency', 'dob:1970-01-01'],
    ['an NHS number', 'referral.received', 'urgency', '4857773456'],
    ['an NHS number, spaced', 'referral.received', 'urgency', '485 777 3456'],
    ['an NHS number, hyphenated', 'referral.received', 'legalContext', '485-777-3456'],
    ['free text', 'referral.received', 'urgency', 'lives with her mother at 3 High St'],
    ['a long token', 'referral.received', 'urgency', 'x'.repeat(101)],
    ['an object for a code', 'referral.received', 'urgency', { name: 'Alex' }],
    ['not a uuid in a uuid field', 'referral.received', 'referralId', 'Alex Smith'],
    ['not an instant in an instant field', 'nearest-relative.displacement-filed', 'filedAt', '1970-01-01'],
    ['not one of the enum codes', 'referral.arrival-recorded', 'legalContext', 'Alex Smith'],
    ['a date of birth under an undeclared key', 'referral.received', 'dateOfBirth', '1970-01-01'],
    ['a name under an undeclared key', 'referral.received', 'name', 'smith'],
    ['an NHS number under an undeclared key', 'referral.received', 'nhsNumber', '4857773456'],
    ['a number under an undeclared key', 'referral.received', 'nhs', 4857773456],
    ['a name after a prefix', 'referral.received', 'urgency', 'name:Smith'],
    ['a name in a list of codes', 'assessment.update', 'fields', ['status', 'Alex Smith']],
  ];

  it.each(leaks)('%s never passes', (_name, type, key, value) => {
    const e: EventDefinition = EVENTS[type as keyof typeof EVENTS];
    expect(e).toBeDefined();
    const full = sample(e.payload, '') as Record<string, unknown>;
    const out = eventPayloadFilter(type, { ...full, [key]: value });
    expect(out).not.toHaveProperty(key);
    expect(JSON.stringify(out)).not.toContain(JSON.stringify(value).slice(1, -1));
    const rest = { ...full };
    delete rest[key];
    expect(out).toEqual(rest);
  });

  it('camelCase field names and upper-case rule ids are codes', () => {
    const p = { ...(sample(EVENTS['assessment.update'].payload, '') as Record<string, unknown>), fields: ['placeOfSafety', 'DUTY-03'] };
    expect(eventPayloadFilter('assessment.update', p)).toEqual(p);
  });

  it('a date passes under a date key of the catalogue, never under a date-of-birth key', () => {
    expect(eventPayloadFilter('handover.compiled', { date: '2026-11-21' })).toEqual({ date: '2026-11-21' });
    expect(eventPayloadFilter('handover.compiled', { dateOfBirth: '1970-01-01' })).toEqual({});
  });

  it('an uncatalogued event keeps ids, codes and times only', () => {
    expect(
      eventPayloadFilter('not.catalogued', {
        id: ID,
        personId: ID,
        userIds: [ID],
        status: 'open',
        createdAt: AT,
        subjectId: '2026-11-21',
        name: 'Alex Smith',
        note: 'seen at home',
        type: 'Smith',
        code: '4857773456',
        birthAt: 'yesterday',
      }),
    ).toEqual({ id: ID, personId: ID, userIds: [ID], status: 'open', createdAt: AT, subjectId: '2026-11-21' });
  });
});

describe('identifiersOnly: what an account manager sees of a record', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['keeps ids and codes', { referralId: ID, kind: 'break-glass' }, { referralId: ID, kind: 'break-glass' }],
    ['drops a reason', { reason: 'Saw Alex Smith at A&E, DOB 1970-01-01', policy: 'person.read' }, {}],
    ['drops a note and nested text', { note: 'x', filters: { q: 'Smith' } }, {}],
    ['drops a name in an id field', { personId: 'Alex Smith' }, {}],
  ])('%s', (_name, record, seen) => {
    expect(identifiersOnly(record)).toEqual(seen);
  });
});

describe('codeOrNull: a free-text field as an account manager sees it', () => {
  it.each<[string, string | null, string | null]>([
    ['a code passes', 'rest-too-short', 'rest-too-short'],
    ['an id passes', ID, ID],
    ['a sentence quoting a shift label is withheld', 'The "Cover for Alex Smith" shift on 2027-02-10 is no longer called for', null],
    ['a lower-case label naming nobody is still a sentence', 'cover for the night team', null],
    ['an NHS number is withheld', '4857773456', null],
    ['a date is withheld', '1970-01-01', null],
    ['nothing stays nothing', null, null],
  ])('%s', (_name, value, seen) => {
    expect(codeOrNull('summary', value)).toBe(seen);
  });
});
