import { DataSource } from 'typeorm';
import { ActionsService } from '../src/safeguarding/actions.service';
import { DecisionsService } from '../src/safeguarding/decisions.service';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { amhp } from './support/workforce-fixtures';

/**
 * Out-of-hours decisions and their follow-up actions over HTTP on real Postgres (OOH-01..OOH-08, OOH-DA).
 * Now is Sat 21 Nov 2026 03:00 GMT, in the night; the delegated-authority limit is the default £1,000.
 */
describe('out-of-hours decisions: drafts, signing, amendments, follow-up actions', () => {
  let t: TestApp;
  let worker: TestUser;
  let otherAmhp: TestUser;
  let manager: TestUser;
  let auditor: TestUser;
  let personId: string;
  const NOW = '2026-11-21T03:00:00.000Z';

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    worker = await amhp(t, { displayName: 'Alex Duty' });
    otherAmhp = await t.user(['amhp']);
    manager = await t.user(['manager']);
    auditor = await t.user(['auditor']);
    personId = (await as(manager).post('/people', { givenName: 'Pat', familyName: 'Nightly', dateOfBirth: '1948-03-02' }).expect(201)).body
      .id;
    // The duty AMHP is related to the person (as on duty for the hub's queue would make them).
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'duty', 'test', 'x', '2026-11-01T00:00:00Z')`,
      [worker.id, personId],
    );
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, h: Record<string, string> = {}) => t.http.post(p).set('authorization', u.auth).set(h).send(b),
    patch: (p: string, b: object = {}, h: Record<string, string> = {}) => t.http.patch(p).set('authorization', u.auth).set(h).send(b),
  });

  /** Everything OOH-08 asks of every record; the actions are the worker's, due at 09:00 this morning. */
  const content = (over: object = {}) => ({
    question: 'Is it safe for the adult to remain at home tonight?',
    legalFrameworks: ['care-act-s42'],
    powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
    facts: 'Neighbour reports bruising and an unpaid carer shouting; adult has dementia.',
    factSources: ['Neighbour by phone 01:40', 'Police CAD 223'],
    consultees: [
      { name: 'PC Jones', role: 'Police', at: '2026-11-21T02:00:00Z', view: 'Adult appears frightened of the carer.' },
      { name: 'Daughter', role: 'Next of kin', notReachedReason: 'Phone unanswered twice, voicemail left.' },
    ],
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
    actions: [{ description: 'Start the s.42 enquiry', ownerUserId: worker.id, dueAt: '2026-11-21T09:00:00Z' }],
    handoverNote: 'Day team to allocate the s.42 enquiry and call the daughter.',
    decisionMakerAuthority: 'AMHP, approved by Northshire CC until 2030; EDT delegated authority',
    ...over,
  });

  /** OOH-09: the Safeguarding Adults Collection fields of a s.42 decision, the enquiry still open. */
  const SAC = {
    typeOfRisk: ['physical', 'psychological'],
    locationOfRisk: 'own-home',
    sourceOfRisk: 'other-known-to-individual',
    lackedCapacity: 'yes',
    capacitySupport: 'yes',
    mspAsked: 'asked-outcomes-expressed',
  };
  const s42Content = (over: object = {}) => content({ sac: SAC, ...over });

  const s42Details = {
    s42: { careAndSupportNeeds: true, abuseOrNeglect: true, unableToProtectSelf: true, evidence: 'Dementia; bruising; carer shouting.' },
    immediateProtection: 'Respite bed tonight',
    policeReferral: true,
  };

  /** A best-interests decision's details (MCA ss.1-4): the capacity assessment made at `assessedAt`, and the checklist. */
  const bestInterestsDetails = (assessedAt: string) => ({
    capacity: {
      decision: 'Where to stay tonight',
      assessedAt,
      impairment: true,
      unableTo: ['retain', 'use-or-weigh'],
      causalLink: true,
      practicableStepsTaken: 'Explained simply, twice, in a quiet room.',
    },
    bestInterests: {
      canItWait: 'No: alone and unsafe tonight.',
      wishesAndFeelings: 'Wants to be somewhere warm.',
      beliefsAndValues: 'None relevant known.',
      attorneyOrDeputyChecked: true,
      imcaRequired: false,
      leastRestrictive: "Friend's house considered: unavailable.",
    },
  });

  async function draft(u: TestUser, body: object) {
    const res = await as(u).post('/decisions', { occurredAt: '2026-11-21T02:30:00Z', ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number; status: string; missingForSigning: Array<{ field: string }> };
  }

  async function signed(u: TestUser = worker, over: object = {}) {
    const d = await draft(u, { type: 'adult-safeguarding', personId, content: s42Content(), details: s42Details, ...over });
    await as(u).post(`/decisions/${d.id}/sign`).expect(200);
    return d;
  }

  it('a night with a s.42 concern, a best-interests decision and an emergency placement over the cost threshold (refused without escalation, signed with it)', async () => {
    // 02:30 a s.42 concern about a person with a record.
    const s42 = await as(worker)
      .post(
        '/decisions',
        { type: 'adult-safeguarding', occurredAt: '2026-11-21T02:30:00Z', personId, content: s42Content(), details: s42Details },
        { 'idempotency-key': 's42-night-1' },
      )
      .expect(201);
    expect(s42.headers.location).toBe(`/decisions/${s42.body.id}`);
    expect(s42.headers.etag).toBe('"v1"');
    expect(s42.body).toMatchObject({
      status: 'draft',
      type: 'adult-safeguarding',
      authorUserId: worker.id,
      authorName: 'Alex Duty',
      personId,
      person: { id: personId, familyName: 'Nightly' },
      missingForSigning: [],
      s42DutyArises: true,
      view: 'full',
    });
    // The same key and body: the first response again, nothing new stored.
    const replay = await as(worker)
      .post(
        '/decisions',
        { type: 'adult-safeguarding', occurredAt: '2026-11-21T02:30:00Z', personId, content: s42Content(), details: s42Details },
        { 'idempotency-key': 's42-night-1' },
      )
      .expect(201);
    expect(replay.body.id).toBe(s42.body.id);
    const signedS42 = (await as(worker).post(`/decisions/${s42.body.id}/sign`).expect(200)).body;
    expect(signedS42).toMatchObject({ status: 'signed', signedAt: NOW, version: 2, missingForSigning: null });
    expect(signedS42.actions).toEqual([
      expect.objectContaining({
        sourceType: 'decision',
        sourceId: s42.body.id,
        description: 'Start the s.42 enquiry',
        ownerUserId: worker.id,
        dueAt: '2026-11-21T09:00:00.000Z',
        doneAt: null,
      }),
    ]);

    // 02:45 a best-interests decision for someone with no record.
    const bi = await draft(worker, {
      type: 'best-interests',
      occurredAt: '2026-11-21T02:45:00Z',
      personDetails: { name: 'Robin Unknown', approximateAge: 80, address: '3 Mill Lane' },
      content: content({
        question: 'Where should Robin stay tonight?',
        legalFrameworks: ['mca-best-interests'],
        powerOrDuty: 'MCA 2005 ss.4-5',
        capacity: 'Lacks capacity to decide on accommodation tonight (see assessment).',
      }),
      details: bestInterestsDetails('2026-11-21T02:40:00Z'),
    });
    expect(bi.missingForSigning).toEqual([]);
    await as(worker).post(`/decisions/${bi.id}/sign`).expect(200);

    // 03:00 an emergency placement at £1,500 against a £1,000 limit.
    const placement = await draft(worker, {
      type: 'emergency-placement',
      occurredAt: '2026-11-21T03:00:00Z',
      personId,
      costPence: 150_000,
      content: content({
        question: 'Can Pat be placed in an emergency bed tonight?',
        legalFrameworks: ['care-act-other'],
        powerOrDuty: 'Care Act 2014 s.19(3): urgent needs',
      }),
      details: {
        placement: 'Oak House, emergency bed',
        startsAt: '2026-11-21T03:30:00Z',
        costPence: 150_000,
        fundingAuthority: 'Northshire CC',
      },
    });
    expect(placement.missingForSigning.map((x) => x.field)).toEqual(['escalation']);
    const refused = await as(worker).post(`/decisions/${placement.id}/sign`).expect(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.code).toBe('decision-incomplete');
    expect(refused.body.missing).toEqual([expect.objectContaining({ field: 'escalation', rule: 'OOH-DA' })]);
    expect((await t.sql(`SELECT status FROM decisions WHERE id = $1`, [placement.id]))[0].status).toBe('draft');

    const escalated = await as(worker)
      .patch(
        `/decisions/${placement.id}`,
        { escalation: { to: 'Jo Senior', role: 'Head of Adult Social Care', at: '2026-11-21T03:05:00Z', outcome: 'approved' } },
        { 'if-match': '"v1"' },
      )
      .expect(200);
    expect(escalated.headers.etag).toBe('"v2"');
    const signedPlacement = (await as(worker).post(`/decisions/${placement.id}/sign`).expect(200)).body;
    expect(signedPlacement).toMatchObject({
      status: 'signed',
      costPence: 150_000,
      aboveDelegatedLimit: true,
      escalation: { to: 'Jo Senior', outcome: 'approved' },
    });

    const events = await t.sql<{ type: string; aggregate_id: string }>(
      `SELECT type, aggregate_id FROM outbox_events WHERE aggregate_type = 'decision' AND aggregate_id = ANY($1::text[]) ORDER BY id`,
      [[s42.body.id, bi.id, placement.id]],
    );
    expect(events.filter((e) => e.type === 'decision.signed')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'decision.escalation-required').map((e) => e.aggregate_id)).toEqual([placement.id]);
    // Every change left its audit row, with the person where there is a record.
    const audit = await t.sql<{ action: string; subject_person_id: string | null }>(
      `SELECT action, subject_person_id FROM audit_events WHERE resource_type = 'decision' AND resource_id = $1 ORDER BY id`,
      [s42.body.id],
    );
    expect(audit).toEqual([
      { action: 'decision.create', subject_person_id: personId },
      { action: 'decision.sign', subject_person_id: personId },
    ]);

    // The night's list, newest first; the handover's view of it.
    const mine = (await as(worker).get('/decisions?author=me&since=2026-11-21T02:00:00Z&until=2026-11-21T04:00:00Z').expect(200)).body;
    expect(mine.items.map((d: { id: string }) => d.id)).toEqual([placement.id, bi.id, s42.body.id]);
    expect(mine.items[1]).toMatchObject({ view: 'summary', personName: 'Robin Unknown', question: 'Where should Robin stay tonight?' });
    const page1 = (await as(worker).get('/decisions?author=me&limit=2').expect(200)).body;
    const page2 = (await as(worker).get(`/decisions?author=me&limit=2&cursor=${page1.nextCursor}`).expect(200)).body;
    expect([...page1.items, ...page2.items].map((d: { id: string }) => d.id).slice(0, 3)).toEqual([placement.id, bi.id, s42.body.id]);

    const ds = t.app.get(DataSource);
    const night = await t.app
      .get(DecisionsService)
      .forHandover(ds.manager, new Date('2026-11-21T00:00:00Z'), new Date('2026-11-21T04:00:00Z'));
    const handed = night.find((d) => d.id === placement.id)!;
    expect(handed).toMatchObject({
      type: 'emergency-placement',
      occurredAt: '2026-11-21T03:00:00.000Z',
      signedAt: NOW,
      authorUserId: worker.id,
      personId,
      personName: 'Pat Nightly',
      question: 'Can Pat be placed in an emergency bed tonight?',
      costPence: 150_000,
      escalated: true,
    });
    expect(handed.actions).toEqual([
      {
        id: expect.any(String),
        description: 'Start the s.42 enquiry',
        ownerUserId: worker.id,
        ownerTeam: null,
        dueAt: '2026-11-21T09:00:00.000Z',
        doneAt: null,
      },
    ]);
    expect(night.find((d) => d.id === bi.id)).toMatchObject({ personId: null, personName: 'Robin Unknown', escalated: false });
  });

  it.each([
    ['adult-safeguarding', {}, ['details.s42', 'content.sac']],
    ['best-interests', {}, ['content.capacity', 'details.capacity', 'details.bestInterests']],
    ['dols-urgent-authorisation', { managingAuthority: 'Oak House' }, ['details.grantedAt', 'details.days', 'details.standardRequestedAt']],
    ['emergency-placement', {}, ['details.placement', 'details.startsAt', 'details.costPence', 'details.fundingAuthority']],
    ['child-protection-referral', {}, ['details.childrenServicesContacted', 'details.contactedAt']],
  ] as Array<[string, object, string[]]>)(
    'required fields per type: a %s record without its own fields cannot be signed (422 listing them)',
    async (type, details, expected) => {
      const d = await draft(worker, { type, personId, content: content({ capacity: undefined }), details });
      expect(d.missingForSigning.map((x) => x.field)).toEqual(expected);
      const res = await as(worker).post(`/decisions/${d.id}/sign`).expect(422);
      expect(res.body.code).toBe('decision-incomplete');
      expect(res.body.missing.map((x: { field: string }) => x.field)).toEqual(expected);
    },
  );

  it("a decision is started at the service's time, as every other record, not the database's: createdAt read back is the service's now", async () => {
    const d = await draft(worker, { type: 'other', personId });
    expect((d as unknown as { createdAt: string }).createdAt).toBe(NOW);
    expect((await as(worker).get(`/decisions/${d.id}`).expect(200)).body.createdAt).toBe(NOW);
  });

  it('required fields: an empty draft lists every OOH-08 item it lacks; a structurally wrong one is refused with nothing stored', async () => {
    const empty = await draft(worker, { type: 'other', personDetails: { name: 'Sam Caller' } });
    const res = await as(worker).post(`/decisions/${empty.id}/sign`).expect(422);
    expect(res.body.missing.map((x: { field: string }) => x.field)).toEqual([
      'content.question',
      'content.legalFrameworks',
      'content.powerOrDuty',
      'content.facts',
      'content.factSources',
      'content.consultees',
      'content.personViews',
      'content.options',
      'content.riskAnalysis',
      'content.decision',
      'content.rationale',
      'content.actions',
      'content.handoverNote',
      'content.decisionMakerAuthority',
    ]);
    const before = await t.sql('SELECT id FROM decisions');
    // An urgent authorisation lasts at most 7 days (Sch A1 para 78(2)); an adult-safeguarding record has no `placement`.
    const eight = await as(worker)
      .post('/decisions', { type: 'dols-urgent-authorisation', occurredAt: '2026-11-21T02:00:00Z', personId, details: { days: 8 } })
      .expect(422);
    expect(eight.body).toMatchObject({
      code: 'decision-invalid',
      errors: [{ field: 'details.days', messages: [expect.stringContaining('from 1 to 7')] }],
    });
    const wrongType = await as(worker)
      .post('/decisions', { type: 'adult-safeguarding', occurredAt: '2026-11-21T02:00:00Z', personId, details: { placement: 'Oak House' } })
      .expect(422);
    expect(wrongType.body.errors.map((e: { field: string }) => e.field)).toEqual(['details.placement']);
    await as(worker).post('/decisions', { type: 'other', occurredAt: '2026-11-21T04:00:00Z', personId }).expect(422); // an hour in the future
    await as(worker).post('/decisions', { type: 'other', occurredAt: '2026-11-21T02:00:00Z' }).expect(422); // about nobody
    expect(await t.sql('SELECT id FROM decisions')).toHaveLength(before.length);
  });

  it('a DoLS extension shows the urgent authorisation clocks; a DoLS record not relying on DoLS warns (OOH-04, OOH-05, OOH-07)', async () => {
    const ua = {
      managingAuthority: 'Oak House care home',
      grantedAt: '2026-11-18T10:00:00Z',
      days: 7,
      standardRequestedAt: '2026-11-18T09:00:00Z',
    };
    const ext = (await draft(worker, {
      type: 'dols-extension',
      personId,
      content: content({ legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 para 84' }),
      details: {
        ...ua,
        extension: {
          requestedAt: '2026-11-21T01:00:00Z',
          decidedAt: '2026-11-21T02:00:00Z',
          days: 7,
          exceptionalReasons: 'Best interests assessor off sick; assessment booked for Monday.',
          essentialToContinue: true,
          decision: 'extended',
        },
      },
    })) as unknown as {
      id: string;
      missingForSigning: unknown[];
      warnings: unknown[];
      dolsClocks: Array<{ id: string; deadline: string }>;
    };
    expect(ext.missingForSigning).toEqual([]);
    expect(ext.warnings).toEqual([]);
    // Granted Wed 18 Nov 10:00 for 7 days: ends Wed 25 Nov 10:00; extended by 7 days: Wed 2 Dec 10:00.
    expect(ext.dolsClocks.map((c) => [c.id, c.deadline])).toEqual([
      ['dols-urgent', '2026-11-25T10:00:00.000Z'],
      ['dols-extended', '2026-12-02T10:00:00.000Z'],
    ]);

    const noFramework = (
      await as(worker)
        .post('/decisions', {
          type: 'dols-urgent-authorisation',
          occurredAt: '2026-11-21T02:00:00Z',
          personId,
          content: { legalFrameworks: ['common-law'] },
          details: { ...ua, standardRequestedAt: null },
        })
        .expect(201)
    ).body;
    expect(noFramework.warnings.map((w: { code: string }) => w.code).sort()).toEqual(['dols-framework-missing', 'no-standard-request']);
    expect(noFramework.dolsClocks).toEqual([expect.objectContaining({ id: 'dols-urgent', deadline: '2026-11-25T10:00:00.000Z' })]);
  });

  it("a DoLS urgent authorisation carries the DoLS return's case row; the day team records the standard authorisation's outcome by amendment (OOH-10)", async () => {
    const d = await draft(worker, {
      type: 'dols-urgent-authorisation',
      personId,
      content: content({ legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 paras 74-78' }),
      details: {
        managingAuthority: 'Oak House care home',
        grantedAt: '2026-11-21T01:00:00Z',
        days: 7,
        standardRequestedAt: '2026-11-21T01:00:00Z',
        standardAuthorisation: { status: 'not-yet-signed-off' },
      },
    });
    expect(d.missingForSigning).toEqual([]);
    const signedUa = (await as(worker).post(`/decisions/${d.id}/sign`).expect(200)).body;
    const notYet = {
      dateReceived: '2026-11-21',
      urgentAuthorisationIncluded: true,
      assessments: { age: null, mentalHealth: null, mentalCapacity: null, bestInterests: null, eligibility: null, noRefusals: null },
      lastAssessedOn: null,
      signedOffOn: null,
      status: 'not-yet-signed-off',
      startsOn: null,
      endsOn: null,
    };
    expect(signedUa.dolsReturnRow).toEqual(notYet);

    const met = { age: 'met', mentalHealth: 'met', mentalCapacity: 'met', bestInterests: 'met', eligibility: 'met', noRefusals: 'met' };
    const granted = {
      assessments: met,
      lastAssessedOn: '2026-11-21',
      signedOffOn: '2026-11-21',
      status: 'granted',
      startsOn: '2026-11-21',
      endsOn: '2027-05-20',
    };
    t.clock.set('2026-11-21T17:00:00Z'); // the same day, at 17:00: a quick turnaround
    try {
      // Granted with a requirement not met is refused, naming the field, and nothing changes.
      const bad = await as(manager)
        .post(`/decisions/${d.id}/amendments`, {
          reason: 'Standard authorisation signed off today',
          details: { standardAuthorisation: { ...granted, assessments: { ...met, bestInterests: 'not-met' } } },
        })
        .expect(422);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['details.standardAuthorisation.assessments']);
      // Granted without its period cannot stand either.
      const noPeriod = await as(manager)
        .post(`/decisions/${d.id}/amendments`, {
          reason: 'Standard authorisation signed off today',
          details: { standardAuthorisation: { ...granted, startsOn: undefined, endsOn: undefined } },
        })
        .expect(422);
      expect(noPeriod.body.missing).toEqual([
        { field: 'details.standardAuthorisation.startsOn', rule: 'OOH-10', message: 'Record the first day of the standard authorisation.' },
        { field: 'details.standardAuthorisation.endsOn', rule: 'OOH-10', message: 'Record the last day of the standard authorisation.' },
      ]);
      expect((await as(manager).get(`/decisions/${d.id}`).expect(200)).body.dolsReturnRow).toEqual(notYet);

      await as(manager)
        .post(`/decisions/${d.id}/amendments`, {
          reason: 'Standard authorisation signed off today',
          details: { standardAuthorisation: granted },
        })
        .expect(201);
      expect((await as(manager).get(`/decisions/${d.id}`).expect(200)).body.dolsReturnRow).toEqual({
        ...notYet,
        assessments: met,
        lastAssessedOn: '2026-11-21',
        signedOffOn: '2026-11-21',
        status: 'granted',
        startsOn: '2026-11-21',
        endsOn: '2027-05-20',
      });
    } finally {
      t.clock.set(NOW);
    }
  });

  it('the person must be one the author may read: another AMHP with no relationship is refused (403) and nothing stored', async () => {
    const res = await as(otherAmhp).post('/decisions', { type: 'other', occurredAt: '2026-11-21T02:00:00Z', personId }).expect(403);
    expect(res.body.code).toBe('no-relationship');
    expect(await t.sql('SELECT 1 FROM decisions WHERE author_user_id = $1', [otherAmhp.id])).toHaveLength(0);
  });

  it('a decision shows its person as the author recorded them: what the hub records of them later never shows through it, to its author or anyone', async () => {
    const author = await t.user(['amhp']);
    const olwen = (await as(manager).post('/people', { givenName: 'Olwen', familyName: 'Treharne', dateOfBirth: '1950-02-02' }).expect(201))
      .body.id;
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from, valid_to) VALUES ($1, $2, 'allocated', 'test', 'x', '2026-11-01T00:00:00Z', '2026-11-21T02:45:00Z')`,
      [author.id, olwen],
    );
    t.clock.set('2026-11-21T02:40:00Z');
    const d = (await as(author).post('/decisions', { type: 'other', occurredAt: '2026-11-21T02:30:00Z', personId: olwen }).expect(201))
      .body;
    t.clock.set(NOW);
    // Her work with the person is over: the person is no longer hers to read, the decision still is.
    await as(author).get(`/people/${olwen}`).expect(403);
    const recorded = { id: olwen, givenName: 'Olwen', familyName: 'Treharne', dateOfBirth: '1950-02-02', nhsNumber: null };
    await as(manager).patch(`/people/${olwen}`, { familyName: 'Changed-After', dateOfBirth: '1962-11-13' }).expect(200);
    for (const reader of [author, manager]) {
      expect((await as(reader).get(`/decisions/${d.id}`).expect(200)).body.person).toEqual(recorded);
      const listed = (await as(reader).get('/decisions?limit=200').expect(200)).body.items.find((x: { id: string }) => x.id === d.id);
      expect(listed.personName).toBe('Olwen Treharne');
    }
  });

  it('only the author edits a draft: another AMHP 403, a manager 403 on PATCH and sign too; the author may', async () => {
    const d = await draft(worker, { type: 'adult-safeguarding', personId, content: s42Content(), details: s42Details });
    await as(otherAmhp)
      .patch(`/decisions/${d.id}`, { content: { question: 'Changed by someone else' } })
      .expect(403);
    await as(manager)
      .patch(`/decisions/${d.id}`, { content: { question: 'Changed by the manager' } })
      .expect(403);
    await as(manager).post(`/decisions/${d.id}/sign`).expect(403);
    await as(otherAmhp).get(`/decisions/${d.id}`).expect(403);
    expect((await as(manager).get(`/decisions/${d.id}`).expect(200)).body.content.question).toBe(content().question);
    const denials = await t.sql<{ actor_id: string }>(
      `SELECT actor_id FROM audit_events WHERE action = 'access.denied' AND resource_id = $1`,
      [d.id],
    );
    expect(denials.map((r) => r.actor_id).sort()).toEqual([otherAmhp.id, manager.id, manager.id, otherAmhp.id].sort());

    const edited = (
      await as(worker)
        .patch(`/decisions/${d.id}`, { content: { question: 'Is Pat safe at home tonight?', riskAnalysis: null } })
        .expect(200)
    ).body;
    expect(edited.content.question).toBe('Is Pat safe at home tonight?');
    expect(edited.content.riskAnalysis).toBeUndefined(); // null removes the key
    expect(edited.content.facts).toBe(content().facts); // the rest is kept
    expect(edited.missingForSigning.map((x: { field: string }) => x.field)).toEqual(['content.riskAnalysis']);
  });

  it('nobody edits a signed record (PATCH 409 decision-signed, for the author and a manager alike)', async () => {
    const d = await signed();
    const res = await as(worker)
      .patch(`/decisions/${d.id}`, { content: { decision: 'Something else' } })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'decision-signed', amend: { href: `/decisions/${d.id}/amendments` } });
    await as(manager)
      .patch(`/decisions/${d.id}`, { content: { decision: 'Something else' } })
      .expect(409);
    await as(worker).post(`/decisions/${d.id}/sign`).expect(409);
    expect((await t.sql(`SELECT content->>'decision' AS decision, version FROM decisions WHERE id = $1`, [d.id]))[0]).toEqual({
      decision: content().decision,
      version: 2,
    });
  });

  it('an amendment after signing keeps the original: history shows the signed version and each amendment with before and after', async () => {
    const d = await signed();
    const draftOnly = await draft(worker, { type: 'other', personId });
    await as(worker)
      .post(`/decisions/${draftOnly.id}/amendments`, { reason: 'Correcting a draft by mistake', content: { question: 'x' } })
      .expect(409);
    await as(worker)
      .post(`/decisions/${d.id}/amendments`, { reason: 'too short', content: { decision: 'x' } })
      .expect(400);
    await as(otherAmhp)
      .post(`/decisions/${d.id}/amendments`, { reason: 'Not mine to correct at all', content: { decision: 'x' } })
      .expect(403);
    await as(worker)
      .post(`/decisions/${d.id}/amendments`, { reason: 'Removing a required field', content: { rationale: null } })
      .expect(422);

    const amended = await as(worker)
      .post(
        `/decisions/${d.id}/amendments`,
        {
          reason: 'Bed was at Elm House, not Oak House',
          content: { decision: 'Respite bed tonight at Elm House; s.42 enquiry to the day team.' },
        },
        { 'if-match': '"v2"' },
      )
      .expect(201);
    expect(amended.headers.etag).toBe('"v3"');
    expect(amended.body).toMatchObject({
      status: 'signed',
      amendmentCount: 1,
      content: { decision: 'Respite bed tonight at Elm House; s.42 enquiry to the day team.' },
    });
    // A manager corrects too, adding an action: it becomes a follow-up action.
    t.clock.advance(60_000);
    await as(manager)
      .post(`/decisions/${d.id}/amendments`, {
        reason: 'Police referral was not made',
        details: { policeReferral: false },
        content: { actions: [...content().actions, { description: 'Tell the police', ownerTeam: 'Riverside day team' }] },
      })
      .expect(201);
    t.clock.set(NOW);

    const history = (await as(worker).get(`/decisions/${d.id}/history`).expect(200)).body;
    expect(history.view).toBe('full');
    expect(history.signed).toMatchObject({
      signedAt: NOW,
      version: 2,
      costPence: null,
      content: { decision: content().decision },
      details: { policeReferral: true },
    });
    expect(history.signed.content.actions).toHaveLength(1);
    expect(history.amendments).toHaveLength(2);
    expect(history.amendments[0]).toMatchObject({
      amendedBy: worker.id,
      reason: 'Bed was at Elm House, not Oak House',
      fields: ['content.decision'],
      changes: {
        'content.decision': { before: content().decision, after: 'Respite bed tonight at Elm House; s.42 enquiry to the day team.' },
      },
    });
    expect(history.amendments[1]).toMatchObject({
      amendedBy: manager.id,
      changes: { 'details.policeReferral': { before: true, after: false } },
    });
    expect(history.amendments[1].fields.sort()).toEqual(['content.actions', 'details.policeReferral']);
    const current = (await as(worker).get(`/decisions/${d.id}`).expect(200)).body;
    expect(current.actions.map((a: { description: string }) => a.description)).toEqual(['Start the s.42 enquiry', 'Tell the police']);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'decision.amend' AND resource_id = $1`, [d.id])).toHaveLength(2);
  });

  it('an auditor sees metadata only: no content, no details, no person details, in the record, the list and the history', async () => {
    const d = await signed(worker, { personId: undefined, personDetails: { name: 'Chris Private', address: '9 Secret Row' } });
    await as(worker)
      .post(`/decisions/${d.id}/amendments`, {
        reason: 'Typo in the rationale text',
        content: { rationale: 'Least restrictive option that removes the immediate risk tonight.' },
      })
      .expect(201);
    const one = (await as(auditor).get(`/decisions/${d.id}`).expect(200)).body;
    expect(Object.keys(one).sort()).toEqual(
      [
        'amendmentCount',
        'authorName',
        'authorUserId',
        'id',
        'occurredAt',
        'personId',
        'signedAt',
        'status',
        'type',
        'version',
        'view',
      ].sort(),
    );
    expect(one).toMatchObject({ id: d.id, view: 'metadata', status: 'signed', amendmentCount: 1, version: 3, authorUserId: worker.id });
    const list = (await as(auditor).get('/decisions?limit=200').expect(200)).body.items;
    expect(list.length).toBeGreaterThan(1);
    for (const item of list) expect(item).not.toHaveProperty('question');
    expect(JSON.stringify(list)).not.toContain('Chris Private');
    const history = (await as(auditor).get(`/decisions/${d.id}/history`).expect(200)).body;
    expect(history).toMatchObject({
      view: 'metadata',
      signed: null,
      amendments: [{ amendedBy: worker.id, fields: ['content.rationale'] }],
    });
    expect(history.amendments[0]).not.toHaveProperty('changes');
    expect(history.amendments[0]).not.toHaveProperty('reason');
    expect(
      await t.sql(`SELECT 1 FROM audit_events WHERE action = 'decision.read-metadata' AND resource_id = $1 AND actor_id = $2`, [
        d.id,
        auditor.id,
      ]),
    ).not.toHaveLength(0);
    // AMHPs list their own; managers all.
    expect((await as(otherAmhp).get('/decisions').expect(200)).body.items).toEqual([]);
    expect((await as(manager).get('/decisions?limit=200').expect(200)).body.items.map((x: { id: string }) => x.id)).toContain(d.id);
  });

  it('actions created at signing appear in GET /actions?owner=me, and in overdue=true once the clock passes their due time; the owner marks one done', async () => {
    const d = await signed(worker, {
      content: s42Content({
        actions: [
          { description: 'Call the daughter', ownerUserId: worker.id, dueAt: '2026-11-21T09:00:00Z' },
          { description: 'Allocate the enquiry', ownerTeam: 'Riverside day team', dueAt: '2026-11-21T12:00:00Z' },
        ],
      }),
    });
    const mine = (await as(worker).get('/actions?owner=me&open=true&limit=200').expect(200)).body.items;
    const call = mine.find((a: { sourceId: string; description: string }) => a.sourceId === d.id && a.description === 'Call the daughter');
    expect(call).toMatchObject({
      sourceType: 'decision',
      ownerUserId: worker.id,
      dueAt: '2026-11-21T09:00:00.000Z',
      overdue: false,
      createdBy: worker.id,
    });
    expect(
      mine.find((a: { description: string; sourceId: string }) => a.sourceId === d.id && a.description === 'Allocate the enquiry'),
    ).toBeUndefined(); // a team's, not mine
    expect((await as(worker).get('/actions?overdue=true&limit=200').expect(200)).body.items.map((a: { id: string }) => a.id)).not.toContain(
      call.id,
    );
    expect((await as(otherAmhp).get('/actions?limit=200').expect(200)).body.items).toEqual([]);

    t.clock.set('2026-11-21T09:30:00Z');
    try {
      const overdue = (await as(worker).get('/actions?owner=me&overdue=true&limit=200').expect(200)).body.items;
      expect(overdue.find((a: { id: string }) => a.id === call.id)).toMatchObject({ overdue: true });
      // Due at 12:00: not yet overdue, but a manager sees it among all.
      const all = (await as(manager).get('/actions?overdue=false&open=true&limit=200').expect(200)).body.items;
      expect(all.map((a: { description: string }) => a.description)).toContain('Allocate the enquiry');

      await as(otherAmhp).post(`/actions/${call.id}/done`, { note: 'Not mine' }).expect(403);
      await as(worker).post(`/actions/${call.id}/done`, { note: 'Spoke to her' }, { 'if-match': '"v7"' }).expect(412);
      const done = await as(worker).post(`/actions/${call.id}/done`, { note: 'Spoke to her at 09:25' }).expect(200);
      expect(done.body).toMatchObject({
        doneAt: '2026-11-21T09:30:00.000Z',
        doneBy: worker.id,
        doneNote: 'Spoke to her at 09:25',
        overdue: false,
        version: 2,
      });
      expect(done.headers.etag).toBe('"v2"');
      expect((await as(worker).post(`/actions/${call.id}/done`).expect(409)).body.code).toBe('action-done');
      expect(
        (await as(worker).get('/actions?owner=me&overdue=true&limit=200').expect(200)).body.items.map((a: { id: string }) => a.id),
      ).not.toContain(call.id);
      const [audit] = await t.sql<{ subject_person_id: string }>(
        `SELECT subject_person_id FROM audit_events WHERE action = 'action.done' AND resource_id = $1`,
        [call.id],
      );
      expect(audit.subject_person_id).toBe(personId);

      // A manager adds an action for a handover; an AMHP may not.
      const [{ id: handoverId }] = await t.sql<{ id: string }>(
        `INSERT INTO handovers (handover_date, period_from, compiled_at) VALUES ('2026-11-21', '2026-11-20T09:00:00Z', '2026-11-21T09:00:00Z') RETURNING id`,
      );
      const body = {
        sourceType: 'handover',
        sourceId: handoverId,
        description: 'Check Oak House has the medication',
        ownerTeam: 'Riverside day team',
        dueAt: '2026-11-21T14:00:00Z',
      };
      await as(worker).post('/actions', body).expect(403);
      await as(manager)
        .post('/actions', { ...body, sourceType: 'decision' })
        .expect(400);
      await as(manager).post('/actions', { sourceType: 'handover', sourceId: handoverId, description: 'Nobody owns this' }).expect(400);
      const added = await as(manager).post('/actions', body).expect(201);
      expect(added.headers.location).toBe(`/actions/${added.body.id}`);
      expect(added.body).toMatchObject({
        sourceType: 'handover',
        sourceId: handoverId,
        ownerTeam: 'Riverside day team',
        ownerUserId: null,
        createdBy: manager.id,
      });
      // The manager may complete a team's action.
      const open = await t.app.get(ActionsService).openActions(t.app.get(DataSource).manager);
      expect(open.find((a) => a.id === added.body.id)).toEqual({
        id: added.body.id,
        description: body.description,
        ownerUserId: null,
        ownerTeam: 'Riverside day team',
        dueAt: '2026-11-21T14:00:00.000Z',
        doneAt: null,
        sourceType: 'handover',
        sourceId: handoverId,
      });
      expect(open.find((a) => a.id === call.id)).toBeUndefined();
      await as(manager).post(`/actions/${added.body.id}/done`, {}).expect(200);
    } finally {
      t.clock.set(NOW);
    }
  });

  it('a stale If-Match is 412 and changes nothing', async () => {
    const d = await draft(worker, { type: 'adult-safeguarding', personId, content: s42Content(), details: s42Details });
    await as(worker).patch(`/decisions/${d.id}`, { costPence: 5_000 }, { 'if-match': '"v1"' }).expect(200);
    const stale = await as(worker).patch(`/decisions/${d.id}`, { costPence: 9_000 }, { 'if-match': '"v1"' }).expect(412);
    expect(stale.body).toMatchObject({ code: 'precondition-failed', currentETag: '"v2"' });
    await as(worker).post(`/decisions/${d.id}/sign`, {}, { 'if-match': '"v1"' }).expect(412);
    expect((await t.sql(`SELECT cost_pence, version, status FROM decisions WHERE id = $1`, [d.id]))[0]).toEqual({
      cost_pence: 5_000,
      version: 2,
      status: 'draft',
    });
  });

  it('an unknown field is a 400 and nothing is stored', async () => {
    const count = async () => (await t.sql('SELECT count(*)::int AS n FROM decisions'))[0].n;
    const before = await count();
    const top = await as(worker)
      .post('/decisions', { type: 'other', occurredAt: '2026-11-21T02:00:00Z', personId, status: 'signed' })
      .expect(400);
    expect(top.body.errors).toEqual([{ field: 'status', messages: ['status is not a field this endpoint accepts'] }]);
    const nested = await as(worker)
      .post('/decisions', { type: 'other', occurredAt: '2026-11-21T02:00:00Z', personId, content: { question: 'Q', mood: 'low' } })
      .expect(400);
    expect(nested.body.errors.map((e: { field: string }) => e.field)).toEqual(['content.mood']);
    const deep = await as(worker)
      .post('/decisions', {
        type: 'adult-safeguarding',
        occurredAt: '2026-11-21T02:00:00Z',
        personId,
        details: { s42: { careAndSupportNeeds: 'yes' } },
      })
      .expect(400);
    expect(deep.body.errors.map((e: { field: string }) => e.field)).toEqual(['details.s42.careAndSupportNeeds']);
    expect(await count()).toBe(before);
    const d = await draft(worker, { type: 'other', personId });
    await as(worker)
      .patch(`/decisions/${d.id}`, { content: { actions: [{ description: 'x', owner: 'me' }] } })
      .expect(400);
    expect((await t.sql(`SELECT version FROM decisions WHERE id = $1`, [d.id]))[0].version).toBe(1);
  });

  describe('OOH-09: the Safeguarding Adults Collection fields of a s.42 decision', () => {
    it('a s.42 decision without them cannot be signed (422 naming each field); with them it signs, and the codes read back with their labels', async () => {
      const d = await draft(worker, { type: 'adult-safeguarding', personId, content: content(), details: s42Details });
      expect(d.missingForSigning).toEqual([
        {
          field: 'content.sac',
          rule: 'OOH-09',
          message:
            'Record the Safeguarding Adults Collection fields (type, location and source of risk, capacity, Making Safeguarding Personal).',
        },
      ]);
      const none = await as(worker).post(`/decisions/${d.id}/sign`).expect(422);
      expect(none.body).toMatchObject({ code: 'decision-incomplete', missing: [{ field: 'content.sac', rule: 'OOH-09' }] });

      // Half of them: each one still missing is named.
      await as(worker)
        .patch(`/decisions/${d.id}`, { content: { sac: { typeOfRisk: ['financial-or-material'], locationOfRisk: 'own-home' } } })
        .expect(200);
      const half = await as(worker).post(`/decisions/${d.id}/sign`).expect(422);
      expect(half.body.missing.map((x: { field: string }) => x.field)).toEqual([
        'content.sac.sourceOfRisk',
        'content.sac.lackedCapacity',
        'content.sac.mspAsked',
      ]);

      // A code not in the list is refused with nothing stored.
      const bad = await as(worker)
        .patch(`/decisions/${d.id}`, { content: { sac: { ...SAC, locationOfRisk: 'Own home', typeOfRisk: ['physical', 'cyber'] } } })
        .expect(422);
      expect(bad.body.code).toBe('decision-invalid');
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['content.sac.typeOfRisk', 'content.sac.locationOfRisk']);
      expect(
        (await t.sql(`SELECT version, content->'sac'->>'locationOfRisk' AS location FROM decisions WHERE id = $1`, [d.id]))[0],
      ).toEqual({
        version: 2,
        location: 'own-home',
      });

      // The decision concludes the enquiry (she asked for it to stop): the conclusion's fields are asked for too.
      const concluded = { ...SAC, enquiryConcluded: true };
      await as(worker)
        .patch(`/decisions/${d.id}`, { content: { sac: concluded } })
        .expect(200);
      const more = await as(worker).post(`/decisions/${d.id}/sign`).expect(422);
      expect(more.body.missing.map((x: { field: string }) => x.field)).toEqual(['content.sac.action', 'content.sac.mspOutcomesAchieved']);
      await as(worker)
        .patch(`/decisions/${d.id}`, {
          content: { sac: { ...concluded, action: 'ceased-at-individual-request', mspOutcomesAchieved: 'partially' } },
        })
        .expect(200);
      const signedNow = (await as(worker).post(`/decisions/${d.id}/sign`).expect(200)).body;
      expect(signedNow.status).toBe('signed');

      const read = (await as(manager).get(`/decisions/${d.id}`).expect(200)).body;
      expect(read.content.sac).toEqual({ ...concluded, action: 'ceased-at-individual-request', mspOutcomesAchieved: 'partially' });
      expect(read.sac).toEqual({
        typeOfRisk: [
          { code: 'physical', label: 'Physical abuse' },
          { code: 'psychological', label: 'Psychological abuse' },
        ],
        locationOfRisk: { code: 'own-home', label: 'Own home' },
        sourceOfRisk: { code: 'other-known-to-individual', label: 'Other - known to individual' },
        lackedCapacity: { code: 'yes', label: 'Yes, they lacked capacity' },
        capacitySupport: { code: 'yes', label: 'Yes, supported by an advocate, family or friend' },
        mspAsked: { code: 'asked-outcomes-expressed', label: 'Yes, they were asked and outcomes were expressed' },
        mspOutcomesAchieved: { code: 'partially', label: 'Partially achieved' },
        action: { code: 'ceased-at-individual-request', label: "Enquiry ceased at individual's request and no action taken" },
        enquiryConcluded: true,
      });
    });

    it('the fields belong to a s.42 decision only, and a field that does not apply is refused', async () => {
      const carer = await as(worker)
        .post('/decisions', { type: 'carer-breakdown', occurredAt: '2026-11-21T02:00:00Z', personId, content: { sac: SAC } })
        .expect(422);
      expect(carer.body.errors.map((e: { field: string }) => e.field)).toEqual(['content.sac']);
      const support = await as(worker)
        .post('/decisions', {
          type: 'adult-safeguarding',
          occurredAt: '2026-11-21T02:00:00Z',
          personId,
          content: { sac: { ...SAC, lackedCapacity: 'no', riskOutcome: 'removed' } },
        })
        .expect(422);
      expect(support.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'content.sac.capacitySupport',
        'content.sac.riskOutcome',
      ]);
    });

    it('a s.42 decision signed before the fields were asked for stays readable, and can be corrected without adding them', async () => {
      const d = await signed(worker);
      // As a record signed before the return was asked for is stored.
      await t.sql(`UPDATE decisions SET content = content - 'sac' WHERE id = $1`, [d.id]);
      const read = (await as(worker).get(`/decisions/${d.id}`).expect(200)).body;
      expect(read).toMatchObject({ status: 'signed', sac: null, missingForSigning: null });
      expect(read.content).not.toHaveProperty('sac');
      await as(worker)
        .post(`/decisions/${d.id}/amendments`, { reason: 'The police referral was not made after all', details: { policeReferral: false } })
        .expect(201);
      // Adding them by a correction: then they must be complete.
      const partial = await as(worker)
        .post(`/decisions/${d.id}/amendments`, {
          reason: 'Adding the safeguarding return fields',
          content: { sac: { typeOfRisk: ['physical'] } },
        })
        .expect(422);
      expect(partial.body.missing.map((x: { field: string }) => x.field)).toEqual([
        'content.sac.locationOfRisk',
        'content.sac.sourceOfRisk',
        'content.sac.lackedCapacity',
        'content.sac.mspAsked',
      ]);
    });
  });
  describe('DoLS: one urgent authorisation per detention, extended once, however the form is written (OOH-04, OOH-05)', () => {
    // Dora's first urgent authorisation: Probe Lodge, Thu 5 Nov 20:00Z for 7 days, extended by 7 days on 11 Nov: in
    // force until Thu 19 Nov 20:00Z. Each later record is written as the tester wrote it.
    let dora: string;
    let firstExtension: string;
    const dols = { legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 paras 74-78, 84-85' };
    const ua = {
      managingAuthority: 'Probe Lodge',
      grantedAt: '2026-11-05T20:00:00Z',
      days: 7,
      standardRequestedAt: '2026-11-05T20:00:00Z',
    };
    const extendedAt = (at: string) => ({
      requestedAt: at,
      decidedAt: at,
      days: 7,
      exceptionalReasons: 'Best-interests assessor off sick; no other BIA available until Monday.',
      essentialToContinue: true,
      decision: 'extended',
    });
    const record = (type: string, occurredAt: string, details: object) =>
      draft(worker, { type, occurredAt, personId: dora, content: content(dols), details });

    beforeAll(async () => {
      dora = (await as(manager).post('/people', { givenName: 'Dora', familyName: 'Probe', dateOfBirth: '1942-01-01' }).expect(201)).body.id;
      await t.sql(
        `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'duty', 'test', 'x', '2026-11-01T00:00:00Z')`,
        [worker.id, dora],
      );
      const first = await record('dols-extension', '2026-11-11T19:00:00Z', { ...ua, extension: extendedAt('2026-11-11T19:00:00Z') });
      await as(worker).post(`/decisions/${first.id}/sign`).expect(200);
      firstExtension = first.id;
    });

    it.each([
      ['its grant written a minute later', { ...ua, grantedAt: '2026-11-05T20:01:00Z' }],
      ['the home written "Probe Lodge Care Home"', { ...ua, managingAuthority: 'Probe Lodge Care Home' }],
      ['exactly as the first', ua],
    ])('a second extension with %s is refused at signing, naming the first, and nothing is signed', async (_case, details) => {
      const second = await record('dols-extension', '2026-11-12T10:00:00Z', { ...details, extension: extendedAt('2026-11-12T10:00:00Z') });
      expect(second.missingForSigning).toContainEqual(expect.objectContaining({ field: 'details.previousExtensions' }));
      const refused = await as(worker).post(`/decisions/${second.id}/sign`).expect(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'second-extension', findings: [{ rule: 'OOH-05', code: 'second-extension' }] });
      expect(refused.body.detail).toContain(firstExtension);
      expect((await as(worker).get(`/decisions/${second.id}`).expect(200)).body).toMatchObject({ status: 'draft' });
    });

    it('a new urgent authorisation by the same home the minute the extended one ends ("rolling") is refused at signing, naming the earlier decision', async () => {
      const rolling = await record('dols-urgent-authorisation', '2026-11-19T20:05:00Z', {
        ...ua,
        managingAuthority: 'Probe Lodge Care Home',
        grantedAt: '2026-11-19T20:00:00Z',
      });
      const shown = (await as(worker).get(`/decisions/${rolling.id}`).expect(200)).body;
      expect(shown.warnings).toContainEqual(
        expect.objectContaining({ code: 'urgent-authorisation-in-same-detention', severity: 'blocker' }),
      );
      const refused = await as(worker).post(`/decisions/${rolling.id}/sign`).expect(422);
      expect(refused.body).toMatchObject({ code: 'urgent-authorisation-in-same-detention', findings: [{ rule: 'OOH-04' }] });
      expect(refused.body.detail).toContain(firstExtension);
      expect(refused.body.detail).toContain('para 77(2)');
      // Its extension is refused too: the extension of a rolling authorisation is a second extension of the detention.
      const extendingIt = await record('dols-extension', '2026-11-20T10:00:00Z', {
        ...ua,
        grantedAt: '2026-11-19T20:00:00Z',
        extension: extendedAt('2026-11-20T10:00:00Z'),
      });
      const refusedToo = (await as(worker).post(`/decisions/${extendingIt.id}/sign`).expect(422)).body;
      expect(refusedToo.findings.map((f: { code: string }) => f.code)).toEqual([
        'urgent-authorisation-in-same-detention',
        'second-extension',
      ]);
    });

    it('another home for the same person while the first runs is a warning (a move is a new detention); the record signs', async () => {
      const moved = await record('dols-urgent-authorisation', '2026-11-14T09:00:00Z', {
        ...ua,
        managingAuthority: 'Elm House',
        grantedAt: '2026-11-14T08:00:00Z',
      });
      expect((await as(worker).get(`/decisions/${moved.id}`).expect(200)).body.warnings).toContainEqual(
        expect.objectContaining({ code: 'dols-other-managing-authority', severity: 'warning' }),
      );
      await as(worker).post(`/decisions/${moved.id}/sign`).expect(200);
    });
  });

  describe("the decision-maker's authority (OOH-08(12), AMHP-07)", () => {
    const extensionOf = (who: string) => ({
      type: 'dols-extension',
      occurredAt: '2026-11-21T02:30:00Z',
      personDetails: { name: who, dateOfBirth: '1939-05-05' },
      content: content({ legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 para 84' }),
      details: {
        managingAuthority: 'Ash Court',
        grantedAt: '2026-11-18T10:00:00Z',
        days: 7,
        standardRequestedAt: '2026-11-18T09:00:00Z',
        extension: {
          requestedAt: '2026-11-21T02:00:00Z',
          decidedAt: '2026-11-21T02:30:00Z',
          days: 7,
          exceptionalReasons: 'Best interests assessor off sick; assessment booked for Monday.',
          essentialToContinue: true,
          decision: 'extended',
        },
      },
    });

    it('an AMHP whose approval was suspended when the decision was made cannot sign a DoLS extension, or any decision (422 naming the suspension); nothing is signed', async () => {
      const suspended = await amhp(t, { displayName: 'Sam Suspended' });
      const [{ id: approvalId }] = await t.sql<{ id: string }>('SELECT id FROM approvals WHERE practitioner_id = $1', [
        suspended.practitionerId,
      ]);
      await as(manager)
        .post(`/approvals/${approvalId}/suspensions`, { startsAt: '2026-11-18T00:00:00Z', reason: 'NMC interim suspension order' })
        .expect(201);
      const ext = await draft(suspended, extensionOf('Una Suspended'));
      expect(ext.missingForSigning).toEqual([]);
      const refused = await as(suspended).post(`/decisions/${ext.id}/sign`).expect(422);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({
        code: 'amhp-not-eligible',
        findings: expect.arrayContaining([expect.objectContaining({ code: 'approval-suspended', rule: 'AMHP-07' })]),
      });
      expect(refused.body.detail).toContain('NMC interim suspension order');
      expect(refused.body.detail).toContain("supervisory body's delegated authority");
      const bi = await draft(suspended, {
        type: 'other',
        personDetails: { name: 'Una Suspended', approximateAge: 80 },
        content: content({ legalFrameworks: ['care-act-other'] }),
      });
      expect((await as(suspended).post(`/decisions/${bi.id}/sign`).expect(422)).body.code).toBe('amhp-not-eligible');
      expect(await t.sql(`SELECT id FROM decisions WHERE author_user_id = $1 AND status = 'signed'`, [suspended.id])).toEqual([]);
    });

    it('an AMHP with no approval on record cannot sign; an approved AMHP and a manager (delegated authority) can', async () => {
      const unapproved = await t.user(['amhp']);
      const none = await draft(unapproved, extensionOf('Nora None'));
      expect((await as(unapproved).post(`/decisions/${none.id}/sign`).expect(422)).body.findings).toContainEqual(
        expect.objectContaining({ code: 'not-a-practitioner' }),
      );
      const approved = await draft(worker, extensionOf('Abe Approved'));
      expect((await as(worker).post(`/decisions/${approved.id}/sign`).expect(200)).body.status).toBe('signed');
      const byManager = await draft(manager, extensionOf('Mo Managed'));
      expect((await as(manager).post(`/decisions/${byManager.id}/sign`).expect(200)).body.status).toBe('signed');
    });
  });
  describe('who and when a decision is about (OOH-01, OOH-02, OOH-04, OOH-05)', () => {
    /** Someone with no record yet, as the night worker meets them. */
    const someone = (dateOfBirth: string) => ({ personDetails: { name: 'Kit Young', dateOfBirth, address: '1 Mill Lane' } });
    const ua = {
      managingAuthority: 'Oak House care home',
      grantedAt: '2026-11-19T10:00:00Z',
      days: 7,
      standardRequestedAt: '2026-11-19T09:00:00Z',
    };
    const extension = (requestedAt: string, days: number) => ({
      requestedAt,
      decidedAt: requestedAt,
      days,
      exceptionalReasons: 'Best interests assessor off sick; assessment booked for Monday.',
      essentialToContinue: true,
      decision: 'extended',
    });

    it('an urgent authorisation is extended once: a second extension of the same one is refused at signing, whatever the form says', async () => {
      const dols = { legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 para 84' };
      const first = await draft(worker, {
        type: 'dols-extension',
        ...someone('1940-01-01'),
        content: content(dols),
        details: { ...ua, extension: extension('2026-11-20T19:00:00Z', 3) },
      });
      await as(worker).post(`/decisions/${first.id}/sign`).expect(200);
      const second = await draft(worker, {
        type: 'dols-extension',
        ...someone('1940-01-01'),
        occurredAt: '2026-11-21T02:45:00Z',
        content: content(dols),
        details: { ...ua, managingAuthority: 'Oak House Care Home ', extension: extension('2026-11-21T02:40:00Z', 7) },
      });
      expect(second.missingForSigning).toContainEqual(expect.objectContaining({ field: 'details.previousExtensions' }));
      await as(worker).post(`/decisions/${second.id}/sign`).expect(422);
      // The first, read again, is not judged a second extension of itself.
      expect((await as(worker).get(`/decisions/${first.id}`).expect(200)).body.warnings).toEqual([]);
    });

    it('DoLS for a 17-year-old and a s.42 enquiry for a 16-year-old are refused at signing, naming the law that applies instead', async () => {
      const dols = await draft(worker, {
        type: 'dols-urgent-authorisation',
        ...someone('2009-08-01'),
        content: content({ legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 paras 74-78' }),
        details: ua,
      });
      const refusedDols = await as(worker).post(`/decisions/${dols.id}/sign`).expect(422);
      expect(refusedDols.body).toMatchObject({ code: 'dols-under-18', findings: [{ rule: 'OOH-04' }] });
      const s42 = await draft(worker, {
        type: 'adult-safeguarding',
        ...someone('2010-05-01'),
        content: s42Content(),
        details: s42Details,
      });
      const refusedS42 = await as(worker).post(`/decisions/${s42.id}/sign`).expect(422);
      expect(refusedS42.body).toMatchObject({ code: 's42-under-18', findings: [{ rule: 'OOH-01' }] });
      expect(refusedS42.body.detail).toContain('child-protection referral');
      // 18 on the day: DoLS applies.
      const adult = await draft(worker, {
        type: 'dols-urgent-authorisation',
        ...someone('2008-11-21'),
        content: content({ legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 paras 74-78' }),
        details: ua,
      });
      await as(worker).post(`/decisions/${adult.id}/sign`).expect(200);
    });

    it('a capacity assessment dated after the decision is refused at signing; one months before it is a warning (capacity is time-specific)', async () => {
      const bestInterests = (assessedAt: string) => ({
        type: 'best-interests',
        occurredAt: '2026-11-21T02:45:00Z',
        personId,
        content: content({
          question: 'Where should Pat stay tonight?',
          legalFrameworks: ['mca-best-interests'],
          powerOrDuty: 'MCA 2005 ss.4-5',
          capacity: 'Lacks capacity to decide on accommodation tonight (see assessment).',
        }),
        details: bestInterestsDetails(assessedAt),
      });
      const after = await draft(worker, bestInterests('2026-11-21T02:50:00Z'));
      const refused = await as(worker).post(`/decisions/${after.id}/sign`).expect(422);
      expect(refused.body.code).toBe('capacity-assessed-after-decision');
      const old = await draft(worker, bestInterests('2025-06-01T10:00:00Z'));
      expect((await as(worker).get(`/decisions/${old.id}`).expect(200)).body.warnings).toContainEqual(
        expect.objectContaining({ rule: 'OOH-02', code: 'capacity-assessment-not-current' }),
      );
    });
  });
});
