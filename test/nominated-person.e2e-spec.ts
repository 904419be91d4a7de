import { insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Whose objection counts (NR-14, NR-02, s.29(6), reg 24) and the MHA 2025 nominated person (MHA25-05, MHA25-06), over
 * HTTP on real Postgres. Now is Sat 21 Nov 2026 12:00 GMT; the nominated-person provisions are configured to commence
 * on Sun 22 Nov 2026 (MHA2025_NOMINATED_PERSON_FROM), so the last test moves the clock across it.
 */
describe('nearest relative objections and the nominated person', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({
      now: '2026-11-21T12:00:00Z',
      env: { ACCESS_TOKEN_TTL_SECONDS: '86400', MHA2025_NOMINATED_PERSON_FROM: '2026-11-22' },
    });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => t.close());

  const { as, opened, prepared, application, decide } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));

  type Finding = { rule: string; severity: string; code: string; message: string };
  const checks = async (worker: TestUser, id: string, section = 's3') =>
    (await as(worker).get(`/assessments/${id}/checks?section=${section}`).expect(200)).body as { findings: Finding[]; ready: boolean };
  const objection = (personId: string, worker: TestUser, body: object) =>
    as(worker).post(`/people/${personId}/nearest-relative-objections`, {
      notifiedAt: '2026-11-21T10:00:00Z',
      notifiedTo: 'amhp',
      details: 'Said on the phone they do not agree to a section 3.',
      ...body,
    });
  const consulted = { consultedAt: '2026-11-21T10:00:00Z', consultedMethod: 'phone', views: 'Spoke about the plan.' };

  /** A s.29 order in force since 2026-11-15 appointing Alex Advocate as acting nearest relative. */
  async function order(personId: string, worker: TestUser) {
    const d = (await as(worker).post(`/people/${personId}/displacements`, { ground: 'e', filedAt: '2026-11-10T10:00:00Z' }).expect(201))
      .body;
    return (
      await as(worker)
        .patch(`/people/${personId}/displacements/${d.id}`, {
          status: 'order',
          actingNearestRelative: 'Alex Advocate',
          effectiveFrom: '2026-11-15',
        })
        .expect(200)
    ).body as { id: string };
  }

  it("an uncle's objection is shown as information and does not block a s.3 while the mother is the nearest relative", async () => {
    const { worker, assessment: a } = await opened();
    const mother = await prepared(a, worker, 's3');
    const uncle = (
      await as(worker)
        .post(`/people/${a.person.id}/relatives`, { name: 'Ray Uncle', relationship: 'uncle-aunt', dateOfBirth: '1955-03-03' })
        .expect(201)
    ).body;
    const made = (await objection(a.person.id, worker, { relativeId: uncle.id }).expect(201)).body;
    expect(made).toMatchObject({
      objectorKind: 'relative',
      relativeId: uncle.id,
      by: 'Ray Uncle',
      standing: 'other-relative',
      counts: false,
    });
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: mother.id, ...consulted })
      .expect(200);

    const nr = (await as(worker).get(`/people/${a.person.id}/nearest-relative`).expect(200)).body;
    expect(nr.objectionInForce).toBe(false);
    expect(nr.objections).toEqual([expect.objectContaining({ id: made.id, standing: 'other-relative', counts: false })]);
    const c = await checks(worker, a.id);
    expect(c.findings.filter((f) => f.rule === 'NR-02')).toEqual([]);
    const info = c.findings.find((f) => f.code === 'objection-without-standing')!;
    expect(info).toMatchObject({ rule: 'NR-14', severity: 'warning' });
    expect(info.message).toContain('Ray Uncle');

    // The mother's own objection blocks, and the checks say who objected.
    await objection(a.person.id, worker, { relativeId: mother.id }).expect(201);
    const blocked = (await checks(worker, a.id)).findings.find((f) => f.code === 'nearest-relative-objects')!;
    expect(blocked.severity).toBe('blocker');
    expect(blocked.message).toContain('Morgan Assessed (the nearest relative (s.26))');
  });

  it("the acting nearest relative appointed under s.29 is confirmed without a reason, and their objection blocks a s.3; the displaced mother's is information", async () => {
    const { worker, assessment: a } = await opened();
    const mother = await prepared(a, worker, 's3');
    const o = await order(a.person.id, worker);
    const nr = (await as(worker).get(`/people/${a.person.id}/nearest-relative`).expect(200)).body;
    expect(nr.proposal.nearestRelative).toEqual({ relativeId: null, name: 'Alex Advocate', basis: 's.29' });

    // Identifying the mother now needs a reason; confirming the acting nearest relative does not.
    const differs = await as(worker).put(`/assessments/${a.id}/nearest-relative`, { relativeId: mother.id, ...consulted });
    expect(differs.status).toBe(422);
    expect(differs.body.code).toBe('nearest-relative-displaced');
    expect(differs.body.detail).toContain('Alex Advocate');
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { displacementId: o.id, ...consulted })
      .expect(200);
    const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    expect(view.nearestRelative).toMatchObject({ displacementId: o.id, name: 'Alex Advocate', confirmed: true, notConfirmedReason: null });
    expect((await checks(worker, a.id)).findings.filter((f) => f.rule.startsWith('NR-'))).toEqual([]);

    // The displaced mother's objection is kept as information.
    const mum = (await objection(a.person.id, worker, { relativeId: mother.id }).expect(201)).body;
    expect(mum).toMatchObject({ standing: 'displaced-nearest-relative', counts: false });
    expect((await checks(worker, a.id)).findings.map((f) => `${f.rule}:${f.code}`)).toContain('NR-14:objection-without-standing');

    // The acting nearest relative's objection blocks (s.29(6)).
    const acting = (await objection(a.person.id, worker, { objectorKind: 'acting-nearest-relative', displacementId: o.id }).expect(201))
      .body;
    expect(acting).toMatchObject({ by: 'Alex Advocate', standing: 'acting-nearest-relative', counts: true });
    const blocked = (await checks(worker, a.id)).findings.find((f) => f.code === 'nearest-relative-objects')!;
    expect(blocked.severity).toBe('blocker');
    expect(blocked.message).toContain('acting nearest relative');
    const res = await decide(worker, a.id, application('s3'));
    expect(res.status).toBe(422);
    expect(res.body.rules).toContain('NR-02');

    // The report shows who objected and the other objection as information.
    const text = JSON.stringify((await as(worker).get(`/assessments/${a.id}/report`).expect(200)).body);
    expect(text).toContain('Objected by Alex Advocate (the acting nearest relative appointed by the county court (s.29(6)))');
    expect(text).toContain('Objection without standing (NR-14, information)');
  });

  it("a reg 24 delegate's objection is recorded as theirs, for the nearest relative who authorised them, and blocks a s.3", async () => {
    const { worker, assessment: a } = await opened();
    const mother = await prepared(a, worker, 's3');
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: mother.id, ...consulted })
      .expect(200);
    const incomplete = await objection(a.person.id, worker, { objectorKind: 'delegate', delegateName: 'Sam Solicitor' });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.code).toBe('objector-incomplete');
    const made = (
      await objection(a.person.id, worker, { objectorKind: 'delegate', delegateName: 'Sam Solicitor', relativeId: mother.id }).expect(201)
    ).body;
    expect(made).toMatchObject({
      objectorKind: 'delegate',
      delegateName: 'Sam Solicitor',
      relativeId: mother.id,
      by: 'Sam Solicitor for Morgan Assessed',
      standing: 'delegate-of-nearest-relative',
      counts: true,
    });
    const blocked = (await checks(worker, a.id)).findings.find((f) => f.code === 'nearest-relative-objects')!;
    expect(blocked.message).toContain('Sam Solicitor for Morgan Assessed');
  });

  it('the nominated person: recorded before the commencement it is information only; from it, their objection needs the AMHP report with an allowed ground', async () => {
    const { worker, assessment: a } = await opened();
    const mother = await prepared(a, worker, 's3');
    const p = a.person.id;
    const np = (
      await as(worker)
        .post(`/people/${p}/nominated-persons`, {
          name: 'Nia Nominee',
          appointedOn: '2026-11-20',
          appointedBy: 'patient',
          method: 'In writing, signed by the patient, witnessed by the care coordinator.',
        })
        .expect(201)
    ).body;
    expect(np).toMatchObject({ name: 'Nia Nominee', appointedBy: 'patient', inOffice: true, endedOn: null });

    // Before Sun 22 Nov: the mother is still the nearest relative; the nominated person is information.
    const before = (await as(worker).get(`/people/${p}/nearest-relative`).expect(200)).body;
    expect(before).toMatchObject({
      regime: 'nearest-relative',
      nominatedPerson: { id: np.id },
      proposal: { nearestRelative: { relativeId: mother.id } },
    });
    expect(before.proposal.trace.join('\n')).toContain('information only');
    const early = (await objection(p, worker, { objectorKind: 'nominated-person', nominatedPersonId: np.id }).expect(201)).body;
    expect(early).toMatchObject({ standing: 'nominated-person-not-commenced', counts: false });
    const notYet = await as(worker).put(`/assessments/${a.id}/nearest-relative`, { nominatedPersonId: np.id, ...consulted });
    expect(notYet.status).toBe(422);
    expect(notYet.body.code).toBe('nominated-person-not-commenced');
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: mother.id, ...consulted })
      .expect(200);
    expect((await checks(worker, a.id)).findings.filter((f) => f.severity === 'blocker' && /^(NR|MHA25)-/.test(f.rule))).toEqual([]);

    // Changed: a new nominated person replaces Nia the day they are appointed.
    const changed = (
      await as(worker)
        .post(`/people/${p}/nominated-persons`, {
          name: 'Omar Nominee',
          appointedOn: '2026-11-21',
          appointedBy: 'patient',
          method: 'In writing, witnessed.',
        })
        .expect(201)
    ).body;
    const list = (await as(worker).get(`/people/${p}/nominated-persons`).expect(200)).body.items;
    expect(list.map((n: { name: string; endedOn: string | null; inOffice: boolean }) => [n.name, n.endedOn, n.inOffice])).toEqual([
      ['Omar Nominee', null, true],
      ['Nia Nominee', '2026-11-21', false],
    ]);

    // From Sun 22 Nov the nominated person's rules apply instead of the nearest relative's.
    t.clock.set('2026-11-22T10:00:00Z');
    try {
      const after = (await as(worker).get(`/people/${p}/nearest-relative`).expect(200)).body;
      expect(after).toMatchObject({ regime: 'nominated-person', nominatedPerson: { id: changed.id }, proposal: { nearestRelative: null } });
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, { nominatedPersonId: changed.id, ...consulted })
        .expect(200);
      // The mother's and Nia's objections are now information; Omar's counts.
      await objection(p, worker, { relativeId: mother.id, notifiedAt: '2026-11-22T09:00:00Z' }).expect(201);
      const omar = (
        await objection(p, worker, {
          objectorKind: 'nominated-person',
          nominatedPersonId: changed.id,
          notifiedAt: '2026-11-22T09:00:00Z',
        }).expect(201)
      ).body;
      expect(omar).toMatchObject({ by: 'Omar Nominee', standing: 'nominated-person', counts: true });
      const c = await checks(worker, a.id);
      expect(c.findings.filter((f) => f.severity === 'blocker' && /^(NR|MHA25)-/.test(f.rule)).map((f) => `${f.rule}:${f.code}`)).toEqual([
        'MHA25-06:objection-without-dangerousness-report',
      ]);
      expect(c.findings.filter((f) => f.code === 'objection-without-standing')).toHaveLength(2);

      const apply = (over: object) => application('s3', { signedAt: '2026-11-22T09:30:00Z', ...over });
      const wrongGround = await decide(
        worker,
        a.id,
        apply({ dangerousnessReportDetails: { grounds: ['needs-treatment'], reasons: 'Would benefit from treatment in hospital now.' } }),
      );
      expect(wrongGround.status).toBe(422);
      expect(wrongGround.body.rules).toEqual(['MHA25-06']);
      expect(JSON.stringify(wrongGround.body.findings)).toContain('which the Act does not allow');

      const made = await decide(
        worker,
        a.id,
        apply({
          dangerousnessReportDetails: {
            grounds: ['dangerous-to-others'],
            reasons: 'Threatened the neighbour with a knife twice this week.',
          },
        }),
      );
      expect(made.status).toBe(200);
      expect(made.body).toMatchObject({ status: 'decided', section: 's3' });
    } finally {
      t.clock.set('2026-11-21T12:00:00Z');
    }
  });

  it("a nominated person's appointment ended is no longer in office, and cannot be ended twice", async () => {
    const { worker, assessment: a } = await opened();
    const p = a.person.id;
    const np = (
      await as(worker)
        .post(`/people/${p}/nominated-persons`, {
          name: 'Pat Nominee',
          appointedOn: '2026-11-10',
          appointedBy: 'amhp',
          method: 'Appointed by the AMHP: the patient lacks capacity.',
        })
        .expect(201)
    ).body;
    const future = await as(worker).post(`/people/${p}/nominated-persons/${np.id}/end`, { endedOn: '2026-11-30', reason: 'Stood down.' });
    expect(future.status).toBe(422);
    const ended = (
      await as(worker).post(`/people/${p}/nominated-persons/${np.id}/end`, { endedOn: '2026-11-20', reason: 'Stood down.' }).expect(200)
    ).body;
    expect(ended).toMatchObject({ endedOn: '2026-11-20', endReason: 'Stood down.', inOffice: false });
    expect(
      (await as(worker).post(`/people/${p}/nominated-persons/${np.id}/end`, { endedOn: '2026-11-21', reason: 'Again.' })).body.code,
    ).toBe('already-ended');
    expect((await as(worker).get(`/people/${p}/nearest-relative`).expect(200)).body.nominatedPerson).toBeNull();
    expect((await as(worker).get(`/people/${p}/nearest-relative?asAt=2026-11-15`).expect(200)).body.nominatedPerson).toMatchObject({
      id: np.id,
    });
    const audit = await t.sql<{ action: string }>(
      `SELECT action FROM audit_events WHERE subject_person_id = $1 AND action LIKE 'nominated-person.%' ORDER BY id`,
      [p],
    );
    expect(audit.map((r) => r.action)).toEqual(['nominated-person.appoint', 'nominated-person.end']);
  });

  it('an appointment recorded late, dated before a later one or inside an ended one, is refused 409 naming appointedOn: never two nominated persons in office', async () => {
    const { worker, assessment: a } = await opened();
    const p = a.person.id;
    const appoint = (name: string, appointedOn: string) =>
      as(worker).post(`/people/${p}/nominated-persons`, { name, appointedOn, appointedBy: 'patient', method: 'In writing, witnessed.' });
    // A mistyped year (1926) is not an appointment centuries ago.
    const typo = await appoint('Alice Appointed', '1926-11-01').expect(422);
    expect([typo.body.code, typo.body.errors[0].field]).toEqual(['too-long-ago', 'appointedOn']);
    const alice = (await appoint('Alice Appointed', '2026-11-01').expect(201)).body;
    const carol = (await appoint('Carol Current', '2026-11-12').expect(201)).body;
    const before = await t.sql(`SELECT id, ended_on, version FROM nominated_persons WHERE person_id = $1 ORDER BY appointed_on`, [p]);
    for (const [on, overlaps] of [
      ['2026-11-05', alice.id], // inside Alice's term, recorded as ended on the 12th
      ['2026-11-12', carol.id], // the day Carol's began
      ['2026-10-01', alice.id], // before both
    ]) {
      const res = await appoint('Bob Backdated', on);
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'appointment-overlaps', nominatedPersonId: overlaps });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['appointedOn']);
    }
    expect(await t.sql(`SELECT id, ended_on, version FROM nominated_persons WHERE person_id = $1 ORDER BY appointed_on`, [p])).toEqual(
      before,
    );
    const list = (await as(worker).get(`/people/${p}/nominated-persons`).expect(200)).body.items as Array<{
      name: string;
      inOffice: boolean;
    }>;
    expect(list.filter((n) => n.inOffice).map((n) => n.name)).toEqual(['Carol Current']);

    // A later appointment takes over from Carol, who ends the day it begins.
    await appoint('Dee Later', '2026-11-20').expect(201);
    const after = (await as(worker).get(`/people/${p}/nominated-persons`).expect(200)).body.items as Array<{
      name: string;
      endedOn: string | null;
    }>;
    expect(after.map((n) => [n.name, n.endedOn])).toEqual([
      ['Dee Later', null],
      ['Carol Current', '2026-11-20'],
      ['Alice Appointed', '2026-11-12'],
    ]);
  });

  it('a second s.29 order naming another acting nearest relative is refused 409 naming the order recorded; the determination names the first', async () => {
    const { worker, assessment: a } = await opened();
    const p = a.person.id;
    const first = await order(p, worker);
    const d = (await as(worker).post(`/people/${p}/displacements`, { ground: 'c', filedAt: '2026-11-16T10:00:00Z' }).expect(201)).body;
    for (const status of ['order', 'interim-order']) {
      const res = await as(worker).patch(`/people/${p}/displacements/${d.id}`, {
        status,
        actingNearestRelative: 'Yolanda Acting',
        effectiveFrom: '2026-11-17',
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'order-in-force', displacementId: first.id });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['status']);
    }
    const list = (await as(worker).get(`/people/${p}/displacements`).expect(200)).body.items as Array<{
      id: string;
      status: string;
      inForce: boolean;
    }>;
    expect(list.filter((x) => x.inForce).map((x) => x.id)).toEqual([first.id]);
    expect(list.find((x) => x.id === d.id)?.status).toBe('applied');
    expect((await as(worker).get(`/people/${p}/nearest-relative`).expect(200)).body.proposal.nearestRelative).toMatchObject({
      name: 'Alex Advocate',
    });
  });
});
