import { amhp } from './support/workforce-fixtures';
import { accepted, s136Referral, sent } from './support/referral-fixtures';
import { createTestApp, pastInstant, TestApp, TestUser } from './support/test-app';

/**
 * The access an escalation page gives an AMHP on duty to the person it is about (DUTY-03, POL-09: a child held at a
 * police station pages every AMHP on duty at intake) lasts while the page's purpose stands: until the referral is
 * allocated, until she is taken off the shift, and at the latest until that shift ends; each end in the change that
 * makes it, audited. Reads through a page or an allocation offer are audited on that basis, not as the rota's duty.
 * It is just after midnight on Mon 15 June 2026 (BST); the night shift runs 21:00 to 09:00 local time.
 */
describe('an escalation page gives access to the person only while its purpose stands, audited as such', () => {
  let t: TestApp;
  let manager: TestUser;
  let police: TestUser;
  let shiftId: string;
  const SHIFT_ENDS = '2026-06-15T08:00:00Z';
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-06-15T00:45:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    police = await t.user(['referrer']);
    [{ id: shiftId }] = await t.sql<{ id: string }>(
      `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count) VALUES ('2026-06-14', 'Night', '2026-06-14T20:00:00Z', $1, 3) RETURNING id`,
      [SHIFT_ENDS],
    );
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    delete: (p: string) => t.http.delete(p).set('authorization', u.auth),
  });

  /** An AMHP on tonight's shift: the user and her assignment's id. */
  const onNight = async (displayName: string) => {
    const user = await amhp(t, { displayName });
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by)
       VALUES ($1, $2, $3, '2026-06-14T20:00:00Z', $4, $5) RETURNING id`,
      [shiftId, user.practitionerId, user.id, SHIFT_ENDS, manager.id],
    );
    return { ...user, assignmentId: id };
  };

  let n = 0;
  /** A police s.136 of a 16-year-old taken to a police station (POL-09): every AMHP on duty is paged at once. */
  const childAtPoliceStation = async () => {
    const r = await sent(
      t,
      police.auth,
      s136Referral(`Minor${++n}`, '2026-06-15T01:10:00+01:00', {
        person: { givenName: 'Kit', familyName: `Minor${n}`, dateOfBirth: '2010-03-03' },
        legalContext: {
          kind: 's136',
          placeOfSafetyType: 'police-station',
          locationType: 'public-place',
          arrivedAt: '2026-06-15T01:10:00+01:00',
        },
      }),
    );
    const [{ person_id: personId }] = await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [r.id]);
    return { ...r, personId };
  };
  const endsOfAccess = (referralId: string) =>
    t.sql<{ userId: string; reason: string }>(
      `SELECT details->>'userId' AS "userId", details->>'reason' AS reason FROM audit_events
        WHERE action = 'referral.escalation-access-end' AND resource_id = $1 ORDER BY id`,
      [referralId],
    );
  const basesOf = (u: TestUser, referralId: string) =>
    t.sql<{ basis: string }>(
      `SELECT access_basis AS basis FROM audit_events WHERE action = 'referral.read' AND actor_id = $1 AND resource_id = $2 ORDER BY id`,
      [u.id, referralId],
    );
  /** Her next read of the referral (one, or each of several reads) and the basis it was audited on. */
  const readBasis = async (u: TestUser, referralId: string, path = `/referrals/${referralId}`) => {
    const before = (await basesOf(u, referralId)).length;
    await as(u).get(path).expect(200);
    return (await basesOf(u, referralId)).slice(before).map((r) => r.basis);
  };

  it('an AMHP paged about a child at a police station reads the child as paged; taken off the shift, she reads nothing more of the child, and the end is audited', async () => {
    const jonah = await onNight('Jonah Paged');
    const kemi = await onNight('Kemi Stays');
    const r = await childAtPoliceStation();
    expect(await readBasis(jonah, r.id)).toEqual(['relationship:escalation']);
    await as(jonah).get(`/people/${r.personId}`).expect(200);

    await as(manager).delete(`/rota/assignments/${jonah.assignmentId}`).expect(204);
    await as(jonah).get(`/referrals/${r.id}`).expect(403);
    await as(jonah).get(`/people/${r.personId}`).expect(403);
    expect((await as(jonah).get('/referrals').expect(200)).body.items.map((x: { id: string }) => x.id)).not.toContain(r.id);
    expect(await endsOfAccess(r.id)).toEqual([{ userId: jonah.id, reason: 'off-duty' }]);
    // The AMHP still on the shift keeps hers.
    await as(kemi).get(`/people/${r.personId}`).expect(200);
    await as(manager).delete(`/rota/assignments/${kemi.assignmentId}`).expect(204);
  });

  it('the escalation is answered once the referral is allocated: the page no longer gives access, and the AMHP still on duty reads on the rota duty', async () => {
    const kemi = await onNight('Kemi Answered');
    const asha = await amhp(t, { displayName: 'Asha Allocated' });
    const r = await childAtPoliceStation();
    expect(await readBasis(kemi, r.id)).toEqual(['relationship:escalation']);

    await accepted(t, manager.auth, r.id);
    await as(manager).post(`/referrals/${r.id}/allocation`, { userId: asha.id }).expect(200);
    expect(await endsOfAccess(r.id)).toEqual([{ userId: kemi.id, reason: 'allocated' }]);
    expect(await readBasis(kemi, r.id)).toEqual(['relationship:duty']);
    expect(await readBasis(asha, r.id)).toEqual(['relationship:allocated']);
    await as(manager).delete(`/rota/assignments/${kemi.assignmentId}`).expect(204);
    await as(kemi).get(`/referrals/${r.id}`).expect(403);
  });

  it('at the latest, the access ends when the shift she was paged on ends', async () => {
    const grace = await onNight('Grace Night');
    const r = await childAtPoliceStation();
    await as(grace).get(`/people/${r.personId}`).expect(200);
    await pastInstant(t, SHIFT_ENDS, async () => {
      await as(grace).get(`/people/${r.personId}`).expect(403);
      await as(grace).get(`/referrals/${r.id}`).expect(403);
    });
    await as(manager).delete(`/rota/assignments/${grace.assignmentId}`).expect(204);
  });

  it('an AMHP off the rota offered a referral reads it, in her offers, the queue and the referral, audited as through the offer, not as on duty', async () => {
    const carys = await amhp(t, { displayName: 'Carys Offered' });
    const r = await sent(t, manager.auth, s136Referral(`Offer${++n}`, '2026-06-15T00:30:00Z'));
    await accepted(t, manager.auth, r.id, [carys.id]);
    expect(await readBasis(carys, r.id, '/me/offers')).toEqual(['relationship:offer']);
    expect(await readBasis(carys, r.id, '/referrals')).toEqual(['relationship:offer']);
    expect(await readBasis(carys, r.id)).toEqual(['relationship:offer']);
    const [{ person_id: personId }] = await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [r.id]);
    await as(carys).get(`/people/${personId}`).expect(200);
    expect(
      await t.sql(`SELECT access_basis FROM audit_events WHERE action = 'person.read' AND actor_id = $1 AND subject_person_id = $2`, [
        carys.id,
        personId,
      ]),
    ).toEqual([{ access_basis: 'relationship:offer' }]);
  });
});
