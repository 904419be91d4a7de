import { amhp } from './support/workforce-fixtures';
import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Offers, pages and notifications made at the same instant (the clock does not move here: several in one transaction,
 * or one after another within its resolution) are listed in the order they were made, not in the order of their
 * random ids, so every data set shows them the same way; a list read page by page keeps that order across its pages.
 */
describe('what was made at one instant is listed in the order it was made', () => {
  let t: TestApp;
  let mo: TestUser;
  let amir: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z' });
    mo = await t.user(['manager']);
    amir = await amhp(t);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({ get: (p: string) => t.http.get(p).set('authorization', u.auth) });
  /** Every item of a list read `limit` at a time, following each page's cursor. */
  async function everyPage<T>(u: TestUser, path: string, limit: number): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await as(u).get(q).expect(200)).body as { items: T[]; nextCursor: string | null };
      items.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  it('offers of five jobs made to her at one instant: newest first on her Now screen, and her pages and notifications of them, read two at a time, in the same order', async () => {
    const made: string[] = [];
    for (const name of ['Ash', 'Birch', 'Cedar', 'Damson', 'Elm']) {
      const r = await sent(t, mo.auth, s136Referral(name, '2026-11-21T01:00:00Z'));
      await accepted(t, mo.auth, r.id, [amir.id]);
      made.push(r.id);
    }
    expect(await t.sql(`SELECT DISTINCT offered_at FROM allocation_offers WHERE referral_id = ANY($1::uuid[])`, [made])).toHaveLength(1);
    const newestFirst = [...made].reverse();

    const offers = (await as(amir).get('/me/offers').expect(200)).body.items as Array<{ referralId: string }>;
    expect(offers.map((o) => o.referralId)).toEqual(newestFirst);

    const pages = await everyPage<{ kind: string; referralId: string }>(amir, '/me/pages', 2);
    expect(pages.pages).toBeGreaterThan(2);
    expect(pages.items.filter((p) => p.kind === 'offer').map((p) => p.referralId)).toEqual(newestFirst);

    const notes = await everyPage<{ kind: string; subjectId: string }>(amir, '/me/notifications', 2);
    expect(notes.pages).toBeGreaterThan(2);
    expect(notes.items.filter((n) => n.kind.startsWith('offer')).map((n) => n.subjectId)).toEqual(newestFirst);
  });

  it('referrals due at the same time are queued in the order they were recorded, read two at a time', async () => {
    const recorded: string[] = [];
    for (const name of ['Gean', 'Hazel', 'Ilex', 'Juniper', 'Kowhai']) {
      const r = await sent(t, mo.auth, s136Referral(name, '2026-11-21T01:30:00Z'));
      recorded.push(r.id);
    }
    const queue = await everyPage<{ id: string; nextDeadline: string }>(mo, '/referrals', 2);
    expect(queue.pages).toBeGreaterThan(2);
    const ours = queue.items.filter((r) => recorded.includes(r.id));
    expect(new Set(ours.map((r) => r.nextDeadline)).size).toBe(1);
    expect(ours.map((r) => r.id)).toEqual(recorded);
  });

  it('one job offered to three AMHPs at once lists its offers in the order they were made, the order the hub named them in', async () => {
    const jo = await amhp(t);
    const sue = await amhp(t);
    const r = await sent(t, mo.auth, s136Referral('Fir', '2026-11-21T01:00:00Z'));
    const named = [sue.id, amir.id, jo.id];
    await accepted(t, mo.auth, r.id, named);
    const offers = (await t.http.get(`/referrals/${r.id}/offers`).set('authorization', mo.auth).expect(200)).body.items as Array<{
      userId: string;
    }>;
    expect(offers.map((o) => o.userId)).toEqual(named);
  });
});
