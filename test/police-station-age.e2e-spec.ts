import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * POL-09 over HTTP: a police station may not be a place of safety for a person under 18 (s.136A(1) MHA 1983, as
 * inserted by the Policing and Crime Act 2017), whether the intake says so, or the date of birth given or on record
 * does. It is just after midnight on Mon 15 June 2026 (BST); the age counts on the local date of arrival.
 */
describe('POL-09: no police station as a place of safety for a person under 18, from the date of birth', () => {
  let t: TestApp;
  let manager: TestUser;
  let referrer: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-06-15T00:45:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    referrer = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  const post = (u: TestUser, p: string, b: object) => t.http.post(p).set('authorization', u.auth).send(b);
  let n = 0;
  const person = (over: object = {}) => ({ givenName: 'Jordan', familyName: `Young${++n}`, ...over });
  const policeStation = (over: object = {}) => ({
    kind: 's136',
    placeOfSafetyType: 'police-station',
    locationType: 'public-place',
    arrivedAt: '2026-06-15T01:10:00+01:00',
    ...over,
  });
  const referral = (over: object = {}) => ({
    person: person({ dateOfBirth: '1990-05-01' }),
    source: 'police-s136',
    referrer: { name: 'PC Jones', organisation: 'Northshire Police' },
    reason: 'Found on the bridge in distress, detained under s.136',
    risks: { toSelf: true, toOthers: false, fromOthers: false },
    urgency: 'emergency',
    legalContext: policeStation(),
    ...over,
  });
  const counts = async () =>
    (
      await t.sql<{ referrals: number; persons: number }>(
        'SELECT (SELECT count(*)::int FROM referrals) AS referrals, (SELECT count(*)::int FROM persons) AS persons',
      )
    )[0];
  const codes = (res: { body: { findings: Array<{ code: string }> } }) => res.body.findings.map((f) => f.code);

  it('a police referrer bringing a 16-year-old to a police station is refused by the date of birth given, though the age flag was left out; nothing is stored', async () => {
    const before = await counts();
    const res = await post(referrer, '/referrals', referral({ person: person({ dateOfBirth: '2010-03-14' }) })).expect(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe('police-station-under-18');
    expect(res.body.detail).toContain('born Sun 14 Mar 2010 by the date of birth given: 16 on Mon 15 Jun 2026, the day of arrival');
    expect(res.body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'POL-09', severity: 'blocker' })]));
    expect(await counts()).toEqual(before);
  });

  it('a person recorded as 17, referred by their record with no age given, is refused by the date of birth on record', async () => {
    const recorded = (await post(manager, '/people', person({ dateOfBirth: '2009-01-01' })).expect(201)).body;
    const before = await counts();
    const body = referral({ personId: recorded.id });
    delete (body as { person?: unknown }).person;
    const res = await post(manager, '/referrals', body).expect(422);
    expect(res.body.code).toBe('police-station-under-18');
    expect(res.body.detail).toContain('by the date of birth on record: 17');
    expect(await counts()).toEqual(before);
  });

  it("a person found by NHS number whose record makes them 17 is refused though the intake typed an adult's date of birth", async () => {
    const details = person({ dateOfBirth: '2009-01-01', nhsNumber: '9434765919' });
    await post(manager, '/people', details).expect(201);
    const before = await counts();
    const res = await post(manager, '/referrals', referral({ person: { ...details, dateOfBirth: '1990-01-01' } })).expect(422);
    expect(res.body.code).toBe('police-station-under-18');
    expect(res.body.detail).toContain('by the date of birth on record: 17');
    expect(await counts()).toEqual(before);
  });

  it('arriving at 00:30 BST on the 18th birthday is arriving as an adult: accepted, with the adult police-station warning and no question of age', async () => {
    const res = await post(
      manager,
      '/referrals',
      referral({ person: person({ dateOfBirth: '2008-06-15' }), legalContext: policeStation({ arrivedAt: '2026-06-15T00:30:00+01:00' }) }),
    ).expect(201);
    expect(codes(res)).toContain('police-station-adult-no-inspector');
    expect(codes(res)).not.toContain('police-station-age-unknown');
  });

  it('arriving at 23:59 BST the day before the 18th birthday is arriving as a child: refused', async () => {
    const res = await post(
      referrer,
      '/referrals',
      referral({ person: person({ dateOfBirth: '2008-06-15' }), legalContext: policeStation({ arrivedAt: '2026-06-14T23:59:00+01:00' }) }),
    ).expect(422);
    expect(res.body.detail).toContain('17 on Sun 14 Jun 2026, the day of arrival');
  });

  it('the under-18 flag still refuses on its own, whatever the date of birth says', async () => {
    const res = await post(manager, '/referrals', referral({ legalContext: policeStation({ personUnder18: true }) })).expect(422);
    expect(res.body.code).toBe('police-station-under-18');
  });

  it('a 16-year-old taken to a health-based place of safety is accepted, with no POL-09 finding', async () => {
    const res = await post(
      manager,
      '/referrals',
      referral({ person: person({ dateOfBirth: '2010-03-14' }), legalContext: policeStation({ placeOfSafetyType: 'health-based' }) }),
    ).expect(201);
    expect(res.body.findings.filter((f: { rule: string }) => f.rule === 'POL-09')).toEqual([]);
  });
});
