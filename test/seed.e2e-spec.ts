import { DEMO_PASSWORD, DemoSeed } from '../src/seed/demo-seed';
import { createTestApp, TestApp } from './support/test-app';

describe('demo seed (npm start on an empty database)', () => {
  let t: TestApp;
  let seeded: Awaited<ReturnType<DemoSeed['seedIfEmpty']>>;
  let manager: string;
  let auditor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z' });
    seeded = await t.app.get(DemoSeed).seedIfEmpty({ history: false });
    const login = async (email: string) =>
      `Bearer ${(await t.http.post('/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200)).body.accessToken}`;
    manager = await login('manager@demo.amhp-hub.local');
    auditor = await login('auditor@demo.amhp-hub.local');
  }, 180_000); // the whole demo hub through the real services: minutes on a machine busy with other work
  afterAll(() => t.close());

  it('creates the demo hub once: admin, manager, auditor, referrer and 12 AMHPs who can sign in', async () => {
    expect(seeded).toHaveLength(16);
    expect(await t.app.get(DemoSeed).seedIfEmpty()).toBeUndefined();
    await t.http.post('/auth/login').send({ email: 'asha.patel@demo.amhp-hub.local', password: DEMO_PASSWORD }).expect(200);
  });

  it('gives the 12 AMHPs practitioner records with approvals, one expiring within 60 days and one suspended', async () => {
    const list = (await t.http.get('/practitioners?limit=50').set('authorization', manager).expect(200)).body.items;
    expect(list).toHaveLength(12);
    const statuses = list.map((p: { approvalStatus: string }) => p.approvalStatus).sort();
    expect(statuses.filter((s: string) => s === 'suspended')).toHaveLength(1);
    expect(statuses.filter((s: string) => s === 'active')).toHaveLength(11);
    const due = (await t.http.get('/approvals/reapproval-due?withinDays=60').set('authorization', manager).expect(200)).body.items;
    expect(due).toEqual([expect.objectContaining({ displayName: 'Asha Patel', renewed: false })]);
    expect(due[0].daysLeft).toBeLessThanOrEqual(60);
  });

  it('has an AMHP short of training hours, and the suspended AMHP is not eligible tonight', async () => {
    const shortfalls = (await t.http.get('/training/shortfalls').set('authorization', manager).expect(200)).body.items;
    expect(shortfalls).toEqual(expect.arrayContaining([expect.objectContaining({ displayName: 'Carys Hughes', status: 'short' })]));
    const ben = (await t.http.get('/practitioners?limit=50').set('authorization', manager).expect(200)).body.items.find(
      (p: { displayName: string }) => p.displayName === 'Ben Okafor',
    );
    const tonight = await t.http
      .get(`/practitioners/${ben.id}/eligibility?from=2026-11-21T22:00:00Z&to=2026-11-22T09:00:00Z`)
      .set('authorization', manager)
      .expect(200);
    expect(tonight.body.findings.map((f: { code: string }) => f.code)).toContain('approval-suspended');
  });

  it('fills the s.12 register with a dozen doctors approved today', async () => {
    const doctors = (await t.http.get('/doctors?limit=50&approvedOn=2026-11-21&kind=s12').set('authorization', manager).expect(200)).body
      .items;
    expect(doctors).toHaveLength(12);
  });

  it('rosters the next eight weeks, mostly filled, with the deliberate gaps showing in coverage', async () => {
    const patterns = (await t.http.get('/rota/patterns').set('authorization', manager).expect(200)).body.items;
    expect(patterns.map((p: { name: string }) => p.name).sort()).toEqual(['Bank holiday day', 'Day', 'Evening', 'Night', 'Weekend day']);
    const shifts = (
      await t.http.get('/rota/shifts?from=2026-11-21T00:00:00Z&to=2027-01-15T00:00:00Z').set('authorization', manager).expect(200)
    ).body.items;
    const places = shifts.reduce((n: number, s: { requiredCount: number }) => n + s.requiredCount, 0);
    const filled = shifts.reduce((n: number, s: { assigned: unknown[] }) => n + s.assigned.length, 0);
    expect(filled / places).toBeGreaterThan(0.95);
    // Every night but the deliberate gap has its senior AMHP.
    const nights = shifts.filter((s: { label: string }) => s.label === 'Night');
    expect(nights.filter((n: { assigned: unknown[] }) => n.assigned.length === 0).map((n: { localDate: string }) => n.localDate)).toEqual([
      '2026-11-28',
    ]);
    const gaps = (
      await t.http.get('/rota/coverage?from=2026-11-21T09:00:00Z&to=2026-12-05T09:00:00Z').set('authorization', manager).expect(200)
    ).body.gaps;
    expect(gaps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'understaffed', label: 'Night', startsAt: '2026-11-28T22:00:00.000Z' }),
        expect.objectContaining({ kind: 'understaffed', label: 'Evening', startsAt: '2026-11-24T17:00:00.000Z' }),
      ]),
    );
    const onDuty = (await t.http.get('/rota/on-duty?at=2026-11-23T12:00:00Z').set('authorization', manager).expect(200)).body.onDuty;
    expect(onDuty[0].amhps.length).toBeGreaterThan(0);
    const night = (await t.http.get('/rota/on-duty?at=2026-11-22T03:00:00Z').set('authorization', manager).expect(200)).body.onDuty;
    expect(night).toEqual([
      expect.objectContaining({ label: 'Night', amhps: [expect.objectContaining({ skills: expect.arrayContaining(['senior']) })] }),
    ]);
  });

  it('has six months of supervision with one AMHP overdue, and an appraisal and practice audit each', async () => {
    const overdue = (await t.http.get('/supervision/overdue?overdueOnly=true').set('authorization', manager).expect(200)).body.items;
    expect(overdue.map((o: { displayName: string }) => o.displayName)).toEqual(['Dan Kowalski']);
    const asha = (await t.http.get('/practitioners?limit=50').set('authorization', manager).expect(200)).body.items.find(
      (p: { displayName: string }) => p.displayName === 'Asha Patel',
    );
    const portfolio = (await t.http.get(`/practitioners/${asha.id}/portfolio`).set('authorization', manager).expect(200)).body;
    expect(portfolio.appraisals).toHaveLength(1);
    expect(portfolio.practiceAudits).toHaveLength(1);
  });

  it("has a night's worth of open referrals in the queue, a s.136 close to breach first", async () => {
    const queue = (await t.http.get('/referrals').set('authorization', manager).expect(200)).body.items;
    expect(queue).toHaveLength(4);
    const s136 = queue.find((r: { source: string }) => r.source === 'police-s136');
    const clock = s136.clocks.find((c: { id: string }) => c.id === 'POL-07');
    expect(clock).toMatchObject({ state: 'warning', deadline: '2026-11-21T12:30:00.000Z' });
    expect(queue.map((r: { nextDeadline: string }) => r.nextDeadline)).toEqual(
      [...queue.map((r: { nextDeadline: string }) => r.nextDeadline)].sort(),
    );
  });

  it('has a handful of completed assessments with realistic timelines: a s.2 admission after a bed wait, two not detained', async () => {
    const all = (await t.http.get('/assessments?status=closed').set('authorization', manager).expect(200)).body.items;
    expect(all).toHaveLength(3);
    expect(all.map((a: { outcomeKind: string }) => a.outcomeKind).sort()).toEqual(['application', 'not-detained', 'not-detained']);
    const admission = all.find((a: { outcomeKind: string }) => a.outcomeKind === 'application');
    expect(admission).toMatchObject({ section: 's2', legalStatusCode: '02' });
    const types = admission.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'doctors-requested',
        'interview-started',
        'decision',
        'application-signed',
        'bed-requested',
        'bed-identified',
        'admitted',
      ]),
    );
    expect(admission.timeline.find((e: { type: string }) => e.type === 'bed-identified').delayReason).toBe('no-bed');
    // In time order, and the application checked against the Act when it was made (no blocker).
    const times = admission.timeline.map((e: { at: string }) => e.at);
    expect(times).toEqual([...times].sort());
    expect(admission.outcome.findingsAtDecision.filter((f: { severity: string }) => f.severity === 'blocker')).toEqual([]);
  });

  it("has last night's out-of-hours decisions, signed, and this morning's handover built from them", async () => {
    const decisions = (await t.http.get('/decisions?status=signed').set('authorization', manager).expect(200)).body.items;
    expect(decisions.map((d: { type: string }) => d.type).sort()).toEqual(['adult-safeguarding', 'best-interests', 'emergency-placement']);
    const placement = decisions.find((d: { type: string }) => d.type === 'emergency-placement');
    expect((await t.http.get(`/decisions/${placement.id}`).set('authorization', manager).expect(200)).body).toMatchObject({
      costPence: 145000,
      aboveDelegatedLimit: true,
      escalation: { outcome: 'approved' },
    });
    const handover = (await t.http.get('/handovers/2026-11-21').set('authorization', manager).expect(200)).body;
    const types = handover.items.map((i: { itemType: string }) => i.itemType);
    expect(types.filter((x: string) => x === 'decision')).toHaveLength(3);
    expect(types).toEqual(expect.arrayContaining(['referral', 'action']));
    expect(handover.counts.open).toBe(handover.items.length);
  });

  it('audits everything it created, and the chain verifies', async () => {
    const verify = (await t.http.get('/audit-events/verify').set('authorization', auditor).expect(200)).body;
    expect(verify).toMatchObject({ valid: true });
    expect(verify.eventsChecked).toBeGreaterThan(16 + 12 + 12 + 12);
  });
});
