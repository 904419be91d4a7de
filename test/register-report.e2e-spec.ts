import { pdfText } from './support/pdf-text';
import { amhp, insertDoctor } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The s.12 register and the printed record, as users found them: searching doctors by surname, their phone numbers,
 * the outcome report's ward, bed, conveyance and distribution, and the s.13(4) letter signed for the council, as
 * HTML and as PDF. Now is Sat 21 Nov 2026 12:00 GMT; the hub acts for Southvale Borough Council.
 */
describe('the s.12 register and the printed record', () => {
  const COUNCIL = 'Southvale Borough Council';
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({
      now: '2026-11-21T12:00:00Z',
      env: { COUNCIL_NAME: COUNCIL, APPROVING_COUNCILS: 'Northshire County Council', ACCESS_TOKEN_TTL_SECONDS: '86400' },
    });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7300001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7300002');
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    put: (p: string, b: object = {}) => t.http.put(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}, h: Record<string, string> = {}) => t.http.patch(p).set('authorization', u.auth).set(h).send(b),
  });
  const binary = (req: ReturnType<TestApp['http']['get']>) =>
    req.buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  let gmc = 7_300_100;
  const doctor = async (body: Record<string, unknown>) =>
    (
      await as(manager)
        .post('/doctors', { gmcNumber: String((gmc += 1)), ...body })
        .expect(201)
    ).body;
  const namesFound = async (q: string) =>
    (
      (
        await as(manager)
          .get(`/doctors?q=${encodeURIComponent(q)}`)
          .expect(200)
      ).body.items as Array<{ name: string }>
    ).map((d) => d.name);

  it('an AMHP counts here only if this council or one with an arrangement approved her (AMHP-01): another council is a hard finding, and she cannot be rostered', async () => {
    const ours = await amhp(t); // approved by Northshire County Council, which has an arrangement with Southvale
    const theirs = await amhp(t);
    await t.sql(`UPDATE approvals SET approving_authority = 'Eastshire County Council' WHERE practitioner_id = $1`, [
      theirs.practitionerId,
    ]);
    const period = 'from=2026-11-28T09:00:00Z&to=2026-11-28T17:00:00Z';
    const okBody = (await as(manager).get(`/practitioners/${ours.practitionerId}/eligibility?${period}`).expect(200)).body;
    expect(okBody).toMatchObject({ eligible: true, findings: [] });
    const refused = (await as(manager).get(`/practitioners/${theirs.practitionerId}/eligibility?${period}`).expect(200)).body;
    expect(refused).toMatchObject({
      eligible: false,
      findings: [
        {
          code: 'approved-by-another-council',
          rule: 'AMHP-01',
          severity: 'hard',
          message: expect.stringContaining('Eastshire County Council'),
        },
      ],
    });
    const shift = (
      await as(manager)
        .post('/rota/shifts', { label: 'Day', startsAt: '2026-11-28T09:00:00Z', endsAt: '2026-11-28T17:00:00Z', requiredCount: 1 })
        .expect(201)
    ).body;
    await as(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: theirs.practitionerId }).expect(422);
    await as(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: ours.practitionerId }).expect(201);
  });

  describe('the register', () => {
    beforeAll(async () => {
      for (const name of ['Dr Aisha Bello', 'Prof. Belinda Núñez-Okafor', 'Dr Tom Abel', 'Dr Bel Hart', 'Dr Ola Bellamy-Reid'])
        await doctor({ name, organisation: 'Southvale Community Trust' });
    });

    it('searching "Bello" finds Dr Aisha Bello, and "bel" finds every surname or first name starting so, whole words first', async () => {
      expect(await namesFound('Bello')).toEqual(['Dr Aisha Bello']);
      expect(await namesFound('Dr Bello')).toEqual(['Dr Aisha Bello']);
      expect(await namesFound('bello aisha')).toEqual(['Dr Aisha Bello']);
      // "Bel" is a whole first name of Dr Bel Hart: first; then the prefixes, by name; "Abel" does not start with it.
      expect(await namesFound('bel')).toEqual(['Dr Bel Hart', 'Dr Aisha Bello', 'Dr Ola Bellamy-Reid', 'Prof. Belinda Núñez-Okafor']);
    });

    it('searching ignores case, accents and titles, and finds each part of a double-barrelled surname', async () => {
      expect(await namesFound('NUNEZ')).toEqual(['Prof. Belinda Núñez-Okafor']);
      expect(await namesFound('núñez')).toEqual(['Prof. Belinda Núñez-Okafor']);
      expect(await namesFound('okafor')).toEqual(['Prof. Belinda Núñez-Okafor']);
      expect(await namesFound('professor belinda')).toEqual(['Prof. Belinda Núñez-Okafor']);
      expect(await namesFound('reid')).toEqual(['Dr Ola Bellamy-Reid']);
      expect(await namesFound('bello zzz')).toEqual([]);
    });

    it('the name search is served by trigram indexes on the folded words', async () => {
      const indexes = await t.sql<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'doctors' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname`,
      );
      expect(indexes.map((i) => i.indexname)).toEqual(['doctors_search_name_idx', 'doctors_search_organisation_idx']);
    });

    it("a doctor's mobile and work numbers are kept, shown on the doctor and in search results", async () => {
      const d = await doctor({
        name: 'Dr Ngozi Phonewell',
        contactNumbers: [
          { label: 'mobile', number: '+44 (0)7700 900461' },
          { label: 'work', number: '(01632) 960461' },
        ],
      });
      const numbers = [
        { label: 'mobile', number: '+447700900461', display: '07700 900461' },
        { label: 'work', number: '+441632960461', display: '01632 960461' },
      ];
      expect(d.contactNumbers).toEqual(numbers);
      expect((await as(manager).get(`/doctors/${d.id}`).expect(200)).body.contactNumbers).toEqual(numbers);
      const found = (await as(manager).get('/doctors?q=phonewell').expect(200)).body.items;
      expect(found).toHaveLength(1);
      expect(found[0].contactNumbers).toEqual(numbers);

      const changed = await as(manager)
        .patch(`/doctors/${d.id}`, { contactNumbers: [{ label: 'secretary', number: '020 7946 0461' }] }, { 'if-match': '"v1"' })
        .expect(200);
      expect(changed.body.contactNumbers).toEqual([{ label: 'secretary', number: '+442079460461', display: '020 7946 0461' }]);
      const [audit] = await t.sql<{ details: unknown }>(
        `SELECT details FROM audit_events WHERE action = 'doctor.update' AND resource_id = $1`,
        [d.id],
      );
      expect(audit.details).toEqual({ fields: ['contactNumbers'] });
    });

    it('a number that is not a UK telephone number is refused, naming it, and nothing changes', async () => {
      const before = await t.sql('SELECT count(*)::int AS n FROM doctors');
      const res = await as(manager)
        .post('/doctors', { name: 'Dr Abroad', gmcNumber: '7300099', contactNumbers: [{ label: 'mobile', number: '+1 212 555 0100' }] })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['contactNumbers.0.number']);
      expect(await t.sql('SELECT count(*)::int AS n FROM doctors')).toEqual(before);

      const d = await doctor({ name: 'Dr Twice', contactNumbers: [{ label: 'mobile', number: '07700 900462' }] });
      const twice = await as(manager)
        .patch(`/doctors/${d.id}`, {
          contactNumbers: [
            { label: 'mobile', number: '07700 900462' },
            { label: 'work', number: '+44 7700 900462' },
          ],
        })
        .expect(422);
      expect(twice.body.errors.map((e: { field: string }) => e.field)).toEqual(['contactNumbers.1.number']);
      expect((await as(manager).get(`/doctors/${d.id}`).expect(200)).body).toMatchObject({
        version: 1,
        contactNumbers: [{ label: 'mobile', number: '+447700900462' }],
      });
    });
  });

  // ---- the assessment record and what is printed from it -----------------------------------------------------

  let n = 0;
  async function opened(nearestRelativeRequest: boolean) {
    const worker = await amhp(t);
    const referral = (
      await as(manager)
        .post('/referrals', {
          person: { givenName: 'Robin', familyName: `Printed${++n}`, dateOfBirth: '1985-06-15' },
          source: nearestRelativeRequest ? 'nearest-relative' : 'gp',
          referrer: { name: 'Dr Whitfield', organisation: 'Riverside Medical Practice' },
          reason: 'Relapse of psychosis, not taking medication, neighbours frightened.',
          risks: { toSelf: true, toOthers: true, fromOthers: false, flags: [] },
          urgency: 'urgent',
          legalContext: { kind: 'informal' },
          nearestRelativeRequest,
          receivedAt: '2026-11-20T14:00:00Z',
        })
        .expect(201)
    ).body;
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'accepted' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/allocation`, { userId: worker.id }).expect(200);
    const a = (
      await as(worker)
        .post('/assessments', { referralId: referral.id, location: 'Home address, Riverside', openedAt: '2026-11-20T14:30:00Z' })
        .expect(201)
    ).body as { id: string; person: { id: string } };
    const relative = (
      await as(worker)
        .post(`/people/${a.person.id}/relatives`, {
          name: 'Morgan Printed',
          relationship: 'parent',
          wholeBlood: true,
          dateOfBirth: '1960-01-01',
          livesWithPatient: true,
        })
        .expect(201)
    ).body as { id: string };
    return { worker, referral: referral as { id: string; reference: string }, a, relative };
  }

  /** What a lawful s.2 needs before the outcome: the interview, two recommendations, conflicts declared, the NR informed. */
  async function readyForS2(worker: TestUser, a: { id: string }, relative: { id: string }) {
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    await as(worker)
      .patch(`/assessments/${a.id}`, {
        interview: { suitableMannerNotes: 'Seen at home; quiet room.', alternativesConsidered: ['Crisis team twice daily: refused'] },
      })
      .expect(200);
    for (const [doctorId, at, previousAcquaintance] of [
      [s12Doctor, '2026-11-20T15:00:00Z', false],
      [gpDoctor, '2026-11-21T09:00:00Z', true],
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
    const recs = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.recommendations as Array<{
      id: string;
      doctorName: string;
    }>;
    const decl = { financial: false, business: false, personal: false };
    await as(worker)
      .put(`/assessments/${a.id}/conflicts`, {
        patientTeams: [],
        assessors: [
          { assessorId: 'amhp', role: 'amhp', name: 'The AMHP', teams: ['AMHP hub'], directsOrEmploys: [], declaration: decl },
          ...recs.map((r) => ({
            assessorId: r.id,
            role: 'doctor',
            name: r.doctorName,
            teams: [r.doctorName.includes('Patel') ? 'Crisis team' : 'Riverside practice'],
            directsOrEmploys: [],
            declaration: decl,
          })),
        ],
      })
      .expect(200);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-11-21T10:30:00Z',
        informedMethod: 'phone',
      })
      .expect(200);
  }

  /** Records the outcome, acknowledging every warning with a reason (as an AMHP would). */
  async function decide(worker: TestUser, id: string, body: object) {
    const first = await as(worker).post(`/assessments/${id}/outcome`, body);
    if (first.status !== 422 || first.body.code !== 'warnings-not-acknowledged') return first;
    const acknowledgements = (first.body.findings as Array<{ code: string }>).map((f) => ({
      code: f.code,
      reason: 'Considered and recorded.',
    }));
    return as(worker).post(`/assessments/${id}/outcome`, { ...body, acknowledgements });
  }

  const line = (report: { sections: Array<{ id: string; lines: Array<{ label?: string; text: string }> }> }, id: string, label: string) =>
    report.sections.find((s) => s.id === id)?.lines.find((l) => l.label === label)?.text;

  it('the outcome report prints the ward, who found the bed, who arranged the conveyance and who the report went to', async () => {
    const { worker, a, relative } = await opened(false);
    await readyForS2(worker, a, relative);
    const decided = await decide(worker, a.id, {
      kind: 'application',
      section: 's2',
      signedAt: '2026-11-21T11:00:00Z',
      hospitalSite: 'Northshire General Hospital',
      practicalMatters: { dependants: 'None', pets: 'None', property: 'House locked; keys with the parent' },
      rationale: 'Detention is the least restrictive way to provide the assessment needed: every alternative was refused.',
      ward: 'Beech Ward',
      bedFoundBy: 'Bed manager (Kim Ross)',
      bedDetails: 'In area',
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ ward: 'Beech Ward', bedFoundBy: 'Bed manager (Kim Ross)', conveyanceArrangedWith: null });

    // Later that day: the conveyance is arranged and the report goes out.
    const view = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    await as(worker)
      .patch(`/assessments/${a.id}`, { conveyanceArrangedWith: 'North West Ambulance Service' }, { 'if-match': `"v${view.version}"` })
      .expect(200);
    const distribution = [
      {
        recipient: 'Northshire General Hospital (hospital managers)',
        role: 'Receiving hospital',
        method: 'secure email',
        sentAt: '2026-11-21T11:45:00Z',
      },
      { recipient: 'Dr Sam Whitfield', role: 'GP' },
    ];
    const sent = (await as(worker).patch(`/assessments/${a.id}`, { distribution }).expect(200)).body;
    expect(sent.distribution).toEqual([
      { ...distribution[0], sentAt: '2026-11-21T11:45:00.000Z' },
      { recipient: 'Dr Sam Whitfield', role: 'GP', method: null, sentAt: null },
    ]);
    // Admitted (APP-12): the application acted on, the assessment can close.
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:50:00Z' }).expect(201);
    await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
    // Closed: a copy sent afterwards may still be recorded on the distribution list (by a manager), nothing else.
    await as(manager).patch(`/assessments/${a.id}`, { ward: 'Elm Ward' }).expect(409);
    await as(manager)
      .patch(`/assessments/${a.id}`, {
        distribution: [...distribution, { recipient: 'Morgan Printed', role: 'Nearest relative', method: 'post' }],
      })
      .expect(200);

    const report = (await as(manager).get(`/assessments/${a.id}/report`).expect(200)).body;
    expect(report.council).toBe(COUNCIL);
    const html = (await as(manager).get(`/assessments/${a.id}/report?format=html`).expect(200)).text;
    expect(html).toContain(`<p class="council">${COUNCIL}<br>`);
    expect(html).toContain('<th scope="row">Bed found by</th><td>Bed manager (Kim Ross)</td>');
    expect(line(report, 'hospital', 'Ward')).toBe('Beech Ward');
    expect(line(report, 'hospital', 'Bed found by')).toBe('Bed manager (Kim Ross)');
    expect(line(report, 'conveyance', 'Arranged with')).toBe('North West Ambulance Service');
    expect(line(report, 'distribution', 'Northshire General Hospital (hospital managers) (Receiving hospital)')).toBe(
      'sent Sat 21 Nov 2026 11:45 GMT by secure email',
    );
    expect(line(report, 'distribution', 'Dr Sam Whitfield (GP)')).toBe('not yet sent');
    expect(line(report, 'distribution', 'Morgan Printed (Nearest relative)')).toBe('not yet sent (to go by post)');

    // Each change is audited with the fields it changed, in the same transaction as the change.
    const audits = await t.sql<{ action: string; details: { fields?: string[] } }>(
      `SELECT action, details FROM audit_events WHERE resource_id = $1 AND action IN ('assessment.outcome', 'assessment.update') ORDER BY id`,
      [a.id],
    );
    expect(audits.slice(-4)).toEqual([
      expect.objectContaining({ action: 'assessment.outcome' }),
      { action: 'assessment.update', details: { fields: ['conveyanceArrangedWith'] } },
      { action: 'assessment.update', details: { fields: ['distribution'] } },
      { action: 'assessment.update', details: { fields: ['distribution'] } },
    ]);
  });

  it('a report sent in the future, or at a time without its offset, is refused naming the field', async () => {
    const { worker, a } = await opened(false);
    const future = await as(worker)
      .patch(`/assessments/${a.id}`, { distribution: [{ recipient: 'GP', sentAt: '2026-11-22T12:00:00Z' }] })
      .expect(422);
    expect(future.body.field).toBe('distribution.0.sentAt');
    const local = await as(worker)
      .patch(`/assessments/${a.id}`, { distribution: [{ recipient: 'GP', sentAt: '2026-11-21T11:00:00' }] })
      .expect(400);
    expect(local.body.errors.map((e: { field: string }) => e.field)).toEqual(['distribution.0.sentAt']);
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.distribution).toEqual([]);
  });

  it('the s.13(4) letter is signed for the council, and format=pdf gives the letter and the report as real PDFs', async () => {
    const { worker, referral, a, relative } = await opened(true);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        consultedAt: '2026-11-21T10:00:00Z',
        consultedMethod: 'phone',
      })
      .expect(200);
    await as(worker)
      .post(`/assessments/${a.id}/outcome`, {
        kind: 'not-detained',
        alternatives: ['crisis-home-treatment'],
        rationale: 'Accepts the crisis team twice daily; detention is not necessary.',
      })
      .expect(200);

    const html = await as(worker).get(`/assessments/${a.id}/written-reasons-letter`).expect(200);
    expect(html.text).toContain(`on behalf of ${COUNCIL}`);
    expect(html.text).not.toContain('local social services authority');

    const letter = await binary(as(worker).get(`/assessments/${a.id}/written-reasons-letter?format=pdf`)).expect(200);
    expect(letter.headers['content-type']).toBe('application/pdf');
    expect(letter.headers['content-disposition']).toBe(`inline; filename="s13-4-written-reasons-${referral.reference}.pdf"`);
    expect(letter.headers['cache-control']).toBe('no-store');
    const letterPdf = letter.body as Buffer;
    expect(letterPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const letterText = pdfText(letterPdf);
    expect(letterText.pageCount).toBeGreaterThanOrEqual(1);
    expect(letterText.pages[0].startsWith(`${COUNCIL}\nApproved Mental Health Professional (AMHP) service`)).toBe(true);
    const flat = letterText.text.replace(/\s+/g, ' ');
    expect(flat).toContain('Morgan Printed');
    expect(flat).toContain('section 13(4) of the Mental Health Act 1983');
    expect(flat).toContain('Accepts the crisis team twice daily; detention is not necessary.');
    expect(flat).toContain(`on behalf of ${COUNCIL}`);

    const report = await binary(as(worker).get(`/assessments/${a.id}/report?format=pdf`)).expect(200);
    expect(report.headers['content-type']).toBe('application/pdf');
    expect(report.headers['content-disposition']).toBe(`inline; filename="amhp-outcome-report-${referral.reference}.pdf"`);
    expect(report.headers['cache-control']).toBe('no-store');
    const reportText = pdfText(report.body as Buffer);
    expect(reportText.pages[0].startsWith(COUNCIL)).toBe(true);
    expect(reportText.text).toContain(`Robin Printed${n}`);
    expect(reportText.text).toContain('Decision and rationale');
    expect(reportText.text).toContain('Not detained: no application made');

    // Each PDF is an audited read of the person's record, like the HTML.
    const reads = await t.sql<{ action: string; details: { format: string } }>(
      `SELECT action, details FROM audit_events WHERE resource_id = $1 AND action IN ('assessment.report', 'assessment.written-reasons-letter') ORDER BY id`,
      [a.id],
    );
    expect(reads.map((r) => `${r.action}:${r.details.format}`)).toEqual([
      'assessment.written-reasons-letter:html',
      'assessment.written-reasons-letter:pdf',
      'assessment.report:pdf',
    ]);
    await as(worker).get(`/assessments/${a.id}/written-reasons-letter?format=docx`).expect(400);
  });
});
