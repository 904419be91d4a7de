import { insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * APP-13 / APP-14 (s.6(1)): an application authorises taking the patient to hospital only for so long (14 days
 * beginning with the last medical examination for a s.2 or s.3; 24 hours for a s.4). An admission after that is not
 * an admission under it. Now is Sun 6 Dec 2026 12:00 GMT; the fixtures' assessments were examined on 20-21 Nov.
 */
describe('an admission after the authority to convey ended (APP-13, APP-14)', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-12-06T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000002');
  });
  afterAll(() => t.close());

  const { as, opened, prepared, application, decide } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));
  type Report = { sections: Array<{ id: string; lines: Array<{ label?: string; text: string }> }> };
  const reportLine = (r: Report, section: string, label: string) =>
    r.sections.find((s) => s.id === section)!.lines.find((l) => l.label === label)?.text;
  const ack = [
    { code: 'admitted-after-conveyance-window', reason: 'The ward admitted the patient on the expired forms; raised with the managers.' },
  ];

  async function madeApplication(section: 's2' | 's4') {
    const { worker, referral, assessment: a } = await opened();
    const relative = await prepared(a, worker, section, section === 's4' ? ['2026-11-21T09:30:00Z', '2026-11-21T09:30:00Z'] : undefined);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-11-21T10:30:00Z',
        informedMethod: 'phone',
      })
      .expect(200);
    const decided = await decide(worker, a.id, application(section, section === 's4' ? { undesirableDelayStatement: true } : {}));
    expect(decided.status).toBe(200);
    return { worker, referral, a };
  }

  it('a s.2 admission after the 14 days is recorded only with the warning answered, and is not shown as a s.2 in force', async () => {
    // Last examination Sat 21 Nov: the authority to convey ended at the end of Fri 4 Dec.
    const { worker, a } = await madeApplication('s2');
    const refused = await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-12-05T10:00:00Z' }).expect(422);
    expect(refused.body).toMatchObject({ code: 'warnings-not-acknowledged', field: 'at' });
    expect(refused.body.findings).toEqual([expect.objectContaining({ rule: 'APP-13', code: 'admitted-after-conveyance-window' })]);
    expect(await t.sql(`SELECT 1 FROM assessment_events WHERE assessment_id = $1 AND type = 'admitted'`, [a.id])).toHaveLength(0);

    const recorded = await as(worker)
      .post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-12-05T10:00:00Z', acknowledgements: ack })
      .expect(201);
    const admitted = recorded.body.timeline.find((e: { type: string }) => e.type === 'admitted');
    expect(admitted.data.acknowledgements).toEqual([expect.objectContaining({ code: 'admitted-after-conveyance-window', by: worker.id })]);

    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(checks.findings).toContainEqual(expect.objectContaining({ rule: 'APP-13', code: 'admitted-after-conveyance-window' }));
    const ids = checks.deadlines.map((d: { id: string }) => d.id);
    expect(ids).not.toContain('s2-expiry');
    expect(ids).not.toContain('rectification');
    const report = (await as(worker).get(`/assessments/${a.id}/report?format=json`).expect(200)).body as Report;
    expect(reportLine(report, 'decision', 'MHSDS legal status')).toContain('NOT IN FORCE');
  });

  it('an admission within the 14 days needs no answer (the last minute of the last day included)', async () => {
    const { worker, a } = await madeApplication('s2');
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-12-04T23:59:00Z' }).expect(201);
    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(checks.deadlines.map((d: { id: string }) => d.id)).toContain('s2-expiry');
  });

  it('moving an admission past the window is a correction that needs the same answer', async () => {
    const { worker, a } = await madeApplication('s2');
    const view = (await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-12-04T10:00:00Z' }).expect(201)).body;
    const event = view.timeline.find((e: { type: string }) => e.type === 'admitted');
    const refused = await as(worker)
      .patch(`/assessments/${a.id}/events/${event.id}`, { at: '2026-12-05T10:00:00Z' }, { 'if-match': '*' })
      .expect(422);
    expect(refused.body.code).toBe('warnings-not-acknowledged');
    await as(worker)
      .patch(`/assessments/${a.id}/events/${event.id}`, { at: '2026-12-05T10:00:00Z', acknowledgements: ack }, { 'if-match': '*' })
      .expect(200);
  });

  it('a s.4 admitted after its 24 hours is not invited to become a s.2: no 72-hour clock, no second recommendation awaited', async () => {
    // Examined Sat 21 Nov 09:30: the s.4 authority to convey ended Sun 22 Nov 09:30.
    const { worker, referral, a } = await madeApplication('s4');
    await as(worker)
      .post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-22T16:00:00Z', acknowledgements: ack })
      .expect(201);
    const checks = (await as(worker).get(`/assessments/${a.id}/checks`).expect(200)).body;
    expect(checks.findings).toContainEqual(expect.objectContaining({ rule: 'APP-14', code: 'admitted-after-conveyance-window' }));
    expect(checks.findings.map((f: { rule: string }) => f.rule)).not.toContain('APP-11');
    expect(checks.deadlines.map((d: { id: string }) => d.id)).not.toContain('s4-second-recommendation');
    const clocks = (await as(worker).get(`/referrals/${referral.id}`).expect(200)).body.clocks as Array<{ id: string }>;
    expect(clocks.map((c) => c.id)).not.toContain('APP-11');
    const refused = await as(worker).post(`/assessments/${a.id}/s4-conversion`).expect(422);
    expect(refused.body.findings).toContainEqual(expect.objectContaining({ code: 's4-admitted-after-conveyance-window' }));
    // Nor did it lapse 72 hours after that admission: it never held the patient.
    const lapse = await as(worker).post(`/assessments/${a.id}/s4-lapse`, { after: 'discharged' }, { 'if-match': '*' }).expect(422);
    expect(lapse.body).toMatchObject({ code: 's4-admitted-after-conveyance-window', rule: 'APP-14' });
  });
});
