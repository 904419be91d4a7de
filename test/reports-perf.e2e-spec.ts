import { createTestApp, TestApp, TestUser } from './support/test-app';

type Figure = { section: string; group: string; measure: string; value: unknown };

/**
 * The reports read each timeline in one pass (migration ReportViewsOnePass): the steps each view gives, worked out by
 * hand on referrals whose timelines have the awkward cases (ties, several doctors, a second assessment); and the
 * periods a report covers, up to ten financial years.
 */
describe('reports on a long period, read in one pass over each timeline', () => {
  let t: TestApp;
  let manager: TestUser;
  let lead: TestUser;
  const NOW = '2026-12-01T09:00:00Z';
  const get = (path: string) => t.http.get(path).set('authorization', manager.auth);
  const value = (figures: Figure[], key: string) => figures.find((f) => `${f.section}.${f.group}.${f.measure}` === key)?.value;

  let n = 0;
  async function referral(receivedAt: string, allocatedTo: TestUser | null): Promise<{ id: string; person: string }> {
    n += 1;
    const [person] = await t.sql<{ id: string }>(
      `INSERT INTO persons (given_name, family_name, created_by) VALUES ('Pat', $1, $2) RETURNING id`,
      [`Long${n}`, manager.id],
    );
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, allocated_user_id, created_by)
       VALUES ($1, $2, 'received', 'gp', 'urgent', $3, '{"name":"Dr Referrer"}', 'Fixture referral', '{"toSelf":false,"toOthers":false,"fromOthers":false}',
               '{"kind":"informal"}', $4, $5)
       RETURNING id`,
      [`R-LONG-${n}`, person.id, receivedAt, allocatedTo?.id ?? null, manager.id],
    );
    return { id: r.id, person: person.id };
  }
  const event = (referralId: string, type: string, at: string) =>
    t.sql(`INSERT INTO referral_events (referral_id, at, type) VALUES ($1, $2, $3)`, [referralId, at, type]);
  async function assessment(r: { id: string; person: string }, spec: { openedAt: string; decidedAt?: string; outcome?: object }) {
    const [a] = await t.sql<{ id: string }>(
      `INSERT INTO assessments (referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, outcome, decided_at, opened_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $4) RETURNING id`,
      [
        r.id,
        r.person,
        spec.decidedAt ? 'closed' : 'open', // one assessment of a referral open at a time
        lead.id,
        spec.decidedAt ? 'application' : null,
        spec.decidedAt ? 's2' : null,
        spec.outcome ?? null,
        spec.decidedAt ?? null,
        spec.openedAt,
      ],
    );
    return a.id;
  }
  const timeline = (assessmentId: string, type: string, at: string, delay: string | null = null, data: object = {}) =>
    t.sql(`INSERT INTO assessment_events (assessment_id, type, at, delay_reason, data, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`, [
      assessmentId,
      type,
      at,
      delay,
      data,
      lead.id,
    ]);

  let tied: { id: string; person: string };
  let twice: { id: string; person: string };
  let waiting: { id: string; person: string };
  let first: string;

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    [manager, lead] = await Promise.all([t.user(['manager']), t.user(['amhp'])]);
    await t.sql(
      `INSERT INTO practitioners (user_id, profession, registration_body, registration_number, team) VALUES ($1, 'social-worker', 'Social Work England', 'SW-LONG', 'East')`,
      [lead.id],
    );

    // Two screening decisions at the same instant: the first recorded is the screening result; allocated twice: the first.
    tied = await referral('2026-11-02T10:00:00Z', lead);
    await event(tied.id, 'not-accepted', '2026-11-02T10:30:00Z');
    await event(tied.id, 'accepted', '2026-11-02T10:30:00Z');
    await event(tied.id, 'allocated', '2026-11-02T12:00:00Z');
    await event(tied.id, 'allocated', '2026-11-02T11:00:00Z');

    // Two assessments: the first's timeline is the referral's (doctors: the last to arrive; the signing from the
    // timeline before the outcome's); the second's events are not.
    twice = await referral('2026-11-03T10:00:00Z', null);
    await event(twice.id, 'accepted', '2026-11-03T10:20:00Z');
    first = await assessment(twice, {
      openedAt: '2026-11-03T11:00:00Z',
      decidedAt: '2026-11-03T16:00:00Z',
      outcome: { application: { signedAt: '2026-11-03T17:00:00Z' } },
    });
    await timeline(first, 'doctors-requested', '2026-11-03T11:10:00Z');
    await timeline(first, 'doctors-requested', '2026-11-03T11:40:00Z');
    await timeline(first, 'doctor-arrived', '2026-11-03T13:00:00Z', 'waiting-s12-doctor');
    await timeline(first, 'doctor-arrived', '2026-11-03T14:00:00Z');
    await timeline(first, 'interview-started', '2026-11-03T14:10:00Z');
    await timeline(first, 'application-signed', '2026-11-03T16:30:00Z');
    await timeline(first, 'admitted', '2026-11-03T20:00:00Z', 'no-bed');
    const second = await assessment(twice, { openedAt: '2026-11-20T09:00:00Z' });
    await timeline(second, 'interview-started', '2026-11-20T09:30:00Z');

    // An application signed on 25 November, decided (recorded) on 1 September: still waiting at the end of November.
    waiting = await referral('2026-08-31T10:00:00Z', lead);
    const late = await assessment(waiting, { openedAt: '2026-08-31T11:00:00Z', decidedAt: '2026-09-01T10:00:00Z' });
    await timeline(late, 'application-signed', '2026-11-25T10:00:00Z');
  });

  afterAll(async () => {
    await t.close();
  });

  it("each referral's steps: the first screening decision recorded, the first allocation, and the first assessment's timeline", async () => {
    const rows = await t.sql<Record<string, unknown>>(
      `SELECT referral_id, team, screened_at, screening_result, allocated_at, assessment_id, doctors_requested_at, doctors_arrived_at,
              interview_at, decision_at, application_at, admitted_at
         FROM report_referral_steps WHERE referral_id = ANY($1::uuid[]) ORDER BY received_at`,
      [[tied.id, twice.id]],
    );
    const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
    expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, iso(v)])))).toEqual([
      {
        referral_id: tied.id,
        team: 'East',
        screened_at: '2026-11-02T10:30:00.000Z',
        screening_result: 'not-accepted',
        allocated_at: '2026-11-02T11:00:00.000Z',
        assessment_id: null,
        doctors_requested_at: null,
        doctors_arrived_at: null,
        interview_at: null,
        decision_at: null,
        application_at: null,
        admitted_at: null,
      },
      {
        referral_id: twice.id,
        team: 'East',
        screened_at: '2026-11-03T10:20:00.000Z',
        screening_result: 'accepted',
        allocated_at: null,
        assessment_id: first,
        doctors_requested_at: '2026-11-03T11:10:00.000Z',
        doctors_arrived_at: '2026-11-03T14:00:00.000Z',
        interview_at: '2026-11-03T14:10:00.000Z',
        decision_at: '2026-11-03T16:00:00.000Z',
        application_at: '2026-11-03T16:30:00.000Z',
        admitted_at: '2026-11-03T20:00:00.000Z',
      },
    ]);
    const [ops] = await t.sql<{ last_delay_reason: string; application_at: Date }>(
      `SELECT last_delay_reason, application_at FROM report_assessment_ops WHERE assessment_id = $1`,
      [first],
    );
    expect([ops.last_delay_reason, ops.application_at.toISOString()]).toEqual(['no-bed', '2026-11-03T16:30:00.000Z']);
  });

  it('a manager asks for ten financial years and gets them; a day more than 3,660 is refused, naming the field', async () => {
    const ten = await get('/reports/activity?from=2016-04-01&to=2026-03-31').expect(200);
    expect(ten.body.period).toEqual({ label: '2016-04-01..2026-03-31', from: '2016-04-01', to: '2026-03-31' });
    const longest = await get('/reports/timeliness?from=2016-04-01&to=2026-04-08').expect(200);
    expect(longest.body.period.to).toBe('2026-04-08');
    const refused = await get('/reports/timeliness?from=2016-04-01&to=2026-04-09').expect(422);
    expect(refused.body.errors).toEqual([{ field: 'to', messages: ['covers at most 3660 days'] }]);
  });

  it('beds and conveyance counts the person waiting on an application signed at the end of the period, whenever it was decided', async () => {
    const res = await get('/reports/beds-and-conveyance?period=2026-11').expect(200);
    expect(value(res.body.figures, 'waiting.all.waiting')).toBe(1);
    // Signed 25 November 10:00, waiting to the end of November (local midnight, GMT): 5 days 14 hours.
    expect(value(res.body.figures, 'waiting.all.longest-wait')).toBe((5 * 24 + 14) * 60);
    // And the application decided in November is in the cohort, timed from its decision.
    expect(value(res.body.figures, 'summary.all.applications')).toBe(1);
  });
});
