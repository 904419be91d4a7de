import { Injectable } from '@nestjs/common';
import { AssessmentsService } from '../assessments/assessments.service';
import type { OutcomeDto } from '../assessments/dto/assessment.dto';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { UnprocessableProblem } from '../common/problem';
import { Db } from '../database/db';
import { DoctorsService } from '../doctors/doctors.service';
import { RelativesService } from '../people/relatives.service';
import { fullView, ReferralsService } from '../referrals/referrals.service';
import { EligibilityService } from '../workforce/eligibility.service';

/**
 * Demo assessments: a handful of completed MHA assessments from the last two days, made through the real services
 * (so their checks, audit and timelines are what a real record would hold): a s.2 admission after a wait for a bed
 * and an ambulance, and two people not detained, with the alternatives put in place.
 */
@Injectable()
export class DemoAssessments {
  constructor(
    private readonly db: Db,
    private readonly referrals: ReferralsService,
    private readonly assessments: AssessmentsService,
    private readonly relatives: RelativesService,
    private readonly eligibility: EligibilityService,
    private readonly clock: Clock,
    private readonly doctors: DoctorsService,
  ) {}

  async seed(manager: Actor, amhpUserIds: string[]): Promise<void> {
    const now = this.clock.now();
    const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();
    const doctors = await this.db.transaction((m) => this.doctors.names(m));
    const doctor = (surname: string) => doctors.find((d) => d.name.endsWith(surname))!.id;
    const eligible: string[] = [];
    for (const userId of amhpUserIds) {
      const e = await this.eligibility.forUser(userId, now, new Date(now.getTime() + 60_000));
      if (e.eligible) eligible.push(userId);
      if (eligible.length === 2) break;
    }
    if (!eligible.length) throw new Error('Demo seed: no AMHP is eligible to act now, so no assessment can be allocated.');
    const amhp = (i: number): Actor => ({
      userId: eligible[i % eligible.length],
      email: 'demo',
      displayName: 'Demo AMHP',
      roles: ['amhp'],
      via: 'local',
    });

    // 1. A s.2 admission: two doctors within a day, the mother informed, a four-hour wait for a bed and an ambulance.
    {
      const worker = amhp(0);
      const { referralId, personId } = await this.allocatedReferral(manager, worker.userId, {
        person: { givenName: 'Daniel', familyName: 'Achebe', dateOfBirth: '1990-03-14', ethnicCategory: 'M', preferredLanguage: 'English' },
        source: 'cmht',
        referrer: { name: 'Jo Marsh', organisation: 'Riverside CMHT', role: 'Care coordinator', phone: '+44 1632 960404' },
        reason: 'Relapse of schizophrenia: stopped depot medication, barricaded in the flat, shouting at neighbours.',
        risks: { toSelf: true, toOthers: true, fromOthers: false, flags: ['access-problems'] },
        urgency: 'urgent',
        legalContext: { kind: 'informal' },
        location: 'Flat 3, Mill Court, Riverside',
        receivedAt: ago(31),
      });
      const a = await this.assessments.create(worker, { referralId, openedAt: ago(29), location: 'Flat 3, Mill Court, Riverside' });
      const mother = await this.relatives.create(
        manager,
        personId,
        {
          name: 'Grace Achebe',
          relationship: 'parent',
          wholeBlood: true,
          dateOfBirth: '1962-07-01',
          livesWithPatient: true,
          contact: { phone: '+44 7700 900555' },
        },
        { allowed: true, basis: 'role:manager' },
      );
      for (const [type, hours, delayReason] of [
        ['doctors-requested', 29],
        ['doctor-arrived', 27.5, 'waiting-s12-doctor'],
        ['interview-started', 27.2],
        ['interview-ended', 26.6],
      ] as const)
        await this.assessments.addEvent(worker, a.id, { type, at: ago(hours), ...(delayReason ? { delayReason } : {}) });
      await this.assessments.addContact(worker, a.id, {
        at: ago(27.2),
        mode: 'in-person',
        byRole: 'amhp',
        note: 'Seen at the flat with his mother present.',
      });
      await this.assessments.update(
        worker,
        a.id,
        {
          interview: {
            suitableMannerNotes: 'Interviewed at home in the kitchen with his mother present at his request; short breaks offered.',
            alternativesConsidered: [
              'Home treatment team twice daily: refused, would not open the door to them last week',
              'Informal admission: refused',
            ],
            capacity: 'Lacks capacity to decide on admission: cannot weigh the risks of stopping medication.',
            patientViews: 'Says nothing is wrong and the neighbours are persecuting him.',
            relativesWishes: 'His mother wants him admitted and is frightened for him.',
            professionalsConsulted: ['Jo Marsh, care coordinator'],
          },
        },
        undefined,
      );
      await this.assessments.addRecommendation(worker, a.id, {
        doctorId: doctor('Raman'),
        previousAcquaintance: false,
        noAcquaintanceReason: 'His GP was not available out of hours; Dr Lloyd, who knows him, examined separately.',
        examinedAt: ago(27.2),
        examMode: 'in-person',
        signedAt: ago(26.9),
        section: 's2',
      });
      await this.assessments.addRecommendation(worker, a.id, {
        doctorId: doctor('Lloyd'),
        previousAcquaintance: true,
        examinedAt: ago(26.8),
        examMode: 'in-person',
        signedAt: ago(26.7),
        section: 's2',
      });
      await this.assessments.setNearestRelative(
        worker,
        a.id,
        {
          relativeId: mother.id,
          informedAt: ago(26.4),
          informedMethod: 'in-person',
          views: 'Agrees with the admission; told of her power to discharge (s.23).',
        },
        undefined,
      );
      await this.conflictsDeclared(worker, a.id);
      await this.decide(worker, a.id, {
        kind: 'application',
        section: 's2',
        signedAt: ago(26.5),
        hospitalSite: 'Northshire General Hospital',
        practicalMatters: { dependants: 'None', pets: 'None', property: 'Flat locked; keys with his mother' },
        bedDetails: 'In area, found after 4 hours',
        conveyance: 'Ambulance, with police in attendance',
        ward: 'Beech Ward',
        bedFoundBy: 'Bed manager (Kim Ross)',
        conveyanceArrangedWith: 'Northshire Ambulance Service, with Northshire Police',
        rationale: 'Assessment in hospital is needed and he refuses every alternative; the risk to himself and his neighbours is rising.',
      });
      for (const [type, hours, delayReason] of [
        ['bed-requested', 26.4],
        ['bed-identified', 22.3, 'no-bed'],
        ['conveyance-requested', 22.2],
        ['police-requested', 22.2],
        ['conveyance-arrived', 20.5, 'ambulance-unavailable'],
        ['police-arrived', 20.6],
        ['admitted', 19.8],
      ] as const)
        await this.assessments.addEvent(worker, a.id, { type, at: ago(hours), ...(delayReason ? { delayReason } : {}) });
      await this.assessments.update(
        worker,
        a.id,
        {
          distribution: [
            {
              recipient: 'Northshire General Hospital (hospital managers)',
              role: 'Receiving hospital',
              method: 'secure email',
              sentAt: ago(19.5),
            },
            { recipient: 'Riverside CMHT', role: 'Care coordinator', method: 'secure email', sentAt: ago(19.5) },
            { recipient: 'Dr Sam Whitfield, Riverside Medical Practice', role: 'GP', method: 'secure email', sentAt: ago(19.4) },
          ],
        },
        undefined,
      );
      await this.assessments.close(worker, a.id, undefined);
    }

    // 2. Not detained: crisis and home treatment twice daily, with the sister staying.
    {
      const worker = amhp(1);
      const { referralId } = await this.allocatedReferral(manager, worker.userId, {
        person: {
          givenName: 'Rosa',
          familyName: 'Delgado',
          dateOfBirth: '1977-11-02',
          ethnicCategory: 'C',
          preferredLanguage: 'Spanish',
          interpreterNeeded: true,
        },
        source: 'crisis-home-treatment',
        referrer: { name: 'Sam Reid', organisation: 'Crisis and home treatment team', role: 'Team leader', phone: '+44 1632 960505' },
        reason: 'Severe depression with suicidal thoughts; the team asks for an assessment as she declined a visit.',
        risks: { toSelf: true, toOthers: false, fromOthers: false, flags: ['children-in-household'] },
        urgency: 'urgent',
        legalContext: { kind: 'informal' },
        receivedAt: ago(20),
      });
      const a = await this.assessments.create(worker, { referralId, openedAt: ago(18) });
      await this.assessments.update(
        worker,
        a.id,
        {
          involvement: { interpreter: { needed: true, language: 'Spanish', used: true, name: 'Language Line interpreter (in person)' } },
          interview: {
            suitableMannerNotes: 'Interviewed at home in Spanish through an interpreter in person.',
            alternativesConsidered: ['Crisis team twice daily with her sister staying: accepted'],
            capacity: 'Has capacity to decide on treatment.',
            patientViews: 'Wants to stay with her children and accepts the crisis team.',
          },
        },
        undefined,
      );
      for (const [type, hours] of [
        ['doctors-requested', 18],
        ['interpreter-arrived', 16.5],
        ['interview-started', 16.4],
        ['interview-ended', 15.8],
      ] as const)
        await this.assessments.addEvent(worker, a.id, { type, at: ago(hours) });
      await this.assessments.addContact(worker, a.id, { at: ago(16.4), mode: 'in-person', byRole: 'amhp' });
      await this.assessments.addRecommendation(worker, a.id, {
        doctorId: doctor('Bello'),
        previousAcquaintance: false,
        noAcquaintanceReason: 'Her GP was not available; no other doctor knows her.',
        examinedAt: ago(16.2),
        examMode: 'in-person',
        signedAt: ago(16.1),
        section: 's2',
      });
      await this.decide(worker, a.id, {
        kind: 'not-detained',
        decidedAt: ago(15.7),
        alternatives: ['crisis-home-treatment', 'community-follow-up'],
        rationale:
          'Accepts the crisis team twice daily and her sister will stay for the week; detention is not necessary and would separate her from her children.',
      });
      await this.assessments.close(worker, a.id, undefined);
    }

    // 3. Not detained: an informal admission, agreed once a bed was offered.
    {
      const worker = amhp(0);
      const { referralId } = await this.allocatedReferral(manager, worker.userId, {
        person: { givenName: 'Owen', familyName: 'Pritchard', dateOfBirth: '1958-05-21', ethnicCategory: 'A' },
        source: 'ae-liaison',
        referrer: { name: 'Liaison nurse Ferris', organisation: 'Northshire General A&E', phone: '+44 1632 960606' },
        reason: 'Brought to A&E after an overdose; wants to leave; low mood and hopelessness.',
        risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
        urgency: 'emergency',
        legalContext: { kind: 'informal' },
        location: 'Northshire General A&E',
        receivedAt: ago(12),
      });
      const a = await this.assessments.create(worker, { referralId, openedAt: ago(11.5), location: 'Northshire General A&E' });
      await this.assessments.update(
        worker,
        a.id,
        {
          interview: {
            suitableMannerNotes: 'Interviewed in the quiet room of A&E.',
            alternativesConsidered: ['Informal admission to Oak Ward: agreed'],
            capacity: 'Has capacity to agree to admission.',
          },
        },
        undefined,
      );
      for (const [type, hours, delayReason] of [
        ['doctors-requested', 11.5],
        ['doctor-arrived', 10.2, 'waiting-s12-doctor'],
        ['interview-started', 10.1],
        ['bed-requested', 9.8],
        ['bed-identified', 8.9, 'no-bed'],
      ] as const) {
        await this.assessments.addEvent(worker, a.id, { type, at: ago(hours), ...(delayReason ? { delayReason } : {}) });
      }
      await this.assessments.addContact(worker, a.id, { at: ago(10.1), mode: 'in-person', byRole: 'amhp' });
      await this.decide(worker, a.id, {
        kind: 'not-detained',
        decidedAt: ago(8.8),
        alternatives: ['informal-admission'],
        rationale: 'Agreed to an informal admission to Oak Ward once a bed was offered; the least restrictive way to keep him safe.',
      });
      await this.assessments.close(worker, a.id, undefined);
    }
  }

  private async allocatedReferral(
    manager: Actor,
    amhpUserId: string,
    body: Parameters<ReferralsService['create']>[1],
  ): Promise<{ referralId: string; personId: string }> {
    const r = fullView(await this.referrals.create(manager, body));
    await this.referrals.move(manager, r.id, { status: 'screening' }, undefined);
    await this.referrals.move(manager, r.id, { status: 'accepted' }, undefined);
    await this.referrals.allocate(manager, r.id, { userId: amhpUserId });
    return { referralId: r.id, personId: r.person.id };
  }

  async conflictsDeclared(worker: Actor, id: string): Promise<void> {
    const a = await this.assessments.get(worker, id);
    const none = { financial: false, business: false, personal: false };
    await this.assessments.setConflicts(
      worker,
      id,
      {
        patientTeams: [],
        assessors: [
          {
            assessorId: 'amhp',
            role: 'amhp',
            name: 'The applicant AMHP',
            teams: ['Northshire AMHP hub'],
            directsOrEmploys: [],
            declaration: none,
          },
          ...(a.recommendations as Array<{ id: string; doctorName: string }>).map((r, i) => ({
            assessorId: r.id,
            role: 'doctor' as const,
            name: r.doctorName,
            teams: [i === 0 ? 'Northshire crisis team' : 'Riverside Medical Practice'],
            directsOrEmploys: [],
            declaration: none,
          })),
        ],
      },
      undefined,
    );
  }

  /** Records the outcome, acknowledging the rules' warnings as the AMHP would, with a reason. */
  async decide(worker: Actor, id: string, dto: Omit<OutcomeDto, 'acknowledgements'>): Promise<void> {
    try {
      await this.assessments.recordOutcome(worker, id, dto, undefined);
    } catch (err) {
      if (!(err instanceof UnprocessableProblem) || err.extensions.code !== 'warnings-not-acknowledged') throw err;
      const findings = err.extensions.findings as Array<{ code: string }>;
      await this.assessments.recordOutcome(
        worker,
        id,
        {
          ...dto,
          acknowledgements: findings.map((f) => ({ code: f.code, reason: 'Considered at the time; recorded in the outcome report.' })),
        },
        undefined,
      );
    }
  }
}
