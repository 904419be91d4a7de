import type { QueryRunner } from 'typeorm';
import { CtoExtensionsWithdrawn1796700000000 } from '../migrations/1796700000000-CtoExtensionsWithdrawn';
import { CtoExtensionsWithdrawnAccessEnded1796750000000 } from '../migrations/1796750000000-CtoExtensionsWithdrawnAccessEnded';
import { CtoExtensionEvents1796750000001 } from '../migrations/1796750000001-CtoExtensionEvents';
import { Db } from '../src/database/db';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { revertTo, rolledBack as inTransactionRolledBack } from './support/migration-rollback';

/**
 * The CTO extension requests' migrations run down and up on a database with requests in it (CTO-04, s.20A(4), (8)),
 * each in a transaction rolled back after, so the file's database keeps its schema. It is Fri 10 Jul 2026 (BST); the
 * CTO's current period ends on Tue 14 Jul 2026.
 */
describe('CTO extension requests: rolling their migrations back and forth', () => {
  const NOW = '2026-07-10T09:00:00Z';
  let t: TestApp;
  let manager: TestUser;
  let ada: TestUser;
  let personId: string;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW });
    manager = await t.user(['manager']);
    ada = await amhp(t, { displayName: 'Ada Amhp' });
    personId = (
      await t.http
        .post('/people')
        .set('authorization', manager.auth)
        .send({ givenName: 'Cara', familyName: 'Community', dateOfBirth: '1980-02-02' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  const post = (p: string, etag?: string) => {
    const req = t.http.post(p).set('authorization', manager.auth);
    return etag ? req.set('if-match', etag) : req;
  };
  /** A request referred and allocated to Ada: its id and ETag. */
  async function allocated(patient = personId): Promise<{ id: string; etag: string }> {
    const created = await post('/cto-extensions')
      .send({
        personId: patient,
        responsibleClinician: 'Dr A Khan',
        ctoMadeOn: '2026-01-15',
        ctoExpiresOn: '2026-07-14',
        rcExaminedOn: '2026-07-01',
      })
      .expect(201);
    const res = await post(`/cto-extensions/${created.body.id}/allocation`, created.headers.etag).send({ amhpUserId: ada.id }).expect(200);
    return { id: created.body.id, etag: res.headers.etag };
  }
  const rolledBack = <T>(run: (q: QueryRunner) => Promise<T>) => inTransactionRolledBack(t, run);
  const statusCheck = async (q: QueryRunner) =>
    (
      (await q.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'cto_extensions_status'`)) as Array<{
        def: string;
      }>
    )[0].def;

  it('with no request withdrawn, CtoExtensionsWithdrawn rolls back and forward again, open and decided requests as they were', async () => {
    const open = await allocated();
    await rolledBack(async (q) => {
      const reverted = await revertTo(q, 'CtoExtensionsWithdrawn1796700000000');
      expect(await statusCheck(q)).not.toContain('withdrawn');
      expect(await q.query(`SELECT status, allocated_user_id FROM cto_extensions WHERE id = $1`, [open.id])).toEqual([
        { status: 'allocated', allocated_user_id: ada.id },
      ]);
      for (const m of reverted.reverse()) await m.up(q);
      expect(await statusCheck(q)).toContain('withdrawn');
    });
  });

  it('refused while a request is withdrawn, naming how many: a withdrawn request never reads as open again (to be warned of and paged), and nothing is changed', async () => {
    const { id, etag } = await allocated();
    const withdrawn = await post(`/cto-extensions/${id}/withdraw`, etag).send({ reason: 'cto-revoked' }).expect(200);
    const before = await t.sql(`SELECT * FROM cto_extensions WHERE id = $1`, [id]);
    const error = await rolledBack((q) =>
      revertTo(q, 'CtoExtensionsWithdrawn1796700000000').then(
        () => null,
        (e: Error) => e,
      ),
    );
    expect(error?.message).toContain('CtoExtensionsWithdrawn1796700000000 cannot be rolled back: 1 CTO extension request is withdrawn');
    expect(await t.sql(`SELECT * FROM cto_extensions WHERE id = $1`, [id])).toEqual(before);

    const second = await allocated();
    await post(`/cto-extensions/${second.id}/withdraw`, second.etag).send({ reason: 'discharged' }).expect(200);
    const twice = await rolledBack(async (q) => {
      // Only this migration's own down: the ones after it are not what is under test.
      return new CtoExtensionsWithdrawn1796700000000().down(q).then(
        () => null,
        (e: Error) => e,
      );
    });
    expect(twice?.message).toContain('2 CTO extension requests are withdrawn');
    expect(
      (await t.sql<{ status: string }>(`SELECT status FROM cto_extensions WHERE id = ANY($1::uuid[])`, [[id, second.id]])).map(
        (r) => r.status,
      ),
    ).toEqual(['withdrawn', 'withdrawn']);
    expect(withdrawn.body.status).toBe('withdrawn');
  });

  it('CtoExtensionsWithdrawnAccessEnded: the AMHP of a request withdrawn before it has her access to the patient ended as of the withdrawal', async () => {
    // A patient of her own for this case: the other cases' requests for Cara stay allocated to her.
    const patient = (await post('/people').send({ givenName: 'Wyn', familyName: 'Withdrawn', dateOfBirth: '1975-03-03' }).expect(201)).body
      .id as string;
    const { id, etag } = await allocated(patient);
    const withdrawn = await post(`/cto-extensions/${id}/withdraw`, etag).send({ reason: 'not-extending' }).expect(200);
    // As a request withdrawn before the withdrawal ended the AMHP's access left it: still open.
    await t.sql(`UPDATE access_relationships SET valid_to = NULL WHERE source_type = 'cto-extension' AND source_id = $1`, [id]);
    await t.http.get(`/people/${patient}`).set('authorization', ada.auth).expect(200);
    const q = t.app.get(Db).dataSource.createQueryRunner();
    try {
      await new CtoExtensionsWithdrawnAccessEnded1796750000000().up(q);
    } finally {
      await q.release();
    }
    expect(
      await t.sql(`SELECT user_id, valid_to FROM access_relationships WHERE source_type = 'cto-extension' AND source_id = $1`, [id]),
    ).toEqual([{ user_id: ada.id, valid_to: new Date(withdrawn.body.withdrawal.withdrawnAt) }]);
    expect((await t.http.get(`/people/${patient}`).set('authorization', ada.auth).expect(403)).body.code).toBe('no-relationship');
  });

  it('CtoExtensionEvents: the requests there before get the steps their columns show, at the times they hold; down() drops them', async () => {
    const patient = (await post('/people').send({ givenName: 'Tam', familyName: 'Timeline', dateOfBirth: '1970-04-04' }).expect(201)).body
      .id as string;
    const stated = await allocated(patient);
    await t.http
      .post(`/cto-extensions/${stated.id}/statement`)
      .set('authorization', ada.auth)
      .set('if-match', stated.etag)
      .send({
        decision: 'disagree',
        reasons: 'Has engaged voluntarily for months; the conditions are not met.',
      })
      .expect(200);
    const withdrawn = await allocated(patient);
    await post(`/cto-extensions/${withdrawn.id}/withdraw`, withdrawn.etag).send({ reason: 'made-in-error' }).expect(200);
    const lapsed = await allocated(patient);
    const steps = (q: QueryRunner, id: string) =>
      q.query(`SELECT type, at, actor_id, amhp_user_id, reason FROM cto_extension_events WHERE cto_extension_id = $1 ORDER BY at, id`, [
        id,
      ]) as Promise<Array<{ type: string; at: Date; actor_id: string | null; amhp_user_id: string | null; reason: string | null }>>;
    const at = new Date('2026-07-10T09:00:00Z');
    const received = { type: 'received', at, actor_id: manager.id, amhp_user_id: null, reason: null };
    const allocatedStep = { type: 'allocated', at, actor_id: null, amhp_user_id: ada.id, reason: null };
    await rolledBack(async (q) => {
      // As a database from before the table: the breach of the lapsed one raised by the job of the time.
      await new CtoExtensionEvents1796750000001().down(q);
      await q.query(`UPDATE cto_extensions SET breach_raised_at = '2026-07-15T03:00:00Z' WHERE id = $1`, [lapsed.id]);
      await new CtoExtensionEvents1796750000001().up(q);
      // Signed when recorded, at the same instant as its receipt and allocation: in the order they happened.
      expect(await steps(q, stated.id)).toEqual([
        received,
        allocatedStep,
        { type: 'statement-made', at, actor_id: ada.id, amhp_user_id: null, reason: null },
      ]);
      expect(await steps(q, withdrawn.id)).toEqual([
        received,
        allocatedStep,
        { type: 'withdrawn', at, actor_id: manager.id, amhp_user_id: null, reason: 'made-in-error' },
      ]);
      expect(await steps(q, lapsed.id)).toEqual([
        received,
        allocatedStep,
        { type: 'breach-raised', at: new Date('2026-07-15T03:00:00Z'), actor_id: null, amhp_user_id: null, reason: null },
      ]);
      await new CtoExtensionEvents1796750000001().down(q);
      expect(await q.query(`SELECT to_regclass('cto_extension_events') AS t`)).toEqual([{ t: null }]);
    });
  });
});
