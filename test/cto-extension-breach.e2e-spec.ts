import { JobRunner } from '../src/alerts/job-runner.service';
import { TokenService } from '../src/auth/token.service';
import { CtoExtensionsService, STATEMENT_DUE_SQL } from '../src/cto-extensions/cto-extensions.service';
import { amhp } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * CTO-04 (MHA 1983 s.20A(8)) over HTTP: a request whose AMHP's statement was not made by the end of the day the CTO
 * expired has lapsed, and the lapse is raised as a breach once, however long after the deadline the warnings job
 * first runs (the jobs stopped for weeks, a backup restored). It is Fri 10 Jul 2026 (BST); the CTO was made on Thu
 * 15 Jan 2026, so its first period ends on Tue 14 Jul 2026.
 */
describe('CTO-04: the lapse of a request is raised once, however long after the deadline the job first runs', () => {
  const NOW = '2026-07-10T09:00:00Z';
  let t: TestApp;
  let manager: TestUser;
  let amhpUser: TestUser;
  let personId: string;
  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    amhpUser = await amhp(t, { displayName: 'Ada Amhp' });
    personId = (
      await as(manager).post('/people').send({ givenName: 'Cara', familyName: 'Community', dateOfBirth: '1980-02-02' }).expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string) => t.http.post(p).set('authorization', u.auth),
  });
  async function moveTo(iso: string): Promise<void> {
    t.clock.set(iso);
    for (const u of [manager, amhpUser]) {
      const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
      Object.assign(u, { token, auth: `Bearer ${token}` });
    }
  }
  const runJobs = async () => expect(await t.app.get(JobRunner).runDue()).toContain('cto-statement-due');
  /** What the job raised and paged at its last run. */
  const lastRun = async () =>
    (
      await t.sql<{ details: { raised: number; paged: number } }>(
        `SELECT details FROM job_runs WHERE job = 'cto-statement-due' ORDER BY started_at DESC LIMIT 1`,
      )
    )[0].details;
  async function told(id: string) {
    const notes = await t.sql<{ user_id: string; kind: string; dedup_key: string }>(
      `SELECT user_id, kind, dedup_key FROM notifications WHERE subject_type = 'cto-extension' AND subject_id = $1 ORDER BY user_id`,
      [id],
    );
    const pages = await t.sql<{ recipient_user_id: string; kind: string; step: number }>(
      `SELECT recipient_user_id, kind, step FROM pages WHERE subject_type = 'cto-extension' AND subject_id = $1 ORDER BY recipient_user_id`,
      [id],
    );
    return { notes, pages };
  }
  const request = {
    personId: '',
    responsibleClinician: 'Dr A Khan',
    ctoMadeOn: '2026-01-15',
    ctoExpiresOn: '2026-07-14',
    rcExaminedOn: '2026-07-01',
  };

  it('a request that lapsed 30 days before the job first runs is raised as a breach, to the AMHP and the managers; the job raises it only once', async () => {
    const created = await as(manager)
      .post('/cto-extensions')
      .send({ ...request, personId })
      .expect(201);
    const id = created.body.id as string;
    await as(manager)
      .post(`/cto-extensions/${id}/allocation`)
      .set('if-match', created.headers.etag)
      .send({ amhpUserId: amhpUser.id })
      .expect(200);
    // Withdrawn beside it: its lapse is never raised.
    const gone = await as(manager)
      .post('/cto-extensions')
      .send({ ...request, personId })
      .expect(201);
    await as(manager)
      .post(`/cto-extensions/${gone.body.id}/withdraw`)
      .set('if-match', gone.headers.etag)
      .send({ reason: 'made-in-error' })
      .expect(200);

    // Fri 14 Aug 2026, 10:00 BST: the CTO ended at midnight BST on Tue 14 Jul, 30 days and 10 hours ago; the jobs run for
    // the first time since (an outage).
    await moveTo('2026-08-14T09:00:00Z');
    await runJobs();
    const breach = `cto-extension:${id}:breach`;
    const { notes, pages } = await told(id);
    expect(notes).toEqual(
      [
        { user_id: amhpUser.id, kind: 'clock.breached', dedup_key: breach },
        { user_id: manager.id, kind: 'clock.breached', dedup_key: breach },
      ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
    );
    expect(pages.map((p) => [p.recipient_user_id, p.kind, p.step]).sort()).toEqual(
      [
        [amhpUser.id, 'clock-breach', 0],
        [manager.id, 'clock-breach', 3],
      ].sort(),
    );
    expect(await lastRun()).toEqual({ raised: 2, paged: 2 });
    expect(await told(gone.body.id)).toEqual({ notes: [], pages: [] });
    const inbox = await as(manager).get('/me/notifications').expect(200);
    const note = inbox.body.items.find((n: { subjectId: string }) => n.subjectId === id);
    expect(note.title).toContain('the CTO has lapsed');
    expect(note.body).toContain('Tue 14 Jul 2026');
    expect((await as(manager).get(`/cto-extensions/${id}`).expect(200)).body).toMatchObject({ status: 'allocated', lapsed: true });

    // The pages answered and the notifications read: the job does not raise it again, the next minute or weeks later.
    for (const p of (await as(manager).get('/me/pages').expect(200)).body.items.filter((x: { subjectId: string }) => x.subjectId === id))
      await as(manager).post(`/me/pages/${p.id}/ack`).send({}).expect(200);
    for (const at of ['2026-08-14T09:01:00Z', '2026-09-30T09:00:00Z']) {
      await moveTo(at);
      await runJobs();
      expect(await lastRun()).toEqual({ raised: 0, paged: 0 });
    }
    expect(await told(id)).toEqual({ notes, pages });
  });

  it('the job reads only the requests whose breach is still to raise, through their partial index, however many lapsed before', async () => {
    await moveTo('2026-10-01T09:00:00Z');
    // Four thousand requests that lapsed over the last eleven years, each breach raised; and one still to warn of.
    await t.sql(
      `INSERT INTO cto_extensions (person_id, responsible_clinician, cto_made_on, cto_expires_on, rc_examined_on, received_at, created_by, breach_raised_at)
       SELECT $1, 'Dr A Khan', d - 183, d, d - 10, (d - 10)::timestamptz, $2, (d + 1)::timestamptz
         FROM (SELECT date '2026-07-14' - g AS d FROM generate_series(1, 4000) g) days`,
      [personId, manager.id],
    );
    const due = await as(manager)
      .post('/cto-extensions')
      .send({ ...request, personId, ctoMadeOn: '2026-05-01', ctoExpiresOn: '2026-10-31', rcExaminedOn: '2026-09-30' })
      .expect(201);
    await t.sql('ANALYZE cto_extensions');
    const until = t.app.get(CtoExtensionsService).warnedUntil(t.clock.now());
    const [plan] = await t.sql<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${STATEMENT_DUE_SQL}`, [until]);
    const text = JSON.stringify(plan['QUERY PLAN']);
    expect(text).toContain('"Index Name":"cto_extensions_breach_due_idx"');
    expect(text).not.toContain('Seq Scan');
    // What it reads: the open requests whose breach is not raised yet, none of the four thousand.
    await moveTo('2026-10-30T09:00:00Z');
    const read = await t.sql<{ id: string }>(STATEMENT_DUE_SQL, [t.app.get(CtoExtensionsService).warnedUntil(t.clock.now())]);
    expect(read.map((r) => r.id)).toEqual([due.body.id]);
  });
});
