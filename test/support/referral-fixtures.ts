import type { TestApp } from './test-app';

/**
 * A police s.136 referral as an officer sends it: detained on the bridge and taken to a health-based place of safety,
 * arriving at `arrivedAt` (the 24 hours run from then). `familyName` tells the tests' people apart.
 */
/**
 * What a referrer (police, a ward, a team) is shown of a referral, sorted: the status view POST /referrals answers
 * with and GET gives them, nothing of the person. One list for every test that holds a referrer's answer to it.
 */
export const REFERRER_STATUS_VIEW_KEYS = [
  'allocatedAt',
  'clocks',
  'closedAt',
  'id',
  'policePower',
  'progress',
  'receivedAt',
  'reference',
  'status',
  'urgency',
];

export function s136Referral(familyName: string, arrivedAt: string, over: Record<string, unknown> = {}) {
  return {
    person: { givenName: 'Robin', familyName, dateOfBirth: '1991-03-04' },
    source: 'police-s136',
    referrer: { name: 'PC Jones', organisation: 'Northshire Police', phone: '+44 1632 960111' },
    reason: 'Found on the bridge in distress, detained under s.136',
    risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
    urgency: 'emergency',
    legalContext: { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt },
    location: 'Northshire General health-based place of safety',
    ...over,
  };
}

/** Sends a referral as `auth` (a bearer header); its id and reference. */
export async function sent(t: TestApp, auth: string, body: object): Promise<{ id: string; reference: string }> {
  return (await t.http.post('/referrals').set('authorization', auth).send(body).expect(201)).body;
}

/** The manager (`auth`) screens and accepts the referral, then offers it to `userIds` when given. */
export async function accepted(t: TestApp, auth: string, referralId: string, offerTo?: string[]): Promise<void> {
  for (const status of ['screening', 'accepted']) {
    await t.http.post(`/referrals/${referralId}/status`).set('authorization', auth).send({ status }).expect(200);
  }
  if (offerTo) await t.http.post(`/referrals/${referralId}/offers`).set('authorization', auth).send({ userIds: offerTo }).expect(201);
}

/**
 * A police s.136 for a new person (`familyName`, arrived `arrivedAt`) sent by `policeAuth`, screened and accepted by
 * `managerAuth` (offered to `offerTo` when given): its id, reference and person.
 */
export async function acceptedS136(
  t: TestApp,
  policeAuth: string,
  managerAuth: string,
  familyName: string,
  arrivedAt: string,
  offerTo?: string[],
): Promise<{ id: string; reference: string; personId: string }> {
  const r = await sent(t, policeAuth, s136Referral(familyName, arrivedAt));
  await accepted(t, managerAuth, r.id, offerTo);
  const [{ person_id: personId }] = await t.sql<{ person_id: string }>('SELECT person_id FROM referrals WHERE id = $1', [r.id]);
  return { id: r.id, reference: r.reference, personId };
}
