import { insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The phone's outbox sends every change with its own Idempotency-Key, whatever its method, and sends it again when
 * the answer was lost: the service answers the repeat with its first answer. Now is Sat 21 Nov 2026 12:00 GMT.
 */
describe('Idempotency-Key on every write', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => t.close());

  const { as, opened } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));

  it('a PATCH sent again after its answer was lost gets its first answer, not 412 against her own change, and is made once', async () => {
    const { worker, assessment: a } = await opened();
    const body = { interview: { alternativesConsidered: ['Home treatment team visit twice daily'] } };
    const headers = { 'if-match': `"v${a.version}"`, 'idempotency-key': 'outbox-item-42' };
    const first = await as(worker).patch(`/assessments/${a.id}`, body, headers).expect(200);
    expect(first.headers.etag).toBe(`"v${a.version + 1}"`);
    const retry = await as(worker).patch(`/assessments/${a.id}`, body, headers).expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(retry.body).toEqual(first.body);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE resource_id = $1 AND action = 'assessment.update'`, [a.id])).toHaveLength(1);
    // The same key with another body is another request: refused, nothing changed.
    const other = await as(worker)
      .patch(`/assessments/${a.id}`, { interview: { alternativesConsidered: ['Crisis house'] } }, headers)
      .expect(422);
    expect(other.body.code).toBe('idempotency-key-reused');
    // Without the key, the stale If-Match is still 412.
    await as(worker)
      .patch(`/assessments/${a.id}`, body, { 'if-match': `"v${a.version}"` })
      .expect(412);
  });

  it('the contract declares Idempotency-Key on the writes the outbox sends: PATCH, PUT and DELETE as well as POST', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    };
    const declares = (path: string, verb: string) =>
      (doc.paths[path][verb].parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    expect(declares('/assessments/{id}', 'patch')).toBe(true);
    expect(declares('/assessments/{id}/nearest-relative', 'put')).toBe(true);
    expect(declares('/assessments/{id}/events/{eventId}', 'patch')).toBe(true);
    expect(declares('/training-records/{recordId}', 'delete')).toBe(true);
  });

  it('the same request with the id in capitals, or a bare trailing "?", is a replay of the first, not a reused key', async () => {
    const person = (await as(manager).post('/people', { givenName: 'Sam', familyName: 'Vrace', dateOfBirth: '1990-01-01' }).expect(201))
      .body as { id: string };
    const body = { name: 'Sam Other', relationship: 'sibling' };
    const headers = { 'idempotency-key': `relative-${person.id}` };
    const first = await as(manager).post(`/people/${person.id}/relatives`, body, headers).expect(201);
    for (const path of [`/people/${person.id.toUpperCase()}/relatives`, `/people/${person.id}/relatives?`]) {
      const again = await as(manager).post(path, body, headers).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
    }
    expect(await t.sql('SELECT 1 FROM relatives WHERE person_id = $1', [person.id])).toHaveLength(1);
    // Another person is another request.
    const other = (await as(manager).post('/people', { givenName: 'Alex', familyName: 'Vrace', dateOfBirth: '1991-01-01' }).expect(201))
      .body as { id: string };
    expect((await as(manager).post(`/people/${other.id}/relatives`, body, headers).expect(422)).body.code).toBe('idempotency-key-reused');
  });
});
