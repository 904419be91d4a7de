import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * README, Access control: every read or change of a person's record is audited with who, with which roles and on
 * what basis. A night and its morning, as the hub lives them, then every audit row of something that happened, done
 * by a user, about a person (or one of their records) is checked for its basis.
 */
describe('the audit log says on what basis every read and change of a person record was done', () => {
  let t: TestApp;
  let manager: TestUser;
  let referrer: TestUser;
  let auditor: TestUser;
  beforeAll(async () => {
    // Saturday 21 Nov 2026, 08:30 London: the night is over, the handover is due.
    t = await createTestApp({ now: '2026-11-21T08:30:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    referrer = await t.user(['referrer']);
    auditor = await t.user(['auditor']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
  });

  it('intake, a manager allocating by override, decisions, actions and the handover read by an AMHP with no relationship: no row without a basis', async () => {
    // Intake by a police referrer and by the manager (each records a new person).
    const police = await sent(t, referrer.auth, s136Referral('Basisone', '2026-11-21T07:30:00Z'));
    const own = await sent(t, manager.auth, s136Referral('Basistwo', '2026-11-21T07:45:00Z'));
    // Allocated by a manager's override to an AMHP whose approval has lapsed (a review alert is raised).
    await accepted(t, manager.auth, police.id);
    const lapsed = await amhp(t, { approval: { startsOn: '2021-01-01', endsOn: '2025-12-31' } });
    await as(manager)
      .post(`/referrals/${police.id}/allocation`, { userId: lapsed.id, overrideReason: 'Only AMHP reachable; renewal signed today' })
      .expect(200);
    // An out-of-hours decision about the second person, drafted by an AMHP allocated to them.
    await accepted(t, manager.auth, own.id);
    const worker = await amhp(t);
    await as(manager).post(`/referrals/${own.id}/allocation`, { userId: worker.id }).expect(200);
    const [{ person_id: personId }] = await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [own.id]);
    await as(worker).post('/decisions', { type: 'other', occurredAt: '2026-11-21T03:00:00Z', personId }).expect(201);
    // The morning: the decisions and actions lists, the handover compiled, an action added, read by an AMHP with no relationship.
    await as(manager).get('/decisions?limit=50').expect(200);
    await as(worker).get('/decisions').expect(200);
    await as(auditor).get('/decisions?limit=50').expect(200);
    const handover = (await as(manager).post('/handovers/2026-11-21/compile').expect(201)).body;
    await as(manager)
      .post('/actions', {
        sourceType: 'handover',
        sourceId: handover.id,
        description: 'Call the ward about the bed',
        ownerUserId: worker.id,
      })
      .expect(201);
    await as(manager).get('/actions').expect(200);
    await as(worker).get('/actions').expect(200);
    const stranger = await amhp(t);
    await as(stranger).get('/handovers/2026-11-21').expect(200);

    const blank = await t.sql<{ action: string; resource_type: string }>(
      `SELECT DISTINCT action, resource_type FROM audit_events
        WHERE outcome = 'success' AND actor_id IS NOT NULL AND access_basis IS NULL
          AND (subject_person_id IS NOT NULL
               OR resource_type IN ('person', 'referral', 'assessment', 'decision', 'follow-up-action', 'handover', 'handover-item'))
        ORDER BY 1, 2`,
    );
    expect(blank).toEqual([]);
    // The handover items about people, read by an AMHP with none of them: on the basis the route let her in on.
    const items = await t.sql<{ access_basis: string }>(
      `SELECT DISTINCT access_basis FROM audit_events WHERE action = 'handover.item-read' AND actor_id = $1`,
      [stranger.id],
    );
    expect(items).toEqual([{ access_basis: 'role:amhp' }]);
    // The lists say the narrower basis where there is one: the author of a decision, the owner of an action.
    expect(
      await t.sql(
        `SELECT DISTINCT action, access_basis FROM audit_events WHERE actor_id = $1 AND action IN ('decision.read', 'action.read') ORDER BY 1`,
        [worker.id],
      ),
    ).toEqual([
      { action: 'action.read', access_basis: 'owner' },
      { action: 'decision.read', access_basis: 'author' },
    ]);
    expect(
      await t.sql(`SELECT access_basis FROM audit_events WHERE action = 'referral.allocate' AND resource_id = $1`, [police.id]),
    ).toEqual([{ access_basis: 'role:manager' }]);
  });
});
