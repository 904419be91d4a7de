import { Injectable } from '@nestjs/common';
import { AssessmentsService } from '../assessments/assessments.service';
import type { Actor } from '../auth/actor';
import { asAt, Clock, type Moment } from '../common/clock';
import { DoctorsService } from '../doctors/doctors.service';
import { RelativesService } from '../people/relatives.service';
import { fullView, ReferralsService } from '../referrals/referrals.service';
import { ActionsService } from '../safeguarding/actions.service';
import { DecisionsService } from '../safeguarding/decisions.service';
import type { CreateDecisionDto } from '../safeguarding/dto/decision.dto';
import { sacCodes } from '../safeguarding/sac-code-lists';
import { EligibilityService } from '../workforce/eligibility.service';
import { DemoAssessments } from './demo-assessments';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What the history holds, in the proportions a hub of this size sees. */
export interface HistoryOptions {
  /** Years of history, ending three days before now. */
  years: number;
  /** The population the hub serves (the rates per 100,000 are DEMO_RATES'). */
  population: number;
  /** The PRNG's seed: the same seed and "now" give the same history. */
  seed: number;
}

/**
 * The demo's history: two years for a catchment of 25,000 people (about 100 assessments), the population the demo
 * loads for the equity report's rates (seed-data/demo-populations-2024.csv), so its rates per 100,000 are England's.
 * Every step goes through the services as the API's would, at about 0.3 s per referral in all, so a 300,000 borough's
 * two years (about 1,200 assessments) would keep a first start waiting many minutes; the rates are the same.
 */
export const DEMO_HISTORY: HistoryOptions = { years: 2, population: 25_000, seed: 20_261_121 };

/**
 * The rates the history is made at, per 100,000 people a year, so that the demo's reports look like England's:
 * detentions under the Act at about 95 (the national figure is 90 to 100), from MHA assessments at about twice that
 * (assessments arranged: some are not completed, and about half of those completed end in an application). Referrals
 * come at 1.25 per assessment to be arranged, and about one in six not from the police is screened out.
 */
export const DEMO_RATES = {
  /** Assessments to be arranged: about 1.06 assessments result from each, once re-referrals and screening are counted. */
  assessmentsPer100k: 190,
  /** The chance that a completed assessment ends in an application (s.2 or s.3), before the Black people's higher rate. */
  detention: { s136: 0.42, other: 0.5 },
  /** The national figures detain Black people at several times the White rate: here, given an assessment, 1.6 times. */
  blackDetentionFactor: 1.6,
} as const;

/** What was made, for the log and the tests. */
export interface HistoryCounts {
  referrals: number;
  screenedOut: number;
  assessments: number;
  applications: number;
  notDetained: number;
  decisions: number;
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A valid NHS number (modulus 11 check digit) from nine digits. */
export function nhsNumber(nine: string): string | null {
  const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return null;
  return `${nine}${check === 11 ? 0 : check}`;
}

type Weighted<T> = Array<[T, number]>;

/** NHS ethnic categories, roughly a diverse English borough's mix, with some not stated (Z) and not known (99). */
const ETHNICITY: Weighted<string> = [
  ['A', 56],
  ['B', 2],
  ['C', 8],
  ['D', 1.5],
  ['E', 1],
  ['F', 1],
  ['G', 1],
  ['H', 5],
  ['J', 4],
  ['K', 1.5],
  ['L', 2],
  ['M', 3.5],
  ['N', 4],
  ['P', 1],
  ['R', 1],
  ['S', 2],
  ['Z', 3],
  ['99', 1.5],
];
const SOURCES: Weighted<'gp' | 'cmht' | 'crisis-home-treatment' | 'ae-liaison' | 'other'> = [
  ['cmht', 30],
  ['crisis-home-treatment', 22],
  ['ae-liaison', 20],
  ['gp', 18],
  ['other', 10],
];
const PLACES: Weighted<'health-based' | 'a-and-e' | 'police-station' | 'other'> = [
  ['health-based', 80],
  ['a-and-e', 13],
  ['police-station', 4],
  ['other', 3],
];
const ALTERNATIVES: Weighted<string[]> = [
  [['crisis-home-treatment'], 30],
  [['informal-admission'], 25],
  [['community-follow-up'], 20],
  [['crisis-home-treatment', 'community-follow-up'], 10],
  [['care-package'], 8],
  [['no-further-action'], 7],
];
const GIVEN = ['Alex', 'Sam', 'Jo', 'Chris', 'Jamie', 'Robin', 'Ali', 'Kim', 'Morgan', 'Taylor', 'Ash', 'Rowan', 'Nia', 'Tariq', 'Ola'];
const FAMILY = ['Smith', 'Jones', 'Khan', 'Okoro', 'Williams', 'Brown', 'Patel', 'Taylor', 'Nowak', 'Evans', 'Ahmed', 'Walker', 'Mensah'];

/** Doctors approved under s.12 for the whole of the history (the register's current doctors were approved later). */
const HISTORY_DOCTORS: Array<[string, string]> = [
  ['Dr Helen Marsh', '4100001'],
  ['Dr Kofi Asante', '4100002'],
  ['Dr Ruth Penhale', '4100003'],
  ['Dr Imran Sheikh', '4100004'],
];

/**
 * Demo history: two years of a hub's work before this week, made through the same services as the API (referrals,
 * screening, allocation, assessments with their timelines, every kind of outcome, and out-of-hours decisions with
 * their SAC codes and DoLS), each step as at the time it happened (`asAt`), so every report has something to show
 * on first start. Deterministic: the same seed and "now" give the same history.
 */
@Injectable()
export class DemoHistory {
  constructor(
    private readonly referrals: ReferralsService,
    private readonly assessments: AssessmentsService,
    private readonly relatives: RelativesService,
    private readonly decisions: DecisionsService,
    private readonly actions: ActionsService,
    private readonly doctors: DoctorsService,
    private readonly eligibility: EligibilityService,
    private readonly demoAssessments: DemoAssessments,
    private readonly clock: Clock,
  ) {}

  async seed(manager: Actor, amhpUserIds: string[], duty: Actor, options: HistoryOptions = DEMO_HISTORY): Promise<HistoryCounts> {
    const now = this.clock.now();
    const random = prng(options.seed);
    const pick = <T>(list: Weighted<T>): T => {
      const total = list.reduce((s, [, w]) => s + w, 0);
      let r = random() * total;
      for (const [v, w] of list) if ((r -= w) < 0) return v;
      return list[list.length - 1][0];
    };
    const minutes = (lo: number, hi: number) => (lo + random() * (hi - lo)) * 60_000;
    const counts: HistoryCounts = { referrals: 0, screenedOut: 0, assessments: 0, applications: 0, notDetained: 0, decisions: 0 };

    const end = now.getTime() - 3 * DAY;
    const start = end - options.years * 365 * DAY;
    const doctorIds: string[] = [];
    for (const [name, gmcNumber] of HISTORY_DOCTORS) {
      const d = await this.doctors.create({
        name,
        gmcNumber,
        organisation: 'Northshire Partnership NHS Trust',
        approvals: [
          {
            kind: 's12',
            startsOn: new Date(start - 400 * DAY).toISOString().slice(0, 10),
            endsOn: new Date(now.getTime() + 900 * DAY).toISOString().slice(0, 10),
            approvingBody: 'NHS England (Midlands and East approvals panel)',
          },
        ],
      });
      doctorIds.push(d.id);
    }

    // Who may act when: an AMHP is allocated only while approved and not suspended (checked weekly, as of that week).
    const eligibleByWeek = new Map<number, string[]>();
    const eligibleAt = async (at: number): Promise<string[]> => {
      const week = Math.floor(at / (7 * DAY));
      let list = eligibleByWeek.get(week);
      if (!list) {
        const from = new Date(week * 7 * DAY);
        const all = await this.eligibility.forUsers(amhpUserIds, from, new Date(from.getTime() + 60_000));
        list = amhpUserIds.filter((_, i) => all[i].eligible);
        eligibleByWeek.set(week, list);
      }
      return list;
    };

    // The referrals: about 1.25 per assessment (some screened out), spread through the period.
    const perYear = (DEMO_RATES.assessmentsPer100k * options.population) / 100_000;
    const total = Math.round(perYear * options.years * 1.25);
    const times = Array.from({ length: total }, () => start + random() * (end - start)).sort((a, b) => a - b);
    // Repeat assessments: some people come back (matched by NHS number).
    const returning: Array<{ nhs: string; person: Record<string, unknown> }> = [];
    const relativeOf = new Map<string, string>();
    const moment: Moment = { at: new Date(start) };
    const step = async <T>(at: number, fn: () => Promise<T>): Promise<T> => {
      moment.at = new Date(at);
      return fn();
    };

    await asAt(moment, async () => {
      for (const [i, receivedAt] of times.entries()) {
        const s136 = random() < 0.14;
        const ethnic = pick(ETHNICITY);
        let person: Record<string, unknown>;
        if (returning.length > 20 && random() < 0.12) {
          person = returning[Math.floor(random() * returning.length)].person;
        } else {
          const age = random() < 0.03 ? 16 + Math.floor(random() * 2) : 18 + Math.floor(random() * 67);
          const born = new Date(receivedAt - age * 365.25 * DAY - random() * 300 * DAY).toISOString().slice(0, 10);
          const nhs = nhsNumber(String(400_000_000 + i * 7 + 1).slice(0, 9));
          person = {
            givenName: GIVEN[Math.floor(random() * GIVEN.length)],
            familyName: FAMILY[Math.floor(random() * FAMILY.length)],
            dateOfBirth: born,
            sex: random() < 0.52 ? 'male' : 'female',
            ethnicCategory: ethnic,
            ...(nhs ? { nhsNumber: nhs } : {}),
          };
          if (nhs && random() < 0.2) returning.push({ nhs, person });
        }
        const under18 = Number(String(person.dateOfBirth).slice(0, 4)) > new Date(receivedAt).getUTCFullYear() - 18;
        const place = s136 ? (under18 ? 'health-based' : pick(PLACES)) : null;
        const arrivedAt = receivedAt - minutes(10, 60);
        const source = s136 ? 'police-s136' : pick(SOURCES);
        const r = await step(receivedAt, async () =>
          fullView(
            await this.referrals.create(manager, {
              person: person as never,
              source,
              referrer: { name: s136 ? 'Duty sergeant' : 'Referrer', organisation: s136 ? 'Northshire Police' : 'Northshire services' },
              reason: s136 ? 'Detained under s.136 in a public place.' : 'Deteriorating mental health; an assessment is requested.',
              risks: { toSelf: random() < 0.7, toOthers: random() < 0.3, fromOthers: random() < 0.1, flags: [] },
              urgency: s136 ? 'emergency' : random() < 0.5 ? 'urgent' : 'routine',
              legalContext: s136
                ? {
                    kind: 's136',
                    placeOfSafetyType: place!,
                    // POL-10 (s.135(7)): another suitable place is one because whoever manages it agreed to receive them.
                    ...(place === 'other' ? { placeOfSafetyConsent: { managerAgreed: 'yes' as const } } : {}),
                    locationType: random() < 0.85 ? 'public-place' : 'other',
                    arrivedAt: new Date(arrivedAt).toISOString(),
                    ...(under18 ? { personUnder18: true } : {}),
                  }
                : { kind: 'informal' },
              receivedAt: new Date(receivedAt).toISOString(),
            }),
          ),
        );
        counts.referrals++;
        let t = receivedAt + minutes(5, 90);
        await step(t, () => this.referrals.move(manager, r.id, { status: 'screening' }, undefined));
        t += minutes(10, 120);
        if (!s136 && random() < 0.18) {
          await step(t, () =>
            this.referrals.move(
              manager,
              r.id,
              { status: 'not-accepted', reason: 'Needs met by the crisis team; no assessment under the Act is needed.' },
              undefined,
            ),
          );
          await step(t + minutes(1, 30), () => this.referrals.move(manager, r.id, { status: 'closed' }, undefined));
          counts.screenedOut++;
          continue;
        }
        await step(t, () => this.referrals.move(manager, r.id, { status: 'accepted' }, undefined));
        const candidates = await eligibleAt(t);
        if (!candidates.length) throw new Error('Demo history: no AMHP is eligible to act on the day of a referral.');
        const lead = candidates[Math.floor(random() * candidates.length)];
        const worker: Actor = { userId: lead, email: 'demo', displayName: 'Demo AMHP', roles: ['amhp'], via: 'local' };
        t += s136 ? minutes(10, 90) : minutes(30, 600);
        await step(t, () => this.referrals.allocate(manager, r.id, { userId: lead }));
        t += minutes(5, 60);
        const a = await step(t, () => this.assessments.create(worker, { referralId: r.id, openedAt: new Date(t).toISOString() }));
        counts.assessments++;
        const event = (type: string, at: number, delayReason?: string) =>
          step(at, () =>
            this.assessments.addEvent(worker, a.id, {
              type: type as never,
              at: new Date(at).toISOString(),
              ...(delayReason ? { delayReason: delayReason } : {}),
            }),
          );
        await event('doctors-requested', t);
        // Not completed: the person could not be found, or was too unwell to be interviewed.
        if (random() < 0.07) {
          t += minutes(60, 600);
          await event('other', t, random() < 0.7 ? 'person-not-found' : 'person-unwell');
          await step(t, () =>
            this.demoAssessments.decide(worker, a.id, {
              kind: 'not-detained',
              decidedAt: new Date(t).toISOString(),
              alternatives: ['unable-to-complete'],
              rationale: 'The assessment could not be completed: the person could not be seen.',
            }),
          );
          await step(t + minutes(5, 60), () => this.assessments.close(worker, a.id, undefined));
          // The referral stays open after an assessment not completed; here the referrer withdraws it, to re-refer if needed.
          await step(t + minutes(60, 120), () =>
            this.referrals.move(
              manager,
              r.id,
              { status: 'withdrawn', reason: 'Not found after repeated attempts; the team will re-refer.' },
              undefined,
            ),
          );
          counts.notDetained++;
          continue;
        }
        const waitForDoctor = random() < 0.3;
        t += waitForDoctor ? minutes(180, 900) : minutes(45, 240);
        await event('doctor-arrived', t, waitForDoctor ? 'waiting-s12-doctor' : undefined);
        t += minutes(5, 40);
        await event('interview-started', t);
        t += minutes(30, 90);
        await event('interview-ended', t);
        // Detained more often from s.136 and, as the national figures show, for Black people.
        const black = ['M', 'N', 'P'].includes(String(person.ethnicCategory));
        const detain =
          random() < (s136 ? DEMO_RATES.detention.s136 : DEMO_RATES.detention.other) * (black ? DEMO_RATES.blackDetentionFactor : 1);
        if (!detain) {
          t += minutes(5, 30);
          await step(t, () =>
            this.demoAssessments.decide(worker, a.id, {
              kind: 'not-detained',
              decidedAt: new Date(t).toISOString(),
              alternatives: pick(ALTERNATIVES),
              rationale: 'Detention is not necessary: a less restrictive alternative meets the need.',
            }),
          );
          await step(t + minutes(5, 120), () => this.assessments.close(worker, a.id, undefined));
          counts.notDetained++;
          continue;
        }
        const section = random() < 0.7 ? 's2' : 's3';
        const seenAt = t - minutes(40, 60);
        await step(t, () =>
          this.assessments.addContact(worker, a.id, { at: new Date(seenAt).toISOString(), mode: 'in-person', byRole: 'amhp' }),
        );
        await step(t, () =>
          this.assessments.update(
            worker,
            a.id,
            {
              interview: {
                suitableMannerNotes: 'Interviewed in private, with time to answer and breaks offered.',
                alternativesConsidered: ['Crisis and home treatment: refused', 'Informal admission: refused'],
                capacity: 'Lacks capacity to decide on admission.',
                patientViews: 'Does not want to go to hospital.',
              },
            },
            undefined,
          ),
        );
        // A person assessed again keeps the nearest relative recorded the first time.
        const knownRelative = relativeOf.get(r.person.id);
        const mother = knownRelative
          ? { id: knownRelative }
          : await step(t, () =>
              this.relatives.create(
                manager,
                r.person.id,
                {
                  name: 'Pat (parent)',
                  relationship: 'parent',
                  wholeBlood: true,
                  dateOfBirth: '1950-01-01',
                  contact: { phone: '+44 7700 900999' },
                },
                { allowed: true, basis: 'role:manager' },
              ),
            );
        relativeOf.set(r.person.id, mother.id);
        const [d1, d2] = [doctorIds[Math.floor(random() * 2)], doctorIds[2 + Math.floor(random() * 2)]];
        for (const [doctorId, known] of [
          [d1, false],
          [d2, true],
        ] as const) {
          t += minutes(2, 10);
          await step(t, () =>
            this.assessments.addRecommendation(worker, a.id, {
              doctorId,
              previousAcquaintance: known,
              ...(known
                ? {}
                : { noAcquaintanceReason: 'No doctor with previous acquaintance was available; the second doctor knows the patient.' }),
              examinedAt: new Date(t - minutes(20, 40)).toISOString(),
              examMode: 'in-person',
              signedAt: new Date(t).toISOString(),
              section,
              ...(section === 's3'
                ? {
                    informalInappropriateReason: 'Has refused informal admission and treatment in the community has failed.',
                    treatmentAvailableAt: 'Northshire General Hospital',
                  }
                : {}),
            }),
          );
        }
        t += minutes(5, 20);
        await step(t, () =>
          this.assessments.setNearestRelative(
            worker,
            a.id,
            {
              relativeId: mother.id,
              ...(section === 's2' ? { informedAt: new Date(t).toISOString(), informedMethod: 'phone' } : {}),
              ...(section === 's3' ? { consultedAt: new Date(t).toISOString(), consultedMethod: 'phone' } : {}),
              views: 'Does not object; told of the power to discharge.',
            },
            undefined,
          ),
        );
        await step(t, () => this.demoAssessments.conflictsDeclared(worker, a.id));
        t += minutes(5, 20);
        const signedAt = t;
        await step(t, () =>
          this.demoAssessments.decide(worker, a.id, {
            kind: 'application',
            section,
            signedAt: new Date(signedAt).toISOString(),
            hospitalSite: 'Northshire General Hospital',
            practicalMatters: { dependants: 'None', pets: 'None', property: 'Home locked; keys with the family' },
            rationale: 'No less restrictive alternative is available; admission to hospital is necessary.',
          }),
        );
        const noBed = random() < 0.35;
        await event('bed-requested', (t += minutes(2, 10)));
        await event('bed-identified', (t += noBed ? minutes(240, 1440) : minutes(20, 120)), noBed ? 'no-bed' : undefined);
        await event('conveyance-requested', (t += minutes(2, 10)));
        const noAmbulance = random() < 0.25;
        await event(
          'conveyance-arrived',
          (t += noAmbulance ? minutes(120, 480) : minutes(30, 120)),
          noAmbulance ? 'ambulance-unavailable' : undefined,
        );
        await event('admitted', (t += minutes(20, 90)));
        await step(t + minutes(5, 60), () => this.assessments.close(worker, a.id, undefined));
        counts.applications++;
      }

      // Out-of-hours decisions: about four a week for 300,000 people, at night, signed by the duty AMHP. The day team
      // reviews each the next morning, as a hub's would, and its manager marks the follow-up action done then (10 to 15
      // hours after the decision, a few after the 12 it was due in): the history leaves nothing open, so this
      // morning's handover shows this week's work, not two years of actions nobody closed. The review times come
      // from a stream of their own, so the rest of the history is the same as it was without them.
      const reviewRandom = prng(options.seed + 1);
      const nights = Math.floor((end - start) / DAY);
      const perNight = (0.55 * options.population) / 300_000;
      for (let n = 0; n < nights; n++) {
        if (random() >= perNight) continue;
        const at = start + n * DAY + 22 * HOUR + minutes(0, 540);
        const signed = await step(at, async () => {
          const d = await this.decisions.create(duty, this.decision(at, pick, random));
          return this.decisions.sign(duty, d.id, undefined);
        });
        const reviewedAt = at + (10 + reviewRandom() * 5) * HOUR;
        for (const a of signed.actions)
          await step(reviewedAt, () => this.actions.done(manager, String(a.id), 'Reviewed by the day team.', undefined));
        counts.decisions++;
      }
    });
    return counts;
  }

  private decision(at: number, pick: <T>(l: Weighted<T>) => T, random: () => number): CreateDecisionDto {
    const iso = (ms: number) => new Date(ms).toISOString();
    const type = pick<'adult-safeguarding' | 'best-interests' | 'dols-urgent-authorisation' | 'emergency-placement'>([
      ['adult-safeguarding', 45],
      ['best-interests', 25],
      ['dols-urgent-authorisation', 15],
      ['emergency-placement', 15],
    ]);
    const anyOf = (codes: string[]) => codes[Math.floor(random() * codes.length)];
    const common = {
      question: 'What keeps the person safe tonight, and under which power?',
      facts: 'Reported out of hours by the police; the person is at risk tonight.',
      factSources: ['Police call'],
      consultees: [{ name: 'Attending officer', role: 'Police', at: iso(at - 20 * 60_000), view: 'Concerned for their safety.' }],
      personViews: 'Wants to stay safe and be at home soon.',
      options: [
        {
          option: 'Stay at home with a welfare check',
          leastRestrictive: true,
          chosen: false,
          whyRejected: 'Cannot be kept safe at home tonight.',
        },
        { option: 'A safe place tonight', leastRestrictive: false, chosen: true },
      ],
      riskAnalysis: 'High risk tonight at home; low risk in the place chosen.',
      decision: 'A safe place tonight; the day team to review.',
      rationale: 'The least restrictive option that manages tonight’s risk.',
      actions: [{ description: 'Review in the morning', ownerTeam: 'Adult social care day team', dueAt: iso(at + 12 * HOUR) }],
      handoverNote: 'Day team to review this morning.',
      decisionMakerAuthority: 'AMHP on the EDT rota, Northshire CC delegated authority',
    };
    const personDetails = { name: 'Person known to the duty team', approximateAge: 40 + Math.floor(random() * 50) };
    if (type === 'adult-safeguarding')
      return {
        type,
        occurredAt: iso(at),
        personDetails,
        content: {
          ...common,
          legalFrameworks: ['care-act-s42'],
          powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
          sac: {
            typeOfRisk: [anyOf(sacCodes('typeOfRisk'))],
            locationOfRisk: anyOf(sacCodes('locationOfRisk')),
            sourceOfRisk: anyOf(sacCodes('sourceOfRisk')),
            lackedCapacity: random() < 0.5 ? 'no' : 'dont-know',
            mspAsked: random() < 0.7 ? 'asked-outcomes-expressed' : 'not-asked',
          },
        },
        details: {
          s42: { careAndSupportNeeds: true, abuseOrNeglect: true, unableToProtectSelf: true, evidence: 'Injuries seen by the police.' },
          immediateProtection: 'A safe place tonight',
          policeReferral: random() < 0.5,
        },
      };
    if (type === 'best-interests')
      return {
        type,
        occurredAt: iso(at),
        personDetails,
        content: {
          ...common,
          legalFrameworks: ['mca-best-interests'],
          powerOrDuty: 'Mental Capacity Act 2005 ss.4-5',
          capacity: 'Lacks capacity to decide where to stay tonight.',
        },
        details: {
          capacity: {
            decision: 'Where to stay tonight',
            assessedAt: iso(at - 10 * 60_000),
            impairment: true,
            unableTo: ['retain', 'use-or-weigh'],
            causalLink: true,
            practicableStepsTaken: 'Quiet room, simple words, repeated.',
          },
          bestInterests: {
            canItWait: 'No: it is night.',
            wishesAndFeelings: 'Wants to go home.',
            beliefsAndValues: 'None known.',
            attorneyOrDeputyChecked: true,
            imcaRequired: false,
            leastRestrictive: 'A safe bed for tonight only.',
          },
        },
      };
    if (type === 'dols-urgent-authorisation')
      return {
        type,
        occurredAt: iso(at),
        personDetails,
        content: { ...common, legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 paras 74-78' },
        details: { managingAuthority: 'Oakfield Care Home', grantedAt: iso(at - HOUR), days: 7, standardRequestedAt: iso(at - HOUR) },
      };
    const costPence = 60_000 + Math.floor(random() * 30_000);
    return {
      type,
      occurredAt: iso(at),
      personDetails,
      costPence,
      content: { ...common, legalFrameworks: ['care-act-other'], powerOrDuty: 'Care Act 2014 s.19(3): meeting urgent needs' },
      details: {
        placement: 'Oak House, emergency bed',
        startsAt: iso(at + HOUR),
        costPence,
        fundingAuthority: 'Northshire County Council',
      },
    };
  }
}
