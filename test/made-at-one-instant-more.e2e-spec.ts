import { randomBytes } from 'node:crypto';
import { amhp } from './support/workforce-fixtures';
import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The rest of the lists whose rows can share their time (the clock does not move here: several made one after another
 * within its resolution): the duty phone's devices, the rota's shifts and a shift's AMHPs (on the rota and on duty),
 * the morning handover, appraisals, practice audits, rota preferences, the accounts that look alike and an
 * assessment's contacts. Each lists what was made at one instant in the order it was made, not in the order of random
 * ids, the same on every read. Eight of each are made, so a list in the order of random ids matches only by chance
 * (one in 40,320).
 */
describe('what else was made at one instant is listed in the order it was made', () => {
  let t: TestApp;
  let mo: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z' });
    mo = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, body: object = {}) => t.http.post(p).set('authorization', u.auth).send(body),
  });
  const EIGHT = [1, 2, 3, 4, 5, 6, 7, 8];
  /**
   * Stores the rows of `table` in the order of their random ids (rewritten in the order of its primary key), as a
   * table rewritten or restored may keep them: a list that broke a tie on nothing showed them in the order stored.
   */
  async function storedInIdOrder(table: string) {
    const [{ pk }] = await t.sql<{ pk: string }>(
      `SELECT indexrelid::regclass::text AS pk FROM pg_index WHERE indrelid = $1::regclass AND indisprimary`,
      [table],
    );
    await t.sql(`CLUSTER ${table} USING ${pk}`);
  }
  /** `read` twice: the same both times, and that is `expected`. */
  async function everyRead(read: () => Promise<string[]>, expected: string[]) {
    for (const _ of [1, 2]) expect(await read()).toEqual(expected);
  }

  it('devices subscribed at one instant: GET /me/push-subscriptions, newest first, lists them the reverse of the order subscribed, every time; one subscribed again is the newest', async () => {
    const amir = await amhp(t);
    const key = () => Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url');
    const subscribed: string[] = [];
    for (const n of EIGHT) {
      const body = {
        endpoint: `https://93.184.216.34/push/phone-${n}`,
        keys: { p256dh: key(), auth: randomBytes(16).toString('base64url') },
      };
      subscribed.push(
        (
          await as(amir)
            .post('/me/push-subscriptions', { ...body, label: `Phone ${n}` })
            .expect(201)
        ).body.id,
      );
    }
    const read = async () =>
      ((await as(amir).get('/me/push-subscriptions').expect(200)).body.items as Array<{ id: string }>).map((x) => x.id);
    expect(
      new Set((await t.sql(`SELECT created_at FROM push_subscriptions WHERE id = ANY($1::uuid[])`, [subscribed])).map(String)).size,
    ).toBe(1);
    await everyRead(read, [...subscribed].reverse());
    // The third phone subscribes again (its key renewed), at the same instant: it is now the newest.
    const again = { endpoint: 'https://93.184.216.34/push/phone-3', keys: { p256dh: key(), auth: randomBytes(16).toString('base64url') } };
    expect((await as(amir).post('/me/push-subscriptions', again).expect(201)).body.id).toBe(subscribed[2]);
    await everyRead(read, [subscribed[2], ...[...subscribed].reverse().filter((id) => id !== subscribed[2])]);
  });

  describe('shifts with the same start and label, and AMHPs of the same name put on a shift at one instant', () => {
    const shifts: string[] = [];
    const putOn: string[] = [];
    beforeAll(async () => {
      for (const _ of EIGHT) {
        const body = { label: 'Extra', startsAt: '2026-11-21T09:00:00Z', endsAt: '2026-11-21T17:00:00Z', requiredCount: 8 };
        shifts.push((await as(mo).post('/rota/shifts', body).expect(201)).body.id);
      }
      for (const _ of EIGHT) {
        const sam = await amhp(t, { displayName: 'Sam Jones' });
        await as(mo).post(`/rota/shifts/${shifts[0]}/assignments`, { practitionerId: sam.practitionerId }).expect(201);
        putOn.push(sam.id);
      }
      await storedInIdOrder('shifts');
      await storedInIdOrder('shift_assignments');
    });

    it("GET /rota/shifts lists the shifts, and the first shift's AMHPs, in the order they were made, every time", async () => {
      await everyRead(async () => {
        const items = (await as(mo).get('/rota/shifts?from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z').expect(200)).body.items as Array<{
          id: string;
          assigned: Array<{ userId: string }>;
        }>;
        return [...items.map((s) => s.id), ...items.find((s) => s.id === shifts[0])!.assigned.map((a) => a.userId)];
      }, [...shifts, ...putOn]);
    });

    it("GET /rota/on-duty lists them as next in the order they were made, and the first one's AMHPs (all named Sam Jones) in the order put on, every time", async () => {
      const read = async () =>
        (await as(mo).get('/rota/on-duty').expect(200)).body as { next: Array<{ shiftId: string; amhps: Array<{ userId: string }> }> };
      await everyRead(async () => {
        const { next } = await read();
        return [...next.map((s) => s.shiftId), ...next.find((s) => s.shiftId === shifts[0])!.amhps.map((a) => a.userId)];
      }, [...shifts, ...putOn]);
    });
  });

  it('decisions of the same time: the morning handover lists its items in the order they were recorded, every time', async () => {
    const recorded: string[] = [];
    for (const n of EIGHT) {
      const res = await as(mo).post('/decisions', {
        type: 'other',
        occurredAt: '2026-11-21T01:15:00Z',
        personDetails: { name: `Handed Over ${n}` },
      });
      expect(res.status).toBe(201);
      recorded.push(res.body.id);
    }
    await as(mo).post('/handovers/2026-11-21/compile').expect(201);
    await everyRead(async () => {
      const items = (await as(mo).get('/handovers/2026-11-21').expect(200)).body.items as Array<{ itemType: string; itemId: string }>;
      return items.filter((i) => i.itemType === 'decision').map((i) => i.itemId);
    }, recorded);
  });

  it("appraisals held on one day and practice audits of one day, recorded at one instant: a practitioner's lists, most recent first, give them the reverse of the order recorded, every time", async () => {
    const ann = await amhp(t);
    const auditor = await t.user(['auditor']);
    const appraisals: string[] = [];
    const audits: string[] = [];
    for (const n of EIGHT) {
      const appraisal = {
        heldOn: '2026-10-01',
        periodFrom: '2025-10-01',
        periodTo: '2026-09-30',
        outcome: 'meets',
        summary: `Appraisal ${n}`,
      };
      appraisals.push((await as(mo).post(`/practitioners/${ann.practitionerId}/appraisals`, appraisal).expect(201)).body.id);
      const audit = { workReference: `ASMT-2026-0000${n}`, themes: [], findings: `Audit ${n}`, rating: 'good', score: 80 };
      audits.push((await as(auditor).post(`/practitioners/${ann.practitionerId}/practice-audits`, audit).expect(201)).body.id);
    }
    // Recorded at one instant (a record's time is its transaction's: those recorded in one share it).
    await t.sql(`UPDATE appraisals SET created_at = '2026-11-21T02:00:00Z' WHERE id = ANY($1::uuid[])`, [appraisals]);
    await t.sql(`UPDATE practice_audits SET created_at = '2026-11-21T02:00:00Z' WHERE id = ANY($1::uuid[])`, [audits]);
    await storedInIdOrder('appraisals');
    await storedInIdOrder('practice_audits');
    const ids = async (path: string) => ((await as(mo).get(path).expect(200)).body.items as Array<{ id: string }>).map((x) => x.id);
    await everyRead(() => ids(`/practitioners/${ann.practitionerId}/appraisals`), [...appraisals].reverse());
    await everyRead(() => ids(`/practitioners/${ann.practitionerId}/practice-audits`), [...audits].reverse());
  });

  it('rota preferences recorded at one instant: GET /rota/preferences lists them in the order they were recorded, every time', async () => {
    const ann = await amhp(t);
    const recorded: string[] = [];
    for (const n of EIGHT) {
      const body = { practitionerId: ann.practitionerId, onDate: `2027-03-0${n}`, weight: 10, note: `Preference ${n}` };
      recorded.push((await as(mo).post('/rota/preferences', body).expect(201)).body.id);
    }
    // Recorded at one instant (a preference's time is its transaction's: those recorded in one share it).
    await t.sql(`UPDATE rota_preferences SET created_at = '2026-11-21T02:00:00Z' WHERE id = ANY($1::uuid[])`, [recorded]);
    await everyRead(
      async () =>
        ((await as(mo).get(`/rota/preferences?practitionerId=${ann.practitionerId}`).expect(200)).body.items as Array<{ id: string }>).map(
          (x) => x.id,
        ),
      recorded,
    );
  });

  it('accounts made at one instant whose addresses look alike: GET /users/look-alikes, oldest first, lists them in the order they were made, every time', async () => {
    const admin = await t.user(['admin']);
    const made: string[] = [];
    // As they were stored before look-alike addresses were refused: written straight to the table, a zero-width space
    // in a different place in each.
    for (const n of EIGHT) {
      const local = 'pat.quinn';
      made.push((await t.user(['amhp'], { email: `${local.slice(0, n)}\u200b${local.slice(n)}@council.test` })).id);
    }
    await t.sql(`UPDATE users SET created_at = '2026-11-21T02:00:00Z' WHERE id = ANY($1::uuid[])`, [made]);
    await everyRead(async () => {
      const groups = (await as(admin).get('/users/look-alikes').expect(200)).body.items as Array<{ accounts: Array<{ id: string }> }>;
      return groups.find((g) => g.accounts.some((a) => a.id === made[0]))!.accounts.map((a) => a.id);
    }, made);
  });

  it('contacts at the same time: an assessment lists them in the order they were recorded, every time', async () => {
    const amir = await amhp(t);
    const r = await sent(t, mo.auth, s136Referral('Contact', '2026-11-21T01:00:00Z'));
    await accepted(t, mo.auth, r.id);
    await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
    const a = (await as(amir).post('/assessments', { referralId: r.id }).expect(201)).body as { id: string };
    const recorded: string[] = [];
    for (const n of EIGHT) {
      const body = { at: '2026-11-21T01:45:00Z', mode: 'phone', byRole: 'other', byName: `Caller ${n}` };
      recorded.push((await as(amir).post(`/assessments/${a.id}/contacts`, body).expect(201)).body.contacts.at(-1).id);
    }
    await everyRead(
      async () =>
        ((await as(amir).get(`/assessments/${a.id}`).expect(200)).body.contacts as Array<{ byName: string }>).map((c) => c.byName),
      EIGHT.map((n) => `Caller ${n}`),
    );
    expect(recorded).toHaveLength(8);
  });
});
