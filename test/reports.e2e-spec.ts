import { parseCsv } from './support/csv';
import { createTestApp, TestApp, TestUser } from './support/test-app';

type Figure = { section: string; group: string; measure: string; value: unknown; records?: string };

describe('reports: activity, timeliness and places of safety on a known month', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let admin: TestUser;
  let amhp: TestUser;
  let referrer: TestUser;
  let north: TestUser;
  let south: TestUser;
  const NOW = '2026-12-01T09:00:00Z';

  const get = (u: TestUser, path: string) => t.http.get(path).set('authorization', u.auth);
  const value = (figures: Figure[], key: string) => {
    const f = figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key);
    if (!f) throw new Error(`no figure ${key}`);
    return f.value;
  };
  const values = (figures: Figure[], keys: string[]) => Object.fromEntries(keys.map((k) => [k, value(figures, k)]));

  let n = 0;
  /** A referral as the record holds it: received, its referral events, and at most one assessment with its timeline. */
  async function referral(spec: {
    source: string;
    legalContext: Record<string, unknown>;
    receivedAt: string;
    events?: Array<[string, string]>;
    allocatedTo?: TestUser;
    assessment?: {
      openedAt: string;
      decidedAt?: string;
      outcomeKind?: string;
      section?: string;
      outcome?: Record<string, unknown>;
      timeline?: Array<[string, string, string?]>;
    };
    extension?: { hours: number; reason: string; at: string };
  }) {
    n += 1;
    const [person] = await t.sql<{ id: string }>(
      `INSERT INTO persons (given_name, family_name, created_by) VALUES ('Pat', $1, $2) RETURNING id`,
      [`Fixture${n}`, manager.id],
    );
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, allocated_user_id, created_by)
       VALUES ($1, $2, 'received', $3, 'urgent', $4, '{"name":"Dr Referrer"}', 'Fixture referral', '{"toSelf":false,"toOthers":false,"fromOthers":false}', $5, $6, $7)
       RETURNING id`,
      [`R-FIX-${n}`, person.id, spec.source, spec.receivedAt, spec.legalContext, spec.allocatedTo?.id ?? null, manager.id],
    );
    await t.sql(`INSERT INTO referral_events (referral_id, at, type) VALUES ($1, $2, 'received')`, [r.id, spec.receivedAt]);
    for (const [type, at] of spec.events ?? [])
      await t.sql(`INSERT INTO referral_events (referral_id, at, type) VALUES ($1, $2, $3)`, [r.id, at, type]);
    if (spec.extension)
      await t.sql(
        `INSERT INTO referral_extensions (referral_id, authorised_at, minutes, authorised_by, reason, recorded_by) VALUES ($1, $2, $3, 'examining-doctor', $4, $5)`,
        [r.id, spec.extension.at, Math.round(spec.extension.hours * 60), spec.extension.reason, manager.id],
      );
    const a = spec.assessment;
    if (a) {
      const [row] = await t.sql<{ id: string }>(
        `INSERT INTO assessments (referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, outcome, decided_at, opened_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $4) RETURNING id`,
        [
          r.id,
          person.id,
          a.decidedAt ? 'decided' : 'open',
          spec.allocatedTo!.id,
          a.outcomeKind ?? null,
          a.section ?? null,
          a.outcome ?? null,
          a.decidedAt ?? null,
          a.openedAt,
        ],
      );
      for (const [type, at, delay] of a.timeline ?? [])
        await t.sql(`INSERT INTO assessment_events (assessment_id, type, at, delay_reason, recorded_by) VALUES ($1, $2, $3, $4, $5)`, [
          row.id,
          type,
          at,
          delay ?? null,
          spec.allocatedTo!.id,
        ]);
    }
    return r.id;
  }

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    [manager, auditor, admin, amhp, referrer, north, south] = await Promise.all([
      t.user(['manager']),
      t.user(['auditor']),
      t.user(['admin']),
      t.user(['amhp']),
      t.user(['referrer']),
      t.user(['amhp']),
      t.user(['amhp']),
    ]);
    for (const [u, team] of [
      [north, 'North'],
      [south, 'South'],
    ] as const)
      await t.sql(
        `INSERT INTO practitioners (user_id, profession, registration_body, registration_number, team) VALUES ($1, 'social-worker', 'Social Work England', $2, $3)`,
        [u.id, `SW-${team}`, team],
      );
    // Friday 20 November 2026 is a bank holiday for this test: R7, received that morning, counts as a weekend referral.
    await t.sql(`INSERT INTO bank_holidays (date, name) VALUES ('2026-11-20', 'Fixture holiday')`);
    const s136 = (over: Record<string, unknown>) => ({ kind: 's136', locationType: 'public-place', ...over });

    // R1 (GP, Monday 2 Nov 10:00, in hours): every step, s.2 application and admission.
    await referral({
      source: 'gp',
      legalContext: { kind: 'informal' },
      receivedAt: '2026-11-02T10:00:00Z',
      events: [
        ['accepted', '2026-11-02T10:30:00Z'],
        ['allocated', '2026-11-02T11:00:00Z'],
      ],
      allocatedTo: north,
      assessment: {
        openedAt: '2026-11-02T11:00:00Z',
        decidedAt: '2026-11-02T14:30:00Z',
        outcomeKind: 'application',
        section: 's2',
        outcome: { application: { section: 's2', signedAt: '2026-11-02T14:30:00.000Z' } },
        timeline: [
          ['doctors-requested', '2026-11-02T11:30:00Z'],
          ['doctor-arrived', '2026-11-02T12:00:00Z'],
          ['doctor-arrived', '2026-11-02T13:00:00Z'],
          ['interview-started', '2026-11-02T13:30:00Z'],
          ['admitted', '2026-11-02T16:30:00Z'],
        ],
      },
    });
    // R2 (GP, Saturday 7 Nov): not accepted after 20 minutes.
    await referral({
      source: 'gp',
      legalContext: { kind: 'informal' },
      receivedAt: '2026-11-07T12:00:00Z',
      events: [['not-accepted', '2026-11-07T12:20:00Z']],
    });
    // R3 (CMHT, Tuesday 3 Nov 20:00, out of hours): transferred after an hour.
    await referral({
      source: 'cmht',
      legalContext: { kind: 'informal' },
      receivedAt: '2026-11-03T20:00:00Z',
      events: [['transferred', '2026-11-03T21:00:00Z']],
    });
    // R4 (s.136, health-based, arrived 00:30 Wed 4 Nov): interview at 03:00 (150 min, within the 3 h target), not detained.
    await referral({
      source: 'police-s136',
      legalContext: s136({ placeOfSafetyType: 'health-based', arrivedAt: '2026-11-04T00:30:00Z' }),
      receivedAt: '2026-11-04T01:00:00Z',
      events: [
        ['accepted', '2026-11-04T01:10:00Z'],
        ['allocated', '2026-11-04T01:40:00Z'],
      ],
      allocatedTo: south,
      assessment: {
        openedAt: '2026-11-04T01:40:00Z',
        decidedAt: '2026-11-04T04:00:00Z',
        outcomeKind: 'not-detained',
        outcome: { alternatives: ['crisis-home-treatment', 'community-follow-up'] },
        timeline: [['interview-started', '2026-11-04T03:00:00Z']],
      },
    });
    // R5 (s.136, a CHILD at a police station, arrived 10:00 Thu 5 Nov): interview 23 h later (within 24 h), s.3.
    await referral({
      source: 'police-s136',
      legalContext: s136({ placeOfSafetyType: 'police-station', personUnder18: true, arrivedAt: '2026-11-05T10:00:00Z' }),
      receivedAt: '2026-11-05T10:05:00Z',
      events: [
        ['accepted', '2026-11-05T10:15:00Z'],
        ['allocated', '2026-11-05T10:45:00Z'],
      ],
      allocatedTo: south,
      assessment: {
        openedAt: '2026-11-05T10:45:00Z',
        decidedAt: '2026-11-06T10:00:00Z',
        outcomeKind: 'application',
        section: 's3',
        outcome: { application: { section: 's3', signedAt: '2026-11-06T10:00:00.000Z' } },
        timeline: [['interview-started', '2026-11-06T09:00:00Z']],
      },
    });
    // R6 (s.136, arrived 08:00 Mon 9 Nov): a 12 h s.136B extension for want of a bed; interview 26 h after arrival
    // (within 24 h + 12 h); unable to complete: no bed.
    await referral({
      source: 'police-s136',
      legalContext: s136({ placeOfSafetyType: 'health-based', arrivedAt: '2026-11-09T08:00:00Z' }),
      receivedAt: '2026-11-09T08:10:00Z',
      events: [
        ['accepted', '2026-11-09T08:20:00Z'],
        ['allocated', '2026-11-09T08:50:00Z'],
      ],
      extension: { hours: 12, reason: 'bed-unavailable', at: '2026-11-10T06:00:00Z' },
      allocatedTo: south,
      assessment: {
        openedAt: '2026-11-09T08:50:00Z',
        decidedAt: '2026-11-10T11:00:00Z',
        outcomeKind: 'not-detained',
        outcome: { alternatives: ['unable-to-complete'] },
        timeline: [
          ['bed-requested', '2026-11-09T12:00:00Z', 'no-bed'],
          ['interview-started', '2026-11-10T10:00:00Z'],
        ],
      },
    });
    // R7 (s.136 at A&E, arrived 10:00 on the bank holiday): never assessed, so the limit passed: a breach.
    await referral({
      source: 'police-s136',
      legalContext: s136({ placeOfSafetyType: 'a-and-e', arrivedAt: '2026-11-20T10:00:00Z' }),
      receivedAt: '2026-11-20T10:00:00Z',
      events: [['accepted', '2026-11-20T10:30:00Z']],
    });
    // R8 (GP, received 30 October): its assessment is arranged and decided in November (a recalled patient: the AMHP
    // agreed to revoking the CTO, CTO-03, counted as a revocation, not as a new CTO).
    await referral({
      source: 'gp',
      legalContext: { kind: 'cto-recall' },
      receivedAt: '2026-10-30T12:00:00Z',
      events: [
        ['accepted', '2026-10-30T13:00:00Z'],
        ['allocated', '2026-10-30T14:00:00Z'],
      ],
      allocatedTo: north,
      assessment: {
        openedAt: '2026-11-02T09:30:00Z',
        decidedAt: '2026-11-02T12:00:00Z',
        outcomeKind: 'cto-decision',
        outcome: { cto: { decision: 'agree', signedAt: '2026-11-02T12:00:00.000Z' } },
      },
    });
    // R9 (GP, the last minute of November, out of hours) and R10 (the first minute of December: not in November).
    await referral({ source: 'gp', legalContext: { kind: 'informal' }, receivedAt: '2026-11-30T23:59:00Z' });
    await referral({ source: 'gp', legalContext: { kind: 'informal' }, receivedAt: '2026-12-01T00:00:00Z' });
  });
  afterAll(() => t.close());

  describe('activity', () => {
    it('counts the month: referrals, screened out by reason, assessments arranged, completed and not, outcomes and the detention rate', async () => {
      const res = await get(manager, '/reports/activity?period=2026-11').expect(200);
      expect(res.body).toMatchObject({
        report: 'activity',
        period: { label: '2026-11', from: '2026-11-01', to: '2026-11-30' },
        suppressed: false,
      });
      const f = res.body.figures as Figure[];
      expect(
        values(f, [
          'by-month.2026-11.referrals',
          'by-month.2026-11.screened-out',
          'by-month.2026-11.arranged',
          'by-month.2026-11.completed',
          'by-month.2026-11.not-completed',
          'by-month.2026-11.detentions',
          'by-month.2026-11.detention-rate',
          'by-month.total.referrals',
          'screened-out-by-reason.not-accepted.screened-out',
          'screened-out-by-reason.transferred.screened-out',
          'not-completed-by-reason.no-bed.not-completed',
          'outcomes.application-s2.assessments',
          'outcomes.application-s3.assessments',
          'outcomes.application-s4.assessments',
          'outcomes.cto-revocation-agree.assessments',
          'outcomes.not-detained.assessments',
          'outcomes.not-completed.assessments',
          'alternatives.crisis-home-treatment.assessments',
        ]),
      ).toEqual({
        'by-month.2026-11.referrals': 8,
        'by-month.2026-11.screened-out': 2,
        'by-month.2026-11.arranged': 5,
        'by-month.2026-11.completed': 4,
        'by-month.2026-11.not-completed': 1,
        'by-month.2026-11.detentions': 2,
        'by-month.2026-11.detention-rate': 0.5,
        'by-month.total.referrals': 8,
        'screened-out-by-reason.not-accepted.screened-out': 1,
        'screened-out-by-reason.transferred.screened-out': 1,
        'not-completed-by-reason.no-bed.not-completed': 1,
        'outcomes.application-s2.assessments': 1,
        'outcomes.application-s3.assessments': 1,
        'outcomes.application-s4.assessments': 0,
        'outcomes.cto-revocation-agree.assessments': 1,
        // The one not completed (no bed) is no decision not to detain: counted apart, and is no alternative.
        'outcomes.not-detained.assessments': 1,
        'outcomes.not-completed.assessments': 1,
        'alternatives.crisis-home-treatment.assessments': 1,
      });
      expect(f.filter((x) => x.section === 'alternatives').map((x) => x.group)).not.toContain('unable-to-complete');
    });

    it('splits referrals into in hours, out of hours and weekends, a bank holiday counting as a weekend', async () => {
      const f = (await get(manager, '/reports/activity?period=2026-11').expect(200)).body.figures as Figure[];
      expect(values(f, ['hours.in.referrals', 'hours.out.referrals', 'hours.weekend.referrals'])).toEqual({
        'hours.in.referrals': 2,
        'hours.out.referrals': 4,
        'hours.weekend.referrals': 2,
      });
    });

    it('filters by source, team and hours band, and counts a quarter by its months', async () => {
      const bySource = (await get(manager, '/reports/activity?period=2026-11&source=police-s136').expect(200)).body.figures;
      expect(value(bySource, 'by-month.total.referrals')).toBe(4);
      const byTeam = (await get(manager, '/reports/activity?period=2026-11&team=North').expect(200)).body.figures;
      expect(values(byTeam, ['by-month.total.referrals', 'by-month.total.arranged', 'by-month.total.completed'])).toEqual({
        'by-month.total.referrals': 1,
        'by-month.total.arranged': 2,
        'by-month.total.completed': 2,
      });
      const weekend = (await get(manager, '/reports/activity?period=2026-11&hours=weekend').expect(200)).body.figures;
      expect(value(weekend, 'by-month.total.referrals')).toBe(2);
      const quarter = (await get(manager, '/reports/activity?period=2026-Q4').expect(200)).body.figures;
      expect(
        values(quarter, [
          'by-month.2026-10.referrals',
          'by-month.2026-11.referrals',
          'by-month.2026-12.referrals',
          'by-month.total.referrals',
        ]),
      ).toEqual({
        'by-month.2026-10.referrals': 1,
        'by-month.2026-11.referrals': 8,
        'by-month.2026-12.referrals': 1,
        'by-month.total.referrals': 10,
      });
    });

    it('refuses a bad period or filter with a 400 naming the field, on every report, a year 0 among them', async () => {
      for (const report of ['activity', 'timeliness', 'equity', 'workforce'])
        for (const [query, field] of [
          ['period=FY0000', 'period'],
          ['from=1999-12-01&to=2000-01-31', 'from'],
          ['from=9999-12-01&to=9999-12-31', 'to'],
        ]) {
          const res = await get(manager, `/reports/${report}?${query}`).expect(400);
          expect(JSON.stringify(res.body.errors)).toContain(`"${field}"`);
        }
      for (const [query, field] of [
        ['period=2026-13', 'period'],
        ['', 'period'],
        ['from=2026-11-01', 'to'],
        ['period=2026-11&hours=night', 'hours'],
        ['period=2026-11&legalContext=s999', 'legalContext'],
        ['period=2026-11&format=xls', 'format'],
      ]) {
        const res = await get(manager, `/reports/activity?${query}`).expect(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(JSON.stringify(res.body.errors)).toContain(`"${field}"`);
      }
    });
    it('refuses a period that ends before it starts, or that has not started yet (today is 1 December 2026), with a 422 naming the field, on every report and its records', async () => {
      for (const path of [
        'activity',
        'timeliness',
        'places-of-safety',
        'equity',
        'repeat-assessments',
        'out-of-area',
        'beds-and-conveyance',
        'workforce',
        'out-of-hours',
        'returns/sac',
        'returns/dols',
        'returns/guardianship',
        'returns/workforce-survey',
        'data-quality',
        'activity/records?figure=by-month.total.referrals&',
      ])
        for (const [query, field, code] of [
          ['from=2026-11-30&to=2026-11-01', 'to', 'bad-period'],
          ['period=2027-01', 'period', 'period-in-future'],
          ['period=FY2027', 'period', 'period-in-future'],
          ['period=FY9999', 'period', 'period-in-future'],
          ['from=2026-12-02&to=2026-12-31', 'from', 'period-in-future'],
          ['from=2030-12-01&to=2030-12-31', 'from', 'period-in-future'],
        ]) {
          const url = path.includes('?') ? `/reports/${path}${query}` : `/reports/${path}?${query}`;
          const res = await get(manager, url).expect(422);
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect([res.body.code, res.body.errors.map((e: { field: string }) => e.field)]).toEqual([code, [field]]);
        }
      // The month that began today, and a period running on past it, are reported (as far as today).
      await get(manager, '/reports/activity?period=2026-12').expect(200);
      await get(manager, '/reports/activity?from=2026-11-15&to=2027-01-31').expect(200);
    });
  });

  describe('timeliness', () => {
    it('gives the median and 90th percentile of each step of the referrals received in the month', async () => {
      const f = (await get(manager, '/reports/timeliness?period=2026-11').expect(200)).body.figures as Figure[];
      expect(
        values(f, [
          'all.referral-to-screening.count',
          'all.referral-to-screening.median',
          'all.referral-to-screening.p90',
          'all.screening-to-allocation.median',
          'all.doctors-requested-to-doctors-arrived.median',
          'all.application-to-admitted.median',
          'all.referral-to-decision.count',
          'all.referral-to-decision.median',
          'all.referral-to-decision.p90',
          'source-police-s136.referral-to-screening.median',
          'legal-context-s136.interview-to-decision.median',
        ]),
      ).toEqual({
        // R1 30, R2 20, R3 60, R4 10, R5 10, R6 10, R7 30: sorted 10 10 10 20 30 30 60.
        'all.referral-to-screening.count': 7,
        'all.referral-to-screening.median': 20,
        'all.referral-to-screening.p90': 42,
        'all.screening-to-allocation.median': 30,
        // The last doctor arrived at 13:00, 90 min after the request.
        'all.doctors-requested-to-doctors-arrived.median': 90,
        'all.application-to-admitted.median': 120,
        // R1 270, R4 180, R5 1435, R6 1610: median (270 + 1435) / 2 = 852.5, p90 1435 + 0.7 × 175 = 1557.5.
        'all.referral-to-decision.count': 4,
        'all.referral-to-decision.median': 853,
        'all.referral-to-decision.p90': 1558,
        // R4, R5, R6, R7: 10 10 10 30.
        'source-police-s136.referral-to-screening.median': 10,
        'legal-context-s136.interview-to-decision.median': 60,
      });
      expect(
        values(f, [
          'distribution.under-1h.referrals',
          'distribution.1h-4h.referrals',
          'distribution.4h-12h.referrals',
          'distribution.12h-24h.referrals',
          'distribution.24h-72h.referrals',
        ]),
      ).toEqual({
        'distribution.under-1h.referrals': 0,
        'distribution.1h-4h.referrals': 1,
        'distribution.4h-12h.referrals': 1,
        'distribution.12h-24h.referrals': 1,
        'distribution.24h-72h.referrals': 1,
      });
    });
  });

  describe('places of safety', () => {
    it('measures arrival to assessment against the 3 h target and the 24 h limit, with extensions, breaches and the child at a police station', async () => {
      const f = (await get(manager, '/reports/places-of-safety?period=2026-11').expect(200)).body.figures as Figure[];
      expect(
        values(f, [
          'summary.all.detentions',
          'summary.all.within-target',
          'summary.all.within-limit',
          'summary.all.breaches',
          'summary.all.not-started',
          'summary.all.extensions',
          'summary.all.under-18-police-station',
          'summary.all.median-wait',
          'summary.all.p90-wait',
          'place-type.health-based.detentions',
          'place-type.police-station.under-18',
          'extension-reasons.bed-unavailable.extensions',
          'outcomes.application-s3.detentions',
          'outcomes.not-detained.detentions',
          'outcomes.not-completed.detentions',
          'outcomes.no-outcome.detentions',
        ]),
      ).toEqual({
        'summary.all.detentions': 4,
        'summary.all.within-target': 1,
        'summary.all.within-limit': 3,
        'summary.all.breaches': 1,
        'summary.all.not-started': 1,
        'summary.all.extensions': 1,
        'summary.all.under-18-police-station': 1,
        // Waits 150, 1380, 1560: median 1380, p90 1380 + 0.8 × 180 = 1524.
        'summary.all.median-wait': 1380,
        'summary.all.p90-wait': 1524,
        'place-type.health-based.detentions': 2,
        'place-type.police-station.under-18': 1,
        'extension-reasons.bed-unavailable.extensions': 1,
        'outcomes.application-s3.detentions': 1,
        'outcomes.not-detained.detentions': 1,
        'outcomes.not-completed.detentions': 1,
        'outcomes.no-outcome.detentions': 1,
      });
    });

    it('the local target comes from the configuration', async () => {
      const other = await createTestApp({ now: NOW, env: { PLACE_OF_SAFETY_TARGET_MINUTES: '120' } });
      try {
        const boss = await other.user(['manager']);
        const res = await other.http.get('/reports/places-of-safety?period=2026-11').set('authorization', boss.auth).expect(200);
        expect(res.body.definitions.join(' ')).toContain('within 2 hours of arrival');
      } finally {
        await other.close();
      }
    });
  });

  describe('formats', () => {
    it('CSV (format=csv or Accept: text/csv) parses back to one row per figure with codes and labels, CRLF', async () => {
      const json = (await get(manager, '/reports/activity?period=2026-11').expect(200)).body;
      for (const res of [
        await get(manager, '/reports/activity?period=2026-11&format=csv').expect(200),
        await get(manager, '/reports/activity?period=2026-11').set('accept', 'text/csv').expect(200),
      ]) {
        expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
        expect(res.headers['content-disposition']).toBe('attachment; filename="activity-2026-11.csv"');
        const rows = parseCsv(res.text);
        expect(rows[0]).toEqual([
          'report',
          'period',
          'section',
          'section_label',
          'group',
          'group_label',
          'measure',
          'measure_label',
          'unit',
          'value',
        ]);
        expect(rows).toHaveLength(json.figures.length + 1);
        expect(rows).toContainEqual([
          'activity',
          '2026-11',
          'by-month',
          'By month',
          '2026-11',
          'November 2026',
          'referrals',
          'Referrals',
          'count',
          '8',
        ]);
        expect(rows).toContainEqual([
          'activity',
          '2026-11',
          'hours',
          'In hours, out of hours and weekends',
          'weekend',
          'Weekend or bank holiday',
          'referrals',
          'Referrals',
          'count',
          '2',
        ]);
      }
    });

    it('printable HTML carries the chart as SVG, escapes what it is given, and runs under a CSP with no unsafe-inline', async () => {
      const res = await get(
        manager,
        `/reports/activity?period=2026-11&format=html&team=${encodeURIComponent('<script>alert(1)</script>')}`,
      ).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("script-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(res.text).toContain('<svg');
      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.text).not.toMatch(/ style="/);
      const steps = await get(manager, '/reports/timeliness?period=2026-11').set('accept', 'text/html').expect(200);
      expect(steps.text).toContain('Step times (minutes): median and 90th percentile');
      expect(steps.text).toContain('Referral received → decision: how many took how long');
    });

    it('PDF is a PDF document', async () => {
      const res = await get(manager, '/reports/activity?period=2026-11&format=pdf')
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect((res.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    });
  });

  describe('access and suppression', () => {
    it('suppress=true shows counts 1-4 as [c] and rounds the rest to the nearest 5', async () => {
      const f = (await get(manager, '/reports/activity?period=2026-11&suppress=true').expect(200)).body.figures as Figure[];
      expect(
        values(f, [
          'by-month.2026-11.referrals',
          'by-month.2026-11.screened-out',
          'by-month.2026-11.arranged',
          'by-month.2026-11.detention-rate',
          'outcomes.application-s4.assessments',
        ]),
      ).toEqual({
        'by-month.2026-11.referrals': 10,
        'by-month.2026-11.screened-out': '[c]',
        'by-month.2026-11.arranged': 5,
        'by-month.2026-11.detention-rate': '[c]',
        'outcomes.application-s4.assessments': 0,
      });
    });

    it('an auditor gets suppressed aggregates only, in every format, and no drill-down', async () => {
      const res = await get(auditor, '/reports/timeliness?period=2026-11').expect(200);
      expect(res.body.suppressed).toBe(true);
      expect(value(res.body.figures, 'all.referral-to-decision.median')).toBe('[c]');
      expect(res.body.figures.every((f: Figure) => f.records === undefined)).toBe(true);
      const csv = parseCsv((await get(auditor, '/reports/activity?period=2026-11&format=csv&suppress=false').expect(200)).text);
      expect(csv).toContainEqual([
        'activity',
        '2026-11',
        'by-month',
        'By month',
        '2026-11',
        'November 2026',
        'screened-out',
        'Screened out',
        'count',
        '[c]',
      ]);
      await get(auditor, '/reports/activity/records?period=2026-11&figure=by-month.2026-11.referrals').expect(403);
    });

    it('a manager and an admin see the figures; only the manager has the records links; AMHPs and referrers are refused', async () => {
      const mine = (await get(manager, '/reports/activity?period=2026-11').expect(200)).body.figures as Figure[];
      expect(mine.every((f) => f.records?.startsWith('/reports/activity/records?figure='))).toBe(true);
      const admins = (await get(admin, '/reports/activity?period=2026-11').expect(200)).body.figures as Figure[];
      expect(value(admins, 'by-month.2026-11.referrals')).toBe(8);
      expect(admins.every((f) => f.records === undefined)).toBe(true);
      await get(amhp, '/reports/activity?period=2026-11').expect(403);
      await get(referrer, '/reports/places-of-safety?period=2026-11').expect(403);
    });

    it("the records behind a figure are the referrals it counts, and reading them is an audited read of each person's referral", async () => {
      const f = (await get(manager, '/reports/activity?period=2026-11&source=police-s136').expect(200)).body.figures as Figure[];
      const link = f.find((x) => x.section === 'by-month' && x.group === 'total' && x.measure === 'referrals')!.records!;
      expect(link).toBe('/reports/activity/records?figure=by-month.total.referrals&period=2026-11&source=police-s136');
      const res = await get(manager, link).set('x-request-id', 'report-drill-1').expect(200);
      expect(res.body.items.map((i: { reference: string }) => i.reference)).toEqual(['R-FIX-4', 'R-FIX-5', 'R-FIX-6', 'R-FIX-7']);
      const audited = await t.sql<{ n: number; basis: string }>(
        `SELECT count(DISTINCT subject_person_id)::int AS n, min(access_basis) AS basis FROM audit_events
          WHERE request_id = 'report-drill-1' AND action = 'referral.read' AND details->>'via' = 'report'`,
      );
      expect(audited).toEqual([{ n: 4, basis: 'role:manager' }]);
      const rate = f.find((x) => x.section === 'by-month' && x.group === '2026-11' && x.measure === 'detention-rate')!.records!;
      const denominator = await get(manager, rate).expect(200);
      // The rate's records are its denominator: the completed assessments (R4 and R5 among the police's).
      expect(denominator.body.items.map((i: { reference: string }) => i.reference)).toEqual(['R-FIX-4', 'R-FIX-5']);
      await get(manager, '/reports/activity/records?period=2026-11&figure=no.such.figure').expect(400);
      await get(manager, '/reports/nonsense/records?period=2026-11&figure=by-month.total.referrals').expect(400);
    });

    it('the records come a page at a time in order, each page reading (and auditing) only its own records; a bad cursor or limit is a 400 naming it', async () => {
      const link = '/reports/activity/records?figure=by-month.total.referrals&period=2026-11&source=police-s136';
      const first = await get(manager, `${link}&limit=3`).set('x-request-id', 'report-page-1').expect(200);
      expect(first.body.items.map((i: { reference: string }) => i.reference)).toEqual(['R-FIX-4', 'R-FIX-5', 'R-FIX-6']);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await get(manager, `${link}&limit=3&cursor=${first.body.nextCursor}`).set('x-request-id', 'report-page-2').expect(200);
      expect(second.body).toMatchObject({ items: [{ reference: 'R-FIX-7' }], nextCursor: null });
      const audited = await t.sql<{ request_id: string; n: number }>(
        `SELECT request_id, count(DISTINCT resource_id)::int AS n FROM audit_events
          WHERE request_id IN ('report-page-1', 'report-page-2') AND action = 'referral.read' GROUP BY request_id ORDER BY request_id`,
      );
      expect(audited).toEqual([
        { request_id: 'report-page-1', n: 3 },
        { request_id: 'report-page-2', n: 1 },
      ]);
      // The whole list in one page when it fits, with no next page.
      expect((await get(manager, `${link}&limit=4`).expect(200)).body.nextCursor).toBeNull();
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['cursor=not%20a%20cursor', 'cursor'],
        [`cursor=${Buffer.from('["x","y",1]').toString('base64url')}`, 'cursor'],
        [`cursor=${Buffer.from('[1,"y",-1]').toString('base64url')}`, 'cursor'],
      ]) {
        const res = await get(manager, `${link}&${query}`).expect(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(JSON.stringify(res.body)).toContain(field);
      }
    });

    it('the figures themselves hold no person data', async () => {
      const res = await get(manager, '/reports/activity?period=2026-11').expect(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/Fixture|R-FIX|Pat/);
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    });

    it("a report's rows are read on the reports' own connection (their thread's), not on the API's", async () => {
      await get(manager, '/reports/timeliness?period=2026-11').expect(200);
      // The thread's pool keeps its connection a few seconds: its last statement ended the report's snapshot.
      const own = await t.sql<{ query: string }>(
        `SELECT query FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'amhp-hub-reports'`,
      );
      expect(own.length).toBeGreaterThan(0);
      expect(own.map((c) => c.query)).toContain('COMMIT');
    });
  });
});
