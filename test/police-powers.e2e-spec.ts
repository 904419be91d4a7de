import { amhp, insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { REFERRER_STATUS_VIEW_KEYS, s136Referral } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * How the police used their powers, as the hub records it. POL-06 (MHA 1983 s.136(1C)): before using s.136 a
 * constable consults, where practicable, a doctor, a nurse, an AMHP or another professional the regulations specify.
 * POL-02 (s.135(4)): a s.135(1) warrant is executed by a constable accompanied by an AMHP and a registered medical
 * practitioner. Now is Sat 21 Nov 2026 12:00 GMT.
 */
describe("the police's use of s.136 and s.135 warrants: consultation and attendance recorded, shown, audited and flagged", () => {
  let t: TestApp;
  let manager: TestUser;
  let hubAmhp: TestUser;
  let doctorId: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    hubAmhp = await amhp(t, { displayName: 'Alex Duty' });
    doctorId = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
  });
  afterAll(() => t.close());

  const { as, opened } = assessmentFixtures(() => ({ t, manager, s12Doctor: doctorId, gpDoctor: doctorId }));
  const codes = (r: { findings: Array<{ code: string }> }) => r.findings.map((f) => f.code);
  const ruleCodes = (r: { findings: Array<{ rule: string; code: string }> }, rule: string) =>
    r.findings.filter((f) => f.rule === rule).map((f) => f.code);
  const ARRIVED = '2026-11-21T01:00:00Z';
  let n = 0;
  const s136 = (legalContext: Record<string, unknown> = {}) =>
    s136Referral(`Police${++n}`, ARRIVED, {
      legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: ARRIVED, ...legalContext },
      receivedAt: '2026-11-21T01:30:00Z',
    });
  const s135 = (legalContext: Record<string, unknown>) =>
    s136Referral(`Warrant${++n}`, ARRIVED, {
      source: 'police-s135',
      reason: 'Warrant executed at the home address; removed to the place of safety.',
      legalContext,
      receivedAt: '2026-11-21T01:30:00Z',
    });
  const referralCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM referrals'))[0].n;
  const received = async (id: string) =>
    (await as(manager).get(`/referrals/${id}/events`).expect(200)).body.items.find((e: { type: string }) => e.type === 'received');
  const audited = async (id: string) =>
    (
      await t.sql<{ details: Record<string, unknown> }>(
        `SELECT details FROM audit_events WHERE action = 'referral.create' AND resource_id = $1`,
        [id],
      )
    )[0].details;

  describe('s.136(1C): the consultation before the power was used (POL-06)', () => {
    it("a s.136 saying the constable consulted the hub's AMHP before using it keeps whom, when and the advice: shown on the referral, on its timeline and in the audit trail, with no POL-06 warning", async () => {
      const consultation = {
        consulted: 'yes',
        profession: 'amhp',
        at: '2026-11-21T00:40:00Z',
        advice: 'Advised s.136 to the health-based suite.',
      };
      const sent = (
        await as(manager)
          .post('/referrals', s136({ policeConsultation: consultation }))
          .expect(201)
      ).body;
      expect(sent.legalContext.policeConsultation).toEqual(consultation);
      expect(ruleCodes(sent, 'POL-06')).toEqual([]);
      const read = (await as(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      expect(read.legalContext.policeConsultation).toEqual(consultation);
      expect(ruleCodes(read, 'POL-06')).toEqual([]);
      expect((await received(sent.id)).data).toMatchObject({ policeConsultation: { consulted: 'yes', profession: 'amhp' } });
      expect(await audited(sent.id)).toMatchObject({ legalContext: 's136', policeConsultation: { consulted: 'yes', profession: 'amhp' } });
      expect(await t.sql(`SELECT legal_context->'policeConsultation' AS c FROM referrals WHERE id = $1`, [sent.id])).toEqual([
        { c: consultation },
      ]);
    });

    it.each([
      ['says nothing about a consultation', {}, 's136-consultation-not-recorded', 'does not say whether the constable consulted'],
      [
        'says it is not known whether anyone was consulted',
        { policeConsultation: { consulted: 'unknown' } },
        's136-consultation-not-recorded',
        'is not known',
      ],
      [
        'says consulting was not practicable, without saying why',
        { policeConsultation: { consulted: 'not-practicable' } },
        's136-consultation-reason-missing',
        'not why',
      ],
    ])('a s.136 that %s is recorded with a POL-06 warning for the hub to take up with the police', async (_name, context, code, words) => {
      const sent = (await as(manager).post('/referrals', s136(context)).expect(201)).body;
      const read = (await as(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      const finding = read.findings.find((f: { rule: string }) => f.rule === 'POL-06');
      expect(finding).toMatchObject({ rule: 'POL-06', severity: 'warning', code, citation: 'MHA 1983 s.136(1C)' });
      expect(finding.message).toContain(words);
      expect(codes(sent)).toContain(code);
    });

    it('a s.136 saying consulting was not practicable, and why, keeps the reason and carries no POL-06 warning', async () => {
      const consultation = { consulted: 'not-practicable', reason: 'The person was climbing the railings; there was no time to phone.' };
      const sent = (
        await as(manager)
          .post('/referrals', s136({ policeConsultation: consultation }))
          .expect(201)
      ).body;
      expect(sent.legalContext.policeConsultation).toEqual(consultation);
      expect(ruleCodes(sent, 'POL-06')).toEqual([]);
    });

    it.each([
      [
        'a consultation after the person reached the place of safety',
        { consulted: 'yes', profession: 'registered-nurse', at: '2026-11-21T01:05:00Z' },
        'consultation-after-removal',
        'legalContext.policeConsultation.at',
      ],
      [
        'consulted, without saying whom',
        { consulted: 'yes' },
        'consultation-profession-required',
        'legalContext.policeConsultation.profession',
      ],
      [
        'not practicable, yet with whom',
        { consulted: 'not-practicable', profession: 'amhp', reason: 'No time.' },
        'consultation-field-not-applicable',
        'legalContext.policeConsultation.profession',
      ],
    ])('%s is refused (422) naming the field, and nothing is recorded', async (_name, consultation, code, field) => {
      const before = await referralCount();
      const res = await as(manager)
        .post('/referrals', s136({ policeConsultation: consultation }))
        .expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code, errors: [expect.objectContaining({ field })] });
      expect(await referralCount()).toBe(before);
    });

    it('a profession the Act does not list, a consultation on another power, or a bad time is refused (400) naming the field', async () => {
      const before = await referralCount();
      const bad = await as(manager)
        .post('/referrals', s136({ policeConsultation: { consulted: 'yes', profession: 'social-worker' } }))
        .expect(400);
      expect(JSON.stringify(bad.body.errors)).toContain('policeConsultation.profession');
      const elsewhere = await as(manager)
        .post('/referrals', s135({ kind: 's135-2', policeConsultation: { consulted: 'yes', profession: 'amhp' } }))
        .expect(400);
      expect(elsewhere.body.errors).toEqual([expect.objectContaining({ field: 'legalContext.policeConsultation' })]);
      const time = await as(manager)
        .post('/referrals', s136({ policeConsultation: { consulted: 'yes', profession: 'amhp', at: 'last night' } }))
        .expect(400);
      expect(JSON.stringify(time.body.errors)).toContain('policeConsultation.at');
      expect(await referralCount()).toBe(before);
    });
  });

  describe("s.135(4): who attended the warrant's execution (POL-02)", () => {
    const executed = { warrantExecutedAt: '2026-11-21T00:30:00Z', arrivedAt: '2026-11-21T01:00:00Z', placeOfSafetyType: 'health-based' };

    it("a s.135(1) executed with the hub's AMHP and a doctor on the register keeps them as their records name them: shown, on the timeline and audited, with no POL-02 warning", async () => {
      const sent = (
        await as(manager)
          .post(
            '/referrals',
            s135({ kind: 's135-1', ...executed, executionAttendance: { amhp: { userId: hubAmhp.id }, doctor: { doctorId } } }),
          )
          .expect(201)
      ).body;
      const attendance = {
        amhp: { userId: hubAmhp.id, name: 'Alex Duty' },
        doctor: { doctorId, name: 'Dr Asha Patel', gmcNumber: '7000001' },
      };
      expect(sent.legalContext.executionAttendance).toEqual(attendance);
      expect(ruleCodes(sent, 'POL-02')).toEqual([]);
      const read = (await as(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      expect(read.legalContext.executionAttendance).toEqual(attendance);
      const codesOf = { amhp: 'hub-amhp', doctor: 'registered-doctor', amhpUserId: hubAmhp.id, doctorId };
      expect((await received(sent.id)).data).toMatchObject({ executionAttendance: codesOf });
      expect(await audited(sent.id)).toMatchObject({ legalContext: 's135-1', executionAttendance: codesOf });
    });

    it('a s.135(1) executed with an AMHP from elsewhere and a doctor named with their GMC number carries no POL-02 warning', async () => {
      const attendance = {
        amhp: { name: 'Jo Other', organisation: 'Southshire County Council' },
        doctor: { name: 'Dr Lee Grant', gmcNumber: '7123456' },
      };
      const sent = (
        await as(manager)
          .post('/referrals', s135({ kind: 's135-1', ...executed, executionAttendance: attendance }))
          .expect(201)
      ).body;
      expect(sent.legalContext.executionAttendance).toEqual(attendance);
      expect(ruleCodes(sent, 'POL-02')).toEqual([]);
    });

    it.each<[string, () => object | undefined, string, string]>([
      [
        'without a doctor',
        () => ({ amhp: { userId: hubAmhp.id } }),
        'warrant-executed-unaccompanied',
        'without a registered medical practitioner',
      ],
      ['by the constable alone', () => ({}), 'warrant-executed-unaccompanied', 'not lawful'],
      ['with no attendance recorded', () => undefined, 'warrant-attendance-not-recorded', 'does not say who attended'],
    ])('a s.135(1) executed %s is recorded, flagged with a POL-02 warning that says so', async (_name, attendance, code, words) => {
      const given = attendance();
      const sent = (
        await as(manager)
          .post('/referrals', s135({ kind: 's135-1', ...executed, ...(given ? { executionAttendance: given } : {}) }))
          .expect(201)
      ).body;
      const read = (await as(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      const finding = read.findings.find((f: { rule: string }) => f.rule === 'POL-02');
      expect(finding).toMatchObject({ severity: 'warning', code, citation: 'MHA 1983 s.135(4)' });
      expect(finding.message).toContain(words);
    });

    it('a s.135(2) warrant executed by the constable alone carries no POL-02 warning: the Act requires no company for it', async () => {
      const sent = (
        await as(manager)
          .post('/referrals', s135({ kind: 's135-2', warrantExecutedAt: '2026-11-21T00:30:00Z', executionAttendance: {} }))
          .expect(201)
      ).body;
      expect(sent.legalContext.executionAttendance).toEqual({});
      expect(ruleCodes(sent, 'POL-02')).toEqual([]);
      const unsaid = (
        await as(manager)
          .post('/referrals', s135({ kind: 's135-2' }))
          .expect(201)
      ).body;
      expect(ruleCodes(unsaid, 'POL-02')).toEqual([]);
    });

    it('an attending AMHP who is not one of the hub, named two ways, an unknown doctor, or an attendance with no execution time is refused (422) naming the field, and nothing is recorded', async () => {
      const before = await referralCount();
      const referrer = await t.user(['referrer']);
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [
          { kind: 's135-1', ...executed, executionAttendance: { amhp: { userId: referrer.id } } },
          'not-an-amhp',
          'legalContext.executionAttendance.amhp.userId',
        ],
        [
          { kind: 's135-1', ...executed, executionAttendance: { amhp: { userId: hubAmhp.id, name: 'Alex Duty' } } },
          'attending-amhp-ambiguous',
          'legalContext.executionAttendance.amhp',
        ],
        [
          { kind: 's135-1', ...executed, executionAttendance: { doctor: { doctorId: '00000000-0000-4000-8000-000000000000' } } },
          'unknown-doctor',
          'legalContext.executionAttendance.doctor.doctorId',
        ],
        [
          { kind: 's135-2', executionAttendance: { doctor: { doctorId } } },
          'warrant-execution-time-required',
          'legalContext.warrantExecutedAt',
        ],
      ];
      for (const [legalContext, code, field] of cases) {
        const res = await as(manager).post('/referrals', s135(legalContext)).expect(422);
        expect(res.body).toMatchObject({ code, errors: [expect.objectContaining({ field })] });
      }
      expect(await referralCount()).toBe(before);
    });
  });

  describe("s.135(4) on an assessment's timeline: the warrant the AMHP obtained, executed", () => {
    it('a s.135(1) executed without a doctor is recorded only with the warning acknowledged, with a reason; the acknowledgement and who attended are kept on the event and audited', async () => {
      const { worker, assessment: a } = await opened();
      const event = {
        type: 'warrant-executed',
        at: '2026-11-21T10:00:00Z',
        warrantKind: 's135-1',
        executionAttendance: { amhp: { userId: worker.id } },
      };
      const refused = await as(worker).post(`/assessments/${a.id}/events`, event).expect(422);
      expect(refused.body).toMatchObject({
        code: 'warnings-not-acknowledged',
        rules: ['POL-02'],
        findings: [expect.objectContaining({ rule: 'POL-02', code: 'warrant-executed-unaccompanied' })],
      });
      expect(await t.sql(`SELECT id FROM assessment_events WHERE assessment_id = $1 AND type = 'warrant-executed'`, [a.id])).toEqual([]);

      const reason = 'The doctor was delayed at A&E; the police entered as the person was heard in danger.';
      const ok = await as(worker)
        .post(`/assessments/${a.id}/events`, { ...event, acknowledgements: [{ code: 'warrant-executed-unaccompanied', reason }] })
        .expect(201);
      const recorded = ok.body.timeline.find((e: { type: string }) => e.type === 'warrant-executed');
      expect(recorded.data).toMatchObject({
        warrantKind: 's135-1',
        executionAttendance: { amhp: { userId: worker.id, name: expect.any(String) } },
        acknowledgements: [expect.objectContaining({ code: 'warrant-executed-unaccompanied', reason, by: worker.id })],
      });
      expect(recorded.data.executionAttendance).not.toHaveProperty('doctor');
      expect(
        await t.sql(
          `SELECT details FROM audit_events WHERE action = 'assessment.event' AND resource_id = $1 AND details->>'type' = 'warrant-executed'`,
          [a.id],
        ),
      ).toEqual([
        {
          details: expect.objectContaining({
            warrantKind: 's135-1',
            attendance: { amhp: 'hub-amhp', doctor: 'none', amhpUserId: worker.id },
          }),
        },
      ]);
    });

    it('a s.135(1) executed with the AMHP and a doctor needs no acknowledgement; attendance on another event is refused naming it', async () => {
      const { worker, assessment: a } = await opened();
      const ok = await as(worker)
        .post(`/assessments/${a.id}/events`, {
          type: 'warrant-executed',
          at: '2026-11-21T10:00:00Z',
          executionAttendance: { amhp: { userId: worker.id }, doctor: { doctorId } },
        })
        .expect(201);
      const recorded = ok.body.timeline.find((e: { type: string }) => e.type === 'warrant-executed');
      expect(recorded.data).toMatchObject({
        warrantKind: 's135-1',
        executionAttendance: { doctor: { doctorId, name: 'Dr Asha Patel', gmcNumber: '7000001' } },
      });
      expect(recorded.data).not.toHaveProperty('acknowledgements');
      const misplaced = await as(worker)
        .post(`/assessments/${a.id}/events`, { type: 'police-arrived', at: '2026-11-21T09:50:00Z', executionAttendance: {} })
        .expect(422);
      expect(misplaced.body).toMatchObject({ code: 'execution-attendance-not-warrant-executed', field: 'executionAttendance' });
    });
  });

  describe("s.135(4) corrected on the assessment's timeline: who in fact accompanied the constable (PATCH /assessments/{id}/events/{eventId})", () => {
    const reason = 'The doctor was delayed at A&E; the police entered as the person was heard in danger.';
    /** A s.135(1) executed at 10:00 with the AMHP alone, its warning answered. */
    async function executedAlone() {
      const { worker, assessment: a } = await opened();
      const view = (
        await as(worker)
          .post(`/assessments/${a.id}/events`, {
            type: 'warrant-executed',
            at: '2026-11-21T10:00:00Z',
            executionAttendance: { amhp: { userId: worker.id } },
            acknowledgements: [{ code: 'warrant-executed-unaccompanied', reason }],
          })
          .expect(201)
      ).body;
      const event = view.timeline.find((e: { type: string }) => e.type === 'warrant-executed');
      return { worker, a, event, etag: `"v${view.version}"` };
    }
    const eventOf = async (u: TestUser, id: string, eventId: string) =>
      (
        (await as(u).get(`/assessments/${id}`).expect(200)).body.timeline as Array<{
          id: string;
          at: string;
          data: Record<string, unknown>;
        }>
      ).find((e) => e.id === eventId)!;

    it('the doctor who in fact attended is added: the warning no longer stands, the attendance first recorded is kept with its acknowledgement, and the correction is audited and published', async () => {
      const { worker, a, event, etag } = await executedAlone();
      const res = await as(worker)
        .patch(
          `/assessments/${a.id}/events/${event.id}`,
          { executionAttendance: { amhp: { userId: worker.id }, doctor: { doctorId } } },
          { 'if-match': etag },
        )
        .expect(200);
      expect(res.headers.etag).not.toBe(etag);
      const corrected = res.body.timeline.find((e: { id: string }) => e.id === event.id);
      expect(corrected.at).toBe('2026-11-21T10:00:00.000Z');
      expect(corrected.data).toMatchObject({
        warrantKind: 's135-1',
        executionAttendance: { amhp: { userId: worker.id }, doctor: { doctorId, name: 'Dr Asha Patel', gmcNumber: '7000001' } },
        attendanceCorrections: [
          {
            from: { amhp: expect.objectContaining({ userId: worker.id }) },
            acknowledgements: [expect.objectContaining({ code: 'warrant-executed-unaccompanied', reason })],
            by: worker.id,
            at: '2026-11-21T12:00:00.000Z',
          },
        ],
      });
      expect(corrected.data).not.toHaveProperty('acknowledgements');
      expect(corrected.data).not.toHaveProperty('corrections');
      const attendance = { amhp: 'hub-amhp', doctor: 'registered-doctor', amhpUserId: worker.id, doctorId };
      expect(
        await t.sql(`SELECT details FROM audit_events WHERE action = 'assessment.event-corrected' AND resource_id = $1`, [a.id]),
      ).toEqual([{ details: { eventId: event.id, type: 'warrant-executed', warrantKind: 's135-1', attendance } }]);
      expect(
        await t.sql(`SELECT payload FROM outbox_events WHERE type = 'assessment.event-corrected' AND aggregate_id = $1`, [a.id]),
      ).toEqual([
        {
          payload: {
            assessmentId: a.id,
            referralId: res.body.referralId,
            eventId: event.id,
            type: 'warrant-executed',
            warrantKind: 's135-1',
            attendance,
          },
        },
      ]);
    });

    it('corrected to without a doctor, as at recording, it is kept only with the warning acknowledged with a reason (422 naming executionAttendance otherwise, changing nothing); its time and attendance may be corrected together', async () => {
      const { worker, assessment: a } = await opened();
      const view = (
        await as(worker)
          .post(`/assessments/${a.id}/events`, {
            type: 'warrant-executed',
            at: '2026-11-21T10:00:00Z',
            executionAttendance: { amhp: { userId: worker.id }, doctor: { doctorId } },
          })
          .expect(201)
      ).body;
      const event = view.timeline.find((e: { type: string }) => e.type === 'warrant-executed');
      const body = { at: '2026-11-21T09:45:00Z', executionAttendance: { amhp: { userId: worker.id } } };
      const refused = await as(worker).patch(`/assessments/${a.id}/events/${event.id}`, body).expect(422);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({
        code: 'warnings-not-acknowledged',
        field: 'executionAttendance',
        findings: [expect.objectContaining({ rule: 'POL-02', code: 'warrant-executed-unaccompanied' })],
      });
      expect(await eventOf(worker, a.id, event.id)).toMatchObject({ at: '2026-11-21T10:00:00.000Z', data: event.data });
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version).toBe(view.version);

      const ok = await as(worker)
        .patch(`/assessments/${a.id}/events/${event.id}`, {
          ...body,
          acknowledgements: [{ code: 'warrant-executed-unaccompanied', reason }],
        })
        .expect(200);
      const corrected = ok.body.timeline.find((e: { id: string }) => e.id === event.id);
      expect(corrected.at).toBe('2026-11-21T09:45:00.000Z');
      expect(corrected.data).toMatchObject({
        acknowledgements: [expect.objectContaining({ code: 'warrant-executed-unaccompanied', reason, by: worker.id })],
        corrections: [expect.objectContaining({ from: '2026-11-21T10:00:00.000Z' })],
        attendanceCorrections: [
          expect.objectContaining({ from: expect.objectContaining({ doctor: expect.objectContaining({ doctorId }) }) }),
        ],
      });
      expect(corrected.data.executionAttendance).not.toHaveProperty('doctor');
    });

    it('refused, changing nothing: on a version since changed (412), by another AMHP (403), on another event (422), and with nothing to correct (400 naming both fields); the attendance it already records changes nothing', async () => {
      const { worker, a, event, etag } = await executedAlone();
      const doctorBody = { executionAttendance: { amhp: { userId: worker.id }, doctor: { doctorId } } };
      await as(worker).post(`/assessments/${a.id}/events`, { type: 'police-arrived', at: '2026-11-21T09:30:00Z' }).expect(201);
      const stale = await as(worker).patch(`/assessments/${a.id}/events/${event.id}`, doctorBody, { 'if-match': etag }).expect(412);
      expect(stale.body.code).toBe('precondition-failed');
      await as(await amhp(t))
        .patch(`/assessments/${a.id}/events/${event.id}`, doctorBody)
        .expect(403);
      const other = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.timeline.find(
        (e: { type: string }) => e.type === 'police-arrived',
      );
      const misplaced = await as(worker).patch(`/assessments/${a.id}/events/${other.id}`, doctorBody).expect(422);
      expect(misplaced.body).toMatchObject({ code: 'execution-attendance-not-warrant-executed', field: 'executionAttendance' });
      const empty = await as(worker).patch(`/assessments/${a.id}/events/${event.id}`, {}).expect(400);
      expect(empty.body.errors.map((e: { field: string }) => e.field)).toEqual(['at', 'executionAttendance']);
      expect(await eventOf(worker, a.id, event.id)).toMatchObject({ data: event.data });

      const before = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version;
      const same = await as(worker)
        .patch(`/assessments/${a.id}/events/${event.id}`, { executionAttendance: { amhp: { userId: worker.id } } })
        .expect(200);
      expect(same.body.version).toBe(before);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'assessment.event-corrected' AND resource_id = $1`, [a.id])).toEqual(
        [],
      );
    });
  });

  describe("after intake: the police's answer, once they give it, added or corrected on the referral (POST /referrals/{id}/police-record)", () => {
    const record = (id: string, body: object, u: TestUser, ifMatch?: string) =>
      as(u).post(`/referrals/${id}/police-record`, body, ifMatch ? { 'if-match': ifMatch } : {});
    const reason = 'The custody sergeant confirmed it by phone at 11:40.';
    const stored = async (id: string) =>
      (await t.sql<{ c: unknown; v: number }>(`SELECT legal_context AS c, version AS v FROM referrals WHERE id = $1`, [id]))[0];
    const timelineOf = async (id: string) =>
      (await as(manager).get(`/referrals/${id}/events`).expect(200)).body.items as Array<{ type: string; data: Record<string, unknown> }>;

    it('the officer who sent a s.136 without the consultation records it later with the version she read: the warning goes, the answer is on the timeline, audited and published, and her answer is the status view', async () => {
      const police = await t.user(['referrer']);
      const sent = (await as(police).post('/referrals', s136()).expect(201)).body;
      expect(ruleCodes((await as(manager).get(`/referrals/${sent.id}`).expect(200)).body, 'POL-06')).toEqual([
        's136-consultation-not-recorded',
      ]);
      const read = await as(police).get(`/referrals/${sent.id}`).expect(200);
      expect(read.headers.etag).toMatch(/^W\/"v1\./);
      const consultation = { consulted: 'yes', profession: 'registered-nurse', at: '2026-11-21T00:45:00Z', advice: 'Take to the suite.' };
      const res = await record(sent.id, { policeConsultation: consultation, reason }, police, read.headers.etag).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(REFERRER_STATUS_VIEW_KEYS);
      expect(res.headers.etag).toBe('"v2"');
      // What her app offers the form by: the power she used.
      expect([read.body.policePower, res.body.policePower]).toEqual(['s136', 's136']);

      const now = (await as(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      expect(now.legalContext.policeConsultation).toEqual(consultation);
      expect(ruleCodes(now, 'POL-06')).toEqual([]);
      const timeline = await timelineOf(sent.id);
      expect(timeline.find((e) => e.type === 'police-record-corrected')?.data).toEqual({
        record: 'policeConsultation',
        from: null,
        to: { consulted: 'yes', profession: 'registered-nurse' },
        codes: [],
        reason,
      });
      expect(timeline.find((e) => e.type === 'findings-rejudged')?.data).toMatchObject({
        rule: 'POL-06',
        cause: 'police-record',
        findings: [],
      });
      expect(
        await t.sql(
          `SELECT actor_id, access_basis, subject_person_id IS NOT NULL AS person FROM audit_events WHERE action = 'referral.police-record-corrected' AND resource_id = $1`,
          [sent.id],
        ),
      ).toEqual([{ actor_id: police.id, access_basis: 'own:referrer', person: true }]);
      expect(
        await t.sql(`SELECT payload FROM outbox_events WHERE type = 'referral.police-record-corrected' AND aggregate_id = $1`, [sent.id]),
      ).toEqual([{ payload: { referralId: sent.id, record: 'policeConsultation', codes: [], consulted: 'yes' } }]);

      // The version she read is now stale: 412, and nothing changes.
      const before = await stored(sent.id);
      await record(sent.id, { policeConsultation: { consulted: 'unknown' }, reason }, police, read.headers.etag).expect(412);
      expect(await stored(sent.id)).toEqual(before);
    });

    it('another referrer, an auditor and an AMHP with no part in the referral are refused, and nothing changes', async () => {
      const police = await t.user(['referrer']);
      const sent = (await as(police).post('/referrals', s136()).expect(201)).body;
      const before = await stored(sent.id);
      const body = { policeConsultation: { consulted: 'unknown' }, reason };
      for (const u of [await t.user(['referrer']), await t.user(['auditor']), await amhp(t)]) await record(sent.id, body, u).expect(403);
      // An id the hub never issued is refused to a referrer as another's referral is.
      await record('00000000-0000-4000-8000-000000000001', body, police).expect(403);
      expect(await stored(sent.id)).toEqual(before);
      expect(await t.sql(`SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'police-record-corrected'`, [sent.id])).toEqual(
        [],
      );
    });

    it('the AMHP allocated the s.136 corrects a consultation to "not practicable" without the reason: the warning the new record calls for appears; with the reason it goes', async () => {
      const worker = await amhp(t);
      const sent = (
        await as(manager)
          .post('/referrals', s136({ policeConsultation: { consulted: 'yes', profession: 'amhp' } }))
          .expect(201)
      ).body;
      for (const status of ['screening', 'accepted']) await as(manager).post(`/referrals/${sent.id}/status`, { status }).expect(200);
      await as(manager).post(`/referrals/${sent.id}/allocation`, { userId: worker.id }).expect(200);
      const first = await record(sent.id, { policeConsultation: { consulted: 'not-practicable' }, reason }, worker).expect(200);
      expect(ruleCodes(first.body, 'POL-06')).toEqual(['s136-consultation-reason-missing']);
      expect(first.body.legalContext.policeConsultation).toEqual({ consulted: 'not-practicable' });
      const second = await record(
        sent.id,
        { policeConsultation: { consulted: 'not-practicable', reason: 'He ran into the road; there was no time to call.' }, reason },
        worker,
        first.headers.etag,
      ).expect(200);
      expect(ruleCodes(second.body, 'POL-06')).toEqual([]);
      expect((await timelineOf(sent.id)).filter((e) => e.type === 'police-record-corrected').map((e) => [e.data.from, e.data.to])).toEqual([
        [{ consulted: 'yes', profession: 'amhp' }, { consulted: 'not-practicable' }],
        [{ consulted: 'not-practicable' }, { consulted: 'not-practicable' }],
      ]);
    });

    it.each([
      [
        'a consultation after the person reached the place of safety',
        { consulted: 'yes', profession: 'registered-nurse', at: '2026-11-21T01:05:00Z' },
        'consultation-after-removal',
        'policeConsultation.at',
      ],
      ['consulted, without saying whom', { consulted: 'yes' }, 'consultation-profession-required', 'policeConsultation.profession'],
      [
        'not practicable, yet with whom',
        { consulted: 'not-practicable', profession: 'amhp', reason: 'No time.' },
        'consultation-field-not-applicable',
        'policeConsultation.profession',
      ],
      ['unknown, with advice', { consulted: 'unknown', advice: 'None.' }, 'consultation-field-not-applicable', 'policeConsultation.advice'],
    ])(
      'an answer recorded after intake is judged as at intake: %s is refused (422) naming the field, and nothing changes',
      async (_name, consultation, code, field) => {
        const sent = (await as(manager).post('/referrals', s136()).expect(201)).body;
        const before = await stored(sent.id);
        const res = await record(sent.id, { policeConsultation: consultation, reason }, manager).expect(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body).toMatchObject({ code, errors: [expect.objectContaining({ field })] });
        expect(await stored(sent.id)).toEqual(before);
      },
    );

    it("a record the referral's power does not keep, none, no reason, the same answer again, or a referral of no police power is refused naming what is wrong, and nothing changes", async () => {
      const sent = (
        await as(manager)
          .post('/referrals', s136({ policeConsultation: { consulted: 'unknown' } }))
          .expect(201)
      ).body;
      const before = await stored(sent.id);
      const attendance = await record(sent.id, { executionAttendance: {}, reason }, manager).expect(400);
      expect(attendance.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'executionAttendance', messages: [expect.stringContaining('does not apply to a s136')] }),
        ]),
      );
      const none = await record(sent.id, { reason }, manager).expect(400);
      expect(none.body.errors).toEqual([expect.objectContaining({ field: 'policeConsultation' })]);
      const unsaid = await record(sent.id, { policeConsultation: { consulted: 'yes', profession: 'amhp' } }, manager).expect(400);
      expect(JSON.stringify(unsaid.body.errors)).toContain('reason');
      const same = await record(sent.id, { policeConsultation: { consulted: 'unknown' }, reason }, manager).expect(422);
      expect(same.body).toMatchObject({
        code: 'police-record-unchanged',
        errors: [expect.objectContaining({ field: 'policeConsultation' })],
      });
      expect(await stored(sent.id)).toEqual(before);
      const timed = (
        await as(manager)
          .post('/referrals', s136({ policeConsultation: { consulted: 'yes', profession: 'amhp', at: '2026-11-21T00:40:00Z' } }))
          .expect(201)
      ).body;
      const again = await record(
        timed.id,
        { policeConsultation: { consulted: 'yes', profession: 'amhp', at: '2026-11-21T00:40:00.000Z' }, reason },
        manager,
      ).expect(422);
      expect(again.body.code).toBe('police-record-unchanged');
      const gp = (
        await as(manager)
          .post('/referrals', { ...s136(), source: 'gp', legalContext: { kind: 'informal' } })
          .expect(201)
      ).body;
      const informal = await record(gp.id, { policeConsultation: { consulted: 'unknown' }, reason }, manager).expect(409);
      expect(informal.body).toMatchObject({ code: 'no-police-power' });
    });

    it('a s.135(1) whose attendance intake did not have: the AMHP alone recorded shows the execution was unaccompanied; the doctor added clears it; a person who is not an AMHP is refused naming the field', async () => {
      const executed = { warrantExecutedAt: '2026-11-21T00:30:00Z', arrivedAt: '2026-11-21T01:00:00Z', placeOfSafetyType: 'health-based' };
      const sent = (
        await as(manager)
          .post('/referrals', s135({ kind: 's135-1', ...executed }))
          .expect(201)
      ).body;
      expect(ruleCodes(sent, 'POL-02')).toEqual(['warrant-attendance-not-recorded']);
      const alone = await record(sent.id, { executionAttendance: { amhp: { userId: hubAmhp.id } }, reason }, manager).expect(200);
      expect(ruleCodes(alone.body, 'POL-02')).toEqual(['warrant-executed-unaccompanied']);
      expect(alone.body.legalContext.executionAttendance).toEqual({ amhp: { userId: hubAmhp.id, name: 'Alex Duty' } });
      const referrer = await t.user(['referrer']);
      const before = await stored(sent.id);
      const refused = await record(sent.id, { executionAttendance: { amhp: { userId: referrer.id } }, reason }, manager).expect(422);
      expect(refused.body).toMatchObject({
        code: 'not-an-amhp',
        errors: [expect.objectContaining({ field: 'executionAttendance.amhp.userId' })],
      });
      expect(await stored(sent.id)).toEqual(before);
      const both = await record(
        sent.id,
        { executionAttendance: { amhp: { userId: hubAmhp.id }, doctor: { doctorId } }, reason },
        manager,
        alone.headers.etag,
      ).expect(200);
      expect(ruleCodes(both.body, 'POL-02')).toEqual([]);
      expect((await timelineOf(sent.id)).filter((e) => e.type === 'police-record-corrected').map((e) => e.data.to)).toEqual([
        { amhp: 'hub-amhp', doctor: 'none', amhpUserId: hubAmhp.id },
        { amhp: 'hub-amhp', doctor: 'registered-doctor', amhpUserId: hubAmhp.id, doctorId },
      ]);
      // The time of a s.135(1)'s execution is corrected as any clock's start is, not here.
      const time = await record(sent.id, { executionAttendance: {}, warrantExecutedAt: '2026-11-21T00:20:00Z', reason }, manager).expect(
        422,
      );
      expect(time.body).toMatchObject({
        code: 'warrant-execution-time-recorded',
        errors: [expect.objectContaining({ field: 'warrantExecutedAt' })],
      });
    });

    it('a s.135(2) with no time of execution takes the attendance with the time; without it, 422 naming warrantExecutedAt', async () => {
      const sent = (
        await as(manager)
          .post('/referrals', s135({ kind: 's135-2' }))
          .expect(201)
      ).body;
      const missing = await record(sent.id, { executionAttendance: { doctor: { doctorId } }, reason }, manager).expect(422);
      expect(missing.body).toMatchObject({
        code: 'warrant-execution-time-required',
        errors: [expect.objectContaining({ field: 'warrantExecutedAt' })],
      });
      const late = await record(sent.id, { executionAttendance: {}, warrantExecutedAt: '2026-11-21T02:00:00Z', reason }, manager).expect(
        422,
      );
      expect(late.body.errors).toEqual([expect.objectContaining({ field: 'warrantExecutedAt' })]);
      const ok = await record(
        sent.id,
        { executionAttendance: { doctor: { doctorId } }, warrantExecutedAt: '2026-11-21T00:30:00Z', reason },
        manager,
      ).expect(200);
      expect(ok.body.legalContext).toMatchObject({
        warrantExecutedAt: '2026-11-21T00:30:00.000Z',
        executionAttendance: { doctor: { doctorId } },
      });
      expect(ruleCodes(ok.body, 'POL-02')).toEqual([]);
    });

    it("a rule judged again since intake keeps its findings when the police's answer is recorded (POL-09 after a move to a police station)", async () => {
      const sent = (await as(manager).post('/referrals', s136()).expect(201)).body;
      const moved = (
        await as(manager)
          .post(`/referrals/${sent.id}/transfers`, { at: '2026-11-21T03:00:00Z', placeOfSafetyType: 'police-station' })
          .expect(201)
      ).body;
      const pol09 = ruleCodes(moved, 'POL-09');
      expect(pol09).toEqual(['police-station-adult-no-inspector']);
      const res = await record(
        sent.id,
        { policeConsultation: { consulted: 'yes', profession: 'registered-medical-practitioner' }, reason },
        manager,
      ).expect(200);
      expect(ruleCodes(res.body, 'POL-09')).toEqual(pol09);
      expect(ruleCodes(res.body, 'POL-06')).toEqual([]);
    });

    it('an arrival corrected to before the consultation recorded is refused naming the time, as intake refuses a consultation after the arrival; nothing changes', async () => {
      const sent = (
        await as(manager)
          .post('/referrals', s136({ policeConsultation: { consulted: 'yes', profession: 'amhp', at: '2026-11-21T00:40:00Z' } }))
          .expect(201)
      ).body;
      const before = await stored(sent.id);
      const res = await as(manager)
        .post(`/referrals/${sent.id}/time-corrections`, {
          time: 'arrivedAt',
          at: '2026-11-21T00:30:00Z',
          reason: 'The custody record shows 00:30.',
        })
        .expect(422);
      expect(res.body).toMatchObject({ code: 'consultation-after-removal', errors: [expect.objectContaining({ field: 'at' })] });
      expect(await stored(sent.id)).toEqual(before);
      // Corrected to a time still after it, the correction stands.
      await as(manager)
        .post(`/referrals/${sent.id}/time-corrections`, {
          time: 'arrivedAt',
          at: '2026-11-21T00:50:00Z',
          reason: 'The custody record shows 00:50.',
        })
        .expect(200);
    });

    it('two answers sent at once with the same version: one is recorded, the other is 412, never a 500', async () => {
      const sent = (await as(manager).post('/referrals', s136()).expect(201)).body;
      const etag = (await as(manager).get(`/referrals/${sent.id}`).expect(200)).headers.etag;
      const answers = await Promise.all(
        (['registered-nurse', 'amhp', 'paramedic'] as const).map((profession) =>
          record(sent.id, { policeConsultation: { consulted: 'yes', profession }, reason }, manager, etag),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 412, 412]);
      expect(
        await t.sql(`SELECT count(*)::int AS n FROM referral_events WHERE referral_id = $1 AND type = 'police-record-corrected'`, [
          sent.id,
        ]),
      ).toEqual([{ n: 1 }]);
    });
  });

  describe('s.135(6)-(7): a private dwelling or another suitable place as the place of safety, and the agreements it needs (POL-10)', () => {
    const atHome = (placeOfSafetyConsent?: Record<string, unknown>, placeOfSafetyType = 'private-dwelling') =>
      s136({ placeOfSafetyType, ...(placeOfSafetyConsent ? { placeOfSafetyConsent } : {}) });
    type Found = { rule: string; code: string; message: string };
    const pol10 = (r: { findings: Found[] }): Found[] => r.findings.filter((f) => f.rule === 'POL-10');

    it("a s.136 to her mother's house, she and her mother agreeing: recorded with the agreements, shown on the referral, on its timeline and in the audit trail, with no POL-10 warning", async () => {
      const consent = { personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'yes' };
      const sent = (await as(manager).post('/referrals', atHome(consent)).expect(201)).body;
      expect(sent.legalContext).toMatchObject({ placeOfSafetyType: 'private-dwelling', placeOfSafetyConsent: consent });
      expect(pol10(sent)).toEqual([]);
      const read = (await as(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      expect(read.legalContext.placeOfSafetyConsent).toEqual(consent);
      expect(pol10(read)).toEqual([]);
      expect((await received(sent.id)).data).toMatchObject({ placeOfSafetyConsent: consent });
      expect(await audited(sent.id)).toMatchObject({ legalContext: 's136', placeOfSafetyConsent: consent });
    });

    it('a s.136 to her own flat, where she lives alone and agreed: no POL-10 warning', async () => {
      const sent = (
        await as(manager)
          .post('/referrals', atHome({ personAgreed: 'yes', soleOccupier: 'yes' }))
          .expect(201)
      ).body;
      expect(pol10(sent)).toEqual([]);
    });

    it("a s.136 to a shared house whose other occupier did not agree is recorded, its clocks running, with a POL-10 warning naming the occupier's agreement", async () => {
      const sent = (
        await as(manager)
          .post('/referrals', atHome({ personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'no' }))
          .expect(201)
      ).body;
      expect(sent.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({ deadline: '2026-11-22T01:00:00.000Z' });
      const read = (await as(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      expect(pol10(read)).toEqual([
        expect.objectContaining({
          rule: 'POL-10',
          severity: 'warning',
          code: 'dwelling-occupier-did-not-agree',
          citation: 'MHA 1983 s.135(6), (7)',
        }),
      ]);
      expect(pol10(read)[0].message).toMatch(/No occupier of the private dwelling agreed/);
    });

    it('a s.136 to a shared house where whether an occupier agreed is not known: a POL-10 warning saying that is what to ask the police', async () => {
      const sent = (
        await as(manager)
          .post('/referrals', atHome({ personAgreed: 'yes', soleOccupier: 'no' }))
          .expect(201)
      ).body;
      expect(pol10(sent).map((f) => f.code)).toEqual(['dwelling-agreement-not-recorded']);
      expect(pol10(sent)[0].message).toContain('whether one of the other occupiers agreed');
    });

    it.each([
      ['another place whose manager did not agree', { managerAgreed: 'no' }, 'place-manager-did-not-agree'],
      ['another place, with nothing said of its manager agreeing', undefined, 'place-agreement-not-recorded'],
    ])('a s.136 to %s carries a POL-10 warning', async (_name, consent, code) => {
      const sent = (await as(manager).post('/referrals', atHome(consent, 'other')).expect(201)).body;
      expect(pol10(sent).map((f) => f.code)).toEqual([code]);
    });

    it('a s.135(1) to a dwelling whose occupiers agreed: no POL-10 warning', async () => {
      const sent = (
        await as(manager)
          .post(
            '/referrals',
            s135({
              kind: 's135-1',
              warrantExecutedAt: '2026-11-21T00:30:00Z',
              arrivedAt: ARRIVED,
              placeOfSafetyType: 'private-dwelling',
              placeOfSafetyConsent: { personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'yes' },
            }),
          )
          .expect(201)
      ).body;
      expect(pol10(sent)).toEqual([]);
    });

    it.each([
      ['agreements to a health-based place of safety', 'health-based', { personAgreed: 'yes' }, 'legalContext.placeOfSafetyConsent'],
      [
        'a manager’s agreement to a dwelling',
        'private-dwelling',
        { managerAgreed: 'yes' },
        'legalContext.placeOfSafetyConsent.managerAgreed',
      ],
      [
        'another occupier’s agreement to the flat of a person who lives alone',
        'private-dwelling',
        { personAgreed: 'yes', soleOccupier: 'yes', occupierAgreed: 'yes' },
        'legalContext.placeOfSafetyConsent.occupierAgreed',
      ],
    ])(
      '%s is refused (422 place-of-safety-consent-not-applicable) naming the field, and nothing is recorded',
      async (_name, type, consent, field) => {
        const before = await referralCount();
        const res = await as(manager).post('/referrals', atHome(consent, type)).expect(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body).toMatchObject({ code: 'place-of-safety-consent-not-applicable', errors: [expect.objectContaining({ field })] });
        expect(await referralCount()).toBe(before);
      },
    );

    it('an agreement that is not yes, no or unknown is refused naming the field, and nothing is recorded', async () => {
      const before = await referralCount();
      const res = await as(manager)
        .post('/referrals', atHome({ personAgreed: true }))
        .expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'legalContext.placeOfSafetyConsent.personAgreed' })]);
      expect(await referralCount()).toBe(before);
    });
  });
});
