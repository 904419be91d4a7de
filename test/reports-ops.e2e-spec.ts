import { parseCsv } from './support/csv';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { amhp } from './support/workforce-fixtures';

type Figure = { section: string; group: string; measure: string; value: unknown; records?: string };

describe('reports: beds and conveyance, workforce and rota, my workload, out-of-hours decisions on a known month', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let admin: TestUser;
  let referrer: TestUser;
  let first: TestUser & { practitionerId: string };
  let second: TestUser & { practitionerId: string };
  let assessmentA: string;
  let assessmentB: string;
  const NOW = '2026-12-01T09:00:00Z';

  const get = (u: TestUser, path: string) => t.http.get(path).set('authorization', u.auth);
  const post = (u: TestUser, path: string, body: object) => t.http.post(path).set('authorization', u.auth).send(body);
  const figures = async (u: TestUser, path: string): Promise<Figure[]> => (await get(u, path).expect(200)).body.figures;
  const value = (fs: Figure[], key: string) => {
    const f = fs.find((x) => `${x.section}.${x.group}.${x.measure}` === key);
    if (!f) throw new Error(`no figure ${key}`);
    return f.value;
  };
  const values = (fs: Figure[], keys: string[]) => Object.fromEntries(keys.map((k) => [k, value(fs, k)]));

  let n = 0;
  /** A referral with one assessment, led by `lead`, and its timeline as the record holds it. */
  async function assessment(spec: {
    lead: TestUser;
    openedAt: string;
    decidedAt: string;
    outcomeKind: string;
    section?: string;
    outcome: Record<string, unknown>;
    timeline?: Array<[string, string, string | null, Record<string, unknown>?]>;
  }) {
    n += 1;
    const [person] = await t.sql<{ id: string }>(
      `INSERT INTO persons (given_name, family_name, created_by) VALUES ('Sam', $1, $2) RETURNING id`,
      [`Ops${n}`, manager.id],
    );
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, allocated_user_id, created_by)
       VALUES ($1, $2, 'received', 'gp', 'urgent', $3, '{"name":"Dr Referrer"}', 'Fixture referral', '{"toSelf":false,"toOthers":false,"fromOthers":false}', '{"kind":"informal"}', $4, $5)
       RETURNING id`,
      [`R-OPS-${n}`, person.id, spec.openedAt, spec.lead.id, manager.id],
    );
    const [a] = await t.sql<{ id: string }>(
      `INSERT INTO assessments (referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, outcome, decided_at, opened_at, created_by)
       VALUES ($1, $2, 'decided', $3, $4, $5, $6, $7, $8, $3) RETURNING id`,
      [r.id, person.id, spec.lead.id, spec.outcomeKind, spec.section ?? null, spec.outcome, spec.decidedAt, spec.openedAt],
    );
    for (const [type, at, delay, data] of spec.timeline ?? [])
      await t.sql(
        `INSERT INTO assessment_events (assessment_id, type, at, delay_reason, data, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`,
        [a.id, type, at, delay, data ?? {}, spec.lead.id],
      );
    return a.id;
  }

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    [manager, auditor, admin, referrer] = await Promise.all([
      t.user(['manager']),
      t.user(['auditor']),
      t.user(['admin']),
      t.user(['referrer']),
    ]);
    // The first AMHP: approved from 1 January 2026, supervised on 20 November (in date).
    first = await amhp(t);
    // The second: a mental health nurse at 0.5 FTE, approved 1 May 2022 to 30 April 2027 (ending within six months of
    // 30 November), with only the first year's training (later years short), last supervised on 1 September (overdue).
    second = await amhp(t, { approval: { startsOn: '2022-05-01', endsOn: '2027-04-30' } });
    await t.sql(`UPDATE practitioners SET profession = 'mental-health-nurse', fte = 0.5 WHERE id = $1`, [second.practitionerId]);
    for (const [p, heldOn] of [
      [first.practitionerId, '2026-11-20'],
      [second.practitionerId, '2026-09-01'],
    ])
      await t.sql(
        `INSERT INTO supervision_sessions (supervisee_id, supervisor_user_id, held_on, type, duration_minutes, recorded_by) VALUES ($1, $2, $3, 'professional', 60, $2)`,
        [p, manager.id, heldOn],
      );

    // The rota: Monday 2 November, a day shift (1 needed, the first AMHP) and a night shift (2 needed, only the second).
    const shift = async (startsAt: string, endsAt: string, required: number, who: Array<TestUser & { practitionerId: string }>) => {
      const [s] = await t.sql<{ id: string }>(
        `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count) VALUES ('2026-11-02', 'Fixture', $1, $2, $3) RETURNING id`,
        [startsAt, endsAt, required],
      );
      for (const u of who)
        await t.sql(
          `INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
          [s.id, u.practitionerId, u.id, startsAt, endsAt, manager.id],
        );
    };
    await shift('2026-11-02T09:00:00Z', '2026-11-02T17:00:00Z', 1, [first]);
    await shift('2026-11-02T17:00:00Z', '2026-11-03T09:00:00Z', 2, [second]);

    // A: the first AMHP, Monday 2 November 18:00 (out of hours, in the night shift): s.2 at 20:00; a bed out of area
    // at 21:00 (60 min), an ambulance at 22:30 (90 min more), admitted at 23:00.
    assessmentA = await assessment({
      lead: first,
      openedAt: '2026-11-02T18:00:00Z',
      decidedAt: '2026-11-02T20:00:00Z',
      outcomeKind: 'application',
      section: 's2',
      outcome: { application: { section: 's2', signedAt: '2026-11-02T20:00:00.000Z' } },
      timeline: [
        ['bed-identified', '2026-11-02T21:00:00Z', null, { bedOutOfArea: true }],
        ['conveyance-arrived', '2026-11-02T22:30:00Z', null, { conveyanceMode: 'ambulance' }],
        ['admitted', '2026-11-02T23:00:00Z', null],
      ],
    });
    // B: the first AMHP, Wednesday 25 November, in hours: s.3 signed at 12:00 and never admitted. A bed and the
    // conveyance are recorded through the API below.
    assessmentB = await assessment({
      lead: first,
      openedAt: '2026-11-25T10:00:00Z',
      decidedAt: '2026-11-25T12:00:00Z',
      outcomeKind: 'application',
      section: 's3',
      outcome: { application: { section: 's3', signedAt: '2026-11-25T12:00:00.000Z' } },
    });
    // C: the second AMHP, Saturday 14 November 02:00: unable to complete, no bed.
    await assessment({
      lead: second,
      openedAt: '2026-11-14T02:00:00Z',
      decidedAt: '2026-11-14T04:00:00Z',
      outcomeKind: 'not-detained',
      outcome: { alternatives: ['unable-to-complete'] },
      timeline: [['bed-requested', '2026-11-14T03:00:00Z', 'no-bed']],
    });

    // Out-of-hours decisions: a s.42 coded to the SAC, a DoLS extension granted for 7 days, a draft (not counted).
    const decision = async (type: string, occurredAt: string, content: object, details: object, signed = true) =>
      t.sql(
        `INSERT INTO decisions (type, status, author_user_id, occurred_at, content, details, signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [type, signed ? 'signed' : 'draft', first.id, occurredAt, content, details, signed ? occurredAt : null],
      );
    await decision(
      'adult-safeguarding',
      '2026-11-03T22:00:00Z',
      { sac: { typeOfRisk: ['physical', 'domestic-abuse'], locationOfRisk: 'own-home' } },
      {},
    );
    await decision('dols-extension', '2026-11-04T22:00:00Z', {}, { extension: { decision: 'extended', days: 7 } });
    await decision('adult-safeguarding', '2026-11-05T22:00:00Z', {}, {}, false);
    // The handover of Tuesday 3 November, compiled at 08:00: one item acknowledged at 08:45, one not.
    const [h] = await t.sql<{ id: string }>(
      `INSERT INTO handovers (handover_date, period_from, compiled_at) VALUES ('2026-11-03', '2026-11-02T08:00:00Z', '2026-11-03T08:00:00Z') RETURNING id`,
    );
    await t.sql(
      `INSERT INTO handover_items (handover_id, item_type, item_id, summary, first_handed_over_on, acknowledged_at)
       VALUES ($1, 'decision', gen_random_uuid(), '{}', '2026-11-03', '2026-11-03T08:45:00Z'), ($1, 'referral', gen_random_uuid(), '{}', '2026-11-03', NULL)`,
      [h.id],
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('a bed identified and a conveyance recorded on the timeline carry whether the bed is out of area and the mode', async () => {
    await post(manager, `/assessments/${assessmentB}/events`, {
      type: 'bed-identified',
      at: '2026-11-25T15:00:00Z',
      bedOutOfArea: false,
    }).expect(201);
    const wrong = await post(manager, `/assessments/${assessmentB}/events`, {
      type: 'bed-identified',
      at: '2026-11-25T15:00:00Z',
      conveyanceMode: 'ambulance',
    }).expect(422);
    expect(wrong.body.field).toBe('conveyanceMode');
    await post(manager, `/assessments/${assessmentB}/events`, {
      type: 'conveyance-requested',
      at: '2026-11-25T16:00:00Z',
      conveyanceMode: 'bicycle',
    }).expect(400);
    await post(manager, `/assessments/${assessmentB}/events`, {
      type: 'conveyance-requested',
      at: '2026-11-25T16:00:00Z',
      conveyanceMode: 'police-vehicle',
    }).expect(201);
  });

  it('beds and conveyance: the steps timed, out-of-area beds, modes, people waiting at the month end and no-bed assessments', async () => {
    const fs = await figures(manager, '/reports/beds-and-conveyance?period=2026-11');
    expect(
      values(fs, [
        'summary.all.applications',
        'summary.all.bed-identified',
        'summary.all.out-of-area',
        'summary.all.in-area',
        'steps.decision-to-bed.median',
        'steps.bed-to-conveyance.median',
        'conveyance-mode.ambulance.conveyances',
        'conveyance-mode.police-vehicle.conveyances',
        'waiting.all.waiting',
        'waiting.all.longest-wait',
        'not-completed.all.no-bed',
      ]),
    ).toEqual({
      'summary.all.applications': 2,
      'summary.all.bed-identified': 2,
      'summary.all.out-of-area': 1,
      'summary.all.in-area': 1,
      // 60 min (A) and 180 min (B): the median is their mean.
      'steps.decision-to-bed.median': 120,
      'steps.bed-to-conveyance.median': 90,
      'conveyance-mode.ambulance.conveyances': 1,
      'conveyance-mode.police-vehicle.conveyances': 1,
      // B, signed 25 November 12:00 and not admitted: 5 days 12 hours at midnight on 30 November (GMT).
      'waiting.all.waiting': 1,
      'waiting.all.longest-wait': 7920,
      'not-completed.all.no-bed': 1,
    });
    const outOfArea = fs.find((f) => f.section === 'summary' && f.measure === 'out-of-area')!;
    const records = (await get(manager, outOfArea.records!).expect(200)).body;
    expect(records.items.map((i: { assessmentId: string }) => i.assessmentId)).toEqual([assessmentA]);
  });

  it('workforce: headcount, FTE and profession, approvals ending, supervision and training, rota fill, assessments per FTE', async () => {
    const fs = await figures(manager, '/reports/workforce?period=2026-11');
    expect(
      values(fs, [
        'amhps.all.headcount',
        'amhps.all.fte',
        'amhps.mental-health-nurse.fte',
        'compliance.all.approvals-ending',
        'compliance.all.supervision-in-date',
        'compliance.all.supervision-overdue',
        'compliance.all.training-short',
        'rota.all.required',
        'rota.all.filled',
        'rota.all.fill-rate',
        'rota.all.gaps',
        'productivity.all.assessments',
        'productivity.all.per-fte',
        'out-of-hours-load.all.shifts',
        'out-of-hours-load.all.assessments',
      ]),
    ).toEqual({
      'amhps.all.headcount': 2,
      'amhps.all.fte': 1.5,
      'amhps.mental-health-nurse.fte': 0.5,
      'compliance.all.approvals-ending': 1,
      'compliance.all.supervision-in-date': 1,
      'compliance.all.supervision-overdue': 1,
      'compliance.all.training-short': 1,
      'rota.all.required': 3,
      'rota.all.filled': 2,
      'rota.all.fill-rate': 0.667,
      'rota.all.gaps': 1,
      'productivity.all.assessments': 3,
      'productivity.all.per-fte': 2,
      'out-of-hours-load.all.shifts': 1,
      'out-of-hours-load.all.assessments': 1,
    });
    // Behind a staff figure, the practitioners; behind a rota figure, its shifts (no person's record either way).
    const staff = (
      await get(manager, fs.find((f) => f.section === 'amhps' && f.group === 'all' && f.measure === 'headcount')!.records!).expect(200)
    ).body.items;
    expect(staff.map((i: { practitionerId: string }) => i.practitionerId).sort()).toEqual(
      [first.practitionerId, second.practitionerId].sort(),
    );
    expect(staff.every((i: { personId: unknown; referralId: unknown }) => i.personId === null && i.referralId === null)).toBe(true);
    const gaps = (
      await get(manager, fs.find((f) => f.section === 'rota' && f.group === 'all' && f.measure === 'gaps')!.records!).expect(200)
    ).body.items;
    expect(gaps).toEqual([expect.objectContaining({ at: '2026-11-02T17:00:00.000Z', shiftId: expect.any(String) })]);
  });

  it('out of hours: decisions by type, s.42 by SAC category, DoLS extensions and the time to acknowledge handover items', async () => {
    const fs = await figures(admin, '/reports/out-of-hours?period=2026-11');
    expect(
      values(fs, [
        'by-type.adult-safeguarding.decisions',
        'by-type.total.decisions',
        'sac-typeOfRisk.physical.decisions',
        'sac-typeOfRisk.domestic-abuse.decisions',
        'sac-locationOfRisk.own-home.decisions',
        'sac-action.not-coded.decisions',
        'dols.all.extended',
        'handover.all.items',
        'handover.all.not-acknowledged',
        'handover.all.median',
      ]),
    ).toEqual({
      'by-type.adult-safeguarding.decisions': 1,
      'by-type.total.decisions': 2,
      'sac-typeOfRisk.physical.decisions': 1,
      'sac-typeOfRisk.domestic-abuse.decisions': 1,
      'sac-locationOfRisk.own-home.decisions': 1,
      'sac-action.not-coded.decisions': 1,
      'dols.all.extended': 1,
      'handover.all.items': 2,
      'handover.all.not-acknowledged': 1,
      'handover.all.median': 45,
    });
  });

  it('an AMHP reads her own workload and nobody else’s; she may not read the hub’s reports', async () => {
    const mine = await figures(first, '/reports/my-workload?period=2026-11');
    expect(
      values(mine, [
        'summary.all.led',
        'summary.all.out-of-hours',
        'by-outcome.application-s2.decided',
        'by-outcome.application-s3.decided',
      ]),
    ).toEqual({
      'summary.all.led': 2,
      'summary.all.out-of-hours': 1,
      'by-outcome.application-s2.decided': 1,
      'by-outcome.application-s3.decided': 1,
    });
    expect(mine.every((f) => f.records === undefined)).toBe(true);
    expect(value(await figures(second, '/reports/my-workload?period=2026-11'), 'summary.all.led')).toBe(1);
    expect(value(await figures(manager, '/reports/my-workload?period=2026-11'), 'summary.all.led')).toBe(0);
    for (const path of ['/reports/beds-and-conveyance', '/reports/workforce', '/reports/out-of-hours'])
      await get(first, `${path}?period=2026-11`).expect(403);
    for (const u of [auditor, admin, referrer]) await get(u, '/reports/my-workload?period=2026-11').expect(403);
  });

  it('an auditor sees the figures suppressed and no links to records', async () => {
    const body = (await get(auditor, '/reports/beds-and-conveyance?period=2026-11').expect(200)).body;
    expect(body.suppressed).toBe(true);
    expect(value(body.figures, 'summary.all.applications')).toBe('[c]');
    expect(value(body.figures, 'steps.decision-to-bed.median')).toBe('[c]');
    expect(body.figures.every((f: Figure) => f.records === undefined)).toBe(true);
    const workforce = await figures(auditor, '/reports/workforce?period=2026-11');
    expect(value(workforce, 'amhps.all.headcount')).toBe('[c]');
    // A figure derived from a hidden count is hidden too: 3 assessments over 1.5 FTE would give the 3 back.
    expect(
      values(workforce, [
        'productivity.all.assessments',
        'productivity.all.fte',
        'productivity.all.per-fte',
        'out-of-hours-load.all.assessments',
        'out-of-hours-load.all.per-shift',
      ]),
    ).toEqual({
      'productivity.all.assessments': '[c]',
      'productivity.all.fte': '[c]',
      'productivity.all.per-fte': '[c]',
      'out-of-hours-load.all.assessments': '[c]',
      'out-of-hours-load.all.per-shift': '[c]',
    });
  });

  it('workforce for a period that has not ended: supervision and training as at today, not at its last day, and the date said in JSON, CSV and HTML', async () => {
    // Today is 1 December 2026; the quarter ends on 31 December. The first AMHP, supervised on 20 November, is in date
    // today: judged at 31 December she would be counted overdue, as if no supervision will be held before then.
    const report = (await get(manager, '/reports/workforce?period=2026-Q4').expect(200)).body;
    expect(values(report.figures, ['compliance.all.supervision-in-date', 'compliance.all.supervision-overdue'])).toEqual({
      'compliance.all.supervision-in-date': 1,
      'compliance.all.supervision-overdue': 1,
    });
    const label = (measure: string) =>
      (report.figures as Array<Figure & { measureLabel: string }>).find((f) => f.section === 'compliance' && f.measure === measure)!
        .measureLabel;
    expect(label('supervision-in-date')).toBe('Supervision in date, as at 2026-12-01');
    expect(label('training-short')).toBe('Training: an approval year ended short of the hours, as at 2026-12-01');
    expect(report.definitions).toContain(
      'Supervision and training are judged as at 2026-12-01, today: the period ends on 2026-12-31, and what will be recorded before then is not known yet.',
    );
    // A period that has ended is judged at its last day, and says so.
    const november = (await get(manager, '/reports/workforce?period=2026-11').expect(200)).body;
    expect(november.definitions).toContain('Supervision and training are judged as at 2026-11-30, the last day of the period.');

    const [header, ...rows] = parseCsv((await get(manager, '/reports/workforce?period=2026-Q4&format=csv').expect(200)).text);
    const at = (name: string) => header.indexOf(name);
    const row = rows.find((r) => r[at('section')] === 'compliance' && r[at('measure')] === 'supervision-overdue')!;
    expect([row[at('measure_label')], row[at('value')]]).toEqual(['Supervision overdue, as at 2026-12-01', '1']);
    const html = (await get(manager, '/reports/workforce?period=2026-Q4&format=html').expect(200)).text;
    expect(html).toContain('Supervision in date, as at 2026-12-01');
    expect(html).toContain('judged as at 2026-12-01, today');
  });

  it('the CSV parses back to the same figures, the HTML page has its charts and escapes what it shows, the PDF is a PDF', async () => {
    const csv = await get(manager, '/reports/beds-and-conveyance?period=2026-11&format=csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(csv.text);
    const at = (name: string) => header.indexOf(name);
    const row = rows.find((r) => r[at('section')] === 'summary' && r[at('measure')] === 'out-of-area')!;
    expect(row[at('value')]).toBe('1');

    const html = await get(manager, `/reports/workforce?period=2026-11&format=html&team=${encodeURIComponent('<b>North</b>')}`).expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('<svg');
    expect(html.text).toContain('Rota: AMHPs required and filled');
    expect(html.text).toContain('&lt;b&gt;North&lt;/b&gt;');
    expect(html.text).not.toContain('<b>North</b>');
    const ooh = await get(manager, '/reports/out-of-hours?period=2026-11&format=html').expect(200);
    expect(ooh.text).toContain('s.42 decisions by type of risk (SG2a)');

    const pdf = await get(manager, '/reports/out-of-hours?period=2026-11&format=pdf')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
