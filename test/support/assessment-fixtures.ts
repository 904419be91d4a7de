import { amhp } from './workforce-fixtures';
import type { TestApp, TestUser } from './test-app';

type Declaration = { financial: boolean; business: boolean; personal: boolean };
type ConflictRow = {
  assessorId: string;
  role: string;
  name: string;
  teams: string[];
  directsOrEmploys: string[];
  declaration: object | null;
};

/**
 * COI-09: records the conflict-of-interest declaration (by default nothing to declare) of each recommending doctor not
 * yet among the assessors, such as a s.4's second doctor, keeping the assessors already recorded.
 */
export async function declareNewDoctors(
  t: TestApp,
  user: TestUser,
  assessmentId: string,
  declaration: Declaration = { financial: false, business: false, personal: false },
): Promise<void> {
  const a = (await t.http.get(`/assessments/${assessmentId}`).set('authorization', user.auth).expect(200)).body as {
    conflicts: ConflictRow[];
    patientTeams: string[] | null;
    recommendations: Array<{ id: string; doctorName: string; withdrawnAt: string | null }>;
  };
  const known = new Set(a.conflicts.map((c) => c.assessorId));
  const added = a.recommendations
    .filter((r) => !r.withdrawnAt && !known.has(r.id))
    .map((r) => ({
      assessorId: r.id,
      role: 'doctor',
      name: r.doctorName,
      teams: ['Second opinion service'],
      directsOrEmploys: [],
      declaration,
    }));
  await t.http
    .put(`/assessments/${assessmentId}/conflicts`)
    .set('authorization', user.auth)
    .send({ patientTeams: a.patientTeams ?? [], assessors: [...a.conflicts, ...added] })
    .expect(200);
}

/** What the assessment fixtures act with, read when called (the spec's beforeAll fills them in). */
export interface AssessmentWorld {
  t: TestApp;
  manager: TestUser;
  s12Doctor: string;
  gpDoctor: string;
}

/**
 * The steps an assessment spec takes over HTTP, shared: a referral allocated to a fresh AMHP and the assessment she
 * opens (`opened`), everything a lawful s.2 needs but the recommendations' section, the NR step and the outcome
 * (`prepared`), an application body, and recording an outcome acknowledging each warning with a reason (`decide`).
 */
export function assessmentFixtures(world: () => AssessmentWorld) {
  const http = () => world().t.http;
  const as = (u: TestUser) => ({
    get: (p: string) => http().get(p).set('authorization', u.auth),
    post: (p: string, b: object = {}, h: Record<string, string> = {}) => http().post(p).set('authorization', u.auth).set(h).send(b),
    put: (p: string, b: object = {}, h: Record<string, string> = {}) => http().put(p).set('authorization', u.auth).set(h).send(b),
    patch: (p: string, b: object = {}, h: Record<string, string> = {}) => http().patch(p).set('authorization', u.auth).set(h).send(b),
  });
  let n = 0;

  /** A referral allocated to a fresh AMHP (of a new person, or of `personId`), and the assessment that AMHP opens. */
  async function opened(
    over: {
      nearestRelativeRequest?: boolean;
      source?: string;
      legalContext?: object;
      personId?: string;
      receivedAt?: string;
      openedAt?: string;
    } = {},
  ) {
    const worker = await amhp(world().t);
    const referral = (
      await as(world().manager)
        .post('/referrals', {
          ...(over.personId
            ? { personId: over.personId }
            : { person: { givenName: 'Casey', familyName: `Assessed${++n}`, dateOfBirth: '1985-06-15' } }),
          source: over.source ?? 'gp',
          referrer: { name: 'Dr Whitfield', organisation: 'Riverside Medical Practice' },
          reason: 'Relapse of psychosis, not taking medication, neighbours frightened.',
          risks: { toSelf: true, toOthers: true, fromOthers: false, flags: [] },
          urgency: 'urgent',
          legalContext: over.legalContext ?? { kind: 'informal' },
          nearestRelativeRequest: over.nearestRelativeRequest ?? false,
          receivedAt: over.receivedAt ?? '2026-11-20T14:00:00Z',
        })
        .expect(201)
    ).body;
    await as(world().manager).post(`/referrals/${referral.id}/status`, { status: 'screening' }).expect(200);
    await as(world().manager).post(`/referrals/${referral.id}/status`, { status: 'accepted' }).expect(200);
    await as(world().manager).post(`/referrals/${referral.id}/allocation`, { userId: worker.id }).expect(200);
    // Recorded as it happened from the afternoon before: the assessment began when the first doctor was asked for.
    const res = await as(worker)
      .post('/assessments', {
        referralId: referral.id,
        location: 'Home address, Riverside',
        openedAt: over.openedAt ?? '2026-11-20T14:30:00Z',
      })
      .expect(201);
    expect(res.headers.location).toBe(`/assessments/${res.body.id}`);
    return { worker, referral, assessment: res.body as { id: string; version: number; person: { id: string } } };
  }

  /** Everything a lawful s.2 needs except the recommendations' section, the NR step and the outcome. */
  async function prepared(
    a: { id: string; person: { id: string } },
    worker: TestUser,
    section: 's2' | 's3' | 's4' | 's7' = 's2',
    exams: [string, string] = ['2026-11-20T15:00:00Z', '2026-11-21T09:00:00Z'],
    /** Who gives each recommendation (default: the s.12 doctor, then the GP, from the register). */
    doctors: [object, object] = [{ doctorId: world().s12Doctor }, { doctorId: world().gpDoctor }],
  ) {
    await as(worker).post(`/assessments/${a.id}/contacts`, { at: '2026-11-21T09:00:00Z', mode: 'in-person', byRole: 'amhp' }).expect(201);
    await as(worker)
      .patch(`/assessments/${a.id}`, {
        interview: {
          suitableMannerNotes: 'Seen at home with a Polish interpreter present; quiet room.',
          alternativesConsidered: ['Crisis team twice daily: refused by the patient', 'Informal admission: refused'],
        },
      })
      .expect(200);
    await as(worker)
      .post(`/assessments/${a.id}/recommendations`, {
        ...doctors[0],
        previousAcquaintance: false,
        noAcquaintanceReason: 'The GP was not available out of hours.',
        examinedAt: exams[0],
        examMode: 'in-person',
        signedAt: exams[0],
        section,
        informalInappropriateReason: 'Refuses all informal treatment.',
        treatmentAvailableAt: 'Northshire General, Beech Ward',
      })
      .expect(201);
    if (section !== 's4') {
      await as(worker)
        .post(`/assessments/${a.id}/recommendations`, {
          ...doctors[1],
          previousAcquaintance: true,
          examinedAt: exams[1],
          examMode: 'in-person',
          signedAt: exams[1],
          section,
          informalInappropriateReason: 'Refuses all informal treatment.',
          treatmentAvailableAt: 'Northshire General, Beech Ward',
        })
        .expect(201);
    }
    const relative = (
      await as(worker)
        .post(`/people/${a.person.id}/relatives`, {
          name: 'Morgan Assessed',
          relationship: 'parent',
          wholeBlood: true,
          dateOfBirth: '1960-01-01',
          livesWithPatient: true,
        })
        .expect(201)
    ).body;
    const decl = { financial: false, business: false, personal: false };
    const current = (await as(worker).get(`/assessments/${a.id}`).expect(200)).body;
    const recs = current.recommendations as Array<{ id: string; doctorName: string }>;
    await as(worker)
      .put(`/assessments/${a.id}/conflicts`, {
        patientTeams: [],
        assessors: [
          { assessorId: 'amhp', role: 'amhp', name: 'The AMHP', teams: ['AMHP hub'], directsOrEmploys: [], declaration: decl },
          ...recs.map((r) => ({
            assessorId: r.id,
            role: 'doctor',
            name: r.doctorName,
            teams: [r.doctorName.includes('Patel') ? 'Crisis team' : 'Riverside practice'],
            directsOrEmploys: [],
            declaration: decl,
          })),
        ],
      })
      .expect(200);
    return relative as { id: string };
  }

  const application = (section: string, over: object = {}) => ({
    kind: 'application',
    section,
    signedAt: '2026-11-21T11:00:00Z',
    hospitalSite: 'Northshire General Hospital, Beech Ward',
    practicalMatters: { dependants: 'None', pets: 'Cat fed by the neighbour', property: 'House locked; keys with the parent' },
    rationale: 'Detention is the least restrictive way to provide the assessment needed: every alternative was refused.',
    ...over,
  });

  /** A not-detained outcome: the crisis team instead. */
  const notDetained = {
    kind: 'not-detained',
    alternatives: ['crisis-home-treatment'],
    rationale: 'Accepts the crisis team twice daily; detention is not necessary.',
  };

  /** Records the outcome, acknowledging every warning the rules raise (as an AMHP would, with a reason). */
  async function decide(worker: TestUser, id: string, body: object) {
    const first = await as(worker).post(`/assessments/${id}/outcome`, body);
    if (first.status !== 422 || first.body.code !== 'warnings-not-acknowledged') return first;
    const acknowledgements = (first.body.findings as Array<{ code: string }>).map((f) => ({
      code: f.code,
      reason: 'Considered and recorded in the report.',
    }));
    return as(worker).post(`/assessments/${id}/outcome`, { ...body, acknowledgements });
  }
  /**
   * A s.4 made (APP-11) on a freshly opened assessment (`over.opened`: the referral's source and legal context): both
   * examinations at 09:30 on Sat 21 Nov, the nearest relative told by phone at 10:30, the undesirable-delay statement
   * made, with `over.application`'s fields; the patient not yet admitted. Its outcome's answer.
   */
  async function s4Made(over: { opened?: Parameters<typeof opened>[0]; application?: object } = {}) {
    const { worker, referral, assessment } = await opened(over.opened);
    const relative = await prepared(assessment, worker, 's4', ['2026-11-21T09:30:00Z', '2026-11-21T09:30:00Z']);
    await as(worker)
      .put(`/assessments/${assessment.id}/nearest-relative`, {
        relativeId: relative.id,
        informedAt: '2026-11-21T10:30:00Z',
        informedMethod: 'phone',
      })
      .expect(200);
    const decided = await decide(worker, assessment.id, application('s4', { undesirableDelayStatement: true, ...over.application }));
    expect(decided.status).toBe(200);
    return {
      worker,
      referral,
      assessment,
      decided: decided.body as { section: string; legalStatusCode: string; outcome: { application: Record<string, unknown> } },
    };
  }
  return { as, opened, prepared, application, notDetained, decide, s4Made };
}
