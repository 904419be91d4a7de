import { createTestApp, TestApp, TestUser } from './support/test-app';

type Figure = { section: string; group: string; measure: string; value: unknown; records?: string };

// A referral linked at intake to another open referral of the same person (DUTY-02) and then withdrawn is the same
// episode sent twice. Activity shows it on its own line; every report that counts episodes counts it once: the
// detention at a place of safety, the s.136 detention by ethnicity, age and sex, the resident of another area.
describe('reports: a duplicate referral withdrawn is the same episode, counted once', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-06T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const post = (p: string, b: object) => t.http.post(p).set('authorization', manager.auth).send(b);
  const get = (p: string) => t.http.get(p).set('authorization', manager.auth);
  const figure = (figures: Figure[], key: string) => {
    const f = figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key);
    if (!f) throw new Error(`no figure ${key}`);
    return f;
  };
  const references = async (f: Figure) =>
    (await get(f.records!).expect(200)).body.items.map((i: { reference: string }) => i.reference).sort();

  const s136 = (familyName: string) => ({
    person: { givenName: 'Sam', familyName, dateOfBirth: '1990-05-01', ethnicCategory: 'M', sex: 'male' },
    source: 'police-s136',
    referrer: { name: 'PC Jones', organisation: 'Northshire Police' },
    reason: 'Found on the bridge in distress, detained under s.136',
    risks: { toSelf: true, toOthers: false, fromOthers: false },
    urgency: 'emergency',
    legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-12-05T22:10:00Z' },
  });
  const visitor = (familyName: string) => ({
    person: { givenName: 'Val', familyName, dateOfBirth: '1975-01-01' },
    source: 'gp',
    referrer: { name: 'Dr Khan', organisation: 'Riverside Surgery', phone: '+44 1632 960222' },
    reason: 'Deteriorating mental state while visiting family',
    risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
    urgency: 'urgent',
    legalContext: { kind: 'informal' },
    otherAuthority: 'Southvale Council',
  });
  /** The referral, then the same sent again for its person, linked at intake and withdrawn as its duplicate. */
  async function sentTwice(body: ReturnType<typeof s136> | ReturnType<typeof visitor>) {
    const first = (await post('/referrals', body).expect(201)).body;
    const again = (await post('/referrals', { ...body, person: undefined, personId: first.person.id }).expect(201)).body;
    expect(again.findings.map((f: { code: string }) => f.code)).toContain('open-referral-exists');
    await post(`/referrals/${again.id}/status`, { status: 'withdrawn', reason: `Duplicate of ${first.reference}` }).expect(200);
    return { first: first.reference as string, again: again.reference as string };
  }

  it('counts one detention at a place of safety and one s.136 detention for the s.136 referral sent twice, and one other-area referral for the visitor referred twice', async () => {
    const detention = await sentTwice(s136('Twice'));
    const visit = await sentTwice(visitor('Visiting'));

    // Activity still shows each referral received, the duplicates on their own line: 4 received, 2 duplicates.
    const activity = (await get('/reports/activity?period=2026-12').expect(200)).body.figures as Figure[];
    expect(['referrals', 'duplicates-withdrawn', 'withdrawn'].map((m) => figure(activity, `by-month.total.${m}`).value)).toEqual([4, 2, 0]);

    const places = (await get('/reports/places-of-safety?period=2026-12').expect(200)).body.figures as Figure[];
    expect(['detentions', 'not-started'].map((m) => figure(places, `summary.all.${m}`).value)).toEqual([1, 1]);
    expect(figure(places, 'place-type.health-based.detentions').value).toBe(1);
    expect(await references(figure(places, 'summary.all.detentions'))).toEqual([detention.first]);

    const equity = (await get('/reports/equity?period=2026-12').expect(200)).body.figures as Figure[];
    expect(
      [
        's136-by-broad-ethnic-group.all.count',
        's136-by-broad-ethnic-group.black.count',
        's136-by-sex.male.count',
        's136-by-age-band.35-49.count',
        'ethnicity-recorded.s136.records',
      ].map((k) => figure(equity, k).value),
    ).toEqual([1, 1, 1, 1, 1]);
    expect(await references(figure(equity, 's136-by-broad-ethnic-group.all.count'))).toEqual([detention.first]);

    const area = (await get('/reports/out-of-area?period=2026-12').expect(200)).body.figures as Figure[];
    expect(figure(area, 'other-areas-residents.total.referrals').value).toBe(1);
    expect(figure(area, 'other-areas-residents.Southvale Council.referrals').value).toBe(1);
    expect(await references(figure(area, 'other-areas-residents.total.referrals'))).toEqual([visit.first]);
  });
});

// POL-09 (s.136A(1)): a police station is never a place of safety for a child. The report's count ("must be 0") takes
// the person's age on the day of arrival from the flag given at intake or the date of birth on their record, also one
// recorded after intake.
describe('places of safety: a child at a police station is counted by the date of birth on record, however late recorded', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-06T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  it('counts a detention at a police station as a child’s once the record shows them 17 on the day of arrival, and an adult’s not', async () => {
    const intake = (familyName: string) => ({
      person: { givenName: 'Jo', familyName },
      source: 'police-s136',
      referrer: { name: 'PC Jones', organisation: 'Northshire Police' },
      reason: 'Found on the bridge in distress, detained under s.136',
      risks: { toSelf: true, toOthers: false, fromOthers: false },
      urgency: 'emergency',
      legalContext: { kind: 's136', placeOfSafetyType: 'police-station', locationType: 'public-place', arrivedAt: '2026-12-05T23:30:00Z' },
    });
    const post = (b: object) => t.http.post('/referrals').set('authorization', manager.auth).send(b);
    const child = (await post(intake('Young')).expect(201)).body;
    const adult = (await post(intake('Older')).expect(201)).body;
    // Dates of birth learnt after intake: 17 on 5 December 2026 (18 on the 6th), and 18 that day.
    await t.sql(`UPDATE persons SET date_of_birth = '2008-12-06' WHERE id = $1`, [child.person.id]);
    await t.sql(`UPDATE persons SET date_of_birth = '2008-12-05' WHERE id = $1`, [adult.person.id]);
    const figures = (await t.http.get('/reports/places-of-safety?period=2026-12').set('authorization', manager.auth).expect(200)).body
      .figures as Figure[];
    const f = (key: string) => figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key)!;
    expect([
      f('summary.all.detentions').value,
      f('summary.all.under-18-police-station').value,
      f('place-type.police-station.under-18').value,
    ]).toEqual([2, 1, 1]);
    const listed = (await t.http.get(f('summary.all.under-18-police-station').records!).set('authorization', manager.auth).expect(200))
      .body;
    expect(listed.items.map((i: { reference: string }) => i.reference)).toEqual([child.reference]);
  });
});

// A patient already in hospital is admitted when the hospital managers receive the application (s.5(1), APP-12): the
// timeliness report's "application → admitted" uses that instant, as beds and conveyance and the clocks do.
describe('timeliness: the admission of a patient already in hospital is the managers’ receipt of the application', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-06T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  /** A referral received at 09:00 on 2 December, assessed, an s.2 application signed at 14:00. */
  async function applied(n: number, application: Record<string, unknown>, admittedAt?: string) {
    const [person] = await t.sql<{ id: string }>(
      `INSERT INTO persons (given_name, family_name, created_by) VALUES ('Pat', $1, $2) RETURNING id`,
      [`Ward${n}`, manager.id],
    );
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, created_by)
       VALUES ($1, $2, 'received', 'ward', 'urgent', '2026-12-02T09:00:00Z', '{"name":"Dr Ward"}', 'Fixture referral', '{"toSelf":false,"toOthers":false,"fromOthers":false}', '{"kind":"informal"}', $3)
       RETURNING id`,
      [`R-WARD-${n}`, person.id, manager.id],
    );
    await t.sql(`INSERT INTO referral_events (referral_id, at, type) VALUES ($1, '2026-12-02T09:00:00Z', 'received')`, [r.id]);
    const [a] = await t.sql<{ id: string }>(
      `INSERT INTO assessments (referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, outcome, decided_at, opened_at, created_by)
       VALUES ($1, $2, 'decided', $3, 'application', 's2', $4, '2026-12-02T13:30:00Z', '2026-12-02T10:00:00Z', $3) RETURNING id`,
      [r.id, person.id, manager.id, { application: { section: 's2', signedAt: '2026-12-02T14:00:00Z', ...application } }],
    );
    if (admittedAt)
      await t.sql(`INSERT INTO assessment_events (assessment_id, type, at, recorded_by) VALUES ($1, 'admitted', $2, $3)`, [
        a.id,
        admittedAt,
        manager.id,
      ]);
  }

  it('times application → admitted to the managers’ receipt for a patient already in hospital, and to the arrival otherwise', async () => {
    // In hospital: received by the managers at 14:30 (30 minutes). From the community: admitted at 16:00 (120 minutes).
    await applied(1, { inPatient: true, managersReceivedAt: '2026-12-02T14:30:00Z' });
    await applied(2, { inPatient: false }, '2026-12-02T16:00:00Z');
    const figures = (await t.http.get('/reports/timeliness?period=2026-12').set('authorization', manager.auth).expect(200)).body
      .figures as Figure[];
    const value = (key: string) => figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key)?.value;
    // The median of 30 and 120 is 75; the 90th percentile 30 + 0.9 × 90 = 111.
    expect(['count', 'median', 'p90'].map((m) => value(`all.application-to-admitted.${m}`))).toEqual([2, 75, 111]);
    // Beds and conveyance counts the same two admissions.
    const beds = (await t.http.get('/reports/beds-and-conveyance?period=2026-12').set('authorization', manager.auth).expect(200)).body
      .figures as Figure[];
    expect(beds.find((x) => `${x.section}.${x.group}.${x.measure}` === 'summary.all.admitted')?.value).toBe(2);
  });
});
