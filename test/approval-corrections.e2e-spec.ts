import { amhp, approvalOf } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** AMHP-07/08/09: a suspension or an early end recorded in error is withdrawn, kept on the record, of no effect. */
describe('approvals: a suspension or an early end recorded in error can be withdrawn', () => {
  let t: TestApp;
  let manager: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z' });
    manager = await t.user(['manager']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}) => t.http.post(p).set('authorization', u.auth).send(b),
    patch: (p: string, b: object = {}) => t.http.patch(p).set('authorization', u.auth).send(b),
  });
  const eligibleOn = async (practitionerId: string, from: string, to: string) =>
    (await as(manager).get(`/practitioners/${practitionerId}/eligibility?from=${from}&to=${to}`).expect(200)).body.eligible as boolean;

  it('a suspension keyed against the wrong AMHP is withdrawn with a reason: she could act all along, and the record says what happened', async () => {
    const hamza = await amhp(t);
    const approvalId = await approvalOf(t, hamza.practitionerId);
    const suspended = await as(manager)
      .post(`/approvals/${approvalId}/suspensions`, { reason: 'Registration lapsed', startsAt: '2026-11-18T00:00:00Z' })
      .expect(201);
    const suspensionId = suspended.body.suspensions[0].id as string;
    expect(await eligibleOn(hamza.practitionerId, '2026-11-19T10:00:00Z', '2026-11-19T12:00:00Z')).toBe(false);

    const short = await as(manager).post(`/approvals/${approvalId}/suspensions/${suspensionId}/withdraw`, { reason: 'no' }).expect(400);
    expect(short.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);

    const withdrawn = await as(manager)
      .post(`/approvals/${approvalId}/suspensions/${suspensionId}/withdraw`, { reason: 'Recorded against the wrong AMHP' })
      .expect(200);
    expect(withdrawn.body).toMatchObject({
      status: 'active',
      suspensions: [],
      withdrawnSuspensions: [
        {
          id: suspensionId,
          startsAt: '2026-11-18T00:00:00.000Z',
          reason: 'Registration lapsed',
          withdrawnAt: '2026-11-21T10:00:00.000Z',
          withdrawnBy: manager.id,
          withdrawalReason: 'Recorded against the wrong AMHP',
        },
      ],
    });
    expect(await eligibleOn(hamza.practitionerId, '2026-11-19T10:00:00Z', '2026-11-19T12:00:00Z')).toBe(true);
    const again = await as(manager)
      .post(`/approvals/${approvalId}/suspensions/${suspensionId}/withdraw`, { reason: 'Recorded against the wrong AMHP' })
      .expect(409);
    expect(again.body.code).toBe('already-withdrawn');
    const audit = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE action = 'approval.withdraw-suspension' AND resource_id = $1`,
      [approvalId],
    );
    expect(audit.map((a) => a.details)).toEqual([{ suspensionId }]);
  });

  it('an early end entered in error is withdrawn: the approval runs to its end date again and can be changed; the end stays on the record', async () => {
    const asha = await amhp(t);
    const approvalId = await approvalOf(t, asha.practitionerId);
    await as(manager).post(`/approvals/${approvalId}/end`, { endedOn: '2026-12-10', reason: 'Moved to another council' }).expect(200);
    expect(await eligibleOn(asha.practitionerId, '2026-12-12T10:00:00Z', '2026-12-12T12:00:00Z')).toBe(false);

    const withdrawn = await as(manager).post(`/approvals/${approvalId}/end/withdraw`, { reason: 'Entered for the wrong AMHP' }).expect(200);
    expect(withdrawn.body).toMatchObject({
      status: 'active',
      endedOn: null,
      endReason: null,
      withdrawnEnds: [
        {
          endedOn: '2026-12-10',
          endReason: 'Moved to another council',
          withdrawnBy: manager.id,
          reason: 'Entered for the wrong AMHP',
        },
      ],
    });
    expect(await eligibleOn(asha.practitionerId, '2026-12-12T10:00:00Z', '2026-12-12T12:00:00Z')).toBe(true);
    await as(manager)
      .patch(`/approvals/${approvalId}`, { conditions: 'Acts for Northshire' })
      .set('if-match', `"v${withdrawn.body.version}"`)
      .expect(200);
    const notEnded = await as(manager).post(`/approvals/${approvalId}/end/withdraw`, { reason: 'Entered for the wrong AMHP' }).expect(409);
    expect(notEnded.body.code).toBe('approval-not-ended');
  });
});
