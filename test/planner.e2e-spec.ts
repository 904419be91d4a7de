import { Client } from 'pg';
import { amhp, approvalOf } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('rota planner: proposals, publication, preferences, fairness', () => {
  let t: TestApp;
  let manager: TestUser;
  let senior: TestUser & { practitionerId: string };
  let others: Array<TestUser & { practitionerId: string }>;
  beforeAll(async () => {
    t = await createTestApp({
      now: '2026-11-21T10:00:00Z',
      env: { ACCESS_TOKEN_TTL_SECONDS: '86400', TRAINING_SHORTFALL_SEVERITY: 'warning' },
    });
    manager = await t.user(['manager']);
    senior = await amhp(t, { skills: ['senior'], displayName: 'Senior Sam' });
    others = [await amhp(t, { displayName: 'Alex' }), await amhp(t, { displayName: 'Bea' }), await amhp(t, { displayName: 'Cai' })];
  });
  afterAll(() => t.close());

  const api = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, ifMatch?: string) => {
      const req = t.http.post(p).set('authorization', u.auth);
      if (ifMatch) req.set('if-match', ifMatch);
      return req.send(b);
    },
    delete: (p: string) => t.http.delete(p).set('authorization', u.auth),
  });
  const shift = async (startsAt: string, endsAt: string, over: object = {}) =>
    (
      await api(manager)
        .post('/rota/shifts', { label: 'Day', startsAt, endsAt, requiredCount: 1, ...over })
        .expect(201)
    ).body as { id: string };
  /** Three days from `first` (February: local time is UTC): Day 09-17 for two, Night 21-08 for one senior. */
  const threeDays = async (first: number) => {
    const made: Array<{ id: string }> = [];
    for (let d = first; d < first + 3; d++) {
      const day = `2027-02-${String(d).padStart(2, '0')}`;
      const next = `2027-02-${String(d + 1).padStart(2, '0')}`;
      made.push(await shift(`${day}T09:00:00Z`, `${day}T17:00:00Z`, { label: 'Day', requiredCount: 2 }));
      made.push(await shift(`${day}T21:00:00Z`, `${next}T08:00:00Z`, { label: 'Night', requiredCount: 1, requiredSkills: ['senior'] }));
    }
    return made.map((s) => s.id);
  };
  const propose = async (from: string, to: string) => (await api(manager).post('/rota/plans', { from, to }).expect(201)).body;
  const planned = (shiftIds: string[]) =>
    t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM shift_assignments WHERE source = 'plan' AND shift_id = ANY($1::uuid[])`, [
      shiftIds,
    ]);

  it('proposes a plan that fills every gap; publishing puts it on the rota, audited, with outbox events', async () => {
    const ids = await threeDays(1);
    const res = await api(manager).post('/rota/plans', { from: '2027-02-01T00:00:00Z', to: '2027-02-04T00:00:00Z' }).expect(201);
    const p = res.body;
    expect(res.headers.etag).toBe('"v1"');
    expect(res.headers.location).toBe(`/rota/plans/${p.id}`);
    expect(p).toMatchObject({
      status: 'proposed',
      from: '2027-02-01T00:00:00.000Z',
      to: '2027-02-04T00:00:00.000Z',
      unfilled: [],
      dropped: [],
      version: 1,
      publishedAt: null,
      createdBy: manager.id,
    });
    expect(p.solver).toMatchObject({ status: 'Optimal', chunks: 1 });
    expect(p.assignments).toHaveLength(9);
    // Only the senior can take the nights (and then cannot work the days after them: 1 h of rest).
    const nights = p.assignments.filter((a: { label: string }) => a.label === 'Night');
    expect(nights.map((a: { displayName: string }) => a.displayName)).toEqual(['Senior Sam', 'Senior Sam', 'Senior Sam']);
    expect(p.assignments.every((a: { displayName: string; startsAt: string }) => a.displayName && a.startsAt)).toBe(true);
    expect(p.fairness).toMatchObject({ spread: expect.any(Number), totals: expect.objectContaining({ shifts: 9 }) });
    expect(p.fairness.people.find((r: { practitionerId: string }) => r.practitionerId === senior.practitionerId)).toMatchObject({
      nights: 3,
      hours: 33,
    });
    expect(await planned(ids)).toEqual([{ n: 0 }]); // a proposal changes nothing

    expect((await api(manager).get(`/rota/plans/${p.id}`).expect(200)).body).toEqual(p);

    const published = await api(manager).post(`/rota/plans/${p.id}/publish`, {}, '"v1"').expect(200);
    expect(published.headers.etag).toBe('"v2"');
    expect(published.body).toMatchObject({ status: 'published', version: 2, publishedAt: '2026-11-21T10:00:00.000Z' });
    const shifts = (await api(manager).get('/rota/shifts?from=2027-02-01T00:00:00Z&to=2027-02-04T09:00:00Z').expect(200)).body.items;
    expect(shifts.map((s: { assigned: unknown[]; requiredCount: number }) => s.assigned.length - s.requiredCount)).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect(await planned(ids)).toEqual([{ n: 9 }]);

    expect(await t.sql(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [p.id])).toEqual([
      { action: 'rota.plan.propose' },
      { action: 'rota.plan.publish' },
    ]);
    expect(await t.sql(`SELECT 1 FROM outbox_events WHERE type = 'rota.plan.published' AND aggregate_id = $1`, [p.id])).toHaveLength(1);
    expect(
      await t.sql(
        `SELECT 1 FROM outbox_events WHERE type = 'rota.assignment.created' AND payload->>'source' = 'plan' AND aggregate_id = ANY($1)`,
        [ids],
      ),
    ).toHaveLength(9);
    expect(
      await t.sql(
        `SELECT 1 FROM audit_events WHERE action = 'rota.assign' AND details->>'source' = 'plan' AND details->>'shiftId' = ANY($1)`,
        [ids],
      ),
    ).toHaveLength(9);

    const again = await api(manager).post(`/rota/plans/${p.id}/publish`).expect(409);
    expect(again.body.code).toBe('plan-not-proposed');
  });

  it('refuses to publish when the rota changed since the plan was made (409 rota-changed), and assigns nothing', async () => {
    const ids = await threeDays(8);
    const p = await propose('2027-02-08T00:00:00Z', '2027-02-11T00:00:00Z');
    expect(p.assignments).toHaveLength(9);
    await api(manager).post(`/rota/shifts/${ids[0]}/assignments`, { practitionerId: others[0].practitionerId }).expect(201);
    const res = await api(manager).post(`/rota/plans/${p.id}/publish`, {}, '"v1"').expect(409);
    expect(res.body.code).toBe('rota-changed');
    expect(await planned(ids)).toEqual([{ n: 0 }]);
  });

  it('a stale If-Match is 412; a discarded plan cannot be published', async () => {
    await threeDays(15);
    const p = await propose('2027-02-15T00:00:00Z', '2027-02-18T00:00:00Z');
    await api(manager).post(`/rota/plans/${p.id}/publish`, {}, '"v7"').expect(412);
    const discarded = await api(manager).post(`/rota/plans/${p.id}/discard`, {}, '"v1"').expect(200);
    expect(discarded.body).toMatchObject({ status: 'discarded', version: 2 });
    expect((await api(manager).post(`/rota/plans/${p.id}/publish`).expect(409)).body.code).toBe('plan-not-proposed');
    await api(manager).post(`/rota/plans/${p.id}/discard`, {}, '"v1"').expect(412);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'rota.plan.discard' AND resource_id = $1`, [p.id])).toHaveLength(1);
  });

  it('a rule that fails at publication (leave approved since) is a 409 listing which; nothing is published', async () => {
    const ids = await threeDays(22);
    const p = await propose('2027-02-22T00:00:00Z', '2027-02-25T00:00:00Z');
    const night = p.assignments.find((a: { label: string }) => a.label === 'Night');
    await t.sql(
      `INSERT INTO leave_requests (practitioner_id, kind, starts_at, ends_at, status, requested_by) VALUES ($1, 'sick', $2, $3, 'approved', $4)`,
      [night.practitionerId, night.startsAt, night.endsAt, manager.id],
    );
    const res = await api(manager).post(`/rota/plans/${p.id}/publish`).expect(409);
    expect(res.body.code).toBe('plan-invalid');
    expect(res.body.failures).toEqual([
      expect.objectContaining({
        shiftId: night.shiftId,
        practitionerId: night.practitionerId,
        code: 'assignment-refused',
        findings: expect.arrayContaining([expect.objectContaining({ code: 'on-leave' })]),
      }),
    ]);
    expect(await planned(ids)).toEqual([{ n: 0 }]);
    expect((await api(manager).get(`/rota/plans/${p.id}`).expect(200)).body.status).toBe('proposed');
  });

  it('only managers plan: an AMHP cannot propose (403); bad periods are refused', async () => {
    await api(senior).post('/rota/plans', { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' }).expect(403);
    await api(senior).get('/rota/preferences').expect(403);
    expect(
      (await api(manager).post('/rota/plans', { from: '2027-03-02T00:00:00Z', to: '2027-03-01T00:00:00Z' }).expect(422)).body.code,
    ).toBe('bad-period');
    expect(
      (await api(manager).post('/rota/plans', { from: '2027-03-01T00:00:00Z', to: '2027-06-01T00:00:00Z' }).expect(422)).body.code,
    ).toBe('bad-period');
    await api(manager).post('/rota/plans', { from: 'yesterday', to: '2027-03-02T00:00:00Z' }).expect(400);
    await api(manager).post('/rota/plans', { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z', extra: 1 }).expect(400);
  });

  it('says why a place stays unfilled or a skill missing', async () => {
    const bia = await shift('2027-03-01T09:00:00Z', '2027-03-01T17:00:00Z', { requiredSkills: ['bia'] });
    // Everyone on leave for the second one.
    const empty = await shift('2027-03-02T09:00:00Z', '2027-03-02T17:00:00Z');
    for (const a of [senior, ...others]) {
      await t.sql(
        `INSERT INTO leave_requests (practitioner_id, kind, starts_at, ends_at, status, requested_by) VALUES ($1, 'annual', '2027-03-02T00:00:00Z', '2027-03-03T00:00:00Z', 'approved', $2)`,
        [a.practitionerId, manager.id],
      );
    }
    const p = await propose('2027-03-01T00:00:00Z', '2027-03-03T00:00:00Z');
    expect(p.unfilled).toEqual([
      expect.objectContaining({
        shiftId: bia.id,
        missing: 0,
        missingSkills: ['bia'],
        code: 'skill-unavailable',
        reason: expect.stringContaining('"bia"'),
      }),
      expect.objectContaining({
        shiftId: empty.id,
        missing: 1,
        code: 'no-eligible-amhp',
        reason: expect.stringContaining('4 on approved leave'),
      }),
    ]);
  });

  it('preferences: recorded by managers, honoured by the planner, listed and removed', async () => {
    const monday = await shift('2027-03-08T09:00:00Z', '2027-03-08T17:00:00Z');
    const wanted = others[2];
    const created = await api(manager)
      .post('/rota/preferences', {
        practitionerId: wanted.practitionerId,
        onDate: '2027-03-08',
        weight: 10,
        note: 'Swapped from last week',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      practitionerId: wanted.practitionerId,
      onDate: '2027-03-08',
      weekday: null,
      patternId: null,
      weight: 10,
    });
    const p = await propose('2027-03-08T00:00:00Z', '2027-03-09T00:00:00Z');
    expect(p.assignments).toEqual([expect.objectContaining({ shiftId: monday.id, practitionerId: wanted.practitionerId })]);

    const listed = (await api(manager).get(`/rota/preferences?practitionerId=${wanted.practitionerId}`).expect(200)).body.items;
    expect(listed.map((x: { id: string }) => x.id)).toEqual([created.body.id]);
    expect((await api(manager).get(`/rota/preferences?practitionerId=${senior.practitionerId}`).expect(200)).body.items).toEqual([]);
    await api(senior).post('/rota/preferences', { practitionerId: senior.practitionerId, weekday: 1, weight: 5 }).expect(403);
    expect((await api(manager).post('/rota/preferences', { practitionerId: wanted.practitionerId, weight: 5 }).expect(422)).body.code).toBe(
      'preference-target-required',
    );
    await api(manager).post('/rota/preferences', { practitionerId: wanted.practitionerId, weekday: 1, weight: 0 }).expect(400);
    await api(manager).post('/rota/preferences', { practitionerId: wanted.practitionerId, weekday: 8, weight: 3 }).expect(400);
    // An id that names no practitioner (a user id, a typo) is bad input naming the field, not a missing resource.
    const unknown = await api(manager)
      .post('/rota/preferences', { practitionerId: '00000000-0000-4000-8000-000000000000', weekday: 1, weight: 3 })
      .expect(422);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['practitionerId']);
    await api(manager).delete(`/rota/preferences/${created.body.id}`).expect(204);
    await api(manager).delete(`/rota/preferences/${created.body.id}`).expect(404);
    expect(await t.sql(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [created.body.id])).toEqual([
      { action: 'rota.preference.create' },
      { action: 'rota.preference.delete' },
    ]);
  });

  it('fairness report: hours, FTE, share, nights, weekends, bank holidays and the spread; AMHPs may read it', async () => {
    const res = await api(senior).get('/rota/fairness?from=2027-02-01T00:00:00Z&to=2027-02-08T00:00:00Z').expect(200);
    const rows = res.body.people as Array<{
      practitionerId: string;
      hours: number;
      hoursPerFte: number;
      hoursPerAvailableFte: number;
      nights: number;
      fte: number;
      share: number;
      fteShare: number;
    }>;
    expect(rows.find((r) => r.practitionerId === senior.practitionerId)).toMatchObject({ hours: 33, nights: 3, fte: 1, fteShare: 0.25 });
    expect(rows.reduce((s, r) => s + r.hours, 0)).toBe(81);
    // Everyone was available all week: the spread of hours ÷ available FTE is that of hours ÷ FTE, nobody excluded.
    expect(res.body.spread).toBe(
      Math.max(...rows.map((r) => r.hoursPerAvailableFte)) - Math.min(...rows.map((r) => r.hoursPerAvailableFte)),
    );
    expect(res.body.spread).toBe(res.body.spreads.hoursPerFte);
    expect(res.body.excluded).toEqual([]);
    expect(res.body).toMatchObject({ from: '2027-02-01T00:00:00.000Z', totals: expect.objectContaining({ shifts: 9, nights: 3 }) });
    await api(senior).get('/rota/fairness').expect(400);
    await api(manager).get('/rota/fairness?from=2027-02-01T00:00:00Z&to=2028-03-01T00:00:00Z').expect(422);
    const referrer = await t.user(['referrer']);
    await api(referrer).get('/rota/fairness?from=2027-02-01T00:00:00Z&to=2027-02-08T00:00:00Z').expect(403);
  });

  /**
   * An AMHP approved since 2025 whose training was all in the first year: 2026 ended short (AMHP-06). The council here
   * has decided a short completed year never blocks on its own (TRAINING_SHORTFALL_SEVERITY=warning): a warning.
   */
  const shortOfTraining = (displayName: string) => amhp(t, { approval: { startsOn: '2025-01-01', endsOn: '2030-12-31' }, displayName });
  const leaveFor = (practitionerIds: string[], from: string, to: string) =>
    Promise.all(
      practitionerIds.map((id) =>
        t.sql(
          `INSERT INTO leave_requests (practitioner_id, kind, starts_at, ends_at, status, requested_by) VALUES ($1, 'annual', $2, $3, 'approved', $4)`,
          [id, from, to, manager.id],
        ),
      ),
    );
  const TRAINING_OVERRIDE = { code: 'training-short-completed-year', reason: 'Training booked for May; agreed with the AMHP lead' };

  it('plans AMHPs whose eligibility has only warnings (training short), lists the warnings per assignment, and publishes only with an override of each', async () => {
    const short = [await shortOfTraining('Dana'), await shortOfTraining('Eli')];
    // Everyone else on leave for the week of Monday 5 April 2027, so the place can only go to Dana or Eli.
    await leaveFor(
      [senior, ...others].map((a) => a.practitionerId),
      '2027-04-05T00:00:00Z',
      '2027-04-10T00:00:00Z',
    );
    const ids: string[] = [];
    for (let d = 5; d <= 9; d++) ids.push((await shift(`2027-04-0${d}T08:00:00Z`, `2027-04-0${d}T16:00:00Z`)).id);
    const p = await propose('2027-04-05T00:00:00Z', '2027-04-10T00:00:00Z');
    expect(p.unfilled).toEqual([]);
    expect(p.assignments).toHaveLength(5);
    for (const a of p.assignments) {
      expect(short.map((x) => x.practitionerId)).toContain(a.practitionerId);
      expect(a.warnings).toEqual([
        expect.objectContaining({
          code: 'training-short-completed-year',
          rule: 'AMHP-06',
          severity: 'warning',
          message: expect.any(String),
        }),
      ]);
    }

    const refused = await api(manager).post(`/rota/plans/${p.id}/publish`, {}, '"v1"').expect(422);
    expect(refused.body).toMatchObject({
      code: 'override-required',
      findings: [expect.objectContaining({ code: 'training-short-completed-year' })],
    });
    expect(refused.body.assignments).toHaveLength(5);
    expect(await planned(ids)).toEqual([{ n: 0 }]);
    const badReason = await api(manager)
      .post(`/rota/plans/${p.id}/publish`, { overrides: [{ code: 'training-short-completed-year', reason: 'ok' }] }, '"v1"')
      .expect(400);
    expect(JSON.stringify(badReason.body.errors)).toContain('reason');

    const published = await api(manager)
      .post(`/rota/plans/${p.id}/publish`, { overrides: [TRAINING_OVERRIDE] }, '"v1"')
      .expect(200);
    expect(published.body.status).toBe('published');
    expect(await planned(ids)).toEqual([{ n: 5 }]);
    const stored = await t.sql<{ overrides: Array<{ code: string; reason: string }> }>(
      `SELECT overrides FROM shift_assignments WHERE shift_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(stored.map((r) => r.overrides)).toEqual(Array(5).fill([expect.objectContaining(TRAINING_OVERRIDE)]));
    const [audit] = await t.sql<{ details: { overrides: string[] } }>(
      `SELECT details FROM audit_events WHERE action = 'rota.plan.publish' AND resource_id = $1`,
      [p.id],
    );
    expect(audit.details.overrides).toEqual(['training-short-completed-year']);
  });

  it('plans an AMHP whose professional supervision is overdue (AMHP-10) with the warning on each of her assignments', async () => {
    const fay = await amhp(t, { displayName: 'Fay' });
    // No supervision since her record was made on 1 Sep, every 30 days: 51 days late today (21 Nov 2026).
    await t.sql(`UPDATE practitioners SET created_at = '2026-09-01T09:00:00Z', supervision_interval_days = 30 WHERE id = $1`, [
      fay.practitionerId,
    ]);
    const everyoneElse = await t.sql<{ id: string }>('SELECT id FROM practitioners WHERE id <> $1', [fay.practitionerId]);
    await leaveFor(
      everyoneElse.map((r) => r.id),
      '2027-04-19T00:00:00Z',
      '2027-04-22T00:00:00Z',
    );
    const ids = [
      (await shift('2027-04-19T08:00:00Z', '2027-04-19T16:00:00Z')).id,
      (await shift('2027-04-20T08:00:00Z', '2027-04-20T16:00:00Z')).id,
    ];
    const p = await propose('2027-04-19T00:00:00Z', '2027-04-22T00:00:00Z');
    expect(p.assignments.map((a: { practitionerId: string }) => a.practitionerId)).toEqual([fay.practitionerId, fay.practitionerId]);
    for (const a of p.assignments)
      expect(a.warnings).toEqual([expect.objectContaining({ code: 'supervision-overdue', rule: 'AMHP-10', severity: 'warning' })]);
    await api(manager).post(`/rota/plans/${p.id}/publish`, {}, '"v1"').expect(422);
    expect(await planned(ids)).toEqual([{ n: 0 }]);
    await api(manager)
      .post(
        `/rota/plans/${p.id}/publish`,
        { overrides: [{ code: 'supervision-overdue', reason: 'Supervision booked for 24 Nov with her lead' }] },
        '"v1"',
      )
      .expect(200);
    expect(await planned(ids)).toEqual([{ n: 2 }]);
  });

  it('the plan and GET /rota/fairness give the same figures for the same AMHP and period: approval gaps and suspensions taken out, the suspended listed as excluded', async () => {
    // Week of Monday 3 May 2027. Fay's approval ends on Wednesday 5th; Gus is suspended until further notice.
    const fay = await amhp(t, { approval: { startsOn: '2026-01-01', endsOn: '2027-05-05' }, displayName: 'Fay' });
    const gus = await amhp(t, { displayName: 'Gus' });
    const [approval] = await t.sql<{ id: string }>(`SELECT id FROM approvals WHERE practitioner_id = $1`, [gus.practitionerId]);
    await api(manager).post(`/approvals/${approval.id}/suspensions`, { reason: 'Conduct investigation' }).expect(201);
    for (let d = 3; d <= 9; d++) await shift(`2027-05-0${d}T08:00:00Z`, `2027-05-0${d}T16:00:00Z`);

    const p = await propose('2027-05-03T00:00:00Z', '2027-05-10T00:00:00Z');
    expect(p.assignments.map((a: { practitionerId: string }) => a.practitionerId)).not.toContain(gus.practitionerId);
    const codes = [...new Set(p.assignments.flatMap((a: { warnings: Array<{ code: string }> }) => a.warnings.map((w) => w.code)))];
    await api(manager)
      .post(
        `/rota/plans/${p.id}/publish`,
        { overrides: codes.map((code) => ({ code, reason: 'Accepted for this week by the AMHP lead' })) },
        '"v1"',
      )
      .expect(200);

    const report = (await api(manager).get('/rota/fairness?from=2027-05-03T00:00:00Z&to=2027-05-10T00:00:00Z').expect(200)).body;
    const row = (figures: { people: Array<{ practitionerId: string }> }, id: string) => figures.people.find((r) => r.practitionerId === id);
    // The approval runs to the end of 5 May local time, 23:00 UTC (BST): 71 of the period's 168 hours.
    expect(row(p.fairness, fay.practitionerId)).toMatchObject({
      availability: Math.round((71 / 168) * 1e4) / 1e4,
      unavailableFor: ['no-approval'],
    });
    expect(row(report, fay.practitionerId)).toEqual(row(p.fairness, fay.practitionerId));
    expect(row(report, gus.practitionerId)).toMatchObject({
      availability: 0,
      hours: 0,
      hoursPerAvailableFte: null,
      unavailableFor: ['suspended'],
    });
    expect(row(report, gus.practitionerId)).toEqual(row(p.fairness, gus.practitionerId));
    expect(report.excluded).toEqual([{ practitionerId: gus.practitionerId, displayName: 'Gus', reasons: ['suspended'], hours: 0 }]);
    expect(p.fairness.excluded).toEqual(report.excluded);
    expect(report.people).toEqual(p.fairness.people);
    expect(report.spread).toBe(p.fairness.spread);
    const available = report.people.filter((r: { hoursPerAvailableFte: number | null }) => r.hoursPerAvailableFte !== null);
    expect(report.spread).toBeCloseTo(
      Math.max(...available.map((r: { hoursPerAvailableFte: number }) => r.hoursPerAvailableFte)) -
        Math.min(...available.map((r: { hoursPerAvailableFte: number }) => r.hoursPerAvailableFte)),
      9,
    );
  });

  it("GET /rota/fairness: an AMHP sees that a colleague was unavailable, not why (sick leave, a suspension); she sees her own reasons, managers and auditors everyone's", async () => {
    // Week of Monday 2 August 2027: Hana on sick leave two days, Ivo suspended throughout.
    const hana = await amhp(t, { displayName: 'Hana' });
    const ivo = await amhp(t, { displayName: 'Ivo' });
    await api(manager)
      .post('/rota/leave', {
        practitionerId: hana.practitionerId,
        kind: 'sick',
        startsAt: '2027-08-03T00:00:00Z',
        endsAt: '2027-08-05T00:00:00Z',
        approve: true,
      })
      .expect(201);
    await api(manager)
      .post(`/approvals/${await approvalOf(t, ivo.practitionerId)}/suspensions`, { reason: 'Health' })
      .expect(201);
    const auditor = await t.user(['auditor']);
    const week = '/rota/fairness?from=2027-08-02T00:00:00Z&to=2027-08-09T00:00:00Z';
    const seenBy = async (u: TestUser) => {
      const body = (await api(u).get(week).expect(200)).body;
      const row = (id: string) => body.people.find((r: { practitionerId: string }) => r.practitionerId === id);
      const excluded = (id: string) => body.excluded.find((r: { practitionerId: string }) => r.practitionerId === id);
      return { body, hana: row(hana.practitionerId), ivo: row(ivo.practitionerId), ivoExcluded: excluded(ivo.practitionerId) };
    };
    const byManager = await seenBy(manager);
    expect(byManager.hana).toMatchObject({ unavailableFor: ['leave'], availability: Math.round((5 / 7) * 1e4) / 1e4 });
    expect(byManager.ivo).toMatchObject({ unavailableFor: ['suspended'], availability: 0 });
    expect(byManager.ivoExcluded).toMatchObject({ reasons: ['suspended'] });
    expect((await seenBy(auditor)).body).toEqual(byManager.body);

    // A colleague: the same figures, the reasons neutral.
    const byColleague = await seenBy(senior);
    expect(byColleague.hana).toEqual({ ...byManager.hana, unavailableFor: ['unavailable'] });
    expect(byColleague.ivo).toEqual({ ...byManager.ivo, unavailableFor: ['unavailable'] });
    expect(byColleague.ivoExcluded).toEqual({ ...byManager.ivoExcluded, reasons: ['unavailable'] });
    expect(JSON.stringify(byColleague.body)).not.toMatch(/"(leave|suspended)"/);
    expect(byColleague.body.spread).toBe(byManager.body.spread);

    // Hana herself: her own reason, not Ivo's.
    const byHana = await seenBy(hana);
    expect(byHana.hana).toEqual(byManager.hana);
    expect(byHana.ivo.unavailableFor).toEqual(['unavailable']);
  });

  // Last: a suspension takes the AMHP off every shift ahead of her (AMHP-07), the earlier tests' too.
  // The publication's snapshot is taken when it locks the plan; the other write is decided while it waits for the
  // AMHP's rota lock. Another transaction holds that lock until both wait on it, the other write first: the race made certain.
  it.each([
    [
      'leave approved',
      '2027-06-07',
      async (practitionerId: string) =>
        api(manager).post('/rota/leave', {
          practitionerId,
          kind: 'sick',
          startsAt: '2027-06-07T00:00:00Z',
          endsAt: '2027-06-08T00:00:00Z',
          approve: true,
        }),
      'on-leave',
    ],
    [
      'approval suspended',
      '2027-06-14',
      async (practitionerId: string) =>
        api(manager).post(`/approvals/${await approvalOf(t, practitionerId)}/suspensions`, { reason: 'Interim order by the regulator' }),
      'approval-suspended',
    ],
  ])(
    'a plan published while the AMHP has her %s at the same moment does not put her on the shift: the publication is refused 409',
    async (_, day, write, code) => {
      const s = await shift(`${day}T09:00:00Z`, `${day}T17:00:00Z`, { label: 'Race' });
      const p = await propose(`${day}T00:00:00Z`, `${day}T23:00:00Z`);
      const [{ practitionerId }] = p.assignments as Array<{ practitionerId: string }>;
      const holder = new Client({ connectionString: t.databaseUrl });
      await holder.connect();
      const waitingOnLocks = async (n: number) => {
        for (let i = 0; i < 200; i++) {
          const [{ waiting }] = (
            await holder.query<{ waiting: number }>(
              `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rows;
          if (waiting >= n) return;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`fewer than ${n} requests waiting on the AMHP's lock`);
      };
      let other: { status: number };
      let published: { status: number; body: { code?: string; failures?: Array<{ findings: Array<{ code: string }> }> } };
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM practitioners WHERE id = $1 FOR UPDATE', [practitionerId]);
        const otherSent = write(practitionerId).then((r) => r);
        await waitingOnLocks(1);
        const publishSent = api(manager)
          .post(`/rota/plans/${p.id}/publish`, {}, '"v1"')
          .then((r) => r);
        await waitingOnLocks(2);
        await holder.query('ROLLBACK');
        [other, published] = await Promise.all([otherSent, publishSent]);
      } finally {
        await holder.end();
      }
      expect(other.status).toBe(201);
      expect(published.status).toBe(409);
      expect(published.body.code).toBe('plan-invalid');
      expect(published.body.failures?.[0].findings.map((f) => f.code)).toContain(code);
      expect(await planned([s.id])).toEqual([{ n: 0 }]);
      if (code === 'approval-suspended')
        await t.sql(`DELETE FROM approval_suspensions WHERE approval_id = $1`, [await approvalOf(t, practitionerId)]);
    },
  );
});
