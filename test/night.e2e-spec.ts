import { JobRunner } from '../src/alerts/job-runner.service';
import { amhp, insertDoctor } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * One night worked end to end over HTTP on real Postgres: a police officer's s.136 referral, the duty AMHPs it is
 * offered to, the assessment and the admission, the outcome report, the morning handover and the audit log.
 * Summer time: the night of Fri 19 to Sat 20 Jun 2026 (BST, UTC+1), so local times are an hour ahead of the UTC
 * instants, and every instant sent carries its +01:00 offset. The clock is moved by `t.clock`; jobs run by runDue().
 */
describe('one night at the hub, from the police call to the morning handover', () => {
  let t: TestApp;
  let runner: JobRunner;
  let police: TestUser;
  let manager: TestUser;
  let duty: Array<TestUser & { practitionerId: string }>;
  let worker: TestUser;
  let other: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  let referral: { id: string; reference: string };
  let personId: string;
  let assessmentId: string;
  let nightDecision: string;
  let morningDecision: string;
  let handover: {
    id: string;
    compiledAt: string;
    items: Array<{ id: string; itemType: string; itemId: string; acknowledgedAt: string | null }>;
  };

  beforeAll(async () => {
    // 02:15 BST: the officer calls the hub five minutes after arriving at the place of safety.
    t = await createTestApp({ now: '2026-06-20T01:15:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', HANDOVER_TIME: '08:00' } });
    runner = t.app.get(JobRunner);
    police = await t.user(['referrer']);
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7200001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7200002');
    // The night shift, 22:00 to 09:00 BST, with two AMHPs on it: they are the AMHPs on duty now.
    const shift = (
      await as(manager)
        .post('/rota/shifts', {
          label: 'Night',
          startsAt: '2026-06-19T22:00:00+01:00',
          endsAt: '2026-06-20T09:00:00+01:00',
          requiredCount: 2,
        })
        .expect(201)
    ).body;
    duty = [await amhp(t, { displayName: 'Alex Nightowl' }), await amhp(t, { displayName: 'Bea Lateshift' })];
    for (const a of duty) await as(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    put: (p: string, b: object = {}) => t.http.put(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}) => t.http.patch(p).set('authorization', u.auth).send(b),
  });
  type ClockView = {
    id: string;
    state: string;
    deadline: string;
    deadlineLocal: string;
    stoppedAt: string | null;
    stopRule: string | null;
    result: string | null;
  };
  const clocks = async (u: TestUser = manager): Promise<Record<string, ClockView>> => {
    const body = (await as(u).get(`/referrals/${referral.id}`).expect(200)).body as { clocks: ClockView[] };
    return Object.fromEntries(body.clocks.map((c) => [c.id, c]));
  };
  const staffNames = ['Alex', 'Nightowl', 'Bea', 'Lateshift'];
  const s42 = (at: string, decision: string) => ({
    type: 'adult-safeguarding',
    occurredAt: at,
    personId,
    content: {
      question: 'Is Robin safe to return home while the lodger holds his bank card?',
      legalFrameworks: ['care-act-s42'],
      powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
      facts: 'At interview Robin said the lodger takes his money and his bank card; he has not eaten for two days.',
      factSources: ['Robin at interview'],
      consultees: [{ name: 'PC Jones', role: 'Police', at, view: 'The lodger is known to the police.' }],
      personViews: 'Wants the lodger gone and his card back.',
      options: [
        {
          option: 'No action until discharge',
          leastRestrictive: true,
          chosen: false,
          whyRejected: 'The money goes on while he is in hospital.',
        },
        { option: 'Ask the bank to stop the card now and raise the s.42 enquiry', leastRestrictive: false, chosen: true },
      ],
      riskAnalysis: 'High risk of further financial abuse while he is in hospital.',
      decision,
      rationale: 'Stops the loss at once; the enquiry follows in the day.',
      actions: [{ description: 'Allocate the s.42 enquiry', ownerTeam: 'Riverside adult social care' }],
      handoverNote: 'Day team to allocate the s.42 enquiry and call the bank.',
      decisionMakerAuthority: 'AMHP, approved by Northshire CC until 2030',
      sac: {
        typeOfRisk: ['financial-or-material'],
        locationOfRisk: 'own-home',
        sourceOfRisk: 'other-known-to-individual',
        lackedCapacity: 'no',
        mspAsked: 'asked-outcomes-expressed',
      },
    },
    details: { s42: { careAndSupportNeeds: true, abuseOrNeglect: true, unableToProtectSelf: true, evidence: 'Psychosis; money taken.' } },
  });

  it('02:15 BST: the police officer sends a s.136 referral and sees its clocks in local time, its progress received, and no staff names', async () => {
    const res = await as(police)
      .post('/referrals', {
        person: { givenName: 'Robin', familyName: 'Midsummer', dateOfBirth: '1988-03-02' },
        source: 'police-s136',
        referrer: { name: 'PC Jones', organisation: 'Northshire Police' },
        reason: 'Found on the bridge in distress, detained under s.136',
        risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
        urgency: 'emergency',
        legalContext: {
          kind: 's136',
          placeOfSafetyType: 'health-based',
          locationType: 'public-place',
          arrivedAt: '2026-06-20T02:10:00+01:00',
        },
        location: 'Northshire General health-based place of safety',
      })
      .expect(201);
    referral = { id: res.body.id, reference: res.body.reference };
    // The officer is answered with the referral's progress, never the person's record.
    expect(res.body.person).toBeUndefined();
    [{ person_id: personId }] = await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [referral.id]);
    const seen = (await as(police).get(`/referrals/${referral.id}`).expect(200)).body;
    // The s.136 24 hours from arrival at 02:10 BST end at 02:10 BST the next day; the local targets come first.
    expect(seen.clocks.map((c: ClockView) => `${c.id} ${c.deadlineLocal} ${c.state}`)).toEqual([
      'COP-09 Sat 20 Jun 2026 05:10 BST running',
      'LOCAL-RESPONSE Sat 20 Jun 2026 06:15 BST running',
      'POL-07 Sun 21 Jun 2026 02:10 BST running',
    ]);
    expect(seen.clocks.find((c: ClockView) => c.id === 'POL-07').deadline).toBe('2026-06-21T01:10:00.000Z');
    expect(seen.progress).toEqual([{ step: 'received', at: '2026-06-20T01:15:00.000Z', atLocal: 'Sat 20 Jun 2026 02:15 BST' }]);
    expect(seen.status).toBe('received');
    const text = JSON.stringify(seen);
    for (const name of staffNames) expect(text).not.toContain(name);
  });

  it('02:20 BST: the manager offers it to the AMHPs on duty; each is notified and sees it in their offers with the local deadline', async () => {
    t.clock.set('2026-06-20T01:20:00Z');
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'screening' }).expect(200);
    await as(manager).post(`/referrals/${referral.id}/status`, { status: 'accepted' }).expect(200);
    // No AMHP named: the offer goes to whoever is on the rota now.
    const offered = (await as(manager).post(`/referrals/${referral.id}/offers`, {}).expect(201)).body.items as Array<{ userId: string }>;
    expect(offered.map((o) => o.userId).sort()).toEqual(duty.map((a) => a.id).sort());
    for (const u of duty) {
      const inbox = (await as(u).get('/me/notifications?unread=true').expect(200)).body.items;
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({
        kind: 'offer.received',
        severity: 'urgent',
        link: `/referrals/${referral.id}`,
        subjectId: referral.id,
      });
      expect(inbox[0].title).toBe(`${referral.reference}: offered to you (emergency, s136)`);
      expect(inbox[0].body).toBe(
        'Offered at Sat 20 Jun 2026 02:20 BST. Place-of-safety assessment to start (local target) ends at Sat 20 Jun 2026 05:10 BST. Accept or decline it in your offers.',
      );
      const mine = (await as(u).get('/me/offers').expect(200)).body.items;
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        referralId: referral.id,
        offeredAtLocal: 'Sat 20 Jun 2026 02:20 BST',
        nextDeadline: '2026-06-20T04:10:00.000Z',
        nextDeadlineLocal: 'Sat 20 Jun 2026 05:10 BST',
      });
      expect(mine[0].clocks).toContainEqual(expect.objectContaining({ id: 'POL-07', deadlineLocal: 'Sun 21 Jun 2026 02:10 BST' }));
    }
  });

  it('02:25 BST: one AMHP accepts; the other is told it was accepted by another AMHP; the offer leaves both lists; the officer sees it allocated, without names', async () => {
    t.clock.set('2026-06-20T01:25:00Z');
    const results = await Promise.all(duty.map((u) => as(u).post(`/referrals/${referral.id}/offers/accept`)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const lost = results.find((r) => r.status === 409)!;
    expect(lost.headers['content-type']).toMatch(/problem\+json/);
    expect(lost.body.code).toBe('offer-taken');
    expect(lost.body.detail).toBe(
      'This referral was accepted by another AMHP at Sat 20 Jun 2026 02:25 BST; the offer to you is closed and nothing more is needed from you.',
    );
    worker = duty[results.findIndex((r) => r.status === 201)];
    other = duty.find((u) => u !== worker)!;
    for (const name of staffNames) expect(lost.body.detail).not.toContain(name);
    for (const u of duty) expect((await as(u).get('/me/offers').expect(200)).body.items).toEqual([]);

    const seen = (await as(police).get(`/referrals/${referral.id}`).expect(200)).body;
    expect(seen.progress.map((p: { step: string; atLocal: string }) => `${p.step} ${p.atLocal}`)).toEqual([
      'received Sat 20 Jun 2026 02:15 BST',
      'offered Sat 20 Jun 2026 02:20 BST',
      'allocated Sat 20 Jun 2026 02:25 BST',
    ]);
    const text = JSON.stringify(seen);
    for (const s of [...staffNames, worker.id, other.id]) expect(text).not.toContain(s);
  });

  it('the AMHP assesses: each clock stops when its purpose is met, and the s.136 stops, met, at the admission under s.2', async () => {
    // 02:50 BST: she opens the assessment, 2 h 20 min before the 3-hour target.
    t.clock.set('2026-06-20T01:50:00Z');
    const a = (
      await as(worker).post('/assessments', { referralId: referral.id, location: 'Northshire General place of safety' }).expect(201)
    ).body;
    assessmentId = a.id;
    expect(a.person.id).toBe(personId);
    expect((await clocks())['COP-09']).toMatchObject({
      state: 'stopped',
      stoppedAt: '2026-06-20T01:50:00.000Z',
      stopRule: 'COP-09',
      result: 'met',
    });

    t.clock.set('2026-06-20T02:10:00Z');
    await as(worker)
      .post(`/assessments/${a.id}/contacts`, { at: '2026-06-20T03:05:00+01:00', mode: 'in-person', byRole: 'amhp' })
      .expect(201);
    expect((await clocks())['LOCAL-RESPONSE']).toMatchObject({
      state: 'stopped',
      stoppedAt: '2026-06-20T02:05:00.000Z',
      stopRule: 'DUTY-01',
      result: 'met',
    });

    t.clock.set('2026-06-20T03:00:00Z'); // 04:00 BST
    await as(worker)
      .patch(`/assessments/${a.id}`, {
        interview: {
          suitableMannerNotes: 'Seen in a quiet room at the place of safety; no interpreter needed.',
          alternativesConsidered: ['Crisis team at home: refused', 'Informal admission: refused'],
        },
      })
      .expect(200);
    for (const [doctorId, at, previousAcquaintance] of [
      [s12Doctor, '2026-06-20T03:20:00+01:00', false],
      [gpDoctor, '2026-06-20T03:40:00+01:00', true],
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
    const relative = (
      await as(worker)
        .post(`/people/${personId}/relatives`, {
          name: 'Morgan Midsummer',
          relationship: 'parent',
          wholeBlood: true,
          dateOfBirth: '1960-01-01',
          livesWithPatient: true,
        })
        .expect(201)
    ).body;
    // His mother is his nearest relative (s.26); at 03:45 BST her phone is off, so she is told after the application.
    await as(worker).put(`/assessments/${a.id}/nearest-relative`, { relativeId: relative.id }).expect(200);
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
    const outcome = {
      kind: 'application',
      section: 's2',
      signedAt: '2026-06-20T03:55:00+01:00',
      hospitalSite: 'Northshire General Hospital, Beech Ward',
      practicalMatters: { dependants: 'None', pets: 'None', property: 'Flat locked; keys with the parent' },
      rationale: 'Detention is the least restrictive way to provide the assessment needed: every alternative was refused.',
    };
    // The application waits on one warning: the nearest relative is not yet told (s.11(3)). She acknowledges it with her reason.
    const warned = await as(worker).post(`/assessments/${a.id}/outcome`, outcome).expect(422);
    expect(warned.body.code).toBe('warnings-not-acknowledged');
    const findings = warned.body.findings as Array<{ rule: string; code: string; severity: string; message: string }>;
    expect(findings.map((f) => `${f.rule} ${f.code} ${f.severity}`)).toEqual(['NR-01 nearest-relative-not-informed warning']);
    expect(findings[0].message).toContain('Do it by Tue 23 Jun 2026 03:55 BST');
    expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.outcomeKind).toBeNull();
    await as(worker)
      .post(`/assessments/${a.id}/outcome`, {
        ...outcome,
        acknowledgements: [{ code: 'nearest-relative-not-informed', reason: 'Mother’s phone off at 03:50; she will be told first thing.' }],
      })
      .expect(200);
    // Signed, not yet admitted: still held at the place of safety under s.136.
    expect((await clocks())['POL-07']).toMatchObject({ state: 'running', stoppedAt: null });

    t.clock.set('2026-06-20T03:25:00Z');
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-06-20T04:20:00+01:00' }).expect(201);
    expect((await clocks())['POL-07']).toMatchObject({
      state: 'stopped',
      deadline: '2026-06-21T01:10:00.000Z',
      stoppedAt: '2026-06-20T03:20:00.000Z',
      stopRule: 'POL-11',
      result: 'met',
    });
    // 04:30 BST: his mother answers and is told of the application.
    t.clock.set('2026-06-20T03:35:00Z');
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-06-20T04:30:00+01:00',
        informedMethod: 'phone',
      })
      .expect(200);
    const now = (await as(manager).get(`/referrals/${referral.id}`).expect(200)).body;
    expect(now.clocks.map((c: ClockView) => c.state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(now.nextDeadline).toBeNull();
    // The officer sees the same: every clock stopped, the assessment started, and still no names.
    const seen = (await as(police).get(`/referrals/${referral.id}`).expect(200)).body;
    expect(seen.clocks.map((c: ClockView) => `${c.id} ${c.state} ${c.result}`)).toEqual([
      'COP-09 stopped met',
      'LOCAL-RESPONSE stopped met',
      'POL-07 stopped met',
    ]);
    expect(seen.progress.map((p: { step: string; atLocal: string }) => `${p.step} ${p.atLocal}`)).toEqual([
      'received Sat 20 Jun 2026 02:15 BST',
      'offered Sat 20 Jun 2026 02:20 BST',
      'allocated Sat 20 Jun 2026 02:25 BST',
      'assessment-started Sat 20 Jun 2026 02:50 BST',
      'outcome-recorded Sat 20 Jun 2026 03:55 BST',
    ]);
    for (const s of [...staffNames, worker.id, other.id]) expect(JSON.stringify(seen)).not.toContain(s);
  });

  it('04:40 BST: the AMHP signs an adult safeguarding (s.42) decision about what Robin told her at interview', async () => {
    t.clock.set('2026-06-20T03:40:00Z');
    const d = (
      await as(worker).post('/decisions', s42('2026-06-20T04:30:00+01:00', 'Bank asked to stop the card; s.42 enquiry raised.')).expect(201)
    ).body;
    const signed = (await as(worker).post(`/decisions/${d.id}/sign`).expect(200)).body;
    expect(signed).toMatchObject({ status: 'signed', signedAt: '2026-06-20T03:40:00.000Z' });
    nightDecision = d.id;
  });

  it('05:00 BST: she closes the assessment, and still reads it and prints her outcome report, but can no longer change it', async () => {
    t.clock.set('2026-06-20T04:00:00Z');
    await as(worker).post(`/assessments/${assessmentId}/close`, {}).expect(200);
    expect((await as(worker).get(`/assessments/${assessmentId}`).expect(200)).body.status).toBe('closed');
    const report = (await as(worker).get(`/assessments/${assessmentId}/report`).expect(200)).body;
    expect(JSON.stringify(report)).toContain('every alternative was refused');
    const html = await as(worker).get(`/assessments/${assessmentId}/report?format=html`).expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain('every alternative was refused');
    expect(html.text).toContain('BST');
    const pdf = await as(worker).get(`/assessments/${assessmentId}/report?format=pdf`).buffer(true).responseType('blob').expect(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Closed: not hers to change (409, saying so, and kept as a refused attempt), though hers to read.
    const changed = await as(worker).patch(`/assessments/${assessmentId}`, { location: 'Changed afterwards' }).expect(409);
    expect(changed.body.code).toBe('assessment-closed');
    await as(worker)
      .post(`/assessments/${assessmentId}/contacts`, { at: '2026-06-20T04:50:00+01:00', mode: 'phone', byRole: 'amhp' })
      .expect(409);
    expect((await as(worker).get(`/assessments/${assessmentId}`).expect(200)).body.location).toBe('Northshire General place of safety');
  });

  it('08:00 BST: the job compiles the morning handover; it reads the same twice, leaves out a decision signed after 08:00, and only gains the manager’s acknowledgement', async () => {
    t.clock.set('2026-06-20T06:59:00Z'); // 07:59 BST: not yet
    await runner.runDue();
    await as(manager).get('/handovers/2026-06-20').expect(404);
    t.clock.set('2026-06-20T07:00:00Z'); // 08:00 BST
    await runner.runDue();
    t.clock.set('2026-06-20T07:10:00Z');
    const first = (await as(manager).get('/handovers/2026-06-20').expect(200)).body;
    expect(first).toMatchObject({ date: '2026-06-20', compiledBy: null, compiledAt: '2026-06-20T07:00:00.001Z' });
    const decisions = first.items.filter((i: { itemType: string }) => i.itemType === 'decision');
    expect(decisions.map((i: { itemId: string }) => i.itemId)).toEqual([nightDecision]);
    expect(decisions[0].summary).toMatchObject({
      signedAt: '2026-06-20T03:40:00.000Z',
      personId,
      decision: 'Bank asked to stop the card; s.42 enquiry raised.',
    });
    expect((await as(manager).get('/handovers/2026-06-20').expect(200)).body).toEqual(first);
    handover = first;

    // 08:30 BST: the manager signs another out-of-hours decision; it is for tomorrow's handover, not this one.
    t.clock.set('2026-06-20T07:30:00Z');
    const late = (
      await as(manager).post('/decisions', s42('2026-06-20T08:20:00+01:00', 'Card stopped; the lodger told to leave.')).expect(201)
    ).body;
    await as(manager).post(`/decisions/${late.id}/sign`).expect(200);
    morningDecision = late.id;
    const again = (await as(manager).get('/handovers/2026-06-20').expect(200)).body;
    expect(again).toEqual(first);
    expect(again.items.map((i: { itemId: string }) => i.itemId)).not.toContain(morningDecision);

    // The manager acknowledges the night's decision: a re-read shows that, and nothing else changed.
    t.clock.set('2026-06-20T07:45:00Z');
    const item = decisions[0];
    await as(manager)
      .post(`/handovers/2026-06-20/items/${item.id}/acknowledgement`, { note: 'Enquiry allocated to the day team.' })
      .expect(200);
    t.clock.set('2026-06-20T07:50:00Z');
    const after = (await as(manager).get('/handovers/2026-06-20').expect(200)).body;
    const acked = after.items.find((i: { id: string }) => i.id === item.id);
    expect(acked).toMatchObject({
      acknowledgedAt: '2026-06-20T07:45:00.000Z',
      acknowledgedBy: manager.id,
      acknowledgementNote: 'Enquiry allocated to the day team.',
    });
    const unacked = (h: typeof first) => ({
      ...h,
      items: h.items.map((i: { id: string }) =>
        i.id === item.id ? { ...i, acknowledgedAt: null, acknowledgedBy: null, acknowledgementNote: null } : i,
      ),
      counts: { ...h.counts, open: undefined },
    });
    expect(unacked(after)).toEqual(unacked(first));
    expect(after.counts.open).toBe(first.counts.open - 1);
  });

  it('the audit log holds every read and change of Robin’s record in the night, each attributed to the user who made it', async () => {
    const rows = await t.sql<{ actor_id: string | null; action: string; outcome: string; access_basis: string | null; occurred_at: Date }>(
      `SELECT actor_id, action, outcome, access_basis, occurred_at FROM audit_events WHERE subject_person_id = $1 ORDER BY id`,
      [personId],
    );
    const by = (u: TestUser, outcome = 'success') =>
      [...new Set(rows.filter((r) => r.actor_id === u.id && r.outcome === outcome).map((r) => r.action))].sort();
    // Nobody else touched it, and nothing was written without a user.
    expect(new Set(rows.map((r) => r.actor_id))).toEqual(new Set([police.id, manager.id, worker.id, other.id]));
    // The officer: the referral sent (and the person recorded with it), and her reads of its clocks and progress.
    expect(by(police)).toEqual(['person.create', 'referral.create', 'referral.read']);
    expect(new Set(rows.filter((r) => r.actor_id === police.id && r.action === 'referral.read').map((r) => r.access_basis))).toEqual(
      new Set(['own:referrer']),
    );
    // The AMHP who lost the race read the person in her offers while deciding, and changed nothing.
    expect(by(other)).toEqual(['referral.read']);
    // The AMHP who took it: the allocation, every step of the assessment, her decision, and her reads (the report too).
    expect(by(worker)).toEqual([
      'action.create',
      'assessment.close',
      'assessment.conflicts',
      'assessment.contact',
      'assessment.create',
      'assessment.event',
      'assessment.nearest-relative',
      'assessment.outcome',
      'assessment.read',
      'assessment.recommendation',
      'assessment.report',
      'assessment.update',
      'decision.create',
      'decision.sign',
      'referral.allocate',
      'referral.closed',
      'referral.in-assessment',
      'referral.read',
      'relative.create',
    ]);
    // Her attempts to change it after closing are kept as refused.
    const refused = await t.sql<{ policy: string; resource_type: string }>(
      `SELECT details->>'policy' AS policy, resource_type FROM audit_events WHERE subject_person_id = $1 AND actor_id = $2 AND outcome = 'denied' ORDER BY id`,
      [personId, worker.id],
    );
    expect(refused).toEqual([
      { policy: 'person.write', resource_type: 'assessment' },
      { policy: 'person.write', resource_type: 'assessment' },
    ]);
    // The manager: screening, the offer, the morning's decision, the handover read and the item taken on.
    expect(by(manager)).toEqual([
      'action.create',
      'decision.create',
      'decision.sign',
      'handover.acknowledge',
      'handover.item-read',
      'referral.accepted',
      'referral.offer',
      'referral.read',
      'referral.screening',
    ]);
    // The acknowledgement's answer shows the handover again: that read is audited with it, at 08:45 BST.
    expect(
      rows
        .filter((r) => r.actor_id === manager.id && r.occurred_at.toISOString() === '2026-06-20T07:45:00.000Z')
        .map((r) => r.action)
        .sort(),
    ).toEqual(['handover.acknowledge', 'handover.item-read']);
    // Everything happened in the night and the morning after it, as the clock said.
    for (const r of rows)
      expect(r.occurred_at.toISOString() >= '2026-06-20T01:15:00.000Z' && r.occurred_at.toISOString() <= '2026-06-20T07:50:00.000Z').toBe(
        true,
      );
    expect(handover.id).toBeDefined();
  });
});
