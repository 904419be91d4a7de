import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { REFERRER_STATUS_VIEW_KEYS } from './support/referral-fixtures';

// 9434765919 is a valid NHS number (modulus 11).
describe('every person record behind its policy', () => {
  let t: TestApp;
  let manager: TestUser;
  let referrer: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    referrer = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  const api = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, h: Record<string, string> = {}) => t.http.post(p).set('authorization', u.auth).set(h).send(b),
  });
  /** The person a referral is against (a referrer's answer does not say). */
  const personOf = async (referralId: string): Promise<string> =>
    (await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [referralId]))[0].person_id;
  /** What a referrer's answer to POST /referrals holds: the status view GET gives them, nothing of the person. */
  const STATUS_VIEW = REFERRER_STATUS_VIEW_KEYS;
  let n = 0;
  const referral = (person: object = {}) => ({
    person: { givenName: 'Alex', familyName: `Person${++n}`, dateOfBirth: '1990-05-01', ...person },
    source: 'gp',
    referrer: { name: 'Dr Ward', organisation: 'Northshire Surgery', phone: '+44 1632 960111' },
    reason: 'Deteriorating over two weeks, family worried',
    risks: { toSelf: true, toOthers: false, fromOthers: false },
    urgency: 'urgent',
    legalContext: { kind: 'informal' },
  });

  describe('an AMHP on duty lists referrals', () => {
    it('cannot list the closed or withdrawn referrals of people they have no relationship to (GET /referrals?status=closed)', async () => {
      const duty = await amhp(t);
      const shift = (
        await api(manager)
          .post('/rota/shifts', { label: 'Night', startsAt: '2026-11-20T22:00:00Z', endsAt: '2026-11-21T09:00:00Z', requiredCount: 1 })
          .expect(201)
      ).body;
      await api(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: duty.practitionerId }).expect(201);
      const open = (await api(manager).post('/referrals', referral()).expect(201)).body;
      const closed = (await api(manager).post('/referrals', referral()).expect(201)).body;
      await api(manager)
        .post(`/referrals/${closed.id}/status`, { status: 'withdrawn', reason: 'Admitted informally overnight' })
        .expect(200);
      const ids = async (q: string) => (await api(duty).get(`/referrals${q}`).expect(200)).body.items.map((r: { id: string }) => r.id);
      expect(await ids('')).toContain(open.id);
      expect(await ids('?status=withdrawn')).toEqual([]);
      expect(await ids('?all=true')).not.toContain(closed.id);
      await api(duty).get(`/referrals/${closed.id}`).expect(403);
    });

    it('each referral a list shows is audited with the basis it was shown on, never a blank one', async () => {
      const duty = await amhp(t);
      const shift = (
        await api(manager)
          .post('/rota/shifts', { label: 'Night', startsAt: '2026-11-20T22:00:00Z', endsAt: '2026-11-21T09:00:00Z', requiredCount: 1 })
          .expect(201)
      ).body;
      await api(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: duty.practitionerId }).expect(201);
      const open = (await api(manager).post('/referrals', referral()).expect(201)).body;
      await api(duty).get('/referrals').set('x-request-id', 'list-basis-duty').expect(200);
      await api(manager).get('/referrals').set('x-request-id', 'list-basis-manager').expect(200);
      const rows = await t.sql<{ request_id: string; resource_id: string; access_basis: string | null }>(
        `SELECT request_id, resource_id, access_basis FROM audit_events WHERE action = 'referral.read' AND request_id LIKE 'list-basis-%'`,
      );
      expect(rows.find((r) => r.request_id === 'list-basis-duty' && r.resource_id === open.id)?.access_basis).toBe('relationship:duty');
      expect(rows.find((r) => r.request_id === 'list-basis-manager' && r.resource_id === open.id)?.access_basis).toBe('role:manager');
      expect(rows.filter((r) => r.access_basis === null)).toEqual([]);
    });
  });

  describe('a referrer sending the details of a person the hub already holds', () => {
    it("is linked to the person, yet reads nothing of what the hub recorded, nor which other agency's referral is open", async () => {
      const known = { nhsNumber: '4010232137', givenName: 'Ottoline', familyName: 'Brackenbury', dateOfBirth: '1985-07-30' };
      const theirs = (await api(manager).post('/referrals', referral(known)).expect(201)).body;
      await api(manager)
        .post(`/people/${theirs.person.id}/relatives`, { name: 'Magnus Brackenbury', relationship: 'spouse', notes: 'hostile to services' })
        .expect(201);
      const gp = await t.user(['referrer']);
      const sent = (await api(gp).post('/referrals', referral(known)).expect(201)).body;
      expect(await personOf(sent.id)).toBe(theirs.person.id);
      // The status view, as GET gives it: no person, no findings (the hub reads the duplicate warning).
      expect(Object.keys(sent).sort()).toEqual(STATUS_VIEW);
      expect(sent).toEqual((await api(gp).get(`/referrals/${sent.id}`).expect(200)).body);
      expect(
        (await api(manager).get(`/referrals/${sent.id}`).expect(200)).body.findings.find(
          (f: { code: string }) => f.code === 'open-referral-exists',
        ),
      ).toMatchObject({ referralId: theirs.id });
      expect(JSON.stringify(sent)).not.toMatch(/Ottoline|Brackenbury|4010232137|1985-07-30/);
      expect(JSON.stringify(sent)).not.toContain(theirs.reference);
      expect(JSON.stringify(sent)).not.toContain(theirs.id);
      for (const path of ['', '/relatives', '/nearest-relative'])
        expect(JSON.stringify((await api(gp).get(`/people/${theirs.person.id}${path}`).expect(403)).body)).not.toContain('Magnus');
      await api(gp).get(`/referrals/${theirs.id}`).expect(403);
      // Naming the record instead of the details: refused, and the refusal audited.
      const stranger = await t.user(['referrer']);
      const { person: _p, ...byRecord } = referral();
      const refused = await api(stranger)
        .post('/referrals', { ...byRecord, personId: theirs.person.id })
        .expect(403);
      expect(JSON.stringify(refused.body)).not.toContain('Brackenbury');
      expect(
        await t.sql(`SELECT outcome, subject_person_id FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`, [stranger.id]),
      ).toEqual([{ outcome: 'denied', subject_person_id: theirs.person.id }]);
      // The hub's staff see which referral it duplicates (the latest open one).
      const again = (await api(manager).post('/referrals', referral(known)).expect(201)).body;
      const named = again.findings.find((f: { code: string }) => f.code === 'open-referral-exists');
      expect([theirs.id, sent.id]).toContain(named.referralId);
      expect(named.href).toBe(`/referrals/${named.referralId}`);
    });
  });

  describe('a referrer referring again a person the hub has since identified', () => {
    it('by their personId is answered with the status view, never what the hub recorded; so is the replay under its Idempotency-Key', async () => {
      const police = await t.user(['referrer']);
      const first = (
        await api(police)
          .post('/referrals', referral({ givenName: 'Unknown', familyName: 'Male', dateOfBirth: undefined }))
          .expect(201)
      ).body;
      const personId = await personOf(first.id);
      // The hub finds out who he is.
      await t.http
        .patch(`/people/${personId}`)
        .set('authorization', manager.auth)
        .send({
          givenName: 'Tomasz',
          familyName: 'Identified',
          nhsNumber: '9051510012',
          dateOfBirth: '1969-09-09',
          address: '12 Hidden Road',
        })
        .expect(200);
      await api(police).get(`/people/${personId}`).expect(403);
      const { person: _p, ...byRecord } = referral();
      const again = await api(police)
        .post('/referrals', { ...byRecord, personId }, { 'idempotency-key': 'refer-again-by-record' })
        .expect(201);
      expect(Object.keys(again.body).sort()).toEqual(STATUS_VIEW);
      expect(JSON.stringify(again.body)).not.toMatch(/Tomasz|Identified|9051510012|1969-09-09|Hidden/);
      expect(again.headers).not.toHaveProperty('etag');
      const replayed = await api(police)
        .post('/referrals', { ...byRecord, personId }, { 'idempotency-key': 'refer-again-by-record' })
        .expect(201);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toEqual(again.body);
    });

    it('naming a person by a record id they may not know gets the same refusal whether the hub holds that id or not, audited both times', async () => {
      const held = (await api(manager).post('/referrals', referral()).expect(201)).body.person.id;
      const unknown = '00000000-0000-4000-8000-0000000000d7';
      const { person: _p, ...byRecord } = referral();
      for (const caller of [await amhp(t), await t.user(['referrer'])]) {
        const answers = [];
        for (const personId of [held, unknown]) {
          const res = await api(caller)
            .post('/referrals', { ...byRecord, personId })
            .expect(403);
          const { requestId: _r, instance: _i, ...rest } = res.body;
          answers.push(JSON.stringify(rest).replace(personId, '<id>'));
        }
        expect(answers[1]).toBe(answers[0]);
        expect(
          await t.sql(
            `SELECT subject_person_id FROM audit_events WHERE action = 'access.denied' AND actor_id = $1 ORDER BY subject_person_id`,
            [caller.id],
          ),
        ).toEqual(
          [{ subject_person_id: unknown }, { subject_person_id: held }].sort((a, b) =>
            a.subject_person_id.localeCompare(b.subject_person_id),
          ),
        );
      }
      // A manager may know every person: an unknown one is simply not found.
      await api(manager)
        .post('/referrals', { ...byRecord, personId: unknown })
        .expect(404);
      expect(await t.sql(`SELECT 1 FROM referrals WHERE person_id = $1`, [unknown])).toEqual([]);
    });

    it('an AMHP with no relationship who names a recorded person by their details is answered with the status view', async () => {
      const known = { nhsNumber: '4857773457', givenName: 'Priya', familyName: 'Holdfast', dateOfBirth: '1979-02-14' };
      const theirs = (await api(manager).post('/referrals', referral(known)).expect(201)).body;
      await t.http.patch(`/people/${theirs.person.id}`).set('authorization', manager.auth).send({ address: '3 Quiet Lane' }).expect(200);
      const offDuty = await amhp(t);
      const sent = (
        await api(offDuty)
          .post('/referrals', referral({ ...known, givenName: 'PRIYA', familyName: 'holdfast' }))
          .expect(201)
      ).body;
      expect(await personOf(sent.id)).toBe(theirs.person.id);
      expect(Object.keys(sent).sort()).toEqual(STATUS_VIEW);
      // The manager may read the person: the full answer, and it is a read of the record, audited.
      const byManager = await api(manager).post('/referrals', referral(known)).set('x-request-id', 'intake-shows-person').expect(201);
      expect(byManager.body.person.id).toBe(theirs.person.id);
      expect(
        await t.sql(`SELECT access_basis FROM audit_events WHERE action = 'person.read' AND request_id = 'intake-shows-person'`),
      ).toEqual([{ access_basis: 'role:manager' }]);
    });
  });

  describe('intake by NHS number', () => {
    let stored: { id: string };
    beforeAll(async () => {
      const first = (
        await api(manager)
          .post('/referrals', referral({ nhsNumber: '9434765919', givenName: 'Morgan', familyName: 'Realname', dateOfBirth: '1971-03-04' }))
          .expect(201)
      ).body;
      stored = first.person;
      await api(manager).post(`/referrals/${first.id}/status`, { status: 'withdrawn', reason: 'Resolved with the GP' }).expect(200);
    });

    it('a referrer who gives a recorded NHS number with another name learns nothing of who it belongs to and gets no access to them', async () => {
      const guess = referral({ nhsNumber: '9434765919', givenName: 'Guess', familyName: 'Wrong', dateOfBirth: '1980-01-01' });
      const res = await api(referrer).post('/referrals', guess, { 'idempotency-key': 'guess-recorded-number' }).expect(201);
      // Its replay is about the referral sent, not the recorded person the number was matched against: replayed alike.
      const replayed = await api(referrer).post('/referrals', guess, { 'idempotency-key': 'guess-recorded-number' }).expect(201);
      expect(replayed.body).toEqual(res.body);
      expect(JSON.stringify(res.body)).not.toMatch(/Morgan|Realname|1971-03-04/);
      // Answered as for a number never recorded: the status view, saying nothing of a pending match.
      expect(Object.keys(res.body).sort()).toEqual(STATUS_VIEW);
      const unknown = (
        await api(referrer)
          .post('/referrals', referral({ nhsNumber: '9434765013', givenName: 'Guess', familyName: 'Wrong', dateOfBirth: '1980-01-01' }))
          .expect(201)
      ).body;
      expect(Object.keys(unknown).sort()).toEqual(STATUS_VIEW);
      const pendingPerson = await personOf(res.body.id);
      expect(pendingPerson).not.toBe(stored.id);
      const held = (await api(manager).get(`/referrals/${res.body.id}`).expect(200)).body;
      // The record shows the number sent, as a new number's does; the record itself does not hold it (the match does).
      expect(held.person).toMatchObject({ givenName: 'Guess', familyName: 'Wrong', dateOfBirth: '1980-01-01', nhsNumber: '9434765919' });
      expect(await t.sql('SELECT nhs_number FROM persons WHERE id = $1', [pendingPerson])).toEqual([{ nhs_number: null }]);
      expect(held.findings.map((f: { code: string }) => f.code)).toContain('identity-match-pending');
      expect(held.findings.map((f: { code: string }) => f.code)).not.toContain('person-details-differ');
      await api(referrer).get(`/people/${stored.id}`).expect(403);
      await api(referrer).get(`/people/${stored.id}/relatives`).expect(403);
      await api(referrer).get(`/people/${stored.id}/nearest-relative`).expect(403);
      expect(await t.sql(`SELECT 1 FROM access_relationships WHERE user_id = $1 AND person_id = $2`, [referrer.id, stored.id])).toEqual([]);
      // What they sent is theirs to follow.
      await api(referrer).get(`/referrals/${res.body.id}`).expect(200);
    });

    it('a referrer who gives the NHS number with the recorded names and date of birth refers that person', async () => {
      const res = await api(referrer)
        .post('/referrals', referral({ nhsNumber: '9434765919', givenName: 'morgan', familyName: 'REALNAME', dateOfBirth: '1971-03-04' }))
        .expect(201);
      expect(await personOf(res.body.id)).toBe(stored.id);
      // Referred, not read: the record's own spelling is not shown back.
      expect(Object.keys(res.body).sort()).toEqual(STATUS_VIEW);
      expect(JSON.stringify(res.body)).not.toMatch(/Morgan|Realname/);
    });

    it("the hub resolves a pending match: same person moves the referral, and the referrer's relationship with it (to the referral, never the record); audited", async () => {
      const other = await t.user(['referrer']);
      const sent = (
        await api(other)
          .post(
            '/referrals',
            referral({ nhsNumber: '9434765919', givenName: 'Morgan', familyName: 'Realname-Smith', dateOfBirth: '1971-03-04' }),
          )
          .expect(201)
      ).body;
      await api(other).get(`/people/${stored.id}`).expect(403);
      await api(referrer).get('/people/matches').expect(403);
      const pendingPerson = await personOf(sent.id);
      const pending = (await api(manager).get('/people/matches?status=pending').expect(200)).body.items;
      const match = pending.find((x: { pendingPerson: { id: string } }) => x.pendingPerson.id === pendingPerson);
      expect(match).toMatchObject({ status: 'pending', nhsNumber: '9434765919', candidatePerson: { id: stored.id } });
      await api(other).post(`/people/matches/${match.id}/resolve`, { outcome: 'same-person' }).expect(403);
      await api(manager).post(`/people/matches/${match.id}/resolve`, { outcome: 'maybe' }).expect(400);
      const resolved = (await api(manager).post(`/people/matches/${match.id}/resolve`, { outcome: 'same-person' }).expect(200)).body;
      expect(resolved.status).toBe('same-person');
      await api(manager).post(`/people/matches/${match.id}/resolve`, { outcome: 'different-person' }).expect(409);
      expect((await api(manager).get(`/referrals/${sent.id}`).expect(200)).body.person.id).toBe(stored.id);
      // The referrer's relationship moves to the recorded person with the referral; it never opens the record to them.
      expect(
        await t.sql(
          `SELECT person_id FROM access_relationships WHERE user_id = $1 AND kind = 'referrer' AND source_id = $2 AND valid_to IS NULL`,
          [other.id, sent.id],
        ),
      ).toEqual([{ person_id: stored.id }]);
      await api(other).get(`/people/${stored.id}`).expect(403);
      await api(other).get(`/people/${pendingPerson}`).expect(403);
      expect(
        await t.sql(
          `SELECT action FROM audit_events WHERE resource_id = $1 AND action IN ('person.match-resolve', 'referral.person-matched') ORDER BY action`,
          [match.id],
        ),
      ).toEqual([{ action: 'person.match-resolve' }, { action: 'referral.person-matched' }]);
    });

    it('same person moves what was recorded with the referral too: the allocated AMHP carries on with her open assessment and the relatives she recorded', async () => {
      const police = await t.user(['referrer']);
      const sent = (
        await api(police)
          .post(
            '/referrals',
            referral({ nhsNumber: '9434765919', givenName: 'Probe', familyName: 'Privacyone', dateOfBirth: '1990-02-03' }),
          )
          .expect(201)
      ).body;
      const pendingPerson = await personOf(sent.id);
      const lead = await amhp(t);
      for (const status of ['screening', 'accepted']) await api(manager).post(`/referrals/${sent.id}/status`, { status }).expect(200);
      await api(manager).post(`/referrals/${sent.id}/allocation`, { userId: lead.id }).expect(200);
      const relative = (
        await api(lead).post(`/people/${pendingPerson}/relatives`, { name: 'Mary Privacyone', relationship: 'parent' }).expect(201)
      ).body;
      const assessment = (await api(lead).post('/assessments', { referralId: sent.id }).expect(201)).body;
      const [match] = await t.sql<{ id: string }>(`SELECT id FROM person_matches WHERE pending_person_id = $1`, [pendingPerson]);
      await api(manager)
        .post(`/people/matches/${match.id}/resolve`, { outcome: 'same-person' })
        .set('x-request-id', 'resolve-moves-all')
        .expect(200);
      // One person throughout: the referral, its assessment and the relatives.
      expect((await api(manager).get(`/referrals/${sent.id}`).expect(200)).body.person.id).toBe(stored.id);
      expect((await api(lead).get(`/assessments/${assessment.id}`).expect(200)).body.person.id).toBe(stored.id);
      await api(lead)
        .post(`/assessments/${assessment.id}/contacts`, { mode: 'in-person', at: '2026-11-21T01:50:00Z', byRole: 'amhp' })
        .expect(201);
      const relatives = (await api(lead).get(`/people/${stored.id}/relatives`).expect(200)).body;
      expect(JSON.stringify(relatives)).toContain(relative.id);
      // The pending record says whose it is, and a search finds the person once, as the recorded one.
      expect((await api(manager).get(`/people/${pendingPerson}`).expect(200)).body.sameAs).toBe(stored.id);
      expect((await api(manager).get(`/people/${stored.id}`).expect(200)).body.sameAs).toBeNull();
      const found = (await api(manager).get('/people?familyName=Privacyone&dateOfBirth=1990-02-03').expect(200)).body.items;
      expect(found.map((p: { id: string }) => p.id)).not.toContain(pendingPerson);
      const pack = (await api(lead).get('/me/job-pack').expect(200)).body;
      expect(JSON.stringify(pack)).not.toContain(pendingPerson);
      // The move is audited with what moved, in the resolution's transaction.
      const [resolvedRow] = await t.sql<{ details: { moved: Record<string, string[]> } }>(
        `SELECT details FROM audit_events WHERE request_id = 'resolve-moves-all' AND action = 'person.match-resolve'`,
      );
      expect(resolvedRow.details.moved).toEqual({ relatives: [relative.id], assessments: [assessment.id] });
      // A colleague who breaks glass on the referral reaches its assessment.
      const cover = await amhp(t);
      await api(cover)
        .post('/break-glass', { referralId: sent.id, reason: 'Police called duty line, allocated AMHP unreachable, risk tonight' })
        .expect(201);
      await api(cover).get(`/assessments/${assessment.id}`).expect(200);
    });

    it('a match resolved as a different person leaves the referral with what the referrer sent', async () => {
      const gp = await t.user(['referrer']);
      const sent = (
        await api(gp)
          .post('/referrals', referral({ nhsNumber: '9434765919', givenName: 'Sam', familyName: 'Other', dateOfBirth: '1999-09-09' }))
          .expect(201)
      ).body;
      const pendingPerson = await personOf(sent.id);
      const [match] = await t.sql<{ id: string }>(`SELECT id FROM person_matches WHERE pending_person_id = $1`, [pendingPerson]);
      await api(manager).post(`/people/matches/${match.id}/resolve`, { outcome: 'different-person' }).expect(200);
      expect((await api(manager).get(`/referrals/${sent.id}`).expect(200)).body.person.id).toBe(pendingPerson);
      expect(
        await t.sql(
          `SELECT person_id FROM access_relationships WHERE user_id = $1 AND kind = 'referrer' AND source_id = $2 AND valid_to IS NULL`,
          [gp.id, sent.id],
        ),
      ).toEqual([{ person_id: pendingPerson }]);
      await api(gp).get(`/people/${stored.id}`).expect(403);
    });
  });

  describe('break-glass review', () => {
    const open = (u: TestUser, personId: string, reason = 'Police at the door, person at risk, no AMHP reachable') =>
      api(u).post('/break-glass', { personId, reason });

    it('ten opens at once for one person make one session and one alert to review; another is refused naming the one in force', async () => {
      const person = (await api(manager).post('/referrals', referral()).expect(201)).body.person;
      const a = await amhp(t);
      const answers = await Promise.all(Array.from({ length: 10 }, () => open(a, person.id)));
      const opened = answers.filter((r) => r.status === 201);
      expect(opened).toHaveLength(1);
      for (const r of answers.filter((x) => x.status !== 201))
        expect(r.body).toMatchObject({ status: 409, code: 'break-glass-open', sessionId: opened[0].body.id });
      expect(await t.sql(`SELECT 1 FROM break_glass_sessions WHERE user_id = $1 AND person_id = $2`, [a.id, person.id])).toHaveLength(1);
      expect(await t.sql(`SELECT 1 FROM review_alerts WHERE subject_id = $1`, [opened[0].body.id])).toHaveLength(1);
      // Ended, a new one may be opened.
      await api(a).post(`/break-glass/${opened[0].body.id}/end`).expect(200);
      await open(a, person.id).expect(201);
    });

    it('the reviewing auditor sees the reason given (GET /review-alerts)', async () => {
      const person = (await api(manager).post('/referrals', referral()).expect(201)).body.person;
      const a = await amhp(t);
      const session = (await open(a, person.id).expect(201)).body;
      const auditor = await t.user(['auditor']);
      const alerts = (await api(auditor).get('/review-alerts?status=open').expect(200)).body.items;
      expect(alerts.find((x: { subjectId: string }) => x.subjectId === session.id)).toMatchObject({
        reason: 'Police at the door, person at risk, no AMHP reachable',
      });
    });

    it('a user who is both AMHP and auditor cannot review their own break-glass alert (403)', async () => {
      const person = (await api(manager).post('/referrals', referral()).expect(201)).body.person;
      const both = await amhp(t, { roles: ['amhp', 'auditor'] });
      const session = (await open(both, person.id).expect(201)).body;
      const [alert] = await t.sql<{ id: string }>(`SELECT id FROM review_alerts WHERE subject_id = $1`, [session.id]);
      const res = await api(both).post(`/review-alerts/${alert.id}/review`, { outcome: 'justified' }).expect(403);
      expect(res.body.code).toBe('own-alert');
      expect(await t.sql(`SELECT 1 FROM review_alerts WHERE id = $1 AND reviewed_at IS NULL`, [alert.id])).toHaveLength(1);
    });

    it('cannot open break-glass with a reason of spaces (400) or for a person who does not exist (404), and nothing is stored', async () => {
      const person = (await api(manager).post('/referrals', referral()).expect(201)).body.person;
      const a = await amhp(t);
      const blank = await open(a, person.id, ' '.repeat(25)).expect(400);
      expect(blank.body.errors.map((e: { field: string }) => e.field)).toContain('reason');
      await open(a, '0b7f8a2e-4c1d-4e5f-9a6b-7c8d9e0f1a2b').expect(404);
      expect(await t.sql(`SELECT 1 FROM break_glass_sessions WHERE user_id = $1`, [a.id])).toEqual([]);
    });
  });

  describe('Idempotency-Key replay', () => {
    it('a retry gets its first answer again whatever has changed since (the referral withdrawn, the access ended), audited as a read of the person on the replay', async () => {
      const gp = await t.user(['referrer']);
      const body = referral();
      const first = await api(gp).post('/referrals', body, { 'idempotency-key': 'replay-after-access-ends' }).expect(201);
      const personId = await personOf(first.body.id);
      const again = await api(gp).post('/referrals', body, { 'idempotency-key': 'replay-after-access-ends' }).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(Object.keys(again.body).sort()).toEqual(STATUS_VIEW);
      await api(manager).post(`/referrals/${first.body.id}/status`, { status: 'withdrawn', reason: 'Sent to the wrong hub' }).expect(200);
      const late = await api(gp)
        .post('/referrals', body, { 'idempotency-key': 'replay-after-access-ends', 'x-request-id': 'replay-after-withdrawal' })
        .expect(201);
      expect(late.headers['idempotent-replayed']).toBe('true');
      expect(late.body).toEqual(first.body);
      expect(
        await t.sql(
          `SELECT access_basis FROM audit_events WHERE action = 'person.read' AND subject_person_id = $1 AND details->>'via' = 'idempotent-replay' ORDER BY id`,
          [personId],
        ),
      ).toEqual([{ access_basis: 'relationship:referrer' }, { access_basis: 'idempotent-replay' }]);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`, [gp.id])).toEqual([]);
    });

    it('a person recorded with POST /people by a referrer or an AMHP with no relationship: the retry gets the 201 again, not a refusal', async () => {
      for (const caller of [await t.user(['referrer']), await amhp(t)]) {
        const body = { givenName: 'Yan', familyName: `Replay${++n}`, dateOfBirth: '1988-08-08' };
        const first = await api(caller)
          .post('/people', body, { 'idempotency-key': `person-${caller.id}` })
          .expect(201);
        const again = await api(caller)
          .post('/people', body, { 'idempotency-key': `person-${caller.id}` })
          .expect(201);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toEqual(first.body);
        expect(await t.sql(`SELECT 1 FROM persons WHERE family_name = $1`, [body.familyName])).toHaveLength(1);
        // The record stays closed to them otherwise.
        await api(caller).get(`/people/${first.body.id}`).expect(403);
      }
    });

    it("an AMHP's write retried after the referral was reallocated gets its first answer; a different request under the key, or without one, is refused", async () => {
      const [lead, next] = [await amhp(t), await amhp(t)];
      const sent = (await api(manager).post('/referrals', referral()).expect(201)).body;
      for (const status of ['screening', 'accepted']) await api(manager).post(`/referrals/${sent.id}/status`, { status }).expect(200);
      await api(manager).post(`/referrals/${sent.id}/allocation`, { userId: lead.id }).expect(200);
      const relative = { name: 'Mary Replay', relationship: 'parent' };
      const first = await api(lead).post(`/people/${sent.person.id}/relatives`, relative, { 'idempotency-key': 'relative-1' }).expect(201);
      const { version } = (await api(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      await api(manager)
        .post(`/referrals/${sent.id}/allocation`, { userId: next.id }, { 'if-match': `"v${version}"` })
        .expect(200);
      await api(lead).get(`/people/${sent.person.id}`).expect(403);
      const again = await api(lead).post(`/people/${sent.person.id}/relatives`, relative, { 'idempotency-key': 'relative-1' }).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await t.sql(`SELECT 1 FROM relatives WHERE person_id = $1`, [sent.person.id])).toHaveLength(1);
      await api(lead)
        .post(`/people/${sent.person.id}/relatives`, { ...relative, name: 'Someone Else' }, { 'idempotency-key': 'relative-1' })
        .expect(403);
      await api(lead).post(`/people/${sent.person.id}/relatives`, relative).expect(403);
      expect(await t.sql(`SELECT 1 FROM relatives WHERE person_id = $1`, [sent.person.id])).toHaveLength(1);
    });
  });
});
