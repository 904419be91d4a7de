import type { QueryRunner } from 'typeorm';
import { ReferralAgeBasisBackfill1796620000000 } from '../migrations/1796620000000-ReferralAgeBasisBackfill';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * POL-09 over HTTP: a police station may not be a place of safety for a person under 18 (s.136A(1) MHA 1983, as
 * inserted by the Policing and Crime Act 2017), whether the intake says so, or the date of birth given or on record
 * does. The law forbids the police to use one; it does not stop the hub learning that they did: the referral is
 * recorded with its clocks (the 24 hours still run from arrival, s.136(2A)), a blocker that says to move the child
 * now, pages to the AMHP on duty and the manager on call, and the count the places-of-safety report keeps ("must be
 * 0"). It is just after midnight on Mon 15 June 2026 (BST); the age counts on the local date of arrival.
 */
describe('POL-09: a child at a police station is recorded, clocked, flagged and escalated, from the date of birth', () => {
  let t: TestApp;
  let manager: TestUser;
  let onCall: TestUser;
  let referrer: TestUser;
  let duty: TestUser & { practitionerId: string };
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-06-15T00:45:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    onCall = await t.user(['manager'], { displayName: 'Mo On Call' });
    referrer = await t.user(['referrer']);
    duty = await amhp(t, { displayName: 'Dee Duty' });
    const [{ id: shiftId }] = await t.sql<{ id: string }>(
      `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count) VALUES ('2026-06-14', 'Night', '2026-06-14T20:00:00Z', '2026-06-15T08:00:00Z', 1) RETURNING id`,
    );
    await t.sql(
      `INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by) VALUES ($1, $2, $3, '2026-06-14T20:00:00Z', '2026-06-15T08:00:00Z', $4)`,
      [shiftId, duty.practitionerId, duty.id, manager.id],
    );
    await post(manager, '/rota/manager-on-call', {
      userId: onCall.id,
      startsAt: '2026-06-15T00:45:00Z',
      endsAt: '2026-06-15T08:00:00Z',
    }).expect(201);
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

  /** What the hub holds of the referral just made: its findings and clocks (as a manager reads it), its stored context. */
  const recorded = async (id: string) => {
    const view = (await t.http.get(`/referrals/${id}`).set('authorization', manager.auth).expect(200)).body;
    const [row] = await t.sql<{ legal_context: Record<string, unknown> }>('SELECT legal_context FROM referrals WHERE id = $1', [id]);
    return { view, context: row.legal_context };
  };
  const pol09Blocker = (findings: Array<{ rule: string; severity: string; code: string }>) =>
    findings.filter((f) => f.rule === 'POL-09' && f.severity === 'blocker').map((f) => f.code);

  it('a police referrer bringing a 16-year-old to a police station is recorded, though the age flag was left out: the 24 hours run from arrival and the referral carries the blocker to move the child now', async () => {
    const before = await counts();
    const res = await post(referrer, '/referrals', referral({ person: person({ dateOfBirth: '2010-03-14' }) })).expect(201);
    // The referrer sees the status view: the clocks, no person data and no findings.
    expect(res.body.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({ deadline: '2026-06-16T00:10:00.000Z' });
    expect(await counts()).toEqual({ referrals: before.referrals + 1, persons: before.persons + 1 });
    const { view, context } = await recorded(res.body.id);
    const blocker = view.findings.find((f: { code: string }) => f.code === 'police-station-under-18');
    expect(blocker).toMatchObject({ rule: 'POL-09', severity: 'blocker' });
    expect(blocker.message).toContain('born Sun 14 Mar 2010 by the date of birth given: 16 on Mon 15 Jun 2026, the day of arrival');
    expect(blocker.message).toContain('the child must be moved to another place of safety now');
    expect(view.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({
      state: 'running',
      deadline: '2026-06-16T00:10:00.000Z',
    });
    // The age the date of birth settled is kept with the context, for the count.
    expect(context).toMatchObject({ placeOfSafetyType: 'police-station', personUnder18: true });
  });

  it('at once, the AMHP on duty and the manager on call are paged and notified (never a manager not on call), and the timeline says so', async () => {
    const res = await post(manager, '/referrals', referral({ person: person({ dateOfBirth: '2009-09-09' }) })).expect(201);
    const pages = await t.sql<{ kind: string; step: number; reason: string; recipient_user_id: string; chain_key: string }>(
      'SELECT kind, step, reason, recipient_user_id, chain_key FROM pages WHERE referral_id = $1 ORDER BY step',
      [res.body.id],
    );
    expect(pages).toEqual([
      {
        kind: 'escalation',
        step: 0,
        reason: 'unlawful-detention',
        recipient_user_id: duty.id,
        chain_key: `unlawful-detention:${res.body.id}`,
      },
      {
        kind: 'escalation',
        step: 3,
        reason: 'unlawful-detention',
        recipient_user_id: onCall.id,
        chain_key: `unlawful-detention:${res.body.id}`,
      },
    ]);
    const mine = (await t.http.get('/me/pages').set('authorization', duty.auth).expect(200)).body.items;
    expect(mine.find((p: { referralId: string }) => p.referralId === res.body.id)).toMatchObject({
      title: 'A person is held where the law does not allow: act now',
      urgency: 'high',
    });
    const notes = await t.sql<{ user_id: string; severity: string; title: string; body: string }>(
      `SELECT user_id, severity, title, body FROM notifications WHERE subject_id = $1 ORDER BY user_id`,
      [res.body.id],
    );
    expect(notes.map((n) => n.user_id).sort()).toEqual([duty.id, onCall.id].sort());
    expect(notes[0]).toMatchObject({ severity: 'urgent', title: expect.stringContaining('a person under 18 is held at a police station') });
    expect(notes[0].body).toContain('the child must be moved to another place of safety now');
    expect(notes[0].body).toContain('Section 136: detention at a place of safety ends at');
    // The AMHP paged may read the child's record to act.
    await t.http.get(`/referrals/${res.body.id}`).set('authorization', duty.auth).expect(200);
    const timeline = (await t.http.get(`/referrals/${res.body.id}/events`).set('authorization', manager.auth).expect(200)).body.items;
    expect(timeline.find((e: { type: string }) => e.type === 'escalated')).toMatchObject({
      actorId: null,
      data: expect.objectContaining({ rule: 'POL-09', reason: 'unlawful-detention', userIds: [duty.id, onCall.id] }),
    });
  });

  it('a person recorded as 17, referred by their record with no age given, is recorded with the blocker by the date of birth on record', async () => {
    const person17 = (await post(manager, '/people', person({ dateOfBirth: '2009-01-01' })).expect(201)).body;
    const body = referral({ personId: person17.id });
    delete (body as { person?: unknown }).person;
    const res = await post(manager, '/referrals', body).expect(201);
    expect(pol09Blocker(res.body.findings)).toEqual(['police-station-under-18']);
    expect(res.body.findings.find((f: { code: string }) => f.code === 'police-station-under-18').message).toContain(
      'by the date of birth on record: 17',
    );
    expect(res.body.legalContext).toMatchObject({ personUnder18: true });
  });

  it("a person found by NHS number whose record makes them 17 is recorded as a child though the intake typed an adult's date of birth", async () => {
    const details = person({ dateOfBirth: '2009-01-01', nhsNumber: '9434765919' });
    await post(manager, '/people', details).expect(201);
    const res = await post(manager, '/referrals', referral({ person: { ...details, dateOfBirth: '1990-01-01' } })).expect(201);
    expect(res.body.findings.find((f: { code: string }) => f.code === 'police-station-under-18').message).toContain(
      'by the date of birth on record: 17',
    );
  });

  it('arriving at 00:30 BST on the 18th birthday is arriving as an adult: accepted, with the adult police-station warning, no question of age and nobody paged', async () => {
    const res = await post(
      manager,
      '/referrals',
      referral({ person: person({ dateOfBirth: '2008-06-15' }), legalContext: policeStation({ arrivedAt: '2026-06-15T00:30:00+01:00' }) }),
    ).expect(201);
    expect(codes(res)).toContain('police-station-adult-no-inspector');
    expect(codes(res)).not.toContain('police-station-age-unknown');
    expect(pol09Blocker(res.body.findings)).toEqual([]);
    expect(await t.sql('SELECT 1 FROM pages WHERE referral_id = $1', [res.body.id])).toEqual([]);
  });

  it('arriving at 23:59 BST the day before the 18th birthday is arriving as a child: recorded with the blocker', async () => {
    const res = await post(
      referrer,
      '/referrals',
      referral({ person: person({ dateOfBirth: '2008-06-15' }), legalContext: policeStation({ arrivedAt: '2026-06-14T23:59:00+01:00' }) }),
    ).expect(201);
    const { view } = await recorded(res.body.id);
    expect(view.findings.find((f: { code: string }) => f.code === 'police-station-under-18').message).toContain(
      '17 on Sun 14 Jun 2026, the day of arrival',
    );
  });

  it('the under-18 flag on its own records the blocker, whatever the date of birth says', async () => {
    const res = await post(manager, '/referrals', referral({ legalContext: policeStation({ personUnder18: true }) })).expect(201);
    expect(pol09Blocker(res.body.findings)).toEqual(['police-station-under-18']);
  });

  it('what cannot be right is still refused: a child at a police station whose arrival is typed after the referral came in is 422, nothing stored, nobody paged', async () => {
    const before = await counts();
    const pagesBefore = (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM pages'))[0].n;
    const res = await post(
      manager,
      '/referrals',
      referral({ person: person({ dateOfBirth: '2010-03-14' }), legalContext: policeStation({ arrivedAt: '2026-06-15T02:00:00+01:00' }) }),
    ).expect(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.code).toBe('time-after-receipt');
    expect(await counts()).toEqual(before);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM pages'))[0].n).toBe(pagesBefore);
  });

  it('a 16-year-old taken to a health-based place of safety is accepted, with no POL-09 finding, and kept as under 18 for the count', async () => {
    const res = await post(
      manager,
      '/referrals',
      referral({ person: person({ dateOfBirth: '2010-03-14' }), legalContext: policeStation({ placeOfSafetyType: 'health-based' }) }),
    ).expect(201);
    expect(res.body.findings.filter((f: { rule: string }) => f.rule === 'POL-09')).toEqual([]);
    expect(res.body.legalContext).toMatchObject({ placeOfSafetyType: 'health-based', personUnder18: true });
  });

  it('the places-of-safety report counts every child recorded at a police station (must be 0), whichever way the age was known', async () => {
    const figures = (await t.http.get('/reports/places-of-safety?period=2026-06').set('authorization', manager.auth).expect(200)).body
      .figures as Array<{ section: string; group: string; measure: string; value: unknown }>;
    const value = (key: string) => figures.find((f) => `${f.section}.${f.group}.${f.measure}` === key)?.value;
    // The 16-year-old (date of birth given), the 16-year-old paged about, the 17-year-old by record, the one found by
    // NHS number, the one a minute short of 18, and the flag alone: six; the adult and the health-based child are not.
    expect(value('summary.all.under-18-police-station')).toBe(6);
    expect(value('place-type.police-station.under-18')).toBe(6);
    expect(value('place-type.health-based.under-18')).toBe(1);
  });

  it('a child moved from the police station stops the pages that she is held there; moved back to a police station, the AMHP on duty and the manager on call are paged and told again, once', async () => {
    const res = await post(manager, '/referrals', referral({ person: person({ dateOfBirth: '2010-10-10' }) })).expect(201);
    const id = res.body.id;
    type Row = { id: string; step: number; recipient_user_id: string; closed_reason: string | null; superseded_at: Date | null };
    const pages = () =>
      t.sql<Row>(
        'SELECT id, step, recipient_user_id, closed_reason, superseded_at FROM pages WHERE referral_id = $1 ORDER BY created_at, step',
        [id],
      );
    const notes = () =>
      t.sql<{ user_id: string; closed_reason: string | null }>(
        `SELECT user_id, closed_reason FROM notifications WHERE subject_id = $1 AND kind = 'referral.unlawful-detention' ORDER BY user_id`,
        [id],
      );
    const first = await pages();
    expect(first.map((p) => [p.step, p.recipient_user_id])).toEqual([
      [0, duty.id],
      [3, onCall.id],
    ]);
    await post(duty, `/me/pages/${first[0].id}/ack`, {}).expect(200);

    // Moved to the hospital's place of safety: what was paged about is over.
    await post(manager, `/referrals/${id}/transfers`, { at: '2026-06-15T00:20:00Z', placeOfSafetyType: 'health-based' }).expect(201);
    expect((await pages()).map((p) => [p.closed_reason, p.superseded_at !== null])).toEqual([
      [null, true],
      ['left-police-station', true],
    ]);
    const onCallPage = (await t.http.get('/me/pages').set('authorization', onCall.auth).expect(200)).body.items.find(
      (p: { id: string }) => p.id === first[1].id,
    );
    expect(onCallPage).toMatchObject({ acknowledgedVia: 'system', closedReason: 'left-police-station' });
    expect((await notes()).map((n) => n.closed_reason)).toEqual(['left-police-station', 'left-police-station']);

    // Taken back to a police station: a new unlawful detention, paged and told afresh, though Dee acknowledged the first.
    await post(manager, `/referrals/${id}/transfers`, { at: '2026-06-15T00:30:00Z', placeOfSafetyType: 'police-station' }).expect(201);
    const again = (await pages()).filter((p) => p.superseded_at === null);
    expect(again.map((p) => [p.step, p.recipient_user_id, p.closed_reason])).toEqual([
      [0, duty.id, null],
      [3, onCall.id, null],
    ]);
    expect(
      (await t.http.get('/me/pages?unacknowledged=true').set('authorization', duty.auth).expect(200)).body.items.map(
        (p: { id: string }) => p.id,
      ),
    ).toContain(again[0].id);
    expect((await notes()).map((n) => n.closed_reason)).toEqual([null, null]);

    // On to another police station: the same unlawful detention goes on, and nobody is paged twice for it.
    await post(manager, `/referrals/${id}/transfers`, { at: '2026-06-15T00:40:00Z', placeOfSafetyType: 'police-station' }).expect(201);
    expect(await pages()).toHaveLength(4);
  });

  /** PATCH /people/{id} as a manager, with the record's current ETag. */
  const patchPerson = async (personId: string, body: object) => {
    const etag = (await t.http.get(`/people/${personId}`).set('authorization', manager.auth).expect(200)).headers.etag;
    return t.http.patch(`/people/${personId}`).set('authorization', manager.auth).set('if-match', etag).send(body).expect(200);
  };
  const unlawfulPages = (id: string) =>
    t.sql<{ step: number; recipient_user_id: string; closed_reason: string | null; superseded_at: Date | null }>(
      `SELECT step, recipient_user_id, closed_reason, superseded_at FROM pages WHERE referral_id = $1 AND reason = 'unlawful-detention' ORDER BY created_at, step`,
      [id],
    );
  const timelineOf = async (id: string) =>
    (await t.http.get(`/referrals/${id}/events`).set('authorization', manager.auth).expect(200)).body.items as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;

  it("a person at a police station whose age was not known is found to be 16 when their date of birth is recorded on their record: the referral's findings show the blocker at once, the timeline and the audit trail say so, and the AMHP on duty and the manager on call are paged, once", async () => {
    const res = await post(manager, '/referrals', referral({ person: person() })).expect(201);
    const id = res.body.id;
    const personId = res.body.person.id;
    expect(codes(res)).toEqual(expect.arrayContaining(['police-station-age-unknown', 'police-station-adult-no-inspector']));
    expect(await unlawfulPages(id)).toEqual([]);

    await patchPerson(personId, { dateOfBirth: '2010-03-14' });
    const { view, context } = await recorded(id);
    expect(pol09Blocker(view.findings)).toEqual(['police-station-under-18']);
    expect(view.findings.map((f: { code: string }) => f.code)).not.toContain('police-station-age-unknown');
    expect(view.findings.find((f: { code: string }) => f.code === 'police-station-under-18').message).toContain(
      'by the date of birth on record: 16 on Mon 15 Jun 2026, the day of arrival',
    );
    expect(context).toMatchObject({ personUnder18: true, ageBasis: expect.stringContaining('on record') });
    const timeline = await timelineOf(id);
    expect(timeline.find((e) => e.type === 'findings-rejudged')?.data).toMatchObject({
      rule: 'POL-09',
      cause: 'date-of-birth',
      codes: ['police-station-under-18'],
      personUnder18: true,
    });
    expect(timeline.find((e) => e.type === 'escalated')?.data).toMatchObject({ rule: 'POL-09', reason: 'unlawful-detention' });
    expect(await t.sql(`SELECT actor_id FROM audit_events WHERE action = 'referral.findings-rejudged' AND resource_id = $1`, [id])).toEqual(
      [{ actor_id: manager.id }],
    );
    expect(
      await t.sql(`SELECT payload->'codes' AS codes FROM outbox_events WHERE aggregate_id = $1 AND type = 'referral.findings-rejudged'`, [
        id,
      ]),
    ).toEqual([{ codes: ['police-station-under-18'] }]);
    expect((await unlawfulPages(id)).map((p) => [p.step, p.recipient_user_id])).toEqual([
      [0, duty.id],
      [3, onCall.id],
    ]);

    // Corrected to another child's date of birth: the finding says so, and nobody is paged twice for one detention.
    await patchPerson(personId, { dateOfBirth: '2011-03-14' });
    expect((await recorded(id)).view.findings.find((f: { code: string }) => f.code === 'police-station-under-18').message).toContain(
      '15 on Mon 15 Jun 2026',
    );
    expect(await unlawfulPages(id)).toHaveLength(2);
  });

  it("a date of birth corrected to an adult's takes away the blocker the earlier one gave and closes the pages as not under 18; an age given by the flag at intake stands whatever the record says", async () => {
    const res = await post(manager, '/referrals', referral({ person: person({ dateOfBirth: '2010-10-10' }) })).expect(201);
    const id = res.body.id;
    expect(pol09Blocker(res.body.findings)).toEqual(['police-station-under-18']);
    expect(await unlawfulPages(id)).toHaveLength(2);

    await patchPerson(res.body.person.id, { dateOfBirth: '1990-10-10' });
    const { view, context } = await recorded(id);
    expect(pol09Blocker(view.findings)).toEqual([]);
    expect(view.findings.map((f: { code: string }) => f.code)).toContain('police-station-adult-no-inspector');
    expect(context).not.toHaveProperty('personUnder18');
    expect(context).not.toHaveProperty('ageBasis');
    expect((await unlawfulPages(id)).map((p) => [p.closed_reason, p.superseded_at !== null])).toEqual([
      ['not-under-18', true],
      ['not-under-18', true],
    ]);
    expect(
      (
        await t.sql<{ closed_reason: string }>(
          `SELECT closed_reason FROM notifications WHERE subject_id = $1 AND kind = 'referral.unlawful-detention'`,
          [id],
        )
      ).map((n) => n.closed_reason),
    ).toEqual(['not-under-18', 'not-under-18']);

    const flagged = await post(
      manager,
      '/referrals',
      referral({ person: person({ dateOfBirth: '1990-01-01' }), legalContext: policeStation({ personUnder18: true }) }),
    ).expect(201);
    await patchPerson(flagged.body.person.id, { dateOfBirth: '1991-01-01' });
    expect(pol09Blocker((await recorded(flagged.body.id)).view.findings)).toEqual(['police-station-under-18']);
    expect((await timelineOf(flagged.body.id)).map((e) => e.type)).not.toContain('findings-rejudged');
  });

  it("a child by a date of birth on a referral recorded before the basis was kept (no ageBasis) is no longer a child when the date of birth is corrected to an adult's: the blocker goes and the pages close as not under 18", async () => {
    const res = await post(manager, '/referrals', referral({ person: person({ dateOfBirth: '2010-04-04' }) })).expect(201);
    const id = res.body.id;
    expect(pol09Blocker(res.body.findings)).toEqual(['police-station-under-18']);
    // As such a referral was kept: a child, with nothing in its context saying a date of birth made it so.
    await t.sql(`UPDATE referrals SET legal_context = legal_context - 'ageBasis' WHERE id = $1`, [id]);

    await patchPerson(res.body.person.id, { dateOfBirth: '1990-04-04' });
    const { view, context } = await recorded(id);
    expect(pol09Blocker(view.findings)).toEqual([]);
    expect(view.findings.map((f: { code: string }) => f.code)).toContain('police-station-adult-no-inspector');
    expect(context).not.toHaveProperty('personUnder18');
    expect(context).not.toHaveProperty('ageBasis');
    expect((await unlawfulPages(id)).map((p) => p.closed_reason)).toEqual(['not-under-18', 'not-under-18']);
    expect((await timelineOf(id)).find((e) => e.type === 'findings-rejudged')?.data).toMatchObject({
      rule: 'POL-09',
      personUnder18: false,
    });
  });

  it('the migration puts back what the age of such a referral rested on from the blocker intake recorded, and leaves a child by the flag as it is', async () => {
    const byDob = await post(manager, '/referrals', referral({ person: person({ dateOfBirth: '2011-05-05' }) })).expect(201);
    const flagged = await post(
      manager,
      '/referrals',
      referral({ person: person({ dateOfBirth: '2011-05-05' }), legalContext: policeStation({ personUnder18: true }) }),
    ).expect(201);
    const ids = [byDob.body.id, flagged.body.id];
    const basis = (await recorded(byDob.body.id)).context.ageBasis;
    expect(basis).toEqual(expect.stringContaining('born Thu 5 May 2011 by the date of birth given: 15'));
    await t.sql(`UPDATE referrals SET legal_context = legal_context - 'ageBasis' WHERE id = ANY($1::uuid[])`, [ids]);

    await new ReferralAgeBasisBackfill1796620000000().up({ query: (q: string) => t.sql(q) } as unknown as QueryRunner);
    expect((await recorded(byDob.body.id)).context).toMatchObject({ personUnder18: true, ageBasis: basis });
    expect((await recorded(flagged.body.id)).context).not.toHaveProperty('ageBasis');
  });

  it('a child by the date of birth recorded after intake, moved from a health-based place of safety to a police station, is recorded with the blocker and paged; moved on to a health-based one, the blocker goes and the pages close', async () => {
    const res = await post(
      manager,
      '/referrals',
      referral({ person: person(), legalContext: policeStation({ placeOfSafetyType: 'health-based' }) }),
    ).expect(201);
    const id = res.body.id;
    expect(res.body.findings.filter((f: { rule: string }) => f.rule === 'POL-09')).toEqual([]);
    await patchPerson(res.body.person.id, { dateOfBirth: '2009-12-01' });
    // At a health-based place of safety a child raises no POL-09 finding, but is kept as under 18 for the count.
    expect(pol09Blocker((await recorded(id)).view.findings)).toEqual([]);
    expect(await unlawfulPages(id)).toEqual([]);

    const moved = await post(manager, `/referrals/${id}/transfers`, {
      at: '2026-06-15T00:20:00Z',
      placeOfSafetyType: 'police-station',
    }).expect(201);
    expect(pol09Blocker(moved.body.findings)).toEqual(['police-station-under-18']);
    expect(pol09Blocker((await recorded(id)).view.findings)).toEqual(['police-station-under-18']);
    expect((await timelineOf(id)).find((e) => e.type === 'place-of-safety-moved')?.data).toMatchObject({
      codes: ['police-station-under-18'],
    });
    expect((await unlawfulPages(id)).map((p) => [p.step, p.recipient_user_id, p.closed_reason])).toEqual([
      [0, duty.id, null],
      [3, onCall.id, null],
    ]);

    await post(manager, `/referrals/${id}/transfers`, { at: '2026-06-15T00:30:00Z', placeOfSafetyType: 'health-based' }).expect(201);
    expect((await recorded(id)).view.findings.filter((f: { rule: string }) => f.rule === 'POL-09')).toEqual([]);
    expect((await unlawfulPages(id)).map((p) => p.closed_reason)).toEqual(['left-police-station', 'left-police-station']);
  });

  it("a referral held against the details a referrer sent, confirmed as a recorded person whose date of birth makes them 16, is judged again with the record's date of birth: the blocker, and the pages", async () => {
    const details = person({ nhsNumber: '9434765013' });
    await post(manager, '/people', { ...details, dateOfBirth: '2010-03-14' }).expect(201);
    // The referrer may not read the record: the referral is held against what she sent (an adult's date of birth).
    const res = await post(referrer, '/referrals', referral({ person: { ...details, dateOfBirth: '1990-03-14' } })).expect(201);
    const id = res.body.id;
    expect(pol09Blocker((await recorded(id)).view.findings)).toEqual([]);
    const match = (
      await t.http.get('/people/matches?status=pending&limit=100').set('authorization', manager.auth).expect(200)
    ).body.items.find((x: { candidatePerson: { familyName: string } }) => x.candidatePerson.familyName === details.familyName);
    await post(manager, `/people/matches/${match.id}/resolve`, { outcome: 'same-person' }).expect(200);
    expect(pol09Blocker((await recorded(id)).view.findings)).toEqual(['police-station-under-18']);
    expect((await unlawfulPages(id)).map((p) => [p.step, p.recipient_user_id])).toEqual([
      [0, duty.id],
      [3, onCall.id],
    ]);
  });
});
