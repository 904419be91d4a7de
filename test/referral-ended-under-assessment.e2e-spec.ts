import { amhp } from './support/workforce-fixtures';
import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * A referral withdrawn or closed by the hub while its AMHP is on her way or mid-assessment: she is told at once what
 * happened and why, and an assessment under way stays hers to finish (its outcome recorded and the assessment closed,
 * MHA 1983 s.13), while the referral stays as it ended.
 */
describe('a referral ended by the hub while its AMHP holds it', () => {
  let t: TestApp;
  let manager: TestUser;
  let police: TestUser;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    police = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  /** A s.136 referral allocated to a new AMHP (who accepted its offer); with `assessing`, her assessment opened. */
  async function held(assessing: boolean) {
    const grace = await amhp(t);
    const r = await sent(t, police.auth, s136Referral(`Ended${++n}`, '2026-11-21T01:30:00Z'));
    await accepted(t, manager.auth, r.id, [grace.id]);
    await t.http.post(`/referrals/${r.id}/offers/accept`).set('authorization', grace.auth).send({}).expect(201);
    const assessmentId = assessing
      ? (await t.http.post('/assessments').set('authorization', grace.auth).send({ referralId: r.id }).expect(201)).body.id
      : null;
    return { grace, referralId: r.id, reference: r.reference, assessmentId };
  }
  const end = (referralId: string, status: 'withdrawn' | 'closed', reason: string) =>
    t.http.post(`/referrals/${referralId}/status`).set('authorization', manager.auth).send({ status, reason }).expect(200);
  const inbox = async (u: TestUser) =>
    (await t.http.get('/me/notifications').set('authorization', u.auth).expect(200)).body.items as Array<{
      kind: string;
      title: string;
      body: string;
      subjectId: string;
    }>;

  it('withdrawn while she is on her way: she is told it was withdrawn and why, and not to go on', async () => {
    const { grace, referralId, reference } = await held(false);
    await end(referralId, 'withdrawn', 'Ward rang: patient agreed to stay informally');
    const told = (await inbox(grace)).filter((x) => x.subjectId === referralId && x.kind.startsWith('referral.'));
    expect(told).toEqual([
      expect.objectContaining({
        kind: 'referral.withdrawn',
        title: `${reference}: withdrawn by the hub`,
        body: expect.stringContaining('Ward rang: patient agreed to stay informally. Do not go on with it.'),
      }),
    ]);
    // The person is no longer hers to read.
    const read = await t.http.get(`/referrals/${referralId}`).set('authorization', grace.auth);
    expect(read.status).toBe(403);
  });

  it('withdrawn mid-assessment: she is told, and records what she did and the outcome, and closes her assessment', async () => {
    const { grace, referralId, assessmentId } = await held(true);
    await end(referralId, 'withdrawn', 'Police de-arrested; person went home with family');
    const [told] = (await inbox(grace)).filter((x) => x.subjectId === referralId && x.kind.startsWith('referral.'));
    expect(told.kind).toBe('referral.withdrawn');
    expect(told.body).toContain('Your assessment stays open for you: record what you did and the outcome');
    const as = (req: ReturnType<typeof t.http.post>) => req.set('authorization', grace.auth);
    await as(t.http.post(`/assessments/${assessmentId}/events`))
      .send({ type: 'interview-ended', at: '2026-11-21T02:00:00Z' })
      .expect(201);
    const outcome = await as(t.http.post(`/assessments/${assessmentId}/outcome`)).send({
      kind: 'not-detained',
      alternatives: ['unable-to-complete'],
      rationale: 'Referral withdrawn by the police mid-interview; he went home with his family, crisis team told.',
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body.status).toBe('decided');
    const closed = await as(t.http.post(`/assessments/${assessmentId}/close`)).send({});
    expect(closed.status).toBeLessThan(300);
    expect(closed.body.status).toBe('closed');
    const [r] = await t.sql<{ status: string }>('SELECT status FROM referrals WHERE id = $1', [referralId]);
    expect(r.status).toBe('withdrawn');
    // Closed, the record is no longer hers to change, nor the person hers to read beyond it.
    const after = await as(t.http.post(`/assessments/${assessmentId}/events`)).send({ type: 'admitted', at: '2026-11-21T02:00:00Z' });
    expect(after.status).toBe(409);
    expect((await t.http.get(`/referrals/${referralId}`).set('authorization', grace.auth)).status).toBe(403);
  });

  it('once closed, her assessment, its list entry and its outcome report show the person as recorded then, not what the hub records of them later', async () => {
    const { grace, referralId, assessmentId } = await held(true);
    await end(referralId, 'withdrawn', 'Police de-arrested; person went home with family');
    const as = (req: ReturnType<typeof t.http.get>) => req.set('authorization', grace.auth);
    await as(t.http.post(`/assessments/${assessmentId}/outcome`))
      .send({ kind: 'not-detained', alternatives: ['unable-to-complete'], rationale: 'Withdrawn mid-interview; went home with family.' })
      .expect(200);
    await as(t.http.post(`/assessments/${assessmentId}/close`))
      .send({})
      .expect(200);
    const before = (await as(t.http.get(`/assessments/${assessmentId}`)).expect(200)).body.person;
    const [{ person_id: personId }] = await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [referralId]);
    await as(t.http.get(`/people/${personId}`)).expect(403);
    // The hub learns where the person lives now, and a new surname: none of it is hers to know.
    await t.http
      .patch(`/people/${personId}`)
      .set('authorization', manager.auth)
      .send({ familyName: 'Brightwater', address: 'Flat 9, 12 Refuge Lane, Newtown', postcode: 'NE1 4XY', dateOfBirth: '1962-11-13' })
      .expect(200);
    const after = (await as(t.http.get(`/assessments/${assessmentId}`)).expect(200)).body;
    expect(after.person).toEqual(before);
    const listed = (await as(t.http.get('/assessments?status=closed')).expect(200)).body.items;
    expect(listed.find((x: { id: string }) => x.id === assessmentId).person).toEqual(before);
    for (const format of ['json', 'html']) {
      const report = await as(t.http.get(`/assessments/${assessmentId}/report?format=${format}`)).expect(200);
      expect(report.text).not.toMatch(/Brightwater|Refuge Lane|1962-11-13|13 Nov(ember)? 1962|13\/11\/1962/);
      expect(report.text).toContain(before.familyName);
    }
    // The hub's own view of the closed record is the same: the statutory record is not rewritten after the fact.
    expect((await t.http.get(`/assessments/${assessmentId}`).set('authorization', manager.auth).expect(200)).body.person).toEqual(before);
    expect((await t.http.get(`/people/${personId}`).set('authorization', manager.auth).expect(200)).body.familyName).toBe('Brightwater');
  });

  it('closed by a manager mid-assessment: its lead still records the outcome and closes it; the referral stays closed', async () => {
    const { grace, referralId, assessmentId } = await held(true);
    await end(referralId, 'closed', 'Closing: the GP will review in the morning');
    const [told] = (await inbox(grace)).filter((x) => x.subjectId === referralId && x.kind.startsWith('referral.'));
    expect(told.kind).toBe('referral.closed');
    const outcome = await t.http
      .post(`/assessments/${assessmentId}/outcome`)
      .set('authorization', grace.auth)
      .send({
        kind: 'not-detained',
        alternatives: ['community-follow-up', 'decision-deferred'],
        rationale: 'Deferred: the GP reviews in the morning, community team to follow up.',
      });
    expect(outcome.status).toBe(200);
    const closed = await t.http.post(`/assessments/${assessmentId}/close`).set('authorization', grace.auth).send({});
    expect(closed.body.status).toBe('closed');
    const [r] = await t.sql<{ status: string }>('SELECT status FROM referrals WHERE id = $1', [referralId]);
    expect(r.status).toBe('closed');
  });
});
