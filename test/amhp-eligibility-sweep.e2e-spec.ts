import { JobRunner } from '../src/alerts/job-runner.service';
import { amhp, approvalOf } from './support/workforce-fixtures';
import { acceptedS136 } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * An AMHP who stops being able to act without anyone recording anything that moment (MHA 1983 s.114, s.13): a
 * suspension recorded ahead of time takes effect (AMHP-07), her approval runs out on its end date (AMHP-05/08), her
 * account is disabled or loses the amhp role. The scheduled sweep (job `ineligible-amhp-work`, every minute), or the
 * account change itself, withdraws her open offers, hands back her allocations and pages the managers, as a manager's
 * change does. Now is Sat 21 Nov 2026 02:00 GMT; the clock only moves forward through the file.
 */
describe('an AMHP who stops being able to act later, or whose account is disabled, loses her offers and allocations', () => {
  let t: TestApp;
  let runner: JobRunner;
  let manager: TestUser;
  let admin: TestUser;
  let police: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    runner = t.app.get(JobRunner);
    manager = await t.user(['manager']);
    admin = await t.user(['admin']);
    police = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}) => t.http.patch(p).set('authorization', u.auth).send(b),
  });
  let n = 0;

  /** A police s.136 for a new person, screened and accepted (offered to `offerTo` when given). */
  const referral = (offerTo?: string[]) => acceptedS136(t, police.auth, manager.auth, `Plover${++n}`, '2026-11-21T01:30:00Z', offerTo);
  const allocated = async (userId: string) => {
    const r = await referral();
    await as(manager).post(`/referrals/${r.id}/allocation`, { userId }).expect(200);
    return r;
  };
  /** The sweep's run at `iso` (every job due then runs), and what it recorded. */
  const sweepAt = async (iso: string) => {
    t.clock.set(iso);
    expect(await runner.runDue()).toContain('ineligible-amhp-work');
    const [run] = await t.sql<{ outcome: string; details: Record<string, unknown> }>(
      `SELECT outcome, details FROM job_runs WHERE job = 'ineligible-amhp-work' ORDER BY started_at DESC LIMIT 1`,
    );
    expect(run.outcome).toBe('succeeded');
    return run.details;
  };
  /** What the manager sees of a referral: its status and AMHP, and whether she was paged to reallocate it. */
  const managerSees = async (id: string) => {
    const r = (await as(manager).get(`/referrals/${id}`).expect(200)).body;
    const pages = (await as(manager).get('/me/pages').expect(200)).body.items.filter(
      (p: { referralId: string; reason: string }) => p.referralId === id && p.reason === 'amhp-not-eligible',
    );
    return { status: r.status, allocatedUserId: r.allocatedUserId, pagedToReallocate: pages.length };
  };
  const offerResponse = async (referralId: string, userId: string) =>
    (await as(manager).get(`/referrals/${referralId}/offers`).expect(200)).body.items.find((o: { userId: string }) => o.userId === userId)
      ?.response;

  it('a suspension recorded ahead of time takes her offers and allocations away when it starts, by the system, and pages the managers once', async () => {
    const kemi = await amhp(t, { displayName: 'Kemi Later' });
    const offered = await referral([kemi.id]);
    const waiting = await allocated(kemi.id);
    const started = await allocated(kemi.id);
    const assessment = (await as(kemi).post('/assessments', { referralId: started.id, location: 'Northshire General' }).expect(201)).body;
    const suspended = await as(manager)
      .post(`/approvals/${await approvalOf(t, kemi.practitionerId)}/suspensions`, {
        reason: 'Interim suspension order by the regulator from 09:00',
        startsAt: '2026-11-21T09:00:00Z',
      })
      .expect(201);
    expect(suspended.body).toMatchObject({ offersWithdrawn: [], allocationsReturned: [] });

    // Before it starts she may act, and keeps everything.
    expect(await sweepAt('2026-11-21T08:58:00Z')).toMatchObject({ amhps: 0 });
    expect(await managerSees(waiting.id)).toEqual({ status: 'allocated', allocatedUserId: kemi.id, pagedToReallocate: 0 });
    await as(kemi).get(`/people/${waiting.personId}`).expect(200);

    // From 09:00 she may not: the offer is withdrawn, the allocation back in the queue, the assessment to reallocate.
    expect(await sweepAt('2026-11-21T09:00:00Z')).toEqual({
      amhps: 1,
      offersWithdrawn: 1,
      allocationsReturned: 1,
      awaitingReallocation: 1,
      failed: [],
    });
    expect(await offerResponse(offered.id, kemi.id)).toBe('withdrawn');
    expect((await as(kemi).get('/me/offers').expect(200)).body.items).toEqual([]);
    expect(await managerSees(waiting.id)).toEqual({ status: 'accepted', allocatedUserId: null, pagedToReallocate: 1 });
    const queue = (await as(manager).get('/referrals?status=accepted').expect(200)).body.items.map((x: { id: string }) => x.id);
    expect(queue).toEqual(expect.arrayContaining([offered.id, waiting.id]));
    expect(await managerSees(started.id)).toEqual({ status: 'in-assessment', allocatedUserId: kemi.id, pagedToReallocate: 1 });
    await as(kemi).get(`/people/${waiting.personId}`).expect(403);
    await as(kemi).get(`/people/${offered.personId}`).expect(403);
    const late = await as(kemi).post(`/referrals/${offered.id}/offers/accept`).expect(409);
    expect(late.body).toMatchObject({ code: 'offer-withdrawn', reason: 'amhp-not-eligible' });

    // On the timeline and audited by the system (no actor), naming why.
    const timeline = (await as(manager).get(`/referrals/${waiting.id}/events`).expect(200)).body.items;
    expect(timeline.slice(-2)).toEqual([
      expect.objectContaining({ type: 'accepted', actorId: null, data: expect.objectContaining({ because: ['approval-suspended'] }) }),
      expect.objectContaining({ type: 'escalated', data: expect.objectContaining({ reason: 'amhp-not-eligible' }) }),
    ]);
    const audited = await t.sql<{ action: string; actor_id: string | null }>(
      `SELECT action, actor_id FROM audit_events WHERE resource_id = ANY($1) AND details->>'reason' = 'amhp-not-eligible' ORDER BY id`,
      [[offered.id, waiting.id, started.id]],
    );
    expect(audited.map((a) => a.action).sort()).toEqual(
      ['referral.accepted', 'referral.escalate', 'referral.escalate', 'referral.offer-withdraw'].sort(),
    );
    expect(audited.every((a) => a.actor_id === null)).toBe(true);

    // The assessment stays hers until a manager reallocates it: the next runs neither page nor write again.
    expect(await sweepAt('2026-11-21T09:01:00Z')).toMatchObject({ amhps: 1, offersWithdrawn: 0, allocationsReturned: 0 });
    const asked = await t.sql(
      `SELECT data->>'assessmentId' AS "assessmentId" FROM referral_events WHERE referral_id = $1 AND type = 'escalated' AND data->>'reason' = 'amhp-not-eligible'`,
      [started.id],
    );
    expect(asked).toEqual([{ assessmentId: assessment.id }]);
  });

  it('an approval that runs out on its end date takes her offer and allocation away at midnight', async () => {
    const finn = await amhp(t, { displayName: 'Finn Ending', approval: { startsOn: '2026-01-01', endsOn: '2026-11-21' } });
    const offered = await referral([finn.id]);
    const waiting = await allocated(finn.id);

    expect(await sweepAt('2026-11-21T23:58:00Z')).toMatchObject({ offersWithdrawn: 0, allocationsReturned: 0 });
    expect(await managerSees(waiting.id)).toMatchObject({ status: 'allocated', allocatedUserId: finn.id });

    expect(await sweepAt('2026-11-22T00:00:00Z')).toMatchObject({ offersWithdrawn: 1, allocationsReturned: 1, failed: [] });
    expect(await offerResponse(offered.id, finn.id)).toBe('withdrawn');
    expect(await managerSees(waiting.id)).toEqual({ status: 'accepted', allocatedUserId: null, pagedToReallocate: 1 });
    const [event] = await t.sql<{ data: { because: string[] } }>(
      `SELECT data FROM referral_events WHERE referral_id = $1 AND type = 'offer-withdrawn'`,
      [offered.id],
    );
    expect(event.data.because).toEqual(['no-approval']);
  });

  it('an account disabled by the admin hands back her allocation and withdraws her offer at once; the manager is paged', async () => {
    const dan = await amhp(t, { displayName: 'Dan Disabled' });
    const offered = await referral([dan.id]);
    const waiting = await allocated(dan.id);

    await as(admin).patch(`/users/${dan.id}`, { active: false }).expect(200);
    expect(await managerSees(waiting.id)).toEqual({ status: 'accepted', allocatedUserId: null, pagedToReallocate: 1 });
    expect(await offerResponse(offered.id, dan.id)).toBe('withdrawn');
    const notes = (await as(manager).get('/me/notifications').expect(200)).body.items.filter(
      (x: { kind: string; subjectId: string }) => x.kind === 'referral.reallocate' && x.subjectId === waiting.id,
    );
    expect(notes).toHaveLength(1);
    // Audited by the admin who disabled her, naming why.
    const [audit] = await t.sql<{ actor_id: string; details: { because: string[] } }>(
      `SELECT actor_id, details FROM audit_events WHERE action = 'referral.offer-withdraw' AND resource_id = $1`,
      [offered.id],
    );
    expect(audit).toEqual({ actor_id: admin.id, details: expect.objectContaining({ because: ['account-disabled'] }) });
  });

  it('the amhp role taken away hands back her allocation at once (after the change commits); a change that leaves the role touches nothing', async () => {
    const leah = await amhp(t, { displayName: 'Leah Renamed' });
    const kept = await allocated(leah.id);
    await as(admin).patch(`/users/${leah.id}`, { displayName: 'Leah Byrne' }).expect(200);
    expect(await managerSees(kept.id)).toMatchObject({ status: 'allocated', allocatedUserId: leah.id });

    // Sent with an Idempotency-Key (the change then commits with its stored answer): the withdrawal follows its commit.
    await t.http
      .patch(`/users/${leah.id}`)
      .set('authorization', admin.auth)
      .set('idempotency-key', 'leah-loses-the-amhp-role')
      .send({ roles: ['auditor'] })
      .expect(200);
    expect(await managerSees(kept.id)).toEqual({ status: 'accepted', allocatedUserId: null, pagedToReallocate: 1 });
    const [event] = await t.sql<{ data: { because: string[] } }>(
      `SELECT data FROM referral_events WHERE referral_id = $1 AND type = 'accepted' AND data->>'reason' = 'amhp-not-eligible'`,
      [kept.id],
    );
    expect(event.data.because).toEqual(['not-an-amhp']);
  });

  it('an account disabled where no withdrawal ran (another replica, the identity provider) is found by the sweep', async () => {
    const isla = await amhp(t, { displayName: 'Isla Elsewhere' });
    const waiting = await allocated(isla.id);
    await t.sql('UPDATE users SET active = false WHERE id = $1', [isla.id]);
    expect(await sweepAt('2026-11-22T00:05:00Z')).toMatchObject({ allocationsReturned: 1, failed: [] });
    expect(await managerSees(waiting.id)).toEqual({ status: 'accepted', allocatedUserId: null, pagedToReallocate: 1 });
  });

  it("a manager's override stands: the sweep leaves an allocation made knowing her approval had lapsed, until her account is disabled", async () => {
    const omar = await amhp(t, { displayName: 'Omar Overridden', approval: { startsOn: '2026-01-01', endsOn: '2026-11-20' } });
    const r = await referral();
    await as(manager)
      .post(`/referrals/${r.id}/allocation`, {
        userId: omar.id,
        overrideReason: 'Re-approval panel sat on Friday; letter awaited. Only AMHP within reach of the place of safety.',
      })
      .expect(200);
    expect(await sweepAt('2026-11-22T00:10:00Z')).toMatchObject({ allocationsReturned: 0, failed: [] });
    expect(await managerSees(r.id)).toEqual({ status: 'allocated', allocatedUserId: omar.id, pagedToReallocate: 0 });

    await as(admin).patch(`/users/${omar.id}`, { active: false }).expect(200);
    expect(await managerSees(r.id)).toEqual({ status: 'accepted', allocatedUserId: null, pagedToReallocate: 1 });
  });

  describe('her rota places (AMHP-11)', () => {
    // The file's tokens last a day: these tests run days later, as users signed in then.
    let lead: TestUser;
    let rotaAdmin: TestUser;
    const signedInAt = async (iso: string) => {
      t.clock.set(iso);
      lead = await t.user(['manager']);
      rotaAdmin = await t.user(['admin']);
    };
    /** A one-AMHP shift from `startsAt` for `hours`, with her on it (201). */
    const onShift = async (practitionerId: string, startsAt: string, hours = 12) => {
      const endsAt = new Date(Date.parse(startsAt) + hours * 3_600_000).toISOString();
      const shift = (await as(lead).post('/rota/shifts', { label: 'Night', startsAt, endsAt, requiredCount: 1 }).expect(201)).body;
      await as(lead).post(`/rota/shifts/${shift.id}/assignments`, { practitionerId }).expect(201);
      return shift.id as string;
    };
    const holders = async (shiftId: string) =>
      (await t.sql<{ practitioner_id: string }>('SELECT practitioner_id FROM shift_assignments WHERE shift_id = $1', [shiftId])).map(
        (r) => r.practitioner_id,
      );

    it('an account disabled by the admin takes her off every shift not yet over, her past one kept; she cannot be put back on, and a manager choosing whom to put on sees why', async () => {
      await signedInAt('2026-11-23T05:00:00Z');
      const rhea = await amhp(t, { displayName: 'Rhea Rostered' });
      const past = await onShift(rhea.practitionerId, '2026-11-23T06:00:00Z', 2);
      const tonight = await onShift(rhea.practitionerId, '2026-11-23T20:00:00Z');
      const nextWeek = await onShift(rhea.practitionerId, '2026-11-30T20:00:00Z');
      t.clock.set('2026-11-23T13:00:00Z');

      await as(rotaAdmin).patch(`/users/${rhea.id}`, { active: false }).expect(200);
      expect(await holders(past)).toEqual([rhea.practitionerId]);
      expect(await holders(tonight)).toEqual([]);
      expect(await holders(nextWeek)).toEqual([]);
      // Each removal audited, by the admin who disabled her, naming the rule.
      const removals = await t.sql<{ actor_id: string; details: { because: string[] } }>(
        `SELECT actor_id, details FROM audit_events WHERE action = 'rota.unassign' AND details->>'shiftId' = ANY($1::text[])`,
        [[tonight, nextWeek]],
      );
      expect(removals).toHaveLength(2);
      expect(removals.map((r) => [r.actor_id, r.details.because])).toEqual([
        [rotaAdmin.id, ['account-disabled']],
        [rotaAdmin.id, ['account-disabled']],
      ]);

      const refused = await as(lead).post(`/rota/shifts/${tonight}/assignments`, { practitionerId: rhea.practitionerId }).expect(422);
      expect(JSON.stringify(refused.body)).toContain('AMHP-11');
      const seen = (
        await as(lead)
          .get(`/practitioners/${rhea.practitionerId}/eligibility?from=2026-11-23T20:00:00Z&to=2026-11-24T08:00:00Z`)
          .expect(200)
      ).body;
      expect(seen).toMatchObject({
        eligible: false,
        findings: [expect.objectContaining({ code: 'account-disabled', rule: 'AMHP-11', severity: 'hard' })],
      });
    });

    it('the amhp role taken away, or an account disabled where no handler ran, is taken off the rota by the sweep; an account that may act keeps its places', async () => {
      await signedInAt('2026-11-24T09:00:00Z');
      const ivo = await amhp(t, { displayName: 'Ivo Idp' });
      const kept = await amhp(t, { displayName: 'Kit Kept' });
      const his = await onShift(ivo.practitionerId, '2026-11-25T20:00:00Z');
      const theirs = await onShift(kept.practitionerId, '2026-11-26T20:00:00Z');
      await t.sql(`UPDATE users SET roles = '{manager}' WHERE id = $1`, [ivo.id]);

      t.clock.set('2026-11-24T09:05:00Z');
      expect(await runner.runDue()).toContain('ineligible-amhp-rota');
      const [run] = await t.sql<{ outcome: string; details: Record<string, unknown> }>(
        `SELECT outcome, details FROM job_runs WHERE job = 'ineligible-amhp-rota' ORDER BY started_at DESC LIMIT 1`,
      );
      expect(run).toEqual({ outcome: 'succeeded', details: { practitioners: 1, assignmentsRemoved: 1, failed: [] } });
      expect(await holders(his)).toEqual([]);
      expect(await holders(theirs)).toEqual([kept.practitionerId]);
    });
  });
});
