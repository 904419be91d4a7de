import { randomUUID } from 'node:crypto';
import { amhp, insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures, declareNewDoctors } from './support/assessment-fixtures';
import { createTestApp, pastInstant, TestApp, TestUser, withoutPersonDecisions } from './support/test-app';

/**
 * MHA assessments over HTTP on real Postgres: from an allocated referral to the outcome, checked against the Act.
 * Now is Sat 21 Nov 2026 12:00 GMT.
 */
describe('assessments: record, checks against the Act, outcomes', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => t.close());

  const { as, opened, prepared, application, notDetained, decide, s4Made } = assessmentFixtures(() => ({
    t,
    manager,
    s12Doctor,
    gpDoctor,
  }));

  it('a full s.2 assessment from referral to admission: checks, application, timeline with delays, s.2 expiry, close', async () => {
    const { worker, referral, assessment: a } = await opened();
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('in-assessment');
    const before = (await as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
    expect(before.ready).toBe(false);
    expect(before.findings.map((f: { severity: string }) => f.severity)).toContain('blocker');

    const relative = await prepared(a, worker);
    const nr = (await as(worker).get(`/people/${a.person.id}/nearest-relative`).expect(200)).body;
    expect(nr.proposal.nearestRelative.relativeId).toBe(relative.id);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-11-21T10:30:00Z',
        informedMethod: 'phone',
      })
      .expect(200);

    const checks = (await as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
    // All that is still needed is what the application itself gives: the hospital site and the practical matters.
    expect(
      checks.findings
        .filter((f: { severity: string }) => f.severity === 'blocker')
        .map((f: { rule: string }) => f.rule)
        .sort(),
    ).toEqual(['APP-03', 'COP-03']);
    // Last examination Sat 21 Nov: conveyance within 14 days beginning with it, so by the end of Fri 4 Dec (C1): midnight, as an instant.
    expect(checks.deadlines.find((d: { id: string }) => d.id === 'conveyance').at).toBe('2026-12-05T00:00:00.000Z');

    const decided = await decide(worker, a.id, application('s2'));
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'decided',
      outcomeKind: 'application',
      section: 's2',
      legalStatusCode: '02',
      decidedAt: '2026-11-21T11:00:00.000Z',
    });

    for (const [type, at, delayReason] of [
      ['bed-requested', '2026-11-21T11:05:00Z'],
      ['bed-identified', '2026-11-21T11:40:00Z', 'no-bed'],
      ['conveyance-requested', '2026-11-21T11:45:00Z'],
      ['conveyance-arrived', '2026-11-21T11:50:00Z', 'ambulance-unavailable'],
      ['admitted', '2026-11-21T11:58:00Z'],
    ] as const) {
      await as(worker)
        .post(`/assessments/${a.id}/events`, { type, at, ...(delayReason ? { delayReason } : {}) })
        .expect(201);
    }
    const after = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    // Admitted Sat 21 Nov: the s.2 lapses at the end of the 28th day beginning with it, Fri 18 Dec (C4).
    expect(after.deadlines.find((d: { id: string }) => d.id === 's2-expiry').at).toBe('2026-12-19T00:00:00.000Z');

    const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['decision', 'application-signed', 'bed-requested', 'bed-identified', 'admitted']),
    );
    expect(view.timeline.find((e: { type: string }) => e.type === 'bed-identified').delayReason).toBe('no-bed');

    const closed = (await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200)).body;
    expect(closed.status).toBe('closed');
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('closed');
    // Every change and read left its audit row; the outbox has the events.
    const actions = (await t.sql<{ action: string }>(`SELECT DISTINCT action FROM audit_events WHERE resource_id = $1`, [a.id])).map(
      (r) => r.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'assessment.create',
        'assessment.read',
        'assessment.checks',
        'assessment.outcome',
        'assessment.event',
        'assessment.close',
      ]),
    );
    expect(await t.sql(`SELECT 1 FROM outbox_events WHERE aggregate_id = $1 AND type = 'assessment.outcome'`, [a.id])).toHaveLength(1);
  });

  it('the outcome report as JSON, printable HTML and PDF, each an audited read; the s.13(4) letter only when owed', async () => {
    const { worker, referral, assessment: a } = await opened({ nearestRelativeRequest: true, source: 'nearest-relative' });
    const relative = (
      await as(worker)
        .post(`/people/${a.person.id}/relatives`, {
          name: 'Jamie <Parent>',
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
        consultedAt: '2026-11-21T10:00:00Z',
        consultedMethod: 'phone',
      })
      .expect(200);
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'bed-requested', at: '2026-11-21T09:00:00Z' }).expect(201);
    await as(worker)
      .post(`/assessments/${a.id}/events`, { type: 'bed-identified', at: '2026-11-21T11:00:00Z', delayReason: 'no-bed' })
      .expect(201);
    // No decision yet, so no letter owed (NR-12): refused, and not recorded as a letter read.
    const refused = await as(worker).get(`/assessments/${a.id}/written-reasons-letter?format=pdf`).expect(422);
    expect(refused.body).toMatchObject({ code: 'no-letter-owed', rule: 'NR-12' });
    expect(
      await t.sql(`SELECT 1 FROM audit_events WHERE resource_id = $1 AND action = 'assessment.written-reasons-letter'`, [a.id]),
    ).toEqual([]);
    await as(worker).post(`/assessments/${a.id}/outcome`, notDetained).expect(200);

    const json = (await as(worker).get(`/assessments/${a.id}/report`).expect(200)).body;
    expect(json.sections.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining(['referral', 'nearest-relative', 'doctors', 'alternatives', 'decision', 'delays']),
    );
    const text = JSON.stringify(json);
    expect(text).toContain('Not recorded');
    expect(text).toContain('Jamie <Parent>');
    const html = await as(worker).get(`/assessments/${a.id}/report?format=html`).expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.headers['content-security-policy']).toMatch(/script-src 'none'/);
    expect(html.text).toContain('Jamie &lt;Parent&gt;');
    const pdf = await as(worker)
      .get(`/assessments/${a.id}/report`)
      .set('accept', 'application/pdf')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 8).toString()).toBe('%PDF-1.4');

    const letter = await as(worker).get(`/assessments/${a.id}/written-reasons-letter?format=text`).expect(200);
    expect(letter.text).toContain('13(4)');
    expect(letter.text).toContain('Accepts the crisis team twice daily');
    const reads = await t.sql<{ action: string }>(
      `SELECT action FROM audit_events WHERE resource_id = $1 AND action IN ('assessment.report', 'assessment.written-reasons-letter')`,
      [a.id],
    );
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(referral.id).toBeDefined();
  });

  it('the other AMHPs present are AMHPs who could act: a referrer, an unknown id, a suspended AMHP or the lead is refused naming otherAmhpUserIds; a co-AMHP named reads the assessment she attended, until taken off the list', async () => {
    const { worker, assessment: a } = await opened();
    const coworker = await amhp(t, { displayName: 'Leah Cowork' });
    const police = await t.user(['referrer'], { displayName: 'PC Not An AMHP' });
    const suspended = await amhp(t, { displayName: 'Sam Suspended' });
    const [{ id: approvalId }] = await t.sql<{ id: string }>('SELECT id FROM approvals WHERE practitioner_id = $1', [
      suspended.practitionerId,
    ]);
    await as(manager)
      .post(`/approvals/${approvalId}/suspensions`, { startsAt: '2026-11-01T00:00:00Z', reason: 'Registration under review' })
      .expect(201);

    const patch = async (ids: string[], status: number) => {
      const version = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version;
      return as(worker)
        .patch(`/assessments/${a.id}`, { otherAmhpUserIds: ids }, { 'if-match': `"v${version}"` })
        .expect(status);
    };
    for (const [ids, code] of [
      [[police.id], 'not-an-amhp'],
      [[randomUUID()], 'not-an-amhp'],
      [[suspended.id], 'amhp-not-eligible'],
      [[worker.id], 'lead-listed-as-other'],
    ] as const) {
      const res = await patch([...ids], 422);
      expect(res.body.code).toBe(code);
      expect(JSON.stringify(res.body.errors)).toContain('otherAmhpUserIds');
    }
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.otherAmhpUserIds).toEqual([]);

    await as(coworker).get(`/assessments/${a.id}`).expect(403);
    await patch([coworker.id, coworker.id], 400);
    expect((await patch([coworker.id], 200)).body.otherAmhpUserIds).toEqual([coworker.id]);
    const report = (await as(coworker).get(`/assessments/${a.id}/report`).expect(200)).body;
    expect(JSON.stringify(report)).toContain('Leah Cowork');
    const [read] = await t.sql<{ access_basis: string }>(
      `SELECT access_basis FROM audit_events WHERE actor_id = $1 AND resource_id = $2 ORDER BY id DESC LIMIT 1`,
      [coworker.id, a.id],
    );
    expect(read.access_basis).toBe('relationship:conducted');
    // She reads this assessment alone, not the person's other records, and never changes it.
    await as(coworker).get(`/people/${a.person.id}`).expect(403);
    await patch([], 200);
    await as(coworker).get(`/assessments/${a.id}`).expect(403);
  });

  it("the AMHP's decided assessments count in their reapproval portfolio", async () => {
    const { worker, assessment: a } = await opened();
    await as(worker)
      .post(`/assessments/${a.id}/outcome`, {
        kind: 'not-detained',
        alternatives: ['informal-admission'],
        rationale: 'Agreed to an informal admission once a bed was offered.',
      })
      .expect(200);
    const [{ id: practitionerId }] = await t.sql<{ id: string }>(`SELECT id FROM practitioners WHERE user_id = $1`, [worker.id]);
    const portfolio = (await as(manager).get(`/practitioners/${practitionerId}/portfolio`).expect(200)).body;
    expect(portfolio.assessments).toMatchObject({ total: 1, applications: 0, notDetained: 1, ctoDecisions: 0, lastOn: '2026-11-21' });
  });

  it("a closed assessment's outcome report keeps the relatives as recorded at its close: a relative renamed or moved, or one recorded afterwards, does not rewrite it", async () => {
    const { worker, assessment: a } = await opened();
    const parent = await prepared(a, worker);
    const sibling = (
      await as(worker)
        .post(`/people/${a.person.id}/relatives`, {
          name: 'Robin Sibling',
          relationship: 'sibling',
          wholeBlood: true,
          dateOfBirth: '1988-03-03',
          contact: { address: '4 Mill Lane, Riverside' },
        })
        .expect(201)
    ).body;
    // The sibling objects; not the nearest relative, their objection is shown for information (NR-14), by name.
    await as(worker)
      .post(`/people/${a.person.id}/nearest-relative-objections`, {
        relativeId: sibling.id,
        notifiedAt: '2026-11-21T10:00:00Z',
        notifiedTo: 'amhp',
        details: 'Does not want their brother admitted.',
      })
      .expect(201);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: parent.id, informedAt: '2026-11-21T10:30:00Z', informedMethod: 'phone' })
      .expect(200);
    expect((await decide(worker, a.id, application('s2'))).status).toBe(200);
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:58:00Z' }).expect(201);
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
    const report = async (format: 'json' | 'html') =>
      (await as(worker).get(`/assessments/${a.id}/report?format=${format}`).expect(200)).text;
    const before = { json: await report('json'), html: await report('html') };
    expect(before.json).toContain('Robin Sibling');
    expect(JSON.parse(before.json).sections.find((x: { id: string }) => x.id === 'nearest-relative').lines).toEqual(
      expect.arrayContaining([{ label: 'Relationship', text: 'parent' }]),
    );

    // Afterwards the hub records a new name and address for the sibling, the parent as a step-parent, and a spouse
    // (who would be the nearest relative now, s.26(3)).
    const patch = async (relativeId: string, body: object) => {
      const current = (await as(manager).get(`/people/${a.person.id}/relatives`).expect(200)).body.items.find(
        (r: { id: string }) => r.id === relativeId,
      );
      await as(manager)
        .patch(`/people/${a.person.id}/relatives/${relativeId}`, body, { 'if-match': `"v${current.version}"` })
        .expect(200);
    };
    await patch(sibling.id, { name: 'Robin Renamed', contact: { address: 'Flat 9, 12 Refuge Lane, Newtown' } });
    await patch(parent.id, { relationship: 'grandparent' });
    await as(manager)
      .post(`/people/${a.person.id}/relatives`, {
        name: 'Jo Spouse',
        relationship: 'spouse',
        livesWithPatient: true,
        dateOfBirth: '1984-01-01',
      })
      .expect(201);

    const after = { json: await report('json'), html: await report('html') };
    expect(after.json).not.toMatch(/Robin Renamed|Refuge Lane|Jo Spouse|grandparent/);
    expect(after.html).not.toMatch(/Robin Renamed|Refuge Lane|Jo Spouse|grandparent/);
    expect(after).toEqual(before);
  });

  it('refuses a s.3 while the nearest relative objects (NR-02): 422 naming the rule, nothing recorded', async () => {
    const { worker, assessment: a } = await opened();
    const relative = await prepared(a, worker, 's3');
    await as(worker)
      .post(`/people/${a.person.id}/nearest-relative-objections`, {
        relativeId: relative.id,
        notifiedAt: '2026-11-21T10:00:00Z',
        notifiedTo: 'amhp',
        details: 'Said on the phone they do not agree to a section 3.',
      })
      .expect(201);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        consultedAt: '2026-11-21T10:00:00Z',
        consultedMethod: 'phone',
        views: 'Objects to detention for treatment.',
      })
      .expect(200);
    const res = await as(worker).post(`/assessments/${a.id}/outcome`, application('s3'));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.rules).toContain('NR-02');
    const [row] = await t.sql<{ status: string; outcome_kind: string | null }>(
      `SELECT status, outcome_kind FROM assessments WHERE id = $1`,
      [a.id],
    );
    expect(row).toEqual({ status: 'open', outcome_kind: null });
  });

  it('refuses an application with a blocker (examinations more than five clear days apart, MED-02): 422 listing the rule ids', async () => {
    const { worker, assessment: a } = await opened();
    const relative = await prepared(a, worker, 's2', ['2026-11-13T10:00:00Z', '2026-11-21T09:00:00Z']);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-11-21T10:30:00Z',
        informedMethod: 'phone',
      })
      .expect(200);
    const res = await as(worker).post(`/assessments/${a.id}/outcome`, application('s2'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('application-blocked');
    expect(res.body.rules).toContain('MED-02');
    expect(res.body.findings.find((f: { rule: string }) => f.rule === 'MED-02').severity).toBe('blocker');
  });

  it('a s.4 converted to a s.2 when the second recommendation reaches the managers within 72 h of admission', async () => {
    const { worker, assessment: a, decided } = await s4Made();
    expect(decided).toMatchObject({ section: 's4', legalStatusCode: '04' });
    await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(422); // not admitted yet: the 72 h have no start
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:30:00Z' }).expect(201);
    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(checks.deadlines.find((d: { id: string }) => d.id === 's4-second-recommendation').at).toBe('2026-11-24T11:30:00.000Z');
    await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(422); // no second recommendation yet
    await as(worker)
      .post(`/assessments/${a.id}/recommendations`, {
        doctorId: gpDoctor,
        previousAcquaintance: true,
        examinedAt: '2026-11-21T11:45:00Z',
        examMode: 'in-person',
        signedAt: '2026-11-21T11:50:00Z',
        section: 's2',
        receivedByManagersAt: '2026-11-21T11:55:00Z',
      })
      .expect(201);
    await declareNewDoctors(t, worker, a.id);
    const converted = (await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(200)).body;
    expect(converted).toMatchObject({ section: 's2', legalStatusCode: '02' });
    // The s.2 runs from the s.4 admission on Sat 21 Nov: it lapses at midnight at the end of Fri 18 Dec.
    expect(converted.outcome.convertedFromS4.s2Expiry).toBe('2026-12-19T00:00:00.000Z');
    const after = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(after.deadlines.find((d: { id: string }) => d.id === 's2-expiry').at).toBe('2026-12-19T00:00:00.000Z');
    expect(after.findings.filter((f: { severity: string }) => f.severity === 'blocker')).toEqual([]);
  });

  it('not detained, with the alternatives and rationale; an NR-requested case needs the written reasons before it closes (NR-12)', async () => {
    const { worker, referral, assessment: a } = await opened({ nearestRelativeRequest: true, source: 'nearest-relative' });
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    const early = await as(worker)
      .post(`/assessments/${a.id}/outcome`, {
        kind: 'not-detained',
        decidedAt: '2026-11-20T14:00:00Z',
        alternatives: ['crisis-home-treatment'],
        rationale: 'Accepts the crisis team twice daily and their mother will stay; detention not necessary.',
      })
      .expect(422);
    expect([early.body.code, early.body.field]).toEqual(['decided-before-assessment', 'decidedAt']);
    const res = await as(worker)
      .post(`/assessments/${a.id}/outcome`, {
        kind: 'not-detained',
        decidedAt: '2026-11-21T11:00:00Z',
        alternatives: ['crisis-home-treatment', 'community-follow-up'],
        rationale: 'Accepts the crisis team twice daily and their mother will stay; detention not necessary.',
      })
      .expect(200);
    expect(res.body).toMatchObject({ outcomeKind: 'not-detained', section: null, legalStatusCode: null });
    expect(res.body.outcome.alternatives).toEqual(['crisis-home-treatment', 'community-follow-up']);
    const refused = await as(worker).post(`/assessments/${a.id}/close`, {}).expect(422);
    expect(refused.body.rule).toBe('NR-12');
    await as(worker).post(`/referrals/${referral.id}/written-reasons`, { givenAt: '2026-11-21T11:30:00Z', method: 'letter' }).expect(200);
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('closed');
  });

  it('a CTO decision: the AMHP agrees in writing (CTO-01, CTO-02); not in writing is refused', async () => {
    const { worker, assessment: a } = await opened();
    const refused = await as(worker).post(`/assessments/${a.id}/outcome`, {
      kind: 'cto-decision',
      ctoDecision: 'agree',
      inWriting: false,
      conditionsAgreed: true,
      signedAt: '2026-11-21T11:00:00Z',
      rationale: 'The criteria are met and the conditions are proportionate.',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.rules).toContain('CTO-01');
    // The referral records the patient as informal: a CTO needs a patient detained for treatment (s.17A(1)-(2)), so
    // agreeing is a warning she answers, with the detention she confirmed.
    const warned = await as(worker).post(`/assessments/${a.id}/outcome`, {
      kind: 'cto-decision',
      ctoDecision: 'agree',
      inWriting: true,
      conditionsAgreed: true,
      signedAt: '2026-11-21T11:00:00Z',
      rationale: 'The criteria are met and the conditions are proportionate.',
    });
    expect(warned.status).toBe(422);
    expect(warned.body.code).toBe('warnings-not-acknowledged');
    expect(warned.body.findings).toContainEqual(
      expect.objectContaining({ rule: 'CTO-01', code: 'cto-patient-not-detained-for-treatment' }),
    );
    const ok = await decide(worker, a.id, {
      kind: 'cto-decision',
      ctoDecision: 'agree',
      inWriting: true,
      conditionsAgreed: true,
      signedAt: '2026-11-21T11:00:00Z',
      rationale: 'The criteria are met and the conditions are proportionate.',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ outcomeKind: 'cto-decision', section: null, outcome: { cto: { decision: 'agree', inWriting: true } } });
  });

  describe('a recalled community patient (s.17E): the AMHP decides on revoking the CTO (CTO-03, s.17F(4), form CTO5)', () => {
    /** Recalled Fri 20 Nov 2026 13:00 GMT: the 72 hours of the recall end Mon 23 Nov 13:00. */
    const recalled = () => opened({ legalContext: { kind: 'cto-recall', recalledAt: '2026-11-20T13:00:00Z' } });
    const revocation = (ctoDecision: 'agree' | 'disagree', over: object = {}) => ({
      kind: 'cto-decision',
      ctoDecision,
      inWriting: true,
      signedAt: '2026-11-21T11:00:00Z',
      rationale: 'I agree the s.3 criteria are met and that it is appropriate to revoke the CTO.',
      ...over,
    });
    type Report = { sections: Array<{ id: string; lines: Array<{ label?: string; text: string }> }> };
    const reportLine = (r: Report, section: string, label: string) =>
      r.sections.find((s) => s.id === section)!.lines.find((l) => l.label === label)?.text;

    it('agreeing to revocation needs no conditions; the report cites s.17F(4) and form CTO5, and the recall clock stops on it', async () => {
      const { worker, referral, assessment: a } = await recalled();
      // There are no conditions on a revocation: saying they were agreed is refused, naming the field, nothing kept.
      const conditions = await as(worker)
        .post(`/assessments/${a.id}/outcome`, revocation('agree', { conditionsAgreed: true }))
        .expect(422);
      expect(conditions.body).toMatchObject({ code: 'conditions-not-applicable', field: 'conditionsAgreed', rule: 'CTO-03' });
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.outcomeKind).toBeNull();
      // Not in writing: refused under CTO-03 (form CTO5), not CTO-01.
      const unwritten = await as(worker)
        .post(`/assessments/${a.id}/outcome`, revocation('agree', { inWriting: false }))
        .expect(422);
      expect(unwritten.body.findings).toContainEqual(expect.objectContaining({ rule: 'CTO-03', code: 'cto-decision-not-in-writing' }));

      const ok = await as(worker).post(`/assessments/${a.id}/outcome`, revocation('agree')).expect(200);
      expect(ok.body.outcome.cto).toMatchObject({ about: 'revocation', decision: 'agree', inWriting: true, conditionsAgreed: null });

      const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body as Report;
      const authority = reportLine(report, 'legal-basis', 'Authority relied on')!;
      expect(authority).toContain('MHA 1983 s.17F(4): revocation of the community treatment order');
      expect(authority).toContain('(Form CTO5)');
      expect(authority).not.toContain('s.17A');
      expect(reportLine(report, 'decision', 'Outcome')).toBe('Decision on revoking the community treatment order (recalled patient)');
      expect(reportLine(report, 'decision', 'CTO revocation decision')).toBe(
        'Agreed that the s.3 criteria are met and that revoking the CTO is appropriate; in writing (Form CTO5): yes',
      );
      expect(reportLine(report, 'hospital', 'Hospital and bed')).toContain(
        'detained there again as if under s.3, from the day of revocation (s.17G)',
      );
      expect(JSON.stringify(report)).not.toMatch(/CTO1|conditions agreed/);

      const clock = ((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.clocks as Array<Record<string, unknown>>).find(
        (c) => c.id === 'CTO-03',
      );
      expect(clock).toMatchObject({ state: 'stopped', stoppedAt: '2026-11-21T11:00:00.000Z', stopRule: 'CTO-03', result: 'met' });
      expect(clock!.stopReason).toContain('revoking the CTO is appropriate (form CTO5)');
    });

    it('not agreeing to revocation is a warning that the CTO continues and the patient is released when the 72 hours end', async () => {
      const { worker, referral, assessment: a } = await recalled();
      const warned = await as(worker).post(`/assessments/${a.id}/outcome`, revocation('disagree')).expect(422);
      expect(warned.body.code).toBe('warnings-not-acknowledged');
      expect(warned.body.findings).toEqual([expect.objectContaining({ rule: 'CTO-06', code: 'cto-revocation-not-agreed' })]);
      expect(warned.body.findings[0].message).toContain('must be released from hospital by the end of the 72 hours of the recall');
      expect((await decide(worker, a.id, revocation('disagree'))).status).toBe(200);

      const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body as Report;
      expect(reportLine(report, 'legal-basis', 'Authority relied on')).toContain('the AMHP did not agree to revocation');
      expect(reportLine(report, 'decision', 'CTO revocation decision')).toBe(
        'Did not agree to revoking the CTO: it continues; in writing (Form CTO5): yes',
      );
      expect(reportLine(report, 'hospital', 'Hospital and bed')).toContain('must be released from hospital by the end of the 72 hours');
      const clock = ((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.clocks as Array<Record<string, unknown>>).find(
        (c) => c.id === 'CTO-03',
      );
      expect(clock!.stopReason).toContain('the patient must be released by Mon 23 Nov 2026 13:00 GMT');
    });

    const recallClock = async (referralId: string) =>
      ((await as(manager).get(`/referrals/${referralId}`).expect(200)).body.clocks as Array<Record<string, unknown>>).find(
        (c) => c.id === 'CTO-03',
      )!;

    it('the 72 hours run from the patient’s arrival in hospital under the recall, not the notice (s.17F(8)); an agreement within them is accepted', async () => {
      // Notice served Tue 17 Nov; the patient was found and brought to hospital Fri 20 Nov 13:00: 72 hours to Mon 23 Nov 13:00.
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({
        legalContext: { kind: 'cto-recall', recalledAt: '2026-11-17T09:00:00Z', arrivedAt: '2026-11-20T13:00:00Z' },
      });
      const clock = await recallClock(referral.id);
      expect(clock).toMatchObject({
        anchor: '2026-11-20T13:00:00.000Z',
        deadline: '2026-11-23T13:00:00.000Z',
        provisional: false,
        state: 'running',
      });
      expect(clock.basis).toContain('from the start of the detention in hospital under the recall');
      const ok = await as(worker).post(`/assessments/${a.id}/outcome`, revocation('agree')).expect(200);
      expect(ok.body.outcome.findingsAtDecision).toEqual([]);
      expect(await recallClock(referral.id)).toMatchObject({ state: 'stopped', result: 'met' });
    });

    it('agreeing to revocation after the 72 hours of the recall is refused (CTO-03): the patient had to be released, and nothing is kept', async () => {
      // In hospital under the recall from Tue 17 Nov 12:00: the 72 hours ended Fri 20 Nov 12:00 GMT.
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({
        legalContext: { kind: 'cto-recall', recalledAt: '2026-11-17T12:00:00Z', arrivedAt: '2026-11-17T12:00:00Z' },
      });
      const refused = await as(worker).post(`/assessments/${a.id}/outcome`, revocation('agree')).expect(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.rules).toContain('CTO-03');
      const finding = (refused.body.findings as Array<{ code: string; severity: string; message: string }>).find(
        (f) => f.code === 'cto-revocation-after-recall-period',
      );
      expect(finding).toMatchObject({ severity: 'blocker' });
      expect(finding!.message).toContain('after the 72 hours of the recall ended at Fri 20 Nov 2026 12:00 GMT');
      // Acknowledging cannot get a blocker through.
      const acknowledgements = [{ code: 'cto-revocation-after-recall-period', reason: 'Signed late.' }];
      await as(worker)
        .post(`/assessments/${a.id}/outcome`, { ...revocation('agree'), acknowledgements })
        .expect(422);
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.outcomeKind).toBeNull();
      expect(await recallClock(referral.id)).toMatchObject({ state: 'breached', stoppedAt: null });
    });

    it('a revocation signed after the 72 hours counted from the notice, with no arrival recorded, is a warning to confirm the arrival', async () => {
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({ legalContext: { kind: 'cto-recall', recalledAt: '2026-11-17T12:00:00Z' } });
      expect(await recallClock(referral.id)).toMatchObject({ provisional: true, deadline: '2026-11-20T12:00:00.000Z' });
      const warned = await as(worker).post(`/assessments/${a.id}/outcome`, revocation('agree')).expect(422);
      expect(warned.body.code).toBe('warnings-not-acknowledged');
      expect(warned.body.findings).toEqual([
        expect.objectContaining({ rule: 'CTO-03', code: 'cto-decision-after-provisional-recall-period' }),
      ]);
      expect((await decide(worker, a.id, revocation('agree'))).status).toBe(200);
      expect((await recallClock(referral.id)).stopReason).toContain('which is not recorded: unless it began late enough');
    });

    it('a recall whose arrival in hospital is recorded before the notice is refused, naming the rule', async () => {
      const res = await as(manager)
        .post('/referrals', {
          person: { givenName: 'Casey', familyName: 'Recalled', dateOfBirth: '1985-06-15' },
          source: 'other',
          referrer: { name: 'Dr Rowe', organisation: 'Riverside CMHT' },
          reason: 'Recalled to hospital under the CTO.',
          risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
          urgency: 'urgent',
          legalContext: { kind: 'cto-recall', recalledAt: '2026-11-20T10:00:00Z', arrivedAt: '2026-11-20T09:00:00Z' },
          receivedAt: '2026-11-20T14:00:00Z',
        })
        .expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('arrival-before-recall');
    });
  });

  describe('a patient already detained under s.3 (or an unrestricted Part 3 order): the position a CTO is made from (CTO-01, s.17A(1)-(2))', () => {
    const making = {
      kind: 'cto-decision',
      ctoDecision: 'agree',
      inWriting: true,
      conditionsAgreed: true,
      signedAt: '2026-11-21T11:00:00Z',
      rationale: 'The CTO criteria are met and the conditions are proportionate.',
    };

    it('the referral records the s.3 with its admission, and agreeing to the CTO raises no warning to answer', async () => {
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({ legalContext: { kind: 'already-s3', admittedAt: '2026-10-01T10:00:00Z' } });
      const view = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body;
      expect(view.legalContext).toMatchObject({ kind: 'already-s3', admittedAt: '2026-10-01T10:00:00Z' });
      expect(view.clocks.map((c: { id: string }) => c.id)).toEqual(['LOCAL-RESPONSE']);
      const ok = await as(worker).post(`/assessments/${a.id}/outcome`, making).expect(200);
      expect(ok.body.outcome.findingsAtDecision).toEqual([]);
      expect(ok.body.outcome.cto).toMatchObject({ about: 'making', decision: 'agree' });
      const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body as {
        sections: Array<{ id: string; lines: Array<{ label?: string; text: string }> }>;
      };
      const context = report.sections.find((s) => s.id === 'legal-basis')!.lines.find((l) => l.label === 'Legal context at referral');
      expect(context?.text).toContain('Already detained under MHA 1983 s.3');
    });

    it('a referral saying the patient is detained under s.3 without the admission is refused', async () => {
      const res = await as(manager)
        .post('/referrals', {
          person: { givenName: 'Casey', familyName: 'OnSection3', dateOfBirth: '1985-06-15' },
          source: 'other',
          referrer: { name: 'Dr Rowe', organisation: 'Riverside Hospital' },
          reason: 'Community treatment order to be considered.',
          risks: { toSelf: false, toOthers: false, fromOthers: false, flags: [] },
          urgency: 'routine',
          legalContext: { kind: 'already-s3' },
          receivedAt: '2026-11-20T14:00:00Z',
        })
        .expect(422);
      expect(res.body.code).toBe('admission-not-recorded');
    });
  });

  it("guardianship (s.7) names the guardian (GDN-04); a private guardian's application is made before the council accepts it, with a warning that it has no effect until then (GDN-08)", async () => {
    const { worker, assessment: a } = await opened();
    const relative = await prepared(a, worker, 's3');
    await as(worker)
      .post(
        `/assessments/${a.id}/recommendations/${(await as(worker).get(`/assessments/${a.id}`)).body.recommendations[0].id}/withdrawal`,
        { reason: 'Entered under the wrong section in error.' },
      )
      .expect(200);
    await as(worker)
      .post(`/assessments/${a.id}/recommendations`, {
        doctorId: s12Doctor,
        previousAcquaintance: false,
        noAcquaintanceReason: 'The GP was not available out of hours.',
        examinedAt: '2026-11-20T15:00:00Z',
        examMode: 'in-person',
        signedAt: '2026-11-20T15:00:00Z',
        section: 's7',
      })
      .expect(201);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        consultedAt: '2026-11-21T10:00:00Z',
        consultedMethod: 'phone',
      })
      .expect(200);
    await as(worker).post(`/assessments/${a.id}/outcome`, application('s7')).expect(422); // no guardian named
    const unwilling = await as(worker).post(
      `/assessments/${a.id}/outcome`,
      application('s7', { guardian: { type: 'private', name: 'Morgan Assessed', willingnessStatement: false } }),
    );
    expect(unwilling.status).toBe(422);
    expect(unwilling.body.rules).toContain('GDN-04');
    const privateGuardian = await as(worker).post(
      `/assessments/${a.id}/outcome`,
      application('s7', { guardian: { type: 'private', name: 'Morgan Assessed', willingnessStatement: true } }),
    );
    // Refused for the recommendations entered under another section, not for the acceptance still to come.
    expect(privateGuardian.status).toBe(422);
    expect(privateGuardian.body.rules).not.toContain('GDN-04');
    expect(privateGuardian.body.findings).toContainEqual(
      expect.objectContaining({ rule: 'GDN-08', severity: 'warning', code: 'guardianship-not-yet-accepted' }),
    );
    expect(privateGuardian.body.findings.map((f: { code: string }) => f.code)).not.toContain('hospital-site-missing');
  });

  it("an application made by the nearest relative is recorded as theirs, and is refused while a doctor is in the nearest relative's clinical team (s.11(1), COI-07)", async () => {
    const { worker, assessment: a } = await opened();
    const relative = await prepared(a, worker);
    await as(worker).put(`/assessments/${a.id}/nearest-relative`, { relativeId: relative.id }).expect(200);
    const current = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    const decl = { financial: false, business: false, personal: false };
    const conflicts = (nrTeams: string[]) => ({
      patientTeams: [],
      assessors: [
        {
          assessorId: 'nr',
          role: 'nearest-relative-applicant',
          name: 'Morgan Assessed',
          teams: nrTeams,
          directsOrEmploys: [],
          declaration: decl,
        },
        ...(current.recommendations as Array<{ id: string; doctorName: string }>).map((r) => ({
          assessorId: r.id,
          role: 'doctor',
          name: r.doctorName,
          teams: [r.doctorName.includes('Patel') ? 'Crisis team' : 'Riverside practice'],
          directsOrEmploys: [],
          declaration: decl,
        })),
      ],
    });
    const byNr = application('s2', { applicant: 'nearest-relative' });
    // The nearest relative works in the crisis team with one of the recommending doctors (SI 2008/1205 reg 5(2)).
    await as(worker)
      .put(`/assessments/${a.id}/conflicts`, conflicts(['Crisis team']))
      .expect(200);
    const refused = await as(worker).post(`/assessments/${a.id}/outcome`, byNr);
    expect(refused.status).toBe(422);
    expect(refused.body.rules).toEqual(['COI-07']);
    expect(
      (await as(worker).get(`/assessments/${a.id}/checks?section=s2&applicant=nearest-relative`).expect(200)).body.findings,
    ).toContainEqual(expect.objectContaining({ rule: 'COI-07', code: 'doctor-in-nearest-relative-team' }));
    // Only an application has an applicant; an unknown one is 400 naming it. Nothing is recorded.
    const notDetainedWithApplicant = await as(worker).post(`/assessments/${a.id}/outcome`, {
      ...notDetained,
      applicant: 'nearest-relative',
    });
    expect([notDetainedWithApplicant.status, notDetainedWithApplicant.body.field]).toEqual([422, 'applicant']);
    const unknown = await as(worker).post(`/assessments/${a.id}/outcome`, application('s2', { applicant: 'neighbour' }));
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.errors)).toContain('applicant');
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.status).toBe('open');

    await as(worker)
      .put(`/assessments/${a.id}/conflicts`, conflicts(['Riverside library']))
      .expect(200);
    const made = await decide(worker, a.id, byNr);
    expect(made.status).toBe(200);
    expect(made.body.outcome.application.applicant).toBe('nearest-relative');
    const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body;
    expect(report.sections.find((x: { id: string }) => x.id === 'decision').lines).toContainEqual({
      label: 'Application',
      text: expect.stringContaining('by the nearest relative'),
    });
  });

  it('a deferred decision closes the assessment but leaves the referral open for the next one', async () => {
    const { worker, referral, assessment: a } = await opened();
    await as(worker)
      .post(`/assessments/${a.id}/outcome`, {
        kind: 'not-detained',
        alternatives: ['decision-deferred'],
        rationale: 'Reassess tomorrow once the crisis team has seen him twice.',
      })
      .expect(200);
    expect((await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200)).body.status).toBe('closed');
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('in-assessment');
    const next = (await as(worker).post('/assessments', { referralId: referral.id }).expect(201)).body;
    expect(next.id).not.toBe(a.id);
  });

  it('a stale If-Match is 412 and changes nothing', async () => {
    const { worker, assessment: a } = await opened();
    const first = await as(worker)
      .patch(`/assessments/${a.id}`, { location: 'Riverside police station' }, { 'if-match': `"v${a.version}"` })
      .expect(200);
    expect(first.headers.etag).toBe(`"v${a.version + 1}"`);
    await as(worker)
      .patch(`/assessments/${a.id}`, { location: 'Somewhere else' }, { 'if-match': `"v${a.version}"` })
      .expect(412);
    expect((await t.sql(`SELECT location FROM assessments WHERE id = $1`, [a.id]))[0].location).toBe('Riverside police station');
  });

  it('an allocated AMHP whose approval is suspended cannot open the assessment as lead (422 amhp-not-eligible), nothing stored', async () => {
    const worker = await amhp(t);
    const referral = (
      await as(manager)
        .post('/referrals', {
          person: { givenName: 'Casey', familyName: 'Suspended-lead', dateOfBirth: '1985-06-15' },
          source: 'gp',
          referrer: { name: 'Dr Whitfield', organisation: 'Riverside Medical Practice' },
          reason: 'Relapse of psychosis, not taking medication, neighbours frightened.',
          risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
          urgency: 'urgent',
          legalContext: { kind: 'informal' },
          receivedAt: '2026-11-21T08:00:00Z',
        })
        .expect(201)
    ).body;
    for (const status of ['screening', 'accepted']) await as(manager).post(`/referrals/${referral.id}/status`, { status }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/allocation`, { userId: worker.id }).expect(200);
    // Suspended since the morning (written straight in: what the suspension route does besides is tested with it).
    await t.sql(
      `INSERT INTO approval_suspensions (approval_id, starts_at, reason, created_by)
       SELECT id, '2026-11-21T10:00:00Z', 'Interim order by the regulator', $2 FROM approvals WHERE practitioner_id = $1`,
      [worker.practitionerId, manager.id],
    );
    const res = await as(worker).post('/assessments', { referralId: referral.id, location: 'Home' }).expect(422);
    expect(res.body.code).toBe('amhp-not-eligible');
    expect(res.body.findings.map((f: { code: string }) => f.code)).toContain('approval-suspended');
    expect(await t.sql('SELECT 1 FROM assessments WHERE referral_id = $1', [referral.id])).toHaveLength(0);
    expect((await as(manager).get(`/referrals/${referral.id}`).expect(200)).body.status).toBe('allocated');
  });

  it('an AMHP with no relationship to the person gets 403 (break-glass offered); the refusal is audited', async () => {
    const { assessment: a } = await opened();
    const stranger = await amhp(t);
    const res = await as(stranger).get(`/assessments/${a.id}`).expect(403);
    // The link names the assessment, not its person: a refusal does not tie two records of one person together.
    expect(res.body.breakGlass).toEqual({ href: '/break-glass', method: 'POST', assessmentId: a.id });
    expect(JSON.stringify(res.body)).not.toContain(a.person.id);
    await as(stranger).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'phone', byRole: 'amhp' }).expect(403);
    expect(
      await t.sql(`SELECT 1 FROM audit_events WHERE action = 'access.denied' AND resource_id = $1 AND actor_id = $2`, [a.id, stranger.id]),
    ).not.toHaveLength(0);
  });

  it('under break-glass opened on the assessment an AMHP with no relationship reads it and records a contact, audited on that basis, until it ends', async () => {
    const { assessment: a } = await opened();
    const stranger = await amhp(t);
    const session = (
      await as(stranger)
        .post('/break-glass', { assessmentId: a.id, reason: 'Called to the ward at 3am, the allocated AMHP unreachable' })
        .expect(201)
    ).body;
    // Opened on the assessment its refusal named: the hub found the person.
    expect(session.personId).toBe(a.person.id);
    // Decided from the access facts read with the assessment: no decision on the person reads them again.
    await withoutPersonDecisions(t, async () => {
      await as(stranger).get(`/assessments/${a.id}`).expect(200);
      // An emergency is what break-glass is for: the AMHP may record as well as read (person.write allows it).
      await as(stranger).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'phone', byRole: 'amhp' }).expect(201);
    });
    expect(
      await t.sql(
        `SELECT action, access_basis FROM audit_events WHERE resource_id = $1 AND actor_id = $2 AND outcome = 'success' ORDER BY id`,
        [a.id, stranger.id],
      ),
    ).toEqual([
      { action: 'assessment.read', access_basis: `break-glass:${session.id}` },
      { action: 'assessment.contact', access_basis: `break-glass:${session.id}` },
    ]);
    // Past the session's end (its length is the hub's setting): refused again.
    await pastInstant(t, session.expiresAt, () => as(stranger).get(`/assessments/${a.id}`).expect(403));
  });

  it.each([
    ['an unknown contact mode', 'contacts', { at: '2026-11-21T09:00:00Z', mode: 'telepathy', byRole: 'amhp' }, 400],
    ['a contact in the future', 'contacts', { at: '2026-11-22T09:00:00Z', mode: 'in-person', byRole: 'amhp' }, 422],
    ['an unknown field', 'contacts', { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp', sneaky: true }, 400],
    [
      'a recommendation signed before the examination',
      'recommendations',
      {
        doctorId: randomUUID(),
        previousAcquaintance: true,
        examinedAt: '2026-11-21T09:00:00Z',
        examMode: 'in-person',
        signedAt: '2026-11-21T08:00:00Z',
        section: 's2',
      },
      422,
    ],
    ['an unknown timeline event', 'events', { type: 'teleported', at: '2026-11-21T09:00:00Z' }, 400],
  ])('refuses %s (problem+json, nothing stored)', async (_name, path, body, status) => {
    const { worker, assessment: a } = await opened();
    const res = await as(worker).post(`/assessments/${a.id}/${path}`, body).expect(status);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const [counts] = await t.sql<{ c: number; r: number; e: number }>(
      `SELECT (SELECT count(*)::int FROM assessment_contacts WHERE assessment_id = $1) AS c, (SELECT count(*)::int FROM medical_recommendations WHERE assessment_id = $1) AS r,
              (SELECT count(*)::int FROM assessment_events WHERE assessment_id = $1) AS e`,
      [a.id],
    );
    expect(counts).toEqual({ c: 0, r: 0, e: 0 });
  });

  it("each recommendation shows its doctor's approval on the examination date from the register (MED-03), and an ad hoc doctor's as stated", async () => {
    const { worker, assessment: a } = await opened();
    // On the register with a s.12 approval that ended the day before the examination, and an approved clinician's still in force.
    const lapsed = await insertDoctor(t, 'Dr Lapsed Approval', '7000099');
    await t.sql(
      `INSERT INTO doctor_approvals (doctor_id, kind, starts_on, ends_on) VALUES ($1, 's12', '2021-11-20', '2026-11-19'), ($1, 'approved-clinician', '2024-01-01', '2028-12-31')`,
      [lapsed],
    );
    const exam = { previousAcquaintance: false, noAcquaintanceReason: 'Out of hours.', examMode: 'in-person', section: 's2' };
    for (const [who, at] of [
      [{ doctorId: s12Doctor }, '2026-11-20T15:00:00Z'],
      [{ doctorId: lapsed }, '2026-11-20T16:00:00Z'],
      [{ doctorId: gpDoctor }, '2026-11-20T17:00:00Z'],
      [{ doctorName: 'Dr Ad Hoc', statedApproval: { s12: true, approvedClinician: false } }, '2026-11-20T18:00:00Z'],
    ] as const)
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, { ...who, ...exam, examinedAt: at, signedAt: at })
        .expect(201);
    const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    expect(
      view.recommendations.map((r: { doctorName: string; approvalOnExamDate: unknown; statedApproval: unknown }) => [
        r.doctorName,
        r.approvalOnExamDate,
        r.statedApproval,
      ]),
    ).toEqual([
      ['Dr Asha Patel', { s12: true, approvedClinician: false }, null],
      ['Dr Lapsed Approval', { s12: false, approvedClinician: true }, null],
      ['Dr Sam Whitfield', { s12: false, approvedClinician: false }, null],
      ['Dr Ad Hoc', null, { s12: true, approvedClinician: false }],
    ]);
  });

  it('one open assessment per referral: a second is 409 naming the first', async () => {
    const { worker, referral, assessment: a } = await opened();
    const res = await as(worker).post('/assessments', { referralId: referral.id }).expect(409);
    expect(res.body.existingId).toBe(a.id);
  });
  describe('the nearest relative the duty is owed to (NR-03, NR-01, NR-10)', () => {
    const delay = { kind: 'unreasonable-delay', facts: 'The s.5(2) is about to run out; no time to reach the mother.' };
    type Line = { label?: string; text: string };

    it('relying on "unreasonable delay" while 49 of a s.5(2)\'s 72 hours remain: the assessment, the checks and the report show the time the hub\'s clock computed, and the s.3 needs that warning answered (CV v SLAM)', async () => {
      // The H1 was furnished Fri 20 Nov 13:00, so the s.5(2) runs to Mon 23 Nov 13:00; the exception is recorded Sat 12:00.
      const { worker, assessment: a } = await opened({ legalContext: { kind: 's5-2', h1FurnishedAt: '2026-11-20T13:00:00Z' } });
      const parent = await prepared(a, worker, 's3');
      await as(worker).put(`/assessments/${a.id}/nearest-relative`, { relativeId: parent.id, exception: delay }).expect(200);
      const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
      expect(view.nearestRelative.exception).toMatchObject({
        ...delay,
        detentionRemaining: {
          at: '2026-11-21T12:00:00.000Z',
          rule: 'HOLD-01',
          endsAt: '2026-11-23T13:00:00.000Z',
          remainingMinutes: 49 * 60,
          text: expect.stringContaining('49 h of the s.5(2) holding power remained at Sat 21 Nov 2026 12:00 GMT'),
        },
      });
      const checks = (await as(worker).get(`/assessments/${a.id}/checks?section=s3`).expect(200)).body;
      const warning = checks.findings.find((f: { code: string }) => f.code === 'unreasonable-delay-with-time-remaining');
      expect(warning).toMatchObject({ rule: 'NR-03', severity: 'warning' });
      expect(warning.message).toContain('49 h of the s.5(2) holding power remained');
      expect(checks.deadlines).toContainEqual(
        expect.objectContaining({ id: 'nr-exception-detention-ends', rule: 'NR-03', at: '2026-11-23T13:00:00.000Z' }),
      );
      // Not answered: refused, nothing recorded; answered with a reason, the s.3 is recorded.
      const s3 = application('s3', { managersReceivedAt: '2026-11-21T11:30:00Z' });
      const refused = await as(worker).post(`/assessments/${a.id}/outcome`, s3).expect(422);
      expect(refused.body.code).toBe('warnings-not-acknowledged');
      expect(refused.body.findings.map((f: { code: string }) => f.code)).toContain('unreasonable-delay-with-time-remaining');
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.outcomeKind).toBeNull();
      expect((await decide(worker, a.id, s3)).status).toBe(200);
      const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body;
      const lines: Line[] = report.sections.find((s: { id: string }) => s.id === 'nearest-relative').lines;
      expect(lines.find((l) => l.label === 'Detention in force when the exception was recorded (hub clock)')?.text).toContain(
        '49 h of the s.5(2) holding power remained',
      );
    });

    it('relying on "unreasonable delay" after the s.2 the referral states was recorded as ended: the hub\'s clock counts none of it remaining (NR-03, APP-22)', async () => {
      // Admitted Tue 27 Oct: the s.2 would run to the end of Mon 23 Nov, 60 hours after Sat 21 Nov 12:00; discharged at 09:00.
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({ legalContext: { kind: 'already-s2', admittedAt: '2026-10-27T10:00:00Z' } });
      const parent = await prepared(a, worker, 's3');
      await as(worker)
        .post(`/referrals/${referral.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T09:00:00Z', by: 'tribunal' })
        .expect(200);
      await as(worker).put(`/assessments/${a.id}/nearest-relative`, { relativeId: parent.id, exception: delay }).expect(200);
      const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
      expect(view.nearestRelative.exception.detentionRemaining).toMatchObject({
        rule: 'APP-17',
        endsAt: '2026-11-21T09:00:00.000Z',
        remainingMinutes: 0,
        text: expect.stringContaining('the s.2 detention had already ended (the patient was discharged by the tribunal, s.23'),
      });
      const checks = (await as(worker).get(`/assessments/${a.id}/checks?section=s3`).expect(200)).body;
      expect(checks.findings.map((f: { code: string }) => f.code)).not.toContain('unreasonable-delay-with-time-remaining');
      expect(checks.deadlines.map((d: { id: string }) => d.id)).not.toContain('nr-exception-detention-ends');
    });

    it('relying on "unreasonable delay" for a patient under no detention at all is a warning to answer; with 2 hours of a s.5(4) left it is not', async () => {
      const informal = await opened();
      const parent = await prepared(informal.assessment, informal.worker, 's3');
      await as(informal.worker)
        .put(`/assessments/${informal.assessment.id}/nearest-relative`, { relativeId: parent.id, exception: delay })
        .expect(200);
      const none = (await as(informal.worker).get(`/assessments/${informal.assessment.id}/checks?section=s3`).expect(200)).body;
      expect(none.findings).toContainEqual(
        expect.objectContaining({ rule: 'NR-03', severity: 'warning', code: 'unreasonable-delay-without-detention' }),
      );
      expect(
        (await as(informal.worker).get(`/assessments/${informal.assessment.id}`).expect(200)).body.nearestRelative.exception,
      ).toMatchObject({ detentionRemaining: { rule: null, endsAt: null, text: expect.stringContaining('No detention with a clock') } });

      // A s.5(4) record made Fri 09:00 runs to 15:00: the exception recorded as at 13:00, 2 hours remain, under the hub's 12.
      const held = await opened({ legalContext: { kind: 's5-4', recordMadeAt: '2026-11-20T09:00:00Z' } });
      const relative = await prepared(held.assessment, held.worker, 's3');
      await as(held.worker)
        .put(`/assessments/${held.assessment.id}/nearest-relative`, {
          relativeId: relative.id,
          exception: delay,
          asAt: '2026-11-20T13:00:00Z',
        })
        .expect(200);
      const close = (await as(held.worker).get(`/assessments/${held.assessment.id}/checks?section=s3`).expect(200)).body;
      expect(close.findings.map((f: { code: string }) => f.code)).not.toContain('unreasonable-delay-with-time-remaining');
      expect(close.findings.map((f: { code: string }) => f.code)).not.toContain('unreasonable-delay-without-detention');
      expect((await as(held.worker).get(`/assessments/${held.assessment.id}`).expect(200)).body.nearestRelative.exception).toMatchObject({
        detentionRemaining: { rule: 'HOLD-02', remainingMinutes: 120 },
      });
    });

    it('"no nearest relative" cannot be recorded while the relatives recorded make someone the nearest relative, and a s.3 then stays blocked', async () => {
      const { worker, assessment: a } = await opened();
      const parent = await prepared(a, worker, 's3');
      const none = await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, { noneReason: 'Could not be bothered to phone the parent tonight.' })
        .expect(422);
      expect(none.body).toMatchObject({ code: 'nearest-relative-proposed', errors: [{ field: 'noneReason' }] });
      expect(none.body.detail).toContain('Morgan Assessed');
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.nearestRelative).toBeNull();
      const checks = (await as(worker).get(`/assessments/${a.id}/checks?section=s3`).expect(200)).body;
      expect(checks.ready).toBe(false);
      expect(checks.findings).toContainEqual(expect.objectContaining({ rule: 'NR-04', severity: 'blocker' }));
      const refused = await decide(worker, a.id, application('s3'));
      expect(refused.status).toBe(422);
      // Identified and consulted, the same application goes through.
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parent.id,
          consultedAt: '2026-11-21T10:00:00Z',
          consultedMethod: 'phone',
        })
        .expect(200);
      expect((await decide(worker, a.id, application('s3'))).status).toBe(200);
    });

    it('"none" recorded before a relative was known is a blocker for a s.3 once s.26 names them, a warning for a s.2', async () => {
      const { worker, assessment: a } = await opened();
      await as(worker).put(`/assessments/${a.id}/nearest-relative`, { noneReason: 'No relative known to anyone tonight.' }).expect(200);
      await prepared(a, worker, 's3');
      const s3 = (await as(worker).get(`/assessments/${a.id}/checks?section=s3`).expect(200)).body;
      expect(s3.findings).toContainEqual(
        expect.objectContaining({ rule: 'NR-03', severity: 'blocker', code: 'none-recorded-but-nearest-relative-proposed' }),
      );
      expect(s3.findings).toContainEqual(
        expect.objectContaining({ rule: 'NR-03', severity: 'blocker', code: 'nearest-relative-not-consulted' }),
      );
      expect((await decide(worker, a.id, application('s3'))).status).toBe(422);
      const s2 = (await as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
      expect(s2.findings).toContainEqual(
        expect.objectContaining({ rule: 'NR-01', severity: 'warning', code: 'none-recorded-but-nearest-relative-proposed' }),
      );
    });

    it('a sibling who turns 18 between the consultation and the signing is then the nearest relative: the s.3 is refused until they are consulted, and a s.2 needs it answered (s.26(5)(c), NR-03, NR-01)', async () => {
      const { worker, assessment: a } = await opened();
      const uncle = await prepared(a, worker, 's3');
      await as(worker)
        .patch(`/people/${a.person.id}/relatives/${uncle.id}`, {
          name: 'Vic Uncle',
          relationship: 'uncle-aunt',
          dateOfBirth: '1950-03-01',
          livesWithPatient: false,
        })
        .expect(200);
      // 18 on Sat 21 Nov 2026, the day the application is signed (11:00 GMT).
      const sibling = (
        await as(worker)
          .post(`/people/${a.person.id}/relatives`, {
            name: 'Sam Sibling',
            relationship: 'sibling',
            wholeBlood: true,
            dateOfBirth: '2008-11-21',
            livesWithPatient: false,
          })
          .expect(201)
      ).body;
      // Identified and consulted on Fri 20 Nov, when the sibling was 17 and the uncle the nearest relative.
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: uncle.id,
          consultedAt: '2026-11-20T16:00:00Z',
          consultedMethod: 'phone',
          asAt: '2026-11-20T16:00:00Z',
        })
        .expect(200);
      const changed = (f: { code: string }) => f.code === 'nearest-relative-changed';
      const s3 = (await as(worker).get(`/assessments/${a.id}/checks?section=s3&asAt=2026-11-21T11:00:00Z`).expect(200)).body;
      expect(s3.findings.filter(changed)).toEqual([
        expect.objectContaining({ rule: 'NR-03', severity: 'blocker', code: 'nearest-relative-changed' }),
      ]);
      expect(s3.findings.find(changed).message).toContain(
        'Vic Uncle was identified as the nearest relative as at Fri 20 Nov 2026 16:00 GMT, but when the application was signed (Sat 21 Nov 2026 11:00 GMT) the relatives recorded make Sam Sibling the nearest relative (s.26)',
      );
      const refused = await decide(worker, a.id, application('s3'));
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'application-blocked', rules: ['NR-03'] });
      const s2 = (await as(worker).get(`/assessments/${a.id}/checks?section=s2&asAt=2026-11-21T11:00:00Z`).expect(200)).body;
      expect(s2.findings.filter(changed)).toEqual([
        expect.objectContaining({ rule: 'NR-01', severity: 'warning', code: 'nearest-relative-changed' }),
      ]);
      // The sibling, now the nearest relative, identified and consulted before the signing: the s.3 is made.
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: sibling.id,
          consultedAt: '2026-11-21T10:00:00Z',
          consultedMethod: 'phone',
        })
        .expect(200);
      const made = await decide(worker, a.id, application('s3'));
      expect(made.status).toBe(200);
      expect(made.body.findingsAtDecision ?? []).not.toContainEqual(expect.objectContaining({ code: 'nearest-relative-changed' }));
    });

    it("a patient who turns 18 after the care order's council was identified has their parent as nearest relative at the signing: a s.2 needs that answered, a s.3 is refused (s.27, NR-01, NR-03)", async () => {
      const { worker, assessment: a } = await opened();
      // 18 on Sat 21 Nov 2026: the care order ends, and with it the council's place as nearest relative (s.27).
      await as(worker).patch(`/people/${a.person.id}`, { dateOfBirth: '2008-11-21' }).expect(200);
      const parent = await prepared(a, worker, 's2');
      const council = (
        await as(worker)
          .post(`/people/${a.person.id}/relatives`, {
            name: 'Northshire County Council',
            relationship: 'local-authority-care-order',
            livesWithPatient: false,
          })
          .expect(201)
      ).body;
      const identified = await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: council.id,
          informedAt: '2026-11-20T16:00:00Z',
          informedMethod: 'phone',
          asAt: '2026-11-20T16:00:00Z',
        })
        .expect(200);
      expect(identified.body.nearestRelative).toMatchObject({ relativeId: council.id, confirmed: true });
      const first = await as(worker).post(`/assessments/${a.id}/outcome`, application('s2'));
      expect(first.status).toBe(422);
      expect(first.body.code).toBe('warnings-not-acknowledged');
      const changed = first.body.findings.find((f: { code: string }) => f.code === 'nearest-relative-changed');
      expect(changed).toMatchObject({ rule: 'NR-01', severity: 'warning' });
      expect(changed.message).toContain('Northshire County Council was identified as the nearest relative');
      expect(changed.message).toContain('make Morgan Assessed the nearest relative');
      const s3 = (await as(worker).get(`/assessments/${a.id}/checks?section=s3&asAt=2026-11-21T11:00:00Z`).expect(200)).body;
      expect(s3.findings).toContainEqual(expect.objectContaining({ rule: 'NR-03', severity: 'blocker', code: 'nearest-relative-changed' }));
      // Identified again as at the signing, the parent informed: nothing about it to answer.
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parent.id,
          informedAt: '2026-11-21T10:30:00Z',
          informedMethod: 'phone',
          asAt: '2026-11-21T11:00:00Z',
        })
        .expect(200);
      const again = (await as(worker).get(`/assessments/${a.id}/checks?section=s2&asAt=2026-11-21T11:00:00Z`).expect(200)).body;
      expect(again.findings.filter((f: { code: string }) => f.code === 'nearest-relative-changed')).toEqual([]);
    });

    it('while a s.29 order is in force, the displaced relative cannot be identified (even with a reason), and one consulted before the order does not make a s.3 lawful', async () => {
      const { worker, assessment: a } = await opened();
      const parent = await prepared(a, worker, 's3');
      // Confirmed and consulted before the order was made.
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parent.id,
          consultedAt: '2026-11-21T08:00:00Z',
          consultedMethod: 'phone',
        })
        .expect(200);
      const filed = (
        await as(worker)
          .post(`/people/${a.person.id}/displacements`, { ground: 'e', filedAt: '2026-11-01T10:00:00Z', relativeId: parent.id })
          .expect(201)
      ).body;
      await as(worker)
        .patch(`/people/${a.person.id}/displacements/${filed.id}`, {
          status: 'order',
          actingNearestRelative: 'Robin Acting',
          effectiveFrom: '2026-11-20',
        })
        .expect(200);
      const checks = (await as(worker).get(`/assessments/${a.id}/checks?section=s3`).expect(200)).body;
      expect(checks.findings).toContainEqual(
        expect.objectContaining({ rule: 'NR-10', severity: 'blocker', code: 'displaced-nearest-relative-identified' }),
      );
      expect(checks.findings.find((f: { code: string }) => f.code === 'displaced-nearest-relative-identified').message).toContain(
        'Robin Acting',
      );
      expect((await decide(worker, a.id, application('s3'))).status).toBe(422);
      // No reason makes the displaced relative the nearest relative again.
      const override = await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parent.id,
          notConfirmedReason: 'The parent has always been the main contact.',
          consultedAt: '2026-11-21T10:00:00Z',
        })
        .expect(422);
      expect(override.body).toMatchObject({ code: 'nearest-relative-displaced', errors: [{ field: 'relativeId' }] });
      // The acting nearest relative confirmed and consulted: the application goes through.
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          displacementId: filed.id,
          consultedAt: '2026-11-21T10:00:00Z',
          consultedMethod: 'phone',
        })
        .expect(200);
      expect((await decide(worker, a.id, application('s3'))).status).toBe(200);
    });
  });
  describe('a s.2 and the displacement applications (NR-11, s.29(4))', () => {
    /** A s.2 signed at 11:00 and admitted at 11:30 on Sat 21 Nov: it lapses at the end of Fri 18 Dec. */
    async function detained() {
      const { worker, assessment: a } = await opened();
      const parent = await prepared(a, worker, 's2');
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parent.id,
          informedAt: '2026-11-21T10:30:00Z',
          informedMethod: 'phone',
        })
        .expect(200);
      await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:30:00Z' }).expect(201);
      expect((await decide(worker, a.id, application('s2'))).status).toBe(200);
      return { worker, a, parent };
    }
    const s2Checks = async (worker: TestUser, id: string) =>
      (await as(worker).get(`/assessments/${id}/checks?section=s2`).expect(200)).body;
    const expiry = (checks: { deadlines: Array<{ id: string; at: string; label: string }> }) =>
      checks.deadlines.find((d) => d.id === 's2-expiry')!;

    it('one filed while the s.2 is in force, after it was signed, extends it; one filed before the admission does not', async () => {
      const during = await detained();
      await as(during.worker)
        .post(`/people/${during.a.person.id}/displacements`, { ground: 'c', filedAt: '2026-11-21T11:45:00Z', relativeId: during.parent.id })
        .expect(201);
      const extended = await s2Checks(during.worker, during.a.id);
      expect(extended.findings).toContainEqual(expect.objectContaining({ rule: 'NR-11', code: 's2-extended-pending-displacement' }));
      expect(expiry(extended).label).toContain('extended');

      const before = await detained();
      await as(before.worker)
        .post(`/people/${before.a.person.id}/displacements`, { ground: 'c', filedAt: '2026-11-19T10:00:00Z', relativeId: before.parent.id })
        .expect(201);
      const not = await s2Checks(before.worker, before.a.id);
      expect(not.findings.map((f: { code: string }) => f.code)).not.toContain('s2-extended-pending-displacement');
      expect(not.findings).toContainEqual(expect.objectContaining({ rule: 'NR-11', code: 'displacement-filed-before-s2' }));
      expect(expiry(not)).toMatchObject({ at: '2026-12-19T00:00:00.000Z', label: 'Section 2 lapses' });
      // As at the evening before it was filed, the s.2 was not extended.
      const earlier = (await as(during.worker).get(`/assessments/${during.a.id}/checks?section=s2&asAt=2026-11-21T11:40:00Z`).expect(200))
        .body;
      expect(earlier.findings.map((f: { code: string }) => f.code)).not.toContain('s2-extended-pending-displacement');
    });

    it('a patient already on a s.2 whose nearest relative is before the court (ground c) is not shown as lapsed on day 29: the referral, the job pack and the s.3 checks show the s.2 extended, then its end once the court decides', async () => {
      // Admitted Sun 25 Oct: the s.2 would lapse at the end of Sat 21 Nov. The AMHP files the s.29 at 11:00 that day.
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({ legalContext: { kind: 'already-s2', admittedAt: '2026-10-25T10:00:00Z' } });
      const parent = await prepared(a, worker, 's3');
      const d = (
        await as(worker)
          .post(`/people/${a.person.id}/displacements`, { ground: 'c', filedAt: '2026-11-21T11:00:00Z', relativeId: parent.id })
          .expect(201)
      ).body;
      type ClockView = { id: string; label: string; deadline: string; state: string; stopRule: string | null; basis: string };
      const s2Clock = async () => {
        const r = (await as(worker).get(`/referrals/${referral.id}`).expect(200)).body;
        const pack = (await as(worker).get('/me/job-pack').expect(200)).body;
        expect(pack.jobs.find((j: { referral: { id: string } }) => j.referral.id === referral.id).referral.clocks).toEqual(r.clocks);
        return (r.clocks as ClockView[]).find((c) => c.id === 'APP-17')!;
      };
      try {
        t.clock.set('2026-11-22T09:00:00Z'); // day 29
        const pending = await s2Clock();
        expect(pending).toMatchObject({ state: 'stopped', stopRule: 'NR-11', label: expect.stringContaining('extended under s.29(4)') });
        expect(pending.state).not.toBe('breached');
        const checks = (await as(worker).get(`/assessments/${a.id}/checks?section=s3`).expect(200)).body;
        expect(checks.findings).toContainEqual(expect.objectContaining({ rule: 'NR-11', code: 's2-extended-pending-displacement' }));
        expect(expiry(checks).label).toContain('extended while a displacement application is pending');

        // Refused on Sun 22 Nov: final only when the 21 days allowed for an appeal have passed (s.29(5)), so the s.2
        // runs to the end of Sun 13 Dec (later if an appeal is brought), not the end of 22 Nov.
        await as(worker).patch(`/people/${a.person.id}/displacements/${d.id}`, { status: 'refused', disposedOn: '2026-11-22' }).expect(200);
        const decided = await s2Clock();
        expect(decided).toMatchObject({ state: 'running', deadline: '2026-12-14T00:00:00.000Z', stopRule: null });
        expect(decided.basis).toContain(
          'refused on 2026-11-22, and finally disposed of when the 21 days allowed for an appeal (s.29(5)) have passed',
        );
        const after = (await as(worker).get(`/assessments/${a.id}/checks?section=s3`).expect(200)).body;
        expect(expiry(after)).toMatchObject({
          at: '2026-12-14T00:00:00.000Z',
          label: expect.stringContaining('extended by a displacement application'),
        });
      } finally {
        t.clock.set('2026-11-21T12:00:00Z');
      }
    });

    it('a s.3 made after the s.2 the patient was on had lapsed needs the gap answered (APP-17), and the clock says the s.2 lapsed, not that the s.3 ended it', async () => {
      // Admitted Tue 20 Oct: the s.2 lapsed at the end of Mon 16 Nov. The s.3 reaches the managers on Sat 21 Nov 11:30.
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({ legalContext: { kind: 'already-s2', admittedAt: '2026-10-20T10:00:00Z' } });
      const parent = await prepared(a, worker, 's3');
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parent.id,
          consultedAt: '2026-11-21T10:00:00Z',
          consultedMethod: 'phone',
        })
        .expect(200);
      const body = application('s3', { managersReceivedAt: '2026-11-21T11:30:00Z' });
      const refused = await as(worker).post(`/assessments/${a.id}/outcome`, body).expect(422);
      expect(refused.body.code).toBe('warnings-not-acknowledged');
      expect(refused.body.findings).toContainEqual(
        expect.objectContaining({ rule: 'APP-17', code: 's2-lapsed-before-application', severity: 'warning' }),
      );
      const decided = await decide(worker, a.id, body);
      expect(decided.status).toBe(200);
      expect(decided.body.outcome.findingsAtDecision.map((f: { code: string }) => f.code)).toContain('s2-lapsed-before-application');
      const clock = (await as(worker).get(`/referrals/${referral.id}`).expect(200)).body.clocks.find(
        (c: { id: string }) => c.id === 'APP-17',
      );
      expect(clock).toMatchObject({ state: 'stopped', stopRule: 'APP-17', result: 'breached', stoppedAt: '2026-11-17T00:00:00.000Z' });
      expect(clock.stopReason).toContain('did not end the s.2');
      expect(clock.stopReason).not.toContain('which ends the s.2');
      const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
      expect(expiry(checks).label).toContain('had lapsed before this application took effect');
    });

    it('a further s.2 (or a s.4) for a patient the referral says is on a s.2 is refused: a s.2 cannot be renewed (APP-17, s.2(4)); the s.2 clock runs on', async () => {
      // Admitted Tue 10 Nov: the s.2 lapses at the end of Mon 7 Dec.
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({ legalContext: { kind: 'already-s2', admittedAt: '2026-11-10T10:00:00Z' } });
      const parent = await prepared(a, worker, 's2');
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parent.id,
          informedAt: '2026-11-21T10:30:00Z',
          informedMethod: 'phone',
        })
        .expect(200);
      const checks = await s2Checks(worker, a.id);
      expect(checks.findings).toContainEqual(expect.objectContaining({ rule: 'APP-17', severity: 'blocker', code: 's2-not-renewable' }));
      expect(checks.ready).toBe(false);
      for (const section of ['s2', 's4']) {
        const refused = await decide(
          worker,
          a.id,
          application(section, { managersReceivedAt: '2026-11-21T11:30:00Z', undesirableDelayStatement: true }),
        );
        expect([refused.status, refused.body.code]).toEqual([422, 'application-blocked']);
        expect(refused.body.rules).toContain('APP-17');
        const found = (refused.body.findings as Array<{ code: string; message: string }>).find((f) => f.code === 's2-not-renewable')!;
        expect(found.message).toContain('which runs until the end of Mon 7 Dec 2026');
        expect(found.message).toContain('make a s.3 application');
      }
      const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
      expect(view.status).toBe('open');
      const clock = (await as(worker).get(`/referrals/${referral.id}`).expect(200)).body.clocks.find(
        (c: { id: string }) => c.id === 'APP-17',
      );
      expect(clock.state).not.toBe('stopped');
      expect(clock.deadline).toBe('2026-12-08T00:00:00.000Z');
    });

    it('once the s.2 the referral states is recorded as ended on the referral (discharged by the tribunal, APP-22), a further s.2 is no renewal and is accepted, and the s.2 clock stops, met, and no longer warns', async () => {
      // Admitted Tue 27 Oct: the s.2 lapses at the end of Mon 23 Nov, so on Sat 21 Nov its clock warns.
      const {
        worker,
        referral,
        assessment: a,
      } = await opened({ legalContext: { kind: 'already-s2', admittedAt: '2026-10-27T10:00:00Z' } });
      const parent = await prepared(a, worker, 's2');
      await as(worker)
        .put(`/assessments/${a.id}/nearest-relative`, {
          relativeId: parent.id,
          informedAt: '2026-11-21T10:30:00Z',
          informedMethod: 'phone',
        })
        .expect(200);
      const body = application('s2', { managersReceivedAt: '2026-11-21T11:30:00Z' });
      const s2Clock = async () =>
        ((await as(worker).get(`/referrals/${referral.id}`).expect(200)).body.clocks as Array<Record<string, unknown>>).find(
          (c) => c.id === 'APP-17',
        )!;
      expect(await s2Clock()).toMatchObject({ state: 'warning', deadline: '2026-11-24T00:00:00.000Z' });
      const refused = await decide(worker, a.id, body);
      expect([refused.status, refused.body.code]).toEqual([422, 'application-blocked']);
      const found = (refused.body.findings as Array<{ code: string; message: string }>).find((f) => f.code === 's2-not-renewable')!;
      expect(found.message).toContain('/detention-end');

      const ended = await as(worker)
        .post(`/referrals/${referral.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T09:00:00Z', by: 'tribunal' })
        .expect(200);
      expect(ended.headers.etag).toBeDefined();
      expect(ended.body.legalContext.detentionEnded).toMatchObject({
        kind: 'discharged',
        at: '2026-11-21T09:00:00.000Z',
        by: 'tribunal',
        assessmentId: null,
      });
      const clock = await s2Clock();
      expect(clock).toMatchObject({ state: 'stopped', stopRule: 'APP-22', result: 'met', stoppedAt: '2026-11-21T09:00:00.000Z' });
      expect(clock.stopReason).toContain('discharged from the s.2 by the tribunal');
      // Nothing left to warn about: the referral's next deadline is no longer the s.2's.
      expect((await as(worker).get(`/referrals/${referral.id}`).expect(200)).body.nextDeadline).not.toBe('2026-11-24T00:00:00.000Z');
      const timeline = (await as(worker).get(`/referrals/${referral.id}/events`).expect(200)).body.items as Array<Record<string, unknown>>;
      expect(timeline).toContainEqual(
        expect.objectContaining({ type: 'detention-ended', data: expect.objectContaining({ kind: 'discharged', by: 'tribunal' }) }),
      );
      expect(
        await t.sql(`SELECT 1 FROM audit_events WHERE resource_id = $1 AND action = 'referral.detention-end'`, [referral.id]),
      ).toHaveLength(1);
      expect(
        await t.sql(`SELECT 1 FROM outbox_events WHERE aggregate_id = $1 AND type = 'referral.detention-end'`, [referral.id]),
      ).toHaveLength(1);
      // The checks as at before the discharge still refuse; now they do not.
      const before = (await as(worker).get(`/assessments/${a.id}/checks?section=s2&asAt=2026-11-21T08:30:00Z`).expect(200)).body;
      expect(before.findings.map((f: { code: string }) => f.code)).toContain('s2-not-renewable');
      expect((await s2Checks(worker, a.id)).findings.map((f: { code: string }) => f.code)).not.toContain('s2-not-renewable');
      expect((await decide(worker, a.id, body)).status).toBe(200);
    });

    it("the end of a referral's s.2 is refused for bad input naming the field, changing nothing; recorded once (a second is 409); a referral stating no s.2 has none to end", async () => {
      // Admitted Tue 10 Nov: the s.2 lapses at the end of Mon 7 Dec.
      const { worker, referral } = await opened({ legalContext: { kind: 'already-s2', admittedAt: '2026-11-10T10:00:00Z' } });
      const read = async () => (await as(worker).get(`/referrals/${referral.id}`).expect(200)).body;
      const { version } = await read();
      const cases: Array<[object, number, string, string]> = [
        [{ at: '2026-11-21T09:00:00Z', by: 'tribunal' }, 400, 'kind', ''],
        [{ kind: 'discharged', at: '2026-11-21T09:00:00Z', by: 'the-doctor' }, 400, 'by', ''],
        [{ kind: 'discharged', at: 'yesterday', by: 'tribunal' }, 400, 'at', ''],
        [{ kind: 'discharged', at: '2026-11-21T12:30:00Z', by: 'tribunal' }, 422, 'at', 'in-future'],
        [{ kind: 'discharged', at: '2026-11-10T09:00:00Z', by: 'tribunal' }, 422, 'at', 'ended-before-admission'],
        [{ kind: 'discharged', at: '2026-11-21T09:00:00Z' }, 400, 'by', ''],
        [
          { kind: 'discharged', at: '2026-11-21T09:00:00Z', by: 'local-social-services-authority' },
          422,
          'by',
          'discharger-not-for-section',
        ],
        [
          { kind: 'discharged', at: '2026-11-21T09:00:00Z', by: 'nearest-relative' },
          422,
          'nearestRelativeNoticeAt',
          'nearest-relative-notice-missing',
        ],
        [
          { kind: 'discharged', at: '2026-11-21T09:00:00Z', by: 'nearest-relative', nearestRelativeNoticeAt: '2026-11-19T10:00:00Z' },
          422,
          'at',
          'nearest-relative-notice-short',
        ],
        [
          {
            kind: 'discharged',
            at: '2026-11-21T11:00:00Z',
            by: 'nearest-relative',
            nearestRelativeNoticeAt: '2026-11-17T10:00:00Z',
            barredAt: '2026-11-18T10:00:00Z',
          },
          422,
          'barredAt',
          'discharge-barred',
        ],
        [{ kind: 'lapsed' }, 422, 'kind', 's2-not-lapsed'],
        [{ kind: 'lapsed', at: '2026-11-21T09:00:00Z' }, 422, 'at', 'at-not-for-lapse'],
        [{ kind: 'became-s3' }, 400, 'at', ''],
      ];
      for (const [body, status, field, code] of cases) {
        const refused = await as(worker).post(`/referrals/${referral.id}/detention-end`, body).expect(status);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
        if (status === 422) expect(refused.body.code).toBe(code);
      }
      const unchanged = await read();
      expect([unchanged.version, unchanged.legalContext.detentionEnded]).toEqual([version, null]);
      expect(await t.sql(`SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'detention-ended'`, [referral.id])).toHaveLength(
        0,
      );

      // A stale If-Match is 412; the end is then recorded once: a second, even of another kind, is 409.
      await as(worker)
        .post(
          `/referrals/${referral.id}/detention-end`,
          { kind: 'became-s3', at: '2026-11-21T09:00:00Z' },
          { 'if-match': `"v${version + 7}"` },
        )
        .expect(412);
      await as(worker).post(`/referrals/${referral.id}/detention-end`, { kind: 'became-s3', at: '2026-11-21T09:00:00Z' }).expect(200);
      const again = await as(worker)
        .post(`/referrals/${referral.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T10:00:00Z', by: 'tribunal' })
        .expect(409);
      expect(again.body).toMatchObject({ code: 'detention-end-recorded', kind: 'became-s3', at: '2026-11-21T09:00:00.000Z' });
      expect((await read()).legalContext.detentionEnded).toMatchObject({ kind: 'became-s3', by: null });

      const informal = await opened();
      const none = await as(informal.worker)
        .post(`/referrals/${informal.referral.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T09:00:00Z', by: 'tribunal' })
        .expect(409);
      expect(none.body.code).toBe('no-s2-stated');
    });

    it("a referral's s.2 is recorded as lapsed only once its 28 days have run, at their end; its clock then stops, met", async () => {
      // Admitted Tue 20 Oct: the s.2 lapsed at the end of Mon 16 Nov.
      const { worker, referral } = await opened({ legalContext: { kind: 'already-s2', admittedAt: '2026-10-20T10:00:00Z' } });
      const late = await as(worker)
        .post(`/referrals/${referral.id}/detention-end`, { kind: 'discharged', at: '2026-11-18T10:00:00Z', by: 'hospital-managers' })
        .expect(422);
      expect(late.body).toMatchObject({ code: 'detention-already-lapsed', field: 'at', rule: 'APP-17' });
      const lapsed = (await as(worker).post(`/referrals/${referral.id}/detention-end`, { kind: 'lapsed' }).expect(200)).body;
      expect(lapsed.legalContext.detentionEnded).toMatchObject({ kind: 'lapsed', at: '2026-11-17T00:00:00.000Z', by: null });
      expect(lapsed.clocks.find((c: { id: string }) => c.id === 'APP-17')).toMatchObject({
        state: 'stopped',
        stopRule: 'APP-22',
        result: 'met',
      });
    });

    it('a referral stating the s.2 the hub itself made (the same admission) takes the end recorded on that assessment: the s.2 clock stops and a further s.2 is accepted (APP-17, APP-22)', async () => {
      // The hub's own s.2: signed 11:00 and admitted 11:30 on Sat 21 Nov. The ward refers the patient again, stating it.
      const first = await detained();
      const second = await opened({
        personId: first.a.person.id,
        legalContext: { kind: 'already-s2', admittedAt: '2026-11-21T11:30:00Z' },
        receivedAt: '2026-11-21T11:40:00Z',
        openedAt: '2026-11-21T11:41:00Z',
      });
      await prepared(second.assessment, second.worker, 's2', ['2026-11-21T11:42:00Z', '2026-11-21T11:44:00Z']);
      await as(second.worker)
        .put(`/assessments/${second.assessment.id}/nearest-relative`, {
          relativeId: first.parent.id,
          informedAt: '2026-11-21T10:30:00Z',
          informedMethod: 'phone',
        })
        .expect(200);
      const body = application('s2', { signedAt: '2026-11-21T11:55:00Z', managersReceivedAt: '2026-11-21T11:58:00Z' });
      const view = async () => (await as(second.worker).get(`/referrals/${second.referral.id}`).expect(200)).body;
      expect((await view()).legalContext.detentionEnded).toBeNull();
      expect((await decide(second.worker, second.assessment.id, body)).body.code).toBe('application-blocked');

      await as(first.worker)
        .post(`/assessments/${first.a.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T11:45:00Z', by: 'responsible-clinician' })
        .expect(200);
      const after = await view();
      expect(after.legalContext.detentionEnded).toMatchObject({
        kind: 'discharged',
        at: '2026-11-21T11:45:00.000Z',
        by: 'responsible-clinician',
        assessmentId: first.a.id,
      });
      expect(after.clocks.find((c: { id: string }) => c.id === 'APP-17')).toMatchObject({
        state: 'stopped',
        stopRule: 'APP-22',
        result: 'met',
        stoppedAt: '2026-11-21T11:45:00.000Z',
      });
      // It is that s.2's one end: not recorded again on the referral.
      const twice = await as(second.worker)
        .post(`/referrals/${second.referral.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T11:50:00Z', by: 'tribunal' })
        .expect(409);
      expect(twice.body.code).toBe('detention-end-recorded');
      expect(twice.body.detail).toContain(first.a.id);
      expect((await decide(second.worker, second.assessment.id, body)).status).toBe(200);
    });

    it("a second s.2 for a patient the hub's own record shows admitted under a s.2 is refused while no discharge is recorded (APP-17); once the discharge is recorded on the first it is not, and as at before that admission it never was", async () => {
      // The first referral's s.2: signed 11:00 and admitted 11:30 on Sat 21 Nov.
      const first = await detained();
      const second = await opened({ personId: first.a.person.id });
      await prepared(second.assessment, second.worker, 's2');
      await as(second.worker)
        .put(`/assessments/${second.assessment.id}/nearest-relative`, {
          relativeId: first.parent.id,
          informedAt: '2026-11-21T10:30:00Z',
          informedMethod: 'phone',
        })
        .expect(200);
      const checks = await s2Checks(second.worker, second.assessment.id);
      expect(checks.findings).toContainEqual(expect.objectContaining({ rule: 'APP-17', severity: 'blocker', code: 's2-not-renewable' }));
      const body = application('s2', { signedAt: '2026-11-21T11:55:00Z' });
      const refused = await decide(second.worker, second.assessment.id, body);
      expect([refused.status, refused.body.code]).toEqual([422, 'application-blocked']);
      const found = (refused.body.findings as Array<{ code: string; message: string }>).find((f) => f.code === 's2-not-renewable')!;
      expect(found.message).toContain("The hub's record shows the patient admitted under a s.2 at Sat 21 Nov 2026 11:30 GMT");
      expect(found.message).toContain(`POST /assessments/${first.a.id}/detention-end`);
      // As at a time before the first s.2's admission there was nothing to renew.
      const before = (
        await as(second.worker).get(`/assessments/${second.assessment.id}/checks?section=s2&asAt=2026-11-21T11:20:00Z`).expect(200)
      ).body;
      expect(before.findings.map((f: { code: string }) => f.code)).not.toContain('s2-not-renewable');
      // The responsible clinician discharged the patient at 11:45 (s.23): recorded on the first, the second s.2 is not a renewal.
      await as(first.worker)
        .post(`/assessments/${first.a.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T11:45:00Z', by: 'responsible-clinician' })
        .expect(200);
      expect((await s2Checks(second.worker, second.assessment.id)).findings.map((f: { code: string }) => f.code)).not.toContain(
        's2-not-renewable',
      );
      // As at 11:40, before the discharge, the first s.2 was still in force.
      const during = (
        await as(second.worker).get(`/assessments/${second.assessment.id}/checks?section=s2&asAt=2026-11-21T11:40:00Z`).expect(200)
      ).body;
      expect(during.findings.map((f: { code: string }) => f.code)).toContain('s2-not-renewable');
      expect((await decide(second.worker, second.assessment.id, body)).status).toBe(200);
    });

    it('recording a s.29 application (ground c) and the court’s decision moves the queue at once, and a patient referred again after day 28 of an extended s.2 is not warned that it had ended (NR-11, s.29(4))', async () => {
      // Admitted Sat 24 Oct: the s.2 would lapse at the end of Fri 20 Nov. The AMHP filed the s.29 at 10:00 that day.
      const context = { kind: 'already-s2', admittedAt: '2026-10-24T10:00:00Z' };
      const { worker, referral, assessment: a } = await opened({ legalContext: context });
      // The soonest running deadline the queue is ordered by, as the referral shows it.
      const queued = async () => (await as(worker).get(`/referrals/${referral.id}`).expect(200)).body.nextDeadline as string | null;
      expect(await queued()).toBe('2026-11-21T00:00:00.000Z');
      const d = (
        await as(worker).post(`/people/${a.person.id}/displacements`, { ground: 'c', filedAt: '2026-11-20T10:00:00Z' }).expect(201)
      ).body;
      // Pending: the s.2 has no end date, so its clock no longer orders the queue.
      expect(await queued()).not.toBe('2026-11-21T00:00:00.000Z');
      // While it is pending, a second referral of the same patient, received Sat 21 Nov 09:00 (day 29): the s.2 had not
      // ended then (the application was before the court), so no "expired at receipt" warning.
      const again = (
        await as(manager)
          .post('/referrals', {
            personId: a.person.id,
            source: 'ward',
            referrer: { name: 'Ward manager', organisation: 'Northshire General, Beech Ward' },
            reason: 'Assessment for s.3 while the s.2 is extended pending the county court.',
            risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
            urgency: 'urgent',
            legalContext: context,
            receivedAt: '2026-11-21T09:00:00Z',
          })
          .expect(201)
      ).body;
      expect(again.findings.map((f: { code: string }) => f.code)).not.toContain('expired-at-receipt');
      expect(again.findings.map((f: { code: string }) => f.code)).toContain('open-referral-exists');
      // Refused the same day, Fri 20 Nov: the s.2's clock runs again at once, to the end of Fri 11 Dec, when the 21 days
      // allowed for an appeal have passed and the refusal is final (s.29(5)), not the end of 20 Nov; so the referral's
      // response target (Sat 21 Nov 14:00) is what orders the queue.
      await as(worker).patch(`/people/${a.person.id}/displacements/${d.id}`, { status: 'refused', disposedOn: '2026-11-20' }).expect(200);
      expect(await queued()).toBe('2026-11-21T14:00:00.000Z');
      const clocks = (await as(worker).get(`/referrals/${referral.id}`).expect(200)).body.clocks as Array<{ id: string; deadline: string }>;
      expect(clocks.find((c) => c.id === 'APP-17')!.deadline).toBe('2026-12-12T00:00:00.000Z');
    });

    it('the court’s decision is dated (disposedOn): an order’s day by default, never in the future, never while pending', async () => {
      const { worker, a, parent } = await detained();
      const d = (
        await as(worker)
          .post(`/people/${a.person.id}/displacements`, { ground: 'd', filedAt: '2026-11-21T11:45:00Z', relativeId: parent.id })
          .expect(201)
      ).body;
      expect(d.disposedOn).toBeNull();
      const pending = await as(worker).patch(`/people/${a.person.id}/displacements/${d.id}`, { disposedOn: '2026-11-21' }).expect(422);
      expect(pending.body.errors).toEqual([{ field: 'disposedOn', messages: [expect.any(String)] }]);
      const future = await as(worker)
        .patch(`/people/${a.person.id}/displacements/${d.id}`, { status: 'refused', disposedOn: '2026-11-22' })
        .expect(422);
      expect(future.body.errors).toEqual([{ field: 'disposedOn', messages: [expect.any(String)] }]);
      const ordered = (
        await as(worker)
          .patch(`/people/${a.person.id}/displacements/${d.id}`, {
            status: 'order',
            actingNearestRelative: 'Robin Acting',
            effectiveFrom: '2026-11-21',
          })
          .expect(200)
      ).body;
      expect(ordered.disposedOn).toBe('2026-11-21');
      // Decided on its first day: final when the 21 days allowed for an appeal have passed (the end of Sat 12 Dec,
      // s.29(5)), and seven days more (s.29(4)(b)), to the end of Sat 19 Dec: a day past the 28 days (the end of Fri 18 Dec).
      expect(expiry(await s2Checks(worker, a.id))).toMatchObject({
        at: '2026-12-20T00:00:00.000Z',
        label: expect.stringContaining('extended by a displacement application (s.29(4))'),
      });
    });
  });
  it('fifteen closes of one assessment at once: one closes it, the rest are told it is closed (409), none waits for the pool or is refused her own case', async () => {
    const { worker, assessment: a } = await opened();
    await as(worker).post(`/assessments/${a.id}/outcome`, notDetained).expect(200);
    const answers = await Promise.all(Array.from({ length: 15 }, () => as(worker).post(`/assessments/${a.id}/close`, {})));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(14).fill(409)]);
    for (const r of answers.filter((x) => x.status === 409)) expect(r.body.code).toBe('assessment-closed');
    // Closed: a later change is 409 too, and reading it still works.
    const again = await as(worker).post(`/assessments/${a.id}/close`, {}).expect(409);
    expect(again.body.code).toBe('assessment-closed');
    await as(worker).get(`/assessments/${a.id}`).expect(200);
    // An AMHP with nothing to do with it is refused as before: whether it is closed is not hers to learn.
    const stranger = await amhp(t);
    await as(stranger).post(`/assessments/${a.id}/close`, {}).expect(403);
    // Fifteen such refusals at once, each holding the row's lock as it is refused: each is audited, none waits on the
    // pool (the refusal's audit row is written once its request's transaction has let its connection go).
    const before = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`,
      [stranger.id],
    );
    const refused = await Promise.all(Array.from({ length: 15 }, () => as(stranger).post(`/assessments/${a.id}/close`, {})));
    expect(refused.map((r) => r.status)).toEqual(Array(15).fill(403));
    const after = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`,
      [stranger.id],
    );
    expect(after[0].n - before[0].n).toBe(15);
  });
  it('every field given is checked whatever the kind, a second withdrawal is 409, and a malformed id is 400 naming it', async () => {
    const { worker, assessment: a } = await opened();
    const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
    for (const [extra, field] of [
      [{ section: 12345 }, 'section'],
      [{ ctoDecision: { a: 1 } }, 'ctoDecision'],
      [{ signedAt: '2026-11-21T25:00:00Z' }, 'signedAt'],
      [{ signedAt: 1796559918358 }, 'signedAt'],
    ] as const) {
      const res = await as(worker).post(`/assessments/${a.id}/outcome`, { ...notDetained, ...extra });
      expect({ extra, status: res.status, fields: fields(res.body) }).toEqual({ extra, status: 400, fields: [field] });
    }
    const cto = {
      kind: 'cto-decision',
      ctoDecision: 'agree',
      inWriting: true,
      conditionsAgreed: true,
      signedAt: '2026-11-21T11:00:00Z',
      rationale: 'The criteria are met and the conditions are proportionate.',
    };
    const alternatives = await as(worker).post(`/assessments/${a.id}/outcome`, { ...cto, alternatives: 5 });
    expect({ status: alternatives.status, fields: fields(alternatives.body) }).toEqual({ status: 400, fields: ['alternatives'] });
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.status).toBe('open');

    const rec = {
      doctorId: s12Doctor,
      previousAcquaintance: false,
      noAcquaintanceReason: 'The GP was not available out of hours.',
      examinedAt: '2026-11-21T09:00:00Z',
      examMode: 'in-person',
      signedAt: '2026-11-21T09:00:00Z',
      section: 's2',
    };
    const named = await as(worker).post(`/assessments/${a.id}/recommendations`, { ...rec, doctorName: { $gt: '' } });
    expect({ status: named.status, fields: fields(named.body) }).toEqual({ status: 400, fields: ['doctorName'] });
    const made = (await as(worker).post(`/assessments/${a.id}/recommendations`, rec).expect(201)).body;
    const recId = made.recommendations[0].id;
    const first = (
      await as(worker)
        .post(`/assessments/${a.id}/recommendations/${recId}/withdrawal`, { reason: 'Entered under the wrong section.' })
        .expect(200)
    ).body;
    const second = await as(worker)
      .post(`/assessments/${a.id}/recommendations/${recId}/withdrawal`, { reason: 'Entered in error, again.' })
      .expect(409);
    expect(second.body.code).toBe('recommendation-withdrawn');
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version).toBe(first.version);

    const bad = await as(worker).post('/assessments/not-a-uuid/close', {}).expect(400);
    expect(fields(bad.body)).toEqual(['id']);
    // A time a year or more before it is recorded is a mistyped year: 422 naming it, nothing kept; year 1000 is no
    // time a person gives at all: 400 naming it.
    const contact = await as(worker).post(`/assessments/${a.id}/contacts`, {
      at: '2025-06-01T00:00:00Z',
      mode: 'in-person',
      byRole: 'amhp',
    });
    expect({ status: contact.status, fields: fields(contact.body), code: contact.body.code }).toEqual({
      status: 422,
      fields: ['at'],
      code: 'too-long-ago',
    });
    const typo = await as(worker).post(`/assessments/${a.id}/contacts`, { at: '1000-01-01T00:00:00Z', mode: 'in-person', byRole: 'amhp' });
    expect({ status: typo.status, fields: fields(typo.body) }).toEqual({ status: 400, fields: ['at'] });
    const exam = await as(worker).post(`/assessments/${a.id}/recommendations`, { ...rec, examinedAt: '2025-06-01T09:00:00Z' });
    expect({ status: exam.status, fields: fields(exam.body) }).toEqual({ status: 422, fields: ['examinedAt'] });
  });
});
