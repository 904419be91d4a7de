import { TokenService } from '../src/auth/token.service';
import { amhp, insertDoctor } from './support/workforce-fixtures';
import { assessmentFixtures, declareNewDoctors } from './support/assessment-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * What is recorded about a made application after the admission: how the detention ended (APP-22: a discharge under
 * s.23, with s.25 for the nearest relative; a s.2's lapse; a s.2 ended by a s.3) and the managers' rectification under
 * s.15 (APP-16). The s.2s here are signed Sat 21 Nov 2026 11:00 GMT and admitted 11:30 (they lapse at the end of Fri
 * 18 Dec; rectification runs to the end of Fri 4 Dec). Now is Sat 21 Nov 2026 12:00 GMT unless a test moves it.
 */
describe('after the admission: the end of the detention and its rectification', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  let thirdDoctor: string;
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7000201', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7000202');
    thirdDoctor = await insertDoctor(t, 'Dr Helen Marsh', '7000203');
  });
  afterAll(() => t.close());

  const { as, opened, prepared, application, decide } = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));

  /** Moves the clock and gives the manager and `users` tokens issued then. */
  const at = async (iso: string, ...users: TestUser[]) => {
    t.clock.set(iso);
    for (const u of [manager, ...users]) {
      const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
      Object.assign(u, { token, auth: `Bearer ${token}` });
    }
  };
  beforeEach(() => at('2026-11-21T12:00:00Z'));

  /** A s.2 made (signed 11:00) and admitted (11:30) on Sat 21 Nov; `doctors` as the fixture takes them. */
  async function detained(doctors?: [object, object]) {
    const { worker, referral, assessment: a } = await opened();
    const parent = await prepared(a, worker, 's2', undefined, doctors);
    await as(worker)
      .put(`/assessments/${a.id}/nearest-relative`, { relativeId: parent.id, informedAt: '2026-11-21T10:30:00Z', informedMethod: 'phone' })
      .expect(200);
    await as(worker).post(`/assessments/${a.id}/events`, { type: 'admitted', at: '2026-11-21T11:30:00Z' }).expect(201);
    expect((await decide(worker, a.id, application('s2'))).status).toBe(200);
    return { worker, referral, a };
  }
  const ended = async (u: TestUser, id: string) =>
    ((await as(u).get(`/assessments/${id}`).expect(200)).body.outcome.application.detentionEnded ?? null) as Record<string, unknown> | null;
  const checks = async (u: TestUser, id: string) => (await as(u).get(`/assessments/${id}/checks`).expect(200)).body;
  /** The outcome report's decision section (COP-07), as JSON. */
  const decisionLines = async (u: TestUser, id: string) =>
    (
      (await as(u).get(`/assessments/${id}/report?format=json`).expect(200)).body as {
        sections: Array<{ id: string; lines: Array<{ label?: string; text: string }> }>;
      }
    ).sections.find((x) => x.id === 'decision')!.lines;

  describe('APP-22: the end of the detention (s.23, s.25, s.2(4), s.6(4))', () => {
    it("a discharge from a s.2 is recorded on its application with who and when: in the assessment's JSON, on the timeline, audited and published; the s.2 expiry shows it; once", async () => {
      const { worker, referral, a } = await detained();
      const recorded = (
        await as(worker)
          .post(`/assessments/${a.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T11:50:00Z', by: 'responsible-clinician' })
          .expect(200)
      ).body;
      expect(recorded.outcome.application.detentionEnded).toMatchObject({
        kind: 'discharged',
        at: '2026-11-21T11:50:00.000Z',
        by: 'responsible-clinician',
        recordedBy: worker.id,
      });
      expect(recorded.timeline).toContainEqual(
        expect.objectContaining({
          type: 'detention-ended',
          at: '2026-11-21T11:50:00.000Z',
          note: 'Discharged by the responsible clinician (s.23)',
        }),
      );
      const expiry = (await checks(worker, a.id)).deadlines.find((d: { id: string }) => d.id === 's2-expiry');
      expect(expiry).toMatchObject({ at: '2026-11-21T11:50:00.000Z', label: 'Section 2 ended: the patient was discharged' });
      expect(
        await t.sql(`SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'assessment.detention-end'`, [a.id]),
      ).toEqual([
        {
          payload: {
            assessmentId: a.id,
            referralId: referral.id,
            kind: 'discharged',
            at: '2026-11-21T11:50:00.000Z',
            by: 'responsible-clinician',
          },
        },
      ]);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE resource_id = $1 AND action = 'assessment.detention-end'`, [a.id])).toHaveLength(
        1,
      );
      expect(await decisionLines(worker, a.id)).toContainEqual({
        label: 'Detention ended',
        text: 'Discharged (s.23) by the responsible clinician: Sat 21 Nov 2026 11:50 GMT',
      });
      const again = await as(worker)
        .post(`/assessments/${a.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T11:55:00Z', by: 'hospital-managers' })
        .expect(409);
      expect(again.body.code).toBe('detention-end-recorded');
      // Its time is the record's, not corrected on the timeline.
      const event = recorded.timeline.find((e: { type: string }) => e.type === 'detention-ended');
      expect(
        (await as(worker).patch(`/assessments/${a.id}/events/${event.id}`, { at: '2026-11-21T11:52:00Z' }).expect(409)).body.code,
      ).toBe('event-from-record');
    });

    it('bad input, a time before the admission or in the future, or a discharge by someone who cannot, is refused naming the field and changes nothing; an AMHP not on the case may not record it', async () => {
      const { worker, a } = await detained();
      const version = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version;
      const cases: Array<[object, number, string, string]> = [
        [{ at: '2026-11-21T11:50:00Z', by: 'responsible-clinician' }, 400, 'kind', ''],
        [{ kind: 'discharged', at: '2026-11-21T11:50:00Z', by: 'the-doctor' }, 400, 'by', ''],
        [{ kind: 'discharged', at: 'yesterday', by: 'responsible-clinician' }, 400, 'at', ''],
        [{ kind: 'discharged', at: '2026-11-21T12:30:00Z', by: 'responsible-clinician' }, 422, 'at', 'in-future'],
        [{ kind: 'discharged', at: '2026-11-21T11:20:00Z', by: 'responsible-clinician' }, 422, 'at', 'ended-before-admission'],
        [
          { kind: 'discharged', at: '2026-11-21T11:50:00Z', by: 'local-social-services-authority' },
          422,
          'by',
          'discharger-not-for-section',
        ],
        [
          { kind: 'discharged', at: '2026-11-21T11:50:00Z', by: 'nearest-relative' },
          422,
          'nearestRelativeNoticeAt',
          'nearest-relative-notice-missing',
        ],
        [{ kind: 'lapsed' }, 422, 'kind', 's2-not-lapsed'],
        [{ kind: 'became-s3' }, 400, 'at', ''],
        [{ kind: 'lapsed', at: '2026-11-21T11:50:00Z' }, 422, 'at', 'at-not-for-lapse'],
      ];
      for (const [body, status, field, code] of cases) {
        const refused = await as(worker).post(`/assessments/${a.id}/detention-end`, body).expect(status);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        if (status === 400) expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
        else expect(refused.body).toMatchObject({ code, field });
      }
      const other = await amhp(t);
      await as(other)
        .post(`/assessments/${a.id}/detention-end`, { kind: 'discharged', at: '2026-11-21T11:50:00Z', by: 'tribunal' })
        .expect(403);
      const after = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
      expect([after.version, after.outcome.application.detentionEnded ?? null]).toEqual([version, null]);
    });

    it("the nearest relative's order discharges only once the 72 hours' notice have run, and not when the responsible clinician barred it within them (s.25(1))", async () => {
      const { worker, a } = await detained();
      await at('2026-11-25T12:00:00Z', worker);
      const notice = '2026-11-21T11:40:00Z'; // so the order may take effect from Tue 24 Nov 11:40
      const early = await as(worker)
        .post(`/assessments/${a.id}/detention-end`, {
          kind: 'discharged',
          by: 'nearest-relative',
          nearestRelativeNoticeAt: notice,
          at: '2026-11-24T11:00:00Z',
        })
        .expect(422);
      expect(early.body).toMatchObject({ code: 'nearest-relative-notice-short', field: 'at', rule: 'APP-22' });
      expect(early.body.detail).toContain('Tue 24 Nov 2026 11:40 GMT');
      const barred = await as(worker)
        .post(`/assessments/${a.id}/detention-end`, {
          kind: 'discharged',
          by: 'nearest-relative',
          nearestRelativeNoticeAt: notice,
          barredAt: '2026-11-23T10:00:00Z',
          at: '2026-11-24T11:40:00Z',
        })
        .expect(422);
      expect(barred.body).toMatchObject({ code: 'discharge-barred', field: 'barredAt' });
      expect(await ended(worker, a.id)).toBeNull();
      await as(worker)
        .post(`/assessments/${a.id}/detention-end`, {
          kind: 'discharged',
          by: 'nearest-relative',
          nearestRelativeNoticeAt: notice,
          at: '2026-11-24T11:40:00Z',
        })
        .expect(200);
      expect(await ended(worker, a.id)).toMatchObject({
        by: 'nearest-relative',
        nearestRelativeNoticeAt: '2026-11-21T11:40:00.000Z',
        barredAt: null,
      });
    });

    it('a s.2 lapse is recorded at the end of its 28 days once they have run; a discharge after it is refused', async () => {
      const { worker, a } = await detained();
      await at('2026-12-19T09:00:00Z', worker);
      const late = await as(worker)
        .post(`/assessments/${a.id}/detention-end`, { kind: 'discharged', by: 'responsible-clinician', at: '2026-12-19T08:00:00Z' })
        .expect(422);
      expect(late.body).toMatchObject({ code: 'detention-already-lapsed', field: 'at', rule: 'APP-17' });
      await as(worker).post(`/assessments/${a.id}/detention-end`, { kind: 'lapsed' }).expect(200);
      expect(await ended(worker, a.id)).toMatchObject({ kind: 'lapsed', at: '2026-12-19T00:00:00.000Z', by: null });
    });
  });

  describe('APP-16: rectification under s.15', () => {
    it('withdrawing a recommendation the application is founded on is 409 pointing to where its rectification is recorded', async () => {
      const { worker, a } = await detained();
      const [rec] = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.recommendations;
      const refused = await as(worker)
        .post(`/assessments/${a.id}/recommendations/${rec.id}/withdrawal`, { reason: 'Found insufficient.' })
        .expect(409);
      expect(refused.body).toMatchObject({
        code: 'recommendation-founds-application',
        rule: 'APP-16',
        rectification: `/assessments/${a.id}/rectification`,
      });
      expect(refused.body.detail).toContain(`POST /assessments/${a.id}/rectification`);
    });

    it('a recommendation found insufficient is replaced by a fresh one: the application is founded on it from then, the finding it cures is shown cured, and it is audited, on the timeline and published', async () => {
      // The second recommendation was entered by name alone with the first doctor's name: it may be hers (APP-07, answered).
      const { worker, referral, a } = await detained([
        { doctorId: s12Doctor },
        { doctorName: 'Asha Patel', statedApproval: { s12: false, approvedClinician: false } },
      ]);
      const recs = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.recommendations as Array<{
        id: string;
        doctorName: string;
      }>;
      const adHoc = recs.find((r) => !r.doctorName.startsWith('Dr'))!;
      expect((await checks(worker, a.id)).findings).toContainEqual(expect.objectContaining({ code: 'recommendations-doctor-may-be-same' }));
      // The managers found it insufficient; the GP examined at 11:40, after the application was signed (s.15(3)(a)).
      const fresh = (
        await as(worker)
          .post(`/assessments/${a.id}/recommendations`, {
            doctorId: gpDoctor,
            previousAcquaintance: true,
            examinedAt: '2026-11-21T11:40:00Z',
            examMode: 'in-person',
            signedAt: '2026-11-21T11:45:00Z',
            section: 's2',
          })
          .expect(201)
      ).body.recommendations.find((r: { doctorName: string }) => r.doctorName === 'Dr Sam Whitfield');
      await declareNewDoctors(t, worker, a.id);
      const body = {
        kind: 'recommendation-replaced',
        at: '2026-11-21T11:55:00Z',
        managersConsent: true,
        recommendationId: adHoc.id,
        replacementId: fresh.id,
      };
      const noConsent = await as(worker)
        .post(`/assessments/${a.id}/rectification`, { ...body, managersConsent: false })
        .expect(422);
      expect(noConsent.body).toMatchObject({ code: 'managers-consent-missing', field: 'managersConsent' });
      const recorded = (await as(worker).post(`/assessments/${a.id}/rectification`, body).expect(200)).body;
      expect(recorded.outcome.application.foundedOn).toEqual(expect.arrayContaining([fresh.id]));
      expect(recorded.outcome.application.foundedOn).not.toContain(adHoc.id);
      expect(recorded.outcome.application.foundedOnAsMade).toContain(adHoc.id);
      expect(recorded.outcome.application.rectifications).toEqual([
        expect.objectContaining({
          kind: 'recommendation-replaced',
          at: '2026-11-21T11:55:00.000Z',
          managersConsent: true,
          replacementId: fresh.id,
        }),
      ]);
      expect(recorded.timeline).toContainEqual(expect.objectContaining({ type: 'rectified', at: '2026-11-21T11:55:00.000Z' }));
      const after = await checks(worker, a.id);
      expect(after.findings.map((f: { code: string }) => f.code)).not.toContain('recommendations-doctor-may-be-same');
      expect(after.findings.map((f: { code: string }) => f.code)).not.toContain('recommendation-examined-after-application');
      expect(after.cured).toEqual([
        expect.objectContaining({
          rule: 'APP-07',
          code: 'recommendations-doctor-may-be-same',
          curedBy: { kind: 'recommendation-replaced', at: '2026-11-21T11:55:00.000Z' },
        }),
      ]);
      // The fresh recommendation now founds the application; the one replaced may be withdrawn.
      expect(
        (
          await as(worker)
            .post(`/assessments/${a.id}/recommendations/${fresh.id}/withdrawal`, { reason: 'Entered in error, it is said.' })
            .expect(409)
        ).body.code,
      ).toBe('recommendation-founds-application');
      expect(
        await t.sql(`SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'assessment.rectification'`, [a.id]),
      ).toEqual([
        { payload: { assessmentId: a.id, referralId: referral.id, kind: 'recommendation-replaced', at: '2026-11-21T11:55:00.000Z' } },
      ]);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE resource_id = $1 AND action = 'assessment.rectification'`, [a.id])).toHaveLength(
        1,
      );
      expect(await decisionLines(worker, a.id)).toContainEqual({
        label: 'Rectified with the hospital managers’ consent (s.15)',
        text: 'A medical recommendation found insufficient replaced by a fresh one (s.15(2)-(3)): Sat 21 Nov 2026 11:55 GMT',
      });
    });

    it('a fresh recommendation that does not comply with s.12 with the other (by the same doctor: APP-07) replaces nothing, and nothing changes', async () => {
      const { worker, a } = await detained();
      const before = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
      const gp = before.recommendations.find((r: { doctorName: string }) => r.doctorName === 'Dr Sam Whitfield');
      const fresh = (
        await as(worker)
          .post(`/assessments/${a.id}/recommendations`, {
            doctorId: s12Doctor,
            previousAcquaintance: false,
            noAcquaintanceReason: 'The GP was not available out of hours.',
            examinedAt: '2026-11-21T11:40:00Z',
            examMode: 'in-person',
            signedAt: '2026-11-21T11:45:00Z',
            section: 's2',
          })
          .expect(201)
      ).body.recommendations.find((r: { examinedAt: string }) => r.examinedAt === '2026-11-21T11:40:00.000Z');
      await declareNewDoctors(t, worker, a.id);
      const version = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body.version;
      const refused = await as(worker)
        .post(`/assessments/${a.id}/rectification`, {
          kind: 'recommendation-replaced',
          at: '2026-11-21T11:55:00Z',
          managersConsent: true,
          recommendationId: gp.id,
          replacementId: fresh.id,
        })
        .expect(422);
      expect(refused.body).toMatchObject({ code: 'replacement-not-sufficient', field: 'replacementId', rules: ['APP-07'] });
      const after = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
      expect([after.version, after.outcome.application.rectifications ?? null]).toEqual([version, null]);
      expect(after.timeline.map((e: { type: string }) => e.type)).not.toContain('rectified');
    });

    it('once the assessment is closed, a manager still records the fresh recommendation, its declarations and the replacement within the 14 days; after them the closed record takes no recommendation', async () => {
      const { worker, a } = await detained();
      await as(worker).post(`/assessments/${a.id}/close`, {}).expect(200);
      const gp = (await as(manager).get(`/assessments/${a.id}`).expect(200)).body.recommendations.find(
        (r: { doctorName: string }) => r.doctorName === 'Dr Sam Whitfield',
      );
      const fresh = {
        doctorId: thirdDoctor,
        previousAcquaintance: true,
        examinedAt: '2026-11-21T11:40:00Z',
        examMode: 'in-person',
        signedAt: '2026-11-21T11:45:00Z',
        section: 's2',
      };
      // The AMHP's access ended with the close: hers is the closed record's 409.
      expect((await as(worker).post(`/assessments/${a.id}/recommendations`, fresh).expect(409)).body.code).toBe('assessment-closed');
      const added = (await as(manager).post(`/assessments/${a.id}/recommendations`, fresh).expect(201)).body.recommendations.find(
        (r: { doctorName: string }) => r.doctorName === 'Dr Helen Marsh',
      );
      await declareNewDoctors(t, manager, a.id);
      await as(manager)
        .post(`/assessments/${a.id}/rectification`, {
          kind: 'recommendation-replaced',
          at: '2026-11-21T11:55:00Z',
          managersConsent: true,
          recommendationId: gp.id,
          replacementId: added.id,
        })
        .expect(200);
      await at('2026-12-05T10:00:00Z');
      const late = await as(manager).post(`/assessments/${a.id}/recommendations`, {
        ...fresh,
        examinedAt: '2026-12-05T09:00:00Z',
        signedAt: '2026-12-05T09:10:00Z',
      });
      expect([late.status, late.body.code]).toEqual([409, 'assessment-closed']);
    });

    it('a rectification after the 14 days beginning with the admission is refused (s.15(1)); an amendment cures only a defect of form it names', async () => {
      const { worker, a } = await detained();
      const amend = { kind: 'application-amended', at: '2026-11-21T11:55:00Z', managersConsent: true };
      expect(
        (
          await as(worker)
            .post(`/assessments/${a.id}/rectification`, { ...amend, cures: ['no-such-finding'] })
            .expect(422)
        ).body,
      ).toMatchObject({
        code: 'not-a-finding',
        field: 'cures',
      });
      expect((await as(worker).post(`/assessments/${a.id}/rectification`, amend).expect(422)).body.code).toBe('cures-required');
      await at('2026-12-05T10:00:00Z', worker);
      const late = await as(worker)
        .post(`/assessments/${a.id}/rectification`, { ...amend, at: '2026-12-05T09:00:00Z', cures: ['x'] })
        .expect(422);
      expect(late.body).toMatchObject({ code: 'rectification-period-ended', field: 'at', rule: 'APP-16' });
      expect(late.body.detail).toContain('it ended with 2026-12-04');
      expect((await as(worker).get(`/assessments/${a.id}`).expect(200)).body.outcome.application.rectifications ?? null).toBeNull();
    });
  });
});
