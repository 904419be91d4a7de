import { amhp, approvalOf } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** AMHP-12: a manager who is also an AMHP does not certify her own record; another manager does. */
describe('workforce and rota: nobody certifies her own record', () => {
  let t: TestApp;
  let manager: TestUser;
  let mona: TestUser & { practitionerId: string };
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    mona = await amhp(t, { roles: ['manager', 'amhp'], displayName: 'Mona Lead' });
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, headers: Record<string, string> = {}) =>
      t.http.post(p).set('authorization', u.auth).set(headers).send(b),
    patch: (p: string, b: object = {}, headers: Record<string, string> = {}) =>
      t.http.patch(p).set('authorization', u.auth).set(headers).send(b),
  });
  const refused = (res: { status: number; headers: Record<string, string>; body: { code: string; detail: string } }) => {
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('own-record');
    expect(res.body.detail).toContain('another manager');
  };
  const audited = async (action: string) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND actor_id = $2`, [action, mona.id]))[0].n;

  it('she cannot record her own approval, training or training decision, nor remove her own training; another manager can', async () => {
    refused(
      await as(mona).post(`/practitioners/${mona.practitionerId}/approvals`, {
        approvingAuthority: 'Northshire County Council',
        startsOn: '2031-01-01',
        endsOn: '2035-12-30',
      }),
    );
    const training = { completedOn: '2026-11-20', hours: 18, provider: 'Self study', topic: 'Reading the Code of Practice' };
    refused(await as(mona).post(`/practitioners/${mona.practitionerId}/training`, training));
    const byManager = await as(manager).post(`/practitioners/${mona.practitionerId}/training`, training).expect(201);
    refused(await t.http.delete(`/training-records/${byManager.body.id}`).set('authorization', mona.auth));
    expect(await audited('training.add')).toBe(0);
    expect(await audited('approval.create')).toBe(0);
    // Nor the approving authority's decision that she may go on acting despite a training shortfall.
    const approvalId = await approvalOf(t, mona.practitionerId);
    refused(
      await as(mona).post(`/approvals/${approvalId}/training-decisions`, {
        year: 1,
        decidedOn: '2026-11-20',
        reason: 'I will make the hours up next year',
      }),
    );
    expect(await t.sql('SELECT 1 FROM training_year_decisions WHERE approval_id = $1', [approvalId])).toEqual([]);
  });

  it('suspended by another manager, she cannot lift, end or change her own approval: she stays suspended', async () => {
    const approvalId = await approvalOf(t, mona.practitionerId);
    const suspended = await as(manager)
      .post(`/approvals/${approvalId}/suspensions`, { reason: 'Concern raised about practice' })
      .expect(201);
    const suspensionId = suspended.body.suspensions[0].id as string;
    refused(await as(mona).post(`/approvals/${approvalId}/suspensions/${suspensionId}/lift`, { reason: 'I have reviewed it myself' }));
    refused(await as(mona).post(`/approvals/${approvalId}/end`, { endedOn: '2026-11-21', reason: 'Ending it myself' }));
    refused(await as(mona).patch(`/approvals/${approvalId}`, { conditions: 'None' }));
    expect((await as(manager).get(`/practitioners/${mona.practitionerId}/approvals`).expect(200)).body.items[0].status).toBe('suspended');
    t.clock.advance(3_600_000);
    await as(manager)
      .post(`/approvals/${approvalId}/suspensions/${suspensionId}/lift`, { reason: 'Reviewed by the Head of Service' })
      .expect(200);
  });

  it('she cannot approve her own leave, nor override the warnings on her own rota place', async () => {
    refused(
      await as(mona).post('/rota/leave', {
        practitionerId: mona.practitionerId,
        kind: 'annual',
        startsAt: '2026-12-24T00:00:00Z',
        endsAt: '2026-12-27T00:00:00Z',
        approve: true,
      }),
    );
    expect(await t.sql('SELECT 1 FROM leave_requests WHERE practitioner_id = $1', [mona.practitionerId])).toEqual([]);
    const asked = await as(mona)
      .post('/rota/leave', { kind: 'annual', startsAt: '2026-12-24T00:00:00Z', endsAt: '2026-12-27T00:00:00Z' })
      .expect(201);
    refused(await as(mona).post(`/rota/leave/${asked.body.id}/approve`, {}, { 'if-match': '"v1"' }));
    await as(manager).post(`/rota/leave/${asked.body.id}/approve`, {}, { 'if-match': '"v1"' }).expect(200);

    await t.sql(`UPDATE practitioners SET registration_checked_on = '2025-01-01' WHERE id = $1`, [mona.practitionerId]);
    const shift = await as(manager)
      .post('/rota/shifts', { label: 'Day', startsAt: '2026-12-08T09:00:00Z', endsAt: '2026-12-08T17:00:00Z', requiredCount: 1 })
      .expect(201);
    const body = {
      practitionerId: mona.practitionerId,
      overrides: [{ code: 'registration-check-stale', reason: 'I will check it next week' }],
    };
    refused(await as(mona).post(`/rota/shifts/${shift.body.id}/assignments`, body));
    expect((await as(manager).get(`/rota/shifts/${shift.body.id}`).expect(200)).body.assigned).toEqual([]);
    await as(manager).post(`/rota/shifts/${shift.body.id}/assignments`, body).expect(201);
  });

  it('she cannot mark her own registration checked, lengthen her own supervision interval or record her own appraisal', async () => {
    const before = (await as(manager).get(`/practitioners/${mona.practitionerId}`).expect(200)).body;
    refused(await as(mona).patch(`/practitioners/${mona.practitionerId}`, { registrationCheckedOn: '2026-11-21' }));
    refused(await as(mona).patch(`/practitioners/${mona.practitionerId}`, { supervisionIntervalDays: 365 }));
    refused(
      await as(mona).post(`/practitioners/${mona.practitionerId}/appraisals`, {
        heldOn: '2026-11-20',
        periodFrom: '2025-11-01',
        periodTo: '2026-10-31',
        outcome: 'meets',
        appraiserUserId: manager.id,
      }),
    );
    const after = (await as(manager).get(`/practitioners/${mona.practitionerId}`).expect(200)).body;
    expect(after).toEqual(before);
    expect(await t.sql('SELECT 1 FROM appraisals WHERE practitioner_id = $1', [mona.practitionerId])).toEqual([]);
    expect(await audited('practitioner.update')).toBe(0);
    // Another manager may.
    await as(manager).patch(`/practitioners/${mona.practitionerId}`, { registrationCheckedOn: '2026-11-21' }).expect(200);
  });

  it('she cannot record her own supervision, naming another manager as supervisor, nor change her own session; her supervisor can', async () => {
    const session = {
      superviseeId: mona.practitionerId,
      supervisorUserId: manager.id,
      heldOn: '2026-11-20',
      type: 'professional',
      durationMinutes: 60,
    };
    refused(await as(mona).post('/supervision-sessions', session));
    expect(await t.sql('SELECT 1 FROM supervision_sessions WHERE supervisee_id = $1', [mona.practitionerId])).toEqual([]);
    expect(await audited('supervision.create')).toBe(0);
    const recorded = await as(manager)
      .post('/supervision-sessions', { ...session, type: 'managerial' })
      .expect(201);
    refused(await as(mona).patch(`/supervision-sessions/${recorded.body.id}`, { type: 'professional' }, { 'if-match': '"v1"' }));
    expect((await as(manager).get(`/supervision-sessions/${recorded.body.id}`).expect(200)).body.type).toBe('managerial');
  });

  it('she cannot acknowledge in the morning handover her own out-of-hours decision, nor an action it set, nor close that action; another manager does', async () => {
    const personId = (
      await as(manager).post('/people', { givenName: 'Pat', familyName: 'Ownrecord', dateOfBirth: '1948-03-02' }).expect(201)
    ).body.id as string;
    const now = t.clock.now();
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
    const decision = await as(mona)
      .post('/decisions', {
        type: 'adult-safeguarding',
        occurredAt: at(40),
        personId,
        content: {
          question: 'Is it safe for the adult to remain at home tonight?',
          legalFrameworks: ['care-act-s42'],
          powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
          facts: 'Neighbour reports bruising; adult has dementia.',
          factSources: ['Neighbour by phone'],
          consultees: [{ name: 'PC Jones', role: 'Police', at: at(50), view: 'Adult appears frightened of the carer.' }],
          personViews: 'Wants to stay at home but not with the carer tonight.',
          options: [
            { option: 'Stay at home', leastRestrictive: true, chosen: false, whyRejected: 'Risk tonight too high.' },
            { option: 'Respite bed at Oak House', leastRestrictive: false, chosen: true },
          ],
          riskAnalysis: 'High risk of further harm tonight.',
          decision: 'Respite bed tonight; s.42 enquiry to the day team.',
          rationale: 'Least restrictive option that removes the immediate risk.',
          actions: [{ description: 'Allocate the s.42 enquiry', ownerTeam: 'Riverside adult social care', dueAt: at(-30) }],
          handoverNote: 'Day team to allocate the s.42 enquiry.',
          decisionMakerAuthority: 'AMHP, approved by Northshire CC until 2030',
          sac: {
            typeOfRisk: ['physical'],
            locationOfRisk: 'own-home',
            sourceOfRisk: 'other-known-to-individual',
            lackedCapacity: 'dont-know',
            mspAsked: 'not-asked',
          },
        },
        details: { s42: { careAndSupportNeeds: true, abuseOrNeglect: true, unableToProtectSelf: true, evidence: 'Dementia; bruising.' } },
      })
      .expect(201);
    await as(mona).post(`/decisions/${decision.body.id}/sign`).expect(200);
    const date = now.toISOString().slice(0, 10);
    const handover = await as(manager).post(`/handovers/${date}/compile`).expect(201);
    const items = handover.body.items as Array<{ id: string; itemType: string; itemId: string; summary: Record<string, unknown> }>;
    const own = items.filter((i) => i.itemId === decision.body.id || (i.itemType === 'action' && i.summary.sourceId === decision.body.id));
    expect(own.map((i) => i.itemType).sort()).toEqual(['action', 'decision']);
    for (const item of own) {
      refused(await as(mona).post(`/handovers/${date}/items/${item.id}/acknowledgement`, { note: 'Seen, fine' }));
    }
    expect(await audited('handover.acknowledge')).toBe(0);
    const after = (await as(manager).get(`/handovers/${date}`).expect(200)).body.items as Array<{
      id: string;
      acknowledgedBy: string | null;
    }>;
    expect(after.filter((i) => own.some((o) => o.id === i.id)).map((i) => i.acknowledgedBy)).toEqual([null, null]);
    for (const item of own) await as(manager).post(`/handovers/${date}/items/${item.id}/acknowledgement`, {}).expect(200);
    // Nor does she, as a manager, close the follow-up action her decision set for the day team.
    const action = own.find((i) => i.itemType === 'action')!;
    refused(await as(mona).post(`/actions/${action.itemId}/done`, { note: 'Done' }));
    expect(await t.sql('SELECT done_at FROM follow_up_actions WHERE id = $1', [action.itemId])).toEqual([{ done_at: null }]);
    await as(manager).post(`/actions/${action.itemId}/done`, { note: 'Allocated to Jo' }).expect(200);
  });
});
