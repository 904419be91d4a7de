import { parseCsv } from './support/csv';
import { createTestApp, TestApp, TestUser } from './support/test-app';

type Figure = { section: string; group: string; measure: string; value: unknown; records?: string };

describe('statutory returns (SAC, DoLS) and data quality, on a known financial year', () => {
  let t: TestApp;
  let manager: TestUser;
  let auditor: TestUser;
  let admin: TestUser;
  let amhp: TestUser;
  const NOW = '2026-04-20T09:00:00Z';
  const ids: Record<string, string> = {};

  const get = (u: TestUser, path: string) => t.http.get(path).set('authorization', u.auth);
  const value = (figures: Figure[], key: string) => {
    const f = figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key);
    if (!f) throw new Error(`no figure ${key}`);
    return f.value;
  };
  const link = (figures: Figure[], key: string) => figures.find((x) => `${x.section}.${x.group}.${x.measure}` === key)!.records!;

  async function person(name: string, dob: string | null, sex: string | null, ethnic: string | null) {
    const [p] = await t.sql<{ id: string }>(
      `INSERT INTO persons (given_name, family_name, date_of_birth, sex, ethnic_category, created_by) VALUES ($1, 'Fixture', $2, $3, $4, $5) RETURNING id`,
      [name, dob, sex, ethnic, manager.id],
    );
    return p.id;
  }
  async function decision(
    key: string,
    spec: {
      type: string;
      personId?: string | null;
      personDetails?: object;
      at: string;
      content?: object;
      details: object;
      draft?: boolean;
    },
  ) {
    const [d] = await t.sql<{ id: string }>(
      `INSERT INTO decisions (type, status, person_id, person_details, author_user_id, occurred_at, content, details, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        spec.type,
        spec.draft ? 'draft' : 'signed',
        spec.personId ?? null,
        spec.personDetails ?? null,
        amhp.id,
        spec.at,
        spec.content ?? {},
        spec.details,
        spec.draft ? null : spec.at,
      ],
    );
    ids[key] = d.id;
  }
  const s42 = (duty: boolean, extra: object = {}) => ({
    s42: { careAndSupportNeeds: true, abuseOrNeglect: duty, unableToProtectSelf: true, evidence: 'Fixture evidence' },
    ...extra,
  });

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400', COUNCIL_NAME: 'Northshire County Council' } });
    [manager, auditor, admin, amhp] = await Promise.all([t.user(['manager']), t.user(['auditor']), t.user(['admin']), t.user(['amhp'])]);
    ids.ann = await person('Ann', '1950-03-01', 'female', 'M');
    ids.bob = await person('Bob', '1990-01-01', 'male', 'Z');
    ids.cal = await person('Cal', null, null, null);

    // FY2025 (1 April 2025 - 31 March 2026): three signed adult-safeguarding decisions. Ann's meets s.42(1) and has
    // its SAC codes; Bob's meets it but was signed without them; Cal's does not, but an enquiry was passed on.
    await decision('d1', {
      type: 'adult-safeguarding',
      personId: ids.ann,
      at: '2025-05-01T01:00:00Z',
      details: s42(true),
      content: {
        sac: {
          typeOfRisk: ['financial-or-material', 'psychological'],
          locationOfRisk: 'own-home',
          sourceOfRisk: 'other-known-to-individual',
          lackedCapacity: 'yes',
          capacitySupport: 'yes',
          mspAsked: 'asked-outcomes-expressed',
        },
      },
    });
    await decision('d2', { type: 'adult-safeguarding', personId: ids.bob, at: '2025-09-01T22:00:00Z', details: s42(true) });
    await decision('d3', {
      type: 'adult-safeguarding',
      personId: ids.cal,
      at: '2025-12-01T03:00:00Z',
      details: s42(false, { enquiryDelegatedTo: 'Day safeguarding team' }),
    });
    // Not counted: 1 April 2026 at 00:30 BST is FY2026; a draft is not a decision yet.
    await decision('d4', { type: 'adult-safeguarding', personId: ids.ann, at: '2026-03-31T23:30:00Z', details: s42(true) });
    await decision('d5', { type: 'adult-safeguarding', personId: ids.bob, at: '2025-10-01T01:00:00Z', details: s42(true), draft: true });

    // DoLS: Bob's request (21 Nov 2025) granted; a request for a person with no record (10 Jan 2026), not yet assessed.
    await decision('u1', {
      type: 'dols-urgent-authorisation',
      personId: ids.bob,
      at: '2025-11-21T01:30:00Z',
      details: {
        managingAuthority: 'Elm House',
        grantedAt: '2025-11-21T01:00:00Z',
        days: 7,
        standardRequestedAt: '2025-11-21T01:00:00Z',
        standardAuthorisation: {
          assessments: {
            age: 'met',
            mentalHealth: 'met',
            mentalCapacity: 'met',
            bestInterests: 'met',
            eligibility: 'met',
            noRefusals: 'met',
          },
          lastAssessedOn: '2025-11-26',
          signedOffOn: '2025-11-27',
          status: 'granted',
          startsOn: '2025-11-27',
          endsOn: '2026-05-26',
        },
      },
    });
    await decision('u2', {
      type: 'dols-urgent-authorisation',
      personDetails: { name: 'Zed Unrecorded', approximateAge: 88 },
      at: '2026-01-10T02:00:00Z',
      details: {
        managingAuthority: 'Oak, Ash & Co',
        grantedAt: '2026-01-10T01:00:00Z',
        days: 7,
        standardRequestedAt: '2026-01-10T01:30:00Z',
      },
    });

    // A referral for Cal (no date of birth, sex or ethnic category), assessed and decided with no step times.
    const [r] = await t.sql<{ id: string }>(
      `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, allocated_user_id, created_by)
       VALUES ('R-RET-1', $1, 'received', 'gp', 'urgent', '2025-06-01T10:00:00Z', '{"name":"Dr Referrer"}', 'Fixture referral', '{"toSelf":false,"toOthers":false,"fromOthers":false}', '{"kind":"informal"}', $2, $3)
       RETURNING id`,
      [ids.cal, amhp.id, manager.id],
    );
    await t.sql(
      `INSERT INTO assessments (referral_id, person_id, status, lead_amhp_user_id, outcome_kind, outcome, decided_at, opened_at, created_by)
       VALUES ($1, $2, 'decided', $3, 'not-detained', '{"alternatives":["community-follow-up"]}', '2025-06-01T15:00:00Z', '2025-06-01T11:00:00Z', $3)`,
      [r.id, ids.cal, amhp.id],
    );

    // Ann's guardianship (s.7, the LSSA as guardian): signed on 28 March 2025 (FY2024), accepted on 2 April (FY2025).
    const [g] = await t.sql<{ id: string }>(
      `INSERT INTO referrals (reference, person_id, status, source, urgency, received_at, referrer, reason, risks, legal_context, allocated_user_id, created_by)
       VALUES ('R-RET-2', $1, 'received', 'cmht', 'routine', '2025-03-27T10:00:00Z', '{"name":"Dr Referrer"}', 'Fixture referral', '{"toSelf":false,"toOthers":false,"fromOthers":false}', '{"kind":"informal"}', $2, $3)
       RETURNING id`,
      [ids.ann, amhp.id, manager.id],
    );
    await t.sql(
      `INSERT INTO assessments (referral_id, person_id, status, lead_amhp_user_id, outcome_kind, section, outcome, decided_at, opened_at, created_by)
       VALUES ($1, $2, 'decided', $3, 'application', 's7', $4, '2025-03-28T15:00:00Z', '2025-03-28T11:00:00Z', $3)`,
      [
        g.id,
        ids.ann,
        amhp.id,
        {
          application: {
            section: 's7',
            signedAt: '2025-03-28T15:00:00.000Z',
            guardian: {
              type: 'lssa',
              name: 'Northshire County Council',
              willingnessStatement: false,
              acceptedByLssaAt: '2025-04-02T10:00:00Z',
            },
          },
        },
      ],
    );
  });

  afterAll(() => t.close());

  describe('SAC', () => {
    it('counts SG1 concerns, s.42 and other enquiries, individuals by age, sex and ethnicity, and SG2-SG4 from the codes', async () => {
      const res = await get(manager, '/reports/returns/sac?period=FY2025').expect(200);
      expect(res.body).toMatchObject({ report: 'returns-sac', period: { from: '2025-04-01', to: '2026-03-31' }, suppressed: false });
      const f = res.body.figures as Figure[];
      const expected: Record<string, number> = {
        'SG1.all.concerns': 3,
        'SG1.all.s42-enquiries': 2,
        'SG1.all.other-enquiries': 1,
        'SG1.all.individuals': 2,
        'SG1-age.75-84.individuals': 1,
        'SG1-age.18-64.individuals': 1,
        'SG1-sex.female.individuals': 1,
        'SG1-ethnicity.black.individuals': 1,
        'SG1-ethnicity.refused.individuals': 1,
        // SG2 to SG4 count concluded enquiries, as the collection does: none of this year's was concluded out of hours
        // (each was started and passed on), so the team that concludes it counts it, once.
        'SG2a.financial-or-material.concluded-enquiries': 0,
        'SG2a.psychological.concluded-enquiries': 0,
        'SG2a.self-neglect.concluded-enquiries': 0,
        'SG2a.not-recorded.concluded-enquiries': 0,
        'SG2b-location.own-home.concluded-enquiries': 0,
        'SG3a.yes.concluded-enquiries': 0,
        'SG3b.yes.concluded-enquiries': 0,
        'SG4a.asked-outcomes-expressed.concluded-enquiries': 0,
        'SG2c.risk-identified-action-taken.concluded-enquiries': 0,
      };
      for (const [k, v] of Object.entries(expected)) expect([k, value(f, k)]).toEqual([k, v]);
      expect(res.body.definitions.join(' ')).toMatch(/council adds the day teams’ records/);
      expect(f.every((x) => x.records?.startsWith('/reports/returns-sac/records?figure='))).toBe(true);
    });

    it('CSV parses back to one row per figure; HTML draws SG2a as a chart; PDF is a document', async () => {
      const json = (await get(manager, '/reports/returns/sac?period=FY2025').expect(200)).body;
      const csv = await get(manager, '/reports/returns/sac?period=FY2025&format=csv').expect(200);
      expect(csv.headers['content-disposition']).toBe('attachment; filename="returns-sac-FY2025.csv"');
      const rows = parseCsv(csv.text);
      expect(rows).toHaveLength(json.figures.length + 1);
      expect(rows).toContainEqual([
        'returns-sac',
        'FY2025',
        'SG2a',
        'SG2a: type of risk',
        'financial-or-material',
        'Financial or material abuse',
        'concluded-enquiries',
        'Concluded s.42 enquiries',
        'count',
        '0',
      ]);
      const html = await get(manager, '/reports/returns/sac?period=FY2025').set('accept', 'text/html').expect(200);
      expect(html.text).toContain('<svg');
      expect(html.text).toContain('SG2a: concluded section 42 enquiries by type of risk');
      expect(html.text).toContain('Don&#39;t know');
      const pdf = await get(manager, '/reports/returns/sac?period=FY2025&format=pdf')
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    });

    it('an auditor gets it suppressed with no drill-down; an admin sees it; an AMHP is refused', async () => {
      const res = await get(auditor, '/reports/returns/sac?period=FY2025').expect(200);
      expect(res.body.suppressed).toBe(true);
      expect(value(res.body.figures, 'SG1.all.concerns')).toBe('[c]');
      expect(value(res.body.figures, 'SG2a.self-neglect.concluded-enquiries')).toBe(0);
      expect(res.body.figures.every((f: Figure) => f.records === undefined)).toBe(true);
      const admins = (await get(admin, '/reports/returns/sac?period=FY2025').expect(200)).body.figures as Figure[];
      expect(value(admins, 'SG1.all.concerns')).toBe(3);
      await get(amhp, '/reports/returns/sac?period=FY2025').expect(403);
      await get(auditor, '/reports/returns-sac/records?period=FY2025&figure=SG1.all.individuals').expect(403);
    });

    it("the records behind an SG1 figure are the decisions it counts, read and audited as each person's decision", async () => {
      const f = (await get(manager, '/reports/returns/sac?period=FY2025').expect(200)).body.figures as Figure[];
      const res = await get(manager, link(f, 'SG1.all.individuals')).set('x-request-id', 'sac-drill-1').expect(200);
      expect(
        res.body.items.map((i: { decisionId: string; referralId: unknown; personId: string }) => [i.decisionId, i.referralId, i.personId]),
      ).toEqual([
        [ids.d1, null, ids.ann],
        [ids.d2, null, ids.bob],
      ]);
      const audited = await t.sql<{ resource_id: string; subject_person_id: string }>(
        `SELECT resource_id, subject_person_id FROM audit_events WHERE request_id = 'sac-drill-1' AND action = 'decision.read' ORDER BY resource_id`,
      );
      expect(audited).toEqual(
        [
          { resource_id: ids.d1, subject_person_id: ids.ann },
          { resource_id: ids.d2, subject_person_id: ids.bob },
        ].sort((a, b) => a.resource_id.localeCompare(b.resource_id)),
      );
    });

    it('a filter the return cannot apply is refused with a 400 naming it; the hours band applies', async () => {
      const res = await get(manager, '/reports/returns/sac?period=FY2025&source=gp').expect(400);
      expect(res.text).toContain('source');
      await get(manager, '/reports/data-quality?period=FY2025&team=North').expect(400);
      const night = (await get(manager, '/reports/returns/sac?period=FY2025&hours=out').expect(200)).body.figures as Figure[];
      // Ann's (02:00 BST) and Cal's (03:00 GMT) were at night on weekdays; Bob's was at 23:00 BST on a Monday.
      expect(value(night, 'SG1.all.concerns')).toBe(3);
      const day = (await get(manager, '/reports/returns/sac?period=FY2025&hours=in').expect(200)).body.figures as Figure[];
      expect(value(day, 'SG1.all.concerns')).toBe(0);
    });

    it('the figures hold no person data', async () => {
      const text = JSON.stringify((await get(manager, '/reports/returns/sac?period=FY2025').expect(200)).body);
      expect(text).not.toMatch(/Ann|Bob|Cal|Fixture/);
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    });
  });

  describe('DoLS return', () => {
    it("one row per application in the return's column order, by pseudonymous reference, never a name; the read is audited", async () => {
      const res = await get(manager, '/reports/returns/dols?period=FY2025').set('x-request-id', 'dols-return-1').expect(200);
      expect(res.body.council).toBe('Northshire County Council');
      expect(res.body.rows).toEqual([
        expect.objectContaining({
          personReference: ids.bob,
          managingAuthority: 'Elm House',
          dateReceived: '2025-11-21',
          status: 'granted',
          statusLabel: 'Signed off: granted',
          startsOn: '2025-11-27',
          endsOn: '2026-05-26',
          decisionId: ids.u1,
        }),
        expect.objectContaining({
          personReference: `decision:${ids.u2}`,
          dateReceived: '2026-01-10',
          status: 'not-yet-signed-off',
          assessments: { age: null, mentalHealth: null, mentalCapacity: null, bestInterests: null, eligibility: null, noRefusals: null },
        }),
      ]);
      expect(JSON.stringify(res.body)).not.toMatch(/Zed|Bob|Unrecorded/);
      const audited = await t.sql<{ resource_id: string }>(
        `SELECT resource_id FROM audit_events WHERE request_id = 'dols-return-1' AND action = 'decision.read' ORDER BY resource_id`,
      );
      expect(audited.map((a) => a.resource_id)).toEqual([ids.u1, ids.u2].sort());

      const csv = await get(manager, '/reports/returns/dols?period=FY2025').set('accept', 'text/csv').expect(200);
      expect(csv.headers['content-disposition']).toBe('attachment; filename="dols-return-FY2025.csv"');
      const rows = parseCsv(csv.text);
      expect(rows[0].slice(0, 5)).toEqual([
        'Person reference (pseudonymous)',
        'Council (supervisory body)',
        'Managing authority (care home or hospital)',
        'Date application received',
        'Urgent authorisation included',
      ]);
      expect(rows[2]).toEqual([
        `decision:${ids.u2}`,
        'Northshire County Council',
        'Oak, Ash & Co',
        '2026-01-10',
        'yes',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        'not-yet-signed-off',
        '',
        '',
      ]);
    });

    it('an urgent authorisation and its extension whose form writes the home and the request time differently are one application: one row, from the extension', async () => {
      const ua = { grantedAt: '2023-11-20T20:00:00Z', days: 7 };
      await decision('v1', {
        type: 'dols-urgent-authorisation',
        personId: ids.ann,
        at: '2023-11-20T21:00:00Z',
        details: { ...ua, managingAuthority: 'Probe Lodge', standardRequestedAt: '2023-11-20T20:00:00Z' },
      });
      await decision('v2', {
        type: 'dols-extension',
        personId: ids.ann,
        at: '2023-11-26T19:00:00Z',
        details: { ...ua, managingAuthority: 'Probe Lodge Care Home', standardRequestedAt: '2023-11-20T20:01:00Z' },
      });
      const rows = (await get(manager, '/reports/returns/dols?period=FY2023').expect(200)).body.rows;
      expect(
        rows.map((r: { personReference: string; managingAuthority: string; decisionId: string }) => [
          r.personReference,
          r.managingAuthority,
          r.decisionId,
        ]),
      ).toEqual([[ids.ann, 'Probe Lodge Care Home', ids.v2]]);
    });

    it('an urgent authorisation and its extension signed at the same instant are one row, from the one recorded last', async () => {
      const ua = { grantedAt: '2022-11-20T20:00:00Z', days: 7 };
      const at = '2022-11-26T19:00:00Z';
      await decision('w1', {
        type: 'dols-urgent-authorisation',
        personId: ids.bob,
        at,
        details: { ...ua, managingAuthority: 'Elm House', standardRequestedAt: ua.grantedAt },
      });
      await decision('w2', {
        type: 'dols-extension',
        personId: ids.bob,
        at,
        details: { ...ua, managingAuthority: 'Elm House', standardRequestedAt: ua.grantedAt },
      });
      for (let i = 0; i < 3; i += 1) {
        const rows = (await get(manager, '/reports/returns/dols?period=FY2022').expect(200)).body.rows;
        expect(rows.map((r: { decisionId: string; urgentAuthorisationIncluded: boolean }) => r.decisionId)).toEqual([ids.w2]);
      }
    });

    it('a request outside the year is not in it; only managers may read the return', async () => {
      expect((await get(manager, '/reports/returns/dols?period=FY2024').expect(200)).body.rows).toEqual([]);
      for (const u of [auditor, admin, amhp]) await get(u, '/reports/returns/dols?period=FY2025').expect(403);
      await get(manager, '/reports/returns/dols?period=FY2025&format=pdf').expect(400);
    });
  });

  describe('guardianship', () => {
    it('counts the new s.7 cases of the year by sex and guardian type, says what it does not hold, and links to the records', async () => {
      const res = await get(manager, '/reports/returns/guardianship?period=FY2025').expect(200);
      const f = res.body.figures as Figure[];
      expect([
        value(f, 'new-s7.female.lssa'),
        value(f, 'new-s7.female.private'),
        value(f, 'new-s7.all.all'),
        value(f, 'applications.all.signed'),
      ]).toEqual([1, 0, 1, 0]);
      expect(res.body.definitions.join(' ')).toMatch(/Not held by the hub: continuing and closed cases/);
      const records = await get(manager, link(f, 'new-s7.female.lssa')).expect(200);
      expect(records.body.items.map((i: { reference: string }) => i.reference)).toEqual(['R-RET-2']);
      const html = await get(manager, '/reports/returns/guardianship?period=FY2025&format=html').expect(200);
      expect(html.text).toContain('New s.7 cases by sex and guardian type');
      const csv = parseCsv((await get(auditor, '/reports/returns/guardianship?period=FY2025&format=csv').expect(200)).text);
      expect(csv).toContainEqual([
        'returns-guardianship',
        'FY2025',
        'new-s7',
        'New s.7 cases (accepted by the LSSA)',
        'female',
        'Female',
        'lssa',
        'Local social services authority',
        'count',
        '[c]',
      ]);
      await get(amhp, '/reports/returns/guardianship?period=FY2025').expect(403);
    });
  });

  describe('workforce survey', () => {
    it('answers headcount, FTE, profession, team and combined roles as at the year end, and says what is not held', async () => {
      const [a1, a2, a3] = await Promise.all([t.user(['amhp']), t.user(['amhp']), t.user(['amhp'])]);
      const spec: Array<[TestUser, string, number, string, string[], string]> = [
        [a1, 'social-worker', 0.8, 'North', ['bia', 'night'], '2028-01-01'],
        [a2, 'occupational-therapist', 1, 'North', [], '2028-01-01'],
        [a3, 'social-worker', 1, 'South', [], '2026-03-30'], // ran out before 31 March 2026
      ];
      const practitioners: string[] = [];
      for (const [u, profession, fte, team, skills, endsOn] of spec) {
        const [p] = await t.sql<{ id: string }>(
          `INSERT INTO practitioners (user_id, profession, registration_body, registration_number, team, fte, skills)
           VALUES ($1, $2, 'Fixture body', $3, $4, $5, $6) RETURNING id`,
          [u.id, profession, `REG-${u.id.slice(0, 8)}`, team, fte, skills],
        );
        practitioners.push(p.id);
        await t.sql(
          `INSERT INTO approvals (practitioner_id, approving_authority, starts_on, ends_on) VALUES ($1, 'Northshire County Council', '2023-01-01', $2)`,
          [p.id, endsOn],
        );
      }
      const res = await get(manager, '/reports/returns/workforce-survey?period=FY2025').expect(200);
      const f = res.body.figures as Figure[];
      expect(
        [
          'amhps.all.headcount',
          'amhps.all.fte',
          'amhps.all.vacancy-rate',
          'profession.social-worker.fte',
          'team.North.headcount',
          'combined-roles.bia.headcount',
        ].map((k) => value(f, k)),
      ).toEqual([2, 1.8, null, 0.8, 2, 1]);
      expect(res.body.definitions.join(' ')).toMatch(/Not held by the hub.*the establishment.*age band, sex and ethnicity/);
      const records = await get(manager, link(f, 'amhps.all.headcount')).expect(200);
      expect(records.body.items.map((i: { practitionerId: string }) => i.practitionerId).sort()).toEqual(practitioners.slice(0, 2).sort());
      const html = await get(manager, '/reports/returns/workforce-survey?period=FY2025&format=html').expect(200);
      expect(html.text).toContain('AMHPs by profession');
      expect(value((await get(auditor, '/reports/returns/workforce-survey?period=FY2025').expect(200)).body.figures, 'amhps.all.fte')).toBe(
        '[c]',
      );
      await get(amhp, '/reports/returns/workforce-survey?period=FY2025').expect(403);
    });
  });

  describe('data quality', () => {
    it('counts the records missing codes and times, each with its records for the manager to fix', async () => {
      const res = await get(manager, '/reports/data-quality?period=FY2025').expect(200);
      const f = res.body.figures as Figure[];
      expect(
        Object.fromEntries(
          [
            'people.all.referrals',
            'people.all.ethnicity-not-stated-or-not-known',
            'people.all.no-date-of-birth',
            'people.all.no-sex',
            'steps.all.decided',
            'steps.all.no-interview-time',
            'safeguarding.all.s42-decisions',
            'safeguarding.all.s42-without-sac',
            'safeguarding.all.dols-decisions',
            'safeguarding.all.dols-without-return-fields',
          ].map((k) => [k, value(f, k)]),
        ),
      ).toEqual({
        'people.all.referrals': 1,
        'people.all.ethnicity-not-stated-or-not-known': 1,
        'people.all.no-date-of-birth': 1,
        'people.all.no-sex': 1,
        'steps.all.decided': 1,
        'steps.all.no-interview-time': 1,
        'safeguarding.all.s42-decisions': 3,
        'safeguarding.all.s42-without-sac': 2,
        'safeguarding.all.dols-decisions': 2,
        'safeguarding.all.dols-without-return-fields': 1,
      });
      const people = await get(manager, link(f, 'people.all.no-sex')).expect(200);
      expect(people.body.items.map((i: { reference: string }) => i.reference)).toEqual(['R-RET-1']);
      const sac = await get(manager, link(f, 'safeguarding.all.s42-without-sac')).expect(200);
      expect(sac.body.items.map((i: { decisionId: string }) => i.decisionId)).toEqual([ids.d2, ids.d3]);
      const dols = await get(manager, link(f, 'safeguarding.all.dols-without-return-fields')).expect(200);
      expect(dols.body.items.map((i: { decisionId: string; personId: unknown }) => [i.decisionId, i.personId])).toEqual([[ids.u2, null]]);
      const html = await get(manager, '/reports/data-quality?period=FY2025&format=html').expect(200);
      expect(html.text).toContain('Records missing a code or a time');
      await get(auditor, '/reports/data-quality?period=FY2025').expect(200);
      await get(amhp, '/reports/data-quality?period=FY2025').expect(403);
    });
  });
});
