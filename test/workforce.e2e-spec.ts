import { Client } from 'pg';
import { EligibilityService } from '../src/workforce/eligibility.service';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('workforce: practitioners, approvals, training, eligibility', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    // Saturday 21 Nov 2026, 10:00 London.
    t = await createTestApp({
      now: '2026-11-21T10:00:00Z',
      env: { ACCESS_TOKEN_TTL_SECONDS: '86400', APPROVAL_REMINDER_DAYS: '180,90,30' },
    });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (path: string) => t.http.get(path).set('authorization', u.auth),
    post: (path: string, body: object = {}) => t.http.post(path).set('authorization', u.auth).send(body),
    patch: (path: string, body: object, ifMatch?: string) => {
      const req = t.http.patch(path).set('authorization', u.auth);
      if (ifMatch) req.set('if-match', ifMatch);
      return req.send(body);
    },
    delete: (path: string) => t.http.delete(path).set('authorization', u.auth),
  });

  async function practitioner(over: Record<string, unknown> = {}) {
    const user = await t.user(['amhp']);
    const res = await as(manager)
      .post('/practitioners', {
        userId: user.id,
        profession: 'social-worker',
        registrationBody: 'Social Work England',
        registrationNumber: `SW${Math.floor(Math.random() * 1e6)}`,
        registrationCheckedOn: '2026-10-01',
        skills: ['night'],
        ...over,
      })
      .expect(201);
    return { user, p: res.body };
  }

  describe('practitioners', () => {
    it('creates a practitioner record for a user, with ETag and Location, and audits it', async () => {
      const { user, p } = await practitioner({ team: 'North', fte: 0.8, skills: ['senior', 'night'] });
      expect(p).toMatchObject({
        userId: user.id,
        profession: 'social-worker',
        team: 'North',
        fte: 0.8,
        skills: ['senior', 'night'],
        approvalStatus: 'none',
        version: 1,
      });
      const audit = await t.sql(`SELECT actor_id FROM audit_events WHERE action = 'practitioner.create' AND resource_id = $1`, [p.id]);
      expect(audit).toEqual([{ actor_id: manager.id }]);
    });

    it('refuses a doctor with 422 citing AMHP-04, and stores nothing', async () => {
      const user = await t.user(['amhp']);
      const res = await as(manager)
        .post('/practitioners', { userId: user.id, profession: 'doctor', registrationBody: 'GMC', registrationNumber: '1234567' })
        .expect(422);
      expect(res.body).toMatchObject({ code: 'doctor-cannot-be-amhp', findings: [{ rule: 'AMHP-04', severity: 'hard' }] });
      expect(await t.sql('SELECT 1 FROM practitioners WHERE user_id = $1', [user.id])).toEqual([]);
    });

    it('refuses a second record for the same user with 409, and an unknown user with 422', async () => {
      const { user, p } = await practitioner();
      const dup = await as(manager)
        .post('/practitioners', { userId: user.id, profession: 'psychologist', registrationBody: 'HCPC', registrationNumber: 'PYL123' })
        .expect(409);
      expect(dup.body.existingId).toBe(p.id);
      await as(manager)
        .post('/practitioners', {
          userId: '00000000-0000-4000-8000-000000000000',
          profession: 'psychologist',
          registrationBody: 'HCPC',
          registrationNumber: 'PYL124',
        })
        .expect(422);
    });

    it.each([
      [{ profession: 'plumber' }, 'profession'],
      [{ fte: 1.5 }, 'fte'],
      [{ skills: ['Night Shift'] }, 'skills'],
      [{ registrationCheckedOn: '01/10/2026' }, 'registrationCheckedOn'],
      [{ salary: 50000 }, 'salary'],
    ])('refuses bad input %j with 400 naming %s', async (over, field) => {
      const user = await t.user(['amhp']);
      const res = await as(manager)
        .post('/practitioners', {
          userId: user.id,
          profession: 'social-worker',
          registrationBody: 'SWE',
          registrationNumber: 'SW1',
          ...over,
        })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it("an AMHP reads their own record but not a colleague's, and cannot change their own", async () => {
      const a = await practitioner();
      const b = await practitioner();
      await as(a.user).get(`/practitioners/${a.p.id}`).expect(200);
      const denied = await as(a.user).get(`/practitioners/${b.p.id}`).expect(403);
      expect(denied.body.detail).toMatch(/own records/);
      expect(
        await t.sql(`SELECT 1 FROM audit_events WHERE action = 'access.denied' AND resource_id = $1 AND actor_id = $2`, [
          b.p.id,
          a.user.id,
        ]),
      ).toHaveLength(1);
      await as(a.user).patch(`/practitioners/${a.p.id}`, { team: 'Mine now' }).expect(403);
      const list = await as(a.user).get('/practitioners').expect(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([a.p.id]);
    });

    it('a referrer cannot see practitioner records at all', async () => {
      const referrer = await t.user(['referrer']);
      const { p } = await practitioner();
      await as(referrer).get(`/practitioners/${p.id}`).expect(403);
      await as(referrer).get('/practitioners').expect(403);
    });

    it('updates with If-Match: a stale version is 412', async () => {
      const { p } = await practitioner();
      const ok = await as(manager)
        .patch(`/practitioners/${p.id}`, { team: 'South', skills: ['senior'] }, '"v1"')
        .expect(200);
      expect(ok.body).toMatchObject({ team: 'South', skills: ['senior'], version: 2 });
      expect(ok.headers.etag).toBe('"v2"');
      await as(manager).patch(`/practitioners/${p.id}`, { team: 'East' }, '"v1"').expect(412);
    });

    it('lists and filters by team and skill with keyset pagination', async () => {
      for (let i = 0; i < 3; i++) await practitioner({ team: 'Paged', skills: i === 0 ? ['bia'] : [] });
      const first = await as(manager).get('/practitioners?team=Paged&limit=2').expect(200);
      expect(first.body.items).toHaveLength(2);
      const second = await as(manager).get(`/practitioners?team=Paged&limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      const bia = await as(manager).get('/practitioners?team=Paged&skill=bia').expect(200);
      expect(bia.body.items).toHaveLength(1);
    });
  });

  describe('approvals (AMHP-01, -05, -07, -08)', () => {
    it('records an approval of five years less a day; the practitioner shows it active', async () => {
      const { p } = await practitioner();
      const a = await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2026-01-01',
          endsOn: '2030-12-31',
          approvedCourseCompletedOn: '2025-11-02',
          conditions: 'Act for Northshire only',
        })
        .expect(201);
      expect(a.body).toMatchObject({ status: 'active', startsOn: '2026-01-01', endsOn: '2030-12-31', suspensions: [] });
      expect((await as(manager).get(`/practitioners/${p.id}`).expect(200)).body).toMatchObject({
        approvalStatus: 'active',
        approvalEndsOn: '2030-12-31',
      });
    });

    it('refuses an approval longer than five years with 422 citing AMHP-05, storing nothing', async () => {
      const { p } = await practitioner();
      const res = await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2026-01-01',
          endsOn: '2031-01-01',
          approvedCourseCompletedOn: '2025-11-02',
        })
        .expect(422);
      expect(res.body).toMatchObject({ code: 'approval-longer-than-five-years', findings: [{ rule: 'AMHP-05', severity: 'hard' }] });
      expect(res.body.detail).toContain('must end by 2030-12-31');
      expect(await t.sql('SELECT 1 FROM approvals WHERE practitioner_id = $1', [p.id])).toEqual([]);
    });

    // AMHP-05 ✱: the longest approval is a setting (AMHP_APPROVAL_MAX_YEARS), for the legal team to confirm the regulation.
    it('with AMHP_APPROVAL_MAX_YEARS=3, refuses a four-year approval and a change to one, saying the three years, storing nothing', async () => {
      const short = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { AMHP_APPROVAL_MAX_YEARS: '3' } });
      try {
        const boss = await short.user(['manager']);
        const amhp = await short.user(['amhp']);
        const post = (path: string, body: object) => short.http.post(path).set('authorization', boss.auth).send(body);
        const p = await post('/practitioners', {
          userId: amhp.id,
          profession: 'social-worker',
          registrationBody: 'Social Work England',
          registrationNumber: 'SW300003',
          registrationCheckedOn: '2026-10-01',
        }).expect(201);
        const res = await post(`/practitioners/${p.body.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2028-02-29',
          endsOn: '2031-02-28',
          approvedCourseCompletedOn: '2027-12-31',
        }).expect(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body).toMatchObject({ code: 'approval-longer-than-five-years', findings: [{ rule: 'AMHP-05', severity: 'hard' }] });
        // Three years beginning with 29 Feb 2028 reach 28 Feb 2031 (no 29 Feb), so end the day before (C6).
        expect(res.body.detail).toBe(
          'An approval lasts at most three years: one starting 2028-02-29 must end by 2031-02-27, not 2031-02-28 (SI 2008/1206 reg 4).',
        );
        expect(await short.sql('SELECT 1 FROM approvals WHERE practitioner_id = $1', [p.body.id])).toEqual([]);
        const ok = await post(`/practitioners/${p.body.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2028-02-29',
          endsOn: '2031-02-27',
          approvedCourseCompletedOn: '2027-12-31',
        }).expect(201);
        const longer = await short.http
          .patch(`/approvals/${ok.body.id}`)
          .set('authorization', boss.auth)
          .set('if-match', ok.headers.etag)
          .send({ endsOn: '2032-02-28' })
          .expect(422);
        expect(longer.body).toMatchObject({ code: 'approval-longer-than-five-years' });
        expect(await short.sql('SELECT ends_on::text AS "endsOn" FROM approvals WHERE id = $1', [ok.body.id])).toEqual([
          { endsOn: '2031-02-27' },
        ]);
      } finally {
        await short.close();
      }
    });

    it('refuses overlapping approvals with 409, even when sent at once', async () => {
      const { p } = await practitioner();
      const results = await Promise.all(
        ['2026-01-01', '2026-06-01', '2027-01-01'].map((startsOn) =>
          as(manager).post(`/practitioners/${p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn,
            endsOn: '2028-12-31',
            approvedCourseCompletedOn: '2025-11-01',
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('approval-overlap');
    });

    it('suspends and lifts an approval; the status follows', async () => {
      const { p } = await practitioner();
      const a = (
        await as(manager)
          .post(`/practitioners/${p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn: '2025-01-01',
            endsOn: '2029-12-31',
            approvedCourseCompletedOn: '2024-11-02',
          })
          .expect(201)
      ).body;
      const suspended = (
        await as(manager).post(`/approvals/${a.id}/suspensions`, { reason: 'Registration suspended by Social Work England' }).expect(201)
      ).body;
      expect(suspended.status).toBe('suspended');
      await as(manager).post(`/approvals/${a.id}/suspensions`, { reason: 'Twice at once' }).expect(409);
      const sid = suspended.suspensions[0].id;
      t.clock.advance(3_600_000);
      const lifted = (await as(manager).post(`/approvals/${a.id}/suspensions/${sid}/lift`, { reason: 'Registration restored' }).expect(200))
        .body;
      expect(lifted.status).toBe('active');
      expect(lifted.suspensions[0]).toMatchObject({
        startsAt: '2026-11-21T10:00:00.000Z',
        endsAt: '2026-11-21T11:00:00.000Z',
        liftReason: 'Registration restored',
      });
      t.clock.advance(-3_600_000);
      const actions = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [a.id]);
      expect(actions.map((x) => x.action)).toEqual(['approval.create', 'approval.suspend', 'approval.lift-suspension']);
    });

    it('ends an approval early with a reason; it then cannot be changed', async () => {
      const { p } = await practitioner();
      const a = (
        await as(manager)
          .post(`/practitioners/${p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn: '2025-01-01',
            endsOn: '2029-12-31',
            approvedCourseCompletedOn: '2024-11-02',
          })
          .expect(201)
      ).body;
      await as(manager).post(`/approvals/${a.id}/end`, { endedOn: '2031-01-01', reason: 'Left the authority' }).expect(422);
      const ended = (await as(manager).post(`/approvals/${a.id}/end`, { endedOn: '2026-11-20', reason: 'Left the authority' }).expect(200))
        .body;
      expect(ended).toMatchObject({ status: 'ended', endedOn: '2026-11-20', endReason: 'Left the authority' });
      await as(manager).patch(`/approvals/${a.id}`, { conditions: 'x' }).expect(409);
    });

    it('lists approvals ending soon with the reminder stage, and whether renewed', async () => {
      const soon = await practitioner({ team: 'Reapproval' });
      const renewed = await practitioner({ team: 'Reapproval' });
      const a1 = (
        await as(manager)
          .post(`/practitioners/${soon.p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn: '2022-01-10',
            endsOn: '2027-01-09',
            approvedCourseCompletedOn: '2021-11-11',
          })
          .expect(201)
      ).body;
      await as(manager)
        .post(`/practitioners/${renewed.p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2022-03-01',
          endsOn: '2027-02-28',
          approvedCourseCompletedOn: '2021-12-31',
        })
        .expect(201);
      await as(manager)
        .post(`/practitioners/${renewed.p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2027-03-01',
          endsOn: '2032-02-29',
        })
        .expect(201);
      const due = (await as(manager).get('/approvals/reapproval-due?withinDays=120').expect(200)).body.items;
      const mine = due.filter((d: { practitionerId: string }) => [soon.p.id, renewed.p.id].includes(d.practitionerId));
      expect(mine).toEqual([
        expect.objectContaining({ approvalId: a1.id, endsOn: '2027-01-09', daysLeft: 49, reminderStage: 90, renewed: false }),
        expect.objectContaining({ practitionerId: renewed.p.id, endsOn: '2027-02-28', daysLeft: 99, reminderStage: 180, renewed: true }),
      ]);
      await as(soon.user).get('/approvals/reapproval-due').expect(403);
    });
  });

  describe('a first approval needs an approved AMHP course completed within the last five years (AMHP-02, SI 2008/1206 reg 3(3))', () => {
    const approval = { approvingAuthority: 'Northshire County Council', startsOn: '2026-01-01', endsOn: '2030-12-31' };
    const stored = async (practitionerId: string) => ({
      approvals: await t.sql('SELECT id FROM approvals WHERE practitioner_id = $1', [practitionerId]),
      audited: await t.sql(`SELECT id FROM audit_events WHERE action = 'approval.create' AND details->>'practitionerId' = $1`, [
        practitionerId,
      ]),
    });

    it('refuses a first approval without the course date with 422 naming approvedCourseCompletedOn, storing nothing', async () => {
      const { p } = await practitioner();
      const res = await as(manager).post(`/practitioners/${p.id}/approvals`, approval).expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status: 422,
        code: 'approved-course-required',
        findings: [{ rule: 'AMHP-02', severity: 'hard', field: 'approvedCourseCompletedOn' }],
        errors: [{ field: 'approvedCourseCompletedOn' }],
      });
      expect(res.body.detail).toContain('SI 2008/1206 reg 3(3)');
      expect(await stored(p.id)).toEqual({ approvals: [], audited: [] });
    });

    it('refuses a course completed five years and a day before the approval starts (AMHP-02), storing nothing; exactly five years before is accepted and kept', async () => {
      const { p } = await practitioner();
      const old = await as(manager)
        .post(`/practitioners/${p.id}/approvals`, { ...approval, approvedCourseCompletedOn: '2020-12-31' })
        .expect(422);
      expect(old.body).toMatchObject({
        code: 'approved-course-too-old',
        findings: [{ rule: 'AMHP-02', severity: 'hard' }],
        errors: [{ field: 'approvedCourseCompletedOn' }],
      });
      expect(old.body.detail).toBe(
        'A first approval needs an approved AMHP course completed within the last five years: one starting 2026-01-01 needs a course completed on or after 2021-01-01, not 2020-12-31 (SI 2008/1206 reg 3(3)).',
      );
      expect(await stored(p.id)).toEqual({ approvals: [], audited: [] });

      const ok = await as(manager)
        .post(`/practitioners/${p.id}/approvals`, { ...approval, approvedCourseCompletedOn: '2021-01-01' })
        .expect(201);
      expect(ok.body).toMatchObject({ status: 'active', approvedCourseCompletedOn: '2021-01-01', previouslyApprovedBy: null });
      const list = (await as(manager).get(`/practitioners/${p.id}/approvals`).expect(200)).body.items;
      expect(list).toEqual([
        expect.objectContaining({ id: ok.body.id, approvedCourseCompletedOn: '2021-01-01', previouslyApprovedBy: null }),
      ]);
      const audit = await t.sql<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_events WHERE action = 'approval.create' AND resource_id = $1`,
        [ok.body.id],
      );
      expect(audit.map((a) => a.details)).toEqual([
        {
          practitionerId: p.id,
          startsOn: '2026-01-01',
          endsOn: '2030-12-31',
          firstApproval: true,
          approvedCourseCompletedOn: '2021-01-01',
        },
      ]);
    });

    it('a mistyped course date is corrected with PATCH, judged as when it was recorded: too old is 422 and changes nothing; in the five years, kept and audited', async () => {
      const { p } = await practitioner();
      const a = (
        await as(manager)
          .post(`/practitioners/${p.id}/approvals`, { ...approval, approvedCourseCompletedOn: '2025-01-10' })
          .expect(201)
      ).body;
      const old = await as(manager).patch(`/approvals/${a.id}`, { approvedCourseCompletedOn: '2015-01-10' }, `"v${a.version}"`).expect(422);
      expect(old.body).toMatchObject({ code: 'approved-course-too-old', errors: [{ field: 'approvedCourseCompletedOn' }] });
      const kept = () =>
        t.sql(
          `SELECT approved_course_completed_on::text AS course, previously_approved_by AS before, version FROM approvals WHERE id = $1`,
          [a.id],
        );
      expect(await kept()).toEqual([{ course: '2025-01-10', before: null, version: a.version }]);
      // Saying she was approved before makes it a re-approval, not held to the rule; taking that back holds it again.
      const before = await as(manager)
        .patch(
          `/approvals/${a.id}`,
          { approvedCourseCompletedOn: '2015-01-10', previouslyApprovedBy: 'Southvale Borough Council' },
          `"v${a.version}"`,
        )
        .expect(200);
      expect(before.body).toMatchObject({ approvedCourseCompletedOn: '2015-01-10', previouslyApprovedBy: 'Southvale Borough Council' });
      const heldAgain = await as(manager)
        .patch(`/approvals/${a.id}`, { previouslyApprovedBy: null }, `"v${before.body.version}"`)
        .expect(422);
      expect(heldAgain.body).toMatchObject({ code: 'approved-course-too-old', errors: [{ field: 'approvedCourseCompletedOn' }] });
      expect(await kept()).toEqual([{ course: '2015-01-10', before: 'Southvale Borough Council', version: before.body.version }]);
      const fixed = await as(manager)
        .patch(`/approvals/${a.id}`, { approvedCourseCompletedOn: '2024-10-01', previouslyApprovedBy: null }, `"v${before.body.version}"`)
        .expect(200);
      expect(fixed.body).toMatchObject({ approvedCourseCompletedOn: '2024-10-01', previouslyApprovedBy: null });
      const audit = await t.sql<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_events WHERE action = 'approval.update' AND resource_id = $1 ORDER BY id`,
        [a.id],
      );
      expect(audit.map((x) => [x.details.approvedCourseCompletedOn, x.details.previouslyApprovedBy])).toEqual([
        ['2015-01-10', 'Southvale Borough Council'],
        ['2024-10-01', null],
      ]);
    });

    it('refuses a course completed after the first approval starts (AMHP-02)', async () => {
      const { p } = await practitioner();
      const res = await as(manager)
        .post(`/practitioners/${p.id}/approvals`, { ...approval, approvedCourseCompletedOn: '2026-01-02' })
        .expect(422);
      expect(res.body).toMatchObject({ code: 'approved-course-after-start', errors: [{ field: 'approvedCourseCompletedOn' }] });
      expect(await stored(p.id)).toEqual({ approvals: [], audited: [] });
    });

    it('records a re-approval without the course date when an earlier approval of hers is recorded here, by any authority', async () => {
      const { p } = await practitioner();
      await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Southvale Borough Council',
          startsOn: '2021-01-01',
          endsOn: '2025-12-31',
          approvedCourseCompletedOn: '2020-07-10',
        })
        .expect(201);
      const again = await as(manager).post(`/practitioners/${p.id}/approvals`, approval).expect(201);
      expect(again.body).toMatchObject({ startsOn: '2026-01-01', approvedCourseCompletedOn: null, previouslyApprovedBy: null });
      // A course date given with a re-approval is kept, however long ago.
      const { p: q } = await practitioner();
      await as(manager)
        .post(`/practitioners/${q.id}/approvals`, {
          ...approval,
          startsOn: '2020-01-01',
          endsOn: '2024-12-31',
          approvedCourseCompletedOn: '2019-09-01',
        })
        .expect(201);
      const kept = await as(manager)
        .post(`/practitioners/${q.id}/approvals`, { ...approval, approvedCourseCompletedOn: '2019-09-01' })
        .expect(201);
      expect(kept.body.approvedCourseCompletedOn).toBe('2019-09-01');
    });

    it('records an approval without the course date when she was approved before by an authority this hub has no record of, and keeps who', async () => {
      const { p } = await practitioner();
      const res = await as(manager)
        .post(`/practitioners/${p.id}/approvals`, { ...approval, previouslyApprovedBy: '  Eastmoor Metropolitan Borough Council ' })
        .expect(201);
      expect(res.body).toMatchObject({ approvedCourseCompletedOn: null, previouslyApprovedBy: 'Eastmoor Metropolitan Borough Council' });
      expect((await as(manager).get(`/practitioners/${p.id}/approvals`).expect(200)).body.items).toEqual([
        expect.objectContaining({ previouslyApprovedBy: 'Eastmoor Metropolitan Borough Council' }),
      ]);
      const audit = await t.sql<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_events WHERE action = 'approval.create' AND resource_id = $1`,
        [res.body.id],
      );
      expect(audit[0].details).toMatchObject({ firstApproval: false, previouslyApprovedBy: 'Eastmoor Metropolitan Borough Council' });
    });

    it.each([
      [
        'an authority of one letter once trimmed',
        { previouslyApprovedBy: ' X ' },
        'previouslyApprovedBy',
        /longer than or equal to 2 characters/,
      ],
      [
        'an authority of 201 letters',
        { previouslyApprovedBy: 'x'.repeat(201) },
        'previouslyApprovedBy',
        /shorter than or equal to 200 characters/,
      ],
      [
        'a course date written 18/07/2025',
        { approvedCourseCompletedOn: '18/07/2025' },
        'approvedCourseCompletedOn',
        /must be a date YYYY-MM-DD/,
      ],
    ])('refuses %s with 400 naming %s and what it must be, storing nothing', async (_name, over, field, says) => {
      const { p } = await practitioner();
      const res = await as(manager)
        .post(`/practitioners/${p.id}/approvals`, { ...approval, ...over })
        .expect(400);
      expect(res.body.errors).toEqual([{ field, messages: [expect.stringMatching(says)] }]);
      expect(await stored(p.id)).toEqual({ approvals: [], audited: [] });
    });
  });

  describe('training (AMHP-06)', () => {
    it('records training and reports compliance per approval year', async () => {
      const { p } = await practitioner();
      await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2025-06-01',
          endsOn: '2030-05-31',
          approvedCourseCompletedOn: '2025-04-02',
        })
        .expect(201);
      await as(manager)
        .post(`/practitioners/${p.id}/training`, {
          completedOn: '2025-09-10',
          hours: 12,
          provider: 'Regional AMHP forum',
          topic: 'Case law update',
        })
        .expect(201);
      await as(manager)
        .post(`/practitioners/${p.id}/training`, {
          completedOn: '2026-07-01',
          hours: 6.5,
          provider: 'Council L&D',
          topic: 'Safeguarding',
          mentalHealthSpecific: false,
        })
        .expect(201);
      const summary = (await as(manager).get(`/practitioners/${p.id}/training`).expect(200)).body;
      expect(summary.records).toHaveLength(2);
      expect(summary.compliance[0].years.slice(0, 2)).toEqual([
        expect.objectContaining({ year: 1, from: '2025-06-01', to: '2026-05-31', hours: 12, shortfallHours: 6, status: 'short' }),
        expect.objectContaining({
          year: 2,
          from: '2026-06-01',
          to: '2027-05-31',
          hours: 6.5,
          mentalHealthHours: 0,
          shortfallHours: 11.5,
          status: 'in-progress',
        }),
      ]);
      const shortfalls = (await as(manager).get('/training/shortfalls').expect(200)).body.items.filter(
        (s: { practitionerId: string }) => s.practitionerId === p.id,
      );
      expect(shortfalls).toEqual([
        expect.objectContaining({ approvalYear: 1, status: 'short', shortfallHours: 6, dueBy: '2026-05-31' }),
        expect.objectContaining({ approvalYear: 2, status: 'in-progress', shortfallHours: 11.5, dueBy: '2027-05-31' }),
      ]);
    });

    it("a completed year short of training blocks her until the approving authority's decision is recorded; then it warns, naming the decision (AMHP-06)", async () => {
      const { p } = await practitioner();
      const approval = (
        await as(manager)
          .post(`/practitioners/${p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn: '2025-06-01',
            endsOn: '2030-05-31',
            approvedCourseCompletedOn: '2025-04-02',
          })
          .expect(201)
      ).body;
      await as(manager)
        .post(`/practitioners/${p.id}/training`, {
          completedOn: '2025-09-10',
          hours: 12,
          provider: 'Regional AMHP forum',
          topic: 'Case law',
        })
        .expect(201);
      const night = `/practitioners/${p.id}/eligibility?from=2026-11-21T22:00:00Z&to=2026-11-22T09:00:00Z`;
      expect((await as(manager).get(night).expect(200)).body).toMatchObject({
        eligible: false,
        findings: expect.arrayContaining([
          expect.objectContaining({ code: 'training-short-completed-year', severity: 'hard', rule: 'AMHP-06' }),
        ]),
      });

      const decide = (body: object) => as(manager).post(`/approvals/${approval.id}/training-decisions`, body);
      const reason = 'Missed the spring forum through sickness; 6 h to be made up by 31 January 2027.';
      // Only a year that ended short, decided after it ended and not in the future: each refusal names its field and stores nothing.
      const refusals = [
        [{ year: 2, decidedOn: '2026-11-20', reason }, 'year', 'training-year-not-short'],
        [{ year: 6, decidedOn: '2026-11-20', reason }, 'year', null],
        [{ year: 1, decidedOn: '2026-05-31', reason }, 'decidedOn', 'decision-before-year-ended'],
        [{ year: 1, decidedOn: '2026-11-22', reason }, 'decidedOn', 'decision-in-future'],
        [{ year: 1, decidedOn: '2026-06-10', reason: '  ' }, 'reason', null],
      ] as const;
      for (const [body, field, code] of refusals) {
        const res = await decide(body);
        expect([400, 422]).toContain(res.status);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(JSON.stringify(res.body.errors)).toContain(`"${field}"`);
        if (code) expect(res.body.code).toBe(code);
      }
      expect((await as(manager).get(`/practitioners/${p.id}/approvals`).expect(200)).body.items[0].trainingDecisions).toEqual([]);

      const recorded = await decide({ year: 1, decidedOn: '2026-06-10', reason }).expect(201);
      expect(recorded.body).toMatchObject({
        trainingDecisions: [{ year: 1, decidedOn: '2026-06-10', reason }],
        version: approval.version + 1,
      });
      expect((await decide({ year: 1, decidedOn: '2026-06-11', reason }).expect(409)).body.code).toBe('training-decision-exists');
      const [audit] = await t.sql<{ actor_id: string; details: Record<string, unknown> }>(
        `SELECT actor_id, details FROM audit_events WHERE action = 'approval.training-decision' AND resource_id = $1`,
        [approval.id],
      );
      expect(audit).toEqual({ actor_id: manager.id, details: { year: 1, decidedOn: '2026-06-10', shortfallHours: 6 } });

      const after = (await as(manager).get(night).expect(200)).body;
      expect(after.eligible).toBe(true);
      expect(after.findings).toContainEqual(
        expect.objectContaining({
          code: 'training-short-continued',
          severity: 'warning',
          message: expect.stringContaining('decided on 2026-06-10'),
        }),
      );
      const years = (await as(manager).get(`/practitioners/${p.id}/training`).expect(200)).body.compliance[0].years;
      expect(years[0]).toMatchObject({ year: 1, status: 'short', decision: { year: 1, decidedOn: '2026-06-10', reason } });
      expect(years[1]).toMatchObject({ year: 2, decision: null });
      const shortfall = (await as(manager).get('/training/shortfalls').expect(200)).body.items.find(
        (s: { practitionerId: string; approvalYear: number }) => s.practitionerId === p.id && s.approvalYear === 1,
      );
      expect(shortfall).toMatchObject({ status: 'short', decidedOn: '2026-06-10' });
    });

    it.each([
      ['booked for later this approval year', '2026-11-22', 'in-future'],
      ['with a mistyped future year', '2199-12-31', 'in-future'],
      ['with a mistyped past year', '1800-01-01', 'too-long-ago'],
    ])('training %s is refused 422 naming completedOn; nothing is recorded and the year is not met', async (_, completedOn, code) => {
      const { p } = await practitioner();
      await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2026-07-09',
          endsOn: '2031-07-08',
          approvedCourseCompletedOn: '2026-05-10',
        })
        .expect(201);
      const res = await as(manager).post(`/practitioners/${p.id}/training`, {
        completedOn,
        hours: 18,
        provider: 'Council',
        topic: 'MHA refresher',
      });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe(code);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['completedOn']);
      expect(await t.sql('SELECT 1 FROM training_records WHERE practitioner_id = $1', [p.id])).toEqual([]);
      const summary = (await as(manager).get(`/practitioners/${p.id}/training`).expect(200)).body;
      expect(summary.compliance[0].years[0]).toMatchObject({ year: 1, hours: 0, status: 'in-progress' });
    });

    it('refuses nonsense hours and removes a record entered in error (audited)', async () => {
      const { p } = await practitioner();
      await as(manager)
        .post(`/practitioners/${p.id}/training`, { completedOn: '2026-07-01', hours: 0, provider: 'X', topic: 'Y' })
        .expect(400);
      await as(manager)
        .post(`/practitioners/${p.id}/training`, { completedOn: '2026-07-01', hours: 500, provider: 'X', topic: 'Y' })
        .expect(400);
      expect(await t.sql('SELECT 1 FROM training_records WHERE practitioner_id = $1', [p.id])).toEqual([]);
      const r = (
        await as(manager)
          .post(`/practitioners/${p.id}/training`, { completedOn: '2026-07-01', hours: 3, provider: 'XX', topic: 'YY' })
          .expect(201)
      ).body;
      await as(manager).delete(`/training-records/${r.id}`).expect(204);
      await as(manager).delete(`/training-records/${r.id}`).expect(404);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'training.remove' AND resource_id = $1`, [r.id])).toHaveLength(1);
    });

    it('a record removed as entered in error stays on her record as removed, by whom and when, and counts in no year', async () => {
      const { p } = await practitioner();
      await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2026-06-01',
          endsOn: '2031-05-31',
          approvedCourseCompletedOn: '2025-11-02',
        })
        .expect(201);
      const add = (hours: number, topic: string) =>
        as(manager).post(`/practitioners/${p.id}/training`, { completedOn: '2026-07-01', hours, provider: 'Council', topic }).expect(201);
      await add(6, 'Case law');
      const wrong = (await add(12, 'Entered twice')).body;
      expect((await as(manager).get(`/practitioners/${p.id}/training`).expect(200)).body.compliance[0].years[0].hours).toBe(18);
      await as(manager).delete(`/training-records/${wrong.id}`).expect(204);
      const summary = (await as(manager).get(`/practitioners/${p.id}/training`).expect(200)).body;
      expect(summary.records.map((r: { topic: string }) => r.topic)).toEqual(['Case law']);
      expect(summary.compliance[0].years[0].hours).toBe(6);
      expect(summary.removed).toEqual([{ ...wrong, removedAt: t.clock.now().toISOString(), removedBy: manager.id }]);
      // The reports count only what counts.
      expect(await t.sql('SELECT hours FROM report_training WHERE practitioner_id = $1', [p.id])).toEqual([{ hours: 6 }]);
      // The LSSA's record of her (AMHP-09) still shows what was recorded, apart.
      const portfolio = (await as(manager).get(`/practitioners/${p.id}/portfolio?format=html`).expect(200)).text;
      expect(portfolio).toContain('Removed as entered in error');
      expect(portfolio).toContain('Entered twice');
    });

    it('a record removed by ten requests at once is removed once: one 204, nine 404, one training.remove audited', async () => {
      const { p } = await practitioner();
      const r = (
        await as(manager)
          .post(`/practitioners/${p.id}/training`, { completedOn: '2026-07-01', hours: 40, provider: 'XX', topic: 'Race' })
          .expect(201)
      ).body;
      // Another transaction holds the row while the ten arrive, so that every one of them has read it before any
      // removes it: the race a first removal's commit decides, made certain.
      const holder = new Client({ connectionString: t.databaseUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM training_records WHERE id = $1 FOR UPDATE', [r.id]);
        const sent = Promise.all(
          Array.from({ length: 10 }, () =>
            as(manager)
              .delete(`/training-records/${r.id}`)
              .then((a) => a),
          ),
        );
        const waiting = async () =>
          (
            await holder.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%training_records%'`,
            )
          ).rows[0].n;
        // Until as many as the pool lets in wait on the row (and no more arrive).
        for (let i = 0, last = 0, still = 0; i < 100 && still < 5; i++) {
          await new Promise((done) => setTimeout(done, 50));
          const n = await waiting();
          still = n > 0 && n === last ? still + 1 : 0;
          last = n;
        }
        await holder.query('ROLLBACK');
        const answers = await sent;
        expect(answers.map((a) => a.status).sort()).toEqual([204, ...Array(9).fill(404)]);
      } finally {
        await holder.end();
      }
      expect(await t.sql(`SELECT details FROM audit_events WHERE action = 'training.remove' AND resource_id = $1`, [r.id])).toEqual([
        { details: { practitionerId: p.id, hours: 40, completedOn: '2026-07-01' } },
      ]);
    });

    it('a removal sent again with its Idempotency-Key after a lost answer gets its first answer (204), not 404', async () => {
      const { p } = await practitioner();
      const r = (
        await as(manager)
          .post(`/practitioners/${p.id}/training`, { completedOn: '2026-07-01', hours: 2, provider: 'XX', topic: 'Retry' })
          .expect(201)
      ).body;
      const send = () => t.http.delete(`/training-records/${r.id}`).set('authorization', manager.auth).set('idempotency-key', `rm-${r.id}`);
      await send().expect(204);
      expect((await send().expect(204)).headers['idempotent-replayed']).toBe('true');
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'training.remove' AND resource_id = $1`, [r.id])).toHaveLength(1);
    });
  });

  describe('eligibility', () => {
    it('a practitioner is registered with the regulator of her profession: a social worker with the GMC is refused, naming registrationBody', async () => {
      const user = await t.user(['amhp']);
      const refused = await as(manager)
        .post('/practitioners', {
          userId: user.id,
          profession: 'social-worker',
          registrationBody: 'General Medical Council',
          registrationNumber: 'GMC12345',
        })
        .expect(422);
      expect(refused.body).toMatchObject({ code: 'registration-body-not-of-profession', errors: [{ field: 'registrationBody' }] });
      const p = (
        await as(manager)
          .post('/practitioners', {
            userId: user.id,
            profession: 'social-worker',
            registrationBody: 'Social Work England',
            registrationNumber: 'SW12345',
          })
          .expect(201)
      ).body;
      await as(manager).patch(`/practitioners/${p.id}`, { registrationBody: 'HCPC' }).expect(422);
      // Changes without If-Match apply in turn, each to the record as the one before left it: none is refused 412.
      const teams = await Promise.all(
        Array.from({ length: 8 }, (_, i) => as(manager).patch(`/practitioners/${p.id}`, { team: `Team ${i}` })),
      );
      expect(teams.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect((await as(manager).get(`/practitioners/${p.id}`).expect(200)).body.version).toBe(p.version + 8);
    });

    it('the night her approval renews is covered by the old and the new in turn (re-approval without a gap), a night after a gap is not', async () => {
      const { p } = await practitioner();
      // Her first approval after the approved AMHP course (AMHP-02), then the re-approval.
      for (const [startsOn, endsOn, approvedCourseCompletedOn] of [
        ['2022-01-15', '2027-01-14', '2021-12-10'],
        ['2027-01-15', '2032-01-14', undefined],
      ])
        await as(manager)
          .post(`/practitioners/${p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn,
            endsOn,
            approvedCourseCompletedOn,
          })
          .expect(201);
      // Her training met in every year of the first approval (AMHP-06), so the approvals alone are judged.
      for (const completedOn of ['2022-03-01', '2023-03-01', '2024-03-01', '2025-03-01', '2026-03-01'])
        await as(manager)
          .post(`/practitioners/${p.id}/training`, { completedOn, hours: 18, provider: 'Regional forum', topic: 'Annual update' })
          .expect(201);
      const renewal = await as(manager)
        .get(`/practitioners/${p.id}/eligibility?from=2027-01-14T22:00:00Z&to=2027-01-15T09:00:00Z`)
        .expect(200);
      expect(renewal.body.findings.map((f: { code: string }) => f.code)).not.toContain('approval-ends-during-period');
      expect(renewal.body.findings.filter((f: { severity: string }) => f.severity === 'hard')).toEqual([]);
      const { p: other } = await practitioner();
      for (const [startsOn, endsOn, approvedCourseCompletedOn] of [
        ['2022-01-15', '2027-01-14', '2021-12-10'],
        ['2027-01-16', '2032-01-15', undefined],
      ])
        await as(manager)
          .post(`/practitioners/${other.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn,
            endsOn,
            approvedCourseCompletedOn,
          })
          .expect(201);
      const gap = await as(manager)
        .get(`/practitioners/${other.id}/eligibility?from=2027-01-14T22:00:00Z&to=2027-01-15T09:00:00Z`)
        .expect(200);
      expect(gap.body).toMatchObject({
        eligible: false,
        findings: expect.arrayContaining([expect.objectContaining({ code: 'approval-ends-during-period' })]),
      });
    });

    it('is eligible for a night inside a current approval; a training warning does not block', async () => {
      const { p } = await practitioner();
      await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2026-01-01',
          endsOn: '2030-12-31',
          approvedCourseCompletedOn: '2025-11-02',
        })
        .expect(201);
      const res = await as(manager).get(`/practitioners/${p.id}/eligibility?from=2026-11-21T22:00:00Z&to=2026-11-22T09:00:00Z`).expect(200);
      expect(res.body).toMatchObject({
        practitionerId: p.id,
        eligible: true,
        findings: [{ code: 'training-short-current-year', severity: 'warning', rule: 'AMHP-06' }],
      });
      await as(manager)
        .post(`/practitioners/${p.id}/training`, {
          completedOn: '2026-03-01',
          hours: 18,
          provider: 'Regional forum',
          topic: 'Annual update',
        })
        .expect(201);
      const trained = await as(manager)
        .get(`/practitioners/${p.id}/eligibility?from=2026-11-21T22:00:00Z&to=2026-11-22T09:00:00Z`)
        .expect(200);
      expect(trained.body).toMatchObject({ eligible: true, findings: [] });
    });

    it("is not eligible for a night across the approval's last day, saying why", async () => {
      const { p } = await practitioner();
      await as(manager)
        .post(`/practitioners/${p.id}/approvals`, {
          approvingAuthority: 'Northshire County Council',
          startsOn: '2021-11-22',
          endsOn: '2026-11-21',
          approvedCourseCompletedOn: '2021-09-23',
        })
        .expect(201);
      const res = await as(manager).get(`/practitioners/${p.id}/eligibility?from=2026-11-21T22:00:00Z&to=2026-11-22T09:00:00Z`).expect(200);
      expect(res.body.eligible).toBe(false);
      expect(res.body.findings).toEqual([
        expect.objectContaining({ code: 'approval-ends-during-period', rule: 'AMHP-05', severity: 'hard' }),
      ]);
    });

    it('is not eligible while suspended, nor when the registration lapses', async () => {
      const { p } = await practitioner();
      const a = (
        await as(manager)
          .post(`/practitioners/${p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn: '2026-01-01',
            endsOn: '2030-12-31',
            approvedCourseCompletedOn: '2025-11-02',
          })
          .expect(201)
      ).body;
      await as(manager)
        .post(`/practitioners/${p.id}/training`, {
          completedOn: '2026-03-01',
          hours: 18,
          provider: 'Regional forum',
          topic: 'Annual update',
        })
        .expect(201);
      await as(manager)
        .post(`/approvals/${a.id}/suspensions`, { startsAt: '2026-11-22T02:00:00Z', reason: 'Conduct investigation' })
        .expect(201);
      const night = await as(manager)
        .get(`/practitioners/${p.id}/eligibility?from=2026-11-21T22:00:00Z&to=2026-11-22T09:00:00Z`)
        .expect(200);
      expect(night.body.findings.map((f: { code: string }) => f.code)).toEqual(['approval-suspended']);
      const before = await as(manager)
        .get(`/practitioners/${p.id}/eligibility?from=2026-11-21T09:00:00Z&to=2026-11-21T17:00:00Z`)
        .expect(200);
      expect(before.body.eligible).toBe(true);
      await as(manager).patch(`/practitioners/${p.id}`, { registrationStatus: 'lapsed' }).expect(200);
      const lapsed = await as(manager)
        .get(`/practitioners/${p.id}/eligibility?from=2026-11-21T09:00:00Z&to=2026-11-21T17:00:00Z`)
        .expect(200);
      expect(lapsed.body.findings.map((f: { code: string }) => f.code)).toEqual(['registration-not-active']);
    });

    it('refuses a backwards or malformed period', async () => {
      const { p } = await practitioner();
      await as(manager).get(`/practitioners/${p.id}/eligibility?from=2026-11-22T09:00:00Z&to=2026-11-21T22:00:00Z`).expect(422);
      await as(manager).get(`/practitioners/${p.id}/eligibility?from=tomorrow&to=2026-11-21T22:00:00Z`).expect(400);
    });

    it('an AMHP may check their own eligibility', async () => {
      const { user, p } = await practitioner();
      await as(user).get(`/practitioners/${p.id}/eligibility?from=2026-11-21T22:00:00Z&to=2026-11-22T09:00:00Z`).expect(200);
    });

    describe('of every AMHP at once (the manager choosing whom to allocate)', () => {
      const night = 'from=2026-11-21T22:00:00Z&to=2026-11-22T09:00:00Z';

      it("answers for each practitioner in one request what each one's own check says", async () => {
        const approved = await practitioner();
        await as(manager)
          .post(`/practitioners/${approved.p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn: '2026-01-01',
            endsOn: '2030-12-31',
            approvedCourseCompletedOn: '2025-11-02',
          })
          .expect(201);
        const ending = await practitioner();
        await as(manager)
          .post(`/practitioners/${ending.p.id}/approvals`, {
            approvingAuthority: 'Northshire County Council',
            startsOn: '2021-11-22',
            endsOn: '2026-11-21',
            approvedCourseCompletedOn: '2021-09-23',
          })
          .expect(201);
        const none = await practitioner();
        const all = await as(manager).get(`/practitioners/eligibility?${night}`).expect(200);
        expect(all.body).toMatchObject({ from: '2026-11-21T22:00:00.000Z', to: '2026-11-22T09:00:00.000Z' });
        const byId = new Map(all.body.items.map((e: { practitionerId: string }) => [e.practitionerId, e]));
        for (const { p } of [approved, ending, none]) {
          const one = await as(manager).get(`/practitioners/${p.id}/eligibility?${night}`).expect(200);
          expect(byId.get(p.id)).toEqual(one.body);
        }
        expect(byId.get(approved.p.id)).toMatchObject({ eligible: true });
        expect(byId.get(ending.p.id)).toMatchObject({ eligible: false, findings: [expect.objectContaining({ rule: 'AMHP-05' })] });
        expect(byId.get(none.p.id)).toMatchObject({ eligible: false, approvalId: null });
      });

      it('lists them in the order GET /practitioners does: by name, two of one name in the order they were recorded', async () => {
        const named = async (displayName: string) => {
          const user = await t.user(['amhp'], { displayName });
          const res = await as(manager)
            .post('/practitioners', {
              userId: user.id,
              profession: 'social-worker',
              registrationBody: 'Social Work England',
              registrationNumber: `SW${Math.floor(Math.random() * 1e6)}`,
              registrationCheckedOn: '2026-10-01',
            })
            .expect(201);
          return res.body.id as string;
        };
        const made = [await named('Zoe Able'), await named('Aaron Able'), await named('Aaron Able'), await named('mia Able')];
        const listed = (await as(manager).get('/practitioners?limit=200').expect(200)).body.items.map(
          (p: { id: string }) => p.id,
        ) as string[];
        const checked = (await as(manager).get(`/practitioners/eligibility?${night}`).expect(200)).body.items.map(
          (e: { practitionerId: string }) => e.practitionerId,
        ) as string[];
        expect(checked).toEqual(listed);
        expect(checked.filter((id) => made.includes(id))).toEqual([made[1], made[2], made[3], made[0]]);
      });

      it('leaves out inactive records when asked for active ones, and an AMHP sees only their own', async () => {
        const gone = await practitioner();
        await as(manager).patch(`/practitioners/${gone.p.id}`, { active: false }).expect(200);
        const active = await as(manager).get(`/practitioners/eligibility?${night}&active=true`).expect(200);
        expect(active.body.items.map((e: { practitionerId: string }) => e.practitionerId)).not.toContain(gone.p.id);
        const everyone = await as(manager).get(`/practitioners/eligibility?${night}`).expect(200);
        expect(everyone.body.items.find((e: { practitionerId: string }) => e.practitionerId === gone.p.id)).toMatchObject({
          eligible: false,
          findings: expect.arrayContaining([expect.objectContaining({ code: 'registration-not-active' })]),
        });
        const own = await as(gone.user).get(`/practitioners/eligibility?${night}`).expect(200);
        expect(own.body.items.map((e: { practitionerId: string }) => e.practitionerId)).toEqual([gone.p.id]);
      });

      it('refuses a bad period or filter, naming the field', async () => {
        const backwards = await as(manager).get('/practitioners/eligibility?from=2026-11-22T09:00:00Z&to=2026-11-21T22:00:00Z').expect(422);
        expect(backwards.body).toMatchObject({ code: 'bad-period', detail: 'to must be after from.' });
        const tooLong = await as(manager).get('/practitioners/eligibility?from=2026-01-01T00:00:00Z&to=2027-01-03T00:00:00Z').expect(422);
        expect(tooLong.body).toMatchObject({ code: 'bad-period', detail: 'A period can be at most a year long.' });
        const fields = (body: { errors: Array<{ field: string }> }) => body.errors.map((e) => e.field);
        const missing = await as(manager).get('/practitioners/eligibility?from=2026-11-22T09:00:00Z').expect(400);
        expect(fields(missing.body)).toEqual(['to']);
        const filter = await as(manager).get(`/practitioners/eligibility?${night}&active=maybe`).expect(400);
        expect(fields(filter.body)).toEqual(['active']);
        await t.http.get(`/practitioners/eligibility?${night}`).expect(401);
      });
    });
  });
  it.each([
    ['approved, trained and registered', {}, true, []],
    ['with a suspension now', { suspended: true }, false, ['approval-suspended']],
    ['whose approval ended early', { ended: true }, false, ['no-approval']],
    ['whose approval has expired', { expired: true }, false, ['no-approval']],
    ['without the training hours of the last year (a warning, not a bar)', { untrained: true }, true, ['training-short-current-year']],
    ['whose registration lapsed', { registration: 'lapsed' }, false, ['registration-not-active']],
    ['whose record is inactive', { inactive: true }, false, ['registration-not-active']],
    ['with two approvals and two courses making up the hours', { second: true }, true, []],
  ])(
    'an AMHP %s gets the findings listed, for her user account (allocation, offers) as for her practitioner record',
    async (
      _name,
      c: {
        suspended?: boolean;
        ended?: boolean;
        expired?: boolean;
        untrained?: boolean;
        registration?: string;
        inactive?: boolean;
        second?: boolean;
      },
      eligible: boolean,
      codes: string[],
    ) => {
      const user = await t.user(['amhp']);
      const [{ id }] = await t.sql<{ id: string }>(
        `INSERT INTO practitioners (user_id, profession, registration_body, registration_number, registration_checked_on, registration_status, active)
         VALUES ($1, 'social-worker', 'Social Work England', $2, '2026-10-01', $3, $4) RETURNING id`,
        [user.id, `SW${Math.floor(Math.random() * 1e7)}`, c.registration ?? 'active', !c.inactive],
      );
      const approvals = c.second
        ? [
            ['2021-01-01', '2025-12-31'],
            ['2026-01-01', '2030-12-31'],
          ]
        : [c.expired ? ['2020-01-01', '2025-06-30'] : ['2026-01-01', '2030-12-31']];
      for (const [startsOn, endsOn] of approvals) {
        const [{ id: approvalId }] = await t.sql<{ id: string }>(
          `INSERT INTO approvals (practitioner_id, approving_authority, starts_on, ends_on, ended_on, end_reason)
           VALUES ($1, 'Northshire County Council', $2, $3, $4, $5) RETURNING id`,
          [id, startsOn, endsOn, c.ended ? '2026-11-01' : null, c.ended ? 'Left the council' : null],
        );
        if (c.suspended)
          await t.sql(
            `INSERT INTO approval_suspensions (approval_id, starts_at, reason, created_by) VALUES ($1, '2026-11-20T09:00:00Z', 'Under review', $2)`,
            [approvalId, manager.id],
          );
      }
      // This year's hours: 18 in one course, or 9.5 in each of two.
      const courses: Array<[string, number]> = c.untrained
        ? []
        : c.second
          ? [
              ['2026-03-01', 9.5],
              ['2026-06-01', 9.5],
            ]
          : [['2026-06-01', 18]];
      for (const [completedOn, hours] of courses)
        await t.sql(
          `INSERT INTO training_records (practitioner_id, completed_on, hours, provider, topic, recorded_by) VALUES ($1, $2, $3, 'Forum', 'Update', $4)`,
          [id, completedOn, hours, user.id],
        );
      const eligibility = t.app.get(EligibilityService);
      const from = new Date('2026-11-21T10:00:00Z');
      const to = new Date('2026-11-21T22:00:00Z');
      const [forUser] = await eligibility.forUsers([user.id], from, to);
      expect(forUser).toEqual({ ...(await eligibility.forPractitioner(id, from, to)), practitionerId: id });
      expect(forUser.eligible).toBe(eligible);
      expect(forUser.findings.map((f) => f.code)).toEqual(codes);
    },
  );
});
