import { JobRunner } from '../src/alerts/job-runner.service';
import { TokenService } from '../src/auth/token.service';
import { s136Referral, sent } from './support/referral-fixtures';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * CTO-04 over HTTP (MHA 1983 s.20A(3), (4), (8)): a community treatment order is extended by the responsible
 * clinician's report only when an AMHP states in writing that they agree the conditions are met and that extending it
 * is appropriate (form CTO7). The clinician's request is referred to the hub, a manager allocates it to an AMHP, and the
 * AMHP agrees or not, with reasons, under an approval current when they sign, by the end of the day the CTO expires.
 * It is Fri 10 Jul 2026 (BST); the CTO was made on Thu 15 Jan 2026, so its first period ends on Tue 14 Jul 2026.
 */
describe('CTO-04: the AMHP’s statement on extending a community treatment order', () => {
  const NOW = '2026-07-10T09:00:00Z';
  let t: TestApp;
  let manager: TestUser;
  let amhpUser: TestUser & { practitionerId: string };
  let other: TestUser & { practitionerId: string };
  /** The responsible clinician's team, through a referrer account. */
  let rcTeam: TestUser;
  let otherTeam: TestUser;
  let personId: string;
  /** The patient of the team's own referral: a person it may name. */
  let teamsPatient: string;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    amhpUser = await amhp(t, { displayName: 'Ada Amhp' });
    other = await amhp(t, { displayName: 'Oli Other' });
    rcTeam = await t.user(['referrer']);
    otherTeam = await t.user(['referrer']);
    personId = (
      await as(manager).post('/people').send({ givenName: 'Cara', familyName: 'Community', dateOfBirth: '1980-02-02' }).expect(201)
    ).body.id;
    const referral = await sent(t, rcTeam.auth, s136Referral('Teamspatient', '2026-07-10T08:00:00Z'));
    teamsPatient = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.person.id;
  });
  afterEach(() => moveTo(NOW));
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string) => t.http.post(p).set('authorization', u.auth),
  });
  const request = (over: object = {}) => ({
    personId,
    responsibleClinician: 'Dr A Khan',
    ctoMadeOn: '2026-01-15',
    ctoExpiresOn: '2026-07-14',
    rcExaminedOn: '2026-07-01',
    ...over,
  });
  const reasons = 'Engaging with the community team; relapses within weeks whenever medication stops.';
  /** The clock moved to `iso`, with tokens issued then (an access token lasts a day at most). */
  async function moveTo(iso: string, users: TestUser[] = [manager, amhpUser, other, rcTeam, otherTeam]): Promise<void> {
    t.clock.set(iso);
    for (const u of users) {
      const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
      Object.assign(u, { token, auth: `Bearer ${token}` });
    }
  }
  const count = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM cto_extensions'))[0].n;

  /** A request referred and allocated to `to`: its id and the ETag to make the statement with. */
  async function allocated(to: TestUser = amhpUser, over: object = {}): Promise<{ id: string; etag: string }> {
    const created = await as(manager).post('/cto-extensions').send(request(over)).expect(201);
    const res = await as(manager)
      .post(`/cto-extensions/${created.body.id}/allocation`)
      .set('if-match', created.headers.etag)
      .send({ amhpUserId: to.id })
      .expect(200);
    return { id: created.body.id, etag: res.headers.etag };
  }

  it('a request referred, allocated to an approved AMHP who agrees: the CTO is extended for 6 months, to Thu 14 Jan 2027; audited and published', async () => {
    const created = await as(manager).post('/cto-extensions').send(request()).expect(201);
    expect(created.headers.location).toBe(`/cto-extensions/${created.body.id}`);
    expect(created.body).toMatchObject({
      status: 'received',
      ctoExpiresOn: '2026-07-14',
      rcExaminedOn: '2026-07-01',
      // The end of Tue 14 Jul 2026, midnight BST.
      statementDueBy: '2026-07-14T23:00:00.000Z',
      lapsed: false,
      statement: null,
      extended: null,
    });
    const id = created.body.id;
    // Not hers until allocated: no relationship to the patient.
    await as(amhpUser).get(`/cto-extensions/${id}`).expect(403);
    const alloc = await as(manager)
      .post(`/cto-extensions/${id}/allocation`)
      .set('if-match', created.headers.etag)
      .send({ amhpUserId: amhpUser.id })
      .expect(200);
    expect(alloc.body).toMatchObject({ status: 'allocated', allocatedUserId: amhpUser.id });
    expect((await as(amhpUser).get('/cto-extensions?assigned=me').expect(200)).body).toMatchObject({
      items: [expect.objectContaining({ id })],
      nextCursor: null,
    });

    const stated = await as(amhpUser)
      .post(`/cto-extensions/${id}/statement`)
      .set('if-match', alloc.headers.etag)
      .send({ decision: 'agree', reasons })
      .expect(200);
    expect(stated.body).toMatchObject({
      status: 'agreed',
      statement: { decision: 'agree', reasons, signedAt: '2026-07-10T09:00:00.000Z', signedByUserId: amhpUser.id },
      extended: true,
      extendedPeriod: { period: 2, months: 6, from: '2026-07-15', lastDay: '2027-01-14', monthEnd: false },
      findings: [],
    });
    expect(stated.body.statement.approvalId).toEqual(expect.any(String));
    expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({ status: 'agreed', extended: true });

    const audit = await t.sql<{ action: string; subject_person_id: string }>(
      `SELECT action, subject_person_id FROM audit_events WHERE resource_type = 'cto-extension' AND resource_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'cto-extension.create',
      // Her attempt to read it before it was hers.
      'access.denied',
      'cto-extension.allocate',
      'cto-extension.read',
      'cto-extension.statement',
      'cto-extension.read',
    ]);
    expect(new Set(audit.map((a) => a.subject_person_id))).toEqual(new Set([personId]));
    const events = await t.sql<{ type: string; payload: Record<string, unknown> }>(
      `SELECT type, payload FROM outbox_events WHERE aggregate_type = 'cto-extension' AND aggregate_id = $1 ORDER BY id`,
      [id],
    );
    expect(events.map((e) => e.type)).toEqual(['cto-extension.received', 'cto-extension.allocated', 'cto-extension.decided']);
    expect(events[2].payload).toMatchObject({ decision: 'agree', extended: true, extendedUntil: '2027-01-14', userId: amhpUser.id });
  });

  it('the first extension agreed: the next period is a year, to Fri 14 Jan 2028', async () => {
    await moveTo('2026-12-10T10:00:00Z');
    const { id, etag } = await allocated(amhpUser, { ctoExpiresOn: '2027-01-14', rcExaminedOn: '2026-12-01' });
    const res = await as(amhpUser)
      .post(`/cto-extensions/${id}/statement`)
      .set('if-match', etag)
      .send({ decision: 'agree', reasons })
      .expect(200);
    expect(res.body.extendedPeriod).toEqual({ period: 3, months: 12, from: '2027-01-15', lastDay: '2028-01-14', monthEnd: false });
  });

  it('the AMHP does not agree: the CTO is not extended, and the record says it cannot be on this examination', async () => {
    const { id, etag } = await allocated();
    const res = await as(amhpUser)
      .post(`/cto-extensions/${id}/statement`)
      .set('if-match', etag)
      .send({ decision: 'disagree', reasons: 'Has engaged voluntarily for five months; the conditions are no longer met.' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'not-agreed', extended: false, extendedPeriod: null, statement: { decision: 'disagree' } });
    expect(res.body.findings).toEqual([expect.objectContaining({ rule: 'CTO-04', severity: 'warning', code: 'cto-extension-not-agreed' })]);
    expect(res.body.findings[0].message).toContain('ends at the end of Tue 14 Jul 2026');
  });

  it('an examination before the two months ending with the day the CTO expires is too early: 422 naming rcExaminedOn, nothing stored', async () => {
    const before = await count();
    const res = await as(manager)
      .post('/cto-extensions')
      .send(request({ rcExaminedOn: '2026-05-14' }))
      .expect(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'examination-too-early', errors: [{ field: 'rcExaminedOn' }] });
    expect(res.body.detail).toContain('on or after Fri 15 May 2026');
    // The first day of the window is in time.
    await as(manager)
      .post('/cto-extensions')
      .send(request({ rcExaminedOn: '2026-05-15' }))
      .expect(201);
    expect(await count()).toBe(before + 1);
  });

  it('a CTO that has expired cannot be extended: a request for it is 422, and so is a statement signed after the end of its last day', async () => {
    const before = await count();
    // Made 9 Jul 2025: its second period ended on Wed 8 Jul 2026.
    const expired = await as(manager)
      .post('/cto-extensions')
      .send(request({ ctoMadeOn: '2025-07-09', ctoExpiresOn: '2026-07-08', rcExaminedOn: '2026-07-01' }))
      .expect(422);
    expect(expired.body).toMatchObject({ code: 'cto-expired', errors: [{ field: 'ctoExpiresOn' }] });
    const mismatch = await as(manager)
      .post('/cto-extensions')
      .send(request({ ctoExpiresOn: '2026-07-15' }))
      .expect(422);
    expect(mismatch.body).toMatchObject({ code: 'cto-expiry-not-a-period-end', errors: [{ field: 'ctoExpiresOn' }] });
    expect(await count()).toBe(before);

    const { id, etag } = await allocated();
    // 00:30 BST on Wed 15 Jul: the CTO ended at midnight.
    await moveTo('2026-07-14T23:30:00Z');
    const late = await as(amhpUser)
      .post(`/cto-extensions/${id}/statement`)
      .set('if-match', etag)
      .send({ decision: 'agree', reasons })
      .expect(422);
    expect(late.body).toMatchObject({ code: 'statement-after-expiry', errors: [{ field: 'signedAt' }] });
    // 23:59 BST on Tue 14 Jul, recorded afterwards: in time.
    const inTime = await as(amhpUser)
      .post(`/cto-extensions/${id}/statement`)
      .set('if-match', etag)
      .send({ decision: 'agree', reasons, signedAt: '2026-07-14T23:59:00+01:00' })
      .expect(200);
    expect(inTime.body).toMatchObject({ status: 'agreed', extended: true, statement: { signedAt: '2026-07-14T22:59:00.000Z' } });
  });

  it('an AMHP whose approval is not current may not be allocated it, nor sign it once the approval has ended: 422, nothing changed', async () => {
    const unapproved = await amhp(t, { approval: null });
    const created = await as(manager).post('/cto-extensions').send(request()).expect(201);
    const refused = await as(manager)
      .post(`/cto-extensions/${created.body.id}/allocation`)
      .set('if-match', created.headers.etag)
      .send({ amhpUserId: unapproved.id })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'amhp-not-eligible', errors: [{ field: 'amhpUserId' }] });

    // Approved for a year to Sat 11 Jul 2026 (its training done): she may act when it is allocated, on Fri 10 Jul.
    const lapsing = await amhp(t, { approval: { startsOn: '2025-07-12', endsOn: '2026-07-11' } });
    const { id, etag } = await allocated(lapsing);
    await moveTo('2026-07-13T09:00:00Z', [lapsing]);
    const res = await as(lapsing)
      .post(`/cto-extensions/${id}/statement`)
      .set('if-match', etag)
      .send({ decision: 'agree', reasons })
      .expect(422);
    expect(res.body.code).toBe('amhp-not-approved');
    expect(res.body.findings).toContainEqual(expect.objectContaining({ rule: 'CTO-04', severity: 'blocker', code: 'amhp-not-approved' }));
    const [row] = await t.sql<{ status: string; decision: string | null }>('SELECT status, decision FROM cto_extensions WHERE id = $1', [
      id,
    ]);
    expect(row).toEqual({ status: 'allocated', decision: null });
  });

  it('two statements at once: one is made, the other loses (409 or 412, never 500); a statement on a decided request is 409, a stale If-Match 412', async () => {
    const created = await as(manager).post('/cto-extensions').send(request()).expect(201);
    const id = created.body.id as string;
    const allocate = (to: TestUser) =>
      as(manager).post(`/cto-extensions/${id}/allocation`).set('if-match', created.headers.etag).send({ amhpUserId: to.id });
    // Two managers allocating it from the same read: the second's version is stale.
    const [first, second] = [await allocate(amhpUser), await allocate(other)];
    expect([first.status, second.status]).toEqual([200, 412]);
    expect(second.headers['content-type']).toContain('application/problem+json');
    const etag = first.headers.etag;
    const send = (decision: string) =>
      as(amhpUser).post(`/cto-extensions/${id}/statement`).set('if-match', etag).send({ decision, reasons });
    const statuses = (await Promise.all([send('agree'), send('disagree')])).map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([409, 412]).toContain(statuses[1]);
    const current = (await as(amhpUser).get(`/cto-extensions/${id}`).expect(200)).headers.etag;
    const again = await as(amhpUser).post(`/cto-extensions/${id}/statement`).set('if-match', current).send({ decision: 'agree', reasons });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('cto-extension-decided');
    expect((await t.sql('SELECT 1 FROM outbox_events WHERE aggregate_id = $1 AND type = $2', [id, 'cto-extension.decided'])).length).toBe(
      1,
    );
  });

  it('the list pages by the soonest to expire, each request shown once; a cursor not the API’s is 400', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(manager)
        .get(`/cto-extensions?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    const all = await t.sql<{ id: string }>('SELECT id FROM cto_extensions ORDER BY cto_expires_on, received_at, seq');
    expect(seen).toEqual(all.map((r) => r.id));
    await as(manager).get('/cto-extensions?cursor=bm90LWEtY3Vyc29y').expect(400);
  });

  it('only the allocated AMHP makes the statement; bad input is 400 or 422 naming the fields, and nothing is stored or changed', async () => {
    const { id, etag } = await allocated(amhpUser);
    // Another AMHP has no relationship to the patient.
    await as(other).post(`/cto-extensions/${id}/statement`).set('if-match', etag).send({ decision: 'agree', reasons }).expect(403);
    const bad = await as(amhpUser).post(`/cto-extensions/${id}/statement`).send({ decision: 'maybe', reasons: 'short' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['decision', 'reasons']);
    const requests = await count();
    const badRequest = await as(manager).post('/cto-extensions').send({ personId, ctoMadeOn: '2026-02-30' }).expect(400);
    expect(badRequest.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'ctoExpiresOn',
      'ctoMadeOn',
      'rcExaminedOn',
      'responsibleClinician',
    ]);
    const unknown = await as(manager)
      .post('/cto-extensions')
      .send(request({ personId: '5f0e4c4e-8a43-4a8e-9d0b-0c7c1d1e2f30' }))
      .expect(422);
    expect(unknown.body).toMatchObject({ code: 'person-not-found', errors: [{ field: 'personId' }] });
    const future = await as(manager)
      .post('/cto-extensions')
      .send(request({ rcExaminedOn: '2026-07-11' }))
      .expect(422);
    expect(future.body).toMatchObject({ code: 'in-future', errors: [{ field: 'rcExaminedOn' }] });
    // None of the refused requests was stored.
    expect(await count()).toBe(requests);
    const [row] = await t.sql<{ status: string }>('SELECT status FROM cto_extensions WHERE id = $1', [id]);
    expect(row.status).toBe('allocated');
  });
  it("the responsible clinician's team makes the request through its referrer account, and reads back its own requests only, with the AMHP's statement once made", async () => {
    const created = await as(rcTeam)
      .post('/cto-extensions')
      .send(request({ personId: teamsPatient }))
      .expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'received', personId: teamsPatient, statement: null });
    // A request by staff for another patient, and one by another team for the same patient: not the team's.
    const staffs = (await as(manager).post('/cto-extensions').send(request()).expect(201)).body.id as string;
    const anotherTeams = await as(otherTeam)
      .post('/cto-extensions')
      .send(request({ personId: teamsPatient }))
      .expect(403);
    expect(anotherTeams.headers['content-type']).toContain('application/problem+json');

    const mine = await as(rcTeam).get('/cto-extensions').expect(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await as(otherTeam).get('/cto-extensions').expect(200)).body.items).toEqual([]);
    await as(rcTeam).get(`/cto-extensions/${staffs}`).expect(403);
    await as(otherTeam).get(`/cto-extensions/${id}`).expect(403);
    // Nor may the team allocate it or make the statement.
    await as(rcTeam).post(`/cto-extensions/${id}/allocation`).send({ amhpUserId: amhpUser.id }).expect(403);
    await as(rcTeam).post(`/cto-extensions/${id}/statement`).send({ decision: 'agree', reasons }).expect(403);

    const alloc = await as(manager)
      .post(`/cto-extensions/${id}/allocation`)
      .set('if-match', created.headers.etag)
      .send({ amhpUserId: amhpUser.id })
      .expect(200);
    await as(amhpUser)
      .post(`/cto-extensions/${id}/statement`)
      .set('if-match', alloc.headers.etag)
      .send({ decision: 'agree', reasons })
      .expect(200);
    const read = await as(rcTeam).get(`/cto-extensions/${id}`).expect(200);
    expect(read.body).toMatchObject({
      status: 'agreed',
      extended: true,
      statement: { decision: 'agree', reasons, signedByUserId: amhpUser.id },
      extendedPeriod: { lastDay: '2027-01-14' },
    });

    const audit = await t.sql<{ action: string; actor_id: string; access_basis: string | null; outcome: string }>(
      `SELECT action, actor_id, access_basis, outcome FROM audit_events WHERE resource_type = 'cto-extension' AND resource_id = $1 ORDER BY id`,
      [id],
    );
    const team = audit.filter((a) => a.actor_id === rcTeam.id || a.actor_id === otherTeam.id);
    expect(team).toEqual([
      { action: 'cto-extension.create', actor_id: rcTeam.id, access_basis: 'relationship:referrer', outcome: 'success' },
      { action: 'cto-extension.read', actor_id: rcTeam.id, access_basis: 'own:referrer', outcome: 'success' },
      { action: 'access.denied', actor_id: otherTeam.id, access_basis: null, outcome: 'denied' },
      { action: 'cto-extension.read', actor_id: rcTeam.id, access_basis: 'own:referrer', outcome: 'success' },
    ]);
  });

  describe("CTO-04 (s.20A(8)): the statement's deadline, the end of the day the CTO expires (Tue 14 Jul 2026, 23:59 BST)", () => {
    /** The scheduled jobs at the clock's minute, the warnings' among them (each runs once a minute: the tests' minutes differ). */
    const runJobs = async () => expect(await t.app.get(JobRunner).runDue()).toContain('cto-statement-due');
    /** What the request's deadline has told each user, oldest first: notifications and pages. */
    async function told(id: string) {
      const notes = await t.sql<{ user_id: string; kind: string; severity: string; dedup_key: string; closed_reason: string | null }>(
        `SELECT user_id, kind, severity, dedup_key, closed_reason FROM notifications WHERE subject_type = 'cto-extension' AND subject_id = $1 ORDER BY created_at, id`,
        [id],
      );
      const pages = await t.sql<{ recipient_user_id: string; kind: string; step: number; chain_key: string; closed_reason: string | null }>(
        `SELECT recipient_user_id, kind, step, chain_key, closed_reason FROM pages WHERE subject_type = 'cto-extension' AND subject_id = $1 ORDER BY created_at, id`,
        [id],
      );
      return { notes, pages };
    }

    it('warned 48 h and 12 h before, once each: the managers while it is not allocated, the AMHP once it is; closed when the statement is made, and no breach after', async () => {
      const created = await as(manager).post('/cto-extensions').send(request()).expect(201);
      const id = created.body.id as string;
      const [h48, h12] = [`cto-extension:${id}:2880`, `cto-extension:${id}:720`];
      await runJobs();
      expect((await told(id)).notes).toEqual([]);

      // Mon 13 Jul 01:00 BST: 47 h left, not allocated.
      await moveTo('2026-07-13T00:00:00Z');
      await runJobs();
      await moveTo('2026-07-13T00:05:00Z');
      await runJobs();
      let now = await told(id);
      expect(now.notes).toEqual([{ user_id: manager.id, kind: 'clock.warning', severity: 'warning', dedup_key: h48, closed_reason: null }]);
      // No manager on call in the rota: every manager is paged.
      expect(now.pages).toEqual([{ recipient_user_id: manager.id, kind: 'clock-warning', step: 3, chain_key: h48, closed_reason: null }]);
      const inbox = await as(manager).get('/me/notifications').expect(200);
      const note = inbox.body.items.find((n: { subjectId: string }) => n.subjectId === id);
      expect(note).toMatchObject({ link: `/cto-extensions/${id}` });
      expect(note.title).toContain('not allocated');
      expect(note.body).toContain('Tue 14 Jul 2026');

      // Allocated: the AMHP is told at once of the stage it is at; the job tells nobody again.
      const alloc = await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', created.headers.etag)
        .send({ amhpUserId: amhpUser.id })
        .expect(200);
      await moveTo('2026-07-13T01:00:00Z');
      await runJobs();
      now = await told(id);
      expect(now.notes.map((n) => [n.user_id, n.dedup_key])).toEqual([
        [manager.id, h48],
        [amhpUser.id, h48],
      ]);
      expect(now.pages.map((p) => [p.recipient_user_id, p.step, p.chain_key])).toEqual([
        [manager.id, 3, h48],
        [amhpUser.id, 0, h48],
      ]);
      const mine = (await as(amhpUser).get('/me/pages').expect(200)).body.items.find((p: { subjectId: string }) => p.subjectId === id);
      expect(mine).toMatchObject({ kind: 'clock-warning', subjectType: 'cto-extension', link: `/cto-extensions/${id}` });

      // Tue 14 Jul 12:30 BST: 11 h 30 min left.
      await moveTo('2026-07-14T11:30:00Z');
      await runJobs();
      await moveTo('2026-07-14T11:31:00Z');
      await runJobs();
      now = await told(id);
      expect(
        now.notes
          .filter((n) => n.dedup_key === h12)
          .map((n) => n.user_id)
          .sort(),
      ).toEqual([amhpUser.id, manager.id].sort());
      expect(
        now.pages
          .filter((p) => p.chain_key === h12)
          .map((p) => [p.recipient_user_id, p.step])
          .sort(),
      ).toEqual(
        [
          [amhpUser.id, 0],
          [manager.id, 3],
        ].sort(),
      );

      await as(amhpUser)
        .post(`/cto-extensions/${id}/statement`)
        .set('if-match', alloc.headers.etag)
        .send({ decision: 'agree', reasons })
        .expect(200);
      now = await told(id);
      expect(new Set(now.notes.map((n) => n.closed_reason))).toEqual(new Set(['statement-made']));
      expect(new Set(now.pages.map((p) => p.closed_reason))).toEqual(new Set(['statement-made']));
      // After the deadline: nothing more about it.
      await moveTo('2026-07-15T00:00:00Z');
      await runJobs();
      expect((await told(id)).notes).toHaveLength(now.notes.length);
    });

    it('a statement made before the first warning: nobody is told anything', async () => {
      const { id, etag } = await allocated();
      await as(amhpUser).post(`/cto-extensions/${id}/statement`).set('if-match', etag).send({ decision: 'disagree', reasons }).expect(200);
      for (const at of ['2026-07-13T00:20:00Z', '2026-07-14T12:20:00Z', '2026-07-15T00:20:00Z']) {
        await moveTo(at);
        await runJobs();
      }
      expect(await told(id)).toEqual({ notes: [], pages: [] });
    });

    it('reallocated when the deadline is near: the AMHP it was taken from has her warning closed, the one it comes to is told at once', async () => {
      const created = await as(manager).post('/cto-extensions').send(request()).expect(201);
      const id = created.body.id as string;
      const alloc = await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', created.headers.etag)
        .send({ amhpUserId: amhpUser.id })
        .expect(200);
      // Tue 14 Jul 13:02 BST: 10 h 58 min left.
      await moveTo('2026-07-14T12:02:00Z');
      await runJobs();
      await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', alloc.headers.etag)
        .send({ amhpUserId: other.id })
        .expect(200);
      const h12 = `cto-extension:${id}:720`;
      const { notes, pages } = await told(id);
      const of = (userId: string) => ({
        notes: notes.filter((n) => n.user_id === userId).map((n) => [n.dedup_key, n.closed_reason]),
        pages: pages.filter((p) => p.recipient_user_id === userId).map((p) => [p.chain_key, p.step, p.closed_reason]),
      });
      expect(of(amhpUser.id)).toEqual({ notes: [[h12, 'reallocated']], pages: [[h12, 0, 'reallocated']] });
      expect(of(other.id)).toEqual({ notes: [[h12, null]], pages: [[h12, 0, null]] });
      // The managers' warning stands, raised once.
      expect(of(manager.id)).toEqual({ notes: [[h12, null]], pages: [[h12, 3, null]] });
    });

    it('no statement by the end of the last day: the lapse is raised as a breach, urgent, to the AMHP and the managers, once', async () => {
      const { id } = await allocated();
      // 00:10 BST on Wed 15 Jul: the CTO ended at midnight, not extended.
      await moveTo('2026-07-14T23:10:00Z');
      await runJobs();
      await moveTo('2026-07-15T03:00:00Z');
      await runJobs();
      const { notes, pages } = await told(id);
      const breach = `cto-extension:${id}:breach`;
      // First seen after the deadline: the breach only, not the warnings it is past.
      expect(notes.map((n) => [n.user_id, n.kind, n.severity, n.dedup_key]).sort()).toEqual(
        [
          [amhpUser.id, 'clock.breached', 'urgent', breach],
          [manager.id, 'clock.breached', 'urgent', breach],
        ].sort(),
      );
      expect(pages.map((p) => [p.recipient_user_id, p.kind, p.step]).sort()).toEqual(
        [
          [amhpUser.id, 'clock-breach', 0],
          [manager.id, 'clock-breach', 3],
        ].sort(),
      );
      const inbox = await as(amhpUser).get('/me/notifications').expect(200);
      expect(inbox.body.items.find((n: { subjectId: string }) => n.subjectId === id).title).toContain('the CTO has lapsed');
      // The request says so, and is not sent on to another AMHP: a statement could no longer count.
      const read = await as(manager).get(`/cto-extensions/${id}`).expect(200);
      expect(read.body).toMatchObject({ status: 'allocated', lapsed: true, allocatedUserId: amhpUser.id });
      const refused = await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', read.headers.etag)
        .send({ amhpUserId: other.id })
        .expect(409);
      expect(refused.body).toMatchObject({ code: 'cto-extension-lapsed', rule: 'CTO-04' });
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({
        allocatedUserId: amhpUser.id,
        version: read.body.version,
      });
    });

    it('a manager withdraws it near its deadline (the CTO revoked): every warning and page of it is closed, the AMHP is told in a notification that links to nothing she can no longer open, and no breach is raised after', async () => {
      const { id, etag } = await allocated();
      // Tue 14 Jul 12:40 BST: 11 h 20 min left; the AMHP and the managers are warned and paged.
      await moveTo('2026-07-14T11:40:00Z');
      await runJobs();
      const h12 = `cto-extension:${id}:720`;
      const before = await told(id);
      expect(before.notes.map((n) => [n.user_id, n.dedup_key, n.closed_reason]).sort()).toEqual(
        [
          [amhpUser.id, h12, null],
          [manager.id, h12, null],
        ].sort(),
      );
      expect(before.pages.map((p) => p.closed_reason)).toEqual([null, null]);

      const res = await as(manager)
        .post(`/cto-extensions/${id}/withdraw`)
        .set('if-match', etag)
        .send({ reason: 'cto-revoked', note: 'Recalled on Sunday; the CTO was revoked on Monday.' })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'withdrawn',
        lapsed: false,
        allocatedUserId: amhpUser.id,
        withdrawal: {
          reason: 'cto-revoked',
          note: 'Recalled on Sunday; the CTO was revoked on Monday.',
          withdrawnAt: '2026-07-14T11:40:00.000Z',
          withdrawnByUserId: manager.id,
        },
      });
      const after = await told(id);
      // Nothing of its deadline waits for anyone now: the AMHP's and the managers' alike.
      expect(after.pages.map((p) => [p.recipient_user_id, p.closed_reason]).sort()).toEqual(
        [
          [amhpUser.id, 'request-withdrawn'],
          [manager.id, 'request-withdrawn'],
        ].sort(),
      );
      expect(after.notes.filter((n) => n.dedup_key === h12).map((n) => n.closed_reason)).toEqual([
        'request-withdrawn',
        'request-withdrawn',
      ]);
      // The AMHP it was allocated to is told, in her inbox, why and what to do.
      expect(after.notes.filter((n) => n.dedup_key !== h12)).toEqual([
        {
          user_id: amhpUser.id,
          kind: 'cto-extension.withdrawn',
          severity: 'urgent',
          dedup_key: `cto-extension-withdrawn:${id}`,
          closed_reason: null,
        },
      ]);
      const inbox = await as(amhpUser).get('/me/notifications').expect(200);
      const note = inbox.body.items.find(
        (n: { kind: string; subjectId: string }) => n.kind === 'cto-extension.withdrawn' && n.subjectId === id,
      );
      // It links to nothing: her access to the patient through the request ended with it, and it says what happened.
      expect(note).toMatchObject({ link: null, closedAt: null });
      expect(note.title).toContain('withdrawn');
      expect(note.body).toContain('the CTO was revoked: Recalled on Sunday');
      expect(note.body).toContain('Do not go on with it.');

      // Its deadline passes, and days go by: the job tells nobody anything more of it, and it has not lapsed.
      for (const at of ['2026-07-14T22:40:00Z', '2026-07-14T23:20:00Z', '2026-07-20T09:10:00Z']) {
        await moveTo(at);
        await runJobs();
      }
      expect(await told(id)).toEqual(after);
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({ status: 'withdrawn', lapsed: false });
      const audit = await t.sql<{ action: string; actor_id: string; access_basis: string }>(
        `SELECT action, actor_id, access_basis FROM audit_events WHERE resource_type = 'cto-extension' AND resource_id = $1 AND action = 'cto-extension.withdraw'`,
        [id],
      );
      expect(audit).toEqual([{ action: 'cto-extension.withdraw', actor_id: manager.id, access_basis: 'role:manager' }]);
    });
  });

  describe('withdrawn before the statement is made: the responsible clinician is not extending the CTO, it was revoked, the patient discharged, or it was made in error', () => {
    const withdraw = (u: TestUser, id: string, etag: string | undefined, body: object) => {
      const req = as(u).post(`/cto-extensions/${id}/withdraw`);
      return (etag ? req.set('if-match', etag) : req).send(body);
    };

    it("the responsible clinician's team withdraws its own request: withdrawn with why, when and by whom, audited and published; listed under status=withdrawn, and not lapsed after its last day", async () => {
      const created = await as(rcTeam)
        .post('/cto-extensions')
        .send(request({ personId: teamsPatient }))
        .expect(201);
      const id = created.body.id as string;
      const res = await withdraw(rcTeam, id, created.headers.etag, { reason: 'not-extending' }).expect(200);
      expect(res.headers.etag).toBe(`"v${created.body.version + 1}"`);
      expect(res.body).toMatchObject({
        status: 'withdrawn',
        lapsed: false,
        statement: null,
        allocatedUserId: null,
        withdrawal: { reason: 'not-extending', note: null, withdrawnAt: NOW.replace('Z', '.000Z'), withdrawnByUserId: rcTeam.id },
      });
      expect((await as(rcTeam).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({
        status: 'withdrawn',
        version: res.body.version,
      });

      const audit = await t.sql<{ action: string; actor_id: string; access_basis: string; subject_person_id: string }>(
        `SELECT action, actor_id, access_basis, subject_person_id FROM audit_events WHERE resource_type = 'cto-extension' AND resource_id = $1 AND action = 'cto-extension.withdraw'`,
        [id],
      );
      expect(audit).toEqual([
        { action: 'cto-extension.withdraw', actor_id: rcTeam.id, access_basis: 'own:referrer', subject_person_id: teamsPatient },
      ]);
      const events = await t.sql<{ type: string; payload: Record<string, unknown> }>(
        `SELECT type, payload FROM outbox_events WHERE aggregate_type = 'cto-extension' AND aggregate_id = $1 ORDER BY id`,
        [id],
      );
      expect(events.map((e) => e.type)).toEqual(['cto-extension.received', 'cto-extension.withdrawn']);
      expect(events[1].payload).toEqual({
        ctoExtensionId: id,
        personId: teamsPatient,
        userId: rcTeam.id,
        reason: 'not-extending',
        allocatedUserId: null,
        withdrawnAt: '2026-07-10T09:00:00.000Z',
      });

      // Mon 20 Jul: its CTO's last day has passed, but nobody was asked for a statement any more.
      await moveTo('2026-07-20T09:00:00Z');
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({ status: 'withdrawn', lapsed: false });
      const listed = (await as(manager).get('/cto-extensions?status=withdrawn&limit=100').expect(200)).body.items as Array<{
        id: string;
        status: string;
      }>;
      expect(listed.map((c) => c.id)).toContain(id);
      expect(new Set(listed.map((c) => c.status))).toEqual(new Set(['withdrawn']));
      expect(
        (await as(manager).get('/cto-extensions?status=received&limit=100').expect(200)).body.items.map((c: { id: string }) => c.id),
      ).not.toContain(id);
    });

    it('who may not withdraw it, and how it is refused: the allocated AMHP 403, another team 403 as reading it is (audited), bad input 400 or 422 naming the field, a stale If-Match 412; nothing changed', async () => {
      const created = await as(rcTeam)
        .post('/cto-extensions')
        .send(request({ personId: teamsPatient }))
        .expect(201);
      const id = created.body.id as string;
      const alloc = await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', created.headers.etag)
        .send({ amhpUserId: amhpUser.id })
        .expect(200);
      const etag = alloc.headers.etag;
      // The request is the responsible clinician's: the AMHP asked for the statement may not take it back.
      const byAmhp = await withdraw(amhpUser, id, etag, { reason: 'made-in-error' }).expect(403);
      expect(byAmhp.headers['content-type']).toContain('application/problem+json');
      // Another team, for this request or an id the hub does not hold: refused alike, as reading it is.
      const NOT_YOURS = 'You are not allowed to see this CTO extension request.';
      expect((await withdraw(otherTeam, id, etag, { reason: 'made-in-error' }).expect(403)).body.detail).toBe(NOT_YOURS);
      const unknown = '5f0e4c4e-8a43-4a8e-9d0b-0c7c1d1e2f30';
      expect((await withdraw(otherTeam, unknown, undefined, { reason: 'made-in-error' }).expect(403)).body.detail).toBe(NOT_YOURS);
      // To a manager, who may see every request, an unknown id is just not there.
      await withdraw(manager, unknown, undefined, { reason: 'made-in-error' }).expect(404);
      const denied = await t.sql<{ actor_id: string; subject_person_id: string | null; policy: string }>(
        `SELECT actor_id, subject_person_id, details->>'policy' AS policy FROM audit_events
          WHERE action = 'access.denied' AND resource_type = 'cto-extension' AND resource_id = ANY($1::text[]) AND actor_id = $2 ORDER BY id`,
        [[id, unknown], otherTeam.id],
      );
      expect(denied).toEqual([
        { actor_id: otherTeam.id, subject_person_id: teamsPatient, policy: 'cto-extensions.withdraw' },
        { actor_id: otherTeam.id, subject_person_id: null, policy: 'cto-extensions.withdraw' },
      ]);

      const bad = await withdraw(rcTeam, id, etag, { reason: 'changed-mind', note: 42 }).expect(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['note', 'reason']);
      await withdraw(rcTeam, id, etag, {}).expect(400);
      // 'other' says nothing by itself: the note gives the reasons.
      // A note of blanks says nothing: refused as every blank text is.
      expect((await withdraw(rcTeam, id, etag, { reason: 'other', note: '   ' }).expect(400)).body.errors).toEqual([
        expect.objectContaining({ field: 'note' }),
      ]);
      for (const note of [undefined, 'Moved'])
        expect((await withdraw(rcTeam, id, etag, { reason: 'other', note }).expect(422)).body).toMatchObject({
          code: 'requirement-missing',
          errors: [{ field: 'note' }],
        });
      // Read before the allocation: stale.
      const stale = await withdraw(rcTeam, id, created.headers.etag, { reason: 'made-in-error' }).expect(412);
      expect(stale.headers['content-type']).toContain('application/problem+json');

      const [row] = await t.sql<{ status: string; withdrawn_at: Date | null; version: number }>(
        'SELECT status, withdrawn_at, version FROM cto_extensions WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ status: 'allocated', withdrawn_at: null, version: alloc.body.version });
      expect(
        (await t.sql('SELECT 1 FROM outbox_events WHERE aggregate_id = $1 AND type = $2', [id, 'cto-extension.withdrawn'])).length,
      ).toBe(0);

      // Withdrawn for another reason, given: then it is final.
      const done = await withdraw(rcTeam, id, etag, { reason: 'other', note: 'Moved to Leeds; their team will ask their own hub.' }).expect(
        200,
      );
      expect(done.body.withdrawal).toMatchObject({ reason: 'other', note: 'Moved to Leeds; their team will ask their own hub.' });
      const again = await withdraw(manager, id, done.headers.etag, { reason: 'made-in-error' }).expect(409);
      expect(again.body).toMatchObject({ code: 'cto-extension-withdrawn', reason: 'other' });
      // Nor is it allocated again, or a statement made on it.
      const realloc = await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', done.headers.etag)
        .send({ amhpUserId: other.id })
        .expect(409);
      expect(realloc.body.code).toBe('cto-extension-withdrawn');
      const stated = await as(amhpUser)
        .post(`/cto-extensions/${id}/statement`)
        .set('if-match', done.headers.etag)
        .send({ decision: 'agree', reasons })
        .expect(409);
      expect(stated.body.code).toBe('cto-extension-withdrawn');
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({
        status: 'withdrawn',
        allocatedUserId: amhpUser.id,
        statement: null,
        version: done.body.version,
      });
      expect(
        (await t.sql('SELECT 1 FROM outbox_events WHERE aggregate_id = $1 AND type = $2', [id, 'cto-extension.withdrawn'])).length,
      ).toBe(1);
    });

    it('a request whose statement is made cannot be withdrawn (409 cto-extension-decided), nor one that lapsed (409 cto-extension-lapsed)', async () => {
      const { id, etag } = await allocated();
      const stated = await as(amhpUser)
        .post(`/cto-extensions/${id}/statement`)
        .set('if-match', etag)
        .send({ decision: 'disagree', reasons })
        .expect(200);
      const decided = await withdraw(manager, id, stated.headers.etag, { reason: 'not-extending' }).expect(409);
      expect(decided.body.code).toBe('cto-extension-decided');

      const lapsing = await allocated();
      // Wed 15 Jul 09:00 BST: the CTO ended at midnight without the statement.
      await moveTo('2026-07-15T08:00:00Z');
      const read = await as(manager).get(`/cto-extensions/${lapsing.id}`).expect(200);
      expect(read.body.lapsed).toBe(true);
      const lapsed = await withdraw(manager, lapsing.id, read.headers.etag, { reason: 'not-extending' }).expect(409);
      expect(lapsed.body).toMatchObject({ code: 'cto-extension-lapsed', rule: 'CTO-04' });
      expect((await as(manager).get(`/cto-extensions/${lapsing.id}`).expect(200)).body).toMatchObject({
        status: 'allocated',
        lapsed: true,
        withdrawal: null,
        version: read.body.version,
      });
    });
  });

  describe("the allocated AMHP's access to the patient through the request (UK GDPR Art. 5(1)(c)): hers while she may be asked for or about the statement", () => {
    /** Her reads and the refusals of them, as audited, oldest first. */
    const herAudit = (userId: string, personId: string) =>
      t.sql<{ action: string; resource_type: string; outcome: string; access_basis: string | null; policy: string | null }>(
        `SELECT action, resource_type, outcome, access_basis, details->>'policy' AS policy FROM audit_events
          WHERE actor_id = $1 AND subject_person_id = $2 ORDER BY id`,
        [userId, personId],
      );

    it('withdrawn by its referrer: the AMHP it was allocated to read the patient until then, and is refused after (403 no-relationship, audited as refused); the referrer and a manager still read it', async () => {
      const ada = await amhp(t, { displayName: 'Ada Allocated' });
      const created = await as(rcTeam)
        .post('/cto-extensions')
        .send(request({ personId: teamsPatient }))
        .expect(201);
      const id = created.body.id as string;
      const alloc = await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', created.headers.etag)
        .send({ amhpUserId: ada.id })
        .expect(200);
      // Allocated to her: she reads the request and the patient's record.
      await as(ada).get(`/cto-extensions/${id}`).expect(200);
      await as(ada).get(`/people/${teamsPatient}`).expect(200);

      await as(rcTeam)
        .post(`/cto-extensions/${id}/withdraw`)
        .set('if-match', alloc.headers.etag)
        .send({ reason: 'not-extending' })
        .expect(200);
      await as(ada).get(`/cto-extensions/${id}`).expect(403);
      const refused = await as(ada).get(`/people/${teamsPatient}`).expect(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.code).toBe('no-relationship');
      const again = await as(ada).get(`/cto-extensions/${id}`).expect(403);
      expect(again.body).toMatchObject({ code: 'no-relationship', breakGlass: { href: '/break-glass', method: 'POST' } });
      // Not in her list either.
      expect((await as(ada).get('/cto-extensions?assigned=me').expect(200)).body.items).toEqual([]);
      expect(await herAudit(ada.id, teamsPatient)).toEqual([
        {
          action: 'cto-extension.read',
          resource_type: 'cto-extension',
          outcome: 'success',
          access_basis: 'relationship:allocated',
          policy: null,
        },
        { action: 'person.read', resource_type: 'person', outcome: 'success', access_basis: 'relationship:allocated', policy: null },
        { action: 'access.denied', resource_type: 'cto-extension', outcome: 'denied', access_basis: null, policy: 'person.read' },
        // The route's own check of the person, as every read of a record of someone she has no relationship to.
        { action: 'access.denied', resource_type: 'route', outcome: 'denied', access_basis: null, policy: 'person.read' },
        { action: 'access.denied', resource_type: 'cto-extension', outcome: 'denied', access_basis: null, policy: 'person.read' },
      ]);
      // Her statement, sent after (kept on her phone without a signal): refused as withdrawn, as she was told, and audited.
      const stated = await as(ada)
        .post(`/cto-extensions/${id}/statement`)
        .set('if-match', alloc.headers.etag)
        .send({ decision: 'agree', reasons })
        .expect(409);
      expect(stated.body).toMatchObject({ code: 'cto-extension-withdrawn', reason: 'not-extending' });
      expect((await herAudit(ada.id, teamsPatient)).slice(-1)).toEqual([
        { action: 'access.denied', resource_type: 'cto-extension', outcome: 'denied', access_basis: null, policy: 'cto-extensions.state' },
      ]);

      // Those whose reason to read it stands still do.
      expect((await as(rcTeam).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({
        status: 'withdrawn',
        allocatedUserId: ada.id,
      });
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({ status: 'withdrawn' });
      await as(manager).get(`/people/${teamsPatient}`).expect(200);
    });

    it('withdrawn by a manager near its deadline: her access ends with it, and nothing of it waits for her', async () => {
      const ada = await amhp(t, { displayName: 'Ada Paged' });
      const { id, etag } = await allocated(ada);
      await as(ada).get(`/cto-extensions/${id}`).expect(200);
      // Tue 14 Jul 12:43 BST: 11 h 17 min left; she is warned and paged.
      await moveTo('2026-07-14T11:43:00Z', [manager, ada]);
      expect(await t.app.get(JobRunner).runDue()).toContain('cto-statement-due');
      const waiting = `SELECT 'page' AS what FROM pages WHERE recipient_user_id = $1 AND subject_id = $2 AND closed_reason IS NULL AND acknowledged_at IS NULL
         UNION ALL
         SELECT 'warning' FROM notifications WHERE user_id = $1 AND subject_id = $2 AND closed_at IS NULL AND kind <> 'cto-extension.withdrawn'`;
      expect((await t.sql<{ what: string }>(waiting, [ada.id, id])).map((w) => w.what).sort()).toEqual(['page', 'warning']);
      await as(manager).post(`/cto-extensions/${id}/withdraw`).set('if-match', etag).send({ reason: 'cto-revoked' }).expect(200);
      await as(ada).get(`/cto-extensions/${id}`).expect(403);
      await as(ada).get(`/people/${personId}`).expect(403);
      expect(await t.sql(waiting, [ada.id, id])).toEqual([]);
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body.status).toBe('withdrawn');
    });

    it('her statement made: she still reads the request and the patient (she may be asked about it), after its last day too', async () => {
      const ada = await amhp(t, { displayName: 'Ada Stated' });
      const { id, etag } = await allocated(ada);
      await as(ada).post(`/cto-extensions/${id}/statement`).set('if-match', etag).send({ decision: 'agree', reasons }).expect(200);
      await moveTo('2026-08-20T09:00:00Z', [manager, ada]);
      expect((await as(ada).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({ status: 'agreed', lapsed: false });
      await as(ada).get(`/people/${personId}`).expect(200);
    });

    it('lapsed without her statement: she still reads it, and a statement she signed by the deadline is still recorded', async () => {
      const ada = await amhp(t, { displayName: 'Ada Lapsed' });
      const { id, etag } = await allocated(ada);
      // Wed 15 Jul 09:00 BST: the CTO ended at midnight without the statement.
      await moveTo('2026-07-15T08:00:00Z', [manager, ada]);
      expect((await as(ada).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({ status: 'allocated', lapsed: true });
      await as(ada).get(`/people/${personId}`).expect(200);
      await as(ada)
        .post(`/cto-extensions/${id}/statement`)
        .set('if-match', etag)
        .send({ decision: 'agree', reasons, signedAt: '2026-07-14T22:00:00+01:00' })
        .expect(200);
    });
  });

  describe('its timeline: what happened to the request, when (the service’s clock) and by whom, on its read', () => {
    const step = (type: string, at: string, byUserId: string | null, over: object = {}) => ({
      type,
      at,
      byUserId,
      amhpUserId: null,
      reason: null,
      ...over,
    });

    it('received, allocated, reallocated, the statement made: each change answers with its step added, and the read shows them all, oldest first', async () => {
      // Reached the hub at 09:30 BST, recorded at 10:00.
      const created = await as(manager)
        .post('/cto-extensions')
        .send(request({ receivedAt: '2026-07-10T08:30:00Z' }))
        .expect(201);
      const id = created.body.id as string;
      const received = step('received', '2026-07-10T08:30:00.000Z', manager.id);
      expect(created.body.timeline).toEqual([received]);
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body.timeline).toEqual([received]);

      await moveTo('2026-07-10T09:05:00Z');
      const alloc = await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', created.headers.etag)
        .send({ amhpUserId: amhpUser.id })
        .expect(200);
      const allocatedStep = step('allocated', '2026-07-10T09:05:00.000Z', manager.id, { amhpUserId: amhpUser.id });
      expect(alloc.body.timeline).toEqual([received, allocatedStep]);

      await moveTo('2026-07-10T09:10:00Z');
      const realloc = await as(manager)
        .post(`/cto-extensions/${id}/allocation`)
        .set('if-match', alloc.headers.etag)
        .send({ amhpUserId: other.id })
        .expect(200);
      const reallocated = step('reallocated', '2026-07-10T09:10:00.000Z', manager.id, { amhpUserId: other.id });
      expect(realloc.body.timeline).toEqual([received, allocatedStep, reallocated]);

      // She signed at 10:15 BST and sends it at 10:20: the step is when the service recorded it; the statement says when she signed.
      await moveTo('2026-07-10T09:20:00Z');
      const stated = await as(other)
        .post(`/cto-extensions/${id}/statement`)
        .set('if-match', realloc.headers.etag)
        .send({ decision: 'agree', reasons, signedAt: '2026-07-10T09:15:00Z' })
        .expect(200);
      const made = step('statement-made', '2026-07-10T09:20:00.000Z', other.id);
      expect(stated.body.timeline).toEqual([received, allocatedStep, reallocated, made]);
      expect(stated.body.statement.signedAt).toBe('2026-07-10T09:15:00.000Z');
      for (const reader of [manager, other])
        expect((await as(reader).get(`/cto-extensions/${id}`).expect(200)).body.timeline).toEqual([
          received,
          allocatedStep,
          reallocated,
          made,
        ]);
      // The list shows the requests, not their timelines.
      const listed = (await as(other).get('/cto-extensions?assigned=me&limit=100').expect(200)).body.items as Array<{ id: string }>;
      expect(listed.find((c) => c.id === id)).not.toHaveProperty('timeline');
    });

    it('withdrawn: the step says by whom and why, and its referrer reads it', async () => {
      const created = await as(rcTeam)
        .post('/cto-extensions')
        .send(request({ personId: teamsPatient }))
        .expect(201);
      const id = created.body.id as string;
      await moveTo('2026-07-11T10:00:00Z');
      const res = await as(rcTeam)
        .post(`/cto-extensions/${id}/withdraw`)
        .set('if-match', created.headers.etag)
        .send({ reason: 'discharged', note: 'Discharged by the tribunal on Friday.' })
        .expect(200);
      const timeline = [
        step('received', '2026-07-10T09:00:00.000Z', rcTeam.id),
        step('withdrawn', '2026-07-11T10:00:00.000Z', rcTeam.id, { reason: 'discharged' }),
      ];
      expect(res.body.timeline).toEqual(timeline);
      expect((await as(rcTeam).get(`/cto-extensions/${id}`).expect(200)).body.timeline).toEqual(timeline);
      // Past its last day: a withdrawn request did not lapse.
      await moveTo('2026-07-20T09:00:00Z');
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body.timeline).toEqual(timeline);
    });

    it('lapsed without the statement: the lapse at the end of its last day, by nobody; then its breach when the service raised it, once', async () => {
      const { id } = await allocated();
      const before = [
        step('received', '2026-07-10T09:00:00.000Z', manager.id),
        step('allocated', '2026-07-10T09:00:00.000Z', manager.id, { amhpUserId: amhpUser.id }),
      ];
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body.timeline).toEqual(before);
      // Wed 15 Jul 04:07 BST: the CTO ended at midnight; the warnings job has not run since.
      await moveTo('2026-07-15T03:07:00Z');
      const lapse = step('lapsed', '2026-07-14T23:00:00.000Z', null);
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body.timeline).toEqual([...before, lapse]);
      expect(await t.app.get(JobRunner).runDue()).toContain('cto-statement-due');
      const raised = step('breach-raised', '2026-07-15T03:07:00.000Z', null);
      expect((await as(amhpUser).get(`/cto-extensions/${id}`).expect(200)).body.timeline).toEqual([...before, lapse, raised]);
      await moveTo('2026-07-15T04:08:00Z');
      expect(await t.app.get(JobRunner).runDue()).toContain('cto-statement-due');
      expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body.timeline).toEqual([...before, lapse, raised]);
    });
  });
});
