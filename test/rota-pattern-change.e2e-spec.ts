import { amhp, rosteredFromStart } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * ROTA-WORKED for a change to a shift pattern: the shifts already generated from it that have not started follow it
 * at once (staffing, name, end, active flag), in the same change; a shift under way or over is history and stays.
 */
describe('rota: a change to a pattern reaches the shifts already generated ahead', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    // 10:00 on Saturday 21 November 2026 in London (GMT).
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object, ifMatch?: string) => {
      const r = t.http.patch(p).set('authorization', u.auth);
      return (ifMatch ? r.set('if-match', ifMatch) : r).send(b);
    },
  });
  type Row = { id: string; d: string; label: string; n: number; skills: string[]; version: number; on: number };
  const shiftsOf = (patternId: string) =>
    t.sql<Row>(
      `SELECT s.id, to_char(s.local_date, 'YYYY-MM-DD') AS d, s.label, s.required_count AS n, s.required_skills AS skills, s.version,
              (SELECT count(*)::int FROM shift_assignments a WHERE a.shift_id = s.id) AS "on"
         FROM shifts s WHERE s.pattern_id = $1 ORDER BY s.local_date`,
      [patternId],
    );
  const on = (rows: Row[], d: string) => rows.find((r) => r.d === d)!;

  /**
   * A daily 09:00-17:00 pattern added on Thursday 19 November and generated then to the 28th: at 10:00 on the 21st the
   * shifts of the 19th and 20th are over, the 21st's is under way, and the 22nd to the 28th are ahead.
   */
  const generated = async (name: string): Promise<{ id: string; version: number }> => {
    const by = Date.parse('2026-11-19T08:00:00Z') - t.clock.now().getTime();
    t.clock.advance(by);
    try {
      const then = await t.user(['manager']);
      const p = (
        await as(then)
          .post('/rota/patterns', {
            name,
            startTime: '09:00',
            endTime: '17:00',
            weekdays: [1, 2, 3, 4, 5, 6, 7],
            requiredCount: 1,
            validFrom: '2026-11-19',
          })
          .expect(201)
      ).body;
      await as(then).post('/rota/shifts/generate', { from: '2026-11-19', to: '2026-11-28' }).expect(200);
      return p;
    } finally {
      t.clock.advance(-by);
    }
  };
  const ahead = ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'];
  const gapsOn = async (shiftId: string, d: string) =>
    (await as(manager).get(`/rota/coverage?from=${d}T00:00:00Z&to=${d}T23:59:00Z`).expect(200)).body.gaps.filter(
      (g: { shiftId: string | null }) => g.shiftId === shiftId,
    );

  it('raising the AMHPs required: every shift ahead requires 2 and shows as a gap; the shift under way and those over keep 1', async () => {
    const p = await generated('Raised');
    const before = await shiftsOf(p.id);
    const res = await as(manager).patch(`/rota/patterns/${p.id}`, { requiredCount: 2 }).expect(200);
    expect(res.body).toMatchObject({
      requiredCount: 2,
      rota: { updated: 7, removed: 0, kept: [], overStaffed: [], keptEdited: [], created: 0 },
    });
    const after = await shiftsOf(p.id);
    expect(after.map((r) => [r.d, r.n])).toEqual([['2026-11-19', 1], ['2026-11-20', 1], ['2026-11-21', 1], ...ahead.map((d) => [d, 2])]);
    // What was worked, and the shift under way, is untouched (ROTA-WORKED).
    for (const d of ['2026-11-19', '2026-11-20', '2026-11-21']) expect(on(after, d)).toEqual(on(before, d));
    const next = on(after, '2026-11-22');
    expect(await gapsOn(next.id, '2026-11-22')).toEqual([expect.objectContaining({ kind: 'understaffed', missing: 2 })]);
    // Audited and evented as a change to each shift, in the same change.
    expect(await t.sql(`SELECT details FROM audit_events WHERE action = 'rota.shift.update' AND resource_id = $1`, [next.id])).toEqual([
      { details: { fields: ['requiredCount'], source: 'pattern' } },
    ]);
    expect(await t.sql(`SELECT payload FROM outbox_events WHERE type = 'rota.shift.updated' AND aggregate_id = $1`, [next.id])).toEqual([
      { payload: { shiftId: next.id, fields: ['requiredCount'] } },
    ]);
    // Regenerating finds nothing more to do.
    expect((await as(manager).post('/rota/shifts/generate', { from: '2026-11-21', to: '2026-11-28' }).expect(200)).body).toMatchObject({
      updated: 0,
      created: 0,
    });
  });

  it('adding a required skill and renaming: the shifts ahead require it under the new name, and a shift ahead without it shows a skill gap', async () => {
    const p = await generated('Skilled');
    const a = await amhp(t);
    const next = on(await shiftsOf(p.id), '2026-11-22');
    await rosteredFromStart(t, next.id, a);
    expect(await gapsOn(next.id, '2026-11-22')).toEqual([]);
    const res = await as(manager)
      .patch(`/rota/patterns/${p.id}`, { requiredSkills: ['senior'], name: 'Skilled day' })
      .expect(200);
    expect(res.body.rota).toMatchObject({ updated: 7 });
    const after = await shiftsOf(p.id);
    expect(after.map((r) => [r.d, r.label, r.skills])).toEqual([
      ['2026-11-19', 'Skilled', []],
      ['2026-11-20', 'Skilled', []],
      ['2026-11-21', 'Skilled', []],
      ...ahead.map((d) => [d, 'Skilled day', ['senior']]),
    ]);
    expect(await gapsOn(next.id, '2026-11-22')).toEqual([expect.objectContaining({ kind: 'skill-missing', missingSkills: ['senior'] })]);
  });

  it('ending the pattern: its unstaffed shifts after the end are removed, a staffed one is kept and listed; the shift under way stays', async () => {
    const p = await generated('Ended');
    const a = await amhp(t);
    const staffed = on(await shiftsOf(p.id), '2026-11-27');
    await rosteredFromStart(t, staffed.id, a);
    const res = await as(manager).patch(`/rota/patterns/${p.id}`, { validTo: '2026-11-24' }).expect(200);
    expect(res.body.rota).toMatchObject({
      removed: 3,
      kept: [{ shiftId: staffed.id, localDate: '2026-11-27', assigned: 1, message: expect.stringContaining('move them') }],
    });
    expect((await shiftsOf(p.id)).map((r) => [r.d, r.on])).toEqual([
      ['2026-11-19', 0],
      ['2026-11-20', 0],
      ['2026-11-21', 0],
      ['2026-11-22', 0],
      ['2026-11-23', 0],
      ['2026-11-24', 0],
      ['2026-11-27', 1],
    ]);
    expect(await t.sql(`SELECT 1 FROM review_alerts WHERE kind = 'rota-stale-shift' AND subject_id = $1`, [staffed.id])).toHaveLength(1);
  });

  it('deactivating the pattern: every unstaffed shift ahead is removed, a staffed one kept and listed; the shift under way and those over stay', async () => {
    const p = await generated('Deactivated');
    const a = await amhp(t);
    const staffed = on(await shiftsOf(p.id), '2026-11-23');
    await rosteredFromStart(t, staffed.id, a);
    const res = await as(manager).patch(`/rota/patterns/${p.id}`, { active: false }).expect(200);
    expect(res.body).toMatchObject({
      active: false,
      rota: { removed: 6, kept: [expect.objectContaining({ shiftId: staffed.id, assigned: 1 })] },
    });
    expect((await shiftsOf(p.id)).map((r) => r.d)).toEqual(['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-23']);
  });

  it('a shift whose staffing a manager changed on its own keeps it and is listed; lowering below the AMHPs on a shift keeps them and lists it as over-staffed', async () => {
    const p = await generated('Edited');
    const rows = await shiftsOf(p.id);
    const edited = on(rows, '2026-11-23');
    await as(manager).patch(`/rota/shifts/${edited.id}`, { requiredCount: 3 }).expect(200);
    const busy = on(rows, '2026-11-24');
    await rosteredFromStart(t, busy.id, await amhp(t));
    await rosteredFromStart(t, busy.id, await amhp(t));

    const raised = await as(manager).patch(`/rota/patterns/${p.id}`, { requiredCount: 2 }).expect(200);
    expect(raised.body.rota).toMatchObject({
      updated: 6,
      overStaffed: [],
      keptEdited: [{ shiftId: edited.id, localDate: '2026-11-23', assigned: 0, message: expect.stringContaining('requiredCount') }],
    });
    expect(on(await shiftsOf(p.id), '2026-11-23').n).toBe(3);

    const lowered = await as(manager).patch(`/rota/patterns/${p.id}`, { requiredCount: 1 }, `"v${raised.body.version}"`).expect(200);
    expect(lowered.body.rota).toMatchObject({
      updated: 6,
      overStaffed: [{ shiftId: busy.id, localDate: '2026-11-24', assigned: 2 }],
      keptEdited: [expect.objectContaining({ shiftId: edited.id })],
    });
    const after = await shiftsOf(p.id);
    expect([on(after, '2026-11-23').n, on(after, '2026-11-24').n, on(after, '2026-11-24').on]).toEqual([3, 1, 2]);
  });

  it("regenerating brings shifts ahead that differ from their pattern in line, but leaves a shift's own staffing set by a manager, listed", async () => {
    const p = await generated('Regenerated');
    const rows = await shiftsOf(p.id);
    // As the rota stood where a pattern's staffing changed without reaching the shifts already generated.
    await t.sql(`UPDATE shifts SET required_count = 4 WHERE pattern_id = $1 AND local_date = '2026-11-25'`, [p.id]);
    const edited = on(rows, '2026-11-26');
    await as(manager).patch(`/rota/shifts/${edited.id}`, { label: 'Regenerated (cover)' }).expect(200);
    const res = await as(manager).post('/rota/shifts/generate', { from: '2026-11-21', to: '2026-11-28' }).expect(200);
    expect(res.body).toMatchObject({
      updated: 1,
      // (with the shifts other tests' managers changed on their own)
      keptEdited: expect.arrayContaining([
        expect.objectContaining({ shiftId: edited.id, label: 'Regenerated (cover)', message: expect.stringContaining('label') }),
      ]),
    });
    const after = await shiftsOf(p.id);
    expect([on(after, '2026-11-25').n, on(after, '2026-11-26').label]).toEqual([1, 'Regenerated (cover)']);
  });

  it('nothing changes on the rota when the change is refused: a stale If-Match (412) or an end before today (422)', async () => {
    const p = await generated('Refused');
    const before = await shiftsOf(p.id);
    await as(manager)
      .patch(`/rota/patterns/${p.id}`, { requiredCount: 2, active: false }, `"v${p.version + 5}"`)
      .expect(412);
    const bad = await as(manager).patch(`/rota/patterns/${p.id}`, { requiredCount: 2, validTo: '2026-11-20' }).expect(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['validTo']);
    expect(await shiftsOf(p.id)).toEqual(before);
  });
});
