import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('reapproval portfolio', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  const SECRET = 'SECRET-SUPERVISION-NOTES';

  beforeAll(async () => {
    // Saturday 21 Nov 2026, 10:00 London (GMT).
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    auditor = await t.user(['auditor']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (path: string) => t.http.get(path).set('authorization', u.auth),
    post: (path: string, body: object = {}) => t.http.post(path).set('authorization', u.auth).send(body),
  });

  /** A practitioner with an approval, training, supervision of every kind, an appraisal and a practice audit. */
  async function practitionerWithRecord(displayName?: string, extra: { findings?: string; topic?: string } = {}) {
    const user = await t.user(['amhp'], displayName ? { displayName } : {});
    const p = (
      await as(manager)
        .post('/practitioners', {
          userId: user.id,
          profession: 'social-worker',
          registrationBody: 'Social Work England',
          registrationNumber: `SW${Math.floor(Math.random() * 1e6)}`,
          registrationCheckedOn: '2026-10-01',
          team: 'North',
        })
        .expect(201)
    ).body;
    await as(manager)
      .post(`/practitioners/${p.id}/approvals`, {
        approvingAuthority: 'Northshire County Council',
        startsOn: '2025-06-01',
        endsOn: '2030-05-31',
        approvedCourseCompletedOn: '2025-04-02',
      })
      .expect(201);
    await as(manager)
      .post(`/practitioners/${p.id}/training`, {
        completedOn: '2025-09-10',
        hours: 12,
        provider: 'Regional AMHP forum',
        topic: extra.topic ?? 'Case law update',
      })
      .expect(201);
    await as(manager)
      .post(`/practitioners/${p.id}/training`, {
        completedOn: '2026-07-01',
        hours: 20,
        provider: 'Council L&D',
        topic: 'Capacity and DoLS',
      })
      .expect(201);
    const sessions: Array<[string, string, number, string?]> = [
      ['2025-07-01', 'professional', 60, `${SECRET} one`],
      ['2025-08-01', 'group', 90],
      ['2026-06-15', 'professional', 60, `${SECRET} two`],
      ['2026-11-01', 'managerial', 30, `${SECRET} three`],
    ];
    for (const [heldOn, type, durationMinutes, notes] of sessions) {
      await as(manager)
        .post('/supervision-sessions', {
          superviseeId: p.id,
          supervisorUserId: manager.id,
          heldOn,
          type,
          durationMinutes,
          ...(notes ? { notes } : {}),
        })
        .expect(201);
    }
    await as(manager)
      .post(`/practitioners/${p.id}/appraisals`, {
        heldOn: '2026-10-01',
        periodFrom: '2025-10-01',
        periodTo: '2026-09-30',
        outcome: 'meets',
        summary: 'A strong year',
        objectives: 'Lead a case review',
      })
      .expect(201);
    await as(auditor)
      .post(`/practitioners/${p.id}/practice-audits`, {
        workReference: 'ASMT-2026-00123',
        themes: ['nearest-relative', 'least-restrictive'],
        findings: extra.findings ?? 'Clear rationale for the decision.',
        rating: 'good',
        score: 82,
      })
      .expect(201);
    return { user, p };
  }

  it('assembles the JSON portfolio: practitioner, approvals (with the day she completed the approved AMHP course, AMHP-02), training per approval year, supervision counts per year (no notes), appraisals and practice audits; the read is audited', async () => {
    const { p } = await practitionerWithRecord('Alex Example');
    const res = await as(manager).get(`/practitioners/${p.id}/portfolio`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body;
    expect(body.practitioner).toEqual({
      id: p.id,
      displayName: 'Alex Example',
      profession: 'social-worker',
      registrationBody: 'Social Work England',
      registrationNumber: p.registrationNumber,
      registrationStatus: 'active',
      registrationCheckedOn: '2026-10-01',
      team: 'North',
      active: true,
      approvalStatus: 'active',
      approvalEndsOn: '2030-05-31',
    });
    expect(body.approvals).toEqual([
      expect.objectContaining({
        approvingAuthority: 'Northshire County Council',
        startsOn: '2025-06-01',
        endsOn: '2030-05-31',
        approvedCourseCompletedOn: '2025-04-02',
        previouslyApprovedBy: null,
        status: 'active',
      }),
    ]);
    expect(body.training.records).toHaveLength(2);
    expect(body.training.compliance[0].years.slice(0, 2)).toEqual([
      expect.objectContaining({
        year: 1,
        from: '2025-06-01',
        to: '2026-05-31',
        hours: 12,
        requiredHours: 18,
        shortfallHours: 6,
        status: 'short',
      }),
      expect.objectContaining({ year: 2, from: '2026-06-01', to: '2027-05-31', hours: 20, shortfallHours: 0, status: 'met' }),
    ]);
    expect(body.supervision.status).toEqual({
      intervalDays: 30,
      lastProfessionalOn: '2026-06-15',
      nextDueOn: '2026-07-15',
      dueFrom: 'last-professional-supervision',
      neverSupervised: false,
      status: 'overdue',
      daysOverdue: 129,
      daysUntilDue: 0,
    });
    expect(body.supervision.totals).toEqual({ professional: 2, managerial: 1, group: 1, reflective: 0, total: 4, totalMinutes: 240 });
    expect(body.supervision.byApprovalYear).toEqual([
      {
        approvalId: body.approvals[0].id,
        year: 1,
        from: '2025-06-01',
        to: '2026-05-31',
        professional: 1,
        managerial: 0,
        group: 1,
        reflective: 0,
        total: 2,
        totalMinutes: 150,
      },
      {
        approvalId: body.approvals[0].id,
        year: 2,
        from: '2026-06-01',
        to: '2027-05-31',
        professional: 1,
        managerial: 1,
        group: 0,
        reflective: 0,
        total: 2,
        totalMinutes: 90,
      },
    ]);
    expect(body.supervision.sessions.map((s: { heldOn: string; type: string }) => [s.heldOn, s.type])).toEqual([
      ['2026-11-01', 'managerial'],
      ['2026-06-15', 'professional'],
      ['2025-08-01', 'group'],
      ['2025-07-01', 'professional'],
    ]);
    expect(Object.keys(body.supervision.sessions[0]).sort()).toEqual(['durationMinutes', 'heldOn', 'id', 'supervisorName', 'type']);
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(body.appraisals).toEqual([
      expect.objectContaining({
        heldOn: '2026-10-01',
        outcome: 'meets',
        summary: 'A strong year',
        objectives: 'Lead a case review',
        nextDueOn: '2027-10-01',
        textWithheld: false,
      }),
    ]);
    expect(body.practiceAudits).toEqual([
      expect.objectContaining({
        workReference: 'ASMT-2026-00123',
        themes: ['nearest-relative', 'least-restrictive'],
        rating: 'good',
        score: 82,
        findings: 'Clear rationale for the decision.',
        textWithheld: false,
      }),
    ]);
    expect(body.generatedAt).toBe('2026-11-21T10:00:00.000Z');
    // No assessments decided yet (test/assessments.e2e-spec.ts counts one).
    expect(body.assessments).toEqual({ total: 0, applications: 0, notDetained: 0, ctoDecisions: 0, lastOn: null });
    const audit = await t.sql(
      `SELECT actor_id, access_basis, details FROM audit_events WHERE action = 'portfolio.read' AND resource_id = $1`,
      [p.id],
    );
    expect(audit).toEqual([
      { actor_id: manager.id, access_basis: 'role:manager', details: { format: 'json', appraisalText: true, auditText: true } },
    ]);
    // Assembling a portfolio is not a read of supervision notes.
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'supervision.read-notes' AND actor_id = $1`, [manager.id])).toEqual([]);
  });

  it("an auditor's portfolio keeps practice-audit findings but withholds appraisal summaries and objectives", async () => {
    const { p } = await practitionerWithRecord();
    const body = (await as(auditor).get(`/practitioners/${p.id}/portfolio`).expect(200)).body;
    expect(body.appraisals).toEqual([expect.objectContaining({ outcome: 'meets', summary: null, objectives: null, textWithheld: true })]);
    expect(body.practiceAudits).toEqual([expect.objectContaining({ findings: 'Clear rationale for the decision.', textWithheld: false })]);
    expect(JSON.stringify(body)).not.toContain('A strong year');
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });

  it('?format=html returns a printable, self-contained page in which a malicious name and findings are escaped', async () => {
    const evil = '<script>alert(1)</script>';
    const { p } = await practitionerWithRecord(evil, { findings: '<img src=x onerror=alert(2)> found', topic: '"><b>bold</b>' });
    const res = await as(manager).get(`/practitioners/${p.id}/portfolio?format=html`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    // No script may run on the page at all, even one that escaped the escaping.
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // A page: helmet's document headers too, beside its own policy.
    expect(res.headers).toMatchObject({
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    });
    const page = res.text;
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('Completed 2 Apr 2025');
    expect(page).not.toContain(evil);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toContain('<b>bold</b>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt; found');
    expect(page).toContain('&quot;&gt;&lt;b&gt;bold&lt;/b&gt;');
    expect(page).toMatch(/<style>[\s\S]*@media print[\s\S]*<\/style>/);
    expect(page).not.toMatch(/<link|src=["']?https?:|@import/i);
    expect(page).not.toContain(SECRET);
    expect(page).toContain('Overdue by 129 days');
    const audit = await t.sql<{ details: { format: string } }>(
      `SELECT details FROM audit_events WHERE action = 'portfolio.read' AND resource_id = $1`,
      [p.id],
    );
    expect(audit.map((a) => a.details.format)).toEqual(['html']);
  });

  it('Accept: text/html (as a browser sends it) also gives the page; ?format=json wins over it; a bad format is 400', async () => {
    const { p } = await practitionerWithRecord('Browser Reader');
    const browser = await as(manager)
      .get(`/practitioners/${p.id}/portfolio`)
      .set('accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
      .expect(200);
    expect(browser.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(browser.text).toContain('Browser Reader');
    const json = await as(manager).get(`/practitioners/${p.id}/portfolio?format=json`).set('accept', 'text/html').expect(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    await as(manager).get(`/practitioners/${p.id}/portfolio?format=pdf`).expect(400);
  });

  it("an AMHP reads their own portfolio but not a colleague's (403, audited)", async () => {
    const own = await practitionerWithRecord();
    const colleague = await practitionerWithRecord();
    const body = (await as(own.user).get(`/practitioners/${own.p.id}/portfolio`).expect(200)).body;
    expect(body.practitioner.id).toBe(own.p.id);
    expect(body.appraisals[0]).toMatchObject({ summary: 'A strong year', textWithheld: false });
    expect(JSON.stringify(body)).not.toContain(SECRET);
    await as(own.user).get(`/practitioners/${colleague.p.id}/portfolio`).expect(403);
    await as(own.user).get(`/practitioners/${colleague.p.id}/portfolio?format=html`).expect(403);
    expect(
      await t.sql(`SELECT 1 FROM audit_events WHERE action = 'access.denied' AND resource_id = $1 AND actor_id = $2`, [
        colleague.p.id,
        own.user.id,
      ]),
    ).toHaveLength(2);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'portfolio.read' AND resource_id = $1`, [colleague.p.id])).toEqual([]);
  });

  it('a referrer cannot read any portfolio (403); an unknown practitioner is 404', async () => {
    const referrer = await t.user(['referrer']);
    const { p } = await practitionerWithRecord();
    await as(referrer).get(`/practitioners/${p.id}/portfolio`).expect(403);
    await as(referrer).get(`/practitioners/${p.id}/portfolio?format=html`).expect(403);
    await as(manager).get('/practitioners/00000000-0000-4000-8000-000000000000/portfolio').expect(404);
    await as(manager).get('/practitioners/not-a-uuid/portfolio').expect(400);
  });

  it("a practitioner never supervised shows as such, due from their record's creation", async () => {
    const user = await t.user(['amhp']);
    const p = (
      await as(manager)
        .post('/practitioners', {
          userId: user.id,
          profession: 'occupational-therapist',
          registrationBody: 'HCPC',
          registrationNumber: 'OT12345',
          supervisionIntervalDays: 42,
        })
        .expect(201)
    ).body;
    await t.sql(`UPDATE practitioners SET created_at = '2026-09-01T08:00:00Z' WHERE id = $1`, [p.id]);
    const body = (await as(manager).get(`/practitioners/${p.id}/portfolio`).expect(200)).body;
    expect(body.supervision).toEqual({
      status: {
        intervalDays: 42,
        lastProfessionalOn: null,
        nextDueOn: '2026-10-13',
        dueFrom: 'record-created',
        neverSupervised: true,
        status: 'overdue',
        daysOverdue: 39,
        daysUntilDue: 0,
      },
      totals: { professional: 0, managerial: 0, group: 0, reflective: 0, total: 0, totalMinutes: 0 },
      byApprovalYear: [],
      sessions: [],
    });
    expect(body).toMatchObject({ approvals: [], appraisals: [], practiceAudits: [], training: { records: [], compliance: [] } });
    const page = (await as(manager).get(`/practitioners/${p.id}/portfolio?format=html`).expect(200)).text;
    expect(page).toContain('No approvals recorded.');
  });
});
