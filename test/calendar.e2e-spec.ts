import { createHash, randomBytes } from 'node:crypto';
import { amhp, rosteredFromStart, shiftWorked } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

type Amhp = TestUser & { practitionerId: string };

/** Every property a feed may carry: rota data and calendar plumbing, nothing about anyone's record. */
const ALLOWED_PROPERTIES = [
  'BEGIN',
  'END',
  'VERSION',
  'PRODID',
  'NAME',
  'X-WR-CALNAME',
  'REFRESH-INTERVAL',
  'X-PUBLISHED-TTL',
  'UID',
  'SEQUENCE',
  'DTSTAMP',
  'LAST-MODIFIED',
  'DTSTART',
  'DTEND',
  'SUMMARY',
  'DESCRIPTION',
  'TRANSP',
];
const FEED_PATH = /^\/rota\/calendar\/([A-Za-z0-9_-]{43})\.ics$/;

const unfold = (ics: string) =>
  ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');
const propertyNames = (ics: string) => [...new Set(unfold(ics).map((l) => l.split(/[;:]/)[0]))];
const uids = (ics: string) =>
  unfold(ics)
    .filter((l) => l.startsWith('UID:'))
    .map((l) => l.slice(4));

describe("rota calendar feeds: secret ICS URLs for an AMHP's shifts and the hub's", () => {
  let t: TestApp;
  let manager: TestUser;
  let ann: Amhp;
  let bo: Amhp;
  /** Assignment ids of Ann and Bo, and every shift id, in the feed window. */
  const annAssignments: string[] = [];
  const boAssignments: string[] = [];
  const shiftIds: string[] = [];
  let outsideAssignments: string[] = [];

  const api = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    delete: (p: string) => t.http.delete(p).set('authorization', u.auth),
  });
  const shift = async (startsAt: string, endsAt: string, over: object = {}) =>
    (
      await api(manager)
        .post('/rota/shifts', { label: 'Night', startsAt, endsAt, requiredCount: 1, ...over })
        .expect(201)
    ).body;
  const assign = async (shiftId: string, a: Amhp) => {
    const res = await api(manager).post(`/rota/shifts/${shiftId}/assignments`, { practitionerId: a.practitionerId }).expect(201);
    return res.body.assigned.find((x: { practitionerId: string }) => x.practitionerId === a.practitionerId).assignmentId as string;
  };
  const createToken = async (u: TestUser, body: object, status = 201) =>
    (await api(u).post('/rota/calendar-tokens', body).expect(status)).body;
  const tokenOf = (created: { feedPath: string }) => FEED_PATH.exec(created.feedPath)![1];
  const fetchFeed = (path: string) =>
    t.http
      .get(path)
      .buffer(true)
      .parse((res, cb) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => cb(null, data));
      });

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-10-20T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    ann = await amhp(t, { displayName: 'Ann Smith' });
    bo = await amhp(t, { displayName: 'Bo Jones' });
    await t.sql(`UPDATE users SET phone = '+44 7700 900123' WHERE id = $1`, [ann.id]);

    // The night the clocks go back: 22:00 BST to 09:00 GMT, 12 hours.
    const dst = await shift('2026-10-24T21:00:00Z', '2026-10-25T09:00:00Z', {
      notes: 'Referral R-123 for Mr Patient: ring the ward first',
    });
    annAssignments.push(await assign(dst.id, ann));
    const day = await shift('2026-10-27T08:00:00Z', '2026-10-27T16:00:00Z', { label: 'Day', requiredCount: 2 });
    annAssignments.push(await assign(day.id, ann));
    boAssignments.push(await assign(day.id, bo));
    const boNight = await shift('2026-10-29T22:00:00Z', '2026-10-30T09:00:00Z');
    boAssignments.push(await assign(boNight.id, bo));
    const unfilled = await shift('2026-11-02T09:00:00Z', '2026-11-02T17:00:00Z', { label: 'Day' });
    shiftIds.push(dst.id, day.id, boNight.id, unfilled.id);
    // Outside the window: more than 30 days back, more than 180 days ahead.
    const old = await shiftWorked(t, '2026-09-01T08:00:00Z', '2026-09-01T16:00:00Z', 'Day');
    const far = await shift('2027-05-10T08:00:00Z', '2027-05-10T16:00:00Z', { label: 'Day' });
    outsideAssignments = [await rosteredFromStart(t, old.id, ann), await assign(far.id, ann)];
  });
  afterAll(() => t.close());

  describe('a practitioner feed', () => {
    it("shows the AMHP's own assignments in the window, DST-correct, and no colleague's", async () => {
      const created = await createToken(ann, { scope: 'practitioner', label: 'Work phone' });
      expect(created).toEqual({
        id: expect.any(String),
        userId: ann.id,
        scope: 'practitioner',
        practitionerId: ann.practitionerId,
        label: 'Work phone',
        createdAt: '2026-10-20T10:00:00.000Z',
        revokedAt: null,
        lastUsedAt: null,
        feedPath: expect.stringMatching(FEED_PATH),
      });
      const res = await fetchFeed(created.feedPath).expect(200);
      expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(res.headers['cache-control']).toBe('private, max-age=300');
      const ics = res.body as string;
      expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
      expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
      expect(uids(ics)).toEqual(annAssignments.map((id) => `assignment-${id}@amhp-hub`));
      for (const id of [...boAssignments, ...outsideAssignments]) expect(ics).not.toContain(id);
      const lines = unfold(ics);
      expect(lines).toContain('X-WR-CALNAME:AMHP duty: Ann Smith');
      expect(lines).toContain('DTSTART:20261024T210000Z');
      expect(lines).toContain('DTEND:20261025T090000Z');
      expect(lines).toContain('SUMMARY:AMHP duty: Night (22:00–09:00)');
      expect(lines).toContain('SUMMARY:AMHP duty: Day (08:00–16:00)'); // 27 Oct is GMT
      expect(lines).toContain('DTSTAMP:20261020T100000Z');
    });

    it('keeps its UIDs from fetch to fetch, raises SEQUENCE when the shift changes, and records when it was used', async () => {
      const created = await createToken(ann, { scope: 'practitioner' });
      const first = (await fetchFeed(created.feedPath).expect(200)).body as string;
      const [dstShift] = shiftIds;
      const current = (await api(manager).get(`/rota/shifts/${dstShift}`).expect(200)).body;
      await t.http.patch(`/rota/shifts/${dstShift}`).set('authorization', manager.auth).send({ label: 'Night (senior)' }).expect(200);
      t.clock.advance(60_000);
      const second = (await fetchFeed(created.feedPath).expect(200)).body as string;
      t.clock.advance(-60_000);
      expect(uids(second)).toEqual(uids(first));
      expect(unfold(second)).toContain('SUMMARY:AMHP duty: Night (senior) (22:00–09:00)');
      expect(unfold(second)).toContain(`SEQUENCE:${current.version}`);
      const [row] = await t.sql<{ last_used_at: Date }>('SELECT last_used_at FROM calendar_tokens WHERE id = $1', [created.id]);
      expect(row.last_used_at.toISOString()).toBe('2026-10-20T10:01:00.000Z');
      const listed = (await api(ann).get('/rota/calendar-tokens').expect(200)).body.items.find((x: { id: string }) => x.id === created.id);
      expect(listed).toMatchObject({ lastUsedAt: '2026-10-20T10:01:00.000Z', revokedAt: null });
      expect(listed).not.toHaveProperty('feedPath');
      await t.http.patch(`/rota/shifts/${dstShift}`).set('authorization', manager.auth).send({ label: 'Night' }).expect(200);
    });

    it('carries rota data only: no shift notes, referral, phone, email or any other field', async () => {
      const ics = (await fetchFeed((await createToken(ann, { scope: 'practitioner' })).feedPath).expect(200)).body as string;
      const hub = (await fetchFeed((await createToken(ann, { scope: 'hub' })).feedPath).expect(200)).body as string;
      for (const feed of [ics, hub]) {
        expect(propertyNames(feed).filter((p) => !ALLOWED_PROPERTIES.includes(p))).toEqual([]);
        expect(feed.toLowerCase()).not.toMatch(/referral|patient|r-123|ring the ward|person|nhs/);
        expect(feed).not.toMatch(/7700 ?900123/);
        expect(feed).not.toContain(ann.email);
        expect(feed).not.toContain(ann.practitionerId);
        expect(feed).not.toContain(ann.id);
      }
    });
  });

  describe('the hub feed', () => {
    it('lists every shift in the window with the names of the AMHPs on it, unfilled ones too', async () => {
      const created = await createToken(bo, { scope: 'hub' });
      expect(created).toMatchObject({ scope: 'hub', practitionerId: null, userId: bo.id });
      const ics = (await fetchFeed(created.feedPath).expect(200)).body as string;
      expect(uids(ics)).toEqual(shiftIds.map((id) => `shift-${id}@amhp-hub`));
      const lines = unfold(ics);
      expect(lines).toContain('SUMMARY:Night (22:00–09:00): Ann Smith');
      expect(lines).toContain('SUMMARY:Day (08:00–16:00): Ann Smith\\, Bo Jones');
      expect(lines).toContain('DESCRIPTION:On duty: Ann Smith\\, Bo Jones (2 of 2 AMHPs)');
      expect(lines).toContain('SUMMARY:Day (09:00–17:00): unfilled');
      expect(lines).toContain('X-WR-CALNAME:AMHP hub rota');
    });

    it("raises an event's SEQUENCE and LAST-MODIFIED when who is on duty changes (assignment, swap, removal) or the shift does, and keeps them when nothing changed", async () => {
      const feedPath = (await createToken(bo, { scope: 'hub' })).feedPath as string;
      const event = async () => {
        const lines = unfold((await fetchFeed(feedPath).expect(200)).body as string);
        const start = lines.indexOf(`UID:shift-${extra.id}@amhp-hub`);
        const prop = (name: string) =>
          lines
            .slice(start)
            .find((l) => l.startsWith(`${name}:`))!
            .slice(name.length + 1);
        return { sequence: Number(prop('SEQUENCE')), lastModified: prop('LAST-MODIFIED'), summary: prop('SUMMARY') };
      };
      /** Moves the clock on a minute and returns the LAST-MODIFIED a change made now should give. */
      const tick = () => {
        t.clock.advance(60_000);
        return t.clock
          .now()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}/, '');
      };
      const start = t.clock.now();
      const extra = await shift('2026-11-05T08:00:00Z', '2026-11-05T16:00:00Z', { label: 'Day' });
      const made = await event();
      expect(made).toMatchObject({ sequence: 0, summary: 'Day (08:00–16:00): unfilled' });

      tick();
      expect(await event()).toEqual(made); // fetched again, nothing changed: the same event

      let at = tick();
      const annOnIt = await assign(extra.id, ann);
      const assigned = await event();
      expect(assigned).toEqual({ sequence: 1, lastModified: at, summary: 'Day (08:00–16:00): Ann Smith' });

      tick();
      const offer = (await api(ann).post('/rota/swaps', { assignmentId: annOnIt, toPractitionerId: bo.practitionerId }).expect(201)).body;
      const accepted = await api(bo).post(`/rota/swaps/${offer.id}/accept`).expect(200);
      expect(await event()).toEqual(assigned); // offered and accepted, not yet approved: Ann is still on it
      at = tick();
      await t.http
        .post(`/rota/swaps/${offer.id}/approve`)
        .set('authorization', manager.auth)
        .set('if-match', accepted.headers.etag)
        .send({})
        .expect(200);
      const swapped = await event();
      expect(swapped.summary).toBe('Day (08:00–16:00): Bo Jones');
      expect(swapped.sequence).toBeGreaterThan(assigned.sequence);
      expect(swapped.lastModified).toBe(at);

      at = tick();
      const boOnIt = (await api(manager).get(`/rota/shifts/${extra.id}`).expect(200)).body.assigned[0].assignmentId as string;
      await api(manager).delete(`/rota/assignments/${boOnIt}`).expect(204);
      const removed = await event();
      expect(removed.summary).toBe('Day (08:00–16:00): unfilled');
      expect(removed.sequence).toBeGreaterThan(swapped.sequence);
      expect(removed.lastModified).toBe(at);

      at = tick();
      await t.http.patch(`/rota/shifts/${extra.id}`).set('authorization', manager.auth).send({ label: 'Day (cover)' }).expect(200);
      const relabelled = await event();
      expect(relabelled).toEqual({ sequence: removed.sequence + 1, lastModified: at, summary: 'Day (cover) (08:00–16:00): unfilled' });

      tick();
      expect(await event()).toEqual(relabelled);
      await api(manager).delete(`/rota/shifts/${extra.id}`).expect(204);
      t.clock.set(start);
    });

    it('takes no practitionerId', async () => {
      const res = await createToken(ann, { scope: 'hub', practitionerId: ann.practitionerId }, 400);
      expect(res.errors).toEqual([{ field: 'practitionerId', messages: ['must be omitted for a hub feed'] }]);
    });
  });

  describe('who may create, list and revoke tokens', () => {
    it("an AMHP cannot create a token for another AMHP's feed (403, audited); a manager can, and that AMHP sees and may revoke it", async () => {
      const refused = await createToken(ann, { scope: 'practitioner', practitionerId: bo.practitionerId }, 403);
      expect(refused.code).toBe('forbidden');
      expect(
        await t.sql(`SELECT 1 FROM audit_events WHERE action = 'access.denied' AND actor_id = $1 AND resource_id = $2`, [
          ann.id,
          bo.practitionerId,
        ]),
      ).toHaveLength(1);
      expect(await t.sql('SELECT 1 FROM calendar_tokens WHERE user_id = $1 AND practitioner_id = $2', [ann.id, bo.practitionerId])).toEqual(
        [],
      );

      const byManager = await createToken(manager, { scope: 'practitioner', practitionerId: bo.practitionerId });
      expect(byManager).toMatchObject({ userId: manager.id, practitionerId: bo.practitionerId });
      const ics = (await fetchFeed(byManager.feedPath).expect(200)).body as string;
      expect(uids(ics)).toEqual(boAssignments.map((id) => `assignment-${id}@amhp-hub`));

      const bosList = (await api(bo).get('/rota/calendar-tokens').expect(200)).body.items.map((x: { id: string }) => x.id);
      expect(bosList).toContain(byManager.id);
      await api(ann).delete(`/rota/calendar-tokens/${byManager.id}`).expect(403);
      await api(bo).delete(`/rota/calendar-tokens/${byManager.id}`).expect(204);
      await fetchFeed(byManager.feedPath).expect(404);
    });

    it('an AMHP with no practitioner record must name one; an unknown practitioner is 404', async () => {
      const otherManager = await t.user(['manager']);
      expect((await createToken(otherManager, { scope: 'practitioner' }, 422)).code).toBe('no-practitioner-record');
      await createToken(otherManager, { scope: 'practitioner', practitionerId: '00000000-0000-4000-8000-000000000000' }, 404);
      await createToken(ann, { scope: 'everyone' }, 400);
    });

    it("lists your own tokens; a manager may list another user's, an AMHP may not", async () => {
      const mine = await createToken(bo, { scope: 'hub', label: 'Desk' });
      const annsOwn = (await api(ann).get('/rota/calendar-tokens').expect(200)).body.items;
      expect(annsOwn.map((x: { id: string }) => x.id)).not.toContain(mine.id);
      expect(
        annsOwn.every(
          (x: { userId: string; practitionerId: string | null }) => x.userId === ann.id || x.practitionerId === ann.practitionerId,
        ),
      ).toBe(true);
      await api(ann).get(`/rota/calendar-tokens?userId=${bo.id}`).expect(403);
      const forManager = (await api(manager).get(`/rota/calendar-tokens?userId=${bo.id}`).expect(200)).body.items;
      expect(forManager.find((x: { id: string }) => x.id === mine.id)).toMatchObject({ label: 'Desk', scope: 'hub' });
    });

    it('revoking is audited and at once: the feed answers 404 thereafter; revoking again changes nothing', async () => {
      const created = await createToken(ann, { scope: 'hub' });
      await fetchFeed(created.feedPath).expect(200);
      await api(ann).delete(`/rota/calendar-tokens/${created.id}`).expect(204);
      const gone = await fetchFeed(created.feedPath).expect(404);
      expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(gone.headers['cache-control']).toBe('no-store');
      await api(ann).delete(`/rota/calendar-tokens/${created.id}`).expect(204);
      await api(manager).delete('/rota/calendar-tokens/00000000-0000-4000-8000-000000000000').expect(404);
      const audits = await t.sql<{ action: string; actor_id: string }>(
        `SELECT action, actor_id FROM audit_events WHERE resource_id = $1 ORDER BY occurred_at, action`,
        [created.id],
      );
      expect(audits).toEqual([
        { action: 'rota.calendar-token.create', actor_id: ann.id },
        { action: 'rota.calendar-token.revoke', actor_id: ann.id },
      ]);
      const [revoked] = await t.sql<{ revoked_at: Date }>('SELECT revoked_at FROM calendar_tokens WHERE id = $1', [created.id]);
      expect(revoked.revoked_at.toISOString()).toBe('2026-10-20T10:00:00.000Z');
    });
  });

  describe('what a stranger learns: nothing', () => {
    it('an unknown or malformed token is the same 404 as a revoked one', async () => {
      const unknown = await fetchFeed(`/rota/calendar/${randomBytes(32).toString('base64url')}.ics`).expect(404);
      expect(unknown.body).not.toContain('BEGIN:VCALENDAR');
      await fetchFeed('/rota/calendar/short.ics').expect(404);
      await fetchFeed(`/rota/calendar/${'a'.repeat(200)}.ics`).expect(404);
      await fetchFeed('/rota/calendar/.ics').expect(404);
    });

    it('routes every base64url token, "-" and "_" included, to the feed (`:token.ics` on Fastify\'s router)', async () => {
      const token = `-_${'Az09-_'.repeat(6)}${'x'.repeat(5)}`;
      expect(token).toHaveLength(43);
      await t.sql(`INSERT INTO calendar_tokens (user_id, scope, token_hash) VALUES ($1, 'hub', $2)`, [
        ann.id,
        createHash('sha256').update(token).digest('hex'),
      ]);
      const ics = (await fetchFeed(`/rota/calendar/${token}.ics`).expect(200)).body as string;
      expect(uids(ics)).toHaveLength(shiftIds.length);
      await fetchFeed(`/rota/calendar/${token}`).expect(404);
      await fetchFeed(`/rota/calendar/${token}.ics.ics`).expect(404);
    });

    it("an inactive practitioner's feed, or a deactivated holder's, is 404 until reactivated", async () => {
      const carl = await amhp(t, { displayName: 'Carl Inactive' });
      const created = await createToken(carl, { scope: 'practitioner' });
      const hub = await createToken(carl, { scope: 'hub' });
      await t.sql('UPDATE practitioners SET active = false WHERE id = $1', [carl.practitionerId]);
      const res = await fetchFeed(created.feedPath).expect(404);
      expect(res.body).not.toContain('Carl');
      await t.sql('UPDATE practitioners SET active = true WHERE id = $1', [carl.practitionerId]);
      await fetchFeed(created.feedPath).expect(200);
      await t.sql('UPDATE users SET active = false WHERE id = $1', [carl.id]);
      await fetchFeed(created.feedPath).expect(404);
      await fetchFeed(hub.feedPath).expect(404);
      await t.sql('UPDATE users SET active = true WHERE id = $1', [carl.id]);
    });

    it('a holder who loses the role that let them create a feed loses the feed', async () => {
      const dana = await amhp(t, { displayName: 'Dana Moved' });
      const hub = await createToken(dana, { scope: 'hub' });
      await t.sql(`UPDATE users SET roles = '{referrer}' WHERE id = $1`, [dana.id]);
      await fetchFeed(hub.feedPath).expect(404);
    });
  });

  describe('at most 20 active feeds per user', () => {
    it('25 creates sent at once leave 20 active feeds: the five past the cap are 409 too-many-calendar-tokens', async () => {
      const eve = await amhp(t, { displayName: 'Eve Many' });
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) => api(eve).post('/rota/calendar-tokens', { scope: 'practitioner', label: `feed ${i}` })),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
      const refused = answers.filter((a) => a.status !== 201);
      expect(refused.map((a) => [a.status, a.body.code])).toEqual(Array(5).fill([409, 'too-many-calendar-tokens']));
      expect(await t.sql('SELECT 1 FROM calendar_tokens WHERE user_id = $1 AND revoked_at IS NULL', [eve.id])).toHaveLength(20);
      expect(
        await t.sql(`SELECT 1 FROM audit_events WHERE action = 'rota.calendar-token.create' AND actor_id = $1`, [eve.id]),
      ).toHaveLength(20);
    });
  });

  describe('the secret is never stored', () => {
    it('keeps only the SHA-256 of the token, and neither the token nor its hash reaches the audit log', async () => {
      const created = await createToken(ann, { scope: 'practitioner', label: 'Tablet' });
      const token = tokenOf(created);
      const [row] = await t.sql<Record<string, unknown>>('SELECT * FROM calendar_tokens WHERE id = $1', [created.id]);
      expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(token);
      const audits = await t.sql<Record<string, unknown>>(`SELECT * FROM audit_events WHERE resource_id = $1`, [created.id]);
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({ action: 'rota.calendar-token.create', actor_id: ann.id, outcome: 'success' });
      expect(audits[0].details).toEqual({ scope: 'practitioner', practitionerId: ann.practitionerId });
      expect(JSON.stringify(audits)).not.toContain(token);
      expect(JSON.stringify(audits)).not.toContain(String(row.token_hash));
    });

    it('refuses an Idempotency-Key, whose store would keep the response (and its secret) in plain text', async () => {
      const before = await t.sql('SELECT id FROM calendar_tokens');
      await t.http
        .post('/rota/calendar-tokens')
        .set('authorization', ann.auth)
        .set('idempotency-key', 'cal-1')
        .send({ scope: 'hub' })
        .expect(400);
      expect(await t.sql('SELECT id FROM calendar_tokens')).toHaveLength(before.length);
      expect(await t.sql(`SELECT 1 FROM idempotency_keys WHERE key = 'cal-1'`)).toEqual([]);
    });
  });
});
