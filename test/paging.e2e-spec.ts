import { Logger } from '@nestjs/common';
import { JobRunner } from '../src/alerts/job-runner.service';
import { PushSender } from '../src/pages/push-sender.service';
import { Db } from '../src/database/db';
import { TokenService } from '../src/auth/token.service';
import { ManagerOnCallService } from '../src/rota/manager-on-call.service';
import { FakePushService } from './support/push-service';
import { amhp, approvalOf } from './support/workforce-fixtures';
import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { createTestApp, pastInstant, TestApp, TestUser } from './support/test-app';

/**
 * Paging the duty AMHP (DUTY-03) on real Postgres with the ManualClock, through a local stand-in push service that
 * decrypts what the server really sends. One night, Sat 21 Nov 2026 (GMT, so local = UTC), OFFER_ESCALATION_MINUTES 15:
 * Amir is offered a s.136 referral at 02:00 and sleeps through it; the offer goes to Jo (02:15), to Sue the senior
 * (02:30), then to Mo, the manager on call (02:45), and never to Max, who is not on call.
 */
describe('paging: pages that wake the right person, and the escalation chain', () => {
  let t: TestApp;
  let runner: JobRunner;
  let sender: PushSender;
  const push = new FakePushService();
  let mo: TestUser;
  let max: TestUser;
  let admin: TestUser;
  let amir: TestUser & { practitionerId: string };
  let jo: TestUser & { practitionerId: string };
  let sue: TestUser & { practitionerId: string };

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    delete: (p: string) => t.http.delete(p).set('authorization', u.auth),
  });
  /** The jobs due at `iso`, then every page due sent (a pass takes a batch of them, in no set order). */
  const at = async (iso: string) => {
    t.clock.set(iso);
    await runner.runDue();
    while ((await sender.deliverDue()) > 0);
  };
  /** The pages of a referral's chains: its offer's (`offer:`) by default, or its clocks' (`clock:`). */
  const pagesOf = (referralId: string, chain = 'offer:') =>
    t.sql<{
      id: string;
      kind: string;
      step: number;
      chain_key: string;
      recipient_user_id: string;
      push_state: string;
      gateway_state: string | null;
      reason: string | null;
    }>(
      `SELECT id, kind, step, chain_key, recipient_user_id, push_state, gateway_state, reason FROM pages
        WHERE referral_id = $1 AND chain_key LIKE $2 || '%' ORDER BY step, created_at`,
      [referralId, chain],
    );
  /** A police s.136 (a person with no record) screened and accepted by the manager on call. */
  const referral = async (surname: string) => {
    const r = await sent(t, mo.auth, s136Referral(surname, '2026-11-21T02:00:00Z'));
    await accepted(t, mo.auth, r.id);
    return r;
  };

  const logged: string[] = [];
  beforeAll(async () => {
    for (const level of ['log', 'warn', 'error'] as const)
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    await push.start();
    t = await createTestApp({
      now: '2026-11-21T02:00:00Z',
      env: { ACCESS_TOKEN_TTL_SECONDS: '86400', OFFER_ESCALATION_MINUTES: '15', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' },
    });
    runner = t.app.get(JobRunner);
    sender = t.app.get(PushSender);
    mo = await t.user(['manager'], { displayName: 'Mo Manager' });
    max = await t.user(['manager'], { displayName: 'Max Manager' });
    admin = await t.user(['admin']);
    amir = await amhp(t, { displayName: 'Amir Duty' });
    jo = await amhp(t, { displayName: 'Jo Duty' });
    sue = await amhp(t, { displayName: 'Sue Senior', skills: ['senior'] });
    const [{ id: shiftId }] = await t.sql<{ id: string }>(
      `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count) VALUES ('2026-11-21', 'Night', '2026-11-21T00:00:00Z', '2026-11-21T23:00:00Z', 3) RETURNING id`,
    );
    for (const a of [amir, jo, sue])
      await t.sql(
        `INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by) VALUES ($1, $2, $3, '2026-11-21T00:00:00Z', '2026-11-21T23:00:00Z', $4)`,
        [shiftId, a.practitionerId, a.id, mo.id],
      );
  });
  afterAll(async () => {
    await t.close();
    await push.stop();
  });

  describe('the manager on call in the rota', () => {
    it('a manager puts Mo on call for the night; GET /rota/on-duty names him; an overlapping period is refused with 409', async () => {
      const created = await as(mo)
        .post('/rota/manager-on-call', { userId: mo.id, startsAt: '2026-11-21T02:00:00Z', endsAt: '2026-11-21T09:00:00Z' })
        .expect(201);
      expect(created.body).toMatchObject({ userId: mo.id, displayName: 'Mo Manager' });
      const duty = await as(amir).get('/rota/on-duty').expect(200);
      expect(duty.body.managerOnCall).toMatchObject({ userId: mo.id, endsAt: '2026-11-21T09:00:00.000Z' });
      const clash = await as(mo)
        .post('/rota/manager-on-call', { userId: max.id, startsAt: '2026-11-21T08:00:00Z', endsAt: '2026-11-21T18:00:00Z' })
        .expect(409);
      expect(clash.body.code).toBe('on-call-overlap');
      const notManager = await as(mo)
        .post('/rota/manager-on-call', { userId: amir.id, startsAt: '2026-11-22T08:00:00Z', endsAt: '2026-11-22T18:00:00Z' })
        .expect(422);
      expect(notManager.body.errors[0].field).toBe('userId');
      const list = await as(amir).get('/rota/manager-on-call?from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z').expect(200);
      expect(list.body.items.map((i: { userId: string }) => i.userId)).toEqual([mo.id]);
    });

    it('GET /rota/on-duty names the manager on call when no shift is on or next, and nobody when no one is on call', async () => {
      await as(mo)
        .post('/rota/manager-on-call', { userId: mo.id, startsAt: '2035-01-01T00:00:00Z', endsAt: '2035-01-01T12:00:00Z' })
        .expect(201);
      const onlyManager = await as(amir).get('/rota/on-duty?at=2035-01-01T06:00:00Z').expect(200);
      expect(onlyManager.body).toEqual({
        at: '2035-01-01T06:00:00.000Z',
        onDuty: [],
        next: [],
        managerOnCall: expect.objectContaining({ userId: mo.id, displayName: 'Mo Manager', startsAt: '2035-01-01T00:00:00.000Z' }),
      });
      const nobody = await as(amir).get('/rota/on-duty?at=2035-01-02T06:00:00Z').expect(200);
      expect(nobody.body).toEqual({ at: '2035-01-02T06:00:00.000Z', onDuty: [], next: [], managerOnCall: null });
    });

    it('a manager on call whose account is disabled, or who loses the manager role, is named no more: the rota names none, so every active manager is paged', async () => {
      const dee = await t.user(['manager'], { displayName: 'Dee Disabled' });
      const rob = await t.user(['manager', 'amhp'], { displayName: 'Rob Reassigned' });
      await as(mo)
        .post('/rota/manager-on-call', { userId: dee.id, startsAt: '2035-02-01T00:00:00Z', endsAt: '2035-02-01T12:00:00Z' })
        .expect(201);
      await as(mo)
        .post('/rota/manager-on-call', { userId: rob.id, startsAt: '2035-02-02T00:00:00Z', endsAt: '2035-02-02T12:00:00Z' })
        .expect(201);
      const named = async (iso: string) =>
        (await as(amir).get(`/rota/on-duty?at=${iso}`).expect(200)).body.managerOnCall?.displayName ?? null;
      expect([await named('2035-02-01T06:00:00Z'), await named('2035-02-02T06:00:00Z')]).toEqual(['Dee Disabled', 'Rob Reassigned']);

      await t.http.patch(`/users/${dee.id}`).set('authorization', admin.auth).send({ active: false }).expect(200);
      await t.http
        .patch(`/users/${rob.id}`)
        .set('authorization', admin.auth)
        .send({ roles: ['amhp'] })
        .expect(200);
      expect([await named('2035-02-01T06:00:00Z'), await named('2035-02-02T06:00:00Z')]).toEqual([null, null]);
      // What the escalation chain and the reallocation pages ask: nobody on call, so every active manager.
      const onCall = t.app.get(ManagerOnCallService);
      expect(await onCall.at(t.app.get(Db).manager, new Date('2035-02-01T06:00:00Z'))).toBeNull();
      // The period stays on the on-call rota, for the manager to replace.
      const list = await as(mo).get('/rota/manager-on-call?from=2035-02-01T00:00:00Z&to=2035-02-03T00:00:00Z').expect(200);
      expect(list.body.items.map((i: { userId: string }) => i.userId)).toEqual([dee.id, rob.id]);
    });
  });

  describe("devices: one subscription per phone, the owner's to revoke", () => {
    it('gives the app the VAPID key; subscribing the same phone again replaces its subscription; a bad key is a 422 naming the field', async () => {
      const key = await as(amir).get('/pages/vapid-public-key').expect(200);
      expect(Buffer.from(key.body.publicKey, 'base64url')).toHaveLength(65);
      const phone = push.device('amir-phone');
      const first = await as(amir)
        .post('/me/push-subscriptions', { endpoint: phone.endpoint, keys: phone.keys, label: 'Work phone' })
        .expect(201);
      const again = await as(amir)
        .post('/me/push-subscriptions', { endpoint: phone.endpoint, keys: phone.keys, label: 'Work phone' })
        .expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect((await as(amir).get('/me/push-subscriptions').expect(200)).body.items).toEqual([
        expect.objectContaining({ id: first.body.id, label: 'Work phone', service: new URL(push.origin).host }),
      ]);
      const bad = await as(amir)
        .post('/me/push-subscriptions', { endpoint: `${push.origin}/push/other`, keys: { p256dh: 'AAAA', auth: phone.keys.auth } })
        .expect(422);
      expect(bad.body.errors[0].field).toBe('keys.p256dh');
      // Nobody else can revoke it.
      await as(jo).delete(`/me/push-subscriptions/${first.body.id}`).expect(404);
    });
  });

  describe('an offer nobody accepts (DUTY-03)', () => {
    let r: { id: string; reference: string };
    let offerPage: string;

    it("wakes Amir's phone with a page carrying only its id and kind, Urgency high, a TTL of the escalation wait, a Topic, and a valid VAPID signature", async () => {
      r = await referral('Bridge');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [amir.id] })
        .expect(201);
      const [page] = await pagesOf(r.id);
      expect(page).toMatchObject({ kind: 'offer', step: 0, recipient_user_id: amir.id, push_state: 'pending' });
      offerPage = page.id;
      expect(await sender.deliverDue()).toBe(1);
      const [got] = push.to('amir-phone');
      expect(got.payload).toEqual({ id: offerPage, kind: 'offer' });
      expect(got.headers).toMatchObject({ urgency: 'high', ttl: '900', 'content-encoding': 'aes128gcm' });
      expect(got.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
      const key = (await as(amir).get('/pages/vapid-public-key')).body.publicKey;
      expect(got.vapid).toMatchObject({ aud: push.origin, sub: expect.stringMatching(/^mailto:/), publicKey: key, signatureValid: true });
      expect(got.vapid.exp * 1000).toBeGreaterThan(Date.now());
      expect((await pagesOf(r.id))[0].push_state).toBe('sent');
      // The reference, the person, the place: none of it left the server.
      expect(JSON.stringify(got.payload)).not.toMatch(/Bridge|Robin|s136|REF/i);
    });

    it('Amir sees the page in the app; acknowledging it from the notification is idempotent', async () => {
      const mine = await as(amir).get('/me/pages').expect(200);
      expect(mine.body.items[0]).toMatchObject({
        id: offerPage,
        kind: 'offer',
        title: 'New job offered to you',
        link: `/referrals/${r.id}`,
        channels: { push: 'sent', gateway: null },
        acknowledgedAt: null,
      });
      const first = await as(amir).post(`/me/pages/${offerPage}/ack`, { via: 'notification' }).expect(200);
      t.clock.advance(1000);
      const second = await as(amir).post(`/me/pages/${offerPage}/ack`, { via: 'app' }).expect(200);
      expect(second.body).toMatchObject({
        acknowledgedAt: first.body.acknowledgedAt,
        acknowledgedVia: 'notification',
        acknowledgedBy: amir.id,
      });
      await as(jo).post(`/me/pages/${offerPage}/ack`).expect(404);
      const [event] = await t.sql<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM outbox_events WHERE type = 'page.acknowledged' AND aggregate_id = $1`,
        [offerPage],
      );
      expect(event.payload).toMatchObject({ pageId: offerPage, userId: amir.id, via: 'notification' });
    });

    it('not accepted at 02:14: nothing moves; at 02:15 it is offered to Jo, the next AMHP on duty, paged as step 1, on the timeline', async () => {
      await at('2026-11-21T02:14:00Z');
      expect((await pagesOf(r.id)).map((p) => p.step)).toEqual([0]);
      await at('2026-11-21T02:15:00Z');
      const step1 = (await pagesOf(r.id)).find((p) => p.step === 1)!;
      expect(step1).toMatchObject({ kind: 'escalation', recipient_user_id: jo.id, reason: 'offer-not-accepted' });
      // Jo holds the offer now, so she can take it from her phone.
      expect((await as(jo).get('/me/offers').expect(200)).body.items.map((o: { referralId: string }) => o.referralId)).toEqual([r.id]);
      const timeline = (await as(mo).get(`/referrals/${r.id}/events`).expect(200)).body.items;
      expect(timeline.filter((e: { type: string }) => e.type === 'escalated')).toEqual([
        expect.objectContaining({
          actorId: null,
          data: expect.objectContaining({ rule: 'DUTY-03', step: 1, to: 'next-amhp', userIds: [jo.id], skipped: [] }),
        }),
      ]);
    });

    it('Jo has no phone subscribed: her page goes to the SMS gateway (page.requested), which reports it delivered, then acknowledged', async () => {
      const step1 = (await pagesOf(r.id)).find((p) => p.step === 1)!;
      expect(step1).toMatchObject({ push_state: 'no-device', gateway_state: 'requested' });
      const [requested] = await t.sql<{ payload: Record<string, unknown> }>(
        `SELECT payload FROM outbox_events WHERE type = 'page.requested' AND aggregate_id = $1`,
        [step1.id],
      );
      expect(requested.payload).toMatchObject({
        pageId: step1.id,
        userId: jo.id,
        kind: 'escalation',
        step: 1,
        urgency: 'high',
        reason: 'no-device',
        referralId: r.id,
      });
      await as(jo).post(`/pages/${step1.id}/gateway-receipts`, { status: 'delivered', at: '2026-11-21T02:15:30Z' }).expect(403);
      await as(admin).post(`/pages/${step1.id}/gateway-receipts`, { status: 'delivered', at: '2026-11-21T02:15:30Z' }).expect(200);
      const acked = await as(admin)
        .post(`/pages/${step1.id}/gateway-receipts`, { status: 'acknowledged', at: '2026-11-21T02:16:00Z', detail: 'SMS reply' })
        .expect(200);
      expect(acked.body).toMatchObject({
        acknowledgedBy: jo.id,
        acknowledgedVia: 'gateway',
        channels: { gateway: 'delivered', gatewayDetail: 'SMS reply' },
      });
      // A page the gateway was never asked about is not its to report on.
      await as(admin)
        .post(`/pages/${(await pagesOf(r.id))[0].id}/gateway-receipts`, { status: 'failed', at: '2026-11-21T02:16:00Z' })
        .expect(409);
    });

    it('still not accepted: Sue, the senior on duty, at 02:30; then Mo, the manager on call, at 02:45 (never Max); then nothing more', async () => {
      await at('2026-11-21T02:29:00Z');
      expect((await pagesOf(r.id)).map((p) => p.step)).toEqual([0, 1]);
      await at('2026-11-21T02:30:00Z');
      expect((await pagesOf(r.id)).find((p) => p.step === 2)).toMatchObject({ kind: 'escalation', recipient_user_id: sue.id });
      await at('2026-11-21T02:45:00Z');
      const step3 = (await pagesOf(r.id)).filter((p) => p.step === 3);
      expect(step3.map((p) => p.recipient_user_id)).toEqual([mo.id]);
      const notes = await t.sql<{ user_id: string }>(
        `SELECT user_id FROM notifications WHERE kind = 'offer.escalated' AND subject_id = $1`,
        [r.id],
      );
      expect(notes.map((n) => n.user_id)).toEqual([mo.id]);
      await at('2026-11-21T03:30:00Z');
      expect((await pagesOf(r.id)).length).toBe(4);
      const steps = (await as(mo).get(`/referrals/${r.id}/events`).expect(200)).body.items
        .filter((e: { type: string }) => e.type === 'escalated')
        .map((e: { data: { step: number; to: string } }) => `${e.data.step}:${e.data.to}`);
      expect(steps).toEqual(['1:next-amhp', '2:senior', '3:manager-on-call']);
    });

    it('the manager sees every page of the chain with the state of each channel; an AMHP may not', async () => {
      const all = await as(mo).get(`/pages?referralId=${r.id}`).expect(200);
      // (The referral's clock warnings also paged Mo while it waited unallocated: the offer's chain is what is shown here.)
      all.body.items = all.body.items.filter(
        (p: { kind: string; reason: string | null }) => p.kind === 'offer' || p.reason === 'offer-not-accepted',
      );
      expect(all.body.items.map((p: { step: number; recipientUserId: string }) => [p.step, p.recipientUserId])).toEqual([
        [3, mo.id],
        [2, sue.id],
        [1, jo.id],
        [0, amir.id],
      ]);
      expect(all.body.items[3]).toMatchObject({ channels: { push: 'sent' }, acknowledgedVia: 'notification', recipientName: 'Amir Duty' });
      expect(all.body.items[0]).toMatchObject({ recipientName: 'Mo Manager', kind: 'escalation', reason: 'offer-not-accepted' });
      await as(amir).get('/pages').expect(403);
    });

    it("once a manager allocates the job nobody accepted, the managers' word that nobody accepted it, and the offers to the AMHPs passed over, are closed in their inboxes, saying why", async () => {
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: sue.id }).expect(200);
      const inbox = async (u: TestUser, kind: string) =>
        (await as(u).get('/me/notifications?limit=100').expect(200)).body.items.filter(
          (n: { subjectId: string; kind: string }) => n.subjectId === r.id && n.kind === kind,
        );
      expect(await inbox(mo, 'offer.escalated')).toEqual([expect.objectContaining({ closedReason: 'allocated' })]);
      for (const u of [amir, jo])
        expect(await inbox(u, 'offer.received')).toEqual([expect.objectContaining({ closedReason: 'allocated' })]);
      expect(
        (await as(mo).get('/me/notifications?unread=true&limit=100').expect(200)).body.items.map((n: { id: string }) => n.id),
      ).not.toContain((await inbox(mo, 'offer.escalated'))[0].id);
    });

    it('an offer declined by everyone it went to still waits: the chain passes it on', async () => {
      const declined = await referral('Weir');
      t.clock.set('2026-11-21T03:00:00Z');
      await as(mo)
        .post(`/referrals/${declined.id}/offers`, { userIds: [sue.id] })
        .expect(201);
      await as(sue).post(`/referrals/${declined.id}/offers/decline`).expect(200);
      await at('2026-11-21T03:15:00Z');
      const step1 = (await pagesOf(declined.id)).find((p) => p.step === 1)!;
      expect([amir.id, jo.id]).toContain(step1.recipient_user_id);
      await as(mo).post(`/referrals/${declined.id}/status`, { status: 'withdrawn', reason: 'Withdrawn by the referrer.' }).expect(200);
    });

    it('a referral accepted in time stops its chain', async () => {
      const quick = await referral('Quay');
      await as(mo)
        .post(`/referrals/${quick.id}/offers`, { userIds: [jo.id] })
        .expect(201);
      t.clock.set('2026-11-21T03:40:00Z');
      await as(jo).post(`/referrals/${quick.id}/offers/accept`).expect(201);
      // Accepting it answers her page: it no longer waits on her phone to be acknowledged.
      const [page] = await pagesOf(quick.id);
      expect(
        await t.sql('SELECT acknowledged_by, acknowledged_via FROM pages WHERE id = $1 AND acknowledged_at IS NOT NULL', [page.id]),
      ).toEqual([{ acknowledged_by: jo.id, acknowledged_via: 'app' }]);
      expect((await as(jo).get('/me/pages?unacknowledged=true').expect(200)).body.items.map((p: { id: string }) => p.id)).not.toContain(
        page.id,
      );
      await at('2026-11-21T04:30:00Z');
      expect((await pagesOf(quick.id)).map((p) => p.step)).toEqual([0]);
    });
  });

  describe('a clock warning nobody acknowledges (DUTY-03)', () => {
    let r: { id: string };
    let chain: string;
    it('pages the allocated AMHP at the 4-hour warning (Urgency normal), then, unacknowledged, the next AMHP on duty, who may then read the person', async () => {
      r = await referral('Harbour');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      // (Paged as she was allocated about a clock already at its warning: not this one.)
      const before = new Set((await pagesOf(r.id, 'clock:')).map((p) => p.id));
      await at('2026-11-21T22:00:00Z');
      const warning = (await pagesOf(r.id, 'clock:')).find(
        (p) => !before.has(p.id) && p.kind === 'clock-warning' && p.chain_key.endsWith(':240'),
      )!;
      expect(warning).toMatchObject({ step: 0, recipient_user_id: amir.id, push_state: 'sent' });
      chain = warning.chain_key;
      const got = push.to('amir-phone').find((g) => (g.payload as { id: string }).id === warning.id)!;
      expect(got.payload).toEqual({ id: warning.id, kind: 'clock-warning' });
      expect(got.headers).toMatchObject({ urgency: 'normal', ttl: '3600' });
      await at('2026-11-21T22:14:00Z');
      expect((await pagesOf(r.id, chain)).map((p) => p.step)).toEqual([0]);
      await at('2026-11-21T22:15:00Z');
      const step1 = (await pagesOf(r.id, chain)).find((p) => p.step === 1)!;
      expect(step1).toMatchObject({ kind: 'escalation', reason: 'clock-not-acknowledged' });
      expect(step1.recipient_user_id).not.toBe(amir.id);
      const colleague = [jo, sue].find((u) => u.id === step1.recipient_user_id)!;
      await as(colleague).get(`/referrals/${r.id}`).expect(200);
      // Audited as read through the page, not as the rota's duty; and only while the shift she was paged on lasts.
      expect(
        await t.sql(
          `SELECT access_basis FROM audit_events WHERE action = 'referral.read' AND actor_id = $1 AND resource_id = $2 ORDER BY id DESC LIMIT 1`,
          [colleague.id, r.id],
        ),
      ).toEqual([{ access_basis: 'relationship:escalation' }]);
      await pastInstant(t, '2026-11-21T23:00:00Z', () => as(colleague).get(`/referrals/${r.id}`).expect(403));
      const steps = (await as(mo).get(`/referrals/${r.id}/events`).expect(200)).body.items.filter(
        (e: { type: string; data: { chain: string } }) => e.type === 'escalated' && e.data.chain === chain,
      );
      expect(steps).toEqual([expect.objectContaining({ data: expect.objectContaining({ step: 1, reason: 'clock-not-acknowledged' }) })]);
    });

    it('acknowledged: the chain stops there', async () => {
      const step1 = (await pagesOf(r.id, chain)).find((p) => p.step === 1)!;
      const colleague = [jo, sue].find((u) => u.id === step1.recipient_user_id)!;
      await as(colleague).post(`/me/pages/${step1.id}/ack`).expect(200);
      await at('2026-11-21T22:40:00Z');
      await at('2026-11-21T23:00:00Z');
      expect((await pagesOf(r.id, chain)).map((p) => p.step)).toEqual([0, 1]);
    });
  });

  describe('pages about a job that went elsewhere stop waiting', () => {
    type MyPage = { id: string; acknowledgedAt: string | null; acknowledgedVia: string | null; closedReason: string | null };
    const mine = async (u: TestUser, id: string): Promise<MyPage> =>
      (await as(u).get('/me/pages?limit=100').expect(200)).body.items.find((p: MyPage) => p.id === id);
    const waiting = async (u: TestUser) =>
      (await as(u).get('/me/pages?unacknowledged=true&limit=100').expect(200)).body.items.map((p: MyPage) => p.id);

    it('an offer another AMHP accepted no longer waits on the phone of the AMHP it was also offered to', async () => {
      t.clock.set('2026-11-21T22:20:00Z');
      const r = await referral('Ferry');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [amir.id, jo.id] })
        .expect(201);
      const pages = await pagesOf(r.id);
      const amirs = pages.find((p) => p.recipient_user_id === amir.id)!;
      const jos = pages.find((p) => p.recipient_user_id === jo.id)!;
      await as(jo).post(`/referrals/${r.id}/offers/accept`).expect(201);
      expect(await waiting(amir)).not.toContain(amirs.id);
      expect(await mine(amir, amirs.id)).toMatchObject({ acknowledgedVia: 'system', closedReason: 'accepted-by-another' });
      expect(await mine(jo, jos.id)).toMatchObject({ acknowledgedVia: 'app', closedReason: null });
    });

    it('an offer a manager allocated to someone else, or that ended with the referral, no longer waits, and is not passed on', async () => {
      t.clock.set('2026-11-21T22:20:00Z');
      const allocated = await referral('Lock');
      const ended = await referral('Sluice');
      for (const r of [allocated, ended])
        await as(mo)
          .post(`/referrals/${r.id}/offers`, { userIds: [amir.id] })
          .expect(201);
      await as(mo).post(`/referrals/${allocated.id}/allocation`, { userId: sue.id }).expect(200);
      await as(mo)
        .post(`/referrals/${ended.id}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);
      const [a] = await pagesOf(allocated.id);
      const [e] = await pagesOf(ended.id);
      expect(await waiting(amir)).not.toEqual(expect.arrayContaining([a.id]));
      expect(await waiting(amir)).not.toEqual(expect.arrayContaining([e.id]));
      expect(await mine(amir, a.id)).toMatchObject({ acknowledgedVia: 'system', closedReason: 'allocated' });
      expect(await mine(amir, e.id)).toMatchObject({ acknowledgedVia: 'system', closedReason: 'referral-ended' });
      await at('2026-11-21T22:36:00Z');
      expect((await pagesOf(allocated.id)).map((p) => p.step)).toEqual([0]);
      expect((await pagesOf(ended.id)).map((p) => p.step)).toEqual([0]);
    });

    it("a clock page of a job reallocated away from her stops waiting and escalating; the new AMHP's own page escalates if she leaves it", async () => {
      t.clock.set('2026-11-21T22:20:00Z');
      const r = await referral('Culvert');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      await at('2026-11-21T22:21:00Z');
      const warning = (await pagesOf(r.id, 'clock:')).find((p) => p.recipient_user_id === amir.id && p.chain_key.endsWith(':240'))!;
      expect(await waiting(amir)).toContain(warning.id);
      t.clock.set('2026-11-21T22:25:00Z');
      const etag = (await as(mo).get(`/referrals/${r.id}`).expect(200)).headers.etag;
      await t.http
        .post(`/referrals/${r.id}/allocation`)
        .set('authorization', mo.auth)
        .set('if-match', etag)
        .send({ userId: sue.id })
        .expect(200);
      expect(await waiting(amir)).not.toContain(warning.id);
      expect(await mine(amir, warning.id)).toMatchObject({ acknowledgedVia: 'system', closedReason: 'reallocated' });
      await at('2026-11-21T22:26:00Z');
      const chain = await pagesOf(r.id, warning.chain_key);
      expect(chain.map((p) => [p.step, p.recipient_user_id])).toEqual([
        [0, amir.id],
        [0, sue.id],
      ]);
      // Amir's closed page is nobody's answer: Sue's own page, left, is passed on (DUTY-03), never back to Amir.
      await at('2026-11-21T22:41:00Z');
      const step1 = (await pagesOf(r.id, warning.chain_key)).find((p) => p.step === 1)!;
      expect(step1).toMatchObject({ kind: 'escalation', recipient_user_id: jo.id });
    });
  });

  describe('a job offered again is a new offer, paged afresh (DUTY-01, DUTY-03)', () => {
    type MyPage = {
      id: string;
      kind: string;
      step: number;
      acknowledgedAt: string | null;
      acknowledgedVia: string | null;
      closedReason: string | null;
      supersededAt: string | null;
    };
    type Note = { id: string; kind: string; subjectId: string; closedReason: string | null };
    const myPages = async (u: TestUser, referralId: string): Promise<MyPage[]> =>
      (await as(u).get('/me/pages?limit=100').expect(200)).body.items.filter(
        (p: MyPage & { referralId: string }) => p.referralId === referralId,
      );
    const waiting = async (u: TestUser) =>
      (await as(u).get('/me/pages?unacknowledged=true&limit=100').expect(200)).body.items.map((p: MyPage) => p.id);
    const notes = async (u: TestUser, referralId: string, kind: string): Promise<Note[]> =>
      (await as(u).get('/me/notifications?limit=100').expect(200)).body.items.filter(
        (n: Note) => n.subjectId === referralId && n.kind === kind,
      );
    const end = (referralId: string) =>
      as(mo)
        .post(`/referrals/${referralId}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);

    it('an AMHP who declined a job and is offered it again is paged again at once, on her phone; her acknowledgement of the old page answers nothing of the new one', async () => {
      t.clock.set('2026-11-21T05:00:00Z');
      const r = await referral('Sill');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [amir.id] })
        .expect(201);
      await sender.deliverDue();
      const [first] = await pagesOf(r.id);
      await as(amir).post(`/me/pages/${first.id}/ack`).expect(200);
      await as(amir).post(`/referrals/${r.id}/offers/decline`).expect(200);
      const pushed = push.to('amir-phone').length;

      t.clock.set('2026-11-21T05:05:00Z');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [amir.id] })
        .expect(201);
      const pages = await myPages(amir, r.id);
      expect(pages.map((p) => [p.kind, p.step, p.acknowledgedAt === null])).toEqual([
        ['offer', 0, true],
        ['offer', 0, false],
      ]);
      const [again, old] = pages;
      // Her old page stands as she acknowledged it, for the offer it was about: it answers for that offer only.
      expect(old).toMatchObject({ id: first.id, acknowledgedVia: 'app', closedReason: null, supersededAt: '2026-11-21T05:05:00.000Z' });
      expect(await waiting(amir)).toContain(again.id);
      // The same path as a first offer: pushed to her phone at once, with only its id and kind.
      expect(await sender.deliverDue()).toBeGreaterThanOrEqual(1);
      expect(
        push
          .to('amir-phone')
          .slice(pushed)
          .map((p) => p.payload),
      ).toEqual([{ id: again.id, kind: 'offer' }]);
      // Her inbox: the earlier offer no longer waits for her; the new one does.
      expect((await notes(amir, r.id, 'offer.received')).map((n) => n.closedReason)).toEqual([null, 'offered-again']);
      // The chain waits from the new offer: not passed on at 05:15 for the page of 05:00, but at 05:20, unanswered.
      await at('2026-11-21T05:19:00Z');
      expect((await pagesOf(r.id)).map((p) => p.step)).toEqual([0, 0]);
      await at('2026-11-21T05:20:00Z');
      expect((await pagesOf(r.id)).map((p) => p.step)).toEqual([0, 0, 1]);
      // Accepting the offer answers her new page.
      await as(amir).post(`/referrals/${r.id}/offers/accept`).expect(201);
      expect(await waiting(amir)).not.toContain(again.id);
      await end(r.id);
    });

    it('an old page she never acknowledged is closed as offered again, off her phone, when the new offer pages her', async () => {
      t.clock.set('2026-11-21T05:30:00Z');
      const r = await referral('Lintel');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [jo.id] })
        .expect(201);
      await as(jo).post(`/referrals/${r.id}/offers/decline`).expect(200);
      const [old] = await pagesOf(r.id);
      t.clock.set('2026-11-21T05:31:00Z');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [jo.id] })
        .expect(201);
      const [again, closed] = await myPages(jo, r.id);
      expect(closed).toMatchObject({ id: old.id, acknowledgedVia: 'system', closedReason: 'offered-again' });
      expect(again).toMatchObject({ kind: 'offer', step: 0, acknowledgedAt: null, closedReason: null, supersededAt: null });
      expect(await waiting(jo)).toEqual(expect.arrayContaining([again.id]));
      expect(await waiting(jo)).not.toContain(old.id);
      // And the new offer is hers to answer.
      expect((await as(jo).get('/me/offers').expect(200)).body.items.map((o: { referralId: string }) => o.referralId)).toContain(r.id);
      await end(r.id);
    });

    it('offering the job again to someone whose offer is still open offers and pages her nothing more', async () => {
      t.clock.set('2026-11-21T05:40:00Z');
      const r = await referral('Coping');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [sue.id] })
        .expect(201);
      t.clock.set('2026-11-21T05:41:00Z');
      const again = await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [sue.id, amir.id] })
        .expect(201);
      expect(again.body.items.map((o: { userId: string }) => o.userId).sort()).toEqual([sue.id, amir.id].sort());
      expect((await pagesOf(r.id)).map((p) => p.recipient_user_id).sort()).toEqual([sue.id, amir.id].sort());
      expect(await notes(sue, r.id, 'offer.received')).toHaveLength(1);
      // The timeline says who was offered it the second time, and who held an open offer already.
      const offered = (await as(mo).get(`/referrals/${r.id}/events`).expect(200)).body.items.filter(
        (e: { type: string }) => e.type === 'offered',
      );
      expect(offered.map((e: { data: unknown }) => e.data)).toEqual(
        expect.arrayContaining([{ userIds: [sue.id] }, { userIds: [amir.id], alreadyOpen: [sue.id] }]),
      );
      await end(r.id);
    });

    it('a new offer of a job the managers were told nobody accepted answers their page; if it goes unaccepted too, they are paged and told again', async () => {
      t.clock.set('2026-11-21T06:00:00Z');
      const r = await referral('Corbel');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [amir.id, jo.id, sue.id] })
        .expect(201);
      for (const u of [amir, jo, sue]) await as(u).post(`/referrals/${r.id}/offers/decline`).expect(200);
      // Everyone on duty was offered it: the chain goes straight to the manager on call.
      await at('2026-11-21T06:15:00Z');
      const [firstWord] = (await pagesOf(r.id)).filter((p) => p.step === 3);
      expect(firstWord).toMatchObject({ kind: 'escalation', recipient_user_id: mo.id, reason: 'offer-not-accepted' });
      expect((await notes(mo, r.id, 'offer.escalated')).map((n) => n.closedReason)).toEqual([null]);

      t.clock.set('2026-11-21T06:20:00Z');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [jo.id] })
        .expect(201);
      expect((await myPages(mo, r.id)).find((p) => p.id === firstWord.id)).toMatchObject({
        acknowledgedVia: 'system',
        closedReason: 'offered-again',
      });
      expect((await notes(mo, r.id, 'offer.escalated')).map((n) => n.closedReason)).toEqual(['offered-again']);
      expect((await pagesOf(r.id)).filter((p) => p.step === 0 && p.recipient_user_id === jo.id)).toHaveLength(2);

      // Jo leaves it: 15 minutes after the new offer, the chain reaches the manager on call again, who is paged again.
      await at('2026-11-21T06:34:00Z');
      expect((await pagesOf(r.id)).filter((p) => p.step === 3)).toHaveLength(1);
      await at('2026-11-21T06:35:00Z');
      const words = (await pagesOf(r.id)).filter((p) => p.step === 3);
      expect(words.map((p) => p.recipient_user_id)).toEqual([mo.id, mo.id]);
      expect(await waiting(mo)).toContain(words[1].id);
      expect((await notes(mo, r.id, 'offer.escalated')).map((n) => n.closedReason)).toEqual([null]);
      // Nothing more in this round.
      await at('2026-11-21T07:00:00Z');
      expect((await pagesOf(r.id)).filter((p) => p.step === 3)).toHaveLength(2);
      await end(r.id);
    });
  });

  describe('a job reallocated takes its clock warnings to its new AMHP at once (DUTY-01, DUTY-03)', () => {
    type MyPage = { id: string; referralId: string; kind: string; acknowledgedAt: string | null; closedReason: string | null };
    type Note = {
      id: string;
      kind: string;
      subjectId: string;
      readAt: string | null;
      closedAt: string | null;
      closedReason: string | null;
    };
    /** Her pages about the referral's clocks, and those still waiting for her. */
    const clockPages = async (u: TestUser, referralId: string) =>
      (await as(u).get('/me/pages?limit=100').expect(200)).body.items.filter(
        (p: MyPage) => p.referralId === referralId && (p.kind === 'clock-warning' || p.kind === 'clock-breach'),
      ) as MyPage[];
    const waitingClockPages = async (u: TestUser, referralId: string) => (await clockPages(u, referralId)).filter((p) => !p.acknowledgedAt);
    /** Her inbox's notifications about the referral of these kinds (`unread` for those still new). */
    const notes = async (u: TestUser, referralId: string, kinds: string[], unread = false) =>
      (
        await as(u)
          .get(`/me/notifications?limit=100${unread ? '&unread=true' : ''}`)
          .expect(200)
      ).body.items.filter((n: Note) => n.subjectId === referralId && kinds.includes(n.kind)) as Note[];
    const clockNotes = (u: TestUser, referralId: string, unread = false) =>
      notes(u, referralId, ['clock.warning', 'clock.breached'], unread);
    const reallocate = async (referralId: string, to: TestUser) => {
      const etag = (await as(mo).get(`/referrals/${referralId}`).expect(200)).headers.etag;
      await t.http
        .post(`/referrals/${referralId}/allocation`)
        .set('authorization', mo.auth)
        .set('if-match', etag)
        .send({ userId: to.id })
        .expect(200);
    };
    /** The referral's clock pages, as [recipient, step] per chain, oldest first. */
    const chains = async (referralId: string) => {
      const rows = await t.sql<{ chain_key: string; recipient_user_id: string; step: number }>(
        `SELECT chain_key, recipient_user_id, step FROM pages WHERE referral_id = $1 AND chain_key LIKE 'clock:%' ORDER BY created_at, id`,
        [referralId],
      );
      const by = new Map<string, Array<[string, number]>>();
      for (const r of rows) by.set(r.chain_key, [...(by.get(r.chain_key) ?? []), [r.recipient_user_id, r.step]]);
      return by;
    };

    it("the new AMHP is paged and warned at once, through the phones' usual path; the AMHP who lost the job is paged no more, and her page and warning say it is no longer hers", async () => {
      t.clock.set('2026-11-21T22:20:00Z');
      const r = await referral('Towpath');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      // Amir is warned and paged about the clocks in warning (the clock job at 22:22 adds nothing); the job is
      // reallocated to Jo before the pages are sent.
      t.clock.set('2026-11-21T22:22:00Z');
      await runner.runDue();
      const amirs = await waitingClockPages(amir, r.id);
      expect(amirs.length).toBeGreaterThan(0);
      const warned = await clockNotes(amir, r.id);
      expect(warned).toHaveLength(amirs.length);
      t.clock.set('2026-11-21T22:22:30Z');
      await reallocate(r.id, jo);

      // Jo, at once, before the clock job runs again: one page and one new warning for each clock in warning.
      const jos = await waitingClockPages(jo, r.id);
      expect(jos).toHaveLength(amirs.length);
      expect((await clockNotes(jo, r.id, true)).map((n) => n.kind).sort()).toEqual(warned.map((n) => n.kind).sort());
      for (const [, pages] of await chains(r.id))
        expect(pages).toEqual([
          [amir.id, 0],
          [jo.id, 0],
        ]);
      // Amir: nothing waits, each page and warning says why; her pages were never pushed, nor asked of the gateway.
      expect(await waitingClockPages(amir, r.id)).toEqual([]);
      for (const p of await clockPages(amir, r.id)) expect(p).toMatchObject({ acknowledgedVia: 'system', closedReason: 'reallocated' });
      expect(await clockNotes(amir, r.id, true)).toEqual([]);
      for (const n of await clockNotes(amir, r.id))
        expect(n).toMatchObject({ closedReason: 'reallocated', closedAt: '2026-11-21T22:22:30.000Z' });
      await sender.deliverDue();
      const amirIds = new Set(amirs.map((p) => p.id));
      expect(push.to('amir-phone').filter((g) => amirIds.has((g.payload as { id: string }).id))).toEqual([]);
      const sent = await t.sql<{ recipient_user_id: string; push_state: string; gateway_state: string | null }>(
        `SELECT recipient_user_id, push_state, gateway_state FROM pages WHERE referral_id = $1 AND chain_key LIKE 'clock:%'`,
        [r.id],
      );
      expect(sent.filter((p) => p.recipient_user_id === amir.id).every((p) => p.push_state === 'pending' && p.gateway_state === null)).toBe(
        true,
      );
      // Jo's go out as any page does (she has no phone set up: to the SMS gateway).
      expect(sent.filter((p) => p.recipient_user_id === jo.id).every((p) => p.gateway_state === 'requested')).toBe(true);

      // The clock job's next runs know Jo was paged: nothing twice, to her or to Amir.
      await at('2026-11-21T22:23:00Z');
      await at('2026-11-21T22:24:00Z');
      expect((await clockPages(jo, r.id)).map((p) => p.id).sort()).toEqual(jos.map((p) => p.id).sort());
      expect(await clockNotes(jo, r.id)).toHaveLength(warned.length);
      expect(await waitingClockPages(amir, r.id)).toEqual([]);
      expect(await clockNotes(amir, r.id, true)).toEqual([]);
    });

    it('an offer taken by another AMHP, or allocated elsewhere, is closed in the inbox of the AMHP it was also offered to, saying why', async () => {
      t.clock.set('2026-11-21T22:30:00Z');
      const taken = await referral('Mooring');
      const allocated = await referral('Capstan');
      await as(mo)
        .post(`/referrals/${taken.id}/offers`, { userIds: [amir.id, jo.id] })
        .expect(201);
      await as(mo)
        .post(`/referrals/${allocated.id}/offers`, { userIds: [amir.id] })
        .expect(201);
      expect(await notes(amir, taken.id, ['offer.received'], true)).toHaveLength(1);
      await as(jo).post(`/referrals/${taken.id}/offers/accept`).expect(201);
      await as(mo).post(`/referrals/${allocated.id}/allocation`, { userId: sue.id }).expect(200);
      expect(await notes(amir, taken.id, ['offer.received'], true)).toEqual([]);
      expect(await notes(amir, taken.id, ['offer.received'])).toEqual([expect.objectContaining({ closedReason: 'accepted-by-another' })]);
      expect(await notes(amir, allocated.id, ['offer.received'])).toEqual([expect.objectContaining({ closedReason: 'allocated' })]);
      // Jo, who took it, still has her offer as it was.
      expect(await notes(jo, taken.id, ['offer.received'])).toEqual([expect.objectContaining({ closedReason: null })]);
    });

    it('a job reallocated back and forth pages whoever holds it once each time, never twice at once, and the clock job adds nothing', async () => {
      t.clock.set('2026-11-21T22:40:00Z');
      const r = await referral('Lockgate');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      const first = await waitingClockPages(amir, r.id);
      expect(first.length).toBeGreaterThan(0);
      t.clock.set('2026-11-21T22:40:20Z');
      await reallocate(r.id, jo);
      t.clock.set('2026-11-21T22:40:40Z');
      await reallocate(r.id, amir);
      await at('2026-11-21T22:41:00Z');
      // Amir holds it again: one page waiting per clock (a new one), her warnings new again; Jo's closed.
      const again = await waitingClockPages(amir, r.id);
      expect(again).toHaveLength(first.length);
      expect(again.map((p) => p.id)).not.toEqual(expect.arrayContaining([first[0].id]));
      expect(await clockNotes(amir, r.id, true)).toHaveLength(first.length);
      expect(await waitingClockPages(jo, r.id)).toEqual([]);
      for (const n of await clockNotes(jo, r.id)) expect(n.closedReason).toBe('reallocated');
      t.clock.set('2026-11-21T22:41:30Z');
      await reallocate(r.id, jo);
      await at('2026-11-21T22:42:00Z');
      expect(await waitingClockPages(amir, r.id)).toEqual([]);
      expect(await waitingClockPages(jo, r.id)).toHaveLength(first.length);
      expect(await clockNotes(jo, r.id, true)).toHaveLength(first.length);
      for (const [, pages] of await chains(r.id))
        expect(pages).toEqual([
          [amir.id, 0],
          [jo.id, 0],
          [amir.id, 0],
          [jo.id, 0],
        ]);
      // Left by Jo, her page is passed on up the chain (DUTY-03): the closed pages are nobody's answer.
      await at('2026-11-21T22:57:00Z');
      for (const [, pages] of await chains(r.id)) expect(pages.map(([, step]) => step)).toContain(1);
    });

    it('her acknowledgement answers for her time with the job only: the new AMHP, paged afresh, is passed on up the chain if she leaves it', async () => {
      t.clock.set('2026-11-21T22:43:00Z');
      const r = await referral('Slipway');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      t.clock.set('2026-11-21T22:43:10Z');
      for (const p of await waitingClockPages(amir, r.id)) await as(amir).post(`/me/pages/${p.id}/ack`).expect(200);
      t.clock.set('2026-11-21T22:43:20Z');
      await reallocate(r.id, jo);
      expect((await waitingClockPages(jo, r.id)).length).toBeGreaterThan(0);
      await at('2026-11-21T22:59:00Z');
      for (const [, pages] of await chains(r.id))
        expect(pages).toEqual([
          [amir.id, 0],
          [jo.id, 0],
          [sue.id, 1],
        ]);
    });

    it("a job that waited unallocated: once allocated, the managers' clock pages are closed, and the AMHP's own page is passed on up the chain if she leaves it", async () => {
      t.clock.set('2026-11-21T23:02:00Z');
      const r = await referral('Jetty');
      // Nobody holds it: the clock job pages the manager on call, the chain's last step.
      await at('2026-11-21T23:03:00Z');
      const managers = await t.sql<{ id: string }>(
        `SELECT id FROM pages WHERE referral_id = $1 AND chain_key LIKE 'clock:%' AND step = 3 AND acknowledged_at IS NULL`,
        [r.id],
      );
      expect(managers.length).toBeGreaterThan(0);
      t.clock.set('2026-11-21T23:04:00Z');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      expect(
        await t.sql(`SELECT DISTINCT acknowledged_via, closed_reason FROM pages WHERE id = ANY($1::uuid[])`, [managers.map((p) => p.id)]),
      ).toEqual([{ acknowledged_via: 'system', closed_reason: 'allocated' }]);
      expect((await waitingClockPages(amir, r.id)).length).toBeGreaterThan(0);
      // Left by Amir, his page is passed on: the managers' earlier pages do not make the chain look finished.
      await at('2026-11-21T23:20:00Z');
      for (const [, pages] of await chains(r.id)) {
        const after = pages.slice(pages.findIndex(([id, step]) => id === amir.id && step === 0) + 1);
        expect(after.length).toBeGreaterThan(0);
        for (const [id, step] of after) expect([id === amir.id, step > 0]).toEqual([false, true]);
      }
    });

    it('a job taken from her after she acknowledged its clock page, and then given back to her, pages her again at once; the clock job adds nothing', async () => {
      t.clock.set('2026-11-21T23:21:00Z');
      const r = await referral('Staithe');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      const first = await waitingClockPages(amir, r.id);
      expect(first.length).toBeGreaterThan(0);
      for (const p of first) await as(amir).post(`/me/pages/${p.id}/ack`).expect(200);
      t.clock.set('2026-11-21T23:21:20Z');
      await reallocate(r.id, jo);
      t.clock.set('2026-11-21T23:21:40Z');
      await reallocate(r.id, amir);

      // Back with her: a new page per clock, waiting, at once; her acknowledgement of the old ones stands as given.
      const again = await waitingClockPages(amir, r.id);
      expect(again).toHaveLength(first.length);
      expect(again.map((p) => p.id)).not.toEqual(expect.arrayContaining(first.map((p) => p.id)));
      for (const p of (await clockPages(amir, r.id)).filter((x) => first.some((f) => f.id === x.id)))
        expect(p).toMatchObject({ acknowledgedVia: 'app', closedReason: null, supersededAt: '2026-11-21T23:21:20.000Z' });
      for (const [, pages] of await chains(r.id))
        expect(pages).toEqual([
          [amir.id, 0],
          [jo.id, 0],
          [amir.id, 0],
        ]);
      // The clock job's next two runs page nobody again.
      await at('2026-11-21T23:22:00Z');
      await at('2026-11-21T23:23:00Z');
      expect((await clockPages(amir, r.id)).length).toBe(first.length * 2);
      expect(await waitingClockPages(jo, r.id)).toEqual([]);
    });
  });

  describe('a job sent back to the queue pages the managers on call at once (DUTY-03)', () => {
    /** The referral's clock pages still waiting, as [recipient, step, kind], and how many clock pages it has in all. */
    const clockState = async (referralId: string) => {
      const rows = await t.sql<{ recipient_user_id: string; step: number; kind: string; acknowledged_at: Date | null }>(
        `SELECT recipient_user_id, step, kind, acknowledged_at FROM pages WHERE referral_id = $1 AND chain_key LIKE 'clock:%' ORDER BY chain_key, step, recipient_user_id`,
        [referralId],
      );
      return {
        waiting: rows.filter((r) => !r.acknowledged_at).map((r) => [r.recipient_user_id, r.step, r.kind]),
        all: rows.length,
      };
    };
    /** The clocks of the referral due now (at a warning or breach stage), by their chains' keys. */
    const dueChains = async (referralId: string) =>
      (
        await t.sql<{ chain_key: string }>(`SELECT DISTINCT chain_key FROM pages WHERE referral_id = $1 AND chain_key LIKE 'clock:%'`, [
          referralId,
        ])
      ).map((r) => r.chain_key);
    const sendBack = (referralId: string) => as(mo).post(`/referrals/${referralId}/status`, { status: 'accepted' }).expect(200);

    it("the manager on call is paged about each clock due, in the same change, not at the clock job's next run; that run pages nobody again", async () => {
      t.clock.set('2026-11-21T23:30:00Z');
      await as(mo)
        .post('/rota/manager-on-call', { userId: max.id, startsAt: '2026-11-21T23:30:00Z', endsAt: '2026-11-21T23:45:00Z' })
        .expect(201);
      const r = await referral('Groyne');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      const chains = await dueChains(r.id);
      expect(chains.length).toBeGreaterThan(0);
      t.clock.set('2026-11-21T23:31:00Z');
      await sendBack(r.id);

      // At once: Max, the manager on call, has a page per clock due, the chain's last step; Amir's are closed.
      const now = await clockState(r.id);
      expect(now.waiting).toEqual(chains.map(() => [max.id, 3, expect.stringMatching(/^clock-(warning|breach)$/)]));
      const maxs = (await as(max).get('/me/pages?unacknowledged=true&limit=100').expect(200)).body.items.filter(
        (p: { referralId: string }) => p.referralId === r.id,
      );
      expect(maxs).toHaveLength(chains.length);

      // The clock job's next runs know he was paged: nothing more, to him or anyone, and nothing escalates.
      await at('2026-11-21T23:32:00Z');
      await at('2026-11-21T23:33:00Z');
      expect(await clockState(r.id)).toEqual(now);
    });

    it('with no manager on call, every manager is paged at once, as the escalation does when the rota names none; the clock job adds nothing', async () => {
      t.clock.set('2026-11-21T23:50:00Z');
      const r = await referral('Breakwater');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: jo.id }).expect(200);
      const chains = await dueChains(r.id);
      expect(chains.length).toBeGreaterThan(0);
      t.clock.set('2026-11-21T23:51:00Z');
      await sendBack(r.id);
      const now = await clockState(r.id);
      const everyManager = [mo.id, max.id].sort();
      expect(now.waiting.map(([id, step]) => [id, step]).sort()).toEqual(chains.flatMap(() => everyManager.map((id) => [id, 3])).sort());
      await at('2026-11-21T23:52:00Z');
      expect(await clockState(r.id)).toEqual(now);
    });

    /** The clock pages waiting for a manager about the referral, as the app lists them. */
    const waitingFor = async (u: TestUser, referralId: string) =>
      (
        (await as(u).get('/me/pages?unacknowledged=true&limit=100').expect(200)).body.items as Array<{
          id: string;
          referralId: string;
          kind: string;
          step: number;
        }>
      ).filter((p) => p.referralId === referralId && (p.kind === 'clock-warning' || p.kind === 'clock-breach'));
    /** The job waits unallocated: the clock job pages every manager (nobody is on call); Mo acknowledges his pages. */
    const warnedAndAcknowledged = async (surname: string, from: string) => {
      t.clock.set(from);
      const r = await referral(surname);
      await at(new Date(Date.parse(from) + 60_000).toISOString());
      const mos = await waitingFor(mo, r.id);
      expect(mos.length).toBeGreaterThan(0);
      expect(mos.every((p) => p.step === 3)).toBe(true);
      for (const p of mos) await as(mo).post(`/me/pages/${p.id}/ack`).expect(200);
      expect(await waitingFor(mo, r.id)).toEqual([]);
      return { r, chains: mos.length };
    };

    it('a manager who acknowledged a clock warning before the job was allocated is paged again at once when it is sent back to the queue; the clock job adds nothing', async () => {
      const { r, chains } = await warnedAndAcknowledged('Shingle', '2026-11-21T23:53:00Z');
      t.clock.set('2026-11-21T23:54:30Z');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      t.clock.set('2026-11-21T23:55:00Z');
      await sendBack(r.id);

      // The job back unallocated is news: Mo (and Max) are paged about each clock due, at once.
      expect(await waitingFor(mo, r.id)).toHaveLength(chains);
      expect(await waitingFor(max, r.id)).toHaveLength(chains);
      const now = await clockState(r.id);
      await at('2026-11-21T23:56:00Z');
      await at('2026-11-21T23:57:00Z');
      expect(await clockState(r.id)).toEqual(now);
      expect(await waitingFor(mo, r.id)).toHaveLength(chains);
    });

    it('the same when the job is handed back because its AMHP may no longer act: the manager who acknowledged its warning before is paged again at once', async () => {
      const kit = await amhp(t, { displayName: 'Kit Duty' });
      const { r, chains } = await warnedAndAcknowledged('Saltings', '2026-11-21T23:58:00Z');
      t.clock.set('2026-11-21T23:59:30Z');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: kit.id }).expect(200);
      t.clock.set('2026-11-22T00:00:00Z');
      await as(mo)
        .post(`/approvals/${await approvalOf(t, kit.practitionerId)}/suspensions`, { reason: 'Interim suspension order by the regulator' })
        .expect(201);
      expect((await as(mo).get(`/referrals/${r.id}`).expect(200)).body).toMatchObject({ status: 'accepted', allocatedUserId: null });

      expect(await waitingFor(mo, r.id)).toHaveLength(chains);
      expect(await waitingFor(max, r.id)).toHaveLength(chains);
      const now = await clockState(r.id);
      await at('2026-11-22T00:01:00Z');
      await at('2026-11-22T00:02:00Z');
      expect(await clockState(r.id)).toEqual(now);
    });

    it('a job handed back a second time because the same AMHP may no longer act pages the managers to reallocate it again, though they acknowledged the first', async () => {
      const lee = await amhp(t, { displayName: 'Lee Duty' });
      t.clock.set('2026-11-22T00:03:00Z');
      const r = await referral('Foreshore');
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: lee.id }).expect(200);
      await as(mo)
        .post(`/approvals/${await approvalOf(t, lee.practitionerId)}/suspensions`, { reason: 'Interim suspension order by the regulator' })
        .expect(201);
      const toReallocate = async (u: TestUser) =>
        (
          (await as(u).get('/me/pages?limit=100').expect(200)).body.items as Array<{
            id: string;
            referralId: string;
            reason: string | null;
            acknowledgedAt: string | null;
          }>
        ).filter((p) => p.referralId === r.id && p.reason === 'amhp-not-eligible');
      const [first] = await toReallocate(mo);
      expect(first).toBeDefined();
      await as(mo).post(`/me/pages/${first.id}/ack`).expect(200);
      // A manager gives the job back to Lee, overriding the suspension; then her record is made inactive, which the
      // override did not decide: the job is handed back again, and that is news to the managers.
      t.clock.set('2026-11-22T00:04:00Z');
      await as(mo)
        .post(`/referrals/${r.id}/allocation`, { userId: lee.id, overrideReason: 'Only AMHP near; regulator consulted' })
        .expect(200);
      t.clock.set('2026-11-22T00:05:00Z');
      await t.http.patch(`/practitioners/${lee.practitionerId}`).set('authorization', mo.auth).send({ active: false }).expect(200);
      expect((await as(mo).get(`/referrals/${r.id}`).expect(200)).body).toMatchObject({ status: 'accepted', allocatedUserId: null });
      const pages = await toReallocate(mo);
      expect(pages).toHaveLength(2);
      expect(pages.filter((p) => !p.acknowledgedAt)).toHaveLength(1);
      expect((await toReallocate(max)).filter((p) => !p.acknowledgedAt)).toHaveLength(1);
    });
  });

  describe('expired subscriptions and the handover', () => {
    it("a push service answering 410 removes the phone's subscription, and the page goes to the gateway instead", async () => {
      push.answer('amir-phone', 410);
      const r = await referral('Dock');
      t.clock.set('2026-11-21T22:41:00Z');
      await as(mo)
        .post(`/referrals/${r.id}/offers`, { userIds: [amir.id] })
        .expect(201);
      await sender.deliverDue();
      expect((await as(amir).get('/me/push-subscriptions').expect(200)).body.items).toEqual([]);
      expect((await pagesOf(r.id))[0]).toMatchObject({ push_state: 'no-device', gateway_state: 'requested' });
      const [row] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'push-subscription.expire'`);
      expect(row.n).toBe(1);
    });

    it('a device its owner revokes is paged no more', async () => {
      const phone = push.device('jo-phone');
      const sub = await as(jo).post('/me/push-subscriptions', { endpoint: phone.endpoint, keys: phone.keys }).expect(201);
      await as(jo).delete(`/me/push-subscriptions/${sub.body.id}`).expect(204);
      expect((await as(jo).get('/me/push-subscriptions').expect(200)).body.items).toEqual([]);
    });

    it('the morning handover, once compiled, pages the manager on call', async () => {
      await at('2026-11-22T08:00:00Z');
      const rows = await t.sql<{ recipient_user_id: string; kind: string; subject_id: string }>(
        `SELECT recipient_user_id, kind, subject_id FROM pages WHERE kind = 'handover' AND subject_id = '2026-11-22'`,
      );
      // Mo's time on call ended at 09:00 yesterday and the rota names nobody since: every manager.
      expect(rows.map((p) => p.recipient_user_id).sort()).toEqual([mo.id, max.id].sort());
      expect(rows.every((p) => p.kind === 'handover' && p.subject_id === '2026-11-22')).toBe(true);
    });
  });

  describe('a time limit moved later warns its AMHP afresh as it runs out again (DUTY-01, DUTY-03, POL-08)', () => {
    type MyPage = {
      id: string;
      referralId: string;
      acknowledgedAt: string | null;
      closedReason: string | null;
      supersededAt: string | null;
    };
    const clockPages = async (referralId: string, stage: string) =>
      (await pagesOf(referralId, 'clock:')).filter((p) => p.chain_key.includes(':POL-07:') && p.chain_key.endsWith(`:${stage}`));
    const mine = async (id: string): Promise<MyPage> =>
      (await as(amir).get('/me/pages?limit=100').expect(200)).body.items.find((p: MyPage) => p.id === id);
    const warnings = async (referralId: string) =>
      (await as(amir).get('/me/notifications?limit=100').expect(200)).body.items.filter(
        (n: { subjectId: string; kind: string; title: string }) =>
          n.subjectId === referralId && n.kind === 'clock.warning' && n.title.includes('Section 136: detention'),
      );

    it('after a s.136B extension, the AMHP who was warned of the 24 hours is paged and told again at 4 hours and 1 hour before the new end; the old warnings stop waiting and are passed on to no one', async () => {
      t.clock.set('2026-11-23T00:00:00Z');
      // Two days on: Mo and Amir sign in again.
      for (const u of [mo, amir]) u.auth = `Bearer ${(await t.app.get(TokenService).issueAccessToken(u.id, u.roles)).token}`;
      const r = await sent(t, mo.auth, s136Referral('Parapet', '2026-11-22T01:30:00Z'));
      await accepted(t, mo.auth, r.id);
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      const [four] = await clockPages(r.id, '240');
      expect(four).toMatchObject({ step: 0, recipient_user_id: amir.id });
      await as(amir).post(`/me/pages/${four.id}/ack`).expect(200);
      await at('2026-11-23T00:30:00Z');
      const [one] = await clockPages(r.id, '60');
      expect(one).toMatchObject({ step: 0, recipient_user_id: amir.id });

      // The examining doctor extends the detention by 12 hours for the person's condition: it now ends at 13:30.
      t.clock.set('2026-11-23T00:45:00Z');
      await as(mo)
        .post(`/referrals/${r.id}/extensions`, {
          authorisedAt: '2026-11-23T00:40:00Z',
          hours: 12,
          authorisedBy: 'examining-doctor',
          reason: 'patient-condition',
        })
        .expect(201);
      await at('2026-11-23T00:46:00Z');
      // The 1-hour page of the old end no longer waits for her, and is not passed on up the chain.
      expect(await mine(one.id)).toMatchObject({ closedReason: 'deadline-moved', supersededAt: expect.any(String) });
      expect(await mine(four.id)).toMatchObject({ closedReason: null, supersededAt: expect.any(String) });
      await at('2026-11-23T01:05:00Z');
      expect((await clockPages(r.id, '60')).map((p) => p.step)).toEqual([0]);
      expect((await warnings(r.id)).map((n: { closedReason: string | null }) => n.closedReason)).toEqual([
        'deadline-moved',
        'deadline-moved',
      ]);

      // 4 hours before the new end, and 1 hour before: paged and told again, once each.
      await at('2026-11-23T09:30:00Z');
      await at('2026-11-23T09:31:00Z');
      expect((await clockPages(r.id, '240')).map((p) => [p.step, p.recipient_user_id])).toEqual([
        [0, amir.id],
        [0, amir.id],
      ]);
      const [, fourAgain] = await clockPages(r.id, '240');
      expect(await mine(fourAgain.id)).toMatchObject({ acknowledgedAt: null, closedReason: null, supersededAt: null });
      await at('2026-11-23T12:30:00Z');
      await at('2026-11-23T12:31:00Z');
      expect((await clockPages(r.id, '60')).map((p) => [p.step, p.recipient_user_id])).toEqual([
        [0, amir.id],
        [0, amir.id],
      ]);
      const open = (await warnings(r.id)).filter((n: { closedReason: string | null }) => !n.closedReason);
      expect(open.map((n: { title: string }) => n.title)).toEqual([
        expect.stringMatching(/ends in 1 h$/),
        expect.stringMatching(/ends in 4 h$/),
      ]);
      await as(mo)
        .post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);
    });
  });

  describe('a time limit moved: what she and the managers read shows the end as it stands, within a minute (DUTY-01, POL-08)', () => {
    type Mine = {
      id: string;
      referralId: string;
      kind: string;
      acknowledgedAt: string | null;
      closedReason: string | null;
      supersededAt: string | null;
      endsAt: string | null;
      channels: unknown;
    };
    type Note = {
      id: string;
      subjectId: string;
      kind: string;
      title: string;
      body: string;
      readAt: string | null;
      closedReason: string | null;
    };
    const s136Pages = async (referralId: string) => (await pagesOf(referralId, 'clock:')).filter((p) => p.chain_key.includes(':POL-07:'));
    /** Her pages of the referral's s.136 detention clock (POL-07), as her app reads them. */
    const myPages = async (referralId: string): Promise<Mine[]> => {
      const ids = new Set((await s136Pages(referralId)).map((p) => p.id));
      return ((await as(amir).get('/me/pages?limit=100').expect(200)).body.items as Mine[]).filter((p) => ids.has(p.id));
    };
    const myWarnings = async (referralId: string): Promise<Note[]> =>
      ((await as(amir).get('/me/notifications?limit=100').expect(200)).body.items as Note[]).filter(
        (n) => n.subjectId === referralId && n.kind === 'clock.warning' && n.title.includes('Section 136: detention'),
      );
    const CUSTODY = 'The custody record gives the arrival at the place of safety';
    /** POST /referrals/{id}/time-corrections as Mo, with any headers (If-Match). */
    const correct = (referralId: string, body: object, headers: Record<string, string> = {}) =>
      t.http.post(`/referrals/${referralId}/time-corrections`).set('authorization', mo.auth).set(headers).send(body);
    const s136Clock = (r: { clocks: Array<{ id: string }> }) => r.clocks.find((c) => c.id === 'POL-07');
    const eventsFor = (ids: string[]) =>
      t.sql<{ type: string; payload: { userId: string } }>(
        `SELECT type, payload FROM outbox_events WHERE aggregate_id::text = ANY($1::text[]) ORDER BY type`,
        [ids],
      );
    const auditFor = (ids: string[]) =>
      t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE resource_id = ANY($1::text[]) ORDER BY action`, [ids]);

    beforeAll(async () => {
      t.clock.set('2026-11-24T00:00:00Z');
      for (const u of [mo, amir]) u.auth = `Bearer ${(await t.app.get(TokenService).issueAccessToken(u.id, u.roles)).token}`;
    });

    it('a 30-minute s.136B extension in the last hour puts her standing page and warning right where they stand, with the new end, and does not page her again', async () => {
      t.clock.set('2026-11-24T00:00:00Z');
      // Detained at 00:20 yesterday: the 24 hours end at 00:20 tonight, 20 minutes from now.
      const r = await sent(t, mo.auth, s136Referral('Plinth', '2026-11-23T00:20:00Z'));
      await accepted(t, mo.auth, r.id);
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      while ((await sender.deliverDue()) > 0);
      const [page] = await myPages(r.id);
      expect(page).toMatchObject({ kind: 'clock-warning', endsAt: '2026-11-24T00:20:00.000Z', acknowledgedAt: null });
      const [warning] = await myWarnings(r.id);
      expect(warning.body).toMatch(/00:20/);
      await as(amir).post(`/me/notifications/${warning.id}/read`).expect(200);

      // At 00:05 the examining doctor extends the detention by 30 minutes: it now ends at 00:50, still within the hour.
      t.clock.set('2026-11-24T00:05:00Z');
      await as(mo)
        .post(`/referrals/${r.id}/extensions`, {
          authorisedAt: '2026-11-24T00:05:00Z',
          hours: 0.5,
          authorisedBy: 'examining-doctor',
          reason: 'patient-condition',
        })
        .expect(201);
      await at('2026-11-24T00:06:00Z');

      // The same page, still waiting for her, now with the new end; no second page, nothing sent again.
      expect(await myPages(r.id)).toEqual([
        expect.objectContaining({
          id: page.id,
          acknowledgedAt: null,
          closedReason: null,
          supersededAt: null,
          endsAt: '2026-11-24T00:50:00.000Z',
        }),
      ]);
      expect((await s136Pages(r.id)).map((p) => p.id)).toEqual([page.id]);
      expect((await myPages(r.id))[0].channels).toEqual(page.channels);
      // The same warning, read as she left it, now saying the new end and no longer the old one.
      const after = await myWarnings(r.id);
      expect(after).toEqual([expect.objectContaining({ id: warning.id, closedReason: null, readAt: expect.any(String) })]);
      expect(after[0].body).toMatch(/00:50/);
      expect(after[0].body).not.toMatch(/00:20/);
      // Audited, and told to her open app.
      expect((await auditFor([page.id, warning.id])).map((a) => a.action)).toEqual(
        expect.arrayContaining(['notification.update', 'page.update']),
      );
      const told = await eventsFor([page.id, warning.id]);
      expect(told.filter((e) => e.type.endsWith('.updated')).map((e) => [e.type, e.payload.userId])).toEqual([
        ['notification.updated', amir.id],
        ['page.updated', amir.id],
      ]);
      // A minute on, nothing more: put right once.
      await at('2026-11-24T00:07:00Z');
      expect((await eventsFor([page.id, warning.id])).filter((e) => e.type.endsWith('.updated'))).toHaveLength(2);

      // The breach comes at the new end, not the old.
      await at('2026-11-24T00:21:00Z');
      expect((await pagesOf(r.id, 'clock:')).filter((p) => p.chain_key.endsWith(':breach') && p.chain_key.includes(':POL-07:'))).toEqual(
        [],
      );
      await as(amir).post(`/me/pages/${page.id}/ack`).expect(200);
      await at('2026-11-24T00:50:00Z');
      const breach = (await myPages(r.id)).filter((p) => p.kind === 'clock-breach');
      expect(breach).toEqual([expect.objectContaining({ endsAt: '2026-11-24T00:50:00.000Z' })]);
      await as(mo)
        .post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);
    });

    it('a time corrected back, the end EARLIER within the same hour: the old page and warning are closed and she is paged and told again by the new end', async () => {
      t.clock.set('2026-11-24T02:00:00Z');
      // The 24 hours end at 02:50 as recorded.
      const r = await sent(t, mo.auth, s136Referral('Lintel', '2026-11-23T02:50:00Z'));
      await accepted(t, mo.auth, r.id);
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      const [page] = await myPages(r.id);
      expect(page).toMatchObject({ endsAt: '2026-11-24T02:50:00.000Z' });
      await as(amir).post(`/me/pages/${page.id}/ack`).expect(200);
      // The arrival was in fact half an hour earlier (the custody record corrected): the end is 02:20, in 20 minutes.
      const res = await correct(r.id, { time: 'arrivedAt', at: '2026-11-23T02:20:00Z', reason: CUSTODY });
      expect(res.status).toBe(200);
      expect(s136Clock(res.body)).toMatchObject({ anchor: '2026-11-23T02:20:00.000Z', deadline: '2026-11-24T02:20:00.000Z' });
      // At once, not at the clock job's next minute.
      while ((await sender.deliverDue()) > 0);
      const pages = await myPages(r.id);
      expect(pages.find((p) => p.id === page.id)).toMatchObject({ supersededAt: expect.any(String), endsAt: '2026-11-24T02:50:00.000Z' });
      const fresh = pages.filter((p) => p.id !== page.id);
      expect(fresh).toEqual([
        expect.objectContaining({ kind: 'clock-warning', acknowledgedAt: null, supersededAt: null, endsAt: '2026-11-24T02:20:00.000Z' }),
      ]);
      // Her warning, closed as the end moved and raised again under its key: new to her, with the new end.
      const warnings = await myWarnings(r.id);
      expect(warnings).toEqual([expect.objectContaining({ closedReason: null, readAt: null, body: expect.stringMatching(/02:20/) })]);
      expect((await eventsFor([warnings[0].id])).map((e) => e.type)).toEqual([
        'notification.closed',
        'notification.created',
        'notification.created',
      ]);
      await as(mo)
        .post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);
    });

    it('a time corrected later, past the warning: her page of the old end is closed (deadline-moved) at once and she is not paged until the new end nears; audited, on the timeline, published', async () => {
      t.clock.set('2026-11-24T06:00:00Z');
      const r = await sent(t, mo.auth, s136Referral('Corbel', '2026-11-23T06:30:00Z'));
      await accepted(t, mo.auth, r.id);
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      const [page] = await myPages(r.id);
      expect(page).toMatchObject({ endsAt: '2026-11-24T06:30:00.000Z', closedReason: null });
      // The ward gave the wrong day's time: the person arrived ten hours later; the end is 16:30, far off.
      const res = await correct(r.id, { time: 'arrivedAt', at: '2026-11-23T16:30:00Z', reason: CUSTODY });
      expect(res.status).toBe(200);
      expect(s136Clock(res.body)).toMatchObject({ deadline: '2026-11-24T16:30:00.000Z' });
      expect(await myPages(r.id)).toEqual([expect.objectContaining({ id: page.id, closedReason: 'deadline-moved' })]);
      expect((await myWarnings(r.id)).map((w) => w.closedReason)).toEqual(['deadline-moved']);
      expect(
        await t.sql(`SELECT actor_id, details FROM audit_events WHERE action = 'referral.time-corrected' AND resource_id = $1`, [r.id]),
      ).toEqual([
        {
          actor_id: mo.id,
          details: { time: 'arrivedAt', from: '2026-11-23T06:30:00.000Z', to: '2026-11-23T16:30:00.000Z', reason: CUSTODY },
        },
      ]);
      expect(await t.sql(`SELECT payload FROM outbox_events WHERE type = 'referral.time-corrected' AND aggregate_id = $1`, [r.id])).toEqual(
        [{ payload: { referralId: r.id, time: 'arrivedAt', from: '2026-11-23T06:30:00.000Z', to: '2026-11-23T16:30:00.000Z' } }],
      );
      const timeline = (await as(mo).get(`/referrals/${r.id}/events`).expect(200)).body.items as Array<{ type: string }>;
      expect(timeline.map((e) => e.type)).toContain('time-corrected');
      // Warned again by the new end: four hours before it.
      await at('2026-11-24T12:31:00Z');
      expect((await myPages(r.id)).filter((p) => p.closedReason === null)).toEqual([
        expect.objectContaining({ kind: 'clock-warning', endsAt: '2026-11-24T16:30:00.000Z' }),
      ]);
      await as(mo)
        .post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);
    });

    it('a time corrected back so far that the 24 hours have already run out: she is paged of the breach at once', async () => {
      t.clock.set('2026-11-24T08:00:00Z');
      // As recorded, the 24 hours end at 09:00, in an hour: she is warned.
      const r = await sent(t, mo.auth, s136Referral('Parapet', '2026-11-23T09:00:00Z'));
      await accepted(t, mo.auth, r.id);
      await as(mo).post(`/referrals/${r.id}/allocation`, { userId: amir.id }).expect(200);
      const [warned] = await myPages(r.id);
      expect(warned).toMatchObject({ kind: 'clock-warning', endsAt: '2026-11-24T09:00:00.000Z' });
      // The police had him at the place of safety from 07:30 yesterday: the detention ended at 07:30, half an hour ago.
      const res = await correct(r.id, { time: 'arrivedAt', at: '2026-11-23T07:30:00Z', reason: CUSTODY });
      expect(res.status).toBe(200);
      expect(s136Clock(res.body)).toMatchObject({ deadline: '2026-11-24T07:30:00.000Z', state: 'breached' });
      const pages = await myPages(r.id);
      expect(pages.find((p) => p.id === warned.id)).toMatchObject({ closedReason: 'deadline-moved' });
      expect(pages.filter((p) => p.closedReason === null)).toEqual([
        expect.objectContaining({ kind: 'clock-breach', endsAt: '2026-11-24T07:30:00.000Z', acknowledgedAt: null }),
      ]);
      expect(
        ((await as(amir).get('/me/notifications?limit=100').expect(200)).body.items as Note[]).filter(
          (n) =>
            n.subjectId === r.id && n.kind === 'clock.breached' && n.closedReason === null && n.title.includes('Section 136: detention'),
        ),
      ).toHaveLength(1);
      await as(mo)
        .post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);
    });

    it('a correction is refused, naming the field and changing nothing: not a time, in the future, unchanged, one the context has not, no reason, a stale If-Match, after a move; of two at once on the same version one wins and the other is 412', async () => {
      t.clock.set('2026-11-24T12:00:00Z');
      const r = await sent(t, mo.auth, s136Referral('Sill', '2026-11-24T02:00:00Z'));
      await accepted(t, mo.auth, r.id);
      const before = (await as(mo).get(`/referrals/${r.id}`).expect(200)).body;
      const refused = async (body: object, status: number, field: string, headers: Record<string, string> = {}) => {
        const res = await correct(r.id, body, headers);
        expect([res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([status, [field]]);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      };
      await refused({ time: 'arrivedAt', at: 'yesterday', reason: CUSTODY }, 400, 'at');
      await refused({ time: 'leftAt', at: '2026-11-24T01:00:00Z', reason: CUSTODY }, 400, 'time');
      await refused({ time: 'arrivedAt', at: '2026-11-24T01:00:00Z' }, 400, 'reason');
      await refused({ time: 'arrivedAt', at: '2026-11-24T01:00:00Z', reason: 'wrong' }, 400, 'reason');
      await refused({ time: 'arrivedAt', at: '2026-11-24T13:00:00Z', reason: CUSTODY }, 422, 'at');
      await refused({ time: 'arrivedAt', at: '2026-11-24T02:00:00Z', reason: CUSTODY }, 422, 'at');
      await refused({ time: 'recalledAt', at: '2026-11-24T01:00:00Z', reason: CUSTODY }, 422, 'time');
      await refused({ time: 'keptAt', at: '2026-11-24T01:00:00Z', reason: CUSTODY }, 422, 'time');
      const stale = await correct(
        r.id,
        { time: 'arrivedAt', at: '2026-11-24T01:00:00Z', reason: CUSTODY },
        { 'if-match': `"v${before.version - 1}"` },
      );
      expect(stale.status).toBe(412);
      const unchanged = (await as(mo).get(`/referrals/${r.id}`).expect(200)).body;
      expect([unchanged.version, unchanged.legalContext.arrivedAt]).toEqual([before.version, before.legalContext.arrivedAt]);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'referral.time-corrected' AND resource_id = $1`, [r.id])).toEqual([]);

      const both = await Promise.all(
        ['2026-11-24T01:00:00Z', '2026-11-24T03:00:00Z'].map((when) =>
          correct(r.id, { time: 'arrivedAt', at: when, reason: CUSTODY }, { 'if-match': `"v${before.version}"` }),
        ),
      );
      expect(both.map((b) => b.status).sort()).toEqual([200, 412]);
      const won = both.find((b) => b.status === 200)!;
      expect((await as(mo).get(`/referrals/${r.id}`).expect(200)).body.legalContext.arrivedAt).toBe(won.body.legalContext.arrivedAt);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'referral.time-corrected' AND resource_id = $1`, [r.id])).toHaveLength(
        1,
      );
      // Moved to another place of safety at 05:00 (s.136(3)): the detention began before that, never after it.
      await as(mo).post(`/referrals/${r.id}/transfers`, { at: '2026-11-24T05:00:00Z', placeOfSafetyType: 'health-based' }).expect(201);
      await refused({ time: 'arrivedAt', at: '2026-11-24T06:00:00Z', reason: CUSTODY }, 422, 'at');
      await as(mo)
        .post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);
    });

    it("a job in the queue whose end moves later past its stage: the managers' pages of the old end stop waiting at the clock job's next minute", async () => {
      t.clock.set('2026-11-24T04:00:00Z');
      // Nobody holds it: the 24 hours end at 04:30; the managers on call (every manager, the rota naming none) are paged.
      const r = await sent(t, mo.auth, s136Referral('Coping', '2026-11-23T04:30:00Z'));
      await accepted(t, mo.auth, r.id);
      await at('2026-11-24T04:01:00Z');
      const paged = await s136Pages(r.id);
      expect(paged.map((p) => p.recipient_user_id).sort()).toEqual([mo.id, max.id].sort());
      const mine = paged.find((p) => p.recipient_user_id === mo.id)!;
      await as(mo).post(`/me/pages/${mine.id}/ack`).expect(200);
      t.clock.set('2026-11-24T04:05:00Z');
      await as(mo)
        .post(`/referrals/${r.id}/extensions`, {
          authorisedAt: '2026-11-24T04:05:00Z',
          hours: 12,
          authorisedBy: 'examining-doctor',
          reason: 'patient-condition',
        })
        .expect(201);
      await at('2026-11-24T04:06:00Z');
      const after = await t.sql<{ recipient_user_id: string; closed_reason: string | null; superseded_at: Date | null }>(
        `SELECT recipient_user_id, closed_reason, superseded_at FROM pages WHERE id = ANY($1::uuid[])`,
        [paged.map((p) => p.id)],
      );
      expect(after.every((p) => p.superseded_at !== null)).toBe(true);
      expect(after.find((p) => p.recipient_user_id === max.id)).toMatchObject({ closed_reason: 'deadline-moved' });
      expect(after.find((p) => p.recipient_user_id === mo.id)).toMatchObject({ closed_reason: null });
      await as(mo)
        .post(`/referrals/${r.id}/status`, { status: 'withdrawn', reason: 'Released by the police before assessment' })
        .expect(200);
    });
  });

  it('nothing about the people paged about reaches the log: ids and codes only', () => {
    const log = logged.join('\n');
    expect(log).toMatch(/page [0-9a-f-]{36} \(offer\) not pushed \(no-device\)/);
    expect(log).not.toMatch(
      /Bridge|Quay|Harbour|Dock|Weir|Towpath|Mooring|Capstan|Lockgate|Slipway|Staithe|Shingle|Saltings|Foreshore|Sill|Lintel|Coping|Corbel|Parapet|Robin|PC Jones|Northshire General|s\.136/,
    );
  });
});
