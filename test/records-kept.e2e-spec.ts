import { JobRunner } from '../src/alerts/job-runner.service';
import { TokenService } from '../src/auth/token.service';
import { amhp, insertDoctor } from './support/workforce-fixtures';
import { declareNewDoctors } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * What the Act wants kept, recordable after the fact, over HTTP on real Postgres: a s.4 that lapsed (s.4(4), APP-11,
 * COP-08) and its 72-hour clock; a guardianship's forwarding to the council (s.8(2), GDN-06); the hospital managers'
 * receipt of an in-patient's application (s.5(1), APP-12); the doctor who authorised a s.136B extension (POL-08).
 * Winter, so local time is GMT and the UTC instants read as they are: Sat 21 Nov 2026 onwards.
 */
describe('records kept: what the Act wants recorded, after the fact too', () => {
  let t: TestApp;
  let runner: JobRunner;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    runner = t.app.get(JobRunner);
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7200001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7200002');
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    put: (p: string, b: object = {}) => t.http.put(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}) => t.http.patch(p).set('authorization', u.auth).send(b),
  });
  /** Moves the hub's clock and gives the users a token of that day (a token lasts a day at most). */
  const at = async (iso: string, ...users: TestUser[]) => {
    t.clock.set(iso);
    for (const u of [manager, ...users]) {
      const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
      Object.assign(u, { token, auth: `Bearer ${token}` });
    }
  };
  let n = 0;

  type Opened = { worker: TestUser; referral: { id: string }; assessment: { id: string; person: { id: string } } };
  /** A referral allocated to a fresh AMHP and the assessment she opened the afternoon before (Fri 20 Nov 14:30). */
  async function opened(legalContext: object = { kind: 'informal' }, source = 'gp'): Promise<Opened> {
    const worker = await amhp(t);
    const referral = (
      await as(manager)
        .post('/referrals', {
          person: { givenName: 'Jo', familyName: `Kept${++n}`, dateOfBirth: '1979-02-11' },
          source,
          referrer: { name: 'Dr Whitfield', organisation: 'Riverside Medical Practice' },
          reason: 'Relapse of psychosis, not eating, frightened of the neighbours.',
          risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
          urgency: 'urgent',
          legalContext,
          receivedAt: '2026-11-20T14:00:00Z',
        })
        .expect(201)
    ).body;
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'accepted' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/allocation`, { userId: worker.id }).expect(200);
    const assessment = (
      await as(worker)
        .post('/assessments', { referralId: referral.id, location: 'Riverside', openedAt: '2026-11-20T14:30:00Z' })
        .expect(201)
    ).body;
    return { worker, referral, assessment };
  }

  /** Seen in person, interviewed, examined (one s.4 doctor, or two), the nearest relative informed or consulted, conflicts declared. */
  async function prepared({ worker, assessment: a }: Opened, section: 's2' | 's4' | 's7') {
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    await as(worker)
      .patch(`/assessments/${a.id}`, {
        interview: {
          suitableMannerNotes: 'Seen at home in a quiet room; no interpreter needed.',
          alternativesConsidered: ['Crisis team at home: refused', 'Informal admission: refused'],
        },
      })
      .expect(200);
    const exams: Array<[string, string, boolean]> =
      section === 's4'
        ? [[s12Doctor, '2026-11-21T09:30:00Z', false]]
        : [
            [s12Doctor, '2026-11-20T15:00:00Z', false],
            [gpDoctor, '2026-11-21T09:00:00Z', true],
          ];
    for (const [doctorId, examinedAt, previousAcquaintance] of exams)
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          doctorId,
          previousAcquaintance,
          ...(previousAcquaintance ? {} : { noAcquaintanceReason: 'The GP was not available out of hours.' }),
          examinedAt,
          examMode: 'in-person',
          signedAt: examinedAt,
          section,
          informalInappropriateReason: 'Refuses all informal treatment.',
          treatmentAvailableAt: 'Northshire General, Beech Ward',
        })
        .expect(201);
    const relative = (
      await as(worker)
        .post(`/people/${a.person.id}/relatives`, {
          name: 'Morgan Kept',
          relationship: 'parent',
          wholeBlood: true,
          dateOfBirth: '1950-01-01',
          livesWithPatient: true,
        })
        .expect(201)
    ).body;
    await as(worker)
      .put(
        `/assessments/${a.id}/nearest-relative`,
        section === 's7'
          ? { relativeId: relative.id, consultedAt: '2026-11-21T10:00:00Z', consultedMethod: 'phone' }
          : { relativeId: relative.id, informedAt: '2026-11-21T10:30:00Z', informedMethod: 'phone' },
      )
      .expect(200);
    const decl = { financial: false, business: false, personal: false };
    const recs = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.recommendations as Array<{
      id: string;
      doctorName: string;
    }>;
    await as(worker)
      .put(`/assessments/${a.id}/conflicts`, {
        patientTeams: [],
        assessors: [
          { assessorId: 'amhp', role: 'amhp', name: 'The AMHP', teams: ['AMHP hub'], directsOrEmploys: [], declaration: decl },
          ...recs.map((r) => ({
            assessorId: r.id,
            role: 'doctor',
            name: r.doctorName,
            teams: [r.doctorName.includes('Patel') ? 'Crisis team' : 'Riverside practice'],
            directsOrEmploys: [],
            declaration: decl,
          })),
        ],
      })
      .expect(200);
  }

  const application = (section: string, over: object = {}) => ({
    kind: 'application',
    section,
    signedAt: '2026-11-21T11:00:00Z',
    ...(section === 's7'
      ? { guardian: { type: 'lssa', name: 'Northshire County Council', willingnessStatement: false } }
      : { hospitalSite: 'Northshire General Hospital, Beech Ward' }),
    ...(section === 's4' ? { undesirableDelayStatement: true } : {}),
    practicalMatters: { dependants: 'None', pets: 'None', property: 'Flat locked; keys with the parent' },
    rationale: 'Detention is the least restrictive way to provide the care needed: every alternative was refused.',
    ...over,
  });

  /** Records the outcome, acknowledging each warning with a reason (as the AMHP does). */
  async function decide(worker: TestUser, id: string, body: object) {
    const first = await as(worker).post(`/assessments/${id}/outcome`, body);
    if (first.status !== 422 || first.body.code !== 'warnings-not-acknowledged') return first;
    const acknowledgements = (first.body.findings as Array<{ code: string }>).map((f) => ({
      code: f.code,
      reason: 'Considered and recorded.',
    }));
    return as(worker).post(`/assessments/${id}/outcome`, { ...body, acknowledgements });
  }

  type ClockView = { id: string; state: string; anchor: string; deadline: string; stoppedAt: string | null; stopRule: string | null };
  const clockOf = async (referralId: string, id: string) =>
    ((await as(manager).get(`/referrals/${referralId}`).expect(200)).body.clocks as Array<ClockView & Record<string, unknown>>).find(
      (c) => c.id === id,
    );
  const fieldOf = (body: { field?: string; errors?: Array<{ field: string }> }) => body.field ?? body.errors?.map((e) => e.field);

  /** A s.4 signed at 11:00 and the patient admitted at 11:30 GMT on Sat 21 Nov: the 72 hours end 11:30 GMT on Tue 24 Nov. */
  async function admittedUnderS4(): Promise<Opened> {
    await at('2026-11-21T12:00:00Z');
    const o = await opened();
    await prepared(o, 's4');
    expect((await decide(o.worker, o.assessment.id, application('s4'))).status).toBe(200);
    await as(o.worker).post(`/assessments/${o.assessment.id}/events`, { type: 'admitted', at: '2026-11-21T11:30:00Z' }).expect(201);
    return o;
  }

  describe('a s.4 emergency application (one doctor) and its 72 hours', () => {
    it('a s.4 that lapsed without a second doctor can be recorded, with when it lapsed and what happened next, and is on the report', async () => {
      const { worker, referral, assessment: a } = await admittedUnderS4();
      expect(await clockOf(referral.id, 'APP-11')).toMatchObject({
        state: 'running',
        anchor: '2026-11-21T11:30:00.000Z',
        deadline: '2026-11-24T11:30:00.000Z',
        stoppedAt: null,
      });
      // Still inside the 72 hours: it has not lapsed, and nothing is recorded.
      await at('2026-11-24T11:00:00Z', worker);
      const early = await as(worker).post(`/assessments/${a.id}/s4-lapse`, { after: 'discharged' }).expect(422);
      expect(early.body).toMatchObject({ code: 's4-not-lapsed', rule: 'APP-11' });
      expect(early.body.detail).toContain('Tue 24 Nov 2026 11:30 GMT');
      // 'other' needs the words: 400 naming the field, nothing recorded.
      await at('2026-11-24T12:00:00Z', worker);
      const bare = await as(worker).post(`/assessments/${a.id}/s4-lapse`, { after: 'other' }).expect(400);
      expect(bare.body.errors.map((e: { field: string }) => e.field)).toEqual(['details']);

      const kept = (await as(worker).post(`/assessments/${a.id}/s4-lapse`, { after: 'remained-informally' }).expect(200)).body;
      expect(kept.outcome.s4Lapse).toMatchObject({ lapsedAt: '2026-11-24T11:30:00.000Z', after: 'remained-informally', details: null });
      // The use of s.4 stays on the record as a s.4 (COP-08), and the lapse is recorded once.
      expect(kept).toMatchObject({ section: 's4', legalStatusCode: '04' });
      await as(worker).post(`/assessments/${a.id}/s4-lapse`, { after: 'discharged' }).expect(409);
      await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(422);

      const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body as {
        sections: Array<{ id: string; lines: Array<{ label?: string; text: string }> }>;
      };
      const decision = report.sections.find((s) => s.id === 'decision')!.lines;
      expect(decision).toEqual(
        expect.arrayContaining([
          {
            label: 'Section 4 lapsed (s.4(4))',
            text: 'Tue 24 Nov 2026 11:30 GMT, 72 hours after admission, without a second medical recommendation',
          },
          { label: 'After the lapse', text: 'Remained in hospital informally' },
        ]),
      );
      expect(await t.sql(`SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'assessment.s4-lapse'`, [a.id])).toEqual([
        { payload: { assessmentId: a.id, referralId: referral.id, lapsedAt: '2026-11-24T11:30:00.000Z', after: 'remained-informally' } },
      ]);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE resource_id = $1 AND action = 'assessment.s4-lapse'`, [a.id])).toHaveLength(1);
    });

    it('the s.4 clock stops, met, when the second recommendation reaches the managers in time; the detention continues as a s.2', async () => {
      const { worker, referral, assessment: a } = await admittedUnderS4();
      await at('2026-11-22T09:00:00Z', worker);
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          doctorId: gpDoctor,
          previousAcquaintance: true,
          examinedAt: '2026-11-22T08:00:00Z',
          examMode: 'in-person',
          signedAt: '2026-11-22T08:15:00Z',
          section: 's2',
          receivedByManagersAt: '2026-11-22T08:40:00Z',
        })
        .expect(201);
      await declareNewDoctors(t, worker, a.id);
      const clock = await clockOf(referral.id, 'APP-11');
      expect(clock).toMatchObject({ state: 'stopped', stoppedAt: '2026-11-22T08:40:00.000Z', stopRule: 'APP-11', result: 'met' });
      expect(clock!.stopReason).toContain('the detention continues as a s.2 (s.4(4))');
      // The Act agrees: the s.4 converts, and it cannot be recorded as lapsed.
      await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(200);
      await at('2026-11-24T12:00:00Z', worker);
      expect((await as(worker).post(`/assessments/${a.id}/s4-lapse`, { after: 'discharged' }).expect(409)).body.code).toBe('s4-converted');
    });

    it.each<[string, () => object]>([
      ['by the doctor who gave the s.4 recommendation', () => ({ doctorId: s12Doctor, examMode: 'in-person' })],
      ['on a video examination', () => ({ doctorId: gpDoctor, examMode: 'video' })],
    ])(
      'a second recommendation %s cannot convert the s.4: its clock keeps running and warning, and stops only when a lawful one arrives',
      async (_name, who) => {
        const { worker, referral, assessment: a } = await admittedUnderS4();
        await at('2026-11-22T09:00:00Z', worker);
        const second = (examinedAt: string, receivedByManagersAt: string, over: object) =>
          as(worker)
            .post(`/assessments/${a.id}/recommendations`, {
              previousAcquaintance: true,
              examinedAt,
              signedAt: examinedAt,
              section: 's2',
              receivedByManagersAt,
              ...over,
            })
            .expect(201);
        await second('2026-11-22T08:00:00Z', '2026-11-22T08:40:00Z', who());
        // The Act refuses the conversion, and so does the clock: it is not "met", it still runs to the 72nd hour.
        expect((await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(422)).body.code).toBe('s4-conversion-refused');
        expect(await clockOf(referral.id, 'APP-11')).toMatchObject({ state: 'running', stoppedAt: null, result: null });
        await at('2026-11-24T06:00:00Z', worker);
        expect(await clockOf(referral.id, 'APP-11')).toMatchObject({ state: 'warning', stoppedAt: null });
        // A lawful second recommendation (another doctor, in person) received at 06:30 converts it: stopped then, met
        // (recorded at 07:00: a receipt is not recorded before it happens).
        await at('2026-11-24T07:00:00Z', worker);
        await second('2026-11-24T05:45:00Z', '2026-11-24T06:30:00Z', {
          doctorId: await insertDoctor(t, `Dr Second ${++n}`, `73${String(n).padStart(5, '0')}`),
          examMode: 'in-person',
        });
        await declareNewDoctors(t, worker, a.id);
        const clock = await clockOf(referral.id, 'APP-11');
        expect(clock).toMatchObject({ state: 'stopped', stoppedAt: '2026-11-24T06:30:00.000Z', stopRule: 'APP-11', result: 'met' });
        expect(clock!.stopReason).toContain('complies with s.12: the detention continues as a s.2 (s.4(4))');
      },
    );

    // s.4(4)(b): the two recommendations must comply with s.12 and the regulations under s.12A (SI 2008/1205).
    it.each<[string, { financial: boolean; business: boolean; personal: boolean } | null, string[]]>([
      [
        'who declared a financial interest and a personal relationship',
        { financial: true, business: false, personal: true },
        ['COI-01', 'COI-08'],
      ],
      ['who has made no conflict-of-interest declaration', null, ['COI-09']],
    ])(
      'a second recommendation by a doctor %s cannot convert the s.4: refused naming the rules, its clock runs on to the lapse, and the lapse is recorded',
      async (_name, declaration, rules) => {
        const { worker, referral, assessment: a } = await admittedUnderS4();
        await at('2026-11-22T09:00:00Z', worker);
        await as(worker)
          .post(`/assessments/${a.id}/recommendations`, {
            doctorId: gpDoctor,
            previousAcquaintance: true,
            examinedAt: '2026-11-22T08:00:00Z',
            examMode: 'in-person',
            signedAt: '2026-11-22T08:15:00Z',
            section: 's2',
            receivedByManagersAt: '2026-11-22T08:40:00Z',
          })
          .expect(201);
        if (declaration) await declareNewDoctors(t, worker, a.id, declaration);
        const blockers = (findings: Array<{ severity: string; rule: string }>) =>
          findings.filter((f) => f.severity === 'blocker').map((f) => f.rule);
        const refused = (await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(422)).body;
        expect(refused.code).toBe('s4-conversion-refused');
        expect(blockers(refused.findings)).toEqual(rules);
        expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body).toMatchObject({ section: 's4', legalStatusCode: '04' });
        expect(await clockOf(referral.id, 'APP-11')).toMatchObject({ state: 'running', stoppedAt: null, result: null });
        expect(blockers((await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body.findings)).toEqual(rules);
        await at('2026-11-24T12:00:00Z', worker);
        expect(await clockOf(referral.id, 'APP-11')).toMatchObject({
          state: 'stopped',
          stoppedAt: '2026-11-24T11:30:00.000Z',
          result: 'breached',
        });
        const kept = (await as(worker).post(`/assessments/${a.id}/s4-lapse`, { after: 'discharged' }).expect(200)).body;
        expect(kept.outcome.s4Lapse).toMatchObject({ lapsedAt: '2026-11-24T11:30:00.000Z', after: 'discharged' });
      },
    );

    it('a second recommendation recorded as reaching the managers before its doctor signed it is refused naming the field, and nothing is added', async () => {
      const { worker, assessment: a } = await admittedUnderS4();
      await at('2026-11-24T12:00:00Z', worker);
      const body = {
        doctorId: gpDoctor,
        previousAcquaintance: true,
        examinedAt: '2026-11-24T11:00:00Z',
        examMode: 'in-person',
        signedAt: '2026-11-24T11:45:00Z',
        section: 's2',
      };
      for (const [receivedByManagersAt, code] of [
        ['2026-11-24T09:00:00Z', 'received-before-signature'],
        ['2026-11-24T11:44:59Z', 'received-before-signature'],
        ['2026-11-25T09:00:00Z', 'in-future'],
      ]) {
        const refused = await as(worker)
          .post(`/assessments/${a.id}/recommendations`, { ...body, receivedByManagersAt })
          .expect(422);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.body.code).toBe(code);
        expect(fieldOf(refused.body)).toBe('receivedByManagersAt');
      }
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.recommendations).toHaveLength(1);
    });

    it('a second recommendation kept with a receipt before its signature is judged on the signature: signed after the 72 hours, the s.4 lapsed and its lapse is recorded', async () => {
      const o = await admittedUnderS4();
      const { worker, referral, assessment: a } = o;
      // Examined and signed after the 72 hours ended (11:30 GMT); kept from before receipts were checked as reaching the
      // managers at 09:00, before the doctor had even examined the patient.
      await at('2026-11-24T12:00:00Z', worker);
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          doctorId: gpDoctor,
          previousAcquaintance: true,
          examinedAt: '2026-11-24T11:35:00Z',
          examMode: 'in-person',
          signedAt: '2026-11-24T11:45:00Z',
          section: 's2',
          receivedByManagersAt: '2026-11-24T11:50:00Z',
        })
        .expect(201);
      await t.sql(
        `UPDATE medical_recommendations SET received_by_managers_at = '2026-11-24T09:00:00Z' WHERE assessment_id = $1 AND section = 's2'`,
        [a.id],
      );
      await declareNewDoctors(t, worker, a.id);
      const refused = (await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(422)).body;
      expect(refused.findings.map((f: { code: string }) => f.code)).toEqual(['s4-second-recommendation-late']);
      expect(refused.findings[0].message).toContain('was signed at Tue 24 Nov 2026 11:45 GMT');
      expect(await clockOf(referral.id, 'APP-11')).toMatchObject({
        state: 'stopped',
        stoppedAt: '2026-11-24T11:30:00.000Z',
        result: 'breached',
      });
      const kept = (await as(worker).post(`/assessments/${a.id}/s4-lapse`, { after: 'discharged' }).expect(200)).body;
      expect(kept.outcome.s4Lapse).toMatchObject({ lapsedAt: '2026-11-24T11:30:00.000Z' });
    });

    it('without a second recommendation the s.4 clock runs to the last minute of the 72 hours and lapses at the 72nd hour, breached once', async () => {
      const { worker, referral } = await admittedUnderS4();
      // 11:29 GMT on Tue 24 Nov: one minute left, in its last-6-hours warning, not stopped.
      await at('2026-11-24T11:29:00Z', worker);
      expect(await clockOf(referral.id, 'APP-11')).toMatchObject({ state: 'warning', stoppedAt: null, result: null });
      // 11:30 GMT: the 72 hours have run (half-open): it lapsed, breached, by APP-11.
      await at('2026-11-24T11:30:00Z', worker);
      const lapsed = await clockOf(referral.id, 'APP-11');
      expect(lapsed).toMatchObject({ state: 'stopped', stoppedAt: '2026-11-24T11:30:00.000Z', stopRule: 'APP-11', result: 'breached' });
      expect(lapsed!.stopReason).toBe(
        'the s.4 lapsed at Tue 24 Nov 2026 11:30 GMT, 72 hours after admission, without a second medical recommendation received by the managers that, with the first, complies with s.12',
      );
      // The duty AMHP is told once that it has passed.
      await runner.runDue();
      t.clock.set('2026-11-24T11:45:00Z');
      await runner.runDue();
      const notes = await t.sql<{ user_id: string; body: string }>(`SELECT user_id, body FROM notifications WHERE dedup_key = $1`, [
        `clock:${referral.id}:APP-11:breach`,
      ]);
      expect(notes).toEqual([{ user_id: worker.id, body: 'Ended at Tue 24 Nov 2026 11:30 GMT.' }]);
    });

    /** The second doctor examines at 10:45 on Tue 24 Nov; the managers receive the recommendation at `receivedAt`. */
    const secondRecommendation = async ({ worker, assessment: a }: Opened, receivedAt: string) => {
      await at('2026-11-24T11:40:00Z', worker);
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          doctorId: gpDoctor,
          previousAcquaintance: true,
          examinedAt: '2026-11-24T10:45:00Z',
          examMode: 'in-person',
          signedAt: '2026-11-24T11:00:00Z',
          section: 's2',
          receivedByManagersAt: receivedAt,
        })
        .expect(201);
      await declareNewDoctors(t, worker, a.id);
    };

    it('a second recommendation received at the 72nd hour exactly is within the period: met, and the s.4 becomes a s.2', async () => {
      const o = await admittedUnderS4();
      await secondRecommendation(o, '2026-11-24T11:30:00Z');
      expect(await clockOf(o.referral.id, 'APP-11')).toMatchObject({
        state: 'stopped',
        stoppedAt: '2026-11-24T11:30:00.000Z',
        result: 'met',
      });
      await as(o.worker).post(`/assessments/${o.assessment.id}/s4-conversion`).expect(200);
    });

    it('a second recommendation received a minute after the 72 hours is too late: the s.4 lapsed, and its lapse is kept', async () => {
      const o = await admittedUnderS4();
      const { worker, assessment: a } = o;
      await secondRecommendation(o, '2026-11-24T11:31:00Z');
      expect(await clockOf(o.referral.id, 'APP-11')).toMatchObject({
        state: 'stopped',
        stoppedAt: '2026-11-24T11:30:00.000Z',
        result: 'breached',
      });
      await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(422);
      const kept = await as(worker)
        .post(`/assessments/${a.id}/s4-lapse`, {
          after: 'other',
          details: 'Transferred to a ward in another trust as an informal patient.',
        })
        .expect(200);
      expect(kept.body.outcome.s4Lapse).toMatchObject({
        lapsedAt: '2026-11-24T11:30:00.000Z',
        after: 'other',
        details: 'Transferred to a ward in another trust as an informal patient.',
      });
    });
  });

  it('a guardianship typed in weeks later is recorded with the day it was forwarded to the council, and judged on that day (GDN-06)', async () => {
    await at('2026-11-21T12:00:00Z');
    const o = await opened();
    await prepared(o, 's7');
    const { worker, assessment: a } = o;
    // Fri 11 Dec: three weeks after the last examination (Sat 21 Nov); the 14 days ended at the end of Fri 4 Dec.
    await at('2026-12-11T10:00:00Z', worker);
    // Typed in today with no forwarding recorded: as at today the 14 days have passed with no forwarding, which
    // the checks say (the outcome itself is judged as at its signing, when forwarding was still to come).
    const today = (await as(worker).get(`/assessments/${a.id}/checks?section=s7&asAt=2026-12-11T10:00:00Z`).expect(200)).body;
    expect(today.findings.map((f: { code: string }) => f.code)).toContain('not-forwarded-to-lssa');
    const late = await decide(worker, a.id, application('s7', { forwardedToLssaAt: '2026-12-07T09:00:00Z' }));
    expect(late.status).toBe(422);
    expect(late.body.findings.map((f: { code: string }) => f.code)).toContain('forwarded-to-lssa-late');
    for (const [forwardedToLssaAt, code] of [
      ['2026-11-21T10:00:00Z', 'before-application-signed'],
      ['2026-12-12T09:00:00Z', 'in-future'],
      ['2026-11-27', 'validation-failed'],
    ]) {
      const bad = await as(worker).post(`/assessments/${a.id}/outcome`, application('s7', { forwardedToLssaAt }));
      expect([bad.status, bad.body.code, fieldOf(bad.body)]).toEqual([
        code === 'validation-failed' ? 400 : 422,
        code,
        code === 'validation-failed' ? ['forwardedToLssaAt'] : 'forwardedToLssaAt',
      ]);
    }
    expect((await t.sql<{ status: string }>('SELECT status FROM assessments WHERE id = $1', [a.id]))[0].status).toBe('open');

    const kept = await decide(worker, a.id, application('s7', { forwardedToLssaAt: '2026-11-27T10:00:00Z' }));
    expect(kept.status).toBe(200);
    expect(kept.body.outcome.application.forwardedToLssaAt).toBe('2026-11-27T10:00:00.000Z');
    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(checks.findings.filter((f: { rule: string }) => f.rule === 'GDN-06')).toEqual([]);
    const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body;
    expect(report.sections.find((s: { id: string }) => s.id === 'decision').lines).toEqual(
      expect.arrayContaining([{ label: 'Forwarded to the local social services authority', text: 'Fri 27 Nov 2026 10:00 GMT' }]),
    );
    // Only a guardianship is forwarded to the council; the hospital managers do not receive one.
    const wrong = await as(worker).patch(`/assessments/${a.id}/application`, { managersReceivedAt: '2026-11-21T12:00:00Z' }).expect(422);
    expect(fieldOf(wrong.body)).toBe('managersReceivedAt');
  });

  it('a guardianship is recorded as made before the council accepts it, and the acceptance is recorded when it comes, dated, after the forwarding and never in the future (GDN-08)', async () => {
    await at('2026-11-21T12:00:00Z');
    const o = await opened();
    await prepared(o, 's7');
    const { worker, assessment: a } = o;
    const privateGuardian = (acceptedByLssaAt?: string) => ({
      guardian: { type: 'private', name: 'Sam Friend', willingnessStatement: true, ...(acceptedByLssaAt ? { acceptedByLssaAt } : {}) },
      forwardedToLssaAt: '2026-11-21T11:30:00Z',
    });
    // An acceptance before the application was signed, in the future, or before it was forwarded is refused, naming it.
    for (const [body, code] of [
      [privateGuardian('2026-11-01T09:00:00Z'), 'before-application-signed'],
      [privateGuardian('2027-03-01T09:00:00Z'), 'in-future'],
      [privateGuardian('2026-11-21T11:10:00Z'), 'acceptance-before-forwarding'],
      [{ ...privateGuardian('2026-11-21T11:40:00Z'), forwardedToLssaAt: undefined }, 'acceptance-before-forwarding'],
    ] as const) {
      const bad = await as(worker).post(`/assessments/${a.id}/outcome`, application('s7', body));
      expect([bad.status, bad.body.code, fieldOf(bad.body)]).toEqual([422, code, 'guardian.acceptedByLssaAt']);
    }
    expect((await t.sql<{ status: string }>('SELECT status FROM assessments WHERE id = $1', [a.id]))[0].status).toBe('open');

    // Not yet accepted is the truthful record: a warning to answer (no effect until accepted), not a refusal.
    const pending = await as(worker).post(`/assessments/${a.id}/outcome`, application('s7', privateGuardian()));
    expect([pending.status, pending.body.code]).toEqual([422, 'warnings-not-acknowledged']);
    expect(pending.body.findings).toEqual([expect.objectContaining({ rule: 'GDN-08', code: 'guardianship-not-yet-accepted' })]);
    expect((await decide(worker, a.id, application('s7', privateGuardian()))).status).toBe(200);
    const before = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(before.findings.map((f: { code: string }) => f.code)).toContain('guardianship-not-yet-accepted');
    expect(before.deadlines.map((d: { id: string }) => d.id)).not.toContain('guardianship-first-period');

    // Accepted on Thu 26 Nov, recorded on Mon 30 Nov. Before the forwarding or in the future: refused, nothing kept.
    await at('2026-11-30T10:00:00Z', worker);
    for (const [acceptedByLssaAt, code] of [
      ['2026-11-21T11:20:00Z', 'acceptance-before-forwarding'],
      ['2026-12-01T10:00:00Z', 'in-future'],
    ]) {
      const bad = await as(worker).patch(`/assessments/${a.id}/application`, { acceptedByLssaAt });
      expect([bad.status, bad.body.code, fieldOf(bad.body)]).toEqual([422, code, 'acceptedByLssaAt']);
    }
    const accepted = (await as(worker).patch(`/assessments/${a.id}/application`, { acceptedByLssaAt: '2026-11-26T15:00:00Z' }).expect(200))
      .body;
    expect(accepted.outcome.application.guardian).toMatchObject({ name: 'Sam Friend', acceptedByLssaAt: '2026-11-26T15:00:00.000Z' });
    const after = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(after.findings.filter((f: { rule: string }) => f.rule === 'GDN-08')).toEqual([]);
    // GDN-07 (s.20(1)): 6 months beginning with Thu 26 Nov 2026, so to the end of Tue 25 May 2027 (BST).
    expect(after.deadlines.find((d: { id: string }) => d.id === 'guardianship-first-period').at).toBe('2027-05-25T23:00:00.000Z');
    const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body;
    expect(report.sections.find((s: { id: string }) => s.id === 'decision').lines).toEqual(
      expect.arrayContaining([{ label: 'Accepted by the local social services authority', text: 'Thu 26 Nov 2026 15:00 GMT' }]),
    );
    // A later forwarding date would put the acceptance before it: refused.
    const refwd = await as(worker).patch(`/assessments/${a.id}/application`, { forwardedToLssaAt: '2026-11-27T09:00:00Z' });
    expect([refwd.status, refwd.body.code, fieldOf(refwd.body)]).toEqual([422, 'acceptance-before-forwarding', 'forwardedToLssaAt']);
  });

  it('an application signed before the assessment began is refused naming signedAt, even with a later decision time', async () => {
    await at('2026-11-21T12:00:00Z');
    const o = await opened();
    await prepared(o, 's2');
    const { worker, assessment: a } = o;
    // The assessment began Fri 20 Nov 14:30.
    const bad = await as(worker).post(
      `/assessments/${a.id}/outcome`,
      application('s2', { signedAt: '2026-11-20T10:00:00Z', decidedAt: '2026-11-21T11:00:00Z' }),
    );
    expect([bad.status, bad.body.code, fieldOf(bad.body)]).toEqual([422, 'signed-before-assessment', 'signedAt']);
    expect((await t.sql<{ status: string }>('SELECT status FROM assessments WHERE id = $1', [a.id]))[0].status).toBe('open');
  });

  it('only a guardianship application is accepted by the council: an acceptance on a s.2 is refused, naming it', async () => {
    await at('2026-11-21T12:00:00Z');
    const o = await opened();
    await prepared(o, 's2');
    const { worker, assessment: a } = o;
    expect((await decide(worker, a.id, application('s2'))).status).toBe(200);
    const bad = await as(worker).patch(`/assessments/${a.id}/application`, { acceptedByLssaAt: '2026-11-21T11:30:00Z' });
    expect([bad.status, bad.body.code, fieldOf(bad.body), bad.body.rule]).toEqual([
      422,
      'acceptance-not-applicable',
      'acceptedByLssaAt',
      'GDN-08',
    ]);
  });

  it('a s.5(2) whose application reached the managers after its 72 hours is a breach: the holding power lapsed before the application took effect', async () => {
    await at('2026-11-21T12:00:00Z');
    // H1 furnished Wed 18 Nov 11:30: the holding power ends Sat 21 Nov 11:30. Signed 11:00, received by the managers 11:45.
    const o = await opened({ kind: 's5-2', h1FurnishedAt: '2026-11-18T11:30:00Z' }, 'ward');
    await prepared(o, 's2');
    const { worker, referral, assessment: a } = o;
    const body = application('s2', { managersReceivedAt: '2026-11-21T11:45:00Z' });
    const warned = await as(worker).post(`/assessments/${a.id}/outcome`, body).expect(422);
    const lapsed = (warned.body.findings as Array<{ rule: string; code: string; message: string }>).find(
      (f) => f.code === 'holding-power-lapsed-before-application',
    );
    expect(lapsed).toMatchObject({ rule: 'HOLD-01' });
    expect(lapsed!.message).toContain(
      'The holding power lapsed at Sat 21 Nov 2026 11:30 GMT, before the application took effect: the hospital managers received it only at Sat 21 Nov 2026 11:45 GMT',
    );
    expect((await decide(worker, a.id, body)).status).toBe(200);
    const clock = await clockOf(referral.id, 'HOLD-01');
    expect(clock).toMatchObject({ state: 'stopped', stoppedAt: '2026-11-21T11:30:00.000Z', stopRule: 'HOLD-03', result: 'breached' });
    expect(clock!.stopReason).toContain(
      'before the application took effect: the hospital managers received it only at Sat 21 Nov 2026 11:45 GMT',
    );
  });

  it("an in-patient's application (held under s.5(2)) records the managers' receipt, and the detention runs from it (APP-12)", async () => {
    await at('2026-11-21T12:00:00Z');
    const o = await opened({ kind: 's5-2', h1FurnishedAt: '2026-11-20T13:00:00Z' }, 'ward');
    await prepared(o, 's2');
    const { worker, referral, assessment: a } = o;
    const missing = await as(worker).post(`/assessments/${a.id}/outcome`, application('s2')).expect(422);
    expect(missing.body).toMatchObject({ code: 'managers-receipt-required', field: 'managersReceivedAt', rule: 'APP-12' });
    const before = await as(worker)
      .post(`/assessments/${a.id}/outcome`, application('s2', { managersReceivedAt: '2026-11-21T10:55:00Z' }))
      .expect(422);
    expect(fieldOf(before.body)).toBe('managersReceivedAt');
    const forwarded = await as(worker)
      .post(
        `/assessments/${a.id}/outcome`,
        application('s2', { managersReceivedAt: '2026-11-21T11:20:00Z', forwardedToLssaAt: '2026-11-21T11:20:00Z' }),
      )
      .expect(422);
    expect(fieldOf(forwarded.body)).toBe('forwardedToLssaAt');

    const decided = await decide(worker, a.id, application('s2', { managersReceivedAt: '2026-11-21T11:20:00Z' }));
    expect(decided.status).toBe(200);
    expect(decided.body.outcome.application).toMatchObject({ inPatient: true, managersReceivedAt: '2026-11-21T11:20:00.000Z' });
    // The s.2 runs from the managers' receipt on Sat 21 Nov: 28 days, to the end of Fri 18 Dec (no "admitted" event needed).
    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(checks.deadlines.find((d: { id: string }) => d.id === 's2-expiry').at).toBe('2026-12-19T00:00:00.000Z');
    expect(checks.findings.filter((f: { rule: string }) => f.rule === 'APP-12')).toEqual([]);
    // The holding power ends when the application takes effect, at the managers' receipt (11:20), not at the signing (11:00).
    expect(await clockOf(referral.id, 'HOLD-01')).toMatchObject({
      state: 'stopped',
      stopRule: 'HOLD-03',
      result: 'met',
      stoppedAt: '2026-11-21T11:20:00.000Z',
    });
    const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body;
    expect(report.sections.find((s: { id: string }) => s.id === 'decision').lines).toEqual(
      expect.arrayContaining([{ label: 'Received by the hospital managers', text: 'Sat 21 Nov 2026 11:20 GMT' }]),
    );
    expect(report.sections.find((s: { id: string }) => s.id === 'hospital').lines).toEqual(
      expect.arrayContaining([{ label: 'Admitted', text: 'Sat 21 Nov 2026 11:20 GMT' }]),
    );

    // A correction after the assessment closed (by a manager: the AMHP's allocation ended with it), kept with what it replaced.
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
    const corrected = (
      await as(manager).patch(`/assessments/${a.id}/application`, { managersReceivedAt: '2026-11-21T11:25:00Z' }).expect(200)
    ).body;
    expect(corrected.outcome.application.managersReceivedAt).toBe('2026-11-21T11:25:00.000Z');
    expect(
      await t.sql(`SELECT details FROM audit_events WHERE resource_id = $1 AND action = 'assessment.application-record.previous'`, [a.id]),
    ).toEqual([{ details: { managersReceivedAt: '2026-11-21T11:20:00.000Z', forwardedToLssaAt: null } }]);
  });

  it("a community patient's application takes the managers' receipt later, when it is known (optional at the decision)", async () => {
    await at('2026-11-21T12:00:00Z');
    const o = await opened();
    await prepared(o, 's2');
    const { worker, assessment: a } = o;
    expect((await decide(worker, a.id, application('s2'))).status).toBe(200);
    await as(worker).patch(`/assessments/${a.id}/application`, {}).expect(422);
    await as(worker).patch(`/assessments/${a.id}/application`, { managersReceivedAt: '2026-11-21T10:00:00Z' }).expect(422);
    const kept = (await as(worker).patch(`/assessments/${a.id}/application`, { managersReceivedAt: '2026-11-21T11:50:00Z' }).expect(200))
      .body;
    expect(kept.outcome.application.managersReceivedAt).toBe('2026-11-21T11:50:00.000Z');
    expect(
      await t.sql(`SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'assessment.application-record'`, [a.id]),
    ).toEqual([{ payload: { assessmentId: a.id, referralId: o.referral.id, fields: ['managersReceivedAt'] } }]);
  });

  describe('a s.136B extension names the doctor who authorised it', () => {
    /** A s.136 arrival at 02:00 GMT on Tue 1 Dec; the 24 hours end 02:00 GMT on Wed 2 Dec. */
    const s136 = async () => {
      await at('2026-12-01T03:00:00Z');
      return (
        await as(manager)
          .post('/referrals', {
            person: { givenName: 'Ash', familyName: `Extended${++n}`, dateOfBirth: '1990-04-04' },
            source: 'police-s136',
            referrer: { name: 'PC Jones', organisation: 'Northshire Police' },
            reason: 'Found on the bridge in distress, detained under s.136',
            risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
            urgency: 'emergency',
            legalContext: {
              kind: 's136',
              placeOfSafetyType: 'health-based',
              locationType: 'public-place',
              arrivedAt: '2026-12-01T02:00:00Z',
            },
          })
          .expect(201)
      ).body as { id: string };
    };
    const extension = (over: object) => ({ authorisedAt: '2026-12-01T20:00:00Z', hours: 12, reason: 'patient-condition', ...over });

    it('a doctor from the register: shown on the record and on the s.136 clock, with the GMC number', async () => {
      const r = await s136();
      t.clock.set('2026-12-01T20:05:00Z');
      const body = (
        await as(manager)
          .post(`/referrals/${r.id}/extensions`, extension({ authorisingDoctor: { doctorId: s12Doctor } }))
          .expect(201)
      ).body;
      const doctor = { doctorId: s12Doctor, name: 'Dr Asha Patel', gmcNumber: '7200001' };
      expect(body.extensions).toEqual([
        expect.objectContaining({ hours: 12, authorisedBy: 'examining-doctor', authorisingDoctor: doctor }),
      ]);
      const clock = body.clocks.find((c: { id: string }) => c.id === 'POL-07');
      expect(clock).toMatchObject({ deadline: '2026-12-02T14:00:00.000Z', extendedBy: 12, extension: { authorisingDoctor: doctor } });
      expect(clock.basis).toContain('authorised Tue 1 Dec 2026 20:00 GMT by Dr Asha Patel (GMC 7200001), the examining doctor, because');
      expect((await as(manager).get(`/referrals/${r.id}`).expect(200)).body.extensions[0].authorisingDoctor).toEqual(doctor);
    });

    it('a registered medical practitioner not on the register, by name and GMC number; a bad GMC number or unknown doctor is refused', async () => {
      const r = await s136();
      t.clock.set('2026-12-01T20:05:00Z');
      const noDoctor = await as(manager).post(`/referrals/${r.id}/extensions`, extension({})).expect(400);
      expect(noDoctor.body.errors.map((e: { field: string }) => e.field)).toEqual(['authorisingDoctor']);
      const badGmc = await as(manager)
        .post(`/referrals/${r.id}/extensions`, extension({ authorisingDoctor: { name: 'Dr Lee Chan', gmcNumber: '12345' } }))
        .expect(400);
      expect(badGmc.body.errors.map((e: { field: string }) => e.field)).toEqual(['authorisingDoctor.gmcNumber']);
      const unknown = await as(manager)
        .post(`/referrals/${r.id}/extensions`, extension({ authorisingDoctor: { doctorId: '00000000-0000-4000-8000-000000000000' } }))
        .expect(422);
      expect(unknown.body).toMatchObject({ code: 'unknown-doctor', errors: [{ field: 'authorisingDoctor.doctorId' }] });
      expect(await t.sql('SELECT 1 FROM referral_extensions WHERE referral_id = $1', [r.id])).toEqual([]);

      const named = { doctorId: null, name: 'Dr Lee Chan', gmcNumber: '7654321' };
      const body = (
        await as(manager)
          .post(`/referrals/${r.id}/extensions`, extension({ authorisingDoctor: { name: 'Dr Lee Chan', gmcNumber: '7654321' } }))
          .expect(201)
      ).body;
      expect(body.extensions[0].authorisingDoctor).toEqual(named);
      expect(body.clocks.find((c: { id: string }) => c.id === 'POL-07').basis).toContain(
        'by Dr Lee Chan (GMC 7654321), the examining doctor',
      );
    });

    it("clients that give only the role 'examining-doctor' keep working; any other role is refused (POL-08)", async () => {
      const r = await s136();
      t.clock.set('2026-12-01T20:05:00Z');
      const refused = await as(manager)
        .post(`/referrals/${r.id}/extensions`, extension({ authorisedBy: 'amhp' }))
        .expect(422);
      expect(refused.body.code).toBe('extension-not-by-examining-doctor');
      const body = (
        await as(manager)
          .post(`/referrals/${r.id}/extensions`, extension({ authorisedBy: 'examining-doctor' }))
          .expect(201)
      ).body;
      expect(body.extensions[0]).toMatchObject({ authorisedBy: 'examining-doctor', authorisingDoctor: null });
      expect(body.clocks.find((c: { id: string }) => c.id === 'POL-07').basis).toContain('by the examining doctor, because');
    });
  });
});
