import { randomBytes, randomUUID } from 'node:crypto';
import { amhp } from './support/workforce-fixtures';
import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** A fresh valid NHS number (modulus 11, weights 10..2). */
function nhsNumber(): string {
  for (;;) {
    const nine = String(100000000 + (randomBytes(4).readUInt32BE() % 900000000));
    const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return nine + String(check === 11 ? 0 : check);
  }
}

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

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, body: object = {}) => t.http.post(p).set('authorization', u.auth).send(body),
  });
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
  /**
   * The list at `path` read one at a time, twice: the same items both times, in one order (the ids of those `ours`
   * keeps, as `idOf` gives them); and a cursor of the form it had before (a time and a random id) is a 400 naming
   * `cursor`.
   */
  async function listedOneAtATime<T>(u: TestUser, path: string, idOf: (item: T) => string, ours: string[], oldCursor: unknown[]) {
    const reads: string[][] = [];
    for (const _ of [1, 2]) {
      const all = await everyPage<T>(u, path, 1);
      expect(all.pages).toBeGreaterThanOrEqual(ours.length);
      reads.push(all.items.map(idOf).filter((id) => ours.includes(id)));
    }
    expect(reads[1]).toEqual(reads[0]);
    const old = Buffer.from(JSON.stringify(oldCursor)).toString('base64url');
    const refused = await as(u)
      .get(`${path}${path.includes('?') ? '&' : '?'}limit=1&cursor=${old}`)
      .expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    return reads[0];
  }
  const NOW = '2026-11-21T02:00:00.000Z';

  it('assessments opened at one instant: GET /assessments, newest first, read one at a time, lists them the reverse of the order they were opened, every time', async () => {
    const opened: string[] = [];
    for (const name of ['Larch', 'Maple', 'Nutmeg', 'Olive', 'Pine']) {
      const r = await sent(t, mo.auth, s136Referral(name, '2026-11-21T01:00:00Z'));
      await accepted(t, mo.auth, r.id);
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      opened.push((await as(amir).post('/assessments', { referralId: r.id }).expect(201)).body.id);
    }
    expect(await t.sql(`SELECT DISTINCT opened_at FROM assessments WHERE id = ANY($1::uuid[])`, [opened])).toHaveLength(1);
    const listed = await listedOneAtATime<{ id: string }>(mo, '/assessments', (a) => a.id, opened, [NOW, randomUUID()]);
    expect(listed).toEqual([...opened].reverse());
  });

  it('decisions of the same time: GET /decisions, newest first, read one at a time, lists them the reverse of the order they were recorded, every time', async () => {
    const recorded: string[] = [];
    for (const name of ['Quince', 'Rowan', 'Sorrel', 'Tamarind', 'Umbrella']) {
      const res = await as(mo).post('/decisions', {
        type: 'other',
        occurredAt: '2026-11-21T01:15:00Z',
        personDetails: { name: `${name} Person` },
      });
      expect(res.status).toBe(201);
      recorded.push(res.body.id);
    }
    const listed = await listedOneAtATime<{ id: string }>(mo, '/decisions', (d) => d.id, recorded, [
      '2026-11-21T01:15:00.000Z',
      randomUUID(),
    ]);
    expect(listed).toEqual([...recorded].reverse());
  });

  it('shifts with the same start and label: GET /rota/shifts lists them in the order they were made, every time, a note added to the first two since moving nothing', async () => {
    const made: string[] = [];
    for (const _ of [1, 2, 3, 4, 5]) {
      const body = { label: 'Extra', startsAt: '2026-12-02T09:00:00Z', endsAt: '2026-12-02T17:00:00Z', requiredCount: 1 };
      made.push((await as(mo).post('/rota/shifts', body).expect(201)).body.id);
    }
    for (const id of made.slice(0, 2)) {
      await t.http.patch(`/rota/shifts/${id}`).set('authorization', mo.auth).send({ notes: 'Cover for the training day' }).expect(200);
    }
    const read = async () =>
      ((await as(mo).get('/rota/shifts?from=2026-12-02T00:00:00Z&to=2026-12-03T00:00:00Z').expect(200)).body.items as Array<{ id: string }>)
        .map((x) => x.id)
        .filter((id) => made.includes(id));
    expect(await read()).toEqual(made);
    expect(await read()).toEqual(made);
  });

  it('leave starting at the same time: GET /rota/leave, soonest first, read one at a time, lists it in the order it was asked for, every time', async () => {
    const asked: string[] = [];
    for (const _ of [1, 2, 3, 4, 5]) {
      const who = await amhp(t);
      const body = { kind: 'annual', startsAt: '2026-12-14T00:00:00Z', endsAt: '2026-12-15T00:00:00Z' };
      asked.push((await as(who).post('/rota/leave', body).expect(201)).body.id);
    }
    const path = '/rota/leave?from=2026-12-14T00:00:00Z&to=2026-12-15T00:00:00Z';
    const listed = await listedOneAtATime<{ id: string }>(mo, path, (l) => l.id, asked, ['2026-12-14T00:00:00.000Z', randomUUID()]);
    expect(listed).toEqual(asked);
  });

  it('swaps offered at one instant: GET /rota/swaps, newest first, read one at a time, lists them the reverse of the order they were offered, every time', async () => {
    const shift = (
      await as(mo)
        .post('/rota/shifts', { label: 'Swap day', startsAt: '2026-12-09T09:00:00Z', endsAt: '2026-12-09T17:00:00Z', requiredCount: 5 })
        .expect(201)
    ).body as { id: string };
    const offered: string[] = [];
    for (const _ of [1, 2, 3, 4, 5]) {
      const who = await amhp(t);
      const assigned = (await as(mo).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId: who.practitionerId }).expect(201)).body
        .assigned as Array<{ practitionerId: string; assignmentId: string }>;
      const assignmentId = assigned.find((a) => a.practitionerId === who.practitionerId)!.assignmentId;
      offered.push((await as(who).post('/rota/swaps', { assignmentId }).expect(201)).body.id);
    }
    // A swap's time is its transaction's: offers made in one transaction share it.
    await t.sql(`UPDATE swap_requests SET created_at = $2 WHERE id = ANY($1::uuid[])`, [offered, NOW]);
    const listed = await listedOneAtATime<{ id: string }>(mo, '/rota/swaps', (x) => x.id, offered, [NOW, randomUUID()]);
    expect(listed).toEqual([...offered].reverse());
  });

  it('person matches asked for at one instant: GET /people/matches, oldest first, read one at a time, lists them in the order they were asked for, every time', async () => {
    const referrer = await t.user(['referrer']);
    const pending: string[] = [];
    for (const name of ['Vetch', 'Willow', 'Xylosma', 'Yew', 'Zelkova']) {
      const nhs = nhsNumber();
      await as(mo).post('/people', { nhsNumber: nhs, givenName: 'Recorded', familyName: name, dateOfBirth: '1980-01-01' }).expect(201);
      pending.push((await as(referrer).post('/people', { nhsNumber: nhs, givenName: 'Sent', familyName: name }).expect(201)).body.id);
    }
    expect(
      await t.sql(`SELECT DISTINCT requested_at FROM person_matches WHERE pending_person_id = ANY($1::uuid[])`, [pending]),
    ).toHaveLength(1);
    const listed = await listedOneAtATime<{ pendingPerson: { id: string } }>(mo, '/people/matches', (x) => x.pendingPerson.id, pending, [
      NOW,
      randomUUID(),
    ]);
    expect(listed).toEqual(pending);
  });

  it('CTO extension requests received at one instant for the same expiry: GET /cto-extensions, read one at a time, lists them in the order they were received, every time', async () => {
    const received: string[] = [];
    for (const name of ['Acacia', 'Banyan', 'Catalpa', 'Dogwood', 'Eucalyptus']) {
      const personId = (await as(mo).post('/people', { givenName: 'Cto', familyName: name, dateOfBirth: '1975-05-05' }).expect(201)).body
        .id;
      const body = {
        personId,
        responsibleClinician: 'Dr A Khan',
        ctoMadeOn: '2026-05-25',
        ctoExpiresOn: '2026-11-24',
        rcExaminedOn: '2026-11-10',
      };
      received.push((await as(mo).post('/cto-extensions', body).expect(201)).body.id);
    }
    expect(await t.sql(`SELECT DISTINCT received_at FROM cto_extensions WHERE id = ANY($1::uuid[])`, [received])).toHaveLength(1);
    const listed = await listedOneAtATime<{ id: string }>(mo, '/cto-extensions', (c) => c.id, received, ['2026-11-24', NOW, randomUUID()]);
    expect(listed).toEqual(received);
  });
  it('follow-up actions due at the same time: GET /actions, due first, read one at a time, lists them in the order they were recorded, every time', async () => {
    const handover = (await as(mo).post('/handovers/2026-11-21/compile').expect(201)).body as { id: string };
    const recorded: string[] = [];
    for (const what of ['Call the ward', 'Call the GP', 'Write to the family', 'Book the interpreter', 'Chase the bed']) {
      const body = {
        sourceType: 'handover',
        sourceId: handover.id,
        description: what,
        ownerUserId: amir.id,
        dueAt: '2026-11-21T12:00:00Z',
      };
      recorded.push((await as(mo).post('/actions', body).expect(201)).body.id);
    }
    const listed = await listedOneAtATime<{ id: string }>(mo, '/actions', (a) => a.id, recorded, [
      '2026-11-21T12:00:00.000Z',
      randomUUID(),
    ]);
    expect(listed).toEqual(recorded);
  });

  it('break-glass sessions opened at one instant: GET /break-glass/mine, and the review alerts they raise (GET /review-alerts, read one at a time), newest first, every time', async () => {
    const jo = await amhp(t);
    const auditor = await t.user(['auditor']);
    const opened: string[] = [];
    for (const name of ['Alder', 'Beech', 'Cherry', 'Date', 'Elder']) {
      const [{ id: personId }] = await t.sql<{ id: string }>(
        `INSERT INTO persons (given_name, family_name, created_by) VALUES ('Glass', $1, $2) RETURNING id`,
        [name, mo.id],
      );
      const reason = 'Police at the door at 2am, s.136 detention, no allocated AMHP reachable';
      opened.push((await as(jo).post('/break-glass', { personId, reason }).expect(201)).body.id);
    }
    const newestFirst = [...opened].reverse();
    for (const _ of [1, 2]) {
      const mine = (await as(jo).get('/break-glass/mine').expect(200)).body.items as Array<{ id: string }>;
      expect(mine.map((x) => x.id)).toEqual(newestFirst);
    }
    const alerts = await listedOneAtATime<{ subjectId: string }>(auditor, '/review-alerts', (a) => a.subjectId, opened, [
      NOW,
      randomUUID(),
    ]);
    expect(alerts).toEqual(newestFirst);
  });
  it('supervision sessions held on the same day, and the actions agreed in one due the same day: GET /supervision-sessions (newest first) and GET /supervision-actions (due first), read one at a time, list them in the order they were recorded, every time', async () => {
    const supervisee = await amhp(t);
    const recorded: string[] = [];
    const session = (actions: object[] = []) => ({
      superviseeId: supervisee.practitionerId,
      supervisorUserId: mo.id,
      heldOn: '2026-11-20',
      type: 'professional',
      durationMinutes: 60,
      actions,
    });
    for (const _ of [1, 2, 3, 4]) recorded.push((await as(mo).post('/supervision-sessions', session()).expect(201)).body.id);
    const agreed = ['Read the NR chapter', 'Shadow a s.136', 'Update the portfolio', 'Book the refresher', 'Reflect on the case'];
    const last = (
      await as(mo)
        .post(
          '/supervision-sessions',
          session(agreed.map((description) => ({ description, ownerUserId: supervisee.id, dueOn: '2026-12-18' }))),
        )
        .expect(201)
    ).body as { id: string };
    recorded.push(last.id);
    const path = `/supervision-sessions?superviseeId=${supervisee.practitionerId}`;
    const sessions = await listedOneAtATime<{ id: string }>(mo, path, (x) => x.id, recorded, ['2026-11-20', randomUUID()]);
    expect(sessions).toEqual([...recorded].reverse());
    const actionIds = (await t.sql<{ id: string }>(`SELECT id FROM supervision_actions WHERE session_id = $1`, [last.id])).map((r) => r.id);
    const actions = await listedOneAtATime<{ id: string; description: string }>(
      mo,
      `/supervision-actions?sessionId=${last.id}`,
      (x) => x.id,
      actionIds,
      ['2026-12-18', randomUUID()],
    );
    const described = new Map(
      (
        await t.sql<{ id: string; description: string }>(`SELECT id, description FROM supervision_actions WHERE session_id = $1`, [last.id])
      ).map((r) => [r.id, r.description]),
    );
    expect(actions.map((id) => described.get(id))).toEqual(agreed);
  });
  it('amendments of a signed decision made at one instant: GET /decisions/{id}/history lists them in the order they were made, every time', async () => {
    const content = {
      question: 'Is it safe for the adult to remain at home tonight?',
      legalFrameworks: ['care-act-s42'],
      powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
      facts: 'Neighbour reports bruising.',
      factSources: ['Neighbour by phone 01:40'],
      consultees: [{ name: 'PC Jones', role: 'Police', at: '2026-11-21T01:45:00Z', view: 'Adult appears frightened of the carer.' }],
      personViews: 'Wants to stay at home but not with the carer tonight.',
      options: [{ option: 'Respite bed at Oak House', leastRestrictive: true, chosen: true }],
      riskAnalysis: 'High risk of further harm tonight; low risk in respite.',
      decision: 'Respite bed tonight at Oak House.',
      rationale: 'Least restrictive option that removes the immediate risk.',
      actions: [{ description: 'Start the s.42 enquiry', ownerUserId: mo.id, dueAt: '2026-11-21T09:00:00Z' }],
      handoverNote: 'Day team to follow up.',
      decisionMakerAuthority: 'AMHP, approved by Northshire CC until 2030; EDT delegated authority',
    };
    const d = await as(mo).post('/decisions', {
      type: 'other',
      occurredAt: '2026-11-21T01:30:00Z',
      personDetails: { name: 'Fern Person' },
      content,
    });
    expect(d.status).toBe(201);
    await as(mo).post(`/decisions/${d.body.id}/sign`).expect(200);
    const made: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const facts = `Neighbour reports bruising; correction ${n}.`;
      await as(mo)
        .post(`/decisions/${d.body.id}/amendments`, { reason: `Correcting the facts, number ${n}`, content: { facts } })
        .expect(201);
      made.push(`Correcting the facts, number ${n}`);
    }
    for (const _ of [1, 2]) {
      const amendments = (await as(mo).get(`/decisions/${d.body.id}/history`).expect(200)).body.amendments as Array<{
        reason: string;
        amendedAt: string;
      }>;
      expect(new Set(amendments.map((a) => a.amendedAt)).size).toBe(1);
      expect(amendments.map((a) => a.reason)).toEqual(made);
    }
  });
  it('webhook subscriptions made at one instant: GET /webhooks lists them in the order they were made, every time', async () => {
    const admin = await t.user(['admin']);
    const made: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      made.push(
        (
          await as(admin)
            .post('/webhooks', { url: `https://93.184.216.34/hook-${n}`, eventTypes: ['*'] })
            .expect(201)
        ).body.id,
      );
    }
    for (const _ of [1, 2]) {
      const items = (await as(admin).get('/webhooks').expect(200)).body.items as Array<{ id: string }>;
      expect(items.map((x) => x.id).filter((id) => made.includes(id))).toEqual(made);
    }
  });

  it('calendar feed tokens made at one instant: GET /rota/calendar-tokens, newest first, lists them the reverse of the order they were made, every time', async () => {
    const ann = await amhp(t);
    const made: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      made.push(
        (
          await as(ann)
            .post('/rota/calendar-tokens', { scope: 'practitioner', label: `Phone ${n}` })
            .expect(201)
        ).body.id,
      );
    }
    for (const _ of [1, 2]) {
      const items = (await as(ann).get('/rota/calendar-tokens').expect(200)).body.items as Array<{ id: string }>;
      expect(items.map((x) => x.id)).toEqual([...made].reverse());
    }
  });
});
