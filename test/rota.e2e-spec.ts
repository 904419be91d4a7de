import { amhp, rosteredFromStart, shiftWorked } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

describe('rota: patterns, shifts, assignments, coverage, who is on duty', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    // R8 sends 200 assignments at once: a connection is waited for as long as they take on a loaded machine, so that
    // what is tested is the races' answers (409), not the pool's overload answer (503 after DB_CONNECT_TIMEOUT_MS).
    t = await createTestApp({
      now: '2026-11-21T10:00:00Z',
      env: { ACCESS_TOKEN_TTL_SECONDS: '86400', ROTA_MAX_CONSECUTIVE_NIGHTS: '3', DB_CONNECT_TIMEOUT_MS: '30000' },
    });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const api = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object) => t.http.patch(p).set('authorization', u.auth).send(b),
    put: (p: string, b: object) => t.http.put(p).set('authorization', u.auth).send(b),
    delete: (p: string) => t.http.delete(p).set('authorization', u.auth),
  });
  const shift = async (startsAt: string, endsAt: string, over: object = {}) =>
    (
      await api(manager)
        .post('/rota/shifts', { label: 'Test shift', startsAt, endsAt, requiredCount: 1, ...over })
        .expect(201)
    ).body;

  describe('patterns and generation', () => {
    it('generates shifts from patterns in local time, idempotently, with DST nights of 10 and 12 hours', async () => {
      await api(manager)
        .post('/rota/patterns', {
          name: 'Day',
          startTime: '09:00',
          endTime: '17:00',
          weekdays: [1, 2, 3, 4, 5, 6, 7],
          bankHolidays: 'exclude',
          requiredCount: 3,
          validFrom: '2027-01-01',
        })
        .expect(201);
      await api(manager)
        .post('/rota/patterns', {
          name: 'Bank holiday day',
          startTime: '09:00',
          endTime: '17:00',
          weekdays: [1, 2, 3, 4, 5, 6, 7],
          bankHolidays: 'only',
          requiredCount: 1,
          validFrom: '2027-01-01',
        })
        .expect(201);
      await api(manager)
        .post('/rota/patterns', {
          name: 'Night',
          startTime: '22:00',
          endTime: '09:00',
          weekdays: [1, 2, 3, 4, 5, 6, 7],
          requiredCount: 1,
          requiredSkills: ['senior'],
          validFrom: '2027-01-01',
        })
        .expect(201);
      const first = await api(manager).post('/rota/shifts/generate', { from: '2027-03-26', to: '2027-03-31' }).expect(200);
      expect(first.body).toEqual({
        created: 12,
        existing: 0,
        removed: 0,
        reflagged: 0,
        updated: 0,
        kept: [],
        overStaffed: [],
        keptEdited: [],
        skipped: [],
        restored: 0,
        warnings: [],
      });
      const again = await api(manager).post('/rota/shifts/generate', { from: '2027-03-26', to: '2027-03-31' }).expect(200);
      expect(again.body).toEqual({
        created: 0,
        existing: 12,
        removed: 0,
        reflagged: 0,
        updated: 0,
        kept: [],
        overStaffed: [],
        keptEdited: [],
        skipped: [],
        restored: 0,
        warnings: [],
      });
      const shifts = (await api(manager).get('/rota/shifts?from=2027-03-26T00:00:00Z&to=2027-04-01T00:00:00Z').expect(200)).body.items;
      const nights = shifts.filter((s: { label: string }) => s.label === 'Night');
      const hours = (s: { startsAt: string; endsAt: string }) => (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 3_600_000;
      expect(nights.map((n: { localDate: string; startsAt: string; endsAt: string }) => [n.localDate, hours(n)])).toEqual([
        ['2027-03-26', 11],
        ['2027-03-27', 10],
        ['2027-03-28', 11],
        ['2027-03-29', 11],
        ['2027-03-30', 11],
        ['2027-03-31', 11],
      ]);
      // 26 and 29 March 2027 are Good Friday and Easter Monday: the bank holiday pattern runs instead of the day pattern.
      const days = shifts
        .filter((s: { label: string }) => s.label !== 'Night')
        .map((s: { localDate: string; label: string; bankHoliday: boolean }) => [s.localDate, s.label, s.bankHoliday]);
      expect(days).toEqual([
        ['2027-03-26', 'Bank holiday day', true],
        ['2027-03-27', 'Day', false],
        ['2027-03-28', 'Day', false],
        ['2027-03-29', 'Bank holiday day', true],
        ['2027-03-30', 'Day', false],
        ['2027-03-31', 'Day', false],
      ]);
    });

    it('a bank holiday added or removed after the rota was generated re-derives the unstaffed shifts of that day and their flags; a staffed one is kept and reported', async () => {
      await api(manager).post('/rota/shifts/generate', { from: '2027-02-02', to: '2027-02-04' }).expect(200);
      const day = async (d: string) =>
        (await api(manager).get(`/rota/shifts?from=${d}T00:00:00Z&to=${d}T23:00:00Z`).expect(200)).body.items
          .filter((s: { localDate: string }) => s.localDate === d)
          .map((s: { label: string; bankHoliday: boolean; assigned: unknown[] }) => [s.label, s.bankHoliday, s.assigned.length]);
      expect(await day('2027-02-03')).toEqual([
        ['Day', false, 0],
        ['Night', false, 0],
      ]);
      // Added: the Day pattern excludes bank holidays, the bank holiday pattern runs only on them; Night is flagged.
      const added = await api(manager).put('/rota/bank-holidays/2027-02-03', { name: 'Extra bank holiday' }).expect(200);
      expect(added.body).toEqual({
        date: '2027-02-03',
        name: 'Extra bank holiday',
        rota: {
          created: 1,
          existing: 1,
          removed: 1,
          reflagged: 1,
          updated: 0,
          kept: [],
          overStaffed: [],
          keptEdited: [],
          skipped: [],
          restored: 0,
          warnings: [],
        },
      });
      expect(await day('2027-02-03')).toEqual([
        ['Bank holiday day', true, 0],
        ['Night', true, 0],
      ]);
      // Regenerating changes nothing more.
      expect((await api(manager).post('/rota/shifts/generate', { from: '2027-02-03', to: '2027-02-03' }).expect(200)).body).toMatchObject({
        created: 0,
        removed: 0,
        reflagged: 0,
        kept: [],
      });
      // Removed again: back as it was.
      await api(manager).delete('/rota/bank-holidays/2027-02-03').expect(204);
      expect(await day('2027-02-03')).toEqual([
        ['Day', false, 0],
        ['Night', false, 0],
      ]);

      // A day shift with an AMHP on it is never deleted: kept, listed, and a review alert raised once.
      const a = await amhp(t);
      const staffed = (
        await api(manager).get('/rota/shifts?from=2027-02-04T10:00:00Z&to=2027-02-04T11:00:00Z').expect(200)
      ).body.items.find((s: { label: string }) => s.label === 'Day');
      await api(manager).post(`/rota/shifts/${staffed.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      const withStaff = await api(manager).put('/rota/bank-holidays/2027-02-04', { name: 'Another' }).expect(200);
      expect(withStaff.body.rota).toMatchObject({
        created: 1,
        removed: 0,
        kept: [{ shiftId: staffed.id, label: 'Day', localDate: '2027-02-04', assigned: 1, message: expect.stringContaining('move them') }],
      });
      expect(await day('2027-02-04')).toEqual([
        ['Bank holiday day', true, 0],
        ['Day', true, 1],
        ['Night', true, 0],
      ]);
      const again = await api(manager).post('/rota/shifts/generate', { from: '2027-02-04', to: '2027-02-04' }).expect(200);
      expect(again.body.kept).toEqual([expect.objectContaining({ shiftId: staffed.id })]);
      expect(await t.sql(`SELECT 1 FROM review_alerts WHERE kind = 'rota-stale-shift' AND subject_id = $1`, [staffed.id])).toHaveLength(1);
      await api(manager).delete('/rota/bank-holidays/2027-02-04').expect(204);
    });

    it('refuses bad patterns and ranges, storing nothing', async () => {
      const count = async () =>
        (
          await t.sql<{ p: number; s: number }>(
            'SELECT (SELECT count(*) FROM shift_patterns)::int AS p, (SELECT count(*) FROM shifts)::int AS s',
          )
        )[0];
      const before = await count();
      await api(manager)
        .post('/rota/patterns', {
          name: 'X',
          startTime: '25:00',
          endTime: '09:00',
          weekdays: [1],
          requiredCount: 1,
          validFrom: '2027-01-01',
        })
        .expect(400);
      await api(manager)
        .post('/rota/patterns', {
          name: 'X',
          startTime: '09:00',
          endTime: '09:00',
          weekdays: [1],
          requiredCount: 1,
          validFrom: '2027-01-01',
        })
        .expect(422);
      await api(manager)
        .post('/rota/patterns', {
          name: 'X',
          startTime: '09:00',
          endTime: '17:00',
          weekdays: [8],
          requiredCount: 1,
          validFrom: '2027-01-01',
        })
        .expect(400);
      await api(manager).post('/rota/shifts/generate', { from: '2027-01-10', to: '2027-01-01' }).expect(422);
      await api(manager).post('/rota/shifts/generate', { from: '2027-02-30', to: '2027-03-01' }).expect(400);
      expect(await count()).toEqual(before);
    });

    it('manages bank holidays', async () => {
      await api(manager).put('/rota/bank-holidays/2029-01-01', { name: "New Year's Day" }).expect(200);
      expect((await api(manager).get('/rota/bank-holidays?year=2029').expect(200)).body.items).toEqual([
        { date: '2029-01-01', name: "New Year's Day" },
      ]);
      expect((await api(manager).get('/rota/bank-holidays?year=2026').expect(200)).body.items).toHaveLength(8);
      await api(manager).delete('/rota/bank-holidays/2029-01-01').expect(204);
      await api(manager).put('/rota/bank-holidays/not-a-date', { name: 'Nope' }).expect(400);
    });
  });

  describe('assigning: hard rules refuse, warnings need a reason', () => {
    it('assigns an eligible AMHP, audits it and emits an outbox event', async () => {
      const a = await amhp(t);
      const s = await shift('2026-12-01T09:00:00Z', '2026-12-01T17:00:00Z');
      const res = await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      expect(res.body.assigned).toEqual([expect.objectContaining({ practitionerId: a.practitionerId, userId: a.id, overrides: [] })]);
      const id = res.body.assigned[0].assignmentId;
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'rota.assign' AND resource_id = $1`, [id])).toHaveLength(1);
      expect(await t.sql(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY id`, [s.id])).toEqual([
        { type: 'rota.shift.created' },
        { type: 'rota.assignment.created' },
      ]);
    });

    it.each([
      ['no approval at all', { approval: null }, 'no-approval'],
      [
        'an approval that ends on the day of a night shift',
        { approval: { startsOn: '2022-01-01', endsOn: '2026-12-01' } },
        'approval-ends-during-period',
      ],
    ])('refuses an AMHP with %s (422 listing the finding)', async (_name, opts, code) => {
      const a = await amhp(t, opts);
      const s = await shift('2026-12-01T22:00:00Z', '2026-12-02T09:00:00Z');
      const res = await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(422);
      expect(res.body.findings.map((f: { code: string }) => f.code)).toContain(code);
      expect(await t.sql('SELECT 1 FROM shift_assignments WHERE shift_id = $1', [s.id])).toEqual([]);
    });

    it('a user id (or any id that is not a practitioner) given as practitionerId is 422 naming practitionerId, overrides or not; nothing stored', async () => {
      const a = await amhp(t);
      const s = await shift('2026-12-05T09:00:00Z', '2026-12-05T17:00:00Z');
      for (const body of [
        { practitionerId: a.id },
        { practitionerId: a.id, overrides: [{ code: 'supervision-overdue', reason: 'Short staffed, supervised next week' }] },
      ]) {
        const res = await api(manager).post(`/rota/shifts/${s.id}/assignments`, body);
        expect({ status: res.status, code: res.body.code, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({
          status: 422,
          code: 'reference-not-found',
          fields: ['practitionerId'],
        });
      }
      expect(await t.sql('SELECT 1 FROM shift_assignments WHERE shift_id = $1', [s.id])).toEqual([]);
    });

    it('refuses a suspended AMHP and one on approved leave', async () => {
      const suspended = await amhp(t);
      await t.sql(
        `INSERT INTO approval_suspensions (approval_id, starts_at, reason, created_by) SELECT id, '2026-11-01', 'regulator', $2 FROM approvals WHERE practitioner_id = $1`,
        [suspended.practitionerId, manager.id],
      );
      const onLeave = await amhp(t);
      await t.sql(
        `INSERT INTO leave_requests (practitioner_id, kind, starts_at, ends_at, status, requested_by) VALUES ($1, 'annual', '2026-12-03T00:00:00Z', '2026-12-10T00:00:00Z', 'approved', $2)`,
        [onLeave.practitionerId, manager.id],
      );
      const s = await shift('2026-12-04T09:00:00Z', '2026-12-04T17:00:00Z');
      expect(
        (
          await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: suspended.practitionerId }).expect(422)
        ).body.findings.map((f: { code: string }) => f.code),
      ).toContain('approval-suspended');
      expect(
        (
          await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: onLeave.practitionerId }).expect(422)
        ).body.findings.map((f: { code: string }) => f.code),
      ).toContain('on-leave');
      expect(await t.sql('SELECT 1 FROM shift_assignments WHERE shift_id = $1', [s.id])).toEqual([]);
    });

    it('refuses less than 11 hours of rest across midnight, and allows exactly 11', async () => {
      const a = await amhp(t);
      const late = await shift('2026-12-05T14:00:00Z', '2026-12-05T22:00:00Z');
      await api(manager).post(`/rota/shifts/${late.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      const early = await shift('2026-12-06T08:00:00Z', '2026-12-06T16:00:00Z');
      const refused = await api(manager).post(`/rota/shifts/${early.id}/assignments`, { practitionerId: a.practitionerId }).expect(422);
      expect(refused.body.findings).toEqual([expect.objectContaining({ code: 'rest-too-short', rule: 'WTR-10', severity: 'hard' })]);
      const nine = await shift('2026-12-06T09:00:00Z', '2026-12-06T17:00:00Z');
      await api(manager).post(`/rota/shifts/${nine.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
    });

    it('two 24-hour shifts 11 h apart: each leaves no 11 h rest in its 24 hours (WTR-10-24H), so each needs an override naming reg 21 / reg 24', async () => {
      const a = await amhp(t);
      const first = await shift('2027-02-10T08:00:00Z', '2027-02-11T08:00:00Z');
      const second = await shift('2027-02-11T19:00:00Z', '2027-02-12T19:00:00Z');
      for (const s of [first, second]) {
        const warned = await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(422);
        expect(warned.body).toMatchObject({
          code: 'override-required',
          findings: [
            expect.objectContaining({
              code: 'daily-rest-in-day',
              rule: 'WTR-10-24H',
              severity: 'warning',
              message: expect.stringMatching(/reg 21.*compensatory rest.*reg 24/),
            }),
          ],
        });
        expect(await t.sql('SELECT 1 FROM shift_assignments WHERE shift_id = $1', [s.id])).toEqual([]);
        const ok = await api(manager)
          .post(`/rota/shifts/${s.id}/assignments`, {
            practitionerId: a.practitionerId,
            overrides: [{ code: 'daily-rest-in-day', reason: 'Snow cover on call (reg 21); compensatory rest booked after' }],
          })
          .expect(201);
        expect(ok.body.assigned[0].overrides).toEqual([expect.objectContaining({ code: 'daily-rest-in-day' })]);
      }
    });

    it('an AMHP whose professional supervision is overdue (AMHP-10) goes on a shift only with an override; once supervised, without', async () => {
      const a = await amhp(t);
      const supervisor = await t.user(['amhp']);
      // Her record dates from 1 Sep with a 30-day interval and no supervision since: due by 1 Oct, 51 days late today (21 Nov).
      await t.sql(`UPDATE practitioners SET created_at = '2026-09-01T09:00:00Z', supervision_interval_days = 30 WHERE id = $1`, [
        a.practitionerId,
      ]);
      const s = await shift('2026-12-02T09:00:00Z', '2026-12-02T17:00:00Z');
      const warned = await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(422);
      expect(warned.body).toMatchObject({
        code: 'override-required',
        findings: [
          {
            code: 'supervision-overdue',
            rule: 'AMHP-10',
            severity: 'warning',
            message: expect.stringMatching(
              /no professional supervision since the record was made.*due by 2026-10-01.*51 days late on 2026-11-21/,
            ),
          },
        ],
      });
      expect(await t.sql('SELECT 1 FROM shift_assignments WHERE shift_id = $1', [s.id])).toEqual([]);
      const ok = await api(manager)
        .post(`/rota/shifts/${s.id}/assignments`, {
          practitionerId: a.practitionerId,
          overrides: [{ code: 'supervision-overdue', reason: 'Supervision booked for 23 Nov; agreed with her line manager' }],
        })
        .expect(201);
      expect(ok.body.assigned[0].overrides).toEqual([expect.objectContaining({ code: 'supervision-overdue' })]);

      // A managerial session does not count; a professional one yesterday puts her back in date.
      const later = await shift('2026-12-03T09:00:00Z', '2026-12-03T17:00:00Z');
      const held = (type: string) =>
        api(manager)
          .post('/supervision-sessions', {
            superviseeId: a.practitionerId,
            supervisorUserId: supervisor.id,
            heldOn: '2026-11-20',
            type,
            durationMinutes: 60,
          })
          .expect(201);
      await held('managerial');
      await api(manager).post(`/rota/shifts/${later.id}/assignments`, { practitionerId: a.practitionerId }).expect(422);
      await held('professional');
      const plain = await api(manager).post(`/rota/shifts/${later.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      expect(plain.body.assigned[0].overrides ?? []).toEqual([]);
    });

    it('a fourth consecutive night needs an override with a reason, which is audited and raises a review alert', async () => {
      const a = await amhp(t);
      const nights = [];
      for (const d of ['10', '11', '12', '13'])
        nights.push(await shift(`2026-12-${d}T22:00:00Z`, `2026-12-${String(Number(d) + 1)}T09:00:00Z`));
      for (const n of nights.slice(0, 3))
        await api(manager).post(`/rota/shifts/${n.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      const warned = await api(manager).post(`/rota/shifts/${nights[3].id}/assignments`, { practitionerId: a.practitionerId }).expect(422);
      expect(warned.body).toMatchObject({
        code: 'override-required',
        findings: [expect.objectContaining({ code: 'consecutive-nights', severity: 'warning' })],
      });
      await api(manager)
        .post(`/rota/shifts/${nights[3].id}/assignments`, {
          practitionerId: a.practitionerId,
          overrides: [{ code: 'consecutive-nights', reason: 'short' }],
        })
        .expect(400);
      const ok = await api(manager)
        .post(`/rota/shifts/${nights[3].id}/assignments`, {
          practitionerId: a.practitionerId,
          overrides: [{ code: 'consecutive-nights', reason: 'Two AMHPs off sick; agreed with the AMHP' }],
        })
        .expect(201);
      expect(ok.body.assigned[0].overrides).toEqual([
        expect.objectContaining({ code: 'consecutive-nights', reason: 'Two AMHPs off sick; agreed with the AMHP' }),
      ]);
      const [audit] = await t.sql<{ details: { overrides: string[] } }>(
        `SELECT details FROM audit_events WHERE action = 'rota.assign' AND resource_id = $1`,
        [ok.body.assigned[0].assignmentId],
      );
      expect(audit.details.overrides).toEqual(['consecutive-nights']);
      expect(
        await t.sql(`SELECT 1 FROM review_alerts WHERE kind = 'rota-override' AND subject_id = $1`, [ok.body.assigned[0].assignmentId]),
      ).toHaveLength(1);
    });

    it('refuses an 8th day in a row (ROTA_MAX_CONSECUTIVE_DAYS, default 7) even with overrides; after a day off they can work again', async () => {
      const a = await amhp(t);
      const days = [];
      for (let d = 4; d <= 13; d++) {
        const day = `2027-01-${String(d).padStart(2, '0')}`;
        days.push(await shift(`${day}T09:00:00Z`, `${day}T17:00:00Z`));
      }
      // Seven days from Monday 4 January: the seventh costs the weekly 24 h break (a warning, overridden).
      const overrides = [{ code: 'weekly-rest', reason: 'Cover for a vacancy, agreed with the AMHP' }];
      for (const s of days.slice(0, 7))
        await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId, overrides }).expect(201);
      const eighth = await api(manager)
        .post(`/rota/shifts/${days[7].id}/assignments`, { practitionerId: a.practitionerId, overrides })
        .expect(422);
      expect(eighth.body).toMatchObject({ code: 'assignment-refused' });
      expect(eighth.body.findings).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'consecutive-days', rule: 'ROTA-DAYS', severity: 'hard' })]),
      );
      expect(eighth.body.detail).toMatch(/8 consecutive days on the rota, above the limit of 7/);
      expect(await t.sql('SELECT 1 FROM shift_assignments WHERE shift_id = $1', [days[7].id])).toEqual([]);
      // Monday 11th off: Tuesday 12th is day 1 of a new run.
      await api(manager).post(`/rota/shifts/${days[8].id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
    });

    it('unassigns, audited, with an outbox event; a shift with AMHPs cannot be deleted', async () => {
      const a = await amhp(t);
      const s = await shift('2026-12-20T09:00:00Z', '2026-12-20T17:00:00Z');
      const assigned = (await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(201)).body
        .assigned[0];
      await api(manager).delete(`/rota/shifts/${s.id}`).expect(409);
      await api(manager).delete(`/rota/assignments/${assigned.assignmentId}`).expect(204);
      await api(manager).delete(`/rota/assignments/${assigned.assignmentId}`).expect(404);
      expect(await t.sql(`SELECT 1 FROM outbox_events WHERE type = 'rota.assignment.removed' AND aggregate_id = $1`, [s.id])).toHaveLength(
        1,
      );
      await api(manager).delete(`/rota/shifts/${s.id}`).expect(204);
    });

    it('only managers change the rota; AMHPs read it and see their own assignments', async () => {
      const a = await amhp(t);
      const s = await shift('2026-12-22T09:00:00Z', '2026-12-22T17:00:00Z');
      await api(a).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(403);
      await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      await api(a).get('/rota/shifts?from=2026-12-22T00:00:00Z&to=2026-12-23T00:00:00Z').expect(200);
      const mine = (await api(a).get('/rota/assignments?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z').expect(200)).body.items;
      expect(mine.map((x: { shiftId: string }) => x.shiftId)).toEqual([s.id]);
      const referrer = await t.user(['referrer']);
      await api(referrer).get('/rota/shifts?from=2026-12-22T00:00:00Z&to=2026-12-23T00:00:00Z').expect(403);
    });
  });

  it('R8: 200 concurrent assignments of 40 AMHPs to 5 overlapping shifts leave each AMHP on exactly one; losers get 409, never 5xx', async () => {
    const people = [];
    for (let i = 0; i < 40; i++) people.push(await amhp(t));
    const shifts: Array<{ id: string }> = [];
    for (let i = 0; i < 5; i++) shifts.push(await shift(`2027-01-15T0${i}:00:00Z`, `2027-01-15T1${i}:00:00Z`, { requiredCount: 40 }));
    const requests = people.flatMap((p) => shifts.map((s) => ({ p, s })));
    const results = await Promise.all(
      requests.map(({ p, s }) => api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: p.practitionerId })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(40);
    expect(statuses.filter((s) => s === 409)).toHaveLength(160);
    const overlaps = await t.sql(
      `SELECT a.id FROM shift_assignments a JOIN shift_assignments b ON a.practitioner_id = b.practitioner_id AND a.id < b.id AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`,
    );
    expect(overlaps).toEqual([]);
  });

  describe('coverage and who is on duty', () => {
    it('lists gaps: understaffed, missing skill, and time with no shift', async () => {
      const senior = await amhp(t, { skills: ['senior'] });
      const plain = await amhp(t);
      const day = await shift('2027-02-01T09:00:00Z', '2027-02-01T17:00:00Z', { requiredCount: 2 });
      const night = await shift('2027-02-01T17:00:00Z', '2027-02-02T09:00:00Z', { requiredCount: 1, requiredSkills: ['senior'] });
      await api(manager).post(`/rota/shifts/${day.id}/assignments`, { practitionerId: senior.practitionerId }).expect(201);
      // A 16 h out-of-hours shift leaves less than 11 h rest in its 24 hours (WTR-10-24H): accepted with a reason.
      await api(manager)
        .post(`/rota/shifts/${night.id}/assignments`, {
          practitionerId: plain.practitionerId,
          overrides: [{ code: 'daily-rest-in-day', reason: 'Out-of-hours on call (reg 21); compensatory rest given' }],
        })
        .expect(201);
      const gaps = (await api(manager).get('/rota/coverage?from=2027-02-01T08:00:00Z&to=2027-02-02T09:00:00Z').expect(200)).body.gaps;
      expect(gaps).toEqual([
        expect.objectContaining({ kind: 'no-shift', startsAt: '2027-02-01T08:00:00.000Z', endsAt: '2027-02-01T09:00:00.000Z' }),
        expect.objectContaining({ kind: 'understaffed', shiftId: day.id, missing: 1 }),
        expect.objectContaining({ kind: 'skill-missing', shiftId: night.id, missingSkills: ['senior'] }),
      ]);
    });

    it('answers who is on duty now and who is next, with phone numbers, to any signed-in user', async () => {
      const a = await amhp(t, { displayName: 'Duty Now' });
      const b = await amhp(t, { displayName: 'Duty Next' });
      await t.sql(`UPDATE users SET phone = '+44 7700 900555' WHERE id = $1`, [a.id]);
      const now = await shift('2027-03-01T09:00:00Z', '2027-03-01T17:00:00Z');
      const next = await shift('2027-03-01T17:00:00Z', '2027-03-02T09:00:00Z');
      await api(manager).post(`/rota/shifts/${now.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      await api(manager)
        .post(`/rota/shifts/${next.id}/assignments`, {
          practitionerId: b.practitionerId,
          overrides: [{ code: 'daily-rest-in-day', reason: 'Out-of-hours on call (reg 21); compensatory rest given' }],
        })
        .expect(201);
      const referrer = await t.user(['referrer']);
      const res = await api(referrer).get('/rota/on-duty?at=2027-03-01T12:00:00Z').expect(200);
      expect(res.body.onDuty).toEqual([
        expect.objectContaining({
          shiftId: now.id,
          amhps: [expect.objectContaining({ displayName: 'Duty Now', phone: '+44 7700 900555' })],
        }),
      ]);
      expect(res.body.next).toEqual([
        expect.objectContaining({ shiftId: next.id, amhps: [expect.objectContaining({ displayName: 'Duty Next' })] }),
      ]);
      t.clock.set('2027-03-01T18:00:00Z');
      const laterReferrer = await t.user(['referrer']); // tokens are issued at the clock's time
      const later = await api(laterReferrer).get('/rota/on-duty').expect(200);
      expect(later.body.onDuty.map((s: { shiftId: string }) => s.shiftId)).toEqual([next.id]);
      t.clock.set('2026-11-21T10:00:00Z');
    });
  });

  it('only an active manager can be put on call: an AMHP or a disabled manager is 422 naming userId, and nothing is stored', async () => {
    const worker = await amhp(t);
    const gone = await t.user(['manager']);
    await t.sql('UPDATE users SET active = false WHERE id = $1', [gone.id]);
    for (const who of [worker.id, gone.id]) {
      const res = await api(manager)
        .post('/rota/manager-on-call', { userId: who, startsAt: '2026-12-01T20:00:00Z', endsAt: '2026-12-02T09:00:00Z' })
        .expect(422);
      expect(res.body).toMatchObject({
        code: 'not-a-manager',
        errors: [{ field: 'userId', messages: ['must be an active user with the manager role'] }],
      });
    }
    expect(await t.sql('SELECT 1 FROM manager_on_call WHERE user_id = ANY($1::uuid[])', [[worker.id, gone.id]])).toEqual([]);
  });

  describe('an AMHP who may no longer act is taken off the shifts ahead (AMHP-03, AMHP-05, AMHP-07, AMHP-08)', () => {
    /** An AMHP on a shift that ended yesterday, one in progress now (21 Nov 10:00 UTC) and two ahead. */
    async function rostered(name: string) {
      const a = await amhp(t, { displayName: name });
      const past = await shiftWorked(t, '2026-11-20T09:00:00Z', '2026-11-20T17:00:00Z');
      const now = await shift('2026-11-21T08:00:00Z', '2026-11-21T16:00:00Z');
      const soon = await shift('2026-12-02T09:00:00Z', '2026-12-02T17:00:00Z');
      const later = await shift('2026-12-20T09:00:00Z', '2026-12-20T17:00:00Z');
      for (const s of [past, now]) await rosteredFromStart(t, s.id, a);
      for (const s of [soon, later])
        await api(manager).post(`/rota/shifts/${s.id}/assignments`, { practitionerId: a.practitionerId }).expect(201);
      const [approval] = await t.sql<{ id: string }>('SELECT id FROM approvals WHERE practitioner_id = $1', [a.practitionerId]);
      const onShifts = async () =>
        (await t.sql<{ shift_id: string }>('SELECT shift_id FROM shift_assignments WHERE practitioner_id = $1', [a.practitionerId])).map(
          (r) => r.shift_id,
        );
      /** When her part of a shift ends (ROTA-WORKED: a shift in progress is ended at the change, not deleted). */
      const endOf = async (shiftId: string) =>
        (
          await t.sql<{ ends_at: Date }>('SELECT ends_at FROM shift_assignments WHERE practitioner_id = $1 AND shift_id = $2', [
            a.practitionerId,
            shiftId,
          ])
        )[0].ends_at.toISOString();
      return { a, approvalId: approval.id, past, now, soon, later, onShifts, endOf };
    }

    it('a suspension takes her off every shift ahead and ends the one in progress now (kept as worked up to then), not the past; the answer lists them; on duty and coverage show the gap; each removal audited', async () => {
      const r = await rostered('Suspended Sue');
      const res = await api(manager)
        .post(`/approvals/${r.approvalId}/suspensions`, { reason: 'Interim suspension order by the regulator' })
        .expect(201);
      expect(res.body.status).toBe('suspended');
      expect(res.body.removedFromRota.map((x: { shiftId: string }) => x.shiftId)).toEqual([r.now.id, r.soon.id, r.later.id]);
      expect(res.body.removedFromRota[0].findings).toEqual([
        expect.objectContaining({ code: 'approval-suspended', rule: 'AMHP-07', severity: 'hard' }),
      ]);
      expect((await r.onShifts()).sort()).toEqual([r.past.id, r.now.id].sort());
      expect(await r.endOf(r.now.id)).toBe('2026-11-21T10:00:00.000Z');
      const duty = await api(manager).get('/rota/on-duty').expect(200);
      expect(JSON.stringify(duty.body)).not.toContain('Suspended Sue');
      const coverage = await api(manager).get('/rota/coverage?from=2026-12-02T09:00:00Z&to=2026-12-02T17:00:00Z').expect(200);
      expect(coverage.body.gaps).toEqual([expect.objectContaining({ kind: 'understaffed', shiftId: r.soon.id })]);
      const audit = await t.sql<{ details: { source: string; because: string[] } }>(
        `SELECT details FROM audit_events WHERE action = 'rota.unassign' AND details->>'practitionerId' = $1 ORDER BY id`,
        [r.a.practitionerId],
      );
      expect(audit.map((x) => x.details)).toEqual(
        Array(3).fill(expect.objectContaining({ source: 'approval', because: ['approval-suspended'] })),
      );
    });

    it('an approval ended early takes her off only the shifts after its last day; one made inactive, off every shift ahead and the one in progress ended now', async () => {
      const ended = await rostered('Ended Ed');
      const res = await api(manager)
        .post(`/approvals/${ended.approvalId}/end`, { endedOn: '2026-12-10', reason: 'Moved to another council' })
        .expect(200);
      expect(res.body.removedFromRota.map((x: { shiftId: string }) => x.shiftId)).toEqual([ended.later.id]);
      expect(await ended.onShifts()).toEqual(expect.arrayContaining([ended.past.id, ended.now.id, ended.soon.id]));

      const inactive = await rostered('Inactive Ida');
      const changed = await api(manager).patch(`/practitioners/${inactive.a.practitionerId}`, { active: false }).expect(200);
      expect(changed.body.removedFromRota).toHaveLength(3);
      expect((await inactive.onShifts()).sort()).toEqual([inactive.past.id, inactive.now.id].sort());
      expect(await inactive.endOf(inactive.now.id)).toBe('2026-11-21T10:00:00.000Z');
      // A change that cannot take authority away says nothing of the rota.
      const team = await api(manager).patch(`/practitioners/${ended.a.practitionerId}`, { team: 'North' }).expect(200);
      expect(team.body.removedFromRota).toBeUndefined();
    });
  });

  it.each([
    ['coverage backwards', 'get', '/rota/coverage?from=2026-12-02T09:00:00Z&to=2026-12-02T08:00:00Z', 'to'],
    ['coverage over 93 days', 'get', '/rota/coverage?from=2026-12-02T09:00:00Z&to=2027-06-02T09:00:00Z', 'to'],
    ['shifts listed backwards', 'get', '/rota/shifts?from=2026-12-02T09:00:00Z&to=2026-12-01T09:00:00Z', 'to'],
    ['managers on call listed backwards', 'get', '/rota/manager-on-call?from=2026-12-02T09:00:00Z&to=2026-12-01T09:00:00Z', 'to'],
    ['leave listed backwards', 'get', '/rota/leave?from=2026-12-02T09:00:00Z&to=2026-12-01T09:00:00Z', 'to'],
    ['assignments over 400 days', 'get', '/rota/assignments?from=2026-01-01T00:00:00Z&to=2027-03-01T00:00:00Z', 'to'],
    ['a shift ending before it starts', 'post', '/rota/shifts', 'endsAt'],
  ])('a period %s is refused 422 naming the field', async (_name, method, path, field) => {
    const res =
      method === 'get'
        ? await api(manager).get(path)
        : await t.http
            .post(path)
            .set('authorization', manager.auth)
            .send({ label: 'Backwards', startsAt: '2026-12-08T17:00:00Z', endsAt: '2026-12-08T09:00:00Z', requiredCount: 1 });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('bad-period');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it("an AMHP sees who is on each shift, but not the warnings overridden on a colleague's place nor the manager's reasons; managers and the AMHP herself do", async () => {
    const kemi = await amhp(t, { displayName: 'Kemi Override' });
    const xena = await amhp(t, { displayName: 'Xena Colleague' });
    await t.sql(`UPDATE practitioners SET registration_checked_on = '2025-01-01' WHERE id = $1`, [kemi.practitionerId]);
    const s = await shift('2027-02-10T09:00:00Z', '2027-02-10T17:00:00Z');
    const reason = 'Registration re-check booked with her team manager';
    await api(manager)
      .post(`/rota/shifts/${s.id}/assignments`, {
        practitionerId: kemi.practitionerId,
        overrides: [{ code: 'registration-check-stale', reason }],
      })
      .expect(201);
    const period = 'from=2027-02-10T00:00:00Z&to=2027-02-11T00:00:00Z';
    const views = async (u: TestUser) => {
      const listed = (await api(u).get(`/rota/shifts?${period}`).expect(200)).body.items.find((x: { id: string }) => x.id === s.id);
      const one = (await api(u).get(`/rota/shifts/${s.id}`).expect(200)).body;
      const assignments = (await api(u).get(`/rota/assignments?practitionerId=${kemi.practitionerId}&${period}`).expect(200)).body.items;
      return { listed: listed.assigned, one: one.assigned, warnings: assignments.map((a: { warnings: unknown[] }) => a.warnings) };
    };
    const withheld = await views(xena);
    expect(withheld.listed).toEqual([expect.objectContaining({ displayName: 'Kemi Override', userId: kemi.id, overrides: [] })]);
    expect(withheld.one).toEqual(withheld.listed);
    expect(withheld.warnings).toEqual([[]]);
    for (const reader of [kemi, manager]) {
      const shown = await views(reader);
      const overridden = [expect.objectContaining({ code: 'registration-check-stale', reason })];
      expect(shown.listed).toEqual([expect.objectContaining({ userId: kemi.id, overrides: overridden })]);
      expect(shown.one).toEqual(shown.listed);
      expect(shown.warnings).toEqual([overridden]);
    }
  });
});
