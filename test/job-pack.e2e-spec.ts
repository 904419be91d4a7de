import { amhp } from './support/workforce-fixtures';
import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The job pack the duty app keeps on the phone for when the signal fails: only the AMHP's own allocated jobs, every
 * part of it an audited read of that person's record, with the time the phone must delete it. Now is Sat 21 Nov 2026
 * 02:00 GMT; the council keeps packs 6 hours (CLIENT_OFFLINE_HOURS).
 */
describe('the job pack on the duty AMHP’s phone', () => {
  let t: TestApp;
  let manager: TestUser;
  let police: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T02:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', CLIENT_OFFLINE_HOURS: '6' } });
    manager = await t.user(['manager']);
    police = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
  });
  let n = 0;

  /** A police s.136 for a new person (with a mother on record), screened, accepted and allocated to `to`. */
  async function allocated(to: TestUser, familyName = `Marsh${++n}`) {
    const r = await sent(t, police.auth, s136Referral(familyName, '2026-11-21T01:30:00Z'));
    await accepted(t, manager.auth, r.id);
    const [{ person_id: personId }] = await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [r.id]);
    await as(manager)
      .post(`/people/${personId}/relatives`, { name: 'Ann Marsh', relationship: 'parent', contact: { phone: '+44 1632 960222' } })
      .expect(201);
    await as(manager).post(`/referrals/${r.id}/allocation`, { userId: to.id }).expect(200);
    return { id: r.id, reference: r.reference, personId };
  }

  it('holds each of her open allocated jobs with the person, the relatives, the nearest relative and the assessment, and when to delete it', async () => {
    const worker = await amhp(t);
    const first = await allocated(worker, 'Tern');
    const second = await allocated(worker, 'Plover');
    const assessment = (await as(worker).post('/assessments', { referralId: first.id, location: 'Northshire General' }).expect(201)).body;
    await as(worker).post(`/assessments/${assessment.id}/events`, { type: 'doctors-requested', at: '2026-11-21T02:00:00Z' }).expect(201);

    const res = await as(worker).get('/me/job-pack').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const pack = res.body;
    expect(pack).toMatchObject({
      generatedAt: '2026-11-21T02:00:00.000Z',
      expiresAt: '2026-11-21T08:00:00.000Z',
      expiresAtLocal: 'Sat 21 Nov 2026 08:00 GMT',
    });
    expect(pack.jobs.map((j: { referral: { id: string } }) => j.referral.id).sort()).toEqual([first.id, second.id].sort());
    const job = pack.jobs.find((j: { referral: { id: string } }) => j.referral.id === first.id);
    // Each part is what the matching read answers, so the phone's screens read it the same way.
    expect(job.referral).toEqual((await as(worker).get(`/referrals/${first.id}`).expect(200)).body);
    expect(job.person).toEqual((await as(worker).get(`/people/${first.personId}`).expect(200)).body);
    expect(job.relatives).toEqual((await as(worker).get(`/people/${first.personId}/relatives`).expect(200)).body.items);
    expect(job.relatives[0]).toMatchObject({ name: 'Ann Marsh', contact: { phone: '+44 1632 960222' } });
    expect(job.nearestRelative).toEqual((await as(worker).get(`/people/${first.personId}/nearest-relative`).expect(200)).body);
    expect(job.assessment).toEqual((await as(worker).get(`/assessments/${assessment.id}`).expect(200)).body);
    expect(job.assessment.timeline).toContainEqual(expect.objectContaining({ type: 'doctors-requested' }));
    expect(job.checks).toEqual((await as(worker).get(`/assessments/${assessment.id}/checks`).expect(200)).body);
    const other = pack.jobs.find((j: { referral: { id: string } }) => j.referral.id === second.id);
    expect(other).toMatchObject({ assessment: null, checks: null, person: { familyName: 'Plover' } });
  });

  it('with several jobs assessed, each job holds its own person, relatives and latest assessment, read in one request', async () => {
    const worker = await amhp(t);
    const jobs = [await allocated(worker, 'Dunlin'), await allocated(worker, 'Knot'), await allocated(worker, 'Sanderling')];
    const opened: Record<string, string> = {};
    for (const job of jobs.slice(0, 2))
      opened[job.id] = (
        await as(worker)
          .post('/assessments', { referralId: job.id, location: `Ward ${job.reference}` })
          .expect(201)
      ).body.id;
    await as(worker)
      .post(`/assessments/${opened[jobs[1].id]}/contacts`, { at: '2026-11-21T01:50:00Z', mode: 'in-person', byRole: 'amhp' })
      .expect(201);

    const pack = (await as(worker).get('/me/job-pack').expect(200)).body;
    expect(pack.jobs).toHaveLength(3);
    for (const job of jobs) {
      const held = pack.jobs.find((j: { referral: { id: string } }) => j.referral.id === job.id);
      expect(held.person).toEqual((await as(worker).get(`/people/${job.personId}`).expect(200)).body);
      expect(held.relatives).toEqual((await as(worker).get(`/people/${job.personId}/relatives`).expect(200)).body.items);
      expect(held.nearestRelative).toEqual((await as(worker).get(`/people/${job.personId}/nearest-relative`).expect(200)).body);
      if (opened[job.id]) {
        expect(held.assessment).toEqual((await as(worker).get(`/assessments/${opened[job.id]}`).expect(200)).body);
        expect(held.checks).toEqual((await as(worker).get(`/assessments/${opened[job.id]}/checks`).expect(200)).body);
      } else expect(held).toMatchObject({ assessment: null, checks: null });
    }
    expect(pack.jobs.find((j: { referral: { id: string } }) => j.referral.id === jobs[1].id).assessment.contacts).toHaveLength(1);
  });

  it('every person in it is an audited read in the one request, on the allocation', async () => {
    const worker = await amhp(t);
    const job = await allocated(worker);
    const before = await t.sql<{ max: string }>('SELECT coalesce(max(id), 0)::text AS max FROM audit_events');
    await as(worker).get('/me/job-pack').expect(200);
    const rows = await t.sql<{ action: string; subject_person_id: string; access_basis: string; request_id: string }>(
      `SELECT action, subject_person_id, access_basis, request_id FROM audit_events WHERE id > $1 AND actor_id = $2 ORDER BY id`,
      [before[0].max, worker.id],
    );
    expect(rows.map((r) => r.action).sort()).toEqual(['nearest-relative.read', 'person.read', 'referral.read', 'relatives.read']);
    expect(new Set(rows.map((r) => r.subject_person_id))).toEqual(new Set([job.personId]));
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(1);
    expect(rows.find((r) => r.action === 'person.read')!.access_basis).toBe('relationship:allocated');
  });

  it('a job allocated to someone else is not in it, and leaves it when her allocation ends', async () => {
    const worker = await amhp(t);
    const colleague = await amhp(t);
    const mine = await allocated(worker);
    const theirs = await allocated(colleague);
    const ids = async (u: TestUser) =>
      ((await as(u).get('/me/job-pack').expect(200)).body.jobs as Array<{ referral: { id: string } }>).map((j) => j.referral.id);
    expect(await ids(worker)).toEqual([mine.id]);
    expect(await ids(colleague)).toEqual([theirs.id]);
    // The manager moves her job to the colleague (naming the version she read: a move made meanwhile is not
    // overwritten): the next pack she reads no longer holds it.
    const move = { userId: colleague.id, overrideReason: 'Rebalancing the night' };
    const unconditional = await as(manager).post(`/referrals/${mine.id}/allocation`, move).expect(409);
    expect(unconditional.body).toMatchObject({ code: 'already-allocated', allocatedUserId: worker.id });
    const read = await as(manager).get(`/referrals/${mine.id}`).expect(200);
    await t.http.post(`/referrals/${mine.id}/allocation`).set('authorization', manager.auth).set('if-match', '"v0"').send(move).expect(412);
    await t.http
      .post(`/referrals/${mine.id}/allocation`)
      .set('authorization', manager.auth)
      .set('if-match', read.headers.etag)
      .send(move)
      .expect(200);
    expect(await ids(worker)).toEqual([]);
    expect((await ids(colleague)).sort()).toEqual([mine.id, theirs.id].sort());
  });

  it('a job withdrawn while her assessment is under way stays in it, and in My jobs, until she closes the assessment', async () => {
    const worker = await amhp(t);
    const job = await allocated(worker, 'Heron');
    const assessment = (await as(worker).post('/assessments', { referralId: job.id, location: 'Northshire General' }).expect(201)).body;
    const read = await as(manager).get(`/referrals/${job.id}`).expect(200);
    await t.http
      .post(`/referrals/${job.id}/status`)
      .set('authorization', manager.auth)
      .set('if-match', read.headers.etag)
      .send({ status: 'withdrawn', reason: 'The person left the area' })
      .expect(200);
    const pack = (await as(worker).get('/me/job-pack').expect(200)).body;
    expect(pack.jobs.map((j: { referral: { id: string } }) => j.referral.id)).toEqual([job.id]);
    expect(pack.jobs[0]).toMatchObject({
      referral: { status: 'withdrawn' },
      person: { id: job.personId },
      assessment: { id: assessment.id, status: 'open' },
    });
    const myJobs = async () =>
      ((await as(worker).get('/referrals?assigned=me').expect(200)).body.items as Array<{ id: string }>).map((r) => r.id);
    expect(await myJobs()).toEqual([job.id]);
    // Recorded and closed: it is no longer hers to finish, and leaves the pack.
    await as(worker)
      .post(`/assessments/${assessment.id}/outcome`, {
        kind: 'not-detained',
        alternatives: ['unable-to-complete'],
        rationale: 'Referral withdrawn: he had left the area before the interview; his GP told.',
      })
      .expect((res) => expect(res.status).toBeLessThan(300));
    await as(worker)
      .post(`/assessments/${assessment.id}/close`)
      .expect((res) => expect(res.status).toBeLessThan(300));
    expect((await as(worker).get('/me/job-pack').expect(200)).body.jobs).toEqual([]);
    expect(await myJobs()).toEqual([]);
  });

  it('a co-AMHP named on an open assessment has it in her pack as one she attends: the assessment and its checklist, never the referral or the person’s record', async () => {
    const lead = await amhp(t);
    const second = await amhp(t);
    const job = await allocated(lead, 'Avocet');
    const assessment = (
      await as(lead)
        .post('/assessments', { referralId: job.id, otherAmhpUserIds: [second.id] })
        .expect(201)
    ).body;

    const pack = (await as(second).get('/me/job-pack').expect(200)).body;
    expect(pack.jobs).toEqual([]);
    expect(pack.assisting).toEqual([
      {
        assessment: (await as(second).get(`/assessments/${assessment.id}`).expect(200)).body,
        checks: (await as(second).get(`/assessments/${assessment.id}/checks`).expect(200)).body,
      },
    ]);
    expect(JSON.stringify(pack)).not.toContain('Ann Marsh');
    // Read as what it is: her reading of that assessment, on the relationship the lead's naming gave her.
    const [read] = await t.sql<{ access_basis: string; subject_person_id: string }>(
      `SELECT access_basis, subject_person_id FROM audit_events
        WHERE actor_id = $1 AND action = 'assessment.read' AND resource_id = $2 ORDER BY id LIMIT 1`,
      [second.id, assessment.id],
    );
    expect(read).toEqual({ access_basis: 'relationship:conducted', subject_person_id: job.personId });
    // The lead's own pack holds it as her job, not as one she attends.
    const leads = (await as(lead).get('/me/job-pack').expect(200)).body;
    expect(leads.jobs.map((j: { referral: { id: string } }) => j.referral.id)).toContain(job.id);
    expect(leads.assisting).toEqual([]);
    // No longer named, it leaves her pack.
    await t.http
      .patch(`/assessments/${assessment.id}`)
      .set('authorization', lead.auth)
      .set('if-match', `"v${assessment.version}"`)
      .send({ otherAmhpUserIds: [] })
      .expect(200);
    expect((await as(second).get('/me/job-pack').expect(200)).body.assisting).toEqual([]);
  });

  it('holds her requests for a CTO extension statement still to make, with the patient, each an audited read; one stated or withdrawn leaves it', async () => {
    const worker = await amhp(t);
    const colleague = await amhp(t);
    /** A request for a statement on a new patient's CTO (expiring Mon 30 Nov 2026), allocated to `to`. */
    const requested = async (to: TestUser, familyName: string) => {
      const person = await as(manager).post('/people', { givenName: 'Cara', familyName, dateOfBirth: '1980-02-02' }).expect(201);
      const made = await as(manager)
        .post('/cto-extensions', {
          personId: person.body.id,
          responsibleClinician: 'Dr A Khan',
          ctoMadeOn: '2026-06-01',
          ctoExpiresOn: '2026-11-30',
          rcExaminedOn: '2026-11-16',
        })
        .expect(201);
      const alloc = await t.http
        .post(`/cto-extensions/${made.body.id}/allocation`)
        .set('authorization', manager.auth)
        .set('if-match', made.headers.etag)
        .send({ amhpUserId: to.id })
        .expect(200);
      return { id: made.body.id as string, personId: person.body.id as string, etag: alloc.headers.etag };
    };
    const stated = await requested(worker, 'Stated');
    const withdrawn = await requested(worker, 'Withdrawn');
    const open = await requested(worker, 'Open');
    const theirs = await requested(colleague, 'Theirs');
    const held = async () =>
      (
        (await as(worker).get('/me/job-pack').expect(200)).body.ctoRequests as Array<{
          request: { id: string };
          person: { familyName: string };
        }>
      ).map(
        (c) =>
          `${c.request.id === open.id ? 'open' : c.request.id === stated.id ? 'stated' : c.request.id === withdrawn.id ? 'withdrawn' : c.request.id}:${c.person.familyName}`,
      );
    expect((await held()).sort()).toEqual(['open:Open', 'stated:Stated', 'withdrawn:Withdrawn']);
    // Each part as the CTO screens read it: the request as GET /cto-extensions/{id} answers, its patient as GET /people/{id}.
    const pack = (await as(worker).get('/me/job-pack').expect(200)).body;
    const one = pack.ctoRequests.find((c: { request: { id: string } }) => c.request.id === open.id);
    expect(one.request).toEqual((await as(worker).get(`/cto-extensions/${open.id}`).expect(200)).body);
    expect(one.person).toEqual((await as(worker).get(`/people/${open.personId}`).expect(200)).body);
    // Every request and patient in it is an audited read of that patient, in the one request.
    const before = await t.sql<{ max: string }>('SELECT coalesce(max(id), 0)::text AS max FROM audit_events');
    await as(worker).get('/me/job-pack').expect(200);
    const rows = await t.sql<{ action: string; subject_person_id: string; request_id: string }>(
      `SELECT action, subject_person_id, request_id FROM audit_events WHERE id > $1 AND actor_id = $2 AND action IN ('cto-extension.read', 'person.read') ORDER BY id`,
      [before[0].max, worker.id],
    );
    for (const r of [stated, withdrawn, open])
      expect(
        rows
          .filter((x) => x.subject_person_id === r.personId)
          .map((x) => x.action)
          .sort(),
      ).toEqual(['cto-extension.read', 'person.read']);
    expect(rows.some((x) => x.subject_person_id === theirs.personId)).toBe(false);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(1);
    // She makes one statement, and the hub withdraws another: neither is hers to act on any more.
    await t.http
      .post(`/cto-extensions/${stated.id}/statement`)
      .set('authorization', worker.auth)
      .set('if-match', stated.etag)
      .send({ decision: 'agree', reasons: 'Seen on the ward today; the conditions are still needed.' })
      .expect(200);
    await t.http
      .post(`/cto-extensions/${withdrawn.id}/withdraw`)
      .set('authorization', manager.auth)
      .set('if-match', withdrawn.etag)
      .send({ reason: 'not-extending' })
      .expect(200);
    expect(await held()).toEqual(['open:Open']);
  });

  it('only an AMHP has a job pack', async () => {
    await as(police).get('/me/job-pack').expect(403);
    await as(manager).get('/me/job-pack').expect(403);
    await t.http.get('/me/job-pack').expect(401);
  });
});
