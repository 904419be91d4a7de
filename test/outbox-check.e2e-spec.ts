import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { EVENTS, EVENT_TYPES } from '../src/events/catalogue';
import { checkOutboxEvents, OutboxRow, outboxRowProblems } from './support/outbox-check';

/**
 * The check every e2e file runs on its outbox when it closes (test/support/test-app.ts): each event a webhook
 * subscriber or the stream would receive must match the schema the OpenAPI document publishes for its type.
 */
describe('outbox events match the published event catalogue', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z' });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const id = randomUUID();
  const row = (type: string, aggregateType: string, payload: unknown): OutboxRow => ({
    id: '1',
    type,
    aggregate_type: aggregateType,
    payload,
  });

  // A file compiles the schemas of the types it writes; this holds every type's, as the check would compile it.
  it('every event type in the catalogue has a payload schema the check can hold an event to', () => {
    // Ajv in strict mode throws on a schema it cannot compile (an unknown keyword or format, say).
    for (const type of EVENT_TYPES) expect(() => outboxRowProblems(row(type, EVENTS[type].aggregateType, {}))).not.toThrow();
  });

  it('passes the events the service writes', async () => {
    const s = await t.http
      .post('/rota/shifts')
      .set('authorization', manager.auth)
      .send({ label: 'Night', startsAt: '2026-11-22T21:00:00Z', endsAt: '2026-11-23T09:00:00Z', requiredCount: 1 })
      .expect(201);
    await t.http.delete(`/rota/shifts/${s.body.id}`).set('authorization', manager.auth).expect(204);
    const rows = await t.sql<OutboxRow>('SELECT id, type, aggregate_type, payload FROM outbox_events ORDER BY id');
    expect(rows.map((r) => r.type)).toEqual(['rota.shift.created', 'rota.shift.deleted']);
    expect(rows.map(outboxRowProblems)).toEqual([[], []]);
    await expect(checkOutboxEvents(t.databaseUrl)).resolves.toBeUndefined();
  });

  it.each([
    ['an event type not in the catalogue', row('rota.shift.exploded', 'shift', { shiftId: id }), 'not in the catalogue'],
    ['the wrong aggregate', row('rota.shift.deleted', 'person', { shiftId: id }), 'aggregate type person, the catalogue says shift'],
    ['a required field missing', row('referral.extended', 'referral', { referralId: id }), "must have required property 'hours'"],
    [
      'null where the schema does not say nullable',
      row('decision.updated', 'decision', { decisionId: id, fields: null }),
      'payload/fields must be array',
    ],
    [
      'a field the schema does not publish (a name)',
      row('relative.recorded', 'person', { personId: id, relativeId: id, name: 'A Person' }),
      'must NOT have additional properties: {"additionalProperty":"name"}',
    ],
    ['an id that is not a uuid', row('rota.shift.deleted', 'shift', { shiftId: 'S-1' }), 'payload/shiftId must match format "uuid"'],
    [
      'a count that is not whole',
      row('referral.extended', 'referral', { referralId: id, hours: 1.5, minutes: 90.5 }),
      'payload/minutes must be integer',
    ],
    [
      'a code outside its enum',
      row('assessment.outcome', 'assessment', {
        assessmentId: id,
        referralId: id,
        kind: 'released',
        section: null,
        warningsAcknowledged: 0,
      }),
      'payload/kind must be equal to one of the allowed values',
    ],
  ])('refuses %s', (_what, bad, problem) => {
    expect(outboxRowProblems(bad).join('\n')).toContain(problem);
  });

  it('accepts null where the schema says nullable, and leaves optional fields out', () => {
    expect(
      outboxRowProblems(row('decision.drafted', 'decision', { decisionId: id, type: 'taxi', authorUserId: id, personId: null })),
    ).toEqual([]);
    expect(outboxRowProblems(row('referral.closed', 'referral', { referralId: id, from: 'in-assessment', to: 'closed' }))).toEqual([]);
    expect(
      outboxRowProblems(row('referral.closed', 'referral', { referralId: id, from: 'in-assessment', to: 'closed', assessmentId: null })),
    ).toEqual(['payload/assessmentId must be string']);
  });

  it('fails the file when a bad event is in its outbox, naming the row, its type, its payload and what is wrong', async () => {
    const [bad] = await t.sql<{ id: string }>(
      `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, occurred_at) VALUES ('rota.shift.deleted', 'shift', $1, $2, now()) RETURNING id`,
      [id, { shiftId: id, label: 'Night' }],
    );
    const [unknown] = await t.sql<{ id: string }>(
      `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, payload, occurred_at) VALUES ('rota.shift.exploded', 'shift', $1, $2, now()) RETURNING id`,
      [id, { shiftId: id }],
    );
    try {
      const error = await checkOutboxEvents(t.databaseUrl).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toContain('2 outbox event(s) do not match the event catalogue');
      // jsonb keeps keys shortest first.
      expect(error?.message).toContain(`#${bad.id} rota.shift.deleted {"label":"Night","shiftId":"${id}"}`);
      expect(error?.message).toContain('must NOT have additional properties: {"additionalProperty":"label"}');
      expect(error?.message).toContain(`#${unknown.id} rota.shift.exploded`);
      expect(error?.message).toContain('event type rota.shift.exploded is not in the catalogue');
    } finally {
      // Taken out again, or this file's own closing check would fail.
      await t.sql('DELETE FROM outbox_events WHERE id = ANY($1::bigint[])', [[bad.id, unknown.id]]);
    }
    await expect(checkOutboxEvents(t.databaseUrl)).resolves.toBeUndefined();
  });
});
