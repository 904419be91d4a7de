import { randomUUID } from 'node:crypto';
import { TokenService } from '../src/auth/token.service';
import { OPEN_STATUSES, REFERRAL_STATUSES } from '../src/referrals/referral.workflow';
import { amhp } from './support/workforce-fixtures';
import { statementsSent } from './support/statements';
import { createTestApp, pastInstant, TestApp, TestUser, withoutPersonDecisions } from './support/test-app';
import { REFERRER_STATUS_VIEW_KEYS } from './support/referral-fixtures';

// 9434765919 is a valid NHS number (modulus 11); 9434765918 is not.
describe('referrals: intake, clocks, queue, workflow, allocation', () => {
  let t: TestApp;
  let manager: TestUser;
  let referrer: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    referrer = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  const api = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, h: Record<string, string> = {}) => t.http.post(p).set('authorization', u.auth).set(h).send(b),
  });
  let n = 0;
  const person = (over: object = {}) => ({ givenName: 'Alex', familyName: `Person${++n}`, dateOfBirth: '1990-05-01', ...over });
  const body = (over: object = {}) => ({
    person: person(),
    source: 'police-s136',
    referrer: { name: 'PC Jones', organisation: 'Northshire Police', phone: '+44 1632 960111' },
    reason: 'Found on the bridge in distress, detained under s.136',
    risks: { toSelf: true, toOthers: false, fromOthers: false, flags: ['access-problems'] },
    urgency: 'emergency',
    legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-21T01:30:00Z' },
    location: 'Northshire General health-based place of safety',
    ...over,
  });

  it('takes a s.136 referral from a referrer: 24 h clock from arrival, soonest deadline, timeline, audit, outbox, referrer relationship', async () => {
    const res = await api(referrer).post('/referrals', body()).expect(201);
    expect(res.body.reference).toMatch(/^REF-2026-\d{6}$/);
    expect(res.headers.location).toBe(`/referrals/${res.body.id}`);
    expect(res.body.status).toBe('received');
    expect(res.body.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({
      rule: 'POL-07',
      deadline: '2026-11-22T01:30:00.000Z',
      state: 'running',
    });
    const full = (await api(manager).get(`/referrals/${res.body.id}`).expect(200)).body;
    expect(full.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({ anchor: '2026-11-21T01:30:00.000Z' });
    expect(full.nextDeadline <= '2026-11-22T01:30:00.000Z').toBe(true);
    const [row] = await t.sql(`SELECT referrer_user_id, person_id FROM referrals WHERE id = $1`, [res.body.id]);
    expect(row.referrer_user_id).toBe(referrer.id);
    expect(
      await t.sql(`SELECT kind FROM access_relationships WHERE user_id = $1 AND person_id = $2`, [referrer.id, row.person_id]),
    ).toEqual([{ kind: 'referrer' }]);
    expect(await t.sql(`SELECT type FROM referral_events WHERE referral_id = $1`, [res.body.id])).toEqual([{ type: 'received' }]);
    expect(
      await t.sql(`SELECT 1 FROM audit_events WHERE action = 'referral.create' AND resource_id = $1 AND subject_person_id = $2`, [
        res.body.id,
        row.person_id,
      ]),
    ).toHaveLength(1);
    expect(await t.sql(`SELECT type FROM outbox_events WHERE aggregate_id = $1`, [res.body.id])).toEqual([{ type: 'referral.received' }]);
  });

  it("a reference's number has at least six digits and is never cut short past 999999", async () => {
    const [{ last }] = await t.sql(`SELECT last_value AS last FROM referral_reference_seq`);
    try {
      await t.sql(`SELECT setval('referral_reference_seq', 999998)`);
      expect((await api(referrer).post('/referrals', body()).expect(201)).body.reference).toBe('REF-2026-999999');
      expect((await api(referrer).post('/referrals', body()).expect(201)).body.reference).toBe('REF-2026-1000000');
    } finally {
      await t.sql(`SELECT setval('referral_reference_seq', $1)`, [Number(last) + 2]);
    }
  });

  it('a person recorded by the intake comes back as recorded, with no open referral to link to', async () => {
    const res = await api(manager)
      .post('/referrals', body({ person: person({ givenName: ' Sam ', sex: 'female', postcode: 'NE1 4ST' }) }))
      .expect(201);
    const [row] = await t.sql(`SELECT person_id FROM referrals WHERE id = $1`, [res.body.id]);
    expect(res.body.person).toMatchObject({ id: row.person_id, givenName: 'Sam', dateOfBirth: '1990-05-01' });
    expect(await t.sql(`SELECT given_name, sex, postcode FROM persons WHERE id = $1`, [row.person_id])).toEqual([
      { given_name: 'Sam', sex: 'female', postcode: 'NE1 4ST' },
    ]);
    expect(res.body.findings.map((f: { code: string }) => f.code)).not.toContain('open-referral-exists');
  });

  it('the answer to a new referral is the referral as a read of it gives it: a new person, a known one, one already referred', async () => {
    const first = await api(referrer).post('/referrals', body()).expect(201);
    const [{ person_id: personId }] = await t.sql(`SELECT person_id FROM referrals WHERE id = $1`, [first.body.id]);
    const second = await api(manager)
      .post('/referrals', body({ person: undefined, personId, urgency: 'urgent' }))
      .expect(201);
    expect(second.body.findings.map((f: { code: string }) => f.code)).toContain('open-referral-exists');
    const third = await api(manager)
      .post('/referrals', body({ person: person({ nhsNumber: '9434765013' }), source: 'gp', legalContext: { kind: 'informal' } }))
      .expect(201);
    for (const [created, by] of [
      [first, referrer],
      [second, manager],
      [third, manager],
    ] as const) {
      const read = await api(by).get(`/referrals/${created.body.id}`).expect(200);
      expect(created.body).toEqual(read.body);
    }
  });

  it('takes a referral whose person has ethnic category 99 (not known, as MHSDS records it) and stores the code', async () => {
    const res = await api(referrer)
      .post('/referrals', body({ person: person({ ethnicCategory: '99' }) }))
      .expect(201);
    const [row] = await t.sql(`SELECT p.ethnic_category FROM referrals r JOIN persons p ON p.id = r.person_id WHERE r.id = $1`, [
      res.body.id,
    ]);
    expect(row).toEqual({ ethnic_category: '99' });
  });

  it("a referrer sees the status of their own referral and nothing more, and not another referrer's", async () => {
    const mine = (await api(referrer).post('/referrals', body()).expect(201)).body;
    const view = (await api(referrer).get(`/referrals/${mine.id}`).expect(200)).body;
    expect(Object.keys(view).sort()).toEqual(REFERRER_STATUS_VIEW_KEYS);
    const other = await t.user(['referrer']);
    await api(other).get(`/referrals/${mine.id}`).expect(403);
    const list = (await api(other).get('/referrals').expect(200)).body.items;
    expect(list.find((r: { id: string }) => r.id === mine.id)).toBeUndefined();
  });

  it('an AMHP who also refers sees the status of the referral she made, and it in her list, with the staff view only once she may read the person', async () => {
    const statusKeys = REFERRER_STATUS_VIEW_KEYS;
    for (const roles of [
      ['referrer', 'amhp'],
      ['referrer', 'auditor'],
    ] as const) {
      const dual = await t.user([...roles]);
      const sent = (await api(dual).post('/referrals', body()).expect(201)).body;
      expect(Object.keys(sent).sort()).toEqual(statusKeys);
      const view = (await api(dual).get(`/referrals/${sent.id}`).expect(200)).body;
      expect(Object.keys(view).sort()).toEqual(statusKeys);
      const list = (await api(dual).get('/referrals').expect(200)).body.items;
      expect(list.map((r: { id: string }) => r.id)).toEqual([sent.id]);
      expect(Object.keys(list[0]).sort()).toEqual(statusKeys);
      // Read as her own referral's progress, never refused as a person she has no relationship with.
      expect(
        await t.sql(`SELECT action, access_basis FROM audit_events WHERE actor_id = $1 AND resource_id = $2 ORDER BY id`, [
          dual.id,
          sent.id,
        ]),
      ).toEqual([
        { action: 'referral.create', access_basis: expect.any(String) },
        { action: 'referral.read', access_basis: 'own:referrer' },
        { action: 'referral.read', access_basis: 'own:referrer' },
      ]);
      // Someone else's referral stays refused to her.
      const theirs = (await api(referrer).post('/referrals', body()).expect(201)).body;
      await api(dual).get(`/referrals/${theirs.id}`).expect(403);
    }
    // On duty (a relationship to the person), the AMHP who referred reads the referral as staff do.
    const dual = await t.user(['referrer', 'amhp']);
    const sent = (await api(dual).post('/referrals', body()).expect(201)).body;
    const [{ person_id: personId }] = await t.sql(`SELECT person_id FROM referrals WHERE id = $1`, [sent.id]);
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'duty', 'test', 'x', '2026-11-01T00:00:00Z')`,
      [dual.id, personId],
    );
    const full = (await api(dual).get(`/referrals/${sent.id}`).expect(200)).body;
    expect(full.person.id).toBe(personId);
    const listed = (await api(dual).get('/referrals').expect(200)).body.items.find((r: { id: string }) => r.id === sent.id);
    expect(listed.person.id).toBe(personId);
  });

  it('a referral naming a recorded NHS number costs the same statements to Postgres as one naming a new number, so its time does not say the hub holds it', async () => {
    const valid = () => {
      for (;;) {
        const nine = String(100000000 + Math.floor(Math.random() * 900000000));
        const check = 11 - ([...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0) % 11);
        if (check !== 10) return nine + String(check === 11 ? 0 : check);
      }
    };
    const held = valid();
    await api(manager)
      .post('/people', person({ nhsNumber: held }))
      .expect(201);
    const refer = (nhs: string) =>
      api(referrer)
        .post('/referrals', body({ person: person({ nhsNumber: nhs }) }))
        .expect(201);
    await refer(valid());
    const known = await statementsSent(() => refer(held));
    const unknown = await statementsSent(() => refer(valid()));
    expect(known).toBe(unknown);
  });

  it('referrals sent again and again by one referrer with a number the hub holds leave one pending match counting them, each referral on the record it was made with, all following the recorded person when the hub confirms it; the answers are those a new number gets', async () => {
    const valid = () => {
      for (;;) {
        const nine = String(100000000 + Math.floor(Math.random() * 900000000));
        const check = 11 - ([...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0) % 11);
        if (check !== 10) return nine + String(check === 11 ? 0 : check);
      }
    };
    const held = valid();
    const holder = (
      await api(manager)
        .post('/people', person({ nhsNumber: held }))
        .expect(201)
    ).body;
    const caller = await t.user(['referrer']);
    const fresh = valid();
    const refer = (nhs: string) => api(caller).post('/referrals', body({ person: person({ nhsNumber: nhs }) }));
    const shape = (r: Awaited<ReturnType<typeof refer>>) => ({
      status: r.status,
      keys: Object.keys(r.body).sort(),
      status_: r.body.status,
      timeline: (r.body.timeline ?? []).map((e: { status?: string; type?: string }) => e.status ?? e.type),
    });
    const referred: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [known, unknown] = [await refer(held), await refer(fresh)];
      expect(shape(known)).toEqual(shape(unknown));
      expect(known.status).toBe(201);
      expect(JSON.stringify(known.body)).not.toContain(holder.id);
      referred.push(known.body.id);
    }
    // A repeat costs Postgres the same statements whether the hub holds the number or not.
    const known = await statementsSent(async () => referred.push((await refer(held).expect(201)).body.id));
    const unknown = await statementsSent(() => refer(fresh).expect(201));
    expect(known).toBe(unknown);
    const pending = (await api(manager).get('/people/matches?status=pending&limit=100').expect(200)).body.items.filter(
      (x: { candidatePerson: { id: string } }) => x.candidatePerson.id === holder.id,
    );
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ requestedBy: caller.id, attempts: 6 });
    // Each referral is held against the record its intake made (the first, the match's pending person; each repeat's,
    // kept as one of its intakes), until the hub confirms who the person is.
    const records = [pending[0].pendingPerson.id, ...pending[0].intakes.map((i: { personId: string }) => i.personId)];
    expect(new Set(records).size).toBe(6);
    const personOf = async () =>
      new Map(
        (await t.sql<{ id: string; person_id: string }>(`SELECT id, person_id FROM referrals WHERE id = ANY($1::uuid[])`, [referred])).map(
          (r) => [r.id, r.person_id],
        ),
      );
    const before = await personOf();
    expect(referred.map((id) => before.get(id))).toEqual(records);
    // Confirmed the same person: every one of the six referrals follows to the recorded person, each saying so.
    await api(manager).post(`/people/matches/${pending[0].id}/resolve`, { outcome: 'same-person' }).expect(200);
    const after = await personOf();
    expect(referred.map((id) => after.get(id))).toEqual(referred.map(() => holder.id));
    const matched = await t.sql<{ referral_id: string; from: string }>(
      `SELECT referral_id, data->>'fromPersonId' AS "from" FROM referral_events WHERE type = 'person-matched' AND referral_id = ANY($1::uuid[])`,
      [referred],
    );
    expect(new Map(matched.map((e) => [e.referral_id, e.from]))).toEqual(before);
  });

  it('to a referrer and to an AMHP who may not read the recorded person, intake and POST /people with a number the hub holds answer exactly as with a new number (status, body, findings, Location, reading back), while a manager reading the referral is told its identity match is pending, naming nobody', async () => {
    const valid = () => {
      for (;;) {
        const nine = String(100000000 + Math.floor(Math.random() * 900000000));
        const check = 11 - ([...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0) % 11);
        if (check !== 10) return nine + String(check === 11 ? 0 : check);
      }
    };
    const held = valid();
    const holder = (
      await api(manager)
        .post('/people', { nhsNumber: held, givenName: 'Rhiannon', familyName: 'Heldname', dateOfBirth: '1962-07-08' })
        .expect(201)
    ).body;
    for (const roles of [['referrer'], ['amhp']] as const) {
      const caller = await t.user([...roles]);
      const sent = (nhsNumber: string) => person({ nhsNumber, givenName: 'Sam', familyName: 'Sent', dateOfBirth: '1991-01-02' });
      type Answer = { status: number; headers: Record<string, string>; body: Record<string, unknown> & { id: string } };
      // Everything the caller sees, with what differs by nature (ids, reference, the number they sent) put aside.
      const seen = (r: Answer, nhsNumber: string) =>
        JSON.parse(
          JSON.stringify({ status: r.status, location: r.headers.location, body: r.body })
            .replaceAll(r.body.id, '{id}')
            .replaceAll(String(r.body.reference), '{reference}')
            .replaceAll(String((r.body.person as { id?: string } | undefined)?.id), '{person}')
            .replaceAll(nhsNumber, '{sent}'),
        );
      const fresh = valid();
      const [known, unknown]: Answer[] = [
        await api(caller).post('/referrals', body({ person: sent(held) })),
        await api(caller).post('/referrals', body({ person: sent(fresh) })),
      ];
      expect(known.status).toBe(201);
      expect(seen(known, held)).toEqual(seen(unknown, fresh));
      expect(JSON.stringify(known.body)).not.toMatch(new RegExp(`${holder.id}|Rhiannon|Heldname|1962-07-08|identity-match`));
      if (roles[0] === 'amhp') {
        // Her view shows the person as sent, the number with it, and the same findings.
        expect(known.body.person).toMatchObject({ nhsNumber: held, familyName: 'Sent' });
        expect(known.body.findings).toEqual(unknown.body.findings);
      }
      // Reading back the referral and its person: the same answer for each.
      const personOf = async (r: Answer) =>
        (await t.sql<{ person_id: string }>(`SELECT person_id FROM referrals WHERE id = $1`, [r.body.id]))[0].person_id;
      for (const path of [async (r: Answer) => `/referrals/${r.body.id}`, async (r: Answer) => `/people/${await personOf(r)}`]) {
        const [k, u] = [await api(caller).get(await path(known)), await api(caller).get(await path(unknown))];
        expect(k.status).toBe(u.status);
        expect(k.status).not.toBe(400);
        expect(Object.keys(k.body).sort()).toEqual(Object.keys(u.body).sort());
        expect(JSON.stringify(k.body)).not.toMatch(new RegExp(`${holder.id}|Rhiannon|Heldname|identity-match`));
      }
      // What the referral keeps of its intake is the same too: nothing there says the number is held.
      const received = async (id: string) =>
        (
          await t.sql<{ codes: string[] }>(
            `SELECT coalesce(array(SELECT f->>'code' FROM jsonb_array_elements(data->'findings') f), '{}') AS codes FROM referral_events WHERE referral_id = $1 AND type = 'received'`,
            [id],
          )
        )[0].codes;
      expect(await received(known.body.id)).toEqual(await received(unknown.body.id));
      // POST /people: the same 201, body and Location.
      const [pk, pu]: Answer[] = [
        await api(caller).post('/people', { nhsNumber: held, givenName: 'Sam', familyName: 'Posted' }),
        await api(caller).post('/people', { nhsNumber: valid(), givenName: 'Sam', familyName: 'Posted' }),
      ];
      expect(pk.status).toBe(201);
      const posted = (r: Answer) => ({
        status: r.status,
        location: r.headers.location?.replace(r.body.id, '{id}'),
        body: { ...r.body, id: '{id}', nhsNumber: '{sent}', createdAt: '{t}', updatedAt: '{t}' },
      });
      expect(posted(pk)).toEqual(posted(pu));
      expect(pk.body.nhsNumber).toBe(held);

      // A manager, who may read every person and resolves matches, is told on the referral; nothing of the holder.
      const full = (await api(manager).get(`/referrals/${known.body.id}`).expect(200)).body;
      const finding = full.findings.find((f: { code: string }) => f.code === 'identity-match-pending');
      expect(finding).toMatchObject({ rule: 'PERSON-MATCH', severity: 'warning' });
      expect(JSON.stringify(finding)).not.toMatch(new RegExp(`${holder.id}|Rhiannon|Heldname|1962-07-08|${held}`));
      expect(full.person).toMatchObject({ nhsNumber: held, familyName: 'Sent' });
      const other = (await api(manager).get(`/referrals/${unknown.body.id}`).expect(200)).body;
      expect(other.findings.map((f: { code: string }) => f.code)).not.toContain('identity-match-pending');
    }
  });

  it('a referral whose intake kept identity-match-pending before such findings were kept from the record shows it to no reader, in its view or its timeline; a manager is told only while its match waits', async () => {
    const sent = (await api(manager).post('/referrals', body()).expect(201)).body;
    await t.sql(
      `UPDATE referral_events SET data = jsonb_set(data, '{findings}', coalesce(data->'findings', '[]'::jsonb) || $2::jsonb)
        WHERE referral_id = $1 AND type = 'received'`,
      [
        sent.id,
        JSON.stringify([
          {
            rule: 'PERSON-MATCH',
            severity: 'warning',
            code: 'identity-match-pending',
            message: 'The NHS number given is recorded, but not with the name and date of birth given.',
            citation: 'x',
          },
        ]),
      ],
    );
    const worker = await t.user(['amhp']);
    const [{ person_id: personId }] = await t.sql<{ person_id: string }>(`SELECT person_id FROM referrals WHERE id = $1`, [sent.id]);
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'allocated', 'test', 'x', '2026-11-01T00:00:00Z')`,
      [worker.id, personId],
    );
    for (const reader of [worker, manager]) {
      const view = (await api(reader).get(`/referrals/${sent.id}`).expect(200)).body;
      expect(view.findings.map((f: { code: string }) => f.code)).not.toContain('identity-match-pending');
      const timeline = (await api(reader).get(`/referrals/${sent.id}/events`).expect(200)).body;
      expect(JSON.stringify(timeline)).not.toContain('identity-match-pending');
    }
  });

  it("a referrer cannot tell another's referral from an id the hub never issued: the same 403, audited both times", async () => {
    const theirs = (await api(referrer).post('/referrals', body()).expect(201)).body;
    const other = await t.user(['referrer']);
    const unknown = '00000000-0000-4000-8000-0000000000d7';
    const answers = [];
    for (const id of [theirs.id, unknown]) {
      const { requestId: _r, instance: _i, ...rest } = (await api(other).get(`/referrals/${id}`).expect(403)).body;
      answers.push(JSON.stringify(rest).replace(id, '<id>'));
    }
    expect(answers[1]).toBe(answers[0]);
    expect(
      await t.sql(`SELECT resource_id FROM audit_events WHERE action = 'access.denied' AND actor_id = $1 ORDER BY id`, [other.id]),
    ).toEqual([{ resource_id: theirs.id }, { resource_id: unknown }]);
  });

  it.each([
    ['an invalid NHS number', { person: person({ nhsNumber: '9434765918' }) }, 400],
    [
      'an arrival time in the future',
      {
        legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-21T05:00:00Z' },
      },
      422,
    ],
    ['an unknown ethnic code', { person: person({ ethnicCategory: 'X' }) }, 400],
    ['an ethnic code 98 (not in the NHS list)', { person: person({ ethnicCategory: '98' }) }, 400],
    ['an unknown legal context', { legalContext: { kind: 's999' } }, 400],
    [
      'a s.136 with no anchor time',
      { legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place' } },
      422,
    ],
  ])('refuses %s (problem, nothing stored)', async (_name, over, status) => {
    const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM referrals');
    const res = await api(referrer).post('/referrals', body(over)).expect(status);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM referrals'))[0].n).toBe(before[0].n);
  });

  it('records a child the police hold at a police station (POL-09) instead of refusing it: the clock runs, and the hub sees the blocker to move them now', async () => {
    const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM referrals');
    const sent = (
      await api(referrer)
        .post(
          '/referrals',
          body({
            legalContext: {
              kind: 's136',
              placeOfSafetyType: 'police-station',
              locationType: 'public-place',
              personUnder18: true,
              arrivedAt: '2026-11-21T01:00:00Z',
            },
          }),
        )
        .expect(201)
    ).body;
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM referrals'))[0].n).toBe(before[0].n + 1);
    expect(sent.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({ deadline: '2026-11-22T01:00:00.000Z' });
    const held = (await api(manager).get(`/referrals/${sent.id}`).expect(200)).body;
    expect(held.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'POL-09', severity: 'blocker', code: 'police-station-under-18' })]),
    );
  });

  it("records an inspector's authorisation for an adult held at a police station (POL-09), which the warning then reflects", async () => {
    const context = {
      kind: 's136',
      placeOfSafetyType: 'police-station',
      locationType: 'public-place',
      personUnder18: false,
      arrivedAt: '2026-11-21T01:00:00Z',
    };
    const without = (
      await api(manager)
        .post('/referrals', body({ legalContext: context }))
        .expect(201)
    ).body;
    expect(without.findings.map((f: { code: string }) => f.code)).toContain('police-station-adult-no-inspector');
    const withAuth = (
      await api(manager)
        .post('/referrals', body({ legalContext: { ...context, inspectorAuthorisedAt: '2026-11-21T00:55:00Z' } }))
        .expect(201)
    ).body;
    expect(withAuth.findings.map((f: { code: string }) => f.code)).toContain('police-station-adult');
    expect(withAuth.findings.map((f: { code: string }) => f.code)).not.toContain('police-station-adult-no-inspector');
  });

  it.each([
    ['an arrival on a s.5(2)', { kind: 's5-2', h1FurnishedAt: '2026-11-20T22:00:00Z', arrivedAt: '2026-11-20T21:00:00Z' }, 'arrivedAt'],
    [
      'a recall on a s.136',
      {
        kind: 's136',
        placeOfSafetyType: 'health-based',
        locationType: 'public-place',
        arrivedAt: '2026-11-21T01:30:00Z',
        recalledAt: '2026-11-21T01:00:00Z',
      },
      'recalledAt',
    ],
    [
      'an H1 on a CTO recall',
      { kind: 'cto-recall', recalledAt: '2026-11-20T10:00:00Z', h1FurnishedAt: '2026-11-20T11:00:00Z' },
      'h1FurnishedAt',
    ],
    ['an admission on an informal referral', { kind: 'informal', admittedAt: '2026-11-01T10:00:00Z' }, 'admittedAt'],
  ])('refuses %s, a fact that legal context does not record, 400 naming the field, nothing stored', async (_name, legalContext, field) => {
    const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM referrals');
    const res = await api(manager)
      .post('/referrals', body({ source: 'other', legalContext }))
      .expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: `legalContext.${field}` })]);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM referrals'))[0].n).toBe(before[0].n);
  });

  it('finds the existing person by NHS number instead of duplicating them, and flags different details', async () => {
    const a = (
      await api(referrer)
        .post('/referrals', body({ person: person({ nhsNumber: '943 476 5919', familyName: 'Match' }) }))
        .expect(201)
    ).body;
    const b = (
      await api(manager)
        .post('/referrals', body({ person: person({ nhsNumber: '9434765919', familyName: 'Mismatch' }) }))
        .expect(201)
    ).body;
    const [{ person_id: recorded }] = await t.sql(`SELECT person_id FROM referrals WHERE id = $1`, [a.id]);
    expect(b.person.id).toBe(recorded);
    expect(b.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'person-details-differ', severity: 'warning' })]));
  });

  it.each([
    ['s.5(2) from the H1', { kind: 's5-2', h1FurnishedAt: '2026-11-20T20:00:00Z' }, 'HOLD-01', '2026-11-23T20:00:00.000Z'],
    ["s.5(4) from the nurse's record", { kind: 's5-4', recordMadeAt: '2026-11-21T01:00:00Z' }, 'HOLD-02', '2026-11-21T07:00:00.000Z'],
    [
      's.5(2) after s.5(4): 72 h from the s.5(4) record (s.5(5))',
      { kind: 's5-2', h1FurnishedAt: '2026-11-21T01:00:00Z', precededBy5_4At: '2026-11-20T22:00:00Z' },
      'HOLD-01',
      '2026-11-23T22:00:00.000Z',
    ],
  ])('clocks for %s', async (_name, legalContext, id, deadline) => {
    const res = await api(manager)
      .post('/referrals', body({ source: 'ward', legalContext }))
      .expect(201);
    expect(res.body.clocks.find((c: { id: string }) => c.id === id)).toMatchObject({ deadline });
  });

  it.each([
    ['days after the s.5(4) lapsed', '2026-11-17T12:00:00Z', '2026-11-20T12:00:00Z'],
    ['a few hours after the s.5(4) lapsed', '2026-11-20T02:00:00Z', '2026-11-20T12:00:00Z'],
    ['exactly when the s.5(4) lapsed', '2026-11-20T06:00:00Z', '2026-11-20T12:00:00Z'],
  ])(
    "a s.5(2) furnished %s holds for 72 hours from the H1, and the gap in authority is a warning, not the nurse's record",
    async (_name, precededBy5_4At, h1FurnishedAt) => {
      const legalContext = { kind: 's5-2', h1FurnishedAt, precededBy5_4At };
      const res = await api(manager)
        .post('/referrals', body({ source: 'ward', urgency: 'routine', legalContext }))
        .expect(201);
      const clock = res.body.clocks.find((c: { id: string }) => c.id === 'HOLD-01');
      expect(clock).toMatchObject({ rule: 'HOLD-01', anchor: new Date(legalContext.h1FurnishedAt).toISOString(), state: 'running' });
      expect(clock.deadline).toBe(new Date(Date.parse(legalContext.h1FurnishedAt) + 72 * 3_600_000).toISOString());
      expect(res.body.findings).toEqual(
        expect.arrayContaining([expect.objectContaining({ rule: 'HOLD-02', code: 'h1-after-s5-4-lapsed', severity: 'warning' })]),
      );
      const full = (await api(manager).get(`/referrals/${res.body.id}`).expect(200)).body;
      expect(full.nextDeadline).toBe(clock.deadline);
    },
  );

  it("a s.5(2) furnished within the s.5(4)'s 6 hours runs from the nurse's record (s.5(5)), with no warning", async () => {
    const legalContext = { kind: 's5-2', h1FurnishedAt: '2026-11-21T01:59:00Z', precededBy5_4At: '2026-11-20T20:00:00Z' };
    const res = await api(manager)
      .post('/referrals', body({ source: 'ward', legalContext }))
      .expect(201);
    expect(res.body.clocks.find((c: { id: string }) => c.id === 'HOLD-01')).toMatchObject({
      rule: 'HOLD-02',
      anchor: '2026-11-20T20:00:00.000Z',
      deadline: '2026-11-23T20:00:00.000Z',
    });
    expect(res.body.findings ?? []).not.toEqual(expect.arrayContaining([expect.objectContaining({ code: 'h1-after-s5-4-lapsed' })]));
  });

  it('the index the queue and the clock jobs read the open referrals through holds open referrals only: its predicate names every ended status', async () => {
    // openStatusSql (referrals.tables.ts) is "none of the ended statuses", the predicate of referrals_queue_idx; a
    // status added to REFERRAL_STATUSES without the index rebuilt would keep those referrals in it for ever, and every
    // minute's openForHandover would read them all (bench/README.md, the clock job's open referrals).
    const [{ def }] = await t.sql<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'referrals_queue_idx'`);
    const named = [...def.slice(def.indexOf(' WHERE ')).matchAll(/'([a-z-]+)'/g)].map((m) => m[1]).sort();
    expect(named).toEqual(REFERRAL_STATUSES.filter((s) => !OPEN_STATUSES.includes(s)).sort());
  });

  it('the queue is sorted by the soonest deadline and paginates', async () => {
    // Six hours from a nurse's holding power recorded at 20:30: due 02:30, half an hour from now, sooner than any
    // other referral here (a s.136's earliest is the 3-hour assessment-start target, 04:30).
    const soon = (
      await api(manager)
        .post('/referrals', body({ source: 'ward', legalContext: { kind: 's5-4', recordMadeAt: '2026-11-20T20:30:00Z' } }))
        .expect(201)
    ).body;
    expect(soon.clocks.find((c: { id: string }) => c.id === 'HOLD-02')).toMatchObject({
      deadline: '2026-11-21T02:30:00.000Z',
      state: 'warning',
    });
    const page = (await api(manager).get('/referrals?limit=3').expect(200)).body;
    expect(page.items[0].id).toBe(soon.id);
    const deadlines = page.items.map((r: { nextDeadline: string }) => r.nextDeadline);
    expect(deadlines).toEqual([...deadlines].sort());
    const next = (await api(manager).get(`/referrals?limit=3&cursor=${page.nextCursor}`).expect(200)).body;
    expect(next.items[0].nextDeadline >= deadlines[2]).toBe(true);
    expect(
      await t.sql(`SELECT 1 FROM audit_events WHERE action = 'referral.read' AND resource_id = $1 AND details->>'via' = 'queue'`, [
        soon.id,
      ]),
    ).not.toHaveLength(0);
    // The queue's reads are written in one batch per page: one row per referral shown, chained like any other.
    const perPage = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'referral.read' AND details->>'via' = 'queue' AND actor_id = $1`,
      [manager.id],
    );
    expect(perPage[0].n).toBe(page.items.length + next.items.length);
    // Exactly the referrals shown, in the order shown: not the look-ahead row that says there is a next page.
    const audited = await t.sql<{ resource_id: string }>(
      `SELECT resource_id FROM audit_events WHERE action = 'referral.read' AND details->>'via' = 'queue' AND actor_id = $1 ORDER BY id`,
      [manager.id],
    );
    expect(audited.map((a) => a.resource_id)).toEqual([...page.items, ...next.items].map((r: { id: string }) => r.id));
    const auditor = await t.user(['auditor']);
    expect((await t.http.get('/audit-events/verify').set('authorization', auditor.auth).expect(200)).body).toMatchObject({
      valid: true,
      breaks: [],
    });
  });

  describe('workflow', () => {
    it('screening → not accepted with reasons (a missing or short one is 422 naming reason); with an NR request the close needs written reasons (NR-12), given at a time that has come', async () => {
      const r = (
        await api(manager)
          .post(
            '/referrals',
            body({ source: 'nearest-relative', nearestRelativeRequest: true, legalContext: { kind: 'informal' }, urgency: 'routine' }),
          )
          .expect(201)
      ).body;
      await api(manager)
        .post(`/referrals/${r.id}/status`, { status: 'closed' })
        .expect(409)
        .expect((res) => expect(res.body.allowed).toEqual(['screening', 'withdrawn']));
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'screening' }).expect(200);
      for (const [move, field] of [
        [{ status: 'not-accepted' }, 'reason'],
        [{ status: 'withdrawn', reason: 'dup' }, 'reason'],
        [{ status: 'transferred', reason: '   too short   ' }, 'reason'],
        [{ status: 'transferred', reason: 'Lives in Southvale, their duty' }, 'transferredTo'],
      ] as const) {
        const refused = await api(manager).post(`/referrals/${r.id}/status`, move).expect(422);
        expect(refused.headers['content-type']).toMatch(/problem\+json/);
        expect(refused.body).toMatchObject({ code: 'requirement-missing', field, errors: [{ field, messages: [refused.body.detail] }] });
      }
      await api(manager)
        .post(`/referrals/${r.id}/status`, {
          status: 'not-accepted',
          reason: 'Support from the home treatment team is the least restrictive option',
        })
        .expect(200);
      const blocked = await api(manager).post(`/referrals/${r.id}/status`, { status: 'closed' }).expect(422);
      expect(blocked.body).toMatchObject({ code: 'requirement-missing', rule: 'NR-12' });
      const early = await api(manager)
        .post(`/referrals/${r.id}/written-reasons`, { givenAt: '2026-11-21T09:00:00Z', method: 'letter' })
        .expect(422);
      expect(early.body).toMatchObject({ code: 'in-future', errors: [{ field: 'givenAt' }] });
      await api(manager).post(`/referrals/${r.id}/written-reasons`, { givenAt: '2026-11-21T02:00:00Z', method: 'letter' }).expect(200);
      const closed = (await api(manager).post(`/referrals/${r.id}/status`, { status: 'closed' }).expect(200)).body;
      expect(closed).toMatchObject({ status: 'closed', nextDeadline: null, nextStatuses: [] });
      expect(closed.clocks.every((c: { state: string }) => c.state === 'stopped')).toBe(true);
      const events = (await api(manager).get(`/referrals/${r.id}/events`).expect(200)).body.items.map((e: { type: string }) => e.type);
      expect(events).toEqual(['received', 'screening', 'not-accepted', 'written-reasons-recorded', 'closed']);
    });

    it('a stale If-Match is 412', async () => {
      const r = (await api(manager).post('/referrals', body()).expect(201)).body;
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'screening' }, { 'if-match': '"v1"' }).expect(200);
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'accepted' }, { 'if-match': '"v1"' }).expect(412);
    });

    it("a s.136B extension: refused for a bed shortage, allowed for the person's condition, only once", async () => {
      const r = (await api(manager).post('/referrals', body()).expect(201)).body;
      const bed = await api(manager)
        .post(`/referrals/${r.id}/extensions`, {
          authorisedAt: '2026-11-21T01:50:00Z',
          hours: 6,
          authorisedBy: 'examining-doctor',
          reason: 'bed-unavailable',
        })
        .expect(422);
      expect(bed.body.findings.map((f: { rule: string }) => f.rule)).toContain('POL-08');
      const ok = (
        await api(manager)
          .post(`/referrals/${r.id}/extensions`, {
            authorisedAt: '2026-11-21T01:50:00Z',
            hours: 6,
            authorisedBy: 'examining-doctor',
            reason: 'patient-condition',
          })
          .expect(201)
      ).body;
      expect(ok.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({
        deadline: '2026-11-22T07:30:00.000Z',
        extendedBy: 6,
      });
      expect(ok.extensions).toEqual([expect.objectContaining({ hours: 6, minutes: 360 })]);
      await api(manager)
        .post(`/referrals/${r.id}/extensions`, {
          authorisedAt: '2026-11-21T01:55:00Z',
          hours: 2,
          authorisedBy: 'examining-doctor',
          reason: 'patient-condition',
        })
        .expect(422);
    });

    it('a s.136B extension "authorised" at a time still to come is refused, 422 naming authorisedAt: the 24 hours keep their deadline', async () => {
      const r = (await api(manager).post('/referrals', body()).expect(201)).body;
      const deadline = r.clocks.find((c: { id: string }) => c.id === 'POL-07').deadline;
      for (const [field, extension] of [
        ['authorisedAt', { authorisedAt: '2026-11-21T12:00:00Z' }], // ten hours from now, before the 24 hours end
        ['authorisedAt', { authorisedAt: '2026-11-21T02:30:00Z' }],
        ['superintendentApprovedAt', { authorisedAt: '2026-11-21T01:50:00Z', superintendentApprovedAt: '2026-11-21T03:00:00Z' }],
      ] as const) {
        const res = await api(manager)
          .post(`/referrals/${r.id}/extensions`, {
            hours: 12,
            authorisingDoctor: { name: 'Dr Examining Person', gmcNumber: '7123456' },
            reason: 'patient-condition',
            ...extension,
          })
          .expect(422);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.body).toMatchObject({ code: 'in-future', errors: [{ field }] });
      }
      expect(await t.sql('SELECT 1 FROM referral_extensions WHERE referral_id = $1', [r.id])).toEqual([]);
      const read = (await api(manager).get(`/referrals/${r.id}`).expect(200)).body;
      expect(read.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({ deadline, extendedBy: 0 });
    });

    it('a s.136B extension authorised to a time, 7 h 30 min: accepted as hours 7.5, the clock ends 7 h 30 min after the 24 hours and says so', async () => {
      const r = (await api(manager).post('/referrals', body()).expect(201)).body;
      const extended = (
        await api(manager)
          .post(`/referrals/${r.id}/extensions`, {
            authorisedAt: '2026-11-21T01:50:00Z',
            hours: 7.5,
            authorisingDoctor: { name: 'Dr Examining Person', gmcNumber: '7123456' },
            reason: 'patient-condition',
          })
          .expect(201)
      ).body;
      const clock = extended.clocks.find((c: { id: string }) => c.id === 'POL-07');
      expect(clock).toMatchObject({ deadline: '2026-11-22T09:00:00.000Z', extendedBy: 7.5 });
      expect(clock.basis).toContain('extended by 7 h 30 min under s.136B');
      expect(clock.basis).toContain('ends Sun 22 Nov 2026 09:00 GMT.');
      expect(clock.extension).toMatchObject({ hours: 7.5, minutes: 450 });
      expect(extended.extensions).toEqual([expect.objectContaining({ hours: 7.5, minutes: 450 })]);
      expect(await t.sql('SELECT minutes FROM referral_extensions WHERE referral_id = $1', [r.id])).toEqual([{ minutes: 450 }]);
      // As the record is read again.
      const read = (await api(manager).get(`/referrals/${r.id}`).expect(200)).body;
      expect(read.clocks.find((c: { id: string }) => c.id === 'POL-07')).toMatchObject({
        deadline: '2026-11-22T09:00:00.000Z',
        extendedBy: 7.5,
      });
    });

    it.each([
      ['12 h 1 min', 12 + 1 / 60, 'hours must not be more than 12 hours (720 minutes)'],
      ['part of a minute (7 h 30 min 36 s)', 7.51, 'hours must be a whole number of minutes (hours × 60 a whole number, e.g. 7.5 or 7.25)'],
    ])('a s.136B extension of %s is refused, 400 naming hours, nothing recorded', async (_name, hours, message) => {
      const r = (await api(manager).post('/referrals', body()).expect(201)).body;
      const res = await api(manager)
        .post(`/referrals/${r.id}/extensions`, {
          authorisedAt: '2026-11-21T01:50:00Z',
          hours,
          authorisingDoctor: { name: 'Dr Examining Person', gmcNumber: '7123456' },
          reason: 'patient-condition',
        })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors).toEqual([{ field: 'hours', messages: [message] }]);
      expect(await t.sql('SELECT 1 FROM referral_extensions WHERE referral_id = $1', [r.id])).toEqual([]);
    });
  });

  describe('allocation', () => {
    const accepted = async () => {
      const r = (await api(manager).post('/referrals', body()).expect(201)).body;
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'screening' }).expect(200);
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'accepted' }).expect(200);
      return r;
    };

    it("each change to a referral is audited with the basis it was made on, and a declined offer's answer as a read", async () => {
      const r = await accepted();
      const offered = await amhp(t);
      await api(manager)
        .post(`/referrals/${r.id}/offers`, { userIds: [offered.id] })
        .expect(201);
      await api(offered).post(`/referrals/${r.id}/offers/decline`, {}).expect(200);
      const rows = await t.sql<{ action: string; access_basis: string | null }>(
        `SELECT action, access_basis FROM audit_events WHERE resource_type = 'referral' AND resource_id = $1 ORDER BY id`,
        [r.id],
      );
      const basisOf = (action: string) => rows.filter((x) => x.action === action).map((x) => x.access_basis);
      expect(basisOf('referral.accepted')).toEqual(['role:manager']);
      expect(basisOf('referral.offer')).toEqual(['role:manager']);
      expect(basisOf('referral.offer-decline')).toEqual([expect.stringMatching(/^relationship:/)]);
      expect(basisOf('referral.read')).toContainEqual(expect.stringMatching(/^relationship:/));
      // Her access ended with her answer.
      await api(offered).get(`/people/${r.person.id}`).expect(403);
    });

    it('two managers allocating at once to different AMHPs: exactly one is told she won, the rest 409 naming who has it', async () => {
      const r = await accepted();
      const [first, second] = [await amhp(t), await amhp(t)];
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => api(manager).post(`/referrals/${r.id}/allocation`, { userId: i % 2 ? first.id : second.id })),
      );
      const won = answers.filter((a) => a.status === 200);
      const lost = answers.filter((a) => a.status === 409);
      const same = answers.filter((a) => a.status === 200 && a.body.allocatedUserId === won[0].body.allocatedUserId);
      // The winner's own repeats are answered with the allocation as it stands; every other one lost.
      expect(won.length).toBe(same.length);
      expect(won.length + lost.length).toBe(12);
      for (const a of lost) expect(a.body).toMatchObject({ code: 'already-allocated', allocatedUserId: won[0].body.allocatedUserId });
      const events = await t.sql(`SELECT 1 FROM referral_events WHERE referral_id = $1 AND type = 'allocated'`, [r.id]);
      expect(events).toHaveLength(1);
      expect((await api(manager).get(`/referrals/${r.id}`).expect(200)).body.allocatedUserId).toBe(won[0].body.allocatedUserId);
    });

    it('allocates to an eligible AMHP, who then reads the person; an AMHP without relationship gets 403 with break-glass offered', async () => {
      const r = await accepted();
      const a = await amhp(t);
      const stranger = await amhp(t);
      await api(stranger)
        .get(`/referrals/${r.id}`)
        .expect(403)
        .expect((res) => expect(res.body.breakGlass).toBeDefined());
      const allocated = (await api(manager).post(`/referrals/${r.id}/allocation`, { userId: a.id }).expect(200)).body;
      expect(allocated).toMatchObject({ status: 'allocated', allocatedUserId: a.id });
      await api(a).get(`/referrals/${r.id}`).expect(200);
      await api(a).get(`/people/${r.person.id}`).expect(200);
      expect((await api(a).get('/referrals?assigned=me').expect(200)).body.items.map((x: { id: string }) => x.id)).toContain(r.id);
    });

    it('an AMHP named by her id in capitals is the same AMHP: allocated, offered, and the referral read by its id in capitals', async () => {
      const a = await amhp(t);
      const r = await accepted();
      // A uuid is case-insensitive: she was refused as "no AMHP practitioner record" when named in capitals.
      const allocated = (await api(manager).post(`/referrals/${r.id}/allocation`, { userId: a.id.toUpperCase() }).expect(200)).body;
      expect(allocated).toMatchObject({ status: 'allocated', allocatedUserId: a.id });
      const read = (await api(a).get(`/referrals/${r.id.toUpperCase()}`).expect(200)).body;
      expect(read.id).toBe(r.id);
      const offered = await accepted();
      const offers = (
        await api(manager)
          .post(`/referrals/${offered.id}/offers`, { userIds: [a.id.toUpperCase()] })
          .expect(201)
      ).body;
      expect(offers.items.map((o: { userId: string }) => o.userId)).toEqual([a.id]);
      expect((await api(a).post(`/referrals/${offered.id.toUpperCase()}/offers/accept`).expect(201)).body.allocatedUserId).toBe(a.id);
      // A body's and a query's ids too.
      const opened = (await api(a).post('/assessments', { referralId: r.id.toUpperCase(), location: 'Home' }).expect(201)).body;
      expect(opened.referralId).toBe(r.id);
      const listed = (await api(a).get(`/assessments?referralId=${r.id.toUpperCase()}`).expect(200)).body;
      expect(listed.items.map((x: { id: string }) => x.id)).toEqual([opened.id]);
    });

    it('an AMHP refused a referral opens break-glass on the referral the 403 names and reads it and its timeline, audited on that basis, until it expires', async () => {
      const r = await accepted();
      const stranger = await amhp(t);
      const refused = (await api(stranger).get(`/referrals/${r.id}`).expect(403)).body;
      // The link names the referral, not its person: a refusal does not tie two records of one person together.
      expect(refused.breakGlass).toEqual({ href: '/break-glass', method: 'POST', referralId: r.id });
      expect(JSON.stringify(refused)).not.toContain(r.person.id);
      const session = (
        await api(stranger)
          .post('/break-glass', { referralId: r.id, reason: 'Police at the door at 3am, s.136 detention, nobody allocated' })
          .expect(201)
      ).body;
      expect(session.personId).toBe(r.person.id);
      // Decided from the access facts read with the referral: no decision on the person reads them again.
      await withoutPersonDecisions(t, async () => {
        await api(stranger).get(`/referrals/${r.id}`).expect(200);
        await api(stranger).get(`/referrals/${r.id}/events`).expect(200);
      });
      expect(
        await t.sql(
          `SELECT action, access_basis FROM audit_events WHERE actor_id = $1 AND resource_id = $2 AND outcome = 'success' ORDER BY id`,
          [stranger.id, r.id],
        ),
      ).toEqual([
        { action: 'referral.read', access_basis: `break-glass:${session.id}` },
        { action: 'referral.read-timeline', access_basis: `break-glass:${session.id}` },
      ]);
      // Past the session's end (its length is the hub's setting): refused again.
      await pastInstant(t, session.expiresAt, () => api(stranger).get(`/referrals/${r.id}`).expect(403));
    });

    it("re-allocation ends the first AMHP's access; closing ends everyone's; the referrer never reads the person, only the referral's progress", async () => {
      const sent = (await api(referrer).post('/referrals', body()).expect(201)).body;
      expect(sent).not.toHaveProperty('person');
      const r = (await api(manager).get(`/referrals/${sent.id}`).expect(200)).body;
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'screening' }).expect(200);
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'accepted' }).expect(200);
      const [first, second] = [await amhp(t), await amhp(t)];
      await api(manager).post(`/referrals/${r.id}/allocation`, { userId: first.id }).expect(200);
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'accepted', reason: 'First AMHP off sick' }).expect(200);
      await api(first).get(`/people/${r.person.id}`).expect(403);
      await api(referrer).get(`/people/${r.person.id}`).expect(403);
      expect((await api(referrer).get(`/referrals/${r.id}`).expect(200)).body).not.toHaveProperty('person');
      await api(manager).post(`/referrals/${r.id}/allocation`, { userId: second.id }).expect(200);
      await api(second).get(`/people/${r.person.id}`).expect(200);
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Admitted informally overnight' }).expect(200);
      await api(second).get(`/people/${r.person.id}`).expect(403);
      await api(referrer).get(`/people/${r.person.id}`).expect(403);
      expect((await api(referrer).get(`/referrals/${r.id}`).expect(200)).body.status).toBe('withdrawn');
    });

    it('refuses an AMHP with no approval unless a manager overrides with a reason (review alert raised)', async () => {
      const r = await accepted();
      const unapproved = await amhp(t, { approval: null });
      const refused = await api(manager).post(`/referrals/${r.id}/allocation`, { userId: unapproved.id }).expect(422);
      expect(refused.body.findings.map((f: { code: string }) => f.code)).toContain('no-approval');
      await api(manager)
        .post(`/referrals/${r.id}/allocation`, {
          userId: unapproved.id,
          overrideReason: 'Only AMHP reachable; approval renewal signed today',
        })
        .expect(200);
      expect(await t.sql(`SELECT 1 FROM review_alerts WHERE kind = 'allocation-override' AND subject_id = $1`, [r.id])).toHaveLength(1);
    });

    it("a manager's override never allocates to someone who is not an AMHP (a referrer, an auditor, an admin, an AMHP account with no practitioner record, or a practitioner id): 422 naming userId, nothing changed", async () => {
      const r = await accepted();
      const practitioner = await amhp(t);
      const notAmhps = [
        await t.user(['referrer']),
        await t.user(['auditor']),
        await t.user(['admin']),
        await t.user(['manager']),
        await t.user(['amhp']), // the role, but no practitioner record (AMHP-01)
      ].map((u) => u.id);
      for (const userId of [...notAmhps, practitioner.practitionerId]) {
        for (const overrideReason of [undefined, 'Short staffed tonight, nobody else reachable']) {
          const res = await api(manager).post(`/referrals/${r.id}/allocation`, { userId, ...(overrideReason ? { overrideReason } : {}) });
          expect({
            userId,
            overrideReason,
            status: res.status,
            code: res.body.code,
            fields: res.body.errors?.map((e: { field: string }) => e.field),
          }).toEqual({
            userId,
            overrideReason,
            status: 422,
            code: 'not-an-amhp',
            fields: ['userId'],
          });
        }
      }
      expect(await t.sql(`SELECT status, allocated_user_id FROM referrals WHERE id = $1`, [r.id])).toEqual([
        { status: 'accepted', allocated_user_id: null },
      ]);
      expect(await t.sql(`SELECT 1 FROM review_alerts WHERE kind = 'allocation-override' AND subject_id = $1`, [r.id])).toHaveLength(0);
      await api(manager).post(`/referrals/${r.id}/allocation`, { userId: practitioner.id }).expect(200);
    });

    it('offered to the AMHPs on duty: two accept at once, exactly one wins (201) and the other gets 409', async () => {
      const r = await accepted();
      const [a, b] = [await amhp(t), await amhp(t)];
      const shift = (
        await api(manager)
          .post('/rota/shifts', { label: 'Night', startsAt: '2026-11-20T22:00:00Z', endsAt: '2026-11-21T09:00:00Z', requiredCount: 2 })
          .expect(201)
      ).body;
      await api(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      await api(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: b.practitionerId }).expect(201);
      // On duty now: both may read the person of an open referral (the derived duty relationship).
      await api(a).get(`/referrals/${r.id}`).expect(200);
      const offers = (await api(manager).post(`/referrals/${r.id}/offers`, {}).expect(201)).body.items;
      expect(offers.map((o: { userId: string }) => o.userId).sort()).toEqual([a.id, b.id].sort());
      const results = await Promise.all([api(a).post(`/referrals/${r.id}/offers/accept`), api(b).post(`/referrals/${r.id}/offers/accept`)]);
      expect(results.map((x) => x.status).sort()).toEqual([201, 409]);
      const winner = results.find((x) => x.status === 201)!.body.allocatedUserId;
      expect([a.id, b.id]).toContain(winner);
      expect(await t.sql(`SELECT response FROM allocation_offers WHERE referral_id = $1 ORDER BY response`, [r.id])).toEqual([
        { response: 'accepted' },
        { response: 'withdrawn' },
      ]);
    });

    it('the duty AMHP screens, accepts and offers a new referral at night; an AMHP off duty may not', async () => {
      const r = (await api(referrer).post('/referrals', body()).expect(201)).body;
      const [onDuty, offDuty] = [await amhp(t), await amhp(t)];
      const shift = (
        await api(manager)
          .post('/rota/shifts', { label: 'Night', startsAt: '2026-11-20T23:00:00Z', endsAt: '2026-11-21T08:00:00Z', requiredCount: 1 })
          .expect(201)
      ).body;
      await api(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: onDuty.practitionerId }).expect(201);
      await api(offDuty).post(`/referrals/${r.id}/status`, { status: 'screening' }).expect(403);
      await api(onDuty).post(`/referrals/${r.id}/status`, { status: 'screening' }).expect(200);
      await api(onDuty).post(`/referrals/${r.id}/status`, { status: 'accepted' }).expect(200);
      await api(offDuty).post(`/referrals/${r.id}/offers`, {}).expect(403);
      const offers = (await api(onDuty).post(`/referrals/${r.id}/offers`, {}).expect(201)).body.items;
      // Everyone else on duty now is offered it (two AMHPs from another test's night shift are on duty too), never the
      // AMHP offering: only a manager allocates, and an offer to oneself would be an allocation to oneself.
      const offered = offers.map((o: { userId: string }) => o.userId);
      expect(offered).not.toContain(onDuty.id);
      expect(offered).not.toContain(offDuty.id);
      await api(onDuty).post(`/referrals/${r.id}/offers/accept`).expect(404);
      const colleague: string = offered[0];
      const { token } = await t.app.get(TokenService).issueAccessToken(colleague, ['amhp']);
      const taken = (await t.http.post(`/referrals/${r.id}/offers/accept`).set('authorization', `Bearer ${token}`).expect(201)).body;
      expect(taken).toMatchObject({ status: 'allocated', allocatedUserId: colleague });
    });

    it('an AMHP on duty cannot offer a referral to themselves, to an AMHP off duty, to the referrer or to an auditor (422, nothing offered, no access granted)', async () => {
      const r = await accepted();
      const [onDuty, offDuty] = [await amhp(t), await amhp(t)];
      const auditor = await t.user(['auditor']);
      const shift = (
        await api(manager)
          .post('/rota/shifts', { label: 'Night', startsAt: '2026-11-20T23:00:00Z', endsAt: '2026-11-21T08:00:00Z', requiredCount: 1 })
          .expect(201)
      ).body;
      await api(manager).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: onDuty.practitionerId }).expect(201);
      const why = {
        [onDuty.id]: 'you cannot offer a referral to yourself (a manager allocates)',
        [offDuty.id]: 'not on duty now',
        [referrer.id]: 'not on duty now',
        [auditor.id]: 'not on duty now',
      };
      for (const target of [onDuty.id, offDuty.id, referrer.id, auditor.id]) {
        const res = await api(onDuty)
          .post(`/referrals/${r.id}/offers`, { userIds: [target] })
          .expect(422);
        expect(res.body.code).toBe('offer-not-allowed');
        expect(res.body.errors).toEqual([{ field: 'userIds', messages: [`${target}: ${why[target]}`] }]);
      }
      // Named together, each is refused with its own reason, in the order named.
      const all = await api(onDuty)
        .post(`/referrals/${r.id}/offers`, { userIds: [auditor.id, onDuty.id, offDuty.id] })
        .expect(422);
      expect(all.body.errors[0].messages).toEqual([auditor.id, onDuty.id, offDuty.id].map((u) => `${u}: ${why[u]}`));
      expect(await t.sql(`SELECT 1 FROM allocation_offers WHERE referral_id = $1`, [r.id])).toEqual([]);
      expect(await t.sql(`SELECT 1 FROM access_relationships WHERE source_type = 'referral-offer' AND source_id = $1`, [r.id])).toEqual([]);
      // A manager may offer to an eligible AMHP off duty (as they may allocate to one), but not to an auditor, nor to
      // an AMHP without an approval in force, each refused with why.
      const unapproved = await amhp(t, { approval: null });
      const refused = await api(manager)
        .post(`/referrals/${r.id}/offers`, { userIds: [auditor.id, unapproved.id, offDuty.id] })
        .expect(422);
      expect(refused.body.errors[0].messages).toEqual([
        `${auditor.id}: may not act as an AMHP now (not-an-active-amhp)`,
        expect.stringMatching(new RegExp(`^${unapproved.id}: may not act as an AMHP now \\(.*no-approval.*\\)$`)),
      ]);
      expect(await t.sql(`SELECT 1 FROM allocation_offers WHERE referral_id = $1`, [r.id])).toEqual([]);
      const made = (
        await api(manager)
          .post(`/referrals/${r.id}/offers`, { userIds: [offDuty.id] })
          .expect(201)
      ).body;
      expect(made.items.map((o: { userId: string }) => o.userId)).toEqual([offDuty.id]);
    });

    it('reading the offers of a referral is audited with its basis', async () => {
      const r = await accepted();
      await api(manager).get(`/referrals/${r.id}/offers`).expect(200);
      expect(
        await t.sql(
          `SELECT access_basis FROM audit_events WHERE action = 'referral.read' AND resource_id = $1 AND details->>'via' = 'offers'`,
          [r.id],
        ),
      ).toEqual([{ access_basis: 'role:manager' }]);
    });

    it('an AMHP cannot accept an offer that was not made to them', async () => {
      const r = await accepted();
      const a = await amhp(t);
      await api(a).post(`/referrals/${r.id}/offers/accept`).expect(404);
      await api(referrer).post(`/referrals/${r.id}/offers/accept`).expect(403);
    });
  });

  describe('intake → screening → allocation → close, for each source', () => {
    const contexts: Record<string, object> = {
      'police-s136': { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: '2026-11-21T01:30:00Z' },
      'police-s135': {
        kind: 's135-1',
        warrantExecutedAt: '2026-11-21T00:30:00Z',
        arrivedAt: '2026-11-21T01:00:00Z',
        placeOfSafetyType: 'health-based',
      },
      ward: { kind: 's5-2', h1FurnishedAt: '2026-11-20T23:00:00Z' },
    };
    it.each([
      'gp',
      'cmht',
      'crisis-home-treatment',
      'ae-liaison',
      'ward',
      'police-s136',
      'police-s135',
      'nearest-relative',
      'court-prison',
      'other-council',
      'other',
    ])('%s', async (source) => {
      const a = await amhp(t);
      const r = (
        await api(manager)
          .post(
            '/referrals',
            body({
              source,
              legalContext: contexts[source] ?? { kind: 'informal' },
              urgency: contexts[source] ? 'emergency' : 'urgent',
              nearestRelativeRequest: source === 'nearest-relative',
            }),
          )
          .expect(201)
      ).body;
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'screening' }).expect(200);
      await api(manager).post(`/referrals/${r.id}/status`, { status: 'accepted' }).expect(200);
      await api(manager).post(`/referrals/${r.id}/allocation`, { userId: a.id }).expect(200);
      await api(a).post(`/referrals/${r.id}/status`, { status: 'in-assessment' }).expect(200);
      if (source === 'nearest-relative') {
        // NR-12: closed with no application recorded, the nearest relative is owed written reasons first.
        expect((await api(a).post(`/referrals/${r.id}/status`, { status: 'closed' }).expect(422)).body.rule).toBe('NR-12');
        await api(a).post(`/referrals/${r.id}/written-reasons`, { givenAt: '2026-11-21T02:00:00Z', method: 'letter' }).expect(200);
      }
      const closed = (await api(a).post(`/referrals/${r.id}/status`, { status: 'closed' }).expect(200)).body;
      expect(closed).toMatchObject({ status: 'closed', source });
      expect(closed.clocks.every((c: { state: string }) => c.state === 'stopped')).toBe(true);
      // Closing ends the allocated AMHP's relationship to the person.
      await api(a).get(`/people/${r.person.id}`).expect(403);
      const timeline: Array<{ type: string; actorId: string; data: Record<string, unknown> }> = (
        await api(manager).get(`/referrals/${r.id}/events`).expect(200)
      ).body.items;
      expect(timeline.map((e) => e.type)).toEqual([
        'received',
        'screening',
        'accepted',
        'allocated',
        'in-assessment',
        ...(source === 'nearest-relative' ? ['written-reasons-recorded'] : []),
        'closed',
      ]);
      // Who made each move, and what it recorded.
      expect(timeline.slice(1).map((e) => [e.type, e.actorId, e.data])).toEqual([
        ['screening', manager.id, { from: 'received' }],
        ['accepted', manager.id, { from: 'screening' }],
        ['allocated', manager.id, { userId: a.id }],
        ['in-assessment', a.id, { from: 'allocated' }],
        ...(source === 'nearest-relative'
          ? [['written-reasons-recorded', a.id, { givenAt: '2026-11-21T02:00:00.000Z', method: 'letter' }]]
          : []),
        ['closed', a.id, { from: 'in-assessment' }],
      ]);
    });
  });

  it('honours Idempotency-Key on intake: three sends, one referral', async () => {
    const key = `intake-${randomUUID()}`;
    const b = body();
    const first = await api(referrer).post('/referrals', b, { 'idempotency-key': key }).expect(201);
    await api(referrer).post('/referrals', b, { 'idempotency-key': key }).expect(201);
    await api(referrer).post('/referrals', b, { 'idempotency-key': key }).expect(201);
    expect(
      await t.sql(`SELECT 1 FROM referrals WHERE reason = $1 AND person_id = $2`, [
        b.reason,
        first.body.id
          ? (await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [first.body.id]))[0].person_id
          : null,
      ]),
    ).toHaveLength(1);
  });
});
