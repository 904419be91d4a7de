import { randomUUID } from 'node:crypto';
import { sealCursor } from '../src/common/pagination';
import { AppConfig } from '../src/config/app-config';
import { amhp, insertDoctor } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The lists ordered by a name, and the nearest-relative lists ordered by a time: two people, practitioners or doctors
 * of one name, and a person's relatives, objections and s.29 applications recorded at one instant (the clock does not
 * move here), come in the order they were recorded, not in the order of their random ids, the same on every read and
 * across a list's pages. Eight of each are made, so a list in the order of random ids matches only by chance (one in
 * 40,320).
 */
describe('what shares a name or an instant is listed in the order it was recorded', () => {
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

  /** Every item of a list read `limit` at a time, following each page's cursor. */
  async function everyPage<T>(path: string, limit: number): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = (await as(mo).get(q).expect(200)).body as { items: T[]; nextCursor: string | null };
      items.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }
  /** `read` twice: the same both times, and that is `expected`. */
  async function everyRead(read: () => Promise<string[]>, expected: string[]) {
    for (const _ of [1, 2]) expect(await read()).toEqual(expected);
  }
  /** Stores the rows of `table` in the order of their random ids (rewritten in the order of its primary key). */
  async function storedInIdOrder(table: string) {
    const [{ pk }] = await t.sql<{ pk: string }>(
      `SELECT indexrelid::regclass::text AS pk FROM pg_index WHERE indrelid = $1::regclass AND indisprimary`,
      [table],
    );
    await t.sql(`CLUSTER ${table} USING ${pk}`);
  }
  /** A cursor of the form `path` gave before (its tie broken by a random id) is a 400 naming `cursor`. */
  async function oldCursorRefused(path: string, oldCursor: unknown[]) {
    const old = Buffer.from(JSON.stringify(oldCursor)).toString('base64url');
    const refused = await as(mo)
      .get(`${path}${path.includes('?') ? '&' : '?'}limit=1&cursor=${old}`)
      .expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  }

  it('eight people named John Smith born on one day: GET /people, read three at a time, finds them in the order they were recorded, every time; a cursor of the old form is a 400 naming cursor', async () => {
    const recorded: string[] = [];
    for (const _ of EIGHT) {
      recorded.push(
        (await as(mo).post('/people', { givenName: 'John', familyName: 'Smith', dateOfBirth: '1980-01-01' }).expect(201)).body.id,
      );
    }
    await everyRead(async () => {
      const found = await everyPage<{ id: string }>('/people?familyName=Smith&dateOfBirth=1980-01-01', 3);
      expect(found.pages).toBe(3);
      return found.items.map((p) => p.id);
    }, recorded);
    // The search's cursor is sealed for this caller and search: one of the old form (names and a random id), sealed
    // as the service sealed them, is refused as any cursor the API did not give.
    const search = '/people?familyName=Smith&dateOfBirth=1980-01-01';
    const old = sealCursor(t.app.get(AppConfig).cursorKey, `person-search:${mo.id}:${JSON.stringify(['Smith', '1980-01-01'])}`, [
      'Smith',
      'John',
      randomUUID(),
    ]);
    const refused = await as(mo).get(`${search}&limit=1&cursor=${old}`).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    // One of the new form, sealed the same way, is taken: the search goes on after it.
    const now = sealCursor(t.app.get(AppConfig).cursorKey, `person-search:${mo.id}:${JSON.stringify(['Smith', '1980-01-01'])}`, [
      'Smith',
      'John',
      (await t.sql<{ seq: string }>('SELECT seq::text FROM persons WHERE id = $1', [recorded[5]]))[0].seq,
    ]);
    const after = (await as(mo).get(`${search}&cursor=${now}`).expect(200)).body.items as Array<{ id: string }>;
    expect(after.map((p) => p.id)).toEqual(recorded.slice(6));
  });

  describe('eight practitioners named Sam Jones', () => {
    const recorded: Array<{ id: string; practitionerId: string }> = [];
    beforeAll(async () => {
      // Each with an approval ending on one day, within the reapproval reminders' reach.
      for (const _ of EIGHT)
        recorded.push(await amhp(t, { displayName: 'Sam Jones', approval: { startsOn: '2024-01-15', endsOn: '2027-01-14' } }));
    });
    const ours = (ids: string[]) => ids.filter((id) => recorded.some((r) => r.practitionerId === id));

    it('GET /practitioners, read three at a time, lists them in the order they were recorded, every time; a cursor of the old form is a 400 naming cursor', async () => {
      await everyRead(
        async () => ours((await everyPage<{ id: string }>('/practitioners', 3)).items.map((p) => p.id)),
        recorded.map((r) => r.practitionerId),
      );
      await oldCursorRefused('/practitioners', ['sam jones', randomUUID()]);
    });

    it('the supervision overview (none of them ever supervised, so all equally due) lists them in the order they were recorded, every time', async () => {
      await everyRead(
        async () =>
          ours(
            ((await as(mo).get('/supervision/overdue').expect(200)).body.items as Array<{ practitionerId: string }>).map(
              (x) => x.practitionerId,
            ),
          ),
        recorded.map((r) => r.practitionerId),
      );
    });

    it('GET /approvals/reapproval-due (approvals ending on one day, then by name) lists them in the order they were recorded, every time', async () => {
      // That list broke no tie after the name: the rows came in the order stored. Stored in the order of their random
      // ids, as a table rewritten or restored may keep them.
      for (const table of ['practitioners', 'approvals']) await storedInIdOrder(table);
      await everyRead(
        async () =>
          ours(
            ((await as(mo).get('/approvals/reapproval-due?withinDays=60').expect(200)).body.items as Array<{ practitionerId: string }>).map(
              (x) => x.practitionerId,
            ),
          ),
        recorded.map((r) => r.practitionerId),
      );
    });

    it('GET /training/shortfalls (by name) lists them, each short of the hours of the approval year just ended, in the order they were recorded, every time', async () => {
      // That list broke no tie of names: the rows came in the order stored. Stored in the order of their random ids.
      for (const table of ['practitioners', 'users', 'approvals', 'training_records']) await storedInIdOrder(table);
      await everyRead(
        async () =>
          ours(
            ((await as(mo).get('/training/shortfalls').expect(200)).body.items as Array<{ practitionerId: string; dueBy: string }>)
              .filter((x) => x.dueBy === '2026-01-14')
              .map((x) => x.practitionerId),
          ),
        recorded.map((r) => r.practitionerId),
      );
    });

    it("the fairness report and a proposed plan's fairness list them in the order they were recorded, every time", async () => {
      const period = 'from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z';
      await everyRead(
        async () =>
          ours(
            ((await as(mo).get(`/rota/fairness?${period}`).expect(200)).body.people as Array<{ practitionerId: string }>).map(
              (x) => x.practitionerId,
            ),
          ),
        recorded.map((r) => r.practitionerId),
      );
      await everyRead(
        async () => {
          const plan = (await as(mo).post('/rota/plans', { from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' }).expect(201)).body;
          return ours((plan.fairness.people as Array<{ practitionerId: string }>).map((x) => x.practitionerId));
        },
        recorded.map((r) => r.practitionerId),
      );
    });
  });

  it('eight doctors named Ada Bello: GET /doctors?q=Bello, read three at a time, lists them in the order they were recorded, every time; a cursor of the old form is a 400 naming cursor', async () => {
    const recorded: string[] = [];
    for (const n of EIGHT) recorded.push(await insertDoctor(t, 'Ada Bello', `70000${n}0`));
    await everyRead(async () => {
      const found = await everyPage<{ id: string }>('/doctors?q=Bello', 3);
      expect(found.pages).toBe(3);
      return found.items.map((d) => d.id);
    }, recorded);
    await oldCursorRefused('/doctors?q=Bello', [0, 'ada bello', randomUUID()]);
  });

  it("a doctor's eight s.12 approvals from one day: GET /doctors/{id} lists them in the order they were recorded, every time", async () => {
    const doctor = await insertDoctor(t, 'Kofi Mensah', '7100001');
    const recorded: string[] = [];
    for (const n of EIGHT) {
      const [{ id }] = await t.sql<{ id: string }>(
        `INSERT INTO doctor_approvals (doctor_id, kind, starts_on, ends_on, approving_body) VALUES ($1, 's12', '2025-01-01', '2029-12-31', $2) RETURNING id`,
        [doctor, `Approvals panel ${n}`],
      );
      recorded.push(id);
    }
    await everyRead(
      async () => ((await as(mo).get(`/doctors/${doctor}`).expect(200)).body.approvals as Array<{ id: string }>).map((a) => a.id),
      recorded,
    );
  });

  describe("one person's nearest-relative facts recorded at one instant", () => {
    let person: string;
    beforeAll(async () => {
      person = (await as(mo).post('/people', { givenName: 'Robin', familyName: 'Ashdown', dateOfBirth: '1985-03-03' }).expect(201)).body.id;
    });
    const ids = async (path: string) =>
      ((await as(mo).get(`/people/${person}/${path}`).expect(200)).body.items as Array<{ id: string }>).map((x) => x.id);

    it('relatives: GET /people/{id}/relatives lists them in the order they were recorded, every time', async () => {
      const recorded: string[] = [];
      for (const n of EIGHT) {
        recorded.push(
          (
            await as(mo)
              .post(`/people/${person}/relatives`, { name: `Sibling ${n}`, relationship: 'sibling' })
              .expect(201)
          ).body.id,
        );
      }
      await everyRead(() => ids('relatives'), recorded);
    });

    it('objections notified at one time: GET /people/{id}/nearest-relative-objections, newest first, lists them the reverse of the order recorded, every time', async () => {
      const recorded: string[] = [];
      for (const n of EIGHT) {
        const body = { notifiedAt: '2026-11-21T01:00:00Z', notifiedTo: 'amhp', details: `Objection ${n}` };
        recorded.push((await as(mo).post(`/people/${person}/nearest-relative-objections`, body).expect(201)).body.id);
      }
      await everyRead(() => ids('nearest-relative-objections'), [...recorded].reverse());
    });

    it('s.29 applications filed at one time: GET /people/{id}/displacements, newest first, lists them the reverse of the order recorded, every time', async () => {
      const recorded: string[] = [];
      for (const _ of EIGHT) {
        recorded.push(
          (await as(mo).post(`/people/${person}/displacements`, { ground: 'e', filedAt: '2026-11-21T01:30:00Z' }).expect(201)).body.id,
        );
      }
      await everyRead(() => ids('displacements'), [...recorded].reverse());
    });
  });
});
