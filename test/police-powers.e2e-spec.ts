import { amhp, insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { s136Referral } from './support/referral-fixtures';
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
});
