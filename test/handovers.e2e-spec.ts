import { HandoversService } from '../src/safeguarding/handovers.service';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The morning handover over HTTP on real Postgres: a night of decisions, referrals, an assessment and a rota note,
 * compiled at 08:00 and acknowledged by the day-team manager; what nobody acknowledges is carried to the next day.
 * The night is Fri 20 → Sat 21 Nov 2026 (GMT).
 */
describe('the morning handover', () => {
  let t: TestApp;
  let worker: TestUser & { practitionerId: string };
  let manager: TestUser;
  let dayManager: TestUser;
  let personId: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', HANDOVER_TIME: '08:00' } });
    worker = await amhp(t, { displayName: 'Alex Duty' });
    manager = await t.user(['manager']);
    personId = (await as(manager).post('/people', { givenName: 'Pat', familyName: 'Handover', dateOfBirth: '1948-03-02' }).expect(201)).body
      .id;
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'duty', 'test', 'x', '2026-11-01T00:00:00Z')`,
      [worker.id, personId],
    );
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}) => t.http.patch(p).set('authorization', u.auth).send(b),
  });

  const content = (over: object = {}) => ({
    question: 'Is it safe for the adult to remain at home tonight?',
    legalFrameworks: ['care-act-s42'],
    powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
    facts: 'Neighbour reports bruising and an unpaid carer shouting; adult has dementia.',
    factSources: ['Neighbour by phone 01:40'],
    consultees: [{ name: 'PC Jones', role: 'Police', at: '2026-11-21T01:50:00Z', view: 'Adult appears frightened of the carer.' }],
    personViews: 'Wants to stay at home but not with the carer tonight.',
    options: [
      {
        option: 'Stay at home with a police welfare check',
        leastRestrictive: true,
        chosen: false,
        whyRejected: 'Carer lives there; risk tonight too high.',
      },
      { option: 'Respite bed at Oak House', leastRestrictive: false, chosen: true },
    ],
    riskAnalysis: 'High risk of further harm tonight; low risk in respite.',
    decision: 'Respite bed tonight at Oak House; s.42 enquiry to the day team.',
    rationale: 'Least restrictive option that removes the immediate risk.',
    actions: [{ description: 'Allocate the s.42 enquiry', ownerTeam: 'Riverside adult social care', dueAt: '2026-11-21T10:00:00Z' }],
    handoverNote: 'Day team to allocate the s.42 enquiry and call the daughter.',
    decisionMakerAuthority: 'AMHP, approved by Northshire CC until 2030',
    ...over,
  });

  it('a night with a s.42 concern, a best-interests decision and an emergency placement over the cost threshold is compiled at 08:00 and acknowledged by the day team; what is left is carried to the next morning', async () => {
    // The night: a s.42 decision signed at 02:30, a rota note, an open s.136 referral.
    t.clock.set('2026-11-21T02:30:00Z');
    const decision = (
      await as(worker)
        .post('/decisions', {
          type: 'adult-safeguarding',
          occurredAt: '2026-11-21T02:20:00Z',
          personId,
          content: content({
            sac: {
              typeOfRisk: ['physical'],
              locationOfRisk: 'own-home',
              sourceOfRisk: 'other-known-to-individual',
              lackedCapacity: 'dont-know',
              mspAsked: 'not-asked',
            },
          }),
          details: { s42: { careAndSupportNeeds: true, abuseOrNeglect: true, unableToProtectSelf: true, evidence: 'Dementia; bruising.' } },
        })
        .expect(201)
    ).body;
    await as(worker).post(`/decisions/${decision.id}/sign`).expect(200);
    // 02:40 a best-interests decision for a man with no record; 02:50 an emergency placement above the £1,000 limit.
    const bi = (
      await as(worker)
        .post('/decisions', {
          type: 'best-interests',
          occurredAt: '2026-11-21T02:25:00Z',
          personDetails: { name: 'Ray (surname unknown)', approximateAge: 75 },
          content: content({
            question: 'Where should Ray stay tonight?',
            legalFrameworks: ['mca-best-interests'],
            powerOrDuty: 'MCA 2005 ss.4-5',
            capacity: 'Lacks capacity to decide where to stay tonight.',
          }),
          details: {
            capacity: {
              decision: 'Where to stay tonight',
              assessedAt: '2026-11-21T02:20:00Z',
              impairment: true,
              unableTo: ['retain'],
              causalLink: true,
              practicableStepsTaken: 'Quiet room, simple words, repeated.',
            },
            bestInterests: {
              canItWait: 'No: night-time, nowhere to go.',
              wishesAndFeelings: 'Wants to go home.',
              beliefsAndValues: 'None known.',
              attorneyOrDeputyChecked: true,
              imcaRequired: false,
              leastRestrictive: 'Elm Court until family are found.',
            },
          },
        })
        .expect(201)
    ).body;
    await as(worker).post(`/decisions/${bi.id}/sign`).expect(200);
    const placementBody = {
      type: 'emergency-placement',
      occurredAt: '2026-11-21T02:28:00Z',
      personId,
      costPence: 150_000,
      content: content({
        question: 'Can Pat go to Oak House tonight?',
        legalFrameworks: ['care-act-other'],
        powerOrDuty: 'Care Act 2014 s.19(3)',
      }),
      details: { placement: 'Oak House', startsAt: '2026-11-21T03:00:00Z', costPence: 150_000, fundingAuthority: 'Northshire CC' },
    };
    const placement = (await as(worker).post('/decisions', placementBody).expect(201)).body;
    expect(
      (await as(worker).post(`/decisions/${placement.id}/sign`).expect(422)).body.missing.map((x: { field: string }) => x.field),
    ).toEqual(['escalation']);
    await as(worker)
      .patch(`/decisions/${placement.id}`, {
        escalation: { to: 'Dana Whitlock', role: 'Head of Adult Social Care', at: '2026-11-21T02:29:00Z', outcome: 'approved' },
      })
      .expect(200);
    await as(worker).post(`/decisions/${placement.id}/sign`).expect(200);
    const shift = (
      await as(manager)
        .post('/rota/shifts', { label: 'Night', startsAt: '2026-11-20T22:00:00Z', endsAt: '2026-11-21T09:00:00Z', requiredCount: 1 })
        .expect(201)
    ).body;
    await as(manager).patch(`/rota/shifts/${shift.id}`, { notes: 'Second AMHP went home sick at 03:00; night covered alone.' }).expect(200);
    const referral = (
      await as(manager)
        .post('/referrals', {
          person: { givenName: 'Sam', familyName: 'Bridge', dateOfBirth: '1990-01-01' },
          source: 'police-s136',
          referrer: { name: 'PC Harris' },
          reason: 'Detained under s.136 on the bridge.',
          risks: { toSelf: true, toOthers: false, fromOthers: false },
          urgency: 'emergency',
          legalContext: {
            kind: 's136',
            placeOfSafetyType: 'health-based',
            locationType: 'public-place',
            arrivedAt: '2026-11-21T02:00:00Z',
          },
        })
        .expect(201)
    ).body;

    // Before 08:00 the scheduled job does nothing; at 08:01 it compiles today's handover, once.
    const job = t.app.get(HandoversService);
    t.clock.set('2026-11-21T07:59:00Z');
    await job.tick();
    expect(await t.sql(`SELECT 1 FROM handovers WHERE handover_date = '2026-11-21'`)).toHaveLength(0);
    t.clock.set('2026-11-21T08:01:00Z');
    await Promise.all([job.tick(), job.tick()]);
    expect(await t.sql(`SELECT compiled_by FROM handovers WHERE handover_date = '2026-11-21'`)).toEqual([{ compiled_by: null }]);

    dayManager = await t.user(['manager'], { displayName: 'Day Team Manager' }); // signs in for the day shift
    const h = (await as(dayManager).get('/handovers/2026-11-21').expect(200)).body;
    const byType = (type: string) => h.items.filter((i: { itemType: string }) => i.itemType === type);
    expect(
      byType('decision')
        .map((i: { itemId: string }) => i.itemId)
        .sort(),
    ).toEqual([decision.id, bi.id, placement.id].sort());
    expect(byType('decision').find((i: { itemId: string }) => i.itemId === placement.id).summary).toMatchObject({
      costPence: 150000,
      escalated: true,
    });
    expect(byType('decision').find((i: { itemId: string }) => i.itemId === decision.id).summary).toMatchObject({
      decisionType: 'adult-safeguarding',
      handoverNote: 'Day team to allocate the s.42 enquiry and call the daughter.',
      actions: [expect.objectContaining({ description: 'Allocate the s.42 enquiry' })],
    });
    expect(byType('referral').map((i: { itemId: string }) => i.itemId)).toContain(referral.id);
    expect(byType('referral').find((i: { itemId: string }) => i.itemId === referral.id).summary.clocks).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'POL-07', deadline: '2026-11-22T02:00:00.000Z' })]),
    );
    expect(byType('rota-note')[0].summary.notes).toBe('Second AMHP went home sick at 03:00; night covered alone.');
    expect(byType('action').map((i: { summary: { description: string } }) => i.summary.description)).toContain('Allocate the s.42 enquiry');
    expect(h.counts.open).toBe(h.items.length);
    // No names in a handover: it points at records, which are read (and audited) when opened.
    expect(JSON.stringify(h)).not.toContain('Bridge');

    // The day-team manager takes on the decision and the rota note; a second acknowledgement is 409.
    const decisionItem = byType('decision').find((i: { itemId: string }) => i.itemId === decision.id);
    const ack = (
      await as(dayManager)
        .post(`/handovers/2026-11-21/items/${decisionItem.id}/acknowledgement`, { note: 'Allocated to Jo in the Riverside team.' })
        .expect(200)
    ).body;
    expect(ack.items.find((i: { id: string }) => i.id === decisionItem.id)).toMatchObject({
      acknowledgedBy: dayManager.id,
      acknowledgedAt: '2026-11-21T08:01:00.000Z',
      acknowledgementNote: 'Allocated to Jo in the Riverside team.',
    });
    await as(dayManager).post(`/handovers/2026-11-21/items/${decisionItem.id}/acknowledgement`, {}).expect(409);
    await as(dayManager)
      .post(`/handovers/2026-11-21/items/${byType('rota-note')[0].id}/acknowledgement`, {})
      .expect(200);
    // The duty AMHP may read the handover but not take items on; another AMHP sees no decision's content.
    await as(worker).get('/handovers/2026-11-21').expect(200);
    const colleague = await amhp(t);
    const theirs = (await as(colleague).get('/handovers/2026-11-21').expect(200)).body;
    const withheld = theirs.items.find((i: { itemId: string }) => i.itemId === decision.id).summary;
    expect(withheld).toMatchObject({ kind: 'decision', decisionType: 'adult-safeguarding', contentWithheld: true });
    expect(withheld).not.toHaveProperty('handoverNote');
    expect(withheld).not.toHaveProperty('question');
    expect(JSON.stringify(theirs)).not.toContain('Day team to allocate the s.42 enquiry');
    // Nor the follow-up actions the decision set: their descriptions are its content; that one is due stays shown.
    expect(JSON.stringify(theirs)).not.toContain('Allocate the s.42 enquiry');
    const action = theirs.items.find(
      (i: { itemType: string; summary: { sourceId?: string } }) => i.itemType === 'action' && i.summary.sourceId === decision.id,
    );
    expect(action.summary).toMatchObject({ kind: 'action', sourceType: 'decision', contentWithheld: true });
    expect(action.summary).not.toHaveProperty('description');
    await as(colleague).get(`/decisions/${decision.id}`).expect(403);
    await as(worker)
      .post(`/handovers/2026-11-21/items/${byType('referral')[0].id}/acknowledgement`, {})
      .expect(403);

    // Next morning, asked for before the job runs: not compiled yet (404), and asking creates nothing.
    t.clock.set('2026-11-22T07:30:00Z');
    const early = await as(dayManager).get('/handovers/2026-11-22').expect(404);
    expect(early.headers['content-type']).toMatch(/problem\+json/);
    expect(await t.sql(`SELECT 1 FROM handovers WHERE handover_date = '2026-11-22'`)).toHaveLength(0);
    // Once compiled: the acknowledged decision and note are gone; the referral item nobody took on is carried over.
    t.clock.set('2026-11-22T08:00:30Z'); // the job at HANDOVER_TIME (the day manager's token still valid)
    await job.tick();
    const next = (await as(dayManager).get('/handovers/2026-11-22').expect(200)).body;
    expect(next.periodFrom).toBe('2026-11-21T08:01:00.001Z'); // just after yesterday's compilation (half-open periods)
    expect(next.items.map((i: { itemId: string }) => i.itemId)).not.toContain(decision.id);
    // The placement nobody acknowledged yesterday is still there, first handed over yesterday.
    expect(next.items.find((i: { itemId: string }) => i.itemId === placement.id)).toMatchObject({
      carriedOver: true,
      firstHandedOverOn: '2026-11-21',
    });
    expect(next.items.filter((i: { itemType: string }) => i.itemType === 'rota-note')).toEqual([]);
    const carried = next.items.find((i: { itemId: string }) => i.itemId === referral.id);
    expect(carried).toMatchObject({ carriedOver: true, firstHandedOverOn: '2026-11-21', acknowledgedAt: null });
    expect(next.counts.carriedOver).toBeGreaterThan(0);
    // Acknowledging it today also closes it on yesterday's handover.
    await as(dayManager)
      .post(`/handovers/2026-11-22/items/${carried.id}/acknowledgement`, { note: 'Ward 3 bed held for him until noon.' })
      .expect(200);
    expect(
      (await as(dayManager).get('/handovers/2026-11-21').expect(200)).body.items.find((i: { itemId: string }) => i.itemId === referral.id)
        .acknowledgedBy,
    ).toBe(dayManager.id);

    // Reading a handover and taking items on are audited.
    const actions = (await t.sql<{ action: string }>(`SELECT DISTINCT action FROM audit_events WHERE action LIKE 'handover.%'`))
      .map((r) => r.action)
      .sort();
    expect(actions).toEqual(['handover.acknowledge', 'handover.compile', 'handover.item-read', 'handover.read']);
  });

  it("the day team's acknowledgement note on a decision, or on an action it set, is withheld with the decision's content from other AMHPs, and a note about a person from those who may not read them", async () => {
    const day = (await as(dayManager).get('/handovers/2026-11-21').expect(200)).body;
    const fromDecision = day.items.filter(
      (i: { itemType: string; summary: { sourceType?: string } }) =>
        i.itemType === 'decision' || (i.itemType === 'action' && i.summary.sourceType === 'decision'),
    );
    const open = fromDecision.find(
      (i: { acknowledgedAt: string | null; itemType: string }) => !i.acknowledgedAt && i.itemType === 'action',
    );
    await as(dayManager)
      .post(`/handovers/2026-11-21/items/${open.id}/acknowledgement`, { note: 'Rang the daughter; Oak House room 4 until Monday.' })
      .expect(200);
    const mine = (await as(dayManager).get('/handovers/2026-11-21').expect(200)).body;
    const notes = mine.items.map((i: { acknowledgementNote: string | null }) => i.acknowledgementNote);
    expect(notes).toEqual(
      expect.arrayContaining(['Allocated to Jo in the Riverside team.', 'Rang the daughter; Oak House room 4 until Monday.']),
    );

    expect(notes).toContain('Ward 3 bed held for him until noon.');

    // An AMHP with no relationship to anyone on it (not on duty either).
    const colleague = await t.user(['amhp']);
    const theirs = (await as(colleague).get('/handovers/2026-11-21').expect(200)).body;
    expect(JSON.stringify(theirs)).not.toContain('Allocated to Jo');
    expect(JSON.stringify(theirs)).not.toContain('Oak House room 4');
    // Nor a note on a referral about a person she may not read: the item's ids and codes stay.
    expect(JSON.stringify(theirs)).not.toContain('Ward 3 bed');
    expect(theirs.items.filter((i: { itemType: string }) => i.itemType === 'referral')).not.toEqual([]);
    for (const i of theirs.items.filter((x: { summary: { contentWithheld?: boolean } }) => x.summary.contentWithheld)) {
      expect(i.acknowledgementNote).toBeNull();
    }
    // Who took it on, and when, is not content: it stays shown.
    expect(theirs.items.find((i: { id: string }) => i.id === open.id)).toMatchObject({ acknowledgedBy: dayManager.id });
  });

  it('reading a past date that was never compiled answers 404 and creates nothing', async () => {
    const res = await as(dayManager).get('/handovers/2026-10-01').expect(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(await t.sql(`SELECT 1 FROM handovers WHERE handover_date = '2026-10-01'`)).toHaveLength(0);
  });

  it('refuses a handover for a date still to come, and a date that is not a date', async () => {
    t.clock.set('2026-11-22T07:40:00Z');
    expect((await as(dayManager).get('/handovers/2026-11-23').expect(422)).body.code).toBe('handover-in-future');
    // A path value that is not a date is malformed: 400 naming date.
    expect((await as(dayManager).get('/handovers/yesterday').expect(400)).body.errors).toEqual([
      { field: 'date', messages: ['date must be a calendar date YYYY-MM-DD'] },
    ]);
    expect(await t.sql(`SELECT 1 FROM handovers WHERE handover_date = '2026-11-23'`)).toHaveLength(0);
  });
});
