import { WebhookDispatcher } from '../src/alerts/webhook-dispatcher.service';
import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { amhp } from './support/workforce-fixtures';

/**
 * Every record says when it was made or changed by the service's clock, the one its case and rota records and its
 * audit trail are dated by, not by the database's: accounts, doctors and their approvals, AMHP approvals and training,
 * supervision, appraisals and practice audits, the access a referral's allocation gives, webhook deliveries and a
 * handover's actions. With the clock held at a fixed instant in the past, each reads back at exactly that instant.
 */
describe("records are dated by the service's clock, not the database's", () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  let auditor: TestUser;
  const NOW = '2026-03-04T05:06:07.089Z';
  const LATER = '2026-03-04T05:16:07.089Z';

  beforeAll(async () => {
    t = await createTestApp({
      now: NOW,
      env: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', ACCESS_TOKEN_TTL_SECONDS: '86400' },
    });
    admin = await t.user(['admin']);
    manager = await t.user(['manager']);
    auditor = await t.user(['auditor']);
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(NOW));

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, h: Record<string, string> = {}) => t.http.post(p).set('authorization', u.auth).set(h).send(b),
    patch: (p: string, b: object, h: Record<string, string> = {}) => t.http.patch(p).set('authorization', u.auth).set(h).send(b),
  });
  const createdAt = async (table: string, id: string) =>
    (await t.sql<{ created_at: Date }>(`SELECT created_at FROM ${table} WHERE id = $1`, [id]))[0].created_at.toISOString();

  it("an account made and changed reads back made and changed at the service's time", async () => {
    const made = (
      await as(admin)
        .post('/users', { email: 'dated.user@council.test', displayName: 'Dated User', roles: ['amhp'] })
        .expect(201)
    ).body;
    expect(made).toMatchObject({ createdAt: NOW, updatedAt: NOW });
    t.clock.set(LATER);
    await as(admin).patch(`/users/${made.id}`, { displayName: 'Dated User Renamed' }).expect(200);
    expect((await as(admin).get(`/users/${made.id}`).expect(200)).body).toMatchObject({ createdAt: NOW, updatedAt: LATER });
    // An admin's reset of the password changes the account then too.
    t.clock.set('2026-03-04T05:26:07.089Z');
    await as(admin).post(`/users/${made.id}/password`, { password: 'a-new-password-2026' }).expect(204);
    expect((await as(admin).get(`/users/${made.id}`).expect(200)).body).toMatchObject({
      createdAt: NOW,
      updatedAt: '2026-03-04T05:26:07.089Z',
    });
  });

  it("a doctor, the approvals entered with it and one added later read back at the service's time, and the doctor as changed then", async () => {
    const d = (
      await as(manager)
        .post('/doctors', {
          name: 'Dr Dated',
          gmcNumber: '7123456',
          approvals: [{ kind: 's12', startsOn: '2025-01-01', endsOn: '2029-12-31' }],
        })
        .expect(201)
    ).body;
    expect(d).toMatchObject({ createdAt: NOW, updatedAt: NOW, approvals: [expect.objectContaining({ createdAt: NOW })] });
    t.clock.set(LATER);
    const added = (
      await as(manager)
        .post(
          `/doctors/${d.id}/approvals`,
          { kind: 'approved-clinician', startsOn: '2025-06-01', endsOn: '2030-05-31' },
          { 'if-match': `"v${d.version}"` },
        )
        .expect(201)
    ).body;
    expect(added.updatedAt).toBe(LATER);
    expect(added.approvals.map((a: { kind: string; createdAt: string }) => [a.kind, a.createdAt]).sort()).toEqual([
      ['approved-clinician', LATER],
      ['s12', NOW],
    ]);
    t.clock.set('2026-03-04T05:26:07.089Z');
    const changed = (
      await as(manager)
        .patch(`/doctors/${d.id}`, { notes: 'Prefers a call' }, { 'if-match': `"v${added.version}"` })
        .expect(200)
    ).body;
    expect(changed).toMatchObject({ createdAt: NOW, updatedAt: '2026-03-04T05:26:07.089Z' });
    // An approval entered in error removed: the doctor's record changed at the service's time.
    t.clock.set('2026-03-04T05:36:07.089Z');
    const s12 = changed.approvals.find((a: { kind: string }) => a.kind === 's12');
    await t.http
      .delete(`/doctors/${d.id}/approvals/${s12.id}`)
      .set('authorization', manager.auth)
      .set('if-match', `"v${changed.version}"`)
      .expect(204);
    expect((await as(manager).get(`/doctors/${d.id}`).expect(200)).body).toMatchObject({
      createdAt: NOW,
      updatedAt: '2026-03-04T05:36:07.089Z',
    });
  });

  it("supervision, an appraisal and a practice audit read back made at the service's time; an AMHP approval and training are kept at it", async () => {
    const user = await t.user(['amhp']);
    const supervisor = await t.user(['amhp']);
    const p = (
      await as(manager)
        .post('/practitioners', {
          userId: user.id,
          profession: 'social-worker',
          registrationBody: 'Social Work England',
          registrationNumber: 'SW7000123',
          lineManagerUserId: supervisor.id,
        })
        .expect(201)
    ).body as { id: string };
    const approval = (
      await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2025-06-01',
          endsOn: '2030-05-31',
          approvedCourseCompletedOn: '2025-04-02',
        })
        .expect(201)
    ).body as { id: string };
    expect(await createdAt('approvals', approval.id)).toBe(NOW);
    // Suspended from now (no start given): it starts, and is recorded, at the one instant of the change.
    t.clock.set(LATER);
    await as(manager).post(`/approvals/${approval.id}/suspensions`, { reason: 'Interim suspension order by the regulator' }).expect(201);
    const suspensions = await t.sql<{ starts_at: Date; created_at: Date }>(
      'SELECT starts_at, created_at FROM approval_suspensions WHERE approval_id = $1',
      [approval.id],
    );
    expect(suspensions.map((x) => [x.starts_at.toISOString(), x.created_at.toISOString()])).toEqual([[LATER, LATER]]);
    t.clock.set(NOW);
    const training = (
      await as(manager)
        .post(`/practitioners/${p.id}/training`, { completedOn: '2026-02-01', hours: 6, provider: 'Forum', topic: 'Case law' })
        .expect(201)
    ).body as { id: string };
    expect(await createdAt('training_records', training.id)).toBe(NOW);

    const session = (
      await as(supervisor)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: supervisor.id,
          heldOn: '2026-03-03',
          type: 'professional',
          durationMinutes: 60,
        })
        .expect(201)
    ).body;
    expect(session.createdAt).toBe(NOW);
    const appraisal = (
      await as(manager)
        .post(`/practitioners/${p.id}/appraisals`, {
          heldOn: '2026-03-01',
          periodFrom: '2025-03-01',
          periodTo: '2026-02-28',
          outcome: 'meets',
        })
        .expect(201)
    ).body;
    expect(appraisal.createdAt).toBe(NOW);
    const audit = (
      await as(auditor)
        .post(`/practitioners/${p.id}/practice-audits`, {
          workReference: 'ASMT-2026-00999',
          themes: ['nearest-relative'],
          findings: 'Clear rationale.',
          rating: 'good',
        })
        .expect(201)
    ).body;
    expect(audit.createdAt).toBe(NOW);
  });

  it("the access a referral's allocation gives its AMHP is recorded at the service's time, the time it starts", async () => {
    const police = await t.user(['referrer']);
    const worker = await amhp(t);
    const r = await sent(t, police.auth, s136Referral('Datedaccess', '2026-03-04T04:30:00Z'));
    await accepted(t, manager.auth, r.id);
    await as(manager).post(`/referrals/${r.id}/allocation`, { userId: worker.id }).expect(200);
    const rows = await t.sql<{ valid_from: Date; created_at: Date }>(
      `SELECT valid_from, created_at FROM access_relationships WHERE source_id = $1 AND user_id = $2`,
      [r.id, worker.id],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((x) => [x.valid_from.toISOString(), x.created_at.toISOString()])).toEqual(rows.map(() => [NOW, NOW]));
  });

  it("a webhook's delivery is made at the service's time", async () => {
    const sub = (
      await as(admin)
        .post('/webhooks', { url: 'http://127.0.0.1:9/hook', eventTypes: ['rota.shift.created'] })
        .expect(201)
    ).body;
    expect(sub.createdAt).toBe(NOW);
    t.clock.set(LATER);
    await as(manager)
      .post('/rota/shifts', { label: 'Dated shift', startsAt: '2026-03-10T09:00:00Z', endsAt: '2026-03-10T17:00:00Z', requiredCount: 1 })
      .expect(201);
    expect(await t.app.get(WebhookDispatcher).fanOut()).toBe(1);
    const log = (await as(admin).get(`/webhooks/${sub.id}/deliveries`).expect(200)).body;
    expect((log.items ?? log).map((d: { createdAt: string }) => d.createdAt)).toEqual([LATER]);
  });

  it("a person's relatives, nominated persons, objections and s.29 applications are recorded at the service's time, and those recorded at one instant listed in the order recorded", async () => {
    const person = (await as(manager).post('/people', { givenName: 'Robin', familyName: 'Dated', dateOfBirth: '1985-03-03' }).expect(201))
      .body;
    const names = ['Zara Dated', 'Amir Dated', 'Mo Dated', 'Bea Dated', 'Kit Dated'];
    const made: string[] = [];
    for (const name of names)
      made.push(
        (await as(manager).post(`/people/${person.id}/relatives`, { name, relationship: 'sibling', wholeBlood: true }).expect(201)).body.id,
      );
    const relatives = (await as(manager).get(`/people/${person.id}/relatives`).expect(200)).body;
    const listed = (relatives.items ?? relatives) as Array<{ id: string; name: string; createdAt: string }>;
    expect(listed.map((r) => [r.name, r.createdAt])).toEqual(names.map((n) => [n, NOW]));
    expect(listed.map((r) => r.id)).toEqual(made);

    const appoint = (name: string, appointedOn: string) =>
      as(manager)
        .post(`/people/${person.id}/nominated-persons`, {
          name,
          appointedOn,
          appointedBy: 'patient',
          method: 'In writing, signed by the patient, witnessed by the care coordinator.',
        })
        .expect(201);
    await appoint('Nia Nominee', '2026-03-01');
    await appoint('Omar Nominee', '2026-03-03');
    const nominated = (await as(manager).get(`/people/${person.id}/nominated-persons`).expect(200)).body;
    // Newest first.
    expect(((nominated.items ?? nominated) as Array<{ name: string; createdAt: string }>).map((n) => [n.name, n.createdAt])).toEqual([
      ['Omar Nominee', NOW],
      ['Nia Nominee', NOW],
    ]);

    const objection = (
      await as(manager)
        .post(`/people/${person.id}/nearest-relative-objections`, {
          objectorKind: 'relative',
          relativeId: made[0],
          notifiedAt: '2026-03-04T04:00:00Z',
          notifiedTo: 'amhp',
          details: 'Objects to admission',
        })
        .expect(201)
    ).body;
    expect(await createdAt('nearest_relative_objections', objection.id)).toBe(NOW);
    const displacement = (
      await as(manager)
        .post(`/people/${person.id}/displacements`, { ground: 'c', filedAt: '2026-03-04T04:30:00Z', relativeId: made[1] })
        .expect(201)
    ).body;
    expect(await createdAt('nearest_relative_displacements', displacement.id)).toBe(NOW);
  });

  it("a handover compiled and an action added to it read back at the service's time", async () => {
    t.clock.set('2026-03-04T08:00:00.123Z');
    const handover = (await as(manager).post('/handovers/2026-03-04/compile').expect(201)).body;
    // Its period ends just after the instant it is compiled at (half-open: what happened at that instant is on it).
    expect(handover.compiledAt).toBe('2026-03-04T08:00:00.124Z');
    const action = (
      await as(manager)
        .post('/actions', { sourceType: 'handover', sourceId: handover.id, description: 'Call the ward', ownerUserId: manager.id })
        .expect(201)
    ).body;
    expect(action.createdAt).toBe('2026-03-04T08:00:00.123Z');
    const listed = (await as(manager).get('/actions').expect(200)).body.items as Array<{ id: string; createdAt: string }>;
    expect(listed.find((a) => a.id === action.id)?.createdAt).toBe('2026-03-04T08:00:00.123Z');
  });

  it('one instant a change: with a clock that moves at every reading, the record and its audit row still carry the same time', async () => {
    let ms = Date.parse('2026-03-04T06:00:00.000Z');
    const ticking = jest.spyOn(t.clock, 'now').mockImplementation(() => new Date(ms++));
    try {
      const audited = async (action: string, resourceId: string) =>
        (
          await t.sql<{ occurred_at: Date }>('SELECT occurred_at FROM audit_events WHERE action = $1 AND resource_id = $2', [
            action,
            resourceId,
          ])
        ).map((r) => r.occurred_at.toISOString());
      const user = (
        await as(admin)
          .post('/users', { email: 'one.instant@council.test', displayName: 'One Instant', roles: ['amhp'] })
          .expect(201)
      ).body;
      expect(user.updatedAt).toBe(user.createdAt);
      expect(await audited('user.create', user.id)).toEqual([user.createdAt]);
      const doctor = (
        await as(manager)
          .post('/doctors', {
            name: 'Dr One Instant',
            gmcNumber: '7123999',
            approvals: [{ kind: 's12', startsOn: '2025-01-01', endsOn: '2029-12-31' }],
          })
          .expect(201)
      ).body;
      expect([doctor.updatedAt, doctor.approvals[0].createdAt]).toEqual([doctor.createdAt, doctor.createdAt]);
      expect(await audited('doctor.create', doctor.id)).toEqual([doctor.createdAt]);
      // The handover compiled by the test before.
      const handover = (await as(manager).get('/handovers/2026-03-04').expect(200)).body;
      const action = (
        await as(manager)
          .post('/actions', { sourceType: 'handover', sourceId: handover.id, description: 'Ring the ward', ownerUserId: manager.id })
          .expect(201)
      ).body;
      expect(await audited('action.create', action.id)).toEqual([action.createdAt]);
      const [published] = await t.sql<{ occurred_at: Date }>(
        `SELECT occurred_at FROM outbox_events WHERE type = 'action.created' AND aggregate_id = $1`,
        [action.id],
      );
      expect(published.occurred_at.toISOString()).toBe(action.createdAt);
    } finally {
      ticking.mockRestore();
    }
  });
});
