import { insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures, declareNewDoctors } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * APP-11 (MHA 1983 s.4(4)): a s.4 emergency application lapses 72 hours from the patient's admission under it unless
 * the second recommendation reaches the managers in time. The admission recorded at the wrong time is corrected from
 * the referral (POST /referrals/{id}/time-corrections, `s4AdmittedAt`), as the other starts of a statutory clock are.
 * The fixtures' s.4: examined Sat 21 Nov 09:30, signed 11:00 (the authority to convey ends Sun 22 Nov 09:30, APP-14).
 */
describe('correcting the admission a s.4 runs from (APP-11)', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-23T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => t.close());

  const { as, opened, s4Made } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));
  const WARD = 'The ward admission record gives the time the patient arrived on Beech Ward';
  type Clock = { id: string; anchor: string; deadline: string; stoppedAt?: string | null; result?: string | null };
  const s4Clock = (r: { clocks: Clock[] }) => r.clocks.find((c) => c.id === 'APP-11');
  const correct = (referralId: string, body: object) =>
    t.http.post(`/referrals/${referralId}/time-corrections`).set('authorization', manager.auth).send(body);
  const s4Pages = (referralId: string) =>
    t.sql<{ id: string; kind: string; closed_reason: string | null; ends_at: Date | null; recipient_user_id: string }>(
      `SELECT id, kind, closed_reason, ends_at, recipient_user_id FROM pages WHERE referral_id = $1 AND chain_key LIKE '%:APP-11:%' ORDER BY created_at, id`,
      [referralId],
    );
  const admissionOf = async (assessmentId: string) =>
    (
      await t.sql<{ at: Date; data: { corrections?: Array<{ from: string }> } | null }>(
        `SELECT at, data FROM assessment_events WHERE assessment_id = $1 AND type = 'admitted'`,
        [assessmentId],
      )
    ).map((e) => ({ at: e.at.toISOString(), corrections: e.data?.corrections?.map((c) => c.from) ?? [] }));

  /** A s.4 made on an allocated referral, the patient admitted at `admittedAt`. */
  async function admittedS4(admittedAt: string) {
    const { worker, referral, assessment: a } = await s4Made();
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: admittedAt }).expect(201);
    return { worker, referral: referral as { id: string }, a };
  }

  it('an admission corrected earlier runs the 72 hours from the corrected time: the AMHP is paged at once by the new end, and a correction back later closes that page (deadline-moved); on both timelines, audited, published', async () => {
    t.clock.set('2026-11-24T09:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const before = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body;
    // 72 hours from 14:00 on Saturday: Tuesday 14:00, five hours off, before the first warning (four hours before).
    expect(s4Clock(before)).toMatchObject({ anchor: '2026-11-21T14:00:00.000Z', deadline: '2026-11-24T14:00:00.000Z' });
    expect(await s4Pages(referral.id)).toEqual([]);

    // The patient in fact reached the ward at 11:30: the s.4 lapses at 11:30 on Tuesday, 2 h 30 min from now.
    const res = await correct(referral.id, { time: 's4AdmittedAt', at: '2026-11-21T11:30:00Z', reason: WARD });
    expect(res.status).toBe(200);
    expect(s4Clock(res.body)).toMatchObject({ anchor: '2026-11-21T11:30:00.000Z', deadline: '2026-11-24T11:30:00.000Z' });
    expect(await admissionOf(a.id)).toEqual([{ at: '2026-11-21T11:30:00.000Z', corrections: ['2026-11-21T14:00:00.000Z'] }]);
    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(checks.deadlines.find((d: { id: string }) => d.id === 's4-second-recommendation').at).toBe('2026-11-24T11:30:00.000Z');
    // Within the four-hour warning now: the AMHP holding the job is paged at once, of the new end.
    const [page] = await s4Pages(referral.id);
    expect(page).toMatchObject({ kind: 'clock-warning', closed_reason: null, recipient_user_id: worker.id });
    expect(page.ends_at!.toISOString()).toBe('2026-11-24T11:30:00.000Z');

    const events = (await as(manager).get(`/referrals/${referral.id}/events`).expect(200)).body.items as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
    expect(events.find((e) => e.type === 'time-corrected')?.data).toEqual({
      time: 's4AdmittedAt',
      from: '2026-11-21T14:00:00.000Z',
      to: '2026-11-21T11:30:00.000Z',
      reason: WARD,
      assessmentId: a.id,
    });
    expect(
      await t.sql(`SELECT actor_id, details FROM audit_events WHERE action = 'referral.time-corrected' AND resource_id = $1`, [
        referral.id,
      ]),
    ).toEqual([
      {
        actor_id: manager.id,
        details: { time: 's4AdmittedAt', from: '2026-11-21T14:00:00.000Z', to: '2026-11-21T11:30:00.000Z', reason: WARD },
      },
    ]);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'assessment.event-corrected' AND resource_id = $1`, [a.id])).toHaveLength(
      1,
    );
    expect(
      await t.sql(`SELECT payload FROM outbox_events WHERE type = 'referral.time-corrected' AND aggregate_id = $1`, [referral.id]),
    ).toEqual([
      { payload: { referralId: referral.id, time: 's4AdmittedAt', from: '2026-11-21T14:00:00.000Z', to: '2026-11-21T11:30:00.000Z' } },
    ]);

    // Put back to 14:00 (the first time was right after all): the end is past the warning again, so its page is closed.
    const back = await correct(referral.id, { time: 's4AdmittedAt', at: '2026-11-21T14:00:00Z', reason: WARD });
    expect(back.status).toBe(200);
    expect(s4Clock(back.body)).toMatchObject({ deadline: '2026-11-24T14:00:00.000Z' });
    expect(await s4Pages(referral.id)).toEqual([expect.objectContaining({ id: page.id, closed_reason: 'deadline-moved' })]);
  });

  it('the second recommendation received within 72 hours of the recorded admission no longer converts the s.4 once the admission is corrected earlier: the clock shows the lapse, breached', async () => {
    t.clock.set('2026-11-23T14:00:00Z');
    manager = await t.user(['manager']);
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    t.clock.set('2026-11-24T13:00:00Z');
    await as(worker)
      .post(`/assessments/${a.id}/recommendations`, {
        doctorId: gpDoctor,
        previousAcquaintance: true,
        examinedAt: '2026-11-24T10:00:00Z',
        examMode: 'in-person',
        signedAt: '2026-11-24T10:30:00Z',
        section: 's2',
        receivedByManagersAt: '2026-11-24T12:00:00Z',
      })
      .expect(201);
    await declareNewDoctors(t, worker, a.id);
    const converted = s4Clock((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body);
    expect(converted).toMatchObject({ stoppedAt: '2026-11-24T12:00:00.000Z', result: 'met' });

    // Admitted at 11:30, the 72 hours ended at 11:30 today: the receipt at 12:00 came after them.
    const res = await correct(referral.id, { time: 's4AdmittedAt', at: '2026-11-21T11:30:00Z', reason: WARD });
    expect(res.status).toBe(200);
    expect(s4Clock(res.body)).toMatchObject({
      deadline: '2026-11-24T11:30:00.000Z',
      stoppedAt: '2026-11-24T11:30:00.000Z',
      result: 'breached',
    });
  });

  it('refused, naming the field and changing nothing: no s.4 admission, unchanged, in the future, before the application was made, and after the authority to convey unanswered', async () => {
    t.clock.set('2026-11-23T14:00:00Z');
    const { referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const refused = async (body: object, field: string, code: string) => {
      const res = await correct(referral.id, { time: 's4AdmittedAt', reason: WARD, ...body });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe(code);
      expect(res.body.field ?? res.body.errors?.[0]?.field).toBe(field);
      return res.body;
    };
    await refused({ at: '2026-11-21T14:00:00Z' }, 'at', 'time-unchanged');
    await refused({ at: '2026-11-23T15:00:00Z' }, 'at', 'in-future');
    // The application was signed at 11:00: the patient cannot have been admitted under it at 10:45.
    expect((await refused({ at: '2026-11-21T10:45:00Z' }, 'at', 'admitted-before-application')).errors).toEqual([
      { field: 'at', messages: [expect.stringContaining('after it was made')] },
    ]);
    // The s.4's 24 hours to convey ended at 09:30 on Sunday (APP-14): later is an answered warning, as on the timeline.
    const late = await refused({ at: '2026-11-22T10:00:00Z' }, 'at', 'warnings-not-acknowledged');
    expect(late.findings).toEqual([expect.objectContaining({ rule: 'APP-14', code: 'admitted-after-conveyance-window' })]);
    await refused(
      { time: 'arrivedAt', at: '2026-11-21T12:00:00Z', acknowledgements: [{ code: 'x', reason: 'Not for this time.' }] },
      'acknowledgements',
      'acknowledgements-not-admission',
    );
    // None of it changed anything.
    expect(await admissionOf(a.id)).toEqual([{ at: '2026-11-21T14:00:00.000Z', corrections: [] }]);
    expect(await t.sql(`SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'time-corrected'`, [referral.id])).toEqual([]);

    // Answered, it is recorded as what happened: the patient was never detained under the s.4, so it has no 72 hours.
    const answered = await correct(referral.id, {
      time: 's4AdmittedAt',
      at: '2026-11-22T10:00:00Z',
      reason: WARD,
      acknowledgements: [
        { code: 'admitted-after-conveyance-window', reason: 'The ward admitted on the expired form; raised with the managers.' },
      ],
    });
    expect(answered.status).toBe(200);
    expect(s4Clock(answered.body)).toBeUndefined();

    // A referral with no s.4 made on it has no admission to correct: the time is the wrong one to name.
    const { referral: informal } = await opened();
    await refusedOn(informal.id, 'time-not-applicable');
  });

  const admittedEventOf = async (worker: TestUser, assessmentId: string) =>
    ((await as(worker).get(`/assessments/${assessmentId}`).expect(200)).body.timeline as Array<{ id: string; type: string }>).find(
      (e) => e.type === 'admitted',
    )!.id;

  it('an admission moved on the assessment timeline (PATCH /assessments/{id}/events/{eventId}) moves the s.4 pages at once, with no clock job run: the AMHP is paged by the new end, and a move back closes that page (deadline-moved)', async () => {
    t.clock.set('2026-11-24T09:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const eventId = await admittedEventOf(worker, a.id);
    expect(await s4Pages(referral.id)).toEqual([]);

    // The patient in fact reached the ward at 11:30: the s.4 lapses at 11:30 on Tuesday, 2 h 30 min from now.
    const moved = await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T11:30:00Z' });
    expect(moved.status).toBe(200);
    expect(s4Clock((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body)).toMatchObject({
      anchor: '2026-11-21T11:30:00.000Z',
      deadline: '2026-11-24T11:30:00.000Z',
    });
    // Within the four-hour warning now: the AMHP holding the job is paged at once, of the new end.
    const [page] = await s4Pages(referral.id);
    expect(page).toMatchObject({ kind: 'clock-warning', closed_reason: null, recipient_user_id: worker.id });
    expect(page.ends_at!.toISOString()).toBe('2026-11-24T11:30:00.000Z');

    // Put back to 14:00: the end is past the warning again, so its page is closed at once.
    await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T14:00:00Z' }).expect(200);
    expect(await s4Pages(referral.id)).toEqual([expect.objectContaining({ id: page.id, closed_reason: 'deadline-moved' })]);
  });

  /** What the referral and the assessment have recorded of the s.4 admission's corrections. */
  const recorded = async (referralId: string, assessmentId: string) => ({
    timeline: (
      await t.sql<{ data: Record<string, unknown> }>(
        `SELECT data FROM referral_events WHERE referral_id = $1 AND type = 'time-corrected' ORDER BY id`,
        [referralId],
      )
    ).map((e) => e.data),
    referralAudit: (
      await t.sql<{ actor_id: string; details: Record<string, unknown> }>(
        `SELECT actor_id, details FROM audit_events WHERE action = 'referral.time-corrected' AND resource_id = $1 ORDER BY id`,
        [referralId],
      )
    ).map((r) => ({ actor: r.actor_id, details: r.details })),
    published: (
      await t.sql<{ type: string }>(
        `SELECT type FROM outbox_events WHERE type IN ('referral.time-corrected', 'assessment.event-corrected') AND aggregate_id IN ($1, $2) ORDER BY id`,
        [referralId, assessmentId],
      )
    ).map((e) => e.type),
    assessmentAudit: (
      await t.sql(`SELECT 1 FROM audit_events WHERE action = 'assessment.event-corrected' AND resource_id = $1`, [assessmentId])
    ).length,
  });

  it("an admission moved on the assessment timeline leaves on the referral's timeline what the correction from the referral leaves: the s.4 admission corrected, from and to, with the reason (or that none was given), audited and published in the same change", async () => {
    t.clock.set('2026-11-23T14:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const eventId = await admittedEventOf(worker, a.id);
    const versionOf = async () => (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.version as number;
    const before = await versionOf();

    await as(worker)
      .patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T11:30:00Z', reason: `  ${WARD}  ` })
      .expect(200);
    expect(await versionOf()).toBe(before + 1);
    const entry = {
      time: 's4AdmittedAt',
      from: '2026-11-21T14:00:00.000Z',
      to: '2026-11-21T11:30:00.000Z',
      reason: WARD,
      assessmentId: a.id,
    };
    expect(await recorded(referral.id, a.id)).toEqual({
      timeline: [entry],
      referralAudit: [{ actor: worker.id, details: { time: 's4AdmittedAt', from: entry.from, to: entry.to, reason: WARD } }],
      published: ['referral.time-corrected', 'assessment.event-corrected'],
      assessmentAudit: 1,
    });
    const events = (await as(manager).get(`/referrals/${referral.id}/events`).expect(200)).body.items as Array<{
      type: string;
      data: object;
    }>;
    expect(events.filter((e) => e.type === 'time-corrected').map((e) => e.data)).toEqual([entry]);
    // The admission keeps the reason with the time it replaced, as from the referral.
    const [row] = await t.sql<{ data: { corrections: Array<Record<string, unknown>> } }>(
      `SELECT data FROM assessment_events WHERE id = $1`,
      [eventId],
    );
    expect(row.data.corrections).toEqual([
      { from: '2026-11-21T14:00:00.000Z', by: worker.id, at: '2026-11-23T14:00:00.000Z', reason: WARD },
    ]);

    // Moved back with no reason given: the referral's timeline says so rather than leaving it out.
    await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T14:00:00Z' }).expect(200);
    const after = await recorded(referral.id, a.id);
    expect(after.timeline[1]).toEqual({
      time: 's4AdmittedAt',
      from: '2026-11-21T11:30:00.000Z',
      to: '2026-11-21T14:00:00.000Z',
      reason: "Corrected on the assessment's timeline; no reason was given.",
      assessmentId: a.id,
    });
    expect(after.referralAudit).toHaveLength(2);
    expect(await versionOf()).toBe(before + 2);

    // The same correction from the referral leaves the same kind of entry (and keeps its reason on the admission too).
    const other = "The ward's admission book, checked by the charge nurse, gives 12:15";
    await correct(referral.id, { time: 's4AdmittedAt', at: '2026-11-21T12:15:00Z', reason: other }).expect(200);
    const fromReferral = await recorded(referral.id, a.id);
    expect(fromReferral.timeline[2]).toEqual({ ...entry, from: '2026-11-21T14:00:00.000Z', to: '2026-11-21T12:15:00.000Z', reason: other });
    const [again] = await t.sql<{ data: { corrections: Array<Record<string, unknown>> } }>(
      `SELECT data FROM assessment_events WHERE id = $1`,
      [eventId],
    );
    expect(again.data.corrections.map((c) => c.reason)).toEqual([WARD, undefined, other]);
  });

  it('with two admissions on the timeline, moving the later one before the first moves the s.4 start as moving the first does: paged at once by the new end, on the referral’s timeline from the first admission to the new time', async () => {
    t.clock.set('2026-11-24T09:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    // A second admission recorded after the first (the ward's own entry, later in the day).
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T16:00:00Z' }).expect(201);
    const timeline = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.timeline as Array<{
      id: string;
      type: string;
      at: string;
    }>;
    const second = timeline.find((e) => e.type === 'admitted' && e.at === '2026-11-21T16:00:00.000Z')!.id;
    expect(s4Clock((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body)).toMatchObject({
      anchor: '2026-11-21T14:00:00.000Z',
    });
    // Moving the later one, still after the first, leaves the s.4's start where it was: nothing on the referral.
    await as(worker).patch(`/assessments/${a.id}/events/${second}`, { at: '2026-11-21T15:00:00Z', reason: WARD }).expect(200);
    expect((await recorded(referral.id, a.id)).timeline).toEqual([]);
    // Moved before the first, it is the admission the 72 hours run from: Tuesday 11:30, 2 h 30 min from now.
    await as(worker).patch(`/assessments/${a.id}/events/${second}`, { at: '2026-11-21T11:30:00Z', reason: WARD }).expect(200);
    const after = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body;
    expect(s4Clock(after)).toMatchObject({ anchor: '2026-11-21T11:30:00.000Z', deadline: '2026-11-24T11:30:00.000Z' });
    expect((await recorded(referral.id, a.id)).timeline).toEqual([
      { time: 's4AdmittedAt', from: '2026-11-21T14:00:00.000Z', to: '2026-11-21T11:30:00.000Z', reason: WARD, assessmentId: a.id },
    ]);
    const [page] = await s4Pages(referral.id);
    expect(page).toMatchObject({ kind: 'clock-warning', closed_reason: null, recipient_user_id: worker.id });
    expect(page.ends_at!.toISOString()).toBe('2026-11-24T11:30:00.000Z');
  });

  it("the duty phone's replay records nothing new: the admission's own time sent again, or the same PATCH resent with its Idempotency-Key, is 200 with no second timeline entry, audit or event and no version moved on; the referral's explicit correction to the time already recorded stays 422 time-unchanged", async () => {
    t.clock.set('2026-11-23T14:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    const eventId = view.timeline.find((e: { type: string }) => e.type === 'admitted').id;
    const headers = { 'idempotency-key': `s4-admission-${eventId}`, 'if-match': `"v${view.version}"` };
    const body = { at: '2026-11-21T11:30:00Z', reason: WARD };
    const sends = [];
    for (let i = 0; i < 3; i++) sends.push(await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, body, headers).expect(200));
    expect(sends.map((r) => r.headers['idempotent-replayed'])).toEqual([undefined, 'true', 'true']);
    expect(sends.map((r) => r.headers.etag)).toEqual(Array(3).fill(sends[0].headers.etag));
    const once = await recorded(referral.id, a.id);
    expect(once).toMatchObject({ published: ['referral.time-corrected', 'assessment.event-corrected'], assessmentAudit: 1 });
    expect(once.timeline).toHaveLength(1);
    expect(once.referralAudit).toHaveLength(1);
    const referralVersion = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.version;

    // Sent again without its key (a new send of the same step, on the version it now has, or none): the time it already
    // has is a read, answered 200 with the version unchanged.
    const same = await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, body, { 'if-match': sends[0].headers.etag }).expect(200);
    expect(same.headers.etag).toBe(sends[0].headers.etag);
    await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T11:30:00.000+00:00' }).expect(200);
    expect(await recorded(referral.id, a.id)).toEqual(once);
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.version).toBe(referralVersion);
    expect(await admissionOf(a.id)).toEqual([{ at: '2026-11-21T11:30:00.000Z', corrections: ['2026-11-21T14:00:00.000Z'] }]);

    // A manager's explicit correction from the referral to the time already recorded is refused: there is nothing to correct.
    const res = await correct(referral.id, { time: 's4AdmittedAt', at: '2026-11-21T11:30:00Z', reason: WARD });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'time-unchanged', errors: [expect.objectContaining({ field: 'at' })] });
    expect(await recorded(referral.id, a.id)).toEqual(once);
  });

  it("a reason given with a moved event is checked as the referral's correction checks it: too short, too long or not text is 400 naming reason, and nothing is recorded; ten characters are enough", async () => {
    t.clock.set('2026-11-23T14:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const eventId = await admittedEventOf(worker, a.id);
    for (const reason of ['too short', '   Ward     ', 'x'.repeat(1001), 42, null]) {
      const res = await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T11:30:00Z', reason });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    }
    expect(await admissionOf(a.id)).toEqual([{ at: '2026-11-21T14:00:00.000Z', corrections: [] }]);
    expect(await recorded(referral.id, a.id)).toEqual({ timeline: [], referralAudit: [], published: [], assessmentAudit: 0 });
    // Ten characters, the least the referral's correction takes, are enough.
    await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T11:30:00Z', reason: 'Ward book.' }).expect(200);
    expect((await recorded(referral.id, a.id)).timeline.map((e) => e.reason)).toEqual(['Ward book.']);
  });

  it('an admission moved on the assessment timeline is refused as from the referral, changing nothing: before the s.4 application was made, in the future, and after the authority to convey unanswered', async () => {
    t.clock.set('2026-11-23T14:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const eventId = await admittedEventOf(worker, a.id);
    const refused = async (body: object, code: string) => {
      const res = await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, body);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe(code);
      expect(res.body.field ?? res.body.errors?.[0]?.field).toBe('at');
      return res.body;
    };
    // The application was signed at 11:00: the patient cannot have been admitted under it at 10:45.
    expect((await refused({ at: '2026-11-21T10:45:00Z' }, 'admitted-before-application')).errors).toEqual([
      { field: 'at', messages: [expect.stringContaining('after it was made')] },
    ]);
    await refused({ at: '2026-11-23T15:00:00Z' }, 'in-future');
    const late = await refused({ at: '2026-11-22T10:00:00Z' }, 'warnings-not-acknowledged');
    expect(late.findings).toEqual([expect.objectContaining({ rule: 'APP-14', code: 'admitted-after-conveyance-window' })]);
    expect(await admissionOf(a.id)).toEqual([{ at: '2026-11-21T14:00:00.000Z', corrections: [] }]);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'assessment.event-corrected' AND resource_id = $1`, [a.id])).toEqual([]);
    expect(await s4Pages(referral.id)).toEqual([]);
  });

  it("for a patient already in hospital the s.4's admission is the managers' receipt: corrected on the application, it moves the 72 hours as a moved admission does (the AMHP paged at once by the new end, the correction on the referral's timeline), and is refused once the referral is closed", async () => {
    t.clock.set('2026-11-24T09:00:00Z');
    // Held on the ward under s.5(2) since Fri 20 Nov 13:00; the s.4 is signed on Sat 21 Nov at 11:00 and took effect
    // when the managers received it, recorded as 14:00.
    const { worker, referral, assessment, decided } = await s4Made({
      opened: { source: 'ward', legalContext: { kind: 's5-2', h1FurnishedAt: '2026-11-20T13:00:00Z' } },
      application: { managersReceivedAt: '2026-11-21T14:00:00Z' },
    });
    expect(decided.outcome.application).toMatchObject({ inPatient: true, managersReceivedAt: '2026-11-21T14:00:00.000Z' });
    const before = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body;
    expect(s4Clock(before)).toMatchObject({ anchor: '2026-11-21T14:00:00.000Z', deadline: '2026-11-24T14:00:00.000Z' });
    expect(await s4Pages(referral.id)).toEqual([]);

    // The managers in fact received it at 11:30: the s.4 lapses at 11:30 on Tuesday, 2 h 30 min from now.
    await as(manager).patch(`/assessments/${assessment.id}/application`, { managersReceivedAt: '2026-11-21T11:30:00Z' }).expect(200);
    const after = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body;
    expect(s4Clock(after)).toMatchObject({ anchor: '2026-11-21T11:30:00.000Z', deadline: '2026-11-24T11:30:00.000Z' });
    const [page] = await s4Pages(referral.id);
    expect(page).toMatchObject({ kind: 'clock-warning', closed_reason: null, recipient_user_id: worker.id });
    expect(page.ends_at!.toISOString()).toBe('2026-11-24T11:30:00.000Z');
    const events = (await as(manager).get(`/referrals/${referral.id}/events`).expect(200)).body.items as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
    expect(events.filter((e) => e.type === 'time-corrected').map((e) => e.data)).toEqual([
      {
        time: 's4AdmittedAt',
        from: '2026-11-21T14:00:00.000Z',
        to: '2026-11-21T11:30:00.000Z',
        reason: "Corrected as the hospital managers' receipt of the application on the assessment; no reason was given.",
        assessmentId: assessment.id,
      },
    ]);

    // Closed by the hub: its clocks have stopped, and the receipt is no longer moved (as the admission is not).
    await as(manager)
      .post(`/referrals/${referral.id}/status`, { status: 'closed', reason: 'Closed by the hub: the ward holds the patient now' })
      .expect(200);
    const refused = await as(manager).patch(`/assessments/${assessment.id}/application`, { managersReceivedAt: '2026-11-21T11:00:00Z' });
    expect([refused.status, refused.body.code]).toEqual([409, 'referral-not-open']);
    const kept = (await as(manager).get(`/assessments/${assessment.id}`).expect(200)).body;
    expect(kept.outcome.application.managersReceivedAt).toBe('2026-11-21T11:30:00.000Z');
  });

  it('on a referral the hub has closed, the s.4 admission moved on the assessment timeline is refused as from the referral (409 referral-not-open, the same answer), nothing changed and the refusal kept; the time it already has is still 200 and a move made before the close replays as it was answered', async () => {
    t.clock.set('2026-11-23T14:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const eventId = await admittedEventOf(worker, a.id);
    // Moved once while the referral is open, sent with the duty phone's Idempotency-Key.
    const key = { 'idempotency-key': `s4-closed-${eventId}` };
    const first = await as(worker)
      .patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T12:00:00Z', reason: WARD }, key)
      .expect(200);
    await t.http
      .post(`/referrals/${referral.id}/status`)
      .set('authorization', manager.auth)
      .send({ status: 'closed', reason: 'Closed by the hub: the ward holds the patient now' })
      .expect(200);
    const before = await recorded(referral.id, a.id);
    const admissionBefore = await admissionOf(a.id);
    const referralVersion = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.version;
    const assessmentVersion = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version;

    const answer = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) => {
      const { requestId: _r, instance: _i, ...rest } = res.body;
      return { status: res.status, contentType: res.headers['content-type'], body: rest };
    };
    const fromReferral = await correct(referral.id, { time: 's4AdmittedAt', at: '2026-11-21T11:30:00Z', reason: WARD });
    const onTimeline = await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T11:30:00Z', reason: WARD });
    expect(answer(fromReferral)).toMatchObject({ status: 409, contentType: expect.stringMatching(/application\/problem\+json/) });
    expect(answer(fromReferral).body).toMatchObject({
      code: 'referral-not-open',
      detail: expect.stringContaining('a time cannot be corrected'),
    });
    expect(answer(onTimeline)).toEqual(answer(fromReferral));
    // Sent again with a key of its own, the refusal is answered again, as the first time.
    const refusedKey = { 'idempotency-key': `s4-closed-refused-${eventId}` };
    for (let i = 0; i < 2; i++)
      expect(answer(await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T11:30:00Z' }, refusedKey))).toEqual(
        answer(fromReferral),
      );

    // Nothing changed: the admission, the referral's timeline, audit and events, the versions, the s.4's pages.
    expect(await admissionOf(a.id)).toEqual(admissionBefore);
    expect(await recorded(referral.id, a.id)).toEqual(before);
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.version).toBe(referralVersion);
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version).toBe(assessmentVersion);
    // Each refusal kept as a refused attempt on the referral, by either route.
    const denied = await t.sql<{ actor_id: string; outcome: string; details: Record<string, unknown> }>(
      `SELECT actor_id, outcome, details FROM audit_events WHERE action = 'access.denied' AND resource_type = 'referral' AND resource_id = $1 ORDER BY id`,
      [referral.id],
    );
    expect(denied.map((d) => d.actor_id)).toEqual([manager.id, worker.id, worker.id, worker.id]);
    expect(denied.map((d) => d.outcome)).toEqual(Array(4).fill('denied'));
    expect(denied[0].details).toEqual({ policy: 'person.write', reason: 'The referral is closed.' });

    // The time it already has is a read (200, nothing recorded), and the move made before the close replays its answer.
    await as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T12:00:00Z' }).expect(200);
    const replay = await as(worker)
      .patch(`/assessments/${a.id}/events/${eventId}`, { at: '2026-11-21T12:00:00Z', reason: WARD }, key)
      .expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.etag).toBe(first.headers.etag);
    expect(await recorded(referral.id, a.id)).toEqual(before);
    expect(await admissionOf(a.id)).toEqual(admissionBefore);
  });

  it('the s.4 correction from the referral and the admission moved on its assessment, sent at the same moment twenty times over, are each answered 200, 409 or 412 (never 500) one after the other, with no deadlock, and leave the record consistent', async () => {
    t.clock.set('2026-11-24T09:00:00Z');
    const { worker, referral, a } = await admittedS4('2026-11-21T14:00:00Z');
    const eventId = await admittedEventOf(worker, a.id);
    const deadlocks = async () =>
      Number((await t.sql<{ n: string }>('SELECT deadlocks::text AS n FROM pg_stat_database WHERE datname = current_database()'))[0].n);
    const before = await deadlocks();
    const answers: Array<{ status: number; body: { code?: string } }> = [];
    for (let i = 0; i < 20; i++) {
      // Every time a different one (12:00-12:19 from the referral, 13:00-13:19 on the assessment): each answered 200 moved it.
      const minute = String(i).padStart(2, '0');
      answers.push(
        ...(await Promise.all([
          correct(referral.id, { time: 's4AdmittedAt', at: `2026-11-21T12:${minute}:00Z`, reason: WARD }),
          as(worker).patch(`/assessments/${a.id}/events/${eventId}`, { at: `2026-11-21T13:${minute}:00Z` }),
        ])),
      );
    }
    expect(answers.filter((r) => ![200, 409, 412].includes(r.status)).map((r) => [r.status, r.body.code])).toEqual([]);
    const moved = answers.filter((r) => r.status === 200).length;
    // Each move answered 200 is on the admission's history, and audited, once, and on the referral's timeline, by either route.
    const [admission] = await admissionOf(a.id);
    expect(admission.corrections).toHaveLength(moved);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'assessment.event-corrected' AND resource_id = $1`, [a.id])).toHaveLength(
      moved,
    );
    expect(await t.sql(`SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'time-corrected'`, [referral.id])).toHaveLength(
      moved,
    );
    // The referral's clock runs from the admission as it stands, and what is paged says that end and no other.
    const clock = s4Clock((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body)!;
    expect(clock.anchor).toBe(admission.at);
    const open = (await s4Pages(referral.id)).filter((p) => p.closed_reason === null);
    const within = new Date(clock.deadline).getTime() - Date.parse('2026-11-24T09:00:00Z') <= 4 * 3600_000;
    expect(open.map((p) => p.ends_at!.toISOString())).toEqual(within ? [clock.deadline] : []);
    // The two waited for each other in turn: no deadlock was detected (each costs a second's wait and a run again).
    await t.sql('SELECT pg_stat_force_next_flush()');
    expect((await deadlocks()) - before).toBe(0);
  });

  const refusedOn = async (referralId: string, code: string) => {
    const res = await correct(referralId, { time: 's4AdmittedAt', at: '2026-11-21T12:00:00Z', reason: WARD });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code, errors: [expect.objectContaining({ field: 'time' })] });
  };
});
