import { randomBytes, randomUUID } from 'node:crypto';
import { Db } from '../src/database/db';
import { RelativesService } from '../src/people/relatives.service';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * A person's relatives, the nearest relative s.26 proposes (NR-04..NR-09), objections (NR-02) and s.29
 * displacement (NR-10, NR-11), over HTTP on the real app and database.
 */
describe('relatives and the nearest relative (MHA 1983 ss.26-29): recorded, proposed with a trace, objected to, displaced', () => {
  let t: TestApp;
  let manager: TestUser;

  beforeAll(async () => {
    // Saturday 21 Nov 2026, 10:00 London (GMT).
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (path: string) => t.http.get(path).set('authorization', u.auth),
    post: (path: string, body: object = {}) => t.http.post(path).set('authorization', u.auth).send(body),
    patch: (path: string, body: object, ifMatch?: string) => {
      const req = t.http.patch(path).set('authorization', u.auth);
      if (ifMatch) req.set('if-match', ifMatch);
      return req.send(body);
    },
  });

  const grant = (userId: string, personId: string, kind: 'allocated' | 'duty') =>
    t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, $3, 'test', 'x', '2026-11-01T00:00:00Z')`,
      [userId, personId, kind],
    );

  async function person(dateOfBirth = '1985-03-03'): Promise<{ id: string }> {
    return (
      await as(manager)
        .post('/people', { givenName: 'Robin', familyName: `Patient-${randomBytes(3).toString('hex')}`, dateOfBirth })
        .expect(201)
    ).body;
  }

  const relative = async (personId: string, body: Record<string, unknown>) =>
    (await as(manager).post(`/people/${personId}/relatives`, body).expect(201)).body;
  const nearest = async (personId: string, query = '') =>
    (await as(manager).get(`/people/${personId}/nearest-relative${query}`).expect(200)).body;
  const count = async (table: string, personId: string) => (await t.sql(`SELECT 1 FROM ${table} WHERE person_id = $1`, [personId])).length;

  it('a manager records relatives and gets the proposed nearest relative with its trace; a change of facts changes the proposal', async () => {
    const p = await person();
    const created = await as(manager)
      .post(`/people/${p.id}/relatives`, {
        name: 'Ada Elder',
        relationship: 'child',
        dateOfBirth: '2004-05-01',
        contact: { phone: '+44 7700 900001' },
      })
      .expect(201);
    expect(created.headers.etag).toBe('"v1"');
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toEqual({
      id: expect.any(String),
      personId: p.id,
      name: 'Ada Elder',
      relationship: 'child',
      wholeBlood: true,
      dateOfBirth: '2004-05-01',
      livesWithPatient: false,
      caresForPatient: false,
      ukResident: true,
      separatedOrDeserted: false,
      yearsLivingWith: null,
      livingWithSince: null,
      authorisedDelegate: null,
      contact: { phone: '+44 7700 900001' },
      notes: null,
      version: 1,
      createdBy: manager.id,
      createdAt: expect.any(String),
    });
    const younger = await relative(p.id, { name: 'Bea Younger', relationship: 'child', dateOfBirth: '2006-02-01' });
    const minor = await relative(p.id, { name: 'Cal Minor', relationship: 'child', dateOfBirth: '2010-01-01' });
    const sister = await relative(p.id, { name: 'Dee Sister', relationship: 'sibling', dateOfBirth: '1980-01-01', yearsLivingWith: 2.5 });

    const list = (await as(manager).get(`/people/${p.id}/relatives`).expect(200)).body.items;
    expect(list.map((r: { name: string }) => r.name)).toEqual(['Ada Elder', 'Bea Younger', 'Cal Minor', 'Dee Sister']);
    expect(list[3].yearsLivingWith).toBe(2.5);

    const nr = await nearest(p.id);
    expect(nr).toMatchObject({
      asAt: '2026-11-21',
      regime: 'nearest-relative',
      objections: [],
      objectionInForce: false,
      displacement: null,
    });
    expect(nr.proposal.nearestRelative).toEqual({ relativeId: created.body.id, name: 'Ada Elder', basis: 's.26' });
    expect(nr.proposal.ranked.map((r: { name: string; rank: number; class: string }) => [r.name, r.rank, r.class])).toEqual([
      ['Ada Elder', 1, 'b'],
      ['Bea Younger', 2, 'b'],
      ['Dee Sister', 3, 'd'],
    ]);
    expect(nr.proposal.excluded).toEqual([
      {
        relativeId: minor.id,
        name: 'Cal Minor',
        relationship: 'child',
        reason: expect.stringMatching(/^s\.26\(5\)\(c\): Cal Minor .* under 18 \(aged 16\)/),
      },
    ]);
    expect(nr.proposal.trace).toEqual(
      expect.arrayContaining([
        's.26(3): of two relatives described as son or daughter, Ada Elder (born 2004-05-01) is the elder, and is preferred to Bea Younger (born 2006-02-01) regardless of sex.',
        's.26(3): Ada Elder (son or daughter) is the nearest relative (class (b)).',
      ]),
    );

    // s.26(4): the sister moves in; the If-Match is the version read.
    const moved = await as(manager)
      .patch(`/people/${p.id}/relatives/${sister.id}`, { livesWithPatient: true, notes: 'Moved in after discharge' }, '"v1"')
      .expect(200);
    expect(moved.headers.etag).toBe('"v2"');
    expect(moved.body).toMatchObject({ livesWithPatient: true, notes: 'Moved in after discharge', version: 2 });
    const after = await nearest(p.id);
    expect(after.proposal.nearestRelative).toEqual({ relativeId: sister.id, name: 'Dee Sister', basis: 's.26' });
    expect(after.proposal.trace).toContain('s.26(4): Dee Sister (brother or sister) is the nearest relative (class (d)).');

    // On a date before the younger daughter's 18th birthday she was excluded too.
    const earlier = await nearest(p.id, '?asAt=2024-01-31');
    expect(earlier.proposal.excluded.map((e: { name: string }) => e.name).sort()).toEqual(['Bea Younger', 'Cal Minor']);
    expect(younger.version).toBe(1);

    const events = await t.sql<{ type: string; payload: Record<string, unknown> }>(
      `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`,
      [p.id],
    );
    expect(events.map((e) => e.type)).toEqual([
      'relative.recorded',
      'relative.recorded',
      'relative.recorded',
      'relative.recorded',
      'relative.updated',
    ]);
    expect(events[4].payload).toEqual({ personId: p.id, relativeId: sister.id, fields: ['livesWithPatient', 'notes'] });
  });

  it("s.26(5)(a): a visitor's wife who lives with him abroad is his nearest relative once his residence outside the UK is recorded; until then the trace asks to confirm it", async () => {
    const p = await person();
    const marie = await relative(p.id, {
      name: 'Marie Touriste',
      relationship: 'spouse',
      dateOfBirth: '1976-01-01',
      ukResident: false,
      livesWithPatient: true,
    });
    await relative(p.id, { name: 'Paul Touriste', relationship: 'sibling', wholeBlood: true, dateOfBirth: '1970-01-01' });
    // Not recorded: taken to be resident in the UK, as before, and the trace says so and asks.
    const unrecorded = await nearest(p.id);
    expect(unrecorded.proposal.nearestRelative.name).toBe('Paul Touriste');
    expect(unrecorded.proposal.trace).toContainEqual(
      expect.stringContaining('where the patient ordinarily resides is not recorded. Confirm it'),
    );
    // A malformed value is 400 naming the field, and nothing changes.
    const current = await as(manager).get(`/people/${p.id}`).expect(200);
    expect(current.body.ukResident).toBeNull();
    const bad = await as(manager).patch(`/people/${p.id}`, { ukResident: 'no' }, current.headers.etag).expect(400);
    expect(JSON.stringify(bad.body.errors)).toContain('ukResident');
    // Recorded: he lives in Lyon with his wife, on holiday here.
    const changed = await as(manager).patch(`/people/${p.id}`, { ukResident: false }, current.headers.etag).expect(200);
    expect(changed.body.ukResident).toBe(false);
    const abroad = await nearest(p.id);
    expect(abroad.proposal.nearestRelative).toMatchObject({ relativeId: marie.id, name: 'Marie Touriste', basis: 's.26' });
    expect(abroad.proposal.excluded).toEqual([]);
    expect(abroad.proposal.trace).toContainEqual(
      expect.stringContaining('but neither is the patient, so Marie Touriste is not disregarded'),
    );
    // A UK resident patient: the wife abroad is disregarded.
    await as(manager).patch(`/people/${p.id}`, { ukResident: true }, changed.headers.etag).expect(200);
    expect((await nearest(p.id)).proposal.nearestRelative.name).toBe('Paul Touriste');
    // Recorded with the person from the start.
    const visitor = (
      await as(manager)
        .post('/people', {
          givenName: 'Jean',
          familyName: `Visitor-${randomBytes(3).toString('hex')}`,
          dateOfBirth: '1975-01-01',
          ukResident: false,
        })
        .expect(201)
    ).body;
    expect(visitor.ukResident).toBe(false);
  });

  it('an AMHP without a relationship gets 403 on every route, and nothing is stored; allocated they read and write; on duty they only read', async () => {
    const p = await person();
    const r = await relative(p.id, { name: 'Mum', relationship: 'parent' });
    const amhp = await t.user(['amhp']);
    const denied = await as(amhp).get(`/people/${p.id}/relatives`).expect(403);
    expect(denied.body).toMatchObject({ code: 'no-relationship' });
    expect(JSON.stringify(denied.body)).not.toContain('Mum');
    await as(amhp).get(`/people/${p.id}/nearest-relative`).expect(403);
    await as(amhp).get(`/people/${p.id}/nearest-relative-objections`).expect(403);
    await as(amhp).get(`/people/${p.id}/displacements`).expect(403);
    await as(amhp).post(`/people/${p.id}/relatives`, { name: 'Dad', relationship: 'parent' }).expect(403);
    await as(amhp).patch(`/people/${p.id}/relatives/${r.id}`, { name: 'Changed' }).expect(403);
    await as(amhp)
      .post(`/people/${p.id}/nearest-relative-objections`, { notifiedAt: '2026-11-21T09:00:00Z', notifiedTo: 'amhp', details: 'Objects' })
      .expect(403);
    await as(amhp).post(`/people/${p.id}/displacements`, { ground: 'c', filedAt: '2026-11-21T09:00:00Z' }).expect(403);
    expect(await count('relatives', p.id)).toBe(1);
    expect(await count('nearest_relative_objections', p.id)).toBe(0);
    expect(await count('nearest_relative_displacements', p.id)).toBe(0);
    const denials = await t.sql(
      `SELECT details->>'policy' AS policy FROM audit_events WHERE action = 'access.denied' AND subject_person_id = $1 AND actor_id = $2`,
      [p.id, amhp.id],
    );
    expect(denials).toHaveLength(8);

    const duty = await t.user(['amhp']);
    await grant(duty.id, p.id, 'duty');
    await as(duty).get(`/people/${p.id}/nearest-relative`).expect(200);
    await as(duty).post(`/people/${p.id}/relatives`, { name: 'Dad', relationship: 'parent' }).expect(403);

    await grant(amhp.id, p.id, 'allocated');
    const nr = (await as(amhp).get(`/people/${p.id}/nearest-relative`).expect(200)).body;
    expect(nr.proposal.nearestRelative.name).toBe('Mum');
    await as(amhp).post(`/people/${p.id}/relatives`, { name: 'Dad', relationship: 'parent' }).expect(201);
    const [read] = await t.sql(
      `SELECT access_basis FROM audit_events WHERE action = 'nearest-relative.read' AND subject_person_id = $1 AND actor_id = $2`,
      [p.id, amhp.id],
    );
    expect(read).toEqual({ access_basis: 'relationship:allocated' });
    for (const roles of [['auditor'], ['admin'], ['referrer']] as const)
      await as(await t.user([...roles]))
        .get(`/people/${p.id}/relatives`)
        .expect(403);
  });

  it('NR-02: an objection recorded puts objectionInForce true; withdrawn, false (but still in force on an earlier date); a second withdrawal is 409', async () => {
    const p = await person();
    const mum = await relative(p.id, { name: 'Mum', relationship: 'parent', livesWithPatient: true });
    const objection = (
      await as(manager)
        .post(`/people/${p.id}/nearest-relative-objections`, {
          relativeId: mum.id,
          notifiedAt: '2026-11-20T18:30:00Z',
          notifiedTo: 'lssa',
          details: 'Rang the EDT: does not agree to a section 3.',
        })
        .expect(201)
    ).body;
    expect(objection).toMatchObject({
      personId: p.id,
      relativeId: mum.id,
      notifiedAt: '2026-11-20T18:30:00.000Z',
      notifiedTo: 'lssa',
      withdrawnAt: null,
      inForce: true,
      recordedBy: manager.id,
    });

    const inForce = await nearest(p.id);
    expect(inForce.objectionInForce).toBe(true);
    expect(inForce.objections.map((o: { id: string }) => o.id)).toEqual([objection.id]);
    // Not yet notified on the 19th.
    expect((await nearest(p.id, '?asAt=2026-11-19')).objectionInForce).toBe(false);

    t.clock.set('2026-11-21T11:00:00Z');
    try {
      const withdrawn = (
        await as(manager)
          .post(`/people/${p.id}/nearest-relative-objections/${objection.id}/withdrawal`, {
            details: 'Told the AMHP in person she now agrees.',
          })
          .expect(200)
      ).body;
      expect(withdrawn).toMatchObject({
        id: objection.id,
        withdrawnAt: '2026-11-21T11:00:00.000Z',
        withdrawalDetails: 'Told the AMHP in person she now agrees.',
        inForce: false,
      });
      const now = await nearest(p.id);
      expect(now).toMatchObject({ objectionInForce: false, objections: [] });
      expect((await nearest(p.id, '?asAt=2026-11-20')).objectionInForce).toBe(true);

      const again = await as(manager)
        .post(`/people/${p.id}/nearest-relative-objections/${objection.id}/withdrawal`, { details: 'Again' })
        .expect(409);
      expect(again.body.code).toBe('already-withdrawn');
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      const [stored] = await t.sql<{ withdrawal_details: string }>(
        'SELECT withdrawal_details FROM nearest_relative_objections WHERE id = $1',
        [objection.id],
      );
      expect(stored.withdrawal_details).toBe('Told the AMHP in person she now agrees.');

      const listed = (await as(manager).get(`/people/${p.id}/nearest-relative-objections`).expect(200)).body.items;
      expect(listed).toEqual([expect.objectContaining({ id: objection.id, inForce: false })]);
      const events = await t.sql<{ type: string }>(
        `SELECT type FROM outbox_events WHERE aggregate_id = $1 AND type LIKE 'nearest-relative.%' ORDER BY id`,
        [p.id],
      );
      expect(events.map((e) => e.type)).toEqual(['nearest-relative.objection-recorded', 'nearest-relative.objection-withdrawn']);
    } finally {
      t.clock.set('2026-11-21T10:00:00Z');
    }
  });

  it("NR-10: a displacement order overrides the proposal from its effective date; the court's progress follows the allowed moves; stale If-Match is 412", async () => {
    const p = await person();
    const dad = await relative(p.id, { name: 'Dad', relationship: 'parent', livesWithPatient: true, authorisedDelegate: 'Uncle Lee' });
    const before = await nearest(p.id);
    expect(before.proposal.nearestRelative).toEqual({ relativeId: dad.id, name: 'Dad', actingAs: 'Uncle Lee', basis: 's.26' });

    const filed = await as(manager)
      .post(`/people/${p.id}/displacements`, {
        ground: 'c',
        filedAt: '2026-11-20T14:00:00Z',
        court: 'Northshire County Court',
        relativeId: dad.id,
      })
      .expect(201);
    expect(filed.headers.etag).toBe('"v1"');
    expect(filed.body).toMatchObject({
      ground: 'c',
      status: 'applied',
      relativeId: dad.id,
      court: 'Northshire County Court',
      actingNearestRelative: null,
      effectiveFrom: null,
      inForce: false,
      version: 1,
    });
    const d = filed.body.id;
    const pending = await nearest(p.id);
    expect(pending.displacement).toMatchObject({ id: d, status: 'applied', inForce: false });
    expect(pending.proposal.nearestRelative.name).toBe('Dad');

    const incomplete = await as(manager).patch(`/people/${p.id}/displacements/${d}`, { status: 'order' }, '"v1"').expect(422);
    expect(incomplete.body).toMatchObject({ code: 'order-incomplete' });
    expect(incomplete.body.errors.map((e: { field: string }) => e.field)).toEqual(['actingNearestRelative', 'effectiveFrom']);
    await as(manager)
      .patch(
        `/people/${p.id}/displacements/${d}`,
        { status: 'order', actingNearestRelative: 'Sam Carer', effectiveFrom: '2026-11-21' },
        '"v7"',
      )
      .expect(412);
    const stale = await t.sql<{ status: string; version: number }>(
      'SELECT status, version FROM nearest_relative_displacements WHERE id = $1',
      [d],
    );
    expect(stale).toEqual([{ status: 'applied', version: 1 }]);

    const ordered = await as(manager)
      .patch(
        `/people/${p.id}/displacements/${d}`,
        { status: 'order', actingNearestRelative: 'Sam Carer', effectiveFrom: '2026-11-21' },
        '"v1"',
      )
      .expect(200);
    expect(ordered.headers.etag).toBe('"v2"');
    expect(ordered.body).toMatchObject({
      status: 'order',
      actingNearestRelative: 'Sam Carer',
      effectiveFrom: '2026-11-21',
      inForce: true,
      version: 2,
    });

    const displaced = await nearest(p.id);
    expect(displaced.proposal.nearestRelative).toEqual({ relativeId: null, name: 'Sam Carer', basis: 's.29' });
    expect(displaced.proposal.trace.at(-1)).toMatch(
      /^s\.29: the county court has appointed Sam Carer to act as the nearest relative; the order overrides ss\.26-28, so Dad is displaced/,
    );
    expect(displaced.displacement).toMatchObject({ id: d, status: 'order', inForce: true });
    // The day before it took effect, s.26 still applied.
    expect((await nearest(p.id, '?asAt=2026-11-20')).proposal.nearestRelative.name).toBe('Dad');

    const final = await as(manager).patch(`/people/${p.id}/displacements/${d}`, { status: 'withdrawn' }).expect(409);
    expect(final.body).toMatchObject({ code: 'illegal-transition', allowed: [] });

    const second = (await as(manager).post(`/people/${p.id}/displacements`, { ground: 'e', filedAt: '2026-11-21T09:00:00Z' }).expect(201))
      .body;
    await as(manager).patch(`/people/${p.id}/displacements/${second.id}`, { status: 'interim-order' }).expect(200);
    const back = await as(manager).patch(`/people/${p.id}/displacements/${second.id}`, { status: 'applied' }).expect(409);
    expect(back.body).toMatchObject({ code: 'illegal-transition', allowed: ['order', 'refused', 'withdrawn'] });
    expect(back.body.detail).toMatch(/may become order, refused, withdrawn/);
    const early = await as(manager)
      .patch(`/people/${p.id}/displacements/${second.id}`, { status: 'order', actingNearestRelative: 'X', effectiveFrom: '2026-11-01' })
      .expect(422);
    expect(early.body.code).toBe('effective-before-filed');
    await as(manager).patch(`/people/${p.id}/displacements/${second.id}`, { status: 'refused' }).expect(200);

    const listed = (await as(manager).get(`/people/${p.id}/displacements`).expect(200)).body.items;
    expect(listed.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([
      [second.id, 'refused'],
      [d, 'order'],
    ]);
  });

  it('nearestRelativeState (for the assessments module): displaced, the pending ground (c)/(d) application (NR-11) and objections, at an instant', async () => {
    const p = await person();
    await relative(p.id, { name: 'Mum', relationship: 'parent' });
    await as(manager)
      .post(`/people/${p.id}/nearest-relative-objections`, { notifiedAt: '2026-11-19T10:00:00Z', notifiedTo: 'amhp', details: 'Objects.' })
      .expect(201);
    await as(manager).post(`/people/${p.id}/displacements`, { ground: 'e', filedAt: '2026-11-18T10:00:00Z' }).expect(201);
    const c = (await as(manager).post(`/people/${p.id}/displacements`, { ground: 'c', filedAt: '2026-11-20T10:00:00Z' }).expect(201)).body;
    await as(manager).post(`/people/${p.id}/displacements`, { ground: 'd', filedAt: '2026-11-21T09:00:00Z' }).expect(201);
    const service = t.app.get(RelativesService);
    const db = t.app.get(Db);
    const state = await db.transaction((m) => service.nearestRelativeState(m, p.id, new Date('2026-11-21T10:00:00Z'), 'nearest-relative'));
    expect(state).toMatchObject({ objectionInForce: true, displaced: false, pendingDisplacementFiledAt: new Date('2026-11-20T10:00:00Z') });
    expect(state.proposal.nearestRelative?.name).toBe('Mum');
    const earlier = await db.transaction((m) =>
      service.nearestRelativeState(m, p.id, new Date('2026-11-19T09:00:00Z'), 'nearest-relative'),
    );
    expect(earlier).toMatchObject({ objectionInForce: false, pendingDisplacementFiledAt: null });
    await as(manager)
      .patch(`/people/${p.id}/displacements/${c.id}`, {
        status: 'order',
        actingNearestRelative: 'Acting Person',
        effectiveFrom: '2026-11-21',
      })
      .expect(200);
    const after = await db.transaction((m) => service.nearestRelativeState(m, p.id, new Date('2026-11-21T10:00:00Z'), 'nearest-relative'));
    expect(after).toMatchObject({ displaced: true, pendingDisplacementFiledAt: new Date('2026-11-21T09:00:00Z') });
    const np = await db.transaction((m) => service.nearestRelativeState(m, p.id, new Date('2026-11-21T10:00:00Z'), 'nominated-person'));
    expect(np.proposal.nearestRelative).toBeNull();
    await expect(
      db.transaction((m) => service.nearestRelativeState(m, randomUUID(), new Date(), 'nearest-relative')),
    ).rejects.toMatchObject({ status: 404 });
    // No audit inside: the caller audits.
    expect(
      await t.sql(`SELECT 1 FROM audit_events WHERE action = 'nearest-relative.read' AND subject_person_id = $1`, [p.id]),
    ).toHaveLength(0);
  });

  it('a stale If-Match on a relative is 412 and changes nothing; an unknown relative or person is 404', async () => {
    const p = await person();
    const r = await relative(p.id, { name: 'Gran', relationship: 'grandparent' });
    await as(manager).patch(`/people/${p.id}/relatives/${r.id}`, { name: 'Granny' }, '"v1"').expect(200);
    const stale = await as(manager).patch(`/people/${p.id}/relatives/${r.id}`, { name: 'Nana' }, '"v1"').expect(412);
    expect(stale.body).toMatchObject({ code: 'precondition-failed', currentETag: '"v2"' });
    expect(await t.sql('SELECT name, version FROM relatives WHERE id = $1', [r.id])).toEqual([{ name: 'Granny', version: 2 }]);

    const other = await person();
    await as(manager).patch(`/people/${other.id}/relatives/${r.id}`, { name: 'Nana' }).expect(404);
    await as(manager).patch(`/people/${p.id}/relatives/${randomUUID()}`, { name: 'Nana' }).expect(404);
    const missing = randomUUID();
    for (const path of ['relatives', 'nearest-relative', 'nearest-relative-objections', 'displacements']) {
      const res = await as(manager).get(`/people/${missing}/${path}`).expect(404);
      expect(res.body.code).toBe('not-found');
    }
    await as(manager).post(`/people/${missing}/relatives`, { name: 'X', relationship: 'parent' }).expect(404);
    await as(manager).post(`/people/${p.id}/nearest-relative-objections/${randomUUID()}/withdrawal`, { details: 'x' }).expect(404);
    await as(manager).patch(`/people/${p.id}/displacements/${randomUUID()}`, { status: 'refused' }).expect(404);
    await as(manager).patch(`/people/${p.id}/relatives/not-a-uuid`, { name: 'Nana' }).expect(400);
  });

  it('NR-07: a cohabitee recorded with the day they moved in is the nearest relative from six months to the day, not the day before', async () => {
    const p = await person();
    await relative(p.id, { name: 'Dad', relationship: 'parent', dateOfBirth: '1950-01-01' });
    const partner = await relative(p.id, {
      name: 'Jo Partner',
      relationship: 'cohabitee',
      livesWithPatient: true,
      livingWithSince: '2026-05-21',
    });
    expect(partner.livingWithSince).toBe('2026-05-21');
    expect((await nearest(p.id)).proposal.nearestRelative.name).toBe('Jo Partner');
    const dayBefore = await nearest(p.id, '?asAt=2026-11-20');
    expect(dayBefore.proposal.nearestRelative.name).toBe('Dad');
    expect(dayBefore.proposal.excluded.find((e: { relativeId: string }) => e.relativeId === partner.id).reason).toContain(
      'since 2026-05-21 (six months complete only on 2026-11-21)',
    );
    // Cleared, the years recorded are read again (none here: excluded).
    await as(manager).patch(`/people/${p.id}/relatives/${partner.id}`, { livingWithSince: null }, `"v${partner.version}"`).expect(200);
    expect((await nearest(p.id)).proposal.nearestRelative.name).toBe('Dad');
  });

  it('NR-07: the day they moved in cannot be after today or before the person was born: 422 naming livingWithSince, nothing stored', async () => {
    const p = await person('1985-03-03');
    for (const livingWithSince of ['2026-11-22', '1985-03-02']) {
      const res = await as(manager).post(`/people/${p.id}/relatives`, { name: 'Jo', relationship: 'cohabitee', livingWithSince });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['livingWithSince']);
    }
    expect(await count('relatives', p.id)).toBe(0);
    const noSuchDay = await as(manager)
      .post(`/people/${p.id}/relatives`, { name: 'Jo', relationship: 'cohabitee', livingWithSince: '2026-02-30' })
      .expect(400);
    expect(noSuchDay.body.errors.map((e: { field: string }) => e.field)).toEqual(['livingWithSince']);
    expect(await count('relatives', p.id)).toBe(0);
  });

  describe('bad input is refused with problem+json naming the field, and nothing is stored', () => {
    let p: { id: string };
    let otherRelative: { id: string };
    beforeAll(async () => {
      p = await person();
      otherRelative = await relative((await person()).id, { name: 'Someone Else', relationship: 'parent' });
    });

    it.each([
      ['an unknown relationship', 'relatives', { name: 'Kim', relationship: 'cousin' }, 400, 'relationship'],
      ['an unknown field', 'relatives', { name: 'Kim', relationship: 'parent', createdBy: randomUUID() }, 400, 'createdBy'],
      ['a version', 'relatives', { name: 'Kim', relationship: 'parent', version: 4 }, 400, 'version'],
      ['an unknown field in contact', 'relatives', { name: 'Kim', relationship: 'parent', contact: { fax: '1' } }, 400, 'contact.fax'],
      ['an empty name', 'relatives', { name: ' ', relationship: 'parent' }, 400, 'name'],
      [
        'years with three decimals',
        'relatives',
        { name: 'Kim', relationship: 'cohabitee', yearsLivingWith: 0.499 },
        400,
        'yearsLivingWith',
      ],
      [
        'a date of birth that does not exist',
        'relatives',
        { name: 'Kim', relationship: 'parent', dateOfBirth: '1970-02-30' },
        400,
        'dateOfBirth',
      ],
      [
        'a date of birth in the future',
        'relatives',
        { name: 'Kim', relationship: 'parent', dateOfBirth: '2026-11-22' },
        422,
        'dateOfBirth',
      ],
      [
        'notifiedAt in the future',
        'nearest-relative-objections',
        { notifiedAt: '2026-11-21T10:06:00Z', notifiedTo: 'amhp', details: 'Objects' },
        422,
        'notifiedAt',
      ],
      [
        'notifiedAt without an offset',
        'nearest-relative-objections',
        { notifiedAt: '2026-11-21T09:00:00', notifiedTo: 'amhp', details: 'Objects' },
        400,
        'notifiedAt',
      ],
      [
        'an unknown notifiedTo',
        'nearest-relative-objections',
        { notifiedAt: '2026-11-21T09:00:00Z', notifiedTo: 'gp', details: 'Objects' },
        400,
        'notifiedTo',
      ],
      ['no details', 'nearest-relative-objections', { notifiedAt: '2026-11-21T09:00:00Z', notifiedTo: 'amhp' }, 400, 'details'],
      [
        'a relative of another person',
        'nearest-relative-objections',
        { relativeId: 'OTHER', notifiedAt: '2026-11-21T09:00:00Z', notifiedTo: 'amhp', details: 'Objects' },
        422,
        'relativeId',
      ],
      [
        'an unknown field on an objection',
        'nearest-relative-objections',
        { notifiedAt: '2026-11-21T09:00:00Z', notifiedTo: 'amhp', details: 'Objects', withdrawnAt: '2026-11-21T09:30:00Z' },
        400,
        'withdrawnAt',
      ],
      ['a ground that is not in s.29(3)', 'displacements', { ground: 'f', filedAt: '2026-11-21T09:00:00Z' }, 400, 'ground'],
      ['filedAt in the future', 'displacements', { ground: 'c', filedAt: '2026-11-22T09:00:00Z' }, 422, 'filedAt'],
      ['filedAt in 1926 (a mistyped 2026)', 'displacements', { ground: 'c', filedAt: '1926-11-20T09:00:00Z' }, 422, 'filedAt'],
      [
        'notifiedAt in 1926 (a mistyped 2026)',
        'nearest-relative-objections',
        { notifiedAt: '1926-11-21T09:00:00Z', notifiedTo: 'amhp', details: 'Objects' },
        422,
        'notifiedAt',
      ],
      ['a status on filing', 'displacements', { ground: 'c', filedAt: '2026-11-21T09:00:00Z', status: 'order' }, 400, 'status'],
    ])('%s (POST …/%s, %j) → %i', async (_name, path, body, status, field) => {
      const payload = JSON.parse(JSON.stringify(body).replace('OTHER', otherRelative.id));
      const res = await as(manager).post(`/people/${p.id}/${path}`, payload).expect(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await count('relatives', p.id)).toBe(0);
      expect(await count('nearest_relative_objections', p.id)).toBe(0);
      expect(await count('nearest_relative_displacements', p.id)).toBe(0);
    });

    it('a time before the person was born (an application filed, an objection notified, a nominated person appointed) is 422 naming it, and nothing is kept', async () => {
      const child = await person('2015-06-01');
      for (const [path, body, field] of [
        ['displacements', { ground: 'a', filedAt: '2010-01-01T00:00:00Z' }, 'filedAt'],
        ['displacements', { ground: 'a', filedAt: '2015-05-31T22:59:00Z' }, 'filedAt'], // 23:59 BST the day before
        ['nearest-relative-objections', { notifiedAt: '2012-03-01T09:00:00Z', notifiedTo: 'amhp', details: 'Objects' }, 'notifiedAt'],
        [
          'nominated-persons',
          { name: 'Nia Nominee', appointedOn: '2014-01-01', appointedBy: 'patient', method: 'In writing.' },
          'appointedOn',
        ],
      ] as const) {
        const res = await as(manager).post(`/people/${child.id}/${path}`, body).expect(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ code: 'before-birth', errors: [{ field }] });
      }
      expect(await count('nearest_relative_objections', child.id)).toBe(0);
      expect(await count('nearest_relative_displacements', child.id)).toBe(0);
      expect(await t.sql('SELECT 1 FROM nominated_persons WHERE person_id = $1', [child.id])).toEqual([]);
      // The day they were born is not before it.
      await as(manager).post(`/people/${child.id}/displacements`, { ground: 'a', filedAt: '2015-06-01T09:00:00Z' }).expect(201);
    });

    it('a bad change to a relative or a withdrawal is refused and changes nothing', async () => {
      const q = await person();
      const r = await relative(q.id, { name: 'Mum', relationship: 'parent' });
      for (const body of [{ relationship: 'cousin' }, { name: null }, { livesWithPatient: 'yes' }, { personId: randomUUID() }]) {
        const res = await as(manager).patch(`/people/${q.id}/relatives/${r.id}`, body).expect(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect(await t.sql('SELECT name, relationship, version FROM relatives WHERE id = $1', [r.id])).toEqual([
        { name: 'Mum', relationship: 'parent', version: 1 },
      ]);
      const o = (
        await as(manager)
          .post(`/people/${q.id}/nearest-relative-objections`, {
            notifiedAt: '2026-11-21T09:00:00Z',
            notifiedTo: 'amhp',
            details: 'Objects',
          })
          .expect(201)
      ).body;
      await as(manager).post(`/people/${q.id}/nearest-relative-objections/${o.id}/withdrawal`, {}).expect(400);
      await as(manager)
        .post(`/people/${q.id}/nearest-relative-objections/${o.id}/withdrawal`, { details: 'Agrees', withdrawnAt: '2026-11-21T08:00:00Z' })
        .expect(422);
      expect(await t.sql('SELECT withdrawn_at FROM nearest_relative_objections WHERE id = $1', [o.id])).toEqual([{ withdrawn_at: null }]);
      await as(manager).get(`/people/${q.id}/nearest-relative?asAt=21-11-2026`).expect(400);
    });
  });

  it('reads and changes leave audit rows with the access basis, identifiers and field names only', async () => {
    const p = await person();
    const r = await relative(p.id, { name: 'Zed Auditname', relationship: 'sibling' });
    await as(manager).patch(`/people/${p.id}/relatives/${r.id}`, { caresForPatient: true }).expect(200);
    await as(manager).get(`/people/${p.id}/relatives`).expect(200);
    await nearest(p.id);
    const o = (
      await as(manager)
        .post(`/people/${p.id}/nearest-relative-objections`, {
          relativeId: r.id,
          notifiedAt: '2026-11-21T09:00:00Z',
          notifiedTo: 'amhp',
          details: 'Secret words of objection',
        })
        .expect(201)
    ).body;
    await as(manager)
      .post(`/people/${p.id}/nearest-relative-objections/${o.id}/withdrawal`, { details: 'Secret words of withdrawal' })
      .expect(200);
    await as(manager).get(`/people/${p.id}/nearest-relative-objections`).expect(200);
    const d = (await as(manager).post(`/people/${p.id}/displacements`, { ground: 'b', filedAt: '2026-11-21T09:00:00Z' }).expect(201)).body;
    await as(manager)
      .patch(`/people/${p.id}/displacements/${d.id}`, {
        status: 'order',
        actingNearestRelative: 'Acting Secretname',
        effectiveFrom: '2026-11-21',
      })
      .expect(200);
    await as(manager).get(`/people/${p.id}/displacements`).expect(200);

    const rows = await t.sql<{
      action: string;
      actor_id: string;
      access_basis: string;
      resource_id: string;
      outcome: string;
      details: unknown;
    }>(
      `SELECT action, actor_id, access_basis, resource_id, outcome, details FROM audit_events WHERE subject_person_id = $1 AND action <> 'person.create' ORDER BY id`,
      [p.id],
    );
    expect(rows.map((a) => a.action)).toEqual([
      'relative.create',
      'relative.update',
      'relatives.read',
      'nearest-relative.read',
      'nr-objection.create',
      'nr-objection.withdraw',
      'nr-objections.read',
      'displacement.create',
      'displacement.update',
      'displacements.read',
    ]);
    for (const a of rows) expect(a).toMatchObject({ actor_id: manager.id, access_basis: 'role:manager', outcome: 'success' });
    expect(rows[1].details).toEqual({ fields: ['caresForPatient'] });
    expect(rows[8].details).toEqual({
      fields: ['status', 'actingNearestRelative', 'effectiveFrom', 'disposedOn'],
      from: 'applied',
      to: 'order',
    });
    const text = JSON.stringify(rows);
    for (const secret of ['Zed Auditname', 'Secret words', 'Acting Secretname']) expect(text).not.toContain(secret);
  });

  it('MHA 2025: from the configured nominated-person commencement there is no nearest relative, and the trace says a nominated person must be appointed', async () => {
    const p = await person();
    await relative(p.id, { name: 'Mum', relationship: 'parent' });
    const np = await createTestApp({
      databaseUrl: t.databaseUrl,
      now: '2026-11-21T10:00:00Z',
      env: { ACCESS_TOKEN_TTL_SECONDS: '86400', MHA2025_NOMINATED_PERSON_FROM: '2026-10-01' },
    });
    try {
      const m2 = await np.user(['manager']);
      const res = (await np.http.get(`/people/${p.id}/nearest-relative`).set('authorization', m2.auth).expect(200)).body;
      expect(res).toMatchObject({ regime: 'nominated-person', proposal: { nearestRelative: null, ranked: [], excluded: [] } });
      expect(res.proposal.trace.join('\n')).toMatch(/MHA 2025 s\.24: .*a nominated person must be appointed/s);
      const before = (await np.http.get(`/people/${p.id}/nearest-relative?asAt=2026-09-30`).set('authorization', m2.auth).expect(200)).body;
      expect(before).toMatchObject({ regime: 'nearest-relative', proposal: { nearestRelative: { name: 'Mum' } } });
    } finally {
      await np.close();
    }
  });
});
