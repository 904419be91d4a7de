import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { DoctorsService } from '../doctors/doctors.service';
import { addDays, addYears, localDate } from '../statute/time';
import { ApprovalsService } from '../workforce/approvals.service';
import { PractitionersService } from '../workforce/practitioners.service';
import { TrainingService } from '../workforce/training.service';
import type { Actor } from '../auth/actor';
import type { CreatePractitionerDto } from '../workforce/dto/practitioner.dto';

/** The professions an AMHP may have (AMHP-04: never a doctor). */
type Profession = Exclude<CreatePractitionerDto['profession'], 'doctor'>;

interface DemoPractitioner {
  email: string;
  profession: Profession;
  team: string;
  fte: number;
  skills: string[];
  /** Approval start, in days before today; it runs five years less a day unless `endsInDays` says otherwise. */
  approvedDaysAgo: number;
  endsInDays?: number;
  /** Training hours in the previous and the current approval year. */
  training: [number, number];
  suspendedDaysAgo?: number;
}

const PRACTITIONERS: DemoPractitioner[] = [
  // Approval ending within 60 days, no renewal yet: shows on the reapproval list.
  {
    email: 'asha.patel',
    profession: 'social-worker',
    team: 'North',
    fte: 1,
    skills: ['senior', 'night', 'practice-educator'],
    approvedDaysAgo: 5 * 365 - 45,
    endsInDays: 44,
    training: [20, 12],
  },
  // Approval suspended three days ago (regulator investigation): not eligible for the rota.
  {
    email: 'ben.okafor',
    profession: 'mental-health-nurse',
    team: 'North',
    fte: 1,
    skills: ['night'],
    approvedDaysAgo: 900,
    training: [18, 10],
    suspendedDaysAgo: 3,
  },
  // Short of training hours in the approval year just completed and the current one.
  {
    email: 'carys.hughes',
    profession: 'social-worker',
    team: 'South',
    fte: 0.8,
    skills: ['senior'],
    approvedDaysAgo: 700,
    training: [10, 4],
  },
  {
    email: 'dan.kowalski',
    profession: 'occupational-therapist',
    team: 'South',
    fte: 1,
    skills: ['night'],
    approvedDaysAgo: 1200,
    training: [24, 15],
  },
  {
    email: 'efua.mensah',
    profession: 'social-worker',
    team: 'North',
    fte: 1,
    skills: ['senior', 'night', 'bia'],
    approvedDaysAgo: 400,
    training: [19, 16],
  },
  {
    email: 'finn.gallagher',
    profession: 'learning-disability-nurse',
    team: 'South',
    fte: 0.6,
    skills: [],
    approvedDaysAgo: 250,
    training: [0, 18],
  },
  { email: 'grace.liu', profession: 'psychologist', team: 'North', fte: 1, skills: ['night'], approvedDaysAgo: 1500, training: [22, 20] },
  {
    email: 'hamza.iqbal',
    profession: 'social-worker',
    team: 'South',
    fte: 1,
    skills: ['senior', 'night'],
    approvedDaysAgo: 1000,
    training: [30, 9],
  },
  {
    email: 'isla.fraser',
    profession: 'mental-health-nurse',
    team: 'North',
    fte: 0.8,
    skills: ['night'],
    approvedDaysAgo: 600,
    training: [18, 14],
  },
  {
    email: 'jonah.reid',
    profession: 'social-worker',
    team: 'South',
    fte: 1,
    skills: ['senior'],
    approvedDaysAgo: 1700,
    training: [21, 18],
  },
  {
    email: 'kemi.adeyemi',
    profession: 'social-worker',
    team: 'North',
    fte: 1,
    skills: ['night', 'bia'],
    approvedDaysAgo: 300,
    training: [0, 12],
  },
  { email: 'leah.byrne', profession: 'occupational-therapist', team: 'South', fte: 1, skills: [], approvedDaysAgo: 150, training: [0, 6] },
];

const DOCTORS: Array<[string, string, string, boolean]> = [
  ['Dr Priya Raman', '7012345', 'Northshire Mental Health NHS Trust', true],
  ['Dr Tom Ashworth', '7023456', 'Northshire Mental Health NHS Trust', true],
  ['Dr Aisha Bello', '7034567', 'Northshire Mental Health NHS Trust', false],
  ['Dr Gareth Lloyd', '7045678', 'Riverside Medical Practice', false],
  ['Dr Helen Marsh', '7056789', 'S12 Solutions (independent)', false],
  ['Dr Imran Qureshi', '7067890', 'Northshire Mental Health NHS Trust', true],
  ['Dr Julia Novak', '7078901', 'Southvale Community Trust', true],
  ['Dr Kwame Asante', '7089012', 'Southvale Community Trust', false],
  ['Dr Laura Finch', '7090123', 'Independent', false],
  ['Dr Marcus Webb', '7101234', 'Northshire Mental Health NHS Trust', true],
  ['Dr Nadia Haddad', '7112345', 'Southvale Community Trust', false],
  ['Dr Owen Pryce', '7123456', 'Riverside Medical Practice', false],
];

/** Demo workforce: practitioners, approvals, training and the s.12 register, made through the real services. */
@Injectable()
export class DemoWorkforce {
  constructor(
    private readonly practitioners: PractitionersService,
    private readonly approvals: ApprovalsService,
    private readonly training: TrainingService,
    private readonly doctors: DoctorsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** `users` maps demo email local parts to user ids; the manager is recorded as the one making the changes. */
  async seed(users: Map<string, string>, manager: Actor): Promise<void> {
    const today = localDate(this.clock.now(), this.config.timeZone);
    for (const [i, d] of PRACTITIONERS.entries()) {
      const userId = users.get(d.email);
      if (!userId) continue;
      const p = await this.practitioners.create({
        userId,
        profession: d.profession,
        registrationBody:
          d.profession === 'social-worker'
            ? 'Social Work England'
            : d.profession.endsWith('nurse')
              ? 'Nursing and Midwifery Council'
              : 'Health and Care Professions Council',
        registrationNumber: `${d.profession === 'social-worker' ? 'SW' : d.profession.endsWith('nurse') ? 'NMC' : 'HCPC'}${100200 + i * 37}`,
        registrationCheckedOn: addDays(today, -30 - i * 5),
        team: d.team,
        fte: d.fte,
        skills: d.skills,
        supervisionIntervalDays: 30,
      });
      const startsOn = addDays(today, -d.approvedDaysAgo);
      const endsOn = d.endsInDays !== undefined ? addDays(today, d.endsInDays) : addDays(addYears(startsOn, 5), -1);
      const approval = await this.approvals.create(manager, p.id, {
        approvingAuthority: 'Northshire County Council',
        startsOn,
        endsOn,
        conditions: 'Acts for Northshire and, by arrangement, Southvale',
        // AMHP-02: each demo AMHP's first approval follows her approved AMHP course by a few weeks.
        approvedCourseCompletedOn: addDays(startsOn, -(30 + i * 11)),
      });
      // Training on the anniversary-relative dates of the previous and current approval years; every year before those
      // met the requirement (a short completed year blocks her until the approving authority decides, AMHP-06).
      const yearsIn = Math.floor(d.approvedDaysAgo / 365);
      const currentYearStart = addYears(startsOn, yearsIn);
      for (let k = 0; k < yearsIn - 1; k++) {
        await this.training.add(manager, p.id, {
          completedOn: addDays(addYears(startsOn, k), 120),
          hours: 18 + ((i + k) % 4),
          provider: 'Regional AMHP forum',
          topic: 'Annual legal update and case law',
        });
      }
      if (yearsIn > 0 && d.training[0] > 0) {
        await this.training.add(manager, p.id, {
          completedOn: addDays(currentYearStart, -200),
          hours: d.training[0],
          provider: 'Regional AMHP forum',
          topic: 'Annual legal update and case law',
        });
      }
      if (d.training[1] > 0) {
        const on = addDays(currentYearStart, Math.min(40, Math.max(0, (d.approvedDaysAgo % 365) - 1)));
        await this.training.add(manager, p.id, {
          completedOn: on <= today ? on : today,
          hours: d.training[1],
          provider: 'Northshire Learning & Development',
          topic: 'Risk assessment and the least restrictive option',
          mentalHealthSpecific: true,
        });
      }
      // The approving authority decided she may go on acting after a year that ended short, the day after it ended.
      if (yearsIn > 0 && d.training[0] < 18) {
        await this.approvals.recordTrainingDecision(manager, approval.id, {
          year: yearsIn,
          decidedOn: currentYearStart,
          reason: `Sickness absence over the spring forum; the ${18 - d.training[0]} h short to be made up within three months, agreed with the AMHP lead.`,
        });
      }
      if (d.suspendedDaysAgo !== undefined) {
        await this.approvals.suspend(manager, approval.id, {
          startsAt: new Date(this.clock.now().getTime() - d.suspendedDaysAgo * 86_400_000).toISOString(),
          reason: 'Interim order by the professional regulator pending investigation',
        });
      }
    }
    for (const [i, [name, gmcNumber, organisation, ac]] of DOCTORS.entries()) {
      // Ofcom's drama ranges (07700 900xxx, 01632 960xxx): numbers that reach nobody.
      const mobile = { label: 'mobile', number: `07700 900${String(200 + i).padStart(3, '0')}` };
      const work = { label: organisation === 'Independent' ? 'secretary' : 'work', number: `01632 960${String(300 + i).padStart(3, '0')}` };
      await this.doctors.create({
        name,
        gmcNumber,
        organisation,
        email: `${name.split(' ').at(-1)!.toLowerCase()}@nhs.example`,
        contactNumbers: i % 3 === 2 ? [work] : [mobile, work],
        approvals: [
          {
            kind: 's12',
            startsOn: addDays(today, -700),
            endsOn: addDays(today, 1100),
            approvingBody: 'NHS England (Midlands and East approvals panel)',
          },
          ...(ac
            ? [
                {
                  kind: 'approved-clinician' as const,
                  startsOn: addDays(today, -900),
                  endsOn: addDays(today, 900),
                  approvingBody: 'NHS England',
                },
              ]
            : []),
        ],
      });
    }
  }
}
