import { amhp, insertDoctor } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Recording after the fact: every hub types up the night's paperwork the next day. What was done at night is judged
 * as at the night (the application's signing, or the instant asked about), not as at the morning it is typed up.
 * Now is Sat 5 Dec 2026 09:00 GMT (Europe/London is on GMT, so local times equal the UTC ones).
 */
describe('recording after the fact: the night typed up next day', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-05T09:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
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
  type Finding = { rule: string; severity: string; code: string; message: string };
  const blockers = (findings: Finding[]) => findings.filter((f) => f.severity === 'blocker');
  const blockerRules = (findings: Finding[]) => [...new Set(blockers(findings).map((f) => f.rule))].sort();
  let n = 0;

  /**
   * An assessment recorded after the fact: the referral and the assessment opened before the first examination, both
   * doctors' examinations (in person, recommendations signed there and then), the interview, and, unless `seen` is
   * null, the AMHP's in-person contact recorded by the AMHP herself.
   */
  async function night(opts: { exams: [string, string]; seen: string | null; dateOfBirth?: string; parent?: boolean }) {
    const worker = await amhp(t);
    const before = (hours: number) => new Date(Date.parse(opts.exams[0]) - hours * 3_600_000).toISOString();
    const referral = (
      await as(manager)
        .post('/referrals', {
          person: { givenName: 'Robin', familyName: `Nightly${++n}`, dateOfBirth: opts.dateOfBirth ?? '1985-06-15' },
          source: 'gp',
          referrer: { name: 'Dr Whitfield', organisation: 'Riverside Medical Practice' },
          reason: 'Relapse of psychosis, not taking medication, neighbours frightened.',
          risks: { toSelf: true, toOthers: true, fromOthers: false, flags: [] },
          urgency: 'urgent',
          legalContext: { kind: 'informal' },
          nearestRelativeRequest: false,
          receivedAt: before(3),
        })
        .expect(201)
    ).body;
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'accepted' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/allocation`, { userId: worker.id }).expect(200);
    const a = (
      await as(worker)
        .post('/assessments', { referralId: referral.id, openedAt: before(2) })
        .expect(201)
    ).body as {
      id: string;
      person: { id: string };
    };
    await as(worker)
      .patch(`/assessments/${a.id}`, {
        interview: {
          suitableMannerNotes: 'Seen at home in a quiet room; no interpreter needed.',
          alternativesConsidered: ['Crisis team twice daily: refused by the patient', 'Informal admission: refused'],
        },
      })
      .expect(200);
    for (const [doctorId, at, previousAcquaintance] of [
      [s12Doctor, opts.exams[0], false],
      [gpDoctor, opts.exams[1], true],
    ] as const) {
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          doctorId,
          previousAcquaintance,
          ...(previousAcquaintance ? {} : { noAcquaintanceReason: 'The GP was not available out of hours.' }),
          examinedAt: at,
          examMode: 'in-person',
          signedAt: at,
          section: 's2',
          informalInappropriateReason: 'Refuses all informal treatment.',
          treatmentAvailableAt: 'Northshire General, Beech Ward',
        })
        .expect(201);
    }
    if (opts.seen) await as(worker).post(`/assessments/${a.id}/contacts`, { at: opts.seen, mode: 'in-person', byRole: 'amhp' }).expect(201);
    let parentId: string | null = null;
    if (opts.parent !== false) {
      parentId = (
        await as(worker)
          .post(`/people/${a.person.id}/relatives`, {
            name: 'Morgan Nightly',
            relationship: 'parent',
            wholeBlood: true,
            dateOfBirth: '1960-01-01',
            livesWithPatient: true,
          })
          .expect(201)
      ).body.id;
    }
    return { worker, referral, a, parentId };
  }

  /** The conflicts-of-interest record, each assessor's declaration signed at `declaredAt` when given. */
  async function declarations(worker: TestUser, id: string, declaredAt?: string, status = 200) {
    const recs = (await as(worker).get(`/assessments/${id}`).expect(200)).body.recommendations as Array<{ id: string; doctorName: string }>;
    const decl = { financial: false, business: false, personal: false, ...(declaredAt ? { declaredAt } : {}) };
    const res = await as(worker).put(`/assessments/${id}/conflicts`, {
      patientTeams: [],
      assessors: [
        { assessorId: 'amhp', role: 'amhp', name: 'The AMHP', teams: ['AMHP hub'], directsOrEmploys: [], declaration: decl },
        ...recs.map((r, i) => ({
          assessorId: r.id,
          role: 'doctor',
          name: r.doctorName,
          teams: [i === 0 ? 'Crisis team' : 'Riverside practice'],
          directsOrEmploys: [],
          declaration: decl,
        })),
      ],
    });
    expect(res.status).toBe(status);
    return res;
  }

  const application = (signedAt: string) => ({
    kind: 'application',
    section: 's2',
    signedAt,
    hospitalSite: 'Northshire General Hospital, Beech Ward',
    practicalMatters: { dependants: 'None', pets: 'None', property: 'House locked; keys with the parent' },
    rationale: 'Detention is the least restrictive way to provide the assessment needed: every alternative was refused.',
  });

  /** Records the outcome, acknowledging every warning the rules raise (as an AMHP would, with a reason). */
  async function decide(worker: TestUser, id: string, body: object) {
    const first = await as(worker).post(`/assessments/${id}/outcome`, body);
    if (first.status !== 422 || first.body.code !== 'warnings-not-acknowledged') return first;
    const acknowledgements = (first.body.findings as Array<{ code: string }>).map((f) => ({ code: f.code, reason: 'Considered.' }));
    return as(worker).post(`/assessments/${id}/outcome`, { ...body, acknowledgements });
  }

  it('the checks of a past assessment, asked as at its night, show no APP-04 or APP-13 blocker that was not true then', async () => {
    // Fri 6 Nov: both doctors examined and the AMHP saw the patient; the outcome is still to be typed up four weeks on.
    const { worker, a, parentId } = await night({ exams: ['2026-11-06T20:00:00Z', '2026-11-06T21:00:00Z'], seen: '2026-11-06T21:30:00Z' });
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: parentId, informedAt: '2026-11-06T22:00:00Z', informedMethod: 'phone' })
      .expect(200);
    await declarations(worker, a.id, '2026-11-06T21:45:00Z');

    // An application signed now (Sat 5 Dec) would be unlawful: the AMHP last saw the patient 29 days ago (s.11(5)) and
    // the authority to convey ended at the end of Thu 19 Nov (s.6(1)(a)). That is what "now" means, and says so.
    const today = (await as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
    expect(today).toMatchObject({ evaluatedAt: '2026-12-05T09:00:00.000Z', evaluatedAtBasis: 'now', ready: false });
    expect(blockerRules(today.findings)).toEqual(expect.arrayContaining(['APP-04', 'APP-13']));

    // As at that night, an application signed at 23:30 met both: only what the application itself gives is missing.
    const thatNight = (await as(worker).get(`/assessments/${a.id}/checks?section=s2&asAt=2026-11-06T23:30:00%2B00:00`).expect(200)).body;
    expect(thatNight).toMatchObject({ evaluatedAt: '2026-11-06T23:30:00.000Z', evaluatedAtBasis: 'asAt' });
    expect(blockerRules(thatNight.findings)).toEqual(['APP-03', 'COP-03']);
    // The conveyance deadline is still worked out from the last examination (14 days beginning Fri 6 Nov).
    expect(thatNight.deadlines.find((d: { id: string }) => d.id === 'conveyance').at).toBe('2026-11-20T00:00:00.000Z');
    const [audit] = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE action = 'assessment.checks' AND resource_id = $1 ORDER BY id DESC LIMIT 1`,
      [a.id],
    );
    expect(audit.details).toMatchObject({ section: 's2', evaluatedAt: '2026-11-06T23:30:00.000Z', evaluatedAtBasis: 'asAt' });

    // An instant in the future is not "as at": 422 naming the field; without its offset, 400.
    const future = await as(worker).get(`/assessments/${a.id}/checks?asAt=2026-12-06T09:00:00Z`).expect(422);
    expect(future.body).toMatchObject({ code: 'in-future', field: 'asAt' });
    await as(worker).get(`/assessments/${a.id}/checks?asAt=2026-11-06T23:30:00`).expect(400);
  });

  it('an application typed up next morning is judged on the night it was signed: the conveyance window had not closed then', async () => {
    // Both doctors examined on Sat 21 Nov; no bed until Fri 4 Dec, the last day of the 14 beginning with the examination.
    // The AMHP saw the patient again that evening and signed at 23:30; the admission is typed up after the outcome.
    const { worker, a, parentId } = await night({ exams: ['2026-11-21T10:00:00Z', '2026-11-21T11:00:00Z'], seen: '2026-12-04T21:00:00Z' });
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: parentId, informedAt: '2026-12-04T22:00:00Z', informedMethod: 'phone' })
      .expect(200);
    await declarations(worker, a.id, '2026-12-04T21:30:00Z');

    const decided = await decide(worker, a.id, application('2026-12-04T23:30:00Z'));
    expect(decided.status).toBe(200);
    expect(decided.body.outcome).toMatchObject({ evaluatedAt: '2026-12-04T23:30:00.000Z', evaluatedAtBasis: 'signedAt' });
    expect(blockerRules(decided.body.outcome.findingsAtDecision)).toEqual([]);
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-12-04T23:55:00Z' }).expect(201);
    const after = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(after).toMatchObject({ evaluatedAt: '2026-12-04T23:30:00.000Z', evaluatedAtBasis: 'signedAt', ready: true });
  });

  it('an application signed after the conveyance window closed is still refused with APP-13, however it is typed up', async () => {
    // The same night, but the application was signed at 00:30 on Sat 5 Dec: the authority to convey (14 days beginning
    // with the examination on Sat 21 Nov) ended at midnight, so the application could not be used (s.6(1)(a)).
    const { worker, a, parentId } = await night({ exams: ['2026-11-21T10:00:00Z', '2026-11-21T11:00:00Z'], seen: '2026-12-04T21:00:00Z' });
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: parentId, informedAt: '2026-12-04T22:00:00Z', informedMethod: 'phone' })
      .expect(200);
    await declarations(worker, a.id, '2026-12-04T21:30:00Z');
    const refused = await decide(worker, a.id, application('2026-12-05T00:30:00Z'));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'application-blocked',
      evaluatedAt: '2026-12-05T00:30:00.000Z',
      evaluatedAtBasis: 'signedAt',
    });
    expect(refused.body.rules).toContain('APP-13');
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.status).toBe('open');
    // And the checks as at that instant say the same before anyone tries.
    const checks = (await as(worker).get(`/assessments/${a.id}/checks?asAt=2026-12-05T00:30:00Z`).expect(200)).body;
    expect(blockerRules(checks.findings)).toContain('APP-13');
  });

  it('a conflict-of-interest declaration typed up next day keeps the time it was signed on the night', async () => {
    const { worker, a } = await night({ exams: ['2026-12-04T20:00:00Z', '2026-12-04T21:00:00Z'], seen: '2026-12-04T21:30:00Z' });
    const put = (await declarations(worker, a.id, '2026-12-04T21:45:00+00:00')).body;
    expect(put.conflicts.map((c: { declaration: { declaredAt: string } }) => c.declaration.declaredAt)).toEqual([
      '2026-12-04T21:45:00.000Z',
      '2026-12-04T21:45:00.000Z',
      '2026-12-04T21:45:00.000Z',
    ]);
    const [audit] = await t.sql<{ actor_id: string; details: { declarations: Array<{ assessorId: string; declaredAt: string }> } }>(
      `SELECT actor_id, details FROM audit_events WHERE action = 'assessment.conflicts' AND resource_id = $1`,
      [a.id],
    );
    expect(audit.actor_id).toBe(worker.id);
    expect(audit.details.declarations).toContainEqual({ assessorId: 'amhp', declaredAt: '2026-12-04T21:45:00.000Z' });
    // Saying the same thing again, without a time, keeps the time it was made.
    const again = (await declarations(worker, a.id)).body;
    expect(again.conflicts[0].declaration.declaredAt).toBe('2026-12-04T21:45:00.000Z');
    // A declaration cannot be made in the future: 422 naming the field, nothing changed.
    const future = await declarations(worker, a.id, '2026-12-05T10:00:00Z', 422);
    expect(future.body).toMatchObject({ code: 'in-future', field: 'assessors[0].declaration.declaredAt' });
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.conflicts[0].declaration.declaredAt).toBe(
      '2026-12-04T21:45:00.000Z',
    );
  });

  it("the nearest-relative trace gives the patient's and the relatives' ages on the application date, not on the day it is typed up", async () => {
    // The patient turns 41 on Sat 5 Dec; the only relative, a brother, turns 18 the same day.
    const { worker, a } = await night({
      exams: ['2026-12-04T20:00:00Z', '2026-12-04T21:00:00Z'],
      seen: '2026-12-04T21:30:00Z',
      dateOfBirth: '1985-12-05',
      parent: false,
    });
    const brother = (
      await as(worker)
        .post(`/people/${a.person.id}/relatives`, {
          name: 'Alex Nightly',
          relationship: 'sibling',
          wholeBlood: true,
          dateOfBirth: '2008-12-05',
        })
        .expect(201)
    ).body;
    // Today s.26 proposes the brother; on the night he was 17 and excluded (s.26(5)(c)), so there was no nearest relative.
    const todayProposal = (await as(worker).get(`/people/${a.person.id}/nearest-relative`).expect(200)).body;
    expect(todayProposal.proposal.nearestRelative.relativeId).toBe(brother.id);
    const differs = await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: brother.id, asAt: '2026-12-04T23:00:00Z' })
      .expect(422);
    expect(differs.body.code).toBe('nearest-relative-differs');
    const none = (
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          noneReason: 'The only relative, a brother, was 17 on the night: s.26(5)(c).',
          asAt: '2026-12-04T23:00:00Z',
        })
        .expect(200)
    ).body.nearestRelative;
    expect(none).toMatchObject({ asAt: '2026-12-04T23:00:00.000Z', asAtBasis: 'asAt' });
    expect(none.trace).toContain('The patient is 40 on 2026-12-04.');
    expect(none.trace.join(' ')).toMatch(/s\.26\(5\)\(c\): .*Alex Nightly.* under 18 \(aged 17\)/);
    expect(none.trace.join(' ')).not.toMatch(/\b41\b/);

    // Once the application (signed on the night) is recorded, the trace follows its date without being asked.
    await declarations(worker, a.id, '2026-12-04T21:45:00Z');
    const decided = await decide(worker, a.id, application('2026-12-04T23:30:00Z'));
    expect(decided.status).toBe(200);
    const redone = (
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, { noneReason: 'The only relative, a brother, was 17 on the night: s.26(5)(c).' })
        .expect(200)
    ).body.nearestRelative;
    expect(redone).toMatchObject({ asAt: '2026-12-04T23:30:00.000Z', asAtBasis: 'signedAt' });
    expect(redone.trace).toContain('The patient is 40 on 2026-12-04.');
    // asAt in the future: 422 naming it.
    const future = await as(worker).put(`/assessments/${a.id}/nearest-relative`, {
      noneReason: 'No relative at all known.',
      asAt: '2026-12-06T00:00:00Z',
    });
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ field: 'asAt' });
  });

  it("a contact a manager types up for the AMHP counts as the AMHP's own seeing of the patient, and shows who recorded it", async () => {
    const { worker, a } = await night({ exams: ['2026-12-04T20:00:00Z', '2026-12-04T21:00:00Z'], seen: null });
    const asAt = 'asAt=2026-12-04T23:30:00Z';
    const unseen = (await as(manager).get(`/assessments/${a.id}/checks?${asAt}`).expect(200)).body;
    expect(unseen.findings.filter((f: Finding) => f.rule === 'APP-04' && f.severity === 'blocker')).toHaveLength(1);

    // A manager is not an AMHP: the contact must name the AMHP who made it, who must be an AMHP. Nothing is recorded otherwise.
    const contact = { at: '2026-12-04T21:30:00Z', mode: 'in-person', byRole: 'amhp' };
    expect((await as(manager).post(`/assessments/${a.id}/contacts`, contact).expect(422)).body).toMatchObject({ field: 'byUserId' });
    const referrer = await t.user(['referrer']);
    for (const byUserId of [referrer.id, manager.id]) {
      const bad = await as(manager)
        .post(`/assessments/${a.id}/contacts`, { ...contact, byUserId })
        .expect(422);
      expect(bad.body).toMatchObject({ code: 'contact-maker-not-amhp', field: 'byUserId' });
    }
    const byDoctor = await as(manager)
      .post(`/assessments/${a.id}/contacts`, { ...contact, byRole: 'doctor', byUserId: worker.id })
      .expect(422);
    expect(byDoctor.body).toMatchObject({ field: 'byUserId' });
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.contacts).toEqual([]);

    const recorded = (
      await as(manager)
        .post(`/assessments/${a.id}/contacts`, { ...contact, byUserId: worker.id })
        .expect(201)
    ).body;
    expect(recorded.contacts).toEqual([expect.objectContaining({ byRole: 'amhp', byUserId: worker.id, recordedBy: manager.id })]);
    // s.11(5) / C8: the AMHP personally saw the patient in person, so APP-04 is met as at the night.
    const seen = (await as(manager).get(`/assessments/${a.id}/checks?${asAt}`).expect(200)).body;
    expect(seen.findings.filter((f: Finding) => f.rule === 'APP-04')).toEqual([]);
    const [audit] = await t.sql<{ actor_id: string; details: Record<string, unknown> }>(
      `SELECT actor_id, details FROM audit_events WHERE action = 'assessment.contact' AND resource_id = $1`,
      [a.id],
    );
    expect(audit).toMatchObject({ actor_id: manager.id, details: { byUserId: worker.id, recordedBy: manager.id, byRole: 'amhp' } });

    // The AMHP recording her own contact is as before: hers, recorded by her.
    const own = (
      await as(worker)
        .post(`/assessments/${a.id}/contacts`, { ...contact, at: '2026-12-04T22:00:00Z' })
        .expect(201)
    ).body;
    expect(own.contacts[1]).toMatchObject({ byUserId: worker.id, recordedBy: worker.id });
  });

  it('a worked night typed up next morning: the manager and the AMHP record it all after the fact, the checks are clean as at the signing', async () => {
    // Fri 4 Dec: doctors at 20:00 and 21:00, the AMHP interviews at 21:30, NR told at 22:15, application signed at 23:40,
    // admitted at 01:10. Sat 5 Dec 09:00: the manager types up the AMHP's contact, the AMHP the rest.
    const { worker, a, parentId } = await night({ exams: ['2026-12-04T20:00:00Z', '2026-12-04T21:00:00Z'], seen: null });
    await as(manager)
      .post(`/assessments/${a.id}/contacts`, { at: '2026-12-04T21:30:00Z', mode: 'in-person', byRole: 'amhp', byUserId: worker.id })
      .expect(201);
    await declarations(worker, a.id, '2026-12-04T21:40:00Z');
    const nr = (
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parentId,
          informedAt: '2026-12-04T22:15:00Z',
          informedMethod: 'phone',
          asAt: '2026-12-04T23:40:00Z',
        })
        .expect(200)
    ).body.nearestRelative;
    expect(nr).toMatchObject({ confirmed: true, asAtBasis: 'asAt' });

    const signing = 'asAt=2026-12-04T23:40:00Z';
    const before = (await as(worker).get(`/assessments/${a.id}/checks?section=s2&${signing}`).expect(200)).body;
    expect(blockerRules(before.findings)).toEqual(['APP-03', 'COP-03']);
    const decided = await decide(worker, a.id, application('2026-12-04T23:40:00Z'));
    expect(decided.status).toBe(200);
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-12-05T01:10:00Z' }).expect(201);
    const after = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(after).toMatchObject({ evaluatedAt: '2026-12-04T23:40:00.000Z', evaluatedAtBasis: 'signedAt', ready: true });
    expect(blockers(after.findings)).toEqual([]);
    // s.2 runs 28 days beginning with the admission on Sat 5 Dec: to the end of Fri 1 Jan 2027.
    expect(after.deadlines.find((d: { id: string }) => d.id === 's2-expiry').at).toBe('2027-01-02T00:00:00.000Z');
    // Asking about a moment before the application was signed makes no sense for a recorded application.
    const earlier = await as(worker).get(`/assessments/${a.id}/checks?asAt=2026-12-04T23:00:00Z`).expect(422);
    expect(earlier.body).toMatchObject({ code: 'as-at-before-application', field: 'asAt' });
  });
});
