import { amhp, rosteredFromStart } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The days already on the rota (those generate has covered) follow the patterns at once: a pattern added, made active
 * again or given a later end gets its shifts there in the same change (never one already over, never twice), and the
 * days not yet generated are left for generate. A shift a manager changed on its own can be handed back to its
 * pattern.
 */
describe('rota: a pattern that comes back comes back on the rota', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    // 10:00 on Saturday 21 November 2026 in London (GMT).
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    // Four weeks generated on Thursday the 19th at 08:00, from that day: 19 November to 16 December.
    await at('2026-11-19T08:00:00Z', async (then) => {
      await as(then).post('/rota/shifts/generate', { from: '2026-11-19', to: '2026-12-16' }).expect(200);
    });
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    del: (p: string) => t.http.delete(p).set('authorization', u.auth),
    patch: (p: string, b: object, ifMatch?: string) => {
      const r = t.http.patch(p).set('authorization', u.auth);
      return (ifMatch ? r.set('if-match', ifMatch) : r).send(b);
    },
  });
  /** Runs `fn` as a manager with the clock at `instant`, then puts the clock back. */
  async function at<T>(instant: string, fn: (then: TestUser) => Promise<T>): Promise<T> {
    const by = Date.parse(instant) - t.clock.now().getTime();
    t.clock.advance(by);
    try {
      return await fn(await t.user(['manager']));
    } finally {
      t.clock.advance(-by);
    }
  }
  const daily = (name: string, extra: object = {}) => ({
    name,
    startTime: '09:00',
    endTime: '17:00',
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    requiredCount: 1,
    validFrom: '2026-11-19',
    ...extra,
  });
  /** A daily 09:00-17:00 pattern added on the 19th at 08:00 and its shifts generated then over the four weeks. */
  const generated = (name: string, extra: object = {}): Promise<{ id: string; version: number }> =>
    at('2026-11-19T08:00:00Z', async (then) => {
      const p = (await as(then).post('/rota/patterns', daily(name, extra)).expect(201)).body;
      await as(then).post('/rota/shifts/generate', { from: '2026-11-19', to: '2026-12-16' }).expect(200);
      return p;
    });
  const datesOf = async (patternId: string) =>
    (
      await t.sql<{ d: string; n: number }>(
        `SELECT to_char(local_date, 'YYYY-MM-DD') AS d, count(*)::int AS n FROM shifts WHERE pattern_id = $1 GROUP BY local_date ORDER BY local_date`,
        [patternId],
      )
    ).map((r) => (r.n === 1 ? r.d : `${r.d} x${r.n}`));
  /** The local dates from `from` to `to`, both included. */
  const days = (from: string, to: string) => {
    const out: string[] = [];
    for (let d = new Date(`${from}T12:00:00Z`); d <= new Date(`${to}T12:00:00Z`); d = new Date(d.getTime() + 86_400_000))
      out.push(d.toISOString().slice(0, 10));
    return out;
  };

  it('a pattern made inactive and active again is back on the four weeks generated, from the shift under way to the last day generated, never on a day gone', async () => {
    const p = await generated('Comes back');
    expect(await datesOf(p.id)).toEqual(days('2026-11-19', '2026-12-16'));
    // Made inactive on the 19th at 08:00, before its first shift began: every shift of it is removed.
    const off = await at('2026-11-19T08:00:00Z', (then) => as(then).patch(`/rota/patterns/${p.id}`, { active: false }).expect(200));
    expect(off.body.rota).toMatchObject({ removed: 28, created: 0 });
    expect(await datesOf(p.id)).toEqual([]);

    // Active again at 10:00 on the 21st: the 19th and 20th are over (ROTA-WORKED), the 21st is under way (as generate
    // makes it, to be staffed from now), and nothing is made after the 16th December, which is not yet generated.
    const on = await as(manager).patch(`/rota/patterns/${p.id}`, { active: true }, `"v${off.body.version}"`).expect(200);
    expect(on.body).toMatchObject({ active: true, rota: { created: 26, removed: 0, kept: [] } });
    expect(await datesOf(p.id)).toEqual(days('2026-11-21', '2026-12-16'));
    const [audit] = await t.sql<{ details: { rota: { created: number } } }>(
      `SELECT details FROM audit_events WHERE action = 'rota.pattern.update' AND resource_id = $1 ORDER BY id DESC LIMIT 1`,
      [p.id],
    );
    expect(audit.details).toEqual({ fields: ['active'], rota: expect.objectContaining({ created: 26 }) });

    // The new shifts are on the rota as any generated shift is, and generating again creates none of them twice.
    const listed = (await as(manager).get('/rota/shifts?from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z').expect(200)).body.items;
    expect(listed.filter((s: { patternId: string }) => s.patternId === p.id)).toEqual([
      expect.objectContaining({ label: 'Comes back', localDate: '2026-11-22', requiredCount: 1, editedIndividually: false }),
    ]);
    const again = await as(manager).post('/rota/shifts/generate', { from: '2026-11-21', to: '2026-12-16' }).expect(200);
    expect(again.body).toMatchObject({ created: 0 });
    expect(await datesOf(p.id)).toEqual(days('2026-11-21', '2026-12-16'));
  });

  it('made active again, a shift kept because an AMHP is on it is not made twice', async () => {
    const p = await generated('Kept');
    const [staffed] = await t.sql<{ id: string }>(`SELECT id FROM shifts WHERE pattern_id = $1 AND local_date = '2026-11-25'`, [p.id]);
    await rosteredFromStart(t, staffed.id, await amhp(t));
    const off = await as(manager).patch(`/rota/patterns/${p.id}`, { active: false }).expect(200);
    expect(off.body.rota).toMatchObject({ removed: 24, kept: [expect.objectContaining({ shiftId: staffed.id })] });
    const on = await as(manager).patch(`/rota/patterns/${p.id}`, { active: true }, `"v${off.body.version}"`).expect(200);
    expect(on.body.rota).toMatchObject({ created: 24 });
    // The 19th to the 21st were never removed (over, or under way), the 25th kept: each day once.
    expect(await datesOf(p.id)).toEqual(days('2026-11-19', '2026-12-16'));
    expect((await t.sql(`SELECT id FROM shifts WHERE pattern_id = $1 AND local_date = '2026-11-25'`, [p.id])).map((r) => r.id)).toEqual([
      staffed.id,
    ]);
  });

  it('a later end fills the days now inside it that are already generated, and no day beyond what is generated', async () => {
    const p = await generated('Extended', { validTo: '2026-11-25' });
    expect(await datesOf(p.id)).toEqual(days('2026-11-19', '2026-11-25'));
    const res = await as(manager).patch(`/rota/patterns/${p.id}`, { validTo: '2026-12-31' }).expect(200);
    expect(res.body).toMatchObject({ validTo: '2026-12-31', rota: { created: 21, removed: 0 } });
    expect(await datesOf(p.id)).toEqual(days('2026-11-19', '2026-12-16'));

    // Generating the same days afterwards creates nothing twice; generating the rest of its days makes them.
    expect((await as(manager).post('/rota/shifts/generate', { from: '2026-11-21', to: '2026-12-16' }).expect(200)).body.created).toBe(0);
    await as(manager).post('/rota/shifts/generate', { from: '2026-12-17', to: '2026-12-31' }).expect(200);
    expect(await datesOf(p.id)).toEqual(days('2026-11-19', '2026-12-31'));
  });

  it('a new pattern gets its shifts on the days already generated from its first day, and only on those', async () => {
    // The rota generated to the 31st December, and a week in January on its own: the days between are not on it.
    await as(manager).post('/rota/shifts/generate', { from: '2026-11-21', to: '2026-12-31' }).expect(200);
    await as(manager).post('/rota/shifts/generate', { from: '2027-01-11', to: '2027-01-17' }).expect(200);
    const res = await as(manager)
      .post('/rota/patterns', {
        name: 'Weekday evening',
        startTime: '17:00',
        endTime: '22:00',
        weekdays: [1, 2, 3, 4, 5],
        requiredCount: 2,
        validFrom: '2026-12-28',
      })
      .expect(201);
    expect(res.body).toMatchObject({ name: 'Weekday evening', rota: { created: 9 } });
    // 28 to 31 December, then 11 to 15 January.
    expect(await datesOf(res.body.id)).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-11',
      '2027-01-12',
      '2027-01-13',
      '2027-01-14',
      '2027-01-15',
    ]);
    expect(
      await t.sql(`SELECT details FROM audit_events WHERE action = 'rota.pattern.create' AND resource_id = $1`, [res.body.id]),
    ).toEqual([{ details: { rota: expect.objectContaining({ created: 9 }) } }]);
  });

  it('a new pattern starting after every day generated gets no shift: its days are left for generate', async () => {
    const res = await as(manager)
      .post('/rota/patterns', daily('Later', { validFrom: '2027-02-01' }))
      .expect(201);
    expect(res.body.rota).toMatchObject({ created: 0 });
    expect(await datesOf(res.body.id)).toEqual([]);
  });

  it('a refused change creates nothing: a stale If-Match (412) leaves an inactive pattern without shifts', async () => {
    const p = await generated('Refused');
    const off = await as(manager).patch(`/rota/patterns/${p.id}`, { active: false }).expect(200);
    await as(manager).patch(`/rota/patterns/${p.id}`, { active: true }, `"v${p.version}"`).expect(412);
    expect(await datesOf(p.id)).toEqual(days('2026-11-19', '2026-11-21'));
    expect(off.body.active).toBe(false);
  });

  describe('a generated shift a manager removed on purpose (DELETE /rota/shifts/{id})', () => {
    /** Removes the pattern's shift on `date` as the manager; answers its id. */
    const removeOn = async (patternId: string, date: string): Promise<string> => {
      const [s] = await t.sql<{ id: string }>(`SELECT id FROM shifts WHERE pattern_id = $1 AND local_date = $2`, [patternId, date]);
      await as(manager).del(`/rota/shifts/${s.id}`).expect(204);
      return s.id;
    };
    const without = (from: string, to: string, ...gone: string[]) => days(from, to).filter((d) => !gone.includes(d));
    /** Its days in the four weeks first generated (other tests generate more). */
    const firstWeeks = async (patternId: string) => (await datesOf(patternId)).filter((d) => d <= '2026-12-16');

    it('is not made again by generating the day again or by renaming its pattern, and each lists it as skipped', async () => {
      const p = await generated('Removed on purpose');
      const id = await removeOn(p.id, '2026-11-25');
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-11-25'));
      expect(
        await t.sql(`SELECT details, actor_id AS "actor" FROM audit_events WHERE action = 'rota.shift.delete' AND resource_id = $1`, [id]),
      ).toEqual([{ details: { patternId: p.id, localDate: '2026-11-25', removedOnPurpose: true }, actor: manager.id }]);
      const skipped = [
        expect.objectContaining({ patternId: p.id, localDate: '2026-11-25', removedBy: manager.id, startsAt: '2026-11-25T09:00:00.000Z' }),
      ];

      const again = await as(manager).post('/rota/shifts/generate', { from: '2026-11-21', to: '2026-12-16' }).expect(200);
      expect(again.body).toMatchObject({ created: 0, restored: 0 });
      expect(again.body.skipped.filter((s: { patternId: string }) => s.patternId === p.id)).toEqual(skipped);
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-11-25'));

      const renamed = await as(manager).patch(`/rota/patterns/${p.id}`, { name: 'Renamed' }).expect(200);
      expect(renamed.body.rota).toMatchObject({ created: 0, skipped });
      // A later end that is then brought back makes the days it removed again, never the one removed on purpose.
      const ended = await as(manager).patch(`/rota/patterns/${p.id}`, { validTo: '2026-11-23' }, `"v${renamed.body.version}"`).expect(200);
      expect(await firstWeeks(p.id)).toEqual(days('2026-11-19', '2026-11-23'));
      await as(manager).patch(`/rota/patterns/${p.id}`, { validTo: '2026-12-31' }, `"v${ended.body.version}"`).expect(200);
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-11-25'));
    });

    it("made inactive and active again, the pattern brings back its own removals but not the manager's", async () => {
      const p = await generated('Off and on');
      await removeOn(p.id, '2026-11-30');
      const off = await as(manager).patch(`/rota/patterns/${p.id}`, { active: false }).expect(200);
      expect(await firstWeeks(p.id)).toEqual(days('2026-11-19', '2026-11-21'));
      const on = await as(manager).patch(`/rota/patterns/${p.id}`, { active: true }, `"v${off.body.version}"`).expect(200);
      expect(on.body.rota).toMatchObject({ skipped: [expect.objectContaining({ localDate: '2026-11-30' })] });
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-11-30'));
    });

    it('comes back when the manager generates its day with restoreRemoved, and then follows its pattern again', async () => {
      const p = await generated('Restored');
      await removeOn(p.id, '2026-12-01');
      await removeOn(p.id, '2026-12-08');
      const res = await as(manager)
        .post('/rota/shifts/generate', { from: '2026-12-01', to: '2026-12-01', restoreRemoved: true })
        .expect(200);
      expect(res.body).toMatchObject({ created: 1, restored: 1, skipped: [] });
      // Only the day restored: the 8th stays removed.
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-12-08'));
      expect(
        await t.sql(`SELECT details FROM audit_events WHERE action = 'rota.shift.restore' AND details->>'patternId' = $1`, [p.id]),
      ).toEqual([{ details: { patternId: p.id, localDate: '2026-12-01' } }]);
      // Made inactive and active again, the restored day comes back with the others.
      const off = await as(manager).patch(`/rota/patterns/${p.id}`, { active: false }).expect(200);
      await as(manager).patch(`/rota/patterns/${p.id}`, { active: true }, `"v${off.body.version}"`).expect(200);
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-12-08'));
    });

    it('one removed shift is brought back on its own by its id, audited and announced, and the others stay removed', async () => {
      const p = await generated('One back');
      const first = await removeOn(p.id, '2026-12-03');
      await removeOn(p.id, '2026-12-04');
      // Generate names each removal by the shift removed, the id that brings it back.
      const listed = await as(manager).post('/rota/shifts/generate', { from: '2026-12-03', to: '2026-12-04' }).expect(200);
      expect(listed.body.skipped.filter((s: { patternId: string }) => s.patternId === p.id)).toEqual([
        expect.objectContaining({ localDate: '2026-12-03', shiftId: first }),
        expect.objectContaining({ localDate: '2026-12-04' }),
      ]);

      const res = await as(manager).post(`/rota/shifts/removed/${first}/restore`).expect(200);
      expect(res.body).toMatchObject({
        removedShiftId: first,
        patternId: p.id,
        localDate: '2026-12-03',
        restoredBy: manager.id,
        shift: { patternId: p.id, localDate: '2026-12-03', label: 'One back', startsAt: '2026-12-03T09:00:00.000Z' },
        rota: { created: 1, restored: 1, skipped: [] },
      });
      expect(res.body.shift.id).not.toBe(first);
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-12-04'));
      expect(
        await t.sql(`SELECT details, actor_id AS "actor" FROM audit_events WHERE action = 'rota.shift.restore' AND resource_id = $1`, [
          first,
        ]),
      ).toEqual([{ details: { patternId: p.id, localDate: '2026-12-03' }, actor: manager.id }]);
      expect(
        await t.sql(`SELECT payload FROM outbox_events WHERE type = 'rota.shift.created' AND aggregate_id = $1`, [res.body.shift.id]),
      ).toEqual([{ payload: { shiftId: res.body.shift.id, startsAt: '2026-12-03T09:00:00.000Z', endsAt: '2026-12-03T17:00:00.000Z' } }]);
      // Generating again makes it once, and still leaves the 4th out.
      const again = await as(manager).post('/rota/shifts/generate', { from: '2026-12-03', to: '2026-12-04' }).expect(200);
      expect(again.body.skipped.filter((s: { patternId: string }) => s.patternId === p.id)).toEqual([
        expect.objectContaining({ localDate: '2026-12-04' }),
      ]);
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-12-04'));
    });

    it('a shift restored already is refused 409, also the second of two restores at once, and is made once', async () => {
      const p = await generated('Twice');
      const id = await removeOn(p.id, '2026-12-05');
      const both = await Promise.all([
        as(manager).post(`/rota/shifts/removed/${id}/restore`),
        as(manager).post(`/rota/shifts/removed/${id}/restore`),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      const lost = both.find((r) => r.status === 409)!;
      expect(lost.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(lost.body.code).toBe('shift-already-restored');
      const later = await as(manager).post(`/rota/shifts/removed/${id}/restore`);
      expect(later.status).toBe(409);
      expect(await firstWeeks(p.id)).toEqual(days('2026-11-19', '2026-12-16'));
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'rota.shift.restore' AND resource_id = $1`, [id])).toHaveLength(1);
      // A range restored with generate counts as restored too.
      const other = await removeOn(p.id, '2026-12-06');
      await as(manager).post('/rota/shifts/generate', { from: '2026-12-06', to: '2026-12-06', restoreRemoved: true }).expect(200);
      expect((await as(manager).post(`/rota/shifts/removed/${other}/restore`)).status).toBe(409);
    });

    it('a removed shift that is over, or of a day gone, is refused 422 naming id, and stays removed', async () => {
      const p = await generated('Gone by');
      // Removed ahead of time on the 19th; by now (the 21st at 10:00) the 20th is gone and the 21st's 09:00 shift is under way.
      const [gone, underWay] = await at('2026-11-19T08:00:00Z', async (then) => {
        const ids: string[] = [];
        for (const d of ['2026-11-20', '2026-11-21']) {
          const [s] = await t.sql<{ id: string }>(`SELECT id FROM shifts WHERE pattern_id = $1 AND local_date = $2`, [p.id, d]);
          await as(then).del(`/rota/shifts/${s.id}`).expect(204);
          ids.push(s.id);
        }
        return ids;
      });
      const res = await as(manager).post(`/rota/shifts/removed/${gone}/restore`);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('rota-in-past');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['id']);
      expect(await t.sql(`SELECT restored_at FROM shifts_removed WHERE shift_id = $1`, [gone])).toEqual([{ restored_at: null }]);
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-11-20', '2026-11-21'));
      // A shift under way comes back, to be staffed from now, as generate would make it.
      const back = await as(manager).post(`/rota/shifts/removed/${underWay}/restore`).expect(200);
      expect(back.body.shift).toMatchObject({ localDate: '2026-11-21' });
    });

    it('an id that is not a shift removed on purpose is 404, and one that is not an id is 400 naming it', async () => {
      const p = await generated('Never removed');
      const [kept] = await t.sql<{ id: string }>(`SELECT id FROM shifts WHERE pattern_id = $1 AND local_date = '2026-12-07'`, [p.id]);
      expect((await as(manager).post(`/rota/shifts/removed/${kept.id}/restore`)).status).toBe(404);
      const bad = await as(manager).post('/rota/shifts/removed/not-an-id/restore');
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await firstWeeks(p.id)).toEqual(days('2026-11-19', '2026-12-16'));
    });

    it('a restoreRemoved that is not true or false is refused naming it, and restores nothing', async () => {
      const p = await generated('Not restored');
      await removeOn(p.id, '2026-12-02');
      const res = await as(manager).post('/rota/shifts/generate', { from: '2026-12-02', to: '2026-12-02', restoreRemoved: 'yes' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['restoreRemoved']);
      expect(await firstWeeks(p.id)).toEqual(without('2026-11-19', '2026-12-16', '2026-12-02'));
    });
  });

  describe('a shift handed back to its pattern (PATCH /rota/shifts/{id} with followPattern)', () => {
    type Shift = {
      id: string;
      label: string;
      requiredCount: number;
      requiredSkills: string[];
      editedIndividually: boolean;
      version: number;
    };
    const shiftOn = async (patternId: string, d: string): Promise<Shift> => {
      const [{ id }] = await t.sql<{ id: string }>(`SELECT id FROM shifts WHERE pattern_id = $1 AND local_date = $2`, [patternId, d]);
      return (await as(manager).get(`/rota/shifts/${id}`).expect(200)).body;
    };

    it('shows that a shift was changed on its own, in the shift and in the list', async () => {
      const p = await generated('Shown');
      const s = await shiftOn(p.id, '2026-11-24');
      expect(s.editedIndividually).toBe(false);
      const edited = await as(manager).patch(`/rota/shifts/${s.id}`, { requiredCount: 3 }).expect(200);
      expect(edited.body).toMatchObject({ requiredCount: 3, editedIndividually: true });
      const listed = (await as(manager).get('/rota/shifts?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z').expect(200)).body.items;
      expect(listed.find((x: Shift) => x.id === s.id)).toMatchObject({ editedIndividually: true });
      // Notes are not staffing: they leave the shift following its pattern.
      const noted = await shiftOn(p.id, '2026-11-26');
      expect(
        (await as(manager).patch(`/rota/shifts/${noted.id}`, { notes: 'Parking at the back' }).expect(200)).body.editedIndividually,
      ).toBe(false);
    });

    it("takes the pattern's label, required AMHPs and skills at once, and follows its later changes", async () => {
      const p = await generated('Handed back');
      const renamed = await as(manager)
        .patch(`/rota/patterns/${p.id}`, { requiredSkills: ['senior'] })
        .expect(200);
      const s = await shiftOn(p.id, '2026-11-24');
      const edited = await as(manager).patch(`/rota/shifts/${s.id}`, { label: 'Cover', requiredCount: 3, requiredSkills: [] }).expect(200);

      const back = await as(manager)
        .patch(`/rota/shifts/${s.id}`, { followPattern: true, notes: 'Back to the pattern' }, `"v${edited.body.version}"`)
        .expect(200);
      expect(back.body).toMatchObject({
        label: 'Handed back',
        requiredCount: 1,
        requiredSkills: ['senior'],
        notes: 'Back to the pattern',
        editedIndividually: false,
        rota: { updated: 1, created: 0, removed: 0, overStaffed: [], keptEdited: [] },
      });
      expect(back.headers.etag).toBe(`"v${back.body.version}"`);
      // Audited and evented as a change to the shift, and as the pattern's staffing applied to it.
      expect(
        await t.sql(`SELECT details FROM audit_events WHERE action = 'rota.shift.update' AND resource_id = $1 ORDER BY id`, [s.id]),
      ).toEqual([
        { details: { fields: ['requiredSkills'], source: 'pattern' } },
        { details: { fields: ['label', 'requiredCount', 'requiredSkills'] } },
        { details: { fields: ['notes', 'followPattern'] } },
        { details: { fields: ['label', 'requiredCount', 'requiredSkills'], source: 'pattern' } },
      ]);
      expect(
        (
          await t.sql<{ payload: { fields: string[] } }>(
            `SELECT payload FROM outbox_events WHERE type = 'rota.shift.updated' AND aggregate_id = $1 ORDER BY id`,
            [s.id],
          )
        ).map((r) => r.payload.fields),
      ).toEqual([
        ['requiredSkills'],
        ['label', 'requiredCount', 'requiredSkills'],
        ['notes', 'followPattern'],
        ['label', 'requiredCount', 'requiredSkills'],
      ]);

      // A later change to the pattern reaches it again.
      const raised = await as(manager).patch(`/rota/patterns/${p.id}`, { requiredCount: 2 }, `"v${renamed.body.version}"`).expect(200);
      expect(raised.body.rota.keptEdited).toEqual([]);
      expect((await shiftOn(p.id, '2026-11-24')).requiredCount).toBe(2);
    });

    it('keeps the AMHPs on it when the pattern requires fewer, and lists it as over-staffed', async () => {
      const p = await generated('Over-staffed');
      const s = await shiftOn(p.id, '2026-11-25');
      await as(manager).patch(`/rota/shifts/${s.id}`, { requiredCount: 2 }).expect(200);
      await rosteredFromStart(t, s.id, await amhp(t));
      await rosteredFromStart(t, s.id, await amhp(t));
      const back = await as(manager).patch(`/rota/shifts/${s.id}`, { followPattern: true }).expect(200);
      expect(back.body).toMatchObject({
        requiredCount: 1,
        editedIndividually: false,
        assigned: [expect.anything(), expect.anything()],
        rota: {
          updated: 1,
          overStaffed: [{ shiftId: s.id, localDate: '2026-11-25', assigned: 2, message: expect.stringContaining('2 are on it') }],
        },
      });
    });

    it('is refused on a shift under way or over (ROTA-WORKED), on one added by hand, with its own staffing, or on a stale If-Match, and changes nothing', async () => {
      const p = await generated('Refusals');
      const underWay = await shiftOn(p.id, '2026-11-21');
      const over = await shiftOn(p.id, '2026-11-20');
      const ahead = await shiftOn(p.id, '2026-11-27');
      for (const s of [underWay, over, ahead])
        await t.sql(`UPDATE shifts SET required_count = 4, edited_individually = true WHERE id = $1`, [s.id]);
      const before = await t.sql(`SELECT * FROM shifts WHERE pattern_id = $1 ORDER BY local_date`, [p.id]);

      for (const s of [underWay, over]) {
        const res = await as(manager).patch(`/rota/shifts/${s.id}`, { followPattern: true }).expect(422);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body).toMatchObject({ code: 'shift-started', errors: [{ field: 'followPattern' }] });
      }
      const mixed = await as(manager).patch(`/rota/shifts/${ahead.id}`, { followPattern: true, requiredCount: 2 }).expect(422);
      expect(mixed.body.errors.map((e: { field: string }) => e.field)).toEqual(['followPattern']);
      const notTrue = await as(manager).patch(`/rota/shifts/${ahead.id}`, { followPattern: false });
      expect(notTrue.status).toBeGreaterThanOrEqual(400);
      expect(notTrue.status).toBeLessThan(500);
      expect(notTrue.body.errors.map((e: { field: string }) => e.field)).toEqual(['followPattern']);
      await as(manager)
        .patch(`/rota/shifts/${ahead.id}`, { followPattern: true }, `"v${ahead.version + 7}"`)
        .expect(412);
      expect(await t.sql(`SELECT * FROM shifts WHERE pattern_id = $1 ORDER BY local_date`, [p.id])).toEqual(before);

      const byHand = (
        await as(manager)
          .post('/rota/shifts', {
            label: 'Extra cover',
            startsAt: '2026-11-28T12:00:00Z',
            endsAt: '2026-11-28T20:00:00Z',
            requiredCount: 1,
          })
          .expect(201)
      ).body;
      const hand = await as(manager).patch(`/rota/shifts/${byHand.id}`, { followPattern: true }).expect(422);
      expect(hand.body).toMatchObject({ code: 'shift-has-no-pattern', errors: [{ field: 'followPattern' }] });
      expect((await as(manager).get(`/rota/shifts/${byHand.id}`).expect(200)).body).toMatchObject({
        version: byHand.version,
        editedIndividually: false,
      });
    });

    it("keeps a started shift's label and staffing as it is being worked (ROTA-WORKED: 422 naming the field), while its notes can still be added", async () => {
      const p = await generated('Worked');
      const underWay = await shiftOn(p.id, '2026-11-21');
      const over = await shiftOn(p.id, '2026-11-20');
      const before = await t.sql(`SELECT * FROM shifts WHERE id = ANY($1::uuid[]) ORDER BY local_date`, [[underWay.id, over.id]]);
      for (const s of [underWay, over])
        for (const [field, value] of [
          ['label', 'Renamed afterwards'],
          ['requiredCount', 3],
          ['requiredSkills', ['senior']],
        ] as const) {
          const res = await as(manager)
            .patch(`/rota/shifts/${s.id}`, { [field]: value, notes: 'with a note' })
            .expect(422);
          expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
          expect(res.body).toMatchObject({ code: 'shift-started', errors: [{ field }] });
        }
      expect(await t.sql(`SELECT * FROM shifts WHERE id = ANY($1::uuid[]) ORDER BY local_date`, [[underWay.id, over.id]])).toEqual(before);
      const noted = await as(manager).patch(`/rota/shifts/${over.id}`, { notes: 'Covered alone from 03:00' }).expect(200);
      expect(noted.body).toMatchObject({ notes: 'Covered alone from 03:00', requiredCount: over.requiredCount, label: over.label });
    });

    it('is refused (409) when its pattern no longer calls for the shift, which stays as it is', async () => {
      const p = await generated('No longer');
      const s = await shiftOn(p.id, '2026-11-30');
      await as(manager).patch(`/rota/shifts/${s.id}`, { requiredCount: 2 }).expect(200);
      await rosteredFromStart(t, s.id, await amhp(t));
      // Ended on the 28th: the staffed shift of the 30th is kept for the manager to move its AMHP.
      await as(manager).patch(`/rota/patterns/${p.id}`, { validTo: '2026-11-28' }).expect(200);
      const res = await as(manager).patch(`/rota/shifts/${s.id}`, { followPattern: true }).expect(409);
      expect(res.body).toMatchObject({ code: 'shift-not-called-for', errors: [{ field: 'followPattern' }] });
      expect(await shiftOn(p.id, '2026-11-30')).toMatchObject({ requiredCount: 2, editedIndividually: true });
    });
  });
});
