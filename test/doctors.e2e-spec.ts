import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('doctors register: s.12 doctors and approved clinicians (MED-03)', () => {
  let t: TestApp;
  let manager: TestUser;
  let admin: TestUser;
  let amhp: TestUser;
  let referrer: TestUser;
  let auditor: TestUser;
  beforeAll(async () => {
    // The clock stands at 2026-11-21T10:00Z (GMT: the London date is the same).
    t = await createTestApp();
    [manager, admin, amhp, referrer, auditor] = await Promise.all([
      t.user(['manager']),
      t.user(['admin']),
      t.user(['amhp']),
      t.user(['referrer']),
      t.user(['auditor']),
    ]);
  });
  afterAll(() => t.close());

  let gmc = 7_000_000;
  const nextGmc = () => String((gmc += 1));
  const create = (body: Record<string, unknown>, as: TestUser = manager, key?: string) => {
    const req = t.http.post('/doctors').set('authorization', as.auth);
    if (key) req.set('idempotency-key', key);
    return req.send(body);
  };
  const doctor = async (body: Record<string, unknown> = {}) =>
    (await create({ name: 'Dr Default', gmcNumber: nextGmc(), ...body }).expect(201)).body;
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params))[0].n);
  const audits = (action: string, resourceId: string) =>
    t.sql<{ actor_id: string; resource_type: string; details: Record<string, unknown> }>(
      `SELECT actor_id, resource_type, details FROM audit_events WHERE action = $1 AND resource_id = $2 ORDER BY id`,
      [action, resourceId],
    );

  describe('creating', () => {
    it('adds a doctor with approval periods: 201 with ETag, Location, current status, and an audit row without personal text', async () => {
      const gmcNumber = nextGmc();
      const res = await create({
        name: '  Dr Asha Patel ',
        gmcNumber,
        organisation: 'Northshire Mental Health NHS Trust',
        email: 'Asha.Patel@NHS.test',
        contactNumbers: [{ label: 'mobile', number: '+44 7700 900123' }],
        notes: 'Speaks Gujarati.',
        approvals: [
          { kind: 's12', startsOn: '2022-01-01', endsOn: '2026-12-31', approvingBody: 'NHS England (North West)' },
          { kind: 'approved-clinician', startsOn: '2020-01-01', endsOn: '2024-12-31' },
        ],
      }).expect(201);
      expect(res.body).toMatchObject({
        name: 'Dr Asha Patel',
        gmcNumber,
        organisation: 'Northshire Mental Health NHS Trust',
        email: 'asha.patel@nhs.test',
        contactNumbers: [{ label: 'mobile', number: '+447700900123', display: '07700 900123' }],
        notes: 'Speaks Gujarati.',
        active: true,
        version: 1,
        currentStatus: { s12: true, approvedClinician: false },
      });
      expect(res.body.approvals).toEqual([
        {
          id: expect.any(String),
          kind: 'approved-clinician',
          startsOn: '2020-01-01',
          endsOn: '2024-12-31',
          approvingBody: null,
          createdAt: expect.any(String),
        },
        {
          id: expect.any(String),
          kind: 's12',
          startsOn: '2022-01-01',
          endsOn: '2026-12-31',
          approvingBody: 'NHS England (North West)',
          createdAt: expect.any(String),
        },
      ]);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.headers.location).toBe(`/doctors/${res.body.id}`);
      const stored = await t.sql(
        `SELECT kind, starts_on::text AS starts_on, ends_on::text AS ends_on FROM doctor_approvals WHERE doctor_id = $1 ORDER BY kind`,
        [res.body.id],
      );
      expect(stored).toEqual([
        { kind: 'approved-clinician', starts_on: '2020-01-01', ends_on: '2024-12-31' },
        { kind: 's12', starts_on: '2022-01-01', ends_on: '2026-12-31' },
      ]);
      const [audit] = await audits('doctor.create', res.body.id);
      expect(audit).toMatchObject({ actor_id: manager.id, resource_type: 'doctor' });
      expect(audit.details).toEqual({
        approvals: expect.arrayContaining(res.body.approvals.map((a: { id: string; kind: string }) => ({ id: a.id, kind: a.kind }))),
      });
      expect(JSON.stringify(audit.details)).not.toMatch(/Patel|Gujarati|nhs\.test|7700 ?900123/);
    });

    it('refuses a second doctor with the same GMC number with 409 naming the existing one', async () => {
      const first = await doctor({ name: 'Dr First' });
      const res = await create({ name: 'Dr Second', gmcNumber: first.gmcNumber }).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'gmc-number-taken', existingId: first.id });
      expect(await count('doctors', 'gmc_number = $1', [first.gmcNumber])).toBe(1);
    });

    it('of 8 concurrent creations with one GMC number, one wins and the others get the 409 naming it, never a 500', async () => {
      const gmcNumber = nextGmc();
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => create({ name: `Dr Race ${i}`, gmcNumber })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      const winner = results.find((r) => r.status === 201)!.body.id;
      for (const r of results.filter((x) => x.status === 409))
        expect(r.body).toMatchObject({ code: 'gmc-number-taken', existingId: winner });
      expect(await count('doctors', 'gmc_number = $1', [gmcNumber])).toBe(1);
    });

    it('the same POST sent three times with one Idempotency-Key creates one doctor and replays the first response', async () => {
      const body = { name: 'Dr Once', gmcNumber: nextGmc(), approvals: [{ kind: 's12', startsOn: '2025-01-01', endsOn: '2029-12-31' }] };
      const first = await create(body, manager, 'doctor-once-1').expect(201);
      const second = await create(body, manager, 'doctor-once-1').expect(201);
      const third = await create(body, manager, 'doctor-once-1').expect(201);
      expect(second.body).toEqual(first.body);
      expect(third.body).toEqual(first.body);
      expect(third.headers['idempotent-replayed']).toBe('true');
      expect(await count('doctors', 'gmc_number = $1', [body.gmcNumber])).toBe(1);
      expect(await count('doctor_approvals', 'doctor_id = $1', [first.body.id])).toBe(1);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a 6-digit GMC number', { gmcNumber: '123456' }, 'gmcNumber'],
      ['an 8-digit GMC number', { gmcNumber: '12345678' }, 'gmcNumber'],
      ['a GMC number with letters', { gmcNumber: 'GMC1234' }, 'gmcNumber'],
      ['no GMC number', { gmcNumber: undefined }, 'gmcNumber'],
      ['an empty name', { name: '   ' }, 'name'],
      ['a name of 201 characters', { name: 'x'.repeat(201) }, 'name'],
      ['a malformed email', { email: 'not-an-email' }, 'email'],
      ['an email with a zero-width space', { email: 'asha.patel\u200b@nhs.test' }, 'email'],
      ['an email with a Cyrillic а among Latin letters', { email: '\u0430sha.patel@nhs.test' }, 'email'],
      ['a malformed phone number', { contactNumbers: [{ label: 'mobile', number: 'call me maybe' }] }, 'contactNumbers.0.number'],
      ['a number without a label', { contactNumbers: [{ number: '07700 900123' }] }, 'contactNumbers.0.label'],
      ['notes of 4001 characters', { notes: 'x'.repeat(4001) }, 'notes'],
      ['an unknown field', { isS12: true }, 'isS12'],
      ['a version', { version: 7 }, 'version'],
      [
        'an unknown approval kind',
        { approvals: [{ kind: 'section-136', startsOn: '2025-01-01', endsOn: '2025-12-31' }] },
        'approvals.0.kind',
      ],
      [
        'a date that does not exist',
        { approvals: [{ kind: 's12', startsOn: '2025-02-29', endsOn: '2025-12-31' }] },
        'approvals.0.startsOn',
      ],
      [
        'a date-time instead of a date',
        { approvals: [{ kind: 's12', startsOn: '2025-01-01T00:00:00Z', endsOn: '2025-12-31' }] },
        'approvals.0.startsOn',
      ],
      [
        'an unknown field in an approval',
        { approvals: [{ kind: 's12', startsOn: '2025-01-01', endsOn: '2025-12-31', id: randomUUID() }] },
        'approvals.0.id',
      ],
    ])('%s → 400 naming the field, nothing stored', async (_name, override, field) => {
      const gmcNumber = nextGmc();
      const res = await create({ name: 'Dr Invalid', gmcNumber, ...override }).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await count('doctors', `name = 'Dr Invalid' OR gmc_number = $1`, [gmcNumber])).toBe(0);
    });

    it('an approval ending before it starts → 422 naming it, and neither the doctor nor any approval is stored', async () => {
      const gmcNumber = nextGmc();
      const before = await count('doctor_approvals');
      const res = await create({
        name: 'Dr Backwards',
        gmcNumber,
        approvals: [
          { kind: 's12', startsOn: '2025-01-01', endsOn: '2029-12-31' },
          { kind: 'approved-clinician', startsOn: '2025-06-02', endsOn: '2025-06-01' },
        ],
      }).expect(422);
      expect(res.body).toMatchObject({
        code: 'approval-period-invalid',
        errors: [{ field: 'approvals.1.endsOn', messages: ['endsOn must be on or after startsOn'] }],
      });
      expect(await count('doctors', 'gmc_number = $1', [gmcNumber])).toBe(0);
      expect(await count('doctor_approvals')).toBe(before);
    });
  });

  describe('reading and changing', () => {
    it('reads one doctor with its ETag; an unknown id is 404 and a malformed one 400', async () => {
      const d = await doctor({ name: 'Dr Readable' });
      const res = await t.http.get(`/doctors/${d.id}`).set('authorization', amhp.auth).expect(200);
      expect(res.body).toEqual(d);
      expect(res.headers.etag).toBe('"v1"');
      const missing = await t.http.get(`/doctors/${randomUUID()}`).set('authorization', amhp.auth).expect(404);
      expect(missing.body.code).toBe('not-found');
      await t.http.get('/doctors/not-a-uuid').set('authorization', amhp.auth).expect(400);
    });

    it('updates the given fields, clears optional ones with null, moves the version and audits the field names only', async () => {
      const d = await doctor({
        name: 'Dr Before',
        organisation: 'Old Trust',
        contactNumbers: [{ label: 'work', number: '01632 960404' }],
        notes: 'Prefers mornings.',
      });
      const res = await t.http
        .patch(`/doctors/${d.id}`)
        .set('authorization', admin.auth)
        .set('if-match', '"v1"')
        .send({ name: 'Dr After', organisation: 'New Trust', contactNumbers: [], active: false })
        .expect(200);
      expect(res.body).toMatchObject({
        name: 'Dr After',
        organisation: 'New Trust',
        contactNumbers: [],
        notes: 'Prefers mornings.',
        active: false,
        version: 2,
        gmcNumber: d.gmcNumber,
      });
      expect(res.headers.etag).toBe('"v2"');
      const [row] = await t.sql('SELECT name, organisation, contact_numbers, notes, active, version FROM doctors WHERE id = $1', [d.id]);
      expect(row).toEqual({
        name: 'Dr After',
        organisation: 'New Trust',
        contact_numbers: [],
        notes: 'Prefers mornings.',
        active: false,
        version: 2,
      });
      const [audit] = await audits('doctor.update', d.id);
      expect(audit).toMatchObject({ actor_id: admin.id, details: { fields: ['name', 'organisation', 'contactNumbers', 'active'] } });
    });

    it('a stale If-Match is 412 naming the current ETag, and the doctor is unchanged', async () => {
      const d = await doctor({ name: 'Dr Etag' });
      await t.http
        .patch(`/doctors/${d.id}`)
        .set('authorization', manager.auth)
        .set('if-match', '"v1"')
        .send({ notes: 'First edit.' })
        .expect(200);
      const stale = await t.http
        .patch(`/doctors/${d.id}`)
        .set('authorization', manager.auth)
        .set('if-match', '"v1"')
        .send({ notes: 'Second edit.' })
        .expect(412);
      expect(stale.body).toMatchObject({ code: 'precondition-failed', currentETag: '"v2"' });
      const [row] = await t.sql('SELECT notes, version FROM doctors WHERE id = $1', [d.id]);
      expect(row).toEqual({ notes: 'First edit.', version: 2 });
      expect(await audits('doctor.update', d.id)).toHaveLength(1);
    });

    it('of 10 concurrent edits with the same If-Match exactly one wins; without If-Match all apply in turn', async () => {
      const d = await doctor({ name: 'Dr Contended' });
      const withEtag = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.http
            .patch(`/doctors/${d.id}`)
            .set('authorization', manager.auth)
            .set('if-match', '"v1"')
            .send({ notes: `edit ${i}` }),
        ),
      );
      expect(withEtag.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(412)]);
      const without = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.http
            .patch(`/doctors/${d.id}`)
            .set('authorization', manager.auth)
            .send({ notes: `blind ${i}` }),
        ),
      );
      expect(without.map((r) => r.status)).toEqual(Array(10).fill(200));
      const [row] = await t.sql<{ version: number }>('SELECT version FROM doctors WHERE id = $1', [d.id]);
      expect(row.version).toBe(12);
      expect(await audits('doctor.update', d.id)).toHaveLength(11);
    });

    it.each<[string, Record<string, unknown>]>([
      ['the GMC number', { gmcNumber: '7654321' }],
      ['the version', { version: 9 }],
      ['approvals (they have their own routes)', { approvals: [] }],
      ['a null name', { name: null }],
      ['a null active flag', { active: null }],
      ['a malformed email', { email: 'nope' }],
      ['an email with a right-to-left override', { email: '\u202easha.patel@nhs.test' }],
      ['notes of 4001 characters', { notes: 'x'.repeat(4001) }],
    ])('PATCH with %s → 400 and nothing changes', async (_name, body) => {
      const d = await doctor({ name: 'Dr Unchanged' });
      const res = await t.http
        .patch(`/doctors/${d.id}`)
        .set('authorization', manager.auth)
        .send({ organisation: 'Sneaky Trust', ...body })
        .expect(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
      const [row] = await t.sql('SELECT name, gmc_number, organisation, active, version FROM doctors WHERE id = $1', [d.id]);
      expect(row).toEqual({ name: 'Dr Unchanged', gmc_number: d.gmcNumber, organisation: null, active: true, version: 1 });
    });

    it('PATCH of an unknown doctor is 404', async () => {
      await t.http.patch(`/doctors/${randomUUID()}`).set('authorization', manager.auth).send({ notes: 'x' }).expect(404);
    });
  });

  describe('email addresses that look like another', () => {
    const expectLookAlike = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) => {
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'email-look-alike', errors: [expect.objectContaining({ field: 'email' })] });
    };

    it("a new doctor whose email reads as another doctor's but is not it (rn for m, a digit zero for o) is 409 email-look-alike naming email and that doctor; nothing is stored", async () => {
      const held = await doctor({ name: 'Dr Rhys Morgan', email: 'rhys.morgan@nhs.test' });
      for (const email of ['rhys.rnorgan@nhs.test', 'rhys.m0rgan@nhs.test', 'RHYS.RNORGAN@nhs.test']) {
        const gmcNumber = nextGmc();
        const res = await create({ name: 'Dr Someone Else', gmcNumber, email });
        expectLookAlike(res);
        expect(res.body.lookAlikeDoctorIds).toEqual([held.id]);
        expect(await count('doctors', 'gmc_number = $1', [gmcNumber])).toBe(0);
      }
    });

    it("the very same address as another doctor's (a practice's shared mailbox) is kept", async () => {
      await doctor({ name: 'Dr Shared One', email: 'duty.s12@practice.test' });
      const second = await doctor({ name: 'Dr Shared Two', email: 'Duty.S12@practice.test' });
      expect(second.email).toBe('duty.s12@practice.test');
    });

    it("a doctor's email changed to one that reads as another doctor's is 409 naming email, and the doctor is unchanged", async () => {
      const held = await doctor({ name: 'Dr Lila Hart', email: 'lila.hart@nhs.test' });
      const d = await doctor({ name: 'Dr Changing', email: 'changing@nhs.test' });
      const res = await t.http
        .patch(`/doctors/${d.id}`)
        .set('authorization', manager.auth)
        .set('if-match', '"v1"')
        .send({ email: 'li1a.hart@nhs.test', notes: 'New address' });
      expectLookAlike(res);
      expect(res.body.lookAlikeDoctorIds).toEqual([held.id]);
      expect(await t.sql('SELECT email, notes, version FROM doctors WHERE id = $1', [d.id])).toEqual([
        { email: 'changing@nhs.test', notes: null, version: 1 },
      ]);
      // Its own address again, or another that reads as no one's, is a change like any other.
      await t.http
        .patch(`/doctors/${d.id}`)
        .set('authorization', manager.auth)
        .set('if-match', '"v1"')
        .send({ email: 'changing@nhs.test' })
        .expect(200);
    });

    it("an email that reads as a hub account's but is not it is 409 naming email, without naming the account", async () => {
      const account = await t.user(['amhp'], { email: 'sam.okafor@council.test' });
      const gmcNumber = nextGmc();
      const res = await create({ name: 'Dr Sam Okafor', gmcNumber, email: 'sarn.okafor@council.test' });
      expectLookAlike(res);
      expect(res.body).toMatchObject({ lookAlikeDoctorIds: [], lookAlikeAccount: true });
      expect(JSON.stringify(res.body)).not.toContain(account.id);
      expect(JSON.stringify(res.body)).not.toContain(account.email);
      expect(await count('doctors', 'gmc_number = $1', [gmcNumber])).toBe(0);
      // The very same address as an account's (a doctor who also holds one) is kept.
      await create({ name: 'Dr Sam Okafor', gmcNumber, email: 'sam.okafor@council.test' }).expect(201);
    });

    it('of two doctors sent at once with addresses that read alike, one is kept and the other is refused 409, never both', async () => {
      const results = await Promise.all(
        ['twin.doctor@nhs.test', 'twin.d0ctor@nhs.test'].map((email, i) => create({ name: `Dr Twin ${i}`, gmcNumber: nextGmc(), email })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });
  });

  describe('approval periods', () => {
    it('adds a period: 201 with the doctor at the next version, stored and audited', async () => {
      const d = await doctor({ name: 'Dr Renewed' });
      expect(d.currentStatus).toEqual({ s12: false, approvedClinician: false });
      const res = await t.http
        .post(`/doctors/${d.id}/approvals`)
        .set('authorization', manager.auth)
        .set('if-match', '"v1"')
        .send({ kind: 's12', startsOn: '2026-11-01', endsOn: '2031-10-31', approvingBody: 'NHS England' })
        .expect(201);
      expect(res.body).toMatchObject({ id: d.id, version: 2, currentStatus: { s12: true, approvedClinician: false } });
      expect(res.body.approvals).toEqual([
        expect.objectContaining({ kind: 's12', startsOn: '2026-11-01', endsOn: '2031-10-31', approvingBody: 'NHS England' }),
      ]);
      expect(res.headers.etag).toBe('"v2"');
      const [audit] = await audits('doctor-approval.add', d.id);
      expect(audit).toMatchObject({
        actor_id: manager.id,
        resource_type: 'doctor',
        details: { approvalId: res.body.approvals[0].id, kind: 's12' },
      });
    });

    it('refuses a period ending before it starts with 422, and a stale If-Match with 412; nothing is stored', async () => {
      const d = await doctor({ name: 'Dr Refused' });
      const bad = await t.http
        .post(`/doctors/${d.id}/approvals`)
        .set('authorization', manager.auth)
        .send({ kind: 'approved-clinician', startsOn: '2026-01-02', endsOn: '2026-01-01' })
        .expect(422);
      expect(bad.body).toMatchObject({ code: 'approval-period-invalid', errors: [{ field: 'endsOn' }] });
      await t.http
        .post(`/doctors/${d.id}/approvals`)
        .set('authorization', manager.auth)
        .set('if-match', '"v7"')
        .send({ kind: 's12', startsOn: '2026-01-01', endsOn: '2026-12-31' })
        .expect(412);
      await t.http
        .post(`/doctors/${d.id}/approvals`)
        .set('authorization', manager.auth)
        .send({ kind: 's12', startsOn: '2026-01-01', endsOn: '2026-12-31', doctorId: randomUUID() })
        .expect(400);
      await t.http
        .post(`/doctors/${randomUUID()}/approvals`)
        .set('authorization', manager.auth)
        .send({ kind: 's12', startsOn: '2026-01-01', endsOn: '2026-12-31' })
        .expect(404);
      expect(await count('doctor_approvals', 'doctor_id = $1', [d.id])).toBe(0);
      expect((await t.sql('SELECT version FROM doctors WHERE id = $1', [d.id]))[0]).toEqual({ version: 1 });
    });

    it('removes a period entered in error: 204, gone, the version moves and the removal is audited', async () => {
      const d = await doctor({
        name: 'Dr Mistaken',
        approvals: [
          { kind: 's12', startsOn: '2020-01-01', endsOn: '2030-12-31' },
          { kind: 'approved-clinician', startsOn: '2021-01-01', endsOn: '2025-12-31' },
        ],
      });
      const wrong = d.approvals.find((a: { kind: string }) => a.kind === 's12');
      await t.http.delete(`/doctors/${d.id}/approvals/${wrong.id}`).set('authorization', admin.auth).set('if-match', '"v1"').expect(204);
      const after = await t.http.get(`/doctors/${d.id}`).set('authorization', manager.auth).expect(200);
      expect(after.body.approvals.map((a: { kind: string }) => a.kind)).toEqual(['approved-clinician']);
      expect(after.body.currentStatus).toEqual({ s12: false, approvedClinician: false });
      expect(after.headers.etag).toBe('"v2"');
      const [audit] = await audits('doctor-approval.remove', d.id);
      expect(audit).toMatchObject({ actor_id: admin.id, details: { approvalId: wrong.id, kind: 's12' } });
    });

    it("removing an approval that is not this doctor's, or no longer exists, is 404 and removes nothing", async () => {
      const a = await doctor({ name: 'Dr A', approvals: [{ kind: 's12', startsOn: '2020-01-01', endsOn: '2030-12-31' }] });
      const b = await doctor({ name: 'Dr B' });
      await t.http.delete(`/doctors/${b.id}/approvals/${a.approvals[0].id}`).set('authorization', manager.auth).expect(404);
      await t.http.delete(`/doctors/${a.id}/approvals/${randomUUID()}`).set('authorization', manager.auth).expect(404);
      await t.http
        .delete(`/doctors/${a.id}/approvals/${a.approvals[0].id}`)
        .set('authorization', manager.auth)
        .set('if-match', '"v9"')
        .expect(412);
      expect(await count('doctor_approvals', 'doctor_id = $1', [a.id])).toBe(1);
      expect(await t.sql(`SELECT version FROM doctors WHERE id = ANY($1::uuid[]) ORDER BY version`, [[a.id, b.id]])).toEqual([
        { version: 1 },
        { version: 1 },
      ]);
      expect(await audits('doctor-approval.remove', a.id)).toHaveLength(0);
    });
  });

  describe('approval on a date (the check MED-03 makes on the examination date)', () => {
    let d: { id: string; approvals: Array<{ id: string; kind: string; startsOn: string }> };
    beforeAll(async () => {
      d = await doctor({
        name: 'Dr Boundary',
        approvals: [
          { kind: 's12', startsOn: '2021-06-01', endsOn: '2026-05-31', approvingBody: 'NHS England' },
          { kind: 's12', startsOn: '2026-07-01', endsOn: '2031-06-30' },
          { kind: 'approved-clinician', startsOn: '2024-01-01', endsOn: '2026-06-15' },
        ],
      });
    });
    const status = (date?: string) =>
      t.http.get(`/doctors/${d.id}/approval-status${date ? `?date=${date}` : ''}`).set('authorization', amhp.auth);
    const periodId = (kind: string, startsOn: string) => d.approvals.find((a) => a.kind === kind && a.startsOn === startsOn)!.id;

    it.each<[string, string, string | null, string | null]>([
      ['the day before the first period starts', '2021-05-31', null, null],
      ['the first day of the first period', '2021-06-01', '2021-06-01', null],
      ['the last day of the first period, approved clinician too', '2026-05-31', '2021-06-01', '2024-01-01'],
      ['the day after: only the approved-clinician period', '2026-06-01', null, '2024-01-01'],
      ['the last day of approved-clinician status', '2026-06-15', null, '2024-01-01'],
      ['in the gap, with no approval of either kind', '2026-06-16', null, null],
      ['the first day of the renewed s.12 period', '2026-07-01', '2026-07-01', null],
    ])('%s (%s)', async (_name, date, s12Start, acStart) => {
      const res = await status(date).expect(200);
      expect(res.body.date).toBe(date);
      expect(res.body.s12).toEqual(
        s12Start
          ? { approved: true, period: expect.objectContaining({ id: periodId('s12', s12Start), startsOn: s12Start }) }
          : { approved: false, period: null },
      );
      expect(res.body.approvedClinician).toEqual(
        acStart
          ? { approved: true, period: expect.objectContaining({ id: periodId('approved-clinician', acStart), startsOn: acStart }) }
          : { approved: false, period: null },
      );
    });

    it('gives the whole period that answers, with its approving body', async () => {
      const res = await status('2022-02-02').expect(200);
      expect(res.body.s12.period).toEqual({
        id: periodId('s12', '2021-06-01'),
        startsOn: '2021-06-01',
        endsOn: '2026-05-31',
        approvingBody: 'NHS England',
      });
    });

    it('without a date, answers for today in the service time zone', async () => {
      const res = await status().expect(200);
      expect(res.body).toMatchObject({ date: '2026-11-21', s12: { approved: true }, approvedClinician: { approved: false } });
    });

    it.each(['2026-02-30', '21/11/2026', '2026-11-21T10:00:00Z'])('a date such as %s is 400', async (date) => {
      const res = await status(encodeURIComponent(date)).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('date');
    });

    it('an unknown doctor is 404', async () => {
      await t.http.get(`/doctors/${randomUUID()}/approval-status?date=2026-01-01`).set('authorization', amhp.auth).expect(404);
    });

    it('currentStatus is as of the London date, not the UTC one: 23:05 UTC on 30 June is already 1 July in BST', async () => {
      const e = await doctor({
        name: 'Dr Midnight',
        approvals: [
          { kind: 's12', startsOn: '2027-01-01', endsOn: '2027-06-30' },
          { kind: 'approved-clinician', startsOn: '2027-07-01', endsOn: '2032-06-30' },
        ],
      });
      const saved = t.clock.now();
      try {
        t.clock.set('2027-06-30T22:55:00Z');
        const later = await t.user(['manager']);
        expect((await t.http.get(`/doctors/${e.id}`).set('authorization', later.auth).expect(200)).body.currentStatus).toEqual({
          s12: true,
          approvedClinician: false,
        });
        t.clock.set('2027-06-30T23:05:00Z');
        expect((await t.http.get(`/doctors/${e.id}`).set('authorization', later.auth).expect(200)).body.currentStatus).toEqual({
          s12: false,
          approvedClinician: true,
        });
        expect((await t.http.get(`/doctors/${e.id}/approval-status`).set('authorization', later.auth).expect(200)).body.date).toBe(
          '2027-07-01',
        );
      } finally {
        t.clock.set(saved);
      }
    });
  });

  describe('searching and paging', () => {
    let ids: Record<string, string>;
    beforeAll(async () => {
      const made = await Promise.all([
        doctor({
          name: 'Dr Zebedee Quill',
          organisation: 'Quarry Hill Clinic',
          approvals: [{ kind: 's12', startsOn: '2026-01-01', endsOn: '2026-12-31' }],
        }),
        doctor({
          name: 'dr zebedee quinn',
          organisation: 'Riverside Trust',
          approvals: [{ kind: 'approved-clinician', startsOn: '2026-01-01', endsOn: '2026-12-31' }],
        }),
        doctor({
          name: 'Dr Zebedee_Quiet',
          organisation: 'Riverside Trust',
          approvals: [{ kind: 's12', startsOn: '2025-01-01', endsOn: '2025-12-31' }],
        }),
        doctor({ name: 'Dr Zeb%Odd', organisation: '100% Locums Ltd' }),
        doctor({ name: 'Dr Xavier Riverton', organisation: 'Quarry Hill Clinic' }),
      ]);
      ids = { quill: made[0].id, quinn: made[1].id, quiet: made[2].id, odd: made[3].id, xavier: made[4].id };
      await t.http.patch(`/doctors/${ids.quiet}`).set('authorization', manager.auth).send({ active: false }).expect(200);
    });
    const search = (query: string, as: TestUser = amhp) => t.http.get(`/doctors?${query}`).set('authorization', as.auth);
    const idsOf = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((i) => i.id);

    it('matches the start of words of the name, ignoring case and the title, in name order', async () => {
      const res = await search('q=DR%20ZEBEDEE%20Q').expect(200);
      expect(idsOf(res)).toEqual([ids.quill, ids.quinn]);
      expect(res.body.items[0]).toMatchObject({
        name: 'Dr Zebedee Quill',
        currentStatus: { s12: true, approvedClinician: false },
        approvals: [expect.objectContaining({ kind: 's12' })],
      });
      expect(res.body.items[1].currentStatus).toEqual({ s12: false, approvedClinician: true });
    });

    it('matches the start of the organisation too, and filters by organisation and active flag', async () => {
      expect(idsOf(await search('q=quarry').expect(200))).toEqual([ids.xavier, ids.quill]);
      expect(idsOf(await search('organisation=RIVERSIDE').expect(200)).sort()).toEqual([ids.quinn, ids.quiet].sort());
      expect(idsOf(await search('organisation=riverside&active=true').expect(200))).toEqual([ids.quinn]);
      expect(idsOf(await search('organisation=riverside&active=false').expect(200))).toEqual([ids.quiet]);
    });

    it('treats % and _ as the characters they are, not as wildcards', async () => {
      expect(idsOf(await search(`q=${encodeURIComponent('Dr Zeb%')}`).expect(200))).toEqual([ids.odd]);
      expect(idsOf(await search(`q=${encodeURIComponent('Dr Zebedee_')}`).expect(200))).toEqual([ids.quiet]);
      expect(idsOf(await search(`q=${encodeURIComponent('100%')}`).expect(200))).toEqual([ids.odd]);
      expect(idsOf(await search(`q=${encodeURIComponent('_')}`).expect(200))).toEqual([]);
    });

    it('approvedOn lists only doctors approved on that date, of the kind asked for', async () => {
      expect(idsOf(await search('q=Dr%20Zeb&approvedOn=2026-01-01').expect(200))).toEqual([ids.quill, ids.quinn]);
      expect(idsOf(await search('q=Dr%20Zeb&approvedOn=2026-01-01&kind=s12').expect(200))).toEqual([ids.quill]);
      expect(idsOf(await search('q=Dr%20Zeb&approvedOn=2026-01-01&kind=approved-clinician').expect(200))).toEqual([ids.quinn]);
      expect(idsOf(await search('q=Dr%20Zeb&approvedOn=2025-12-31&kind=s12').expect(200))).toEqual([ids.quiet]);
      expect(idsOf(await search('q=Dr%20Zeb&approvedOn=2026-12-31').expect(200))).toEqual([ids.quill, ids.quinn]);
      expect(idsOf(await search('q=Dr%20Zeb&approvedOn=2027-01-01').expect(200))).toEqual([]);
    });

    it.each([
      ['kind without approvedOn', 'kind=s12', 'kind'],
      ['an approvedOn that is not a date', 'approvedOn=2026-13-01', 'approvedOn'],
      ['an unknown kind', 'approvedOn=2026-01-01&kind=gp', 'kind'],
      ['an unknown filter', 'speciality=psychiatry', 'speciality'],
      ['a page size over the cap', 'limit=201', 'limit'],
    ])('%s is 400 naming the parameter', async (_name, query, field) => {
      const res = await search(query).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('a cursor that is not one of ours is 400', async () => {
      await search(`cursor=${Buffer.from(JSON.stringify(['a', 'not-a-uuid'])).toString('base64url')}`).expect(400);
      await search('cursor=bm9wZQ').expect(400);
    });

    it('pages through everyone in (name ignoring case, order recorded) order with no repeats or gaps, ties included', async () => {
      const twins: Array<{ id: string }> = [];
      for (const _ of [1, 2, 3, 4]) twins.push(await doctor({ name: 'Dr Twin Same' }));
      const all: Array<{ id: string; name: string }> = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: Array<{ id: string; name: string }>; nextCursor: string | null } } = await search(
          `limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          manager,
        ).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        all.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 100);
      const total = await count('doctors');
      expect(all).toHaveLength(total);
      expect(new Set(all.map((d) => d.id)).size).toBe(total);
      const [{ ordered }] = await t.sql<{ ordered: string[] }>(
        'SELECT array_agg(id::text ORDER BY lower(name), seq) AS ordered FROM doctors',
      );
      expect(all.map((d) => d.id)).toEqual(ordered);
      // Two of one name in the order they were recorded, not in the order of their random ids.
      expect(all.filter((d) => d.name === 'Dr Twin Same').map((d) => d.id)).toEqual(twins.map((x) => x.id));
    });
  });

  describe('who may use the register', () => {
    let d: { id: string; approvals: Array<{ id: string }> };
    beforeAll(async () => {
      d = await doctor({ name: 'Dr Guarded', approvals: [{ kind: 's12', startsOn: '2026-01-01', endsOn: '2026-12-31' }] });
    });
    const reads = () => [`/doctors`, `/doctors/${d.id}`, `/doctors/${d.id}/approval-status?date=2026-06-01`];

    it.each(['referrer', 'auditor'] as const)('a %s gets 403 on every read, and the denial is audited', async (role) => {
      const user = role === 'referrer' ? referrer : auditor;
      for (const path of reads()) {
        const res = await t.http.get(path).set('authorization', user.auth).expect(403);
        expect(res.body.code).toBe('forbidden');
      }
      const denials = await t.sql(
        `SELECT details->>'policy' AS policy FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`,
        [user.id],
      );
      expect(denials).toEqual(Array(3).fill({ policy: 'doctors.read' }));
    });

    it('an AMHP reads the register but gets 403 on every change, and nothing changes', async () => {
      for (const path of reads()) await t.http.get(path).set('authorization', amhp.auth).expect(200);
      const gmcNumber = nextGmc();
      await create({ name: 'Dr By AMHP', gmcNumber }, amhp).expect(403);
      await t.http.patch(`/doctors/${d.id}`).set('authorization', amhp.auth).send({ notes: 'x' }).expect(403);
      await t.http
        .post(`/doctors/${d.id}/approvals`)
        .set('authorization', amhp.auth)
        .send({ kind: 's12', startsOn: '2027-01-01', endsOn: '2027-12-31' })
        .expect(403);
      await t.http.delete(`/doctors/${d.id}/approvals/${d.approvals[0].id}`).set('authorization', amhp.auth).expect(403);
      expect(await count('doctors', 'gmc_number = $1', [gmcNumber])).toBe(0);
      expect((await t.sql('SELECT version, notes FROM doctors WHERE id = $1', [d.id]))[0]).toEqual({ version: 1, notes: null });
      expect(await count('doctor_approvals', 'doctor_id = $1', [d.id])).toBe(1);
    });

    it('a referrer or auditor cannot change it either, and without a token every route is 401', async () => {
      await create({ name: 'Dr By Referrer', gmcNumber: nextGmc() }, referrer).expect(403);
      await t.http.patch(`/doctors/${d.id}`).set('authorization', auditor.auth).send({ notes: 'x' }).expect(403);
      for (const path of reads()) await t.http.get(path).expect(401);
      await t.http.post('/doctors').send({ name: 'Dr Anon', gmcNumber: nextGmc() }).expect(401);
    });
  });
});
