import { HandoversService } from '../src/safeguarding/handovers.service';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The morning handover is a snapshot, over HTTP on real Postgres: compiled once for its date (by the job at 08:00
 * local time, or earlier by a manager), covering the night since the previous one, and never changed after but by
 * acknowledgements. Early December 2026 (GMT, so local time is UTC).
 */
describe('the morning handover, compiled once', () => {
  let t: TestApp;
  let job: HandoversService;
  let personId: string;
  /** Every decision signed, with when. */
  const signed: Array<{ id: string; signedAt: string }> = [];

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-30T20:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', HANDOVER_TIME: '08:00' } });
    job = t.app.get(HandoversService);
    const manager = await t.user(['manager']);
    personId = (await as(manager).post('/people', { givenName: 'Pat', familyName: 'Snapshot', dateOfBirth: '1948-03-02' }).expect(201)).body
      .id;
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
  });

  /** Staff signed in now (their tokens last a day while the clock moves over several). */
  async function staff(): Promise<{ worker: TestUser; manager: TestUser }> {
    const worker = await amhp(t);
    await t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'duty', 'test', 'x', '2026-11-01T00:00:00Z')`,
      [worker.id, personId],
    );
    return { worker, manager: await t.user(['manager']) };
  }

  /** A s.42 decision made and signed by a duty AMHP at `at`. */
  async function signDecision(at: string, worker?: TestUser): Promise<string> {
    t.clock.set(at);
    const author = worker ?? (await staff()).worker;
    const occurredAt = new Date(Date.parse(at) - 10 * 60_000).toISOString();
    const d = (
      await as(author)
        .post('/decisions', {
          type: 'adult-safeguarding',
          occurredAt,
          personId,
          content: {
            question: 'Is it safe for the adult to remain at home tonight?',
            legalFrameworks: ['care-act-s42'],
            powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
            facts: 'Neighbour reports bruising and an unpaid carer shouting; adult has dementia.',
            factSources: ['Neighbour by phone'],
            consultees: [{ name: 'PC Jones', role: 'Police', at: occurredAt, view: 'Adult appears frightened of the carer.' }],
            personViews: 'Wants to stay at home but not with the carer tonight.',
            options: [
              { option: 'Stay at home with a welfare check', leastRestrictive: true, chosen: false, whyRejected: 'Carer lives there.' },
              { option: 'Respite bed at Oak House', leastRestrictive: false, chosen: true },
            ],
            riskAnalysis: 'High risk of further harm tonight; low risk in respite.',
            decision: `Respite bed at Oak House (decided ${at}).`,
            rationale: 'Least restrictive option that removes the immediate risk.',
            actions: [{ description: 'Allocate the s.42 enquiry', ownerTeam: 'Riverside adult social care' }],
            handoverNote: 'Day team to allocate the s.42 enquiry.',
            decisionMakerAuthority: 'AMHP, approved by Northshire CC until 2030',
            // The Safeguarding Adults Collection fields a s.42 decision needs at signing (OOH-09).
            sac: {
              typeOfRisk: ['physical', 'psychological'],
              locationOfRisk: 'own-home',
              sourceOfRisk: 'other-known-to-individual',
              lackedCapacity: 'yes',
              capacitySupport: 'yes',
              mspAsked: 'asked-outcomes-expressed',
            },
          },
          details: { s42: { careAndSupportNeeds: true, abuseOrNeglect: true, unableToProtectSelf: true, evidence: 'Dementia; bruising.' } },
        })
        .expect(201)
    ).body;
    await as(author).post(`/decisions/${d.id}/sign`).expect(200);
    signed.push({ id: d.id, signedAt: at });
    return d.id;
  }

  const decisionIds = (h: { items: Array<{ itemType: string; itemId: string }> }) =>
    h.items.filter((i) => i.itemType === 'decision').map((i) => i.itemId);
  const compiled = (date: string) =>
    t.sql<{ compiled_at: Date; compiled_by: string | null; n: number }>(
      `SELECT h.compiled_at, h.compiled_by, (SELECT count(*)::int FROM handover_items i WHERE i.handover_id = h.id) AS n FROM handovers h WHERE h.handover_date = $1`,
      [date],
    );

  it('a decision signed on 4 December is on the 4 December handover only, and every decision of four nights is handed over exactly once', async () => {
    const nights = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];
    let before = '2026-11-30';
    for (const date of nights) {
      await signDecision(`${before}T22:00:00Z`); // the evening before
      await signDecision(`${date}T03:00:00Z`); // the night
      await signDecision(`${date}T07:59:59Z`); // a moment before the handover
      t.clock.set(`${date}T08:00:00Z`);
      await job.tick();
      // The day-team manager takes on every decision item this morning, so none is carried to the next.
      const { manager } = await staff();
      const h = (await as(manager).get(`/handovers/${date}`).expect(200)).body;
      for (const i of h.items.filter((x: { itemType: string }) => x.itemType === 'decision'))
        await as(manager).post(`/handovers/${date}/items/${i.id}/acknowledgement`, {}).expect(200);
      await signDecision(`${date}T12:00:00Z`); // the day after it: on the next morning's handover
      before = date;
    }
    t.clock.set('2026-12-05T08:00:00Z');
    await job.tick();

    const { manager } = await staff();
    const handovers: Array<{ date: string; items: Array<{ itemType: string; itemId: string }> }> = [];
    for (const date of [...nights, '2026-12-05']) handovers.push((await as(manager).get(`/handovers/${date}`).expect(200)).body);
    const night4 = signed.find((d) => d.signedAt === '2026-12-04T03:00:00Z')!.id;
    expect(handovers.filter((h) => decisionIds(h).includes(night4)).map((h) => h.date)).toEqual(['2026-12-04']);
    // Each decision signed is on exactly one handover: the first compiled after it was signed.
    const listed = handovers.flatMap(decisionIds).sort();
    expect(listed).toEqual(signed.map((d) => d.id).sort());
    for (const d of signed) {
      const on = handovers.filter((h) => decisionIds(h).includes(d.id)).map((h) => h.date);
      expect(on).toEqual([
        d.signedAt < `${d.signedAt.slice(0, 10)}T08:00:00Z` ? d.signedAt.slice(0, 10) : nextDay(d.signedAt.slice(0, 10)),
      ]);
    }
  });

  it("no handover's period starts after its own date's handover time: each runs from where the one before ended to its compilation", async () => {
    const { manager } = await staff();
    const dates = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'];
    const handovers: Array<{ date: string; periodFrom: string; periodTo: string; compiledAt: string }> = [];
    for (const date of dates) handovers.push((await as(manager).get(`/handovers/${date}`).expect(200)).body);
    // The first: from 08:00 the day before (there was no handover before it).
    expect(handovers[0].periodFrom).toBe('2026-11-30T08:00:00.000Z');
    handovers.forEach((h, n) => {
      expect(Date.parse(h.periodFrom)).toBeLessThanOrEqual(Date.parse(`${h.date}T08:00:00Z`));
      expect(h.periodTo).toBe(h.compiledAt);
      expect(Date.parse(h.periodFrom)).toBeLessThan(Date.parse(h.periodTo));
      if (n > 0) expect(h.periodFrom).toBe(handovers[n - 1].periodTo);
    });
  });

  it('reading a handover again shows exactly what was compiled: its time, period and items stay put while decisions are signed and amended', async () => {
    t.clock.set('2026-12-05T10:00:00Z');
    const { worker, manager } = await staff();
    const first = (await as(manager).get('/handovers/2026-12-05').expect(200)).body;
    const before = await compiled('2026-12-05');
    // The decision signed at noon yesterday is on it; its author amends it, and a new decision is signed.
    const onIt = signed.find((d) => d.signedAt === '2026-12-04T12:00:00Z')!.id;
    expect(decisionIds(first)).toContain(onIt);
    t.clock.set('2026-12-05T10:30:00Z');
    await as(manager)
      .post(`/decisions/${onIt}/amendments`, {
        reason: 'The placement changed after the call to Oak House',
        content: { decision: 'Respite bed at Elm Court instead.' },
      })
      .expect(201);
    await signDecision('2026-12-05T10:40:00Z', worker);
    t.clock.set('2026-12-05T11:00:00Z');
    const again = (await as(manager).get('/handovers/2026-12-05').expect(200)).body;
    expect(again).toEqual(first);
    expect(again.items.find((i: { itemId: string }) => i.itemId === onIt).summary.decision).toBe(
      'Respite bed at Oak House (decided 2026-12-04T12:00:00Z).',
    );
    expect(await compiled('2026-12-05')).toEqual(before);
  });

  it('a manager compiles the handover at 07:30 before the job; the job at 08:00 leaves it as it is, and compiling again is refused naming when it was', async () => {
    t.clock.set('2026-12-06T07:30:00Z');
    const { manager } = await staff();
    const res = await as(manager).post('/handovers/2026-12-06/compile').expect(201);
    expect(res.body).toMatchObject({ date: '2026-12-06', compiledBy: manager.id, compiledAt: '2026-12-06T07:30:00.001Z' });
    const previous = (await as(manager).get('/handovers/2026-12-05').expect(200)).body;
    expect(res.body.periodFrom).toBe(previous.compiledAt);
    // The compilation is audited as the manager's, with the read of the persons it lists.
    const audited = await t.sql<{ action: string; actor_id: string }>(
      `SELECT action, actor_id FROM audit_events WHERE resource_type = 'handover' AND resource_id = $1 ORDER BY id`,
      [res.body.id],
    );
    expect(audited).toEqual([
      { action: 'handover.compile', actor_id: manager.id },
      { action: 'handover.read', actor_id: manager.id },
    ]);

    const late = await signDecision('2026-12-06T07:45:00Z');
    const before = await compiled('2026-12-06');
    t.clock.set('2026-12-06T08:00:00Z');
    await job.tick();
    t.clock.set('2026-12-06T08:05:00Z');
    await job.tick();
    expect(await compiled('2026-12-06')).toEqual(before);
    expect(before[0].compiled_by).toBe(manager.id);
    const h = (await as(manager).get('/handovers/2026-12-06').expect(200)).body;
    expect(decisionIds(h)).not.toContain(late);

    const again = await as(manager).post('/handovers/2026-12-06/compile').expect(409);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    expect(again.body).toMatchObject({ code: 'handover-already-compiled', compiledAt: '2026-12-06T07:30:00.001Z' });
    expect(again.body.detail).toContain('07:30 GMT');
    expect(await compiled('2026-12-06')).toEqual(before);

    // The decision signed after the manager compiled is on the next morning's.
    t.clock.set('2026-12-07T08:00:00Z');
    await job.tick();
    const { manager: next } = await staff();
    expect(decisionIds((await as(next).get('/handovers/2026-12-07').expect(200)).body)).toContain(late);
  });

  it('two managers compiling at the same moment: one handover, the other is told it is compiled (409), never an error', async () => {
    t.clock.set('2026-12-08T07:00:00Z');
    const [a, b] = [(await staff()).manager, (await staff()).manager];
    const results = await Promise.all([as(a).post('/handovers/2026-12-08/compile'), as(b).post('/handovers/2026-12-08/compile')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('handover-already-compiled');
    expect(await compiled('2026-12-08')).toHaveLength(1);
  });

  it('a manager and the 08:00 job compiling at the same moment: one handover, whoever lost is refused or does nothing', async () => {
    t.clock.set('2026-12-09T08:00:00Z');
    const { manager } = await staff();
    const [res] = await Promise.all([as(manager).post('/handovers/2026-12-09/compile'), job.tick()]);
    expect([201, 409]).toContain(res.status);
    const rows = await compiled('2026-12-09');
    expect(rows).toHaveLength(1);
    expect(rows[0].compiled_by).toBe(res.status === 201 ? manager.id : null);
  });

  it('refuses to compile a date still to come or one that passed uncompiled (422), a date that is none (400), and refuses AMHPs and admins (403), creating nothing', async () => {
    t.clock.set('2026-12-10T07:00:00Z');
    const { worker, manager } = await staff();
    const admin = await t.user(['admin']);
    expect((await as(manager).post('/handovers/2026-12-11/compile').expect(422)).body.code).toBe('handover-in-future');
    expect((await as(manager).post('/handovers/2026-11-15/compile').expect(422)).body.code).toBe('handover-date-passed');
    await as(manager).post('/handovers/tomorrow/compile').expect(400);
    await as(worker).post('/handovers/2026-12-10/compile').expect(403);
    await as(admin).post('/handovers/2026-12-10/compile').expect(403);
    expect(await t.sql(`SELECT handover_date FROM handovers WHERE handover_date IN ('2026-11-15', '2026-12-10', '2026-12-11')`)).toEqual(
      [],
    );
  });

  it('on the morning the clocks go forward the job compiles at 08:00 BST (07:00 UTC), not an hour late', async () => {
    t.clock.set('2027-03-28T06:59:00Z'); // 07:59 BST
    await job.tick();
    expect(await compiled('2027-03-28')).toEqual([]);
    t.clock.set('2027-03-28T07:00:00Z'); // 08:00 BST
    await job.tick();
    expect(await compiled('2027-03-28')).toEqual([
      expect.objectContaining({ compiled_at: new Date('2027-03-28T07:00:00.001Z'), compiled_by: null }),
    ]);
  });

  it('a compiled handover cannot be altered behind the service: only an acknowledgement is written to it, once', async () => {
    const [h] = await t.sql<{ id: string }>(`SELECT id FROM handovers WHERE handover_date = '2026-12-04'`);
    await expect(t.sql(`UPDATE handovers SET compiled_at = now() WHERE id = $1`, [h.id])).rejects.toThrow(/snapshot/);
    await expect(t.sql(`UPDATE handover_items SET summary = '{}' WHERE handover_id = $1`, [h.id])).rejects.toThrow(/snapshot/);
    const [acked] = await t.sql<{ id: string }>(
      `SELECT id FROM handover_items WHERE handover_id = $1 AND acknowledged_at IS NOT NULL LIMIT 1`,
      [h.id],
    );
    await expect(t.sql(`UPDATE handover_items SET acknowledged_at = now() WHERE id = $1`, [acked.id])).rejects.toThrow(/snapshot/);
  });
});

function nextDay(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
