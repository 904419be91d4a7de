import { JobRunner } from '../src/alerts/job-runner.service';
import { amhp, insertDoctor } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * A referral's clocks stop when their purpose is met, over HTTP on real Postgres: the "assessment to start" target
 * when the assessment opens (COP-09), the response target at the first in-person contact (DUTY-01), the s.136
 * detention at admission under the s.2 (POL-11); and the clock-warning job warns about none of them once stopped.
 * One night in summer time: Sat 10 Oct 2026 (BST, UTC+1), so local time is an hour ahead of the UTC instants.
 */
describe('clocks stop when their purpose is met', () => {
  let t: TestApp;
  let runner: JobRunner;
  let manager: TestUser;
  let worker: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  let referralId: string;
  let assessment: { id: string; person: { id: string } };

  beforeAll(async () => {
    // 02:25 BST: the police call the hub 15 minutes after arriving at the place of safety.
    t = await createTestApp({ now: '2026-10-10T01:25:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    runner = t.app.get(JobRunner);
    manager = await t.user(['manager']);
    worker = await amhp(t);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7100001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7100002');
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    put: (p: string, b: object = {}) => t.http.put(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}) => t.http.patch(p).set('authorization', u.auth).send(b),
  });
  const s136 = (arrivedAt: string) => ({
    person: { givenName: 'Robin', familyName: `Stopped${Math.floor(Math.random() * 1e6)}`, dateOfBirth: '1988-03-02' },
    source: 'police-s136',
    referrer: { name: 'PC Jones', organisation: 'Northshire Police' },
    reason: 'Found on the bridge in distress, detained under s.136',
    risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
    urgency: 'emergency',
    legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt },
    location: 'Northshire General health-based place of safety',
  });
  type ClockView = {
    id: string;
    state: string;
    deadline: string;
    stoppedAt: string | null;
    stopRule: string | null;
    result: string | null;
  };
  const clocks = async (): Promise<Record<string, ClockView>> => {
    const body = (await as(manager).get(`/referrals/${referralId}`).expect(200)).body as { clocks: ClockView[] };
    return Object.fromEntries(body.clocks.map((c) => [c.id, c]));
  };
  const runAt = async (iso: string) => {
    t.clock.set(iso);
    await runner.runDue();
  };
  const notes = (clockId: string) =>
    t.sql<{ dedup_key: string; title: string; body: string }>(
      'SELECT dedup_key, title, body FROM notifications WHERE dedup_key LIKE $1 ORDER BY dedup_key, user_id',
      [`clock:${referralId}:${clockId}:%`],
    );

  it('refuses an arrival time without an offset (400 naming legalContext.arrivedAt) and stores nothing', async () => {
    const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM referrals');
    const res = await as(manager).post('/referrals', s136('2026-10-10T02:10')).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['legalContext.arrivedAt']);
    expect(await t.sql('SELECT count(*)::int AS n FROM referrals')).toEqual(before);
  });

  it('a s.136 arrival at 02:10 BST (+01:00) gives 24 hours ending 02:10 BST the next day', async () => {
    const res = await as(manager).post('/referrals', s136('2026-10-10T02:10:00+01:00')).expect(201);
    referralId = res.body.id;
    const pol07 = res.body.clocks.find((c: { id: string }) => c.id === 'POL-07');
    expect(pol07).toMatchObject({
      anchor: '2026-10-10T01:10:00.000Z',
      deadline: '2026-10-11T01:10:00.000Z',
      state: 'running',
      stoppedAt: null,
    });
    expect(pol07.basis).toContain('ends Sun 11 Oct 2026 02:10 BST');
    // The soonest: the assessment is to start within 3 hours of arrival, by 05:10 BST (COP-09).
    expect(res.body.nextDeadline).toBe('2026-10-10T04:10:00.000Z');
    await as(manager).post(`/referrals/${referralId}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${referralId}/status`, { status: 'accepted' }).expect(200);
    await as(manager).post(`/referrals/${referralId}/allocation`, { userId: worker.id }).expect(200);
  });

  it('"assessment to start" stops when the assessment opens and is not warned about 30 minutes later; the response target still runs', async () => {
    // 04:30 BST: the AMHP opens the assessment, 40 minutes before the 3-hour target (05:10 BST).
    t.clock.set('2026-10-10T03:30:00Z');
    assessment = (await as(worker).post('/assessments', { referralId, location: 'Northshire General place of safety' }).expect(201)).body;
    const c = await clocks();
    expect(c['COP-09']).toMatchObject({ state: 'stopped', stoppedAt: '2026-10-10T03:30:00.000Z', stopRule: 'COP-09', result: 'met' });
    expect(c['LOCAL-RESPONSE']).toMatchObject({ state: 'running', stoppedAt: null });
    expect(c['POL-07']).toMatchObject({ state: 'running', stoppedAt: null });
    // The queue's soonest deadline is now the response target's (06:25 BST), not the stopped 05:10 BST target.
    expect((await as(manager).get(`/referrals/${referralId}`).expect(200)).body.nextDeadline).toBe('2026-10-10T05:25:00.000Z');
    // Half an hour later COP-09 would be inside its last hour: no warning, while the running response target warns.
    // (Its 4-hour warning was given as the job came to her at allocation, when COP-09 was running.)
    await runAt('2026-10-10T04:00:00Z');
    expect((await notes('COP-09')).map((n) => n.dedup_key)).toEqual([`clock:${referralId}:COP-09:240`]);
    const response = await notes('LOCAL-RESPONSE');
    expect(response.map((n) => n.dedup_key)).toEqual([`clock:${referralId}:LOCAL-RESPONSE:240`]);
    // Emergency: 4 hours from receipt at 02:25 BST, so 06:25 BST, named in local time with its zone.
    expect(response[0].body).toBe('Ends at Sat 10 Oct 2026 06:25 BST.');
  });

  it('the response target stops at the first in-person contact (a phone call does not stop it)', async () => {
    t.clock.set('2026-10-10T04:10:00Z');
    await as(worker)
      .post(`/assessments/${assessment.id}/contacts`, { at: '2026-10-10T03:35:00Z', mode: 'phone', byRole: 'amhp' })
      .expect(201);
    expect((await clocks())['LOCAL-RESPONSE']).toMatchObject({ state: 'running', stoppedAt: null });
    await as(worker)
      .post(`/assessments/${assessment.id}/contacts`, { at: '2026-10-10T05:05:00+01:00', mode: 'in-person', byRole: 'amhp' })
      .expect(201);
    expect((await clocks())['LOCAL-RESPONSE']).toMatchObject({
      state: 'stopped',
      stoppedAt: '2026-10-10T04:05:00.000Z',
      stopRule: 'DUTY-01',
      result: 'met',
    });
    // A visit she made five days before the referral came in, recorded now (s.11(5)), does not undo the stop.
    await as(worker)
      .post(`/assessments/${assessment.id}/contacts`, { at: '2026-10-05T10:00:00Z', mode: 'in-person', byRole: 'amhp' })
      .expect(201);
    expect((await clocks())['LOCAL-RESPONSE']).toMatchObject({ state: 'stopped', stoppedAt: '2026-10-10T04:05:00.000Z', result: 'met' });
    // Only the s.136 runs now: it orders the queue.
    expect((await as(manager).get(`/referrals/${referralId}`).expect(200)).body.nextDeadline).toBe('2026-10-11T01:10:00.000Z');
    // 05:30 BST would be its last hour: no 1-hour warning for a stopped target.
    await runAt('2026-10-10T04:30:00Z');
    expect((await notes('LOCAL-RESPONSE')).map((n) => n.dedup_key)).toEqual([`clock:${referralId}:LOCAL-RESPONSE:240`]);
  });

  it('the s.136 runs on after the s.2 application is signed and stops at the admission, met; no warning follows', async () => {
    const a = assessment;
    t.clock.set('2026-10-10T06:00:00Z');
    await as(worker)
      .patch(`/assessments/${a.id}`, {
        interview: {
          suitableMannerNotes: 'Seen in a quiet room at the place of safety; no interpreter needed.',
          alternativesConsidered: ['Crisis team at home: refused', 'Informal admission: refused'],
        },
      })
      .expect(200);
    for (const [doctorId, examinedAt, previousAcquaintance] of [
      [s12Doctor, '2026-10-10T04:10:00Z', false],
      [gpDoctor, '2026-10-10T04:40:00Z', true],
    ] as const) {
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          doctorId,
          previousAcquaintance,
          ...(previousAcquaintance ? {} : { noAcquaintanceReason: 'The GP was not available out of hours.' }),
          examinedAt,
          examMode: 'in-person',
          signedAt: examinedAt,
          section: 's2',
          informalInappropriateReason: 'Refuses all informal treatment.',
          treatmentAvailableAt: 'Northshire General, Beech Ward',
        })
        .expect(201);
    }
    const relative = (
      await as(worker)
        .post(`/people/${a.person.id}/relatives`, {
          name: 'Morgan Stopped',
          relationship: 'parent',
          wholeBlood: true,
          dateOfBirth: '1960-01-01',
          livesWithPatient: true,
        })
        .expect(201)
    ).body;
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-10-10T05:00:00Z',
        informedMethod: 'phone',
      })
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
    const outcome = {
      kind: 'application',
      section: 's2',
      signedAt: '2026-10-10T05:30:00Z',
      hospitalSite: 'Northshire General Hospital, Beech Ward',
      practicalMatters: { dependants: 'None', pets: 'None', property: 'Flat locked; keys with the parent' },
      rationale: 'Detention is the least restrictive way to provide the assessment needed: every alternative was refused.',
    };
    let decided = await as(worker).post(`/assessments/${a.id}/outcome`, outcome);
    if (decided.status === 422 && decided.body.code === 'warnings-not-acknowledged')
      decided = await as(worker).post(`/assessments/${a.id}/outcome`, {
        ...outcome,
        acknowledgements: (decided.body.findings as Array<{ code: string }>).map((f) => ({
          code: f.code,
          reason: 'Considered and recorded.',
        })),
      });
    expect(decided.status).toBe(200);
    // Signed, not yet admitted: the person is still held at the place of safety under s.136.
    expect((await clocks())['POL-07']).toMatchObject({ state: 'running', stoppedAt: null });

    t.clock.set('2026-10-10T07:00:00Z');
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-10-10T07:45:00+01:00' }).expect(201);
    expect((await clocks())['POL-07']).toMatchObject({
      state: 'stopped',
      deadline: '2026-10-11T01:10:00.000Z',
      stoppedAt: '2026-10-10T06:45:00.000Z',
      stopRule: 'POL-11',
      result: 'met',
    });
    const referral = (await as(manager).get(`/referrals/${referralId}`).expect(200)).body;
    expect(referral.clocks.every((c: { state: string }) => c.state === 'stopped')).toBe(true);
    expect(referral.nextDeadline).toBeNull();
    // 22:10 BST and 01:10 BST: the s.136's 4-hour and 1-hour marks pass without a warning, and its deadline without a breach.
    await runAt('2026-10-10T21:10:00Z');
    await runAt('2026-10-11T00:10:00Z');
    await runAt('2026-10-11T01:15:00Z');
    expect(await notes('POL-07')).toEqual([]);
  });

  it('a s.5(4) that lapses without an application stops at its 6 hours as breached, and the breach is still raised once', async () => {
    t.clock.set('2026-10-11T01:20:00Z');
    manager = await t.user(['manager']); // a token of the day (the first manager's has expired)
    const res = await as(manager)
      .post('/referrals', {
        ...s136('2026-10-11T01:00:00Z'),
        source: 'ward',
        reason: 'Informal in-patient trying to leave the ward; nurse holding power used.',
        urgency: 'emergency',
        legalContext: { kind: 's5-4', recordMadeAt: '2026-10-11T02:00:00+01:00' },
      })
      .expect(201);
    referralId = res.body.id;
    await runAt('2026-10-11T06:00:00Z');
    const keys = async () => [...new Set((await notes('HOLD-02')).map((n) => n.dedup_key))];
    expect(await keys()).toEqual([`clock:${referralId}:HOLD-02:60`]);
    await runAt('2026-10-11T07:05:00Z');
    expect((await clocks())['HOLD-02']).toMatchObject({
      state: 'stopped',
      stoppedAt: '2026-10-11T07:00:00.000Z',
      stopRule: 'HOLD-03',
      result: 'breached',
    });
    expect(await keys()).toEqual([`clock:${referralId}:HOLD-02:60`, `clock:${referralId}:HOLD-02:breach`]);
    const raised = await notes('HOLD-02');
    expect(raised.find((n) => n.dedup_key.endsWith(':breach'))?.body).toBe('Ended at Sun 11 Oct 2026 08:00 BST.');
    await runAt('2026-10-11T07:10:00Z');
    expect(await notes('HOLD-02')).toHaveLength(raised.length);
  });
});
