/**
 * What an out-of-hours decision record must contain (OOH-01..OOH-10: Care Act 2014 s.42, MCA 2005 ss.2-4 and Sch A1,
 * and the local recording standard; OOH-DA, the scheme of delegation): the shapes of a decision's `content`
 * (OOH-08, the same for every type) and `details` (per type) jsonb columns, what is still missing before it may be
 * signed, what is structurally wrong even in a draft, and the legal-framework prompts of OOH-07. Pure: no Nest,
 * no ORM, no I/O, no clock.
 *
 * Field paths follow the request body: `content.question`, `content.consultees[0].view`, `details.s42.evidence`,
 * `costPence`, `escalation`. An either/or requirement (a consultee reached or not, an action's owner) names the
 * entry (`content.consultees[0]`, `content.actions[1]`). Times are ISO 8601 date-times with an offset or Z.
 *
 * Local, not law (✱): the delegated-authority limit (OOH-DA) comes in as `limitPence`; the DoLS counting and the
 * minimum length of exceptional reasons are in statute/dols.ts. Not legal advice.
 */
import { DateTime } from 'luxon';
import { formatLocal, type Finding } from '../statute/clocks';
import { citationOf, type RuleId } from '../statute/rule-catalogue';
import {
  dolsAuthorisedUntil as authorisedUntil,
  EXTENSION_MAX_DAYS,
  UA_MAX_DAYS,
  validateExtension,
  type DolsDayCounting,
  type UrgentAuthorisationFacts,
} from '../statute/dols';
// Type-only: the entity module loads TypeORM; these rules stay pure. The lists below are checked against it.
import type { DECISION_TYPES, DecisionType, LEGAL_FRAMEWORKS } from './safeguarding.entities';
import {
  SAC_ACTIONS_WITH_RISK_OUTCOME,
  sacCodes,
  type SacAction,
  type SacCapacitySupport,
  type SacLackedCapacity,
  type SacLocationOfRisk,
  type SacMspAsked,
  type SacMspOutcomesAchieved,
  type SacRiskOutcome,
  type SacSourceOfRisk,
  type SacTypeOfRisk,
} from './sac-code-lists';
import { isFilledText } from '../statute/visible-text';

export type { DecisionType };
export type LegalFramework = (typeof LEGAL_FRAMEWORKS)[number];

const FRAMEWORKS = [
  'care-act-s42',
  'care-act-other',
  'mca-s5',
  'mca-best-interests',
  'dols',
  'mha',
  'children-act',
  'common-law',
  'other',
] as const;
const TYPES = [
  'adult-safeguarding',
  'best-interests',
  'dols-urgent-authorisation',
  'dols-extension',
  'emergency-placement',
  'carer-breakdown',
  'child-protection-referral',
  'other',
] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time: these copies are exactly the entity's lists (a new framework or type must be added to both).
const frameworksMatch: Same<(typeof FRAMEWORKS)[number], LegalFramework> = true;
const typesMatch: Same<(typeof TYPES)[number], (typeof DECISION_TYPES)[number]> = true;
void frameworksMatch;
void typesMatch;

export function isLegalFramework(value: unknown): value is LegalFramework {
  return typeof value === 'string' && (FRAMEWORKS as readonly string[]).includes(value);
}

export function isDecisionType(value: unknown): value is DecisionType {
  return typeof value === 'string' && (TYPES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes: `content` (OOH-08; everything optional while a draft)

export interface Consultee {
  name: string;
  role: string;
  /** When they were consulted (ISO date-time), with `view`; or else `notReachedReason`. */
  at?: string;
  view?: string;
  notReachedReason?: string;
}

export interface DecisionOption {
  option: string;
  leastRestrictive: boolean;
  chosen: boolean;
  /** Required for every option not chosen; never for a chosen one. */
  whyRejected?: string;
}

export interface DecisionAction {
  description: string;
  /** A named owner (a user id), or a team; at least one. */
  ownerUserId?: string;
  ownerTeam?: string;
  dueAt?: string;
}

/** OOH-08's minimum content, numbered as there. (13), the timestamps, are the record's own columns. */
export interface DecisionContent {
  /** (1) The question or decision to be made. */
  question?: string;
  /** (2) The legal framework(s) relied on, and the specific power or duty. */
  legalFrameworks?: LegalFramework[];
  powerOrDuty?: string;
  /** (3) The facts known, and their sources. */
  facts?: string;
  factSources?: string[];
  /** (4) Who was consulted (reached: `at` + `view`) and who could not be reached and why (`notReachedReason`). */
  consultees?: Consultee[];
  /** (5) The person's own views and wishes. */
  personViews?: string;
  /** (6) Capacity considerations; required for a best-interests decision. */
  capacity?: string;
  /** (7) Options considered: at least one least restrictive; every option not chosen says why. */
  options?: DecisionOption[];
  /** (8) Risk analysis. */
  riskAnalysis?: string;
  /** (9) The decision and its rationale. */
  decision?: string;
  rationale?: string;
  /** (10) Actions, each with an owner (user or team) and optionally a deadline. */
  actions?: DecisionAction[];
  /** (11) Handover to day services. */
  handoverNote?: string;
  /** (12) The decision-maker's authority, e.g. "AMHP, approved by Northshire CC until 2030". */
  decisionMakerAuthority?: string;
  /** OOH-09: an adult-safeguarding (s.42) decision's Safeguarding Adults Collection fields, as codes. */
  sac?: SacFields;
}

/**
 * OOH-09: what the Safeguarding Adults Collection needs of a s.42 decision, as codes of sac-code-lists.ts. Required
 * at signing: typeOfRisk (one or more), locationOfRisk, sourceOfRisk, lackedCapacity (and capacitySupport when the
 * person lacked capacity), mspAsked. When the decision concludes the enquiry (`enquiryConcluded`): action, and
 * riskOutcome after action on a risk identified or inconclusive, and mspOutcomesAchieved when outcomes were expressed.
 */
export interface SacFields {
  typeOfRisk?: SacTypeOfRisk[];
  locationOfRisk?: SacLocationOfRisk;
  sourceOfRisk?: SacSourceOfRisk;
  lackedCapacity?: SacLackedCapacity;
  capacitySupport?: SacCapacitySupport;
  mspAsked?: SacMspAsked;
  /** This decision concludes the s.42 enquiry (absent: the enquiry continues, as it usually does out of hours). */
  enquiryConcluded?: boolean;
  action?: SacAction;
  riskOutcome?: SacRiskOutcome;
  mspOutcomesAchieved?: SacMspOutcomesAchieved;
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes: `details`, per type

/** OOH-01: Care Act s.42(1), with the evidence for it. */
export interface S42Test {
  careAndSupportNeeds: boolean;
  abuseOrNeglect: boolean;
  unableToProtectSelf: boolean;
  evidence: string;
}

export interface AdultSafeguardingDetails {
  s42: S42Test;
  immediateProtection?: string;
  policeReferral?: boolean;
  advocacyNeeded?: boolean;
  enquiryDelegatedTo?: string;
}

export const CAPACITY_ABILITIES = ['understand', 'retain', 'use-or-weigh', 'communicate'] as const;
export type CapacityAbility = (typeof CAPACITY_ABILITIES)[number];

/** OOH-02: MCA ss.2-3, decision- and time-specific. */
export interface CapacityAssessment {
  decision: string;
  assessedAt: string;
  impairment: boolean;
  unableTo: CapacityAbility[];
  causalLink: boolean;
  practicableStepsTaken: string;
}

/** OOH-03: the MCA s.4 checklist. */
export interface BestInterestsChecklist {
  canItWait: string;
  wishesAndFeelings: string;
  beliefsAndValues: string;
  attorneyOrDeputyChecked: boolean;
  imcaRequired: boolean;
  leastRestrictive: string;
}

export interface BestInterestsDetails {
  capacity: CapacityAssessment;
  bestInterests: BestInterestsChecklist;
}

/**
 * The six qualifying requirements a standard authorisation needs (MCA 2005 Sch A1 para 12(1)), in the Schedule's
 * order; each assessed as met or not met.
 */
export const DOLS_REQUIREMENTS = ['age', 'mentalHealth', 'mentalCapacity', 'bestInterests', 'eligibility', 'noRefusals'] as const;
export type DolsRequirement = (typeof DOLS_REQUIREMENTS)[number];
export const DOLS_REQUIREMENT_LABELS: Record<DolsRequirement, string> = {
  age: 'Age requirement',
  mentalHealth: 'Mental health requirement',
  mentalCapacity: 'Mental capacity requirement',
  bestInterests: 'Best interests requirement',
  eligibility: 'Eligibility requirement',
  noRefusals: 'No refusals requirement',
};
export const DOLS_ASSESSMENT_OUTCOMES = ['met', 'not-met'] as const;

/** Where the standard authorisation request stands, as the DoLS return's case row reports it. */
export const DOLS_APPLICATION_STATUSES = {
  'not-yet-signed-off': 'Not yet signed off by the supervisory body',
  granted: 'Signed off: granted',
  'not-granted': 'Signed off: not granted',
  withdrawn: 'Withdrawn',
} as const;
export type DolsApplicationStatus = keyof typeof DOLS_APPLICATION_STATUSES;

/**
 * OOH-10: the standard authorisation request an urgent authorisation came with, as far as it is known: the six
 * assessments (para 12), the date of the last, the supervisory body's sign-off, the status, and the authorisation's
 * first and last days. Optional out of hours (the assessments follow later); once given, what its status implies is
 * required. Dates are local calendar dates (YYYY-MM-DD).
 */
export interface StandardAuthorisation {
  assessments?: Partial<Record<DolsRequirement, (typeof DOLS_ASSESSMENT_OUTCOMES)[number]>>;
  lastAssessedOn?: string;
  signedOffOn?: string;
  status?: DolsApplicationStatus;
  startsOn?: string;
  endsOn?: string;
}

/** OOH-04: an urgent authorisation a managing authority gave, as received. */
export interface DolsUrgentAuthorisationDetails {
  managingAuthority: string;
  grantedAt: string;
  days: number;
  standardRequestedAt: string | null;
  standardAuthorisation?: StandardAuthorisation;
}

/** OOH-05: the supervisory body's decision on extending it. */
export interface DolsExtensionDetails extends DolsUrgentAuthorisationDetails {
  extension: {
    requestedAt: string;
    decidedAt: string;
    days: number;
    /** Required when extended. */
    exceptionalReasons: string;
    /** Required when extended. */
    essentialToContinue: boolean;
    decision: 'extended' | 'refused';
  };
  /** Extensions of this urgent authorisation granted before this one (default 0; a second is refused). */
  previousExtensions?: number;
}

export interface EmergencyPlacementDetails {
  placement: string;
  startsAt: string;
  /** Also stored in the decision's `costPence` column; the two must agree. */
  costPence: number;
  fundingAuthority: string;
}

export interface CarerBreakdownDetails {
  carer: string;
  arrangement: string;
}

export interface ChildProtectionReferralDetails {
  childrenServicesContacted: string;
  contactedAt: string;
  reference?: string;
}

export interface DecisionDetailsByType {
  'adult-safeguarding': AdultSafeguardingDetails;
  'best-interests': BestInterestsDetails;
  'dols-urgent-authorisation': DolsUrgentAuthorisationDetails;
  'dols-extension': DolsExtensionDetails;
  'emergency-placement': EmergencyPlacementDetails;
  'carer-breakdown': CarerBreakdownDetails;
  'child-protection-referral': ChildProtectionReferralDetails;
  /** Free-form: an 'other' decision has no type-specific fields. */
  other: Record<string, unknown>;
}

/** Above the delegated-authority limit: the senior manager the commitment was escalated to. */
export interface Escalation {
  to: string;
  role: string;
  at: string;
  outcome: 'approved' | 'declined';
  note?: string;
}

export interface SigningOptions {
  /** The decision's `costPence` column. */
  costPence: number | null;
  /** ✱ Local: the delegated-authority limit, in pence; a cost above it (not at it) needs an approved escalation. */
  limitPence: number;
  escalation: Escalation | null;
  /** For the local times in DoLS messages, and the local days DoLS periods are counted in. */
  zone: string;
  /** ✱ How the days of a DoLS urgent authorisation are counted (DOLS_DAY_COUNTING; default N x 24 hours from the grant). */
  dolsDayCounting?: DolsDayCounting;
  /**
   * OOH-09: whether a s.42 decision needs its Safeguarding Adults Collection fields (default true). False only to
   * correct a record signed before they were asked for and still without them.
   */
  sacRequired?: boolean;
}

export interface MissingItem {
  field: string;
  rule: RuleId;
  message: string;
}

export interface DraftError {
  field: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The two tests of substance

/** OOH-01 (Care Act s.42(1)): the duty to make enquiries arises when all three parts are met. */
export function s42DutyArises(test: Pick<S42Test, 'careAndSupportNeeds' | 'abuseOrNeglect' | 'unableToProtectSelf'>): boolean {
  return test.careAndSupportNeeds === true && test.abuseOrNeglect === true && test.unableToProtectSelf === true;
}

/**
 * OOH-02 (MCA ss.2-3): the two-stage test. A person lacks capacity for the decision only if there is an impairment
 * of, or disturbance in the functioning of, the mind or brain (stage 1), they are unable to understand, retain,
 * use or weigh the information, or communicate the decision (stage 2), and the inability is because of the
 * impairment (the causal link). Otherwise capacity is presumed (s.1(2)).
 */
export function lacksCapacity(assessment: Pick<CapacityAssessment, 'impairment' | 'unableTo' | 'causalLink'>): boolean {
  return (
    assessment.impairment === true && Array.isArray(assessment.unableTo) && assessment.unableTo.length > 0 && assessment.causalLink === true
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Value helpers

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const filled = (v: unknown): v is string => typeof v === 'string' && isFilledText(v);
const absent = (v: unknown) => v === undefined || v === null;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A local calendar date, YYYY-MM-DD, that exists. */
export function isLocalDate(value: unknown): value is string {
  return typeof value === 'string' && LOCAL_DATE.test(value) && DateTime.fromISO(value).isValid;
}

/** An ISO 8601 date-time with an offset or Z (so it names one instant), e.g. 2026-11-21T02:00:00Z. */
export function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT.test(value) && DateTime.fromISO(value, { setZone: true }).isValid;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "£1,500.00" from 150000 pence. */
export function formatPounds(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(Math.round(pence));
  const pounds = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}£${pounds}.${String(abs % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Details shapes as data: one description drives both the draft check and the signing check

type Kind =
  | { t: 'text' }
  | { t: 'boolean' }
  | { t: 'instant'; nullable?: boolean }
  | { t: 'date' }
  | { t: 'int'; min: number; max?: number }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'list'; values: readonly string[]; min?: number }
  | { t: 'object'; shape: Shape };

interface FieldSpec {
  kind: Kind;
  /** A noun phrase: "Record <label>." when missing; "<Label> must be …" when wrong. */
  label: string;
  /** The rule requiring it (else the enclosing object's). */
  rule?: RuleId;
  optional?: boolean;
  /** Not required for signing when this holds of the enclosing object. */
  optionalWhen?: (parent: Obj) => boolean;
  /** A further structural check, refused even in a draft: the message, or null. */
  refine?: (value: unknown, parent: Obj) => string | null;
}

type Shape = Record<string, FieldSpec>;

const text = (label: string, more: Partial<FieldSpec> = {}): FieldSpec => ({ kind: { t: 'text' }, label, ...more });
const bool = (label: string, more: Partial<FieldSpec> = {}): FieldSpec => ({ kind: { t: 'boolean' }, label, ...more });
const instant = (label: string, more: Partial<FieldSpec> = {}): FieldSpec => ({ kind: { t: 'instant' }, label, ...more });

const S42_SHAPE: Shape = {
  careAndSupportNeeds: bool('whether the adult has needs for care and support (Care Act s.42(1)(a))'),
  abuseOrNeglect: bool('whether the adult is experiencing, or at risk of, abuse or neglect (Care Act s.42(1)(b))'),
  unableToProtectSelf: bool('whether, because of those needs, the adult is unable to protect themselves (Care Act s.42(1)(c))'),
  evidence: text('the evidence for the s.42 test'),
};

const signedOff = (sa: Obj) => sa.status === 'granted' || sa.status === 'not-granted';
const assessmentsOf = (sa: Obj): unknown[] => (isObj(sa.assessments) ? DOLS_REQUIREMENTS.map((r) => (sa.assessments as Obj)[r]) : []);

/** OOH-10: the standard authorisation request, as the DoLS return's case row needs it (see StandardAuthorisation). */
const STANDARD_AUTHORISATION_SHAPE: Shape = {
  assessments: {
    kind: {
      t: 'object',
      shape: Object.fromEntries(
        DOLS_REQUIREMENTS.map((r) => [
          r,
          {
            kind: { t: 'enum', values: DOLS_ASSESSMENT_OUTCOMES },
            label: `whether the ${DOLS_REQUIREMENT_LABELS[r].toLowerCase()} is met`,
          },
        ]),
      ),
    },
    label: 'the six assessments (MCA Sch A1 para 12)',
    optionalWhen: (sa) => !signedOff(sa),
    refine: (_v, sa) => {
      const outcomes = assessmentsOf(sa);
      if (sa.status === 'granted' && outcomes.includes('not-met'))
        return 'A standard authorisation is granted only when all six requirements are met (MCA Sch A1 para 50); one is recorded as not met.';
      if (sa.status === 'not-granted' && outcomes.length === 6 && outcomes.every((o) => o === 'met'))
        return 'All six requirements are recorded as met, so the authorisation must be granted (MCA Sch A1 para 50): record the one not met, or the status.';
      return null;
    },
  },
  lastAssessedOn: { kind: { t: 'date' }, label: 'the date of the last assessment', optionalWhen: (sa) => !signedOff(sa) },
  signedOffOn: {
    kind: { t: 'date' },
    label: 'the date the supervisory body signed the decision off',
    optionalWhen: (sa) => !signedOff(sa),
    refine: (v, sa) =>
      isLocalDate(v) && isLocalDate(sa.lastAssessedOn) && v < sa.lastAssessedOn
        ? 'The sign-off cannot be before the last assessment.'
        : null,
  },
  status: {
    kind: { t: 'enum', values: Object.keys(DOLS_APPLICATION_STATUSES) },
    label: 'the status of the standard authorisation request',
  },
  startsOn: {
    kind: { t: 'date' },
    label: 'the first day of the standard authorisation',
    optionalWhen: (sa) => sa.status !== 'granted',
    refine: (_v, sa) => (sa.status === 'granted' ? null : 'An authorisation period is recorded only for a granted authorisation.'),
  },
  endsOn: {
    kind: { t: 'date' },
    label: 'the last day of the standard authorisation',
    optionalWhen: (sa) => sa.status !== 'granted',
    refine: (v, sa) => {
      if (sa.status !== 'granted') return 'An authorisation period is recorded only for a granted authorisation.';
      if (!isLocalDate(v) || !isLocalDate(sa.startsOn)) return null;
      if (v < sa.startsOn) return 'The authorisation cannot end before it starts.';
      const longest = DateTime.fromISO(sa.startsOn).plus({ years: 1 }).minus({ days: 1 }).toISODate()!;
      return v > longest
        ? `A standard authorisation lasts at most one year (MCA Sch A1 para 42(2)): from ${sa.startsOn} to ${longest} at the latest.`
        : null;
    },
  },
};

const UA_SHAPE: Shape = {
  managingAuthority: text('the managing authority (care home or hospital) that gave the urgent authorisation'),
  grantedAt: instant('when the urgent authorisation was given'),
  days: { kind: { t: 'int', min: 1, max: UA_MAX_DAYS }, label: 'the number of days the urgent authorisation lasts' },
  standardRequestedAt: {
    kind: { t: 'instant', nullable: true },
    label: 'when the standard authorisation was requested (null if it was not)',
  },
  standardAuthorisation: {
    kind: { t: 'object', shape: STANDARD_AUTHORISATION_SHAPE },
    label: 'the standard authorisation request as it stands',
    // Optional out of hours; once given, complete for its status.
    optionalWhen: (d) => absent(d.standardAuthorisation),
    rule: 'OOH-10',
  },
};

/** A refusal needs no para 84 grounds. */
const refused = (parent: Obj) => parent.decision === 'refused';

const DETAILS_SHAPES: Record<Exclude<DecisionType, 'other'>, Shape> = {
  'adult-safeguarding': {
    s42: {
      kind: { t: 'object', shape: S42_SHAPE },
      label: 'the s.42 three-part test (needs for care and support, abuse or neglect, unable to protect themselves) and its evidence',
      rule: 'OOH-01',
    },
    immediateProtection: text('the immediate protective actions', { optional: true, rule: 'OOH-01' }),
    policeReferral: bool('whether the police were told', { optional: true, rule: 'OOH-01' }),
    advocacyNeeded: bool('whether an advocate is needed (Care Act s.68)', { optional: true, rule: 'OOH-01' }),
    enquiryDelegatedTo: text('who the enquiry is delegated to', { optional: true, rule: 'OOH-01' }),
  },
  'best-interests': {
    capacity: {
      kind: {
        t: 'object',
        shape: {
          decision: text('the decision the capacity assessment is about'),
          assessedAt: instant('when capacity was assessed'),
          impairment: bool('whether there is an impairment of, or disturbance in the functioning of, the mind or brain (MCA s.2(1))'),
          unableTo: {
            kind: { t: 'list', values: CAPACITY_ABILITIES },
            label:
              'what the person is unable to do: understand, retain, use or weigh the information, or communicate the decision (MCA s.3(1))',
          },
          causalLink: bool('whether the inability to decide is because of the impairment (MCA s.2(1))'),
          practicableStepsTaken: text('the practicable steps taken to help the person decide (MCA s.1(3))'),
        },
      },
      label: 'the capacity assessment (MCA ss.2-3)',
      rule: 'OOH-02',
    },
    bestInterests: {
      kind: {
        t: 'object',
        shape: {
          canItWait: text('whether the decision can wait until the person may have capacity (MCA s.4(3))'),
          wishesAndFeelings: text("the person's past and present wishes and feelings (MCA s.4(6)(a))"),
          beliefsAndValues: text("the person's beliefs and values (MCA s.4(6)(b))"),
          attorneyOrDeputyChecked: bool('whether a lasting power of attorney or a deputy was checked for (MCA s.4(7))'),
          imcaRequired: bool('whether an IMCA is required (MCA ss.37-39)'),
          leastRestrictive: text('the less restrictive option considered (MCA s.1(6))'),
        },
      },
      label: 'the best-interests checklist (MCA s.4)',
      rule: 'OOH-03',
    },
  },
  'dols-urgent-authorisation': Object.fromEntries(Object.entries(UA_SHAPE).map(([k, s]) => [k, { rule: 'OOH-04', ...s }])),
  'dols-extension': {
    ...Object.fromEntries(Object.entries(UA_SHAPE).map(([k, s]) => [k, { rule: 'OOH-04', ...s }])),
    extension: {
      kind: {
        t: 'object',
        shape: {
          requestedAt: instant('when the managing authority asked for the extension'),
          decidedAt: instant('when the extension was decided'),
          days: {
            kind: { t: 'int', min: 1 },
            label: 'the number of days of the extension',
            refine: (v, parent) =>
              typeof v === 'number' && v > EXTENSION_MAX_DAYS && parent.decision !== 'refused'
                ? `An extension is at most ${EXTENSION_MAX_DAYS} days, not ${v}.`
                : null,
          },
          exceptionalReasons: text(
            'the exceptional reasons why the standard authorisation request has not yet been decided (MCA Sch A1 para 84)',
            { optionalWhen: refused },
          ),
          essentialToContinue: bool('whether it is essential for the detention to continue until then (MCA Sch A1 para 84)', {
            optionalWhen: refused,
          }),
          decision: {
            kind: { t: 'enum', values: ['extended', 'refused'] },
            label: "the supervisory body's decision (extended or refused)",
          },
        },
      },
      label: "the managing authority's request to extend and the supervisory body's decision",
      rule: 'OOH-05',
    },
    previousExtensions: {
      kind: { t: 'int', min: 0 },
      label: 'the number of earlier extensions of this urgent authorisation',
      optional: true,
      rule: 'OOH-05',
    },
  },
  'emergency-placement': {
    placement: text('the placement or accommodation'),
    startsAt: instant('when the placement starts'),
    costPence: { kind: { t: 'int', min: 0 }, label: 'the cost committed, in pence' },
    fundingAuthority: text('the authority funding the placement'),
  },
  'carer-breakdown': {
    carer: text('the carer whose care has broken down'),
    arrangement: text('the arrangement made instead'),
  },
  'child-protection-referral': {
    childrenServicesContacted: text("who at children's services was contacted"),
    contactedAt: instant("when children's services were contacted"),
    reference: text("children's services' reference", { optional: true }),
  },
};

// OOH-09: the Safeguarding Adults Collection fields of a s.42 decision (`content.sac`).

const concluded = (sac: Obj) => sac.enquiryConcluded === true;
const ACTIONS_WITH_RISK_OUTCOME: readonly unknown[] = SAC_ACTIONS_WITH_RISK_OUTCOME;
const onlyWhenConcluded = (what: string) => (_v: unknown, sac: Obj) =>
  concluded(sac)
    ? null
    : `${capital(what)} is recorded when the decision concludes the enquiry: set enquiryConcluded to true, or leave it out.`;

const SAC_SHAPE: Shape = {
  typeOfRisk: {
    kind: { t: 'list', values: sacCodes('typeOfRisk'), min: 1 },
    label: 'the type of risk (one or more)',
    refine: (v) => (Array.isArray(v) && new Set(v).size !== v.length ? 'Each type of risk may be given once.' : null),
  },
  locationOfRisk: { kind: { t: 'enum', values: sacCodes('locationOfRisk') }, label: 'the location of the risk' },
  sourceOfRisk: { kind: { t: 'enum', values: sacCodes('sourceOfRisk') }, label: 'the source of the risk' },
  lackedCapacity: {
    kind: { t: 'enum', values: sacCodes('lackedCapacity') },
    label: 'whether the person lacked capacity to make decisions about their safeguarding',
  },
  capacitySupport: {
    kind: { t: 'enum', values: sacCodes('capacitySupport') },
    label: 'whether the person, lacking capacity, was supported by an advocate, family or friend',
    optionalWhen: (sac) => sac.lackedCapacity !== 'yes',
    refine: (_v, sac) =>
      sac.lackedCapacity === 'yes' ? null : 'Support by an advocate, family or friend is recorded only for a person who lacked capacity.',
  },
  mspAsked: {
    kind: { t: 'enum', values: sacCodes('mspAsked') },
    label: 'whether the person was asked about the outcomes they want (Making Safeguarding Personal)',
  },
  enquiryConcluded: bool('whether this decision concludes the s.42 enquiry', { optional: true }),
  action: {
    kind: { t: 'enum', values: sacCodes('action') },
    label: 'the action taken and its result on concluding the enquiry',
    optionalWhen: (sac) => !concluded(sac),
    refine: onlyWhenConcluded('the action taken and its result'),
  },
  riskOutcome: {
    kind: { t: 'enum', values: sacCodes('riskOutcome') },
    label: 'whether the risk remained, was reduced or was removed',
    optionalWhen: (sac) => !concluded(sac) || !ACTIONS_WITH_RISK_OUTCOME.includes(sac.action),
    refine: (_v, sac) =>
      ACTIONS_WITH_RISK_OUTCOME.includes(sac.action)
        ? null
        : 'Whether the risk remained, was reduced or was removed is recorded only after action on a risk identified or inconclusive.',
  },
  mspOutcomesAchieved: {
    kind: { t: 'enum', values: sacCodes('mspOutcomesAchieved') },
    label: 'whether the outcomes the person expressed were achieved (Making Safeguarding Personal)',
    optionalWhen: (sac) => !concluded(sac) || sac.mspAsked !== 'asked-outcomes-expressed',
    refine: (_v, sac) =>
      sac.mspAsked !== 'asked-outcomes-expressed'
        ? 'Whether outcomes were achieved is recorded only when the person was asked and expressed outcomes.'
        : onlyWhenConcluded('whether the outcomes were achieved')(_v, sac),
  },
};

const SAC_IN_CONTENT: Shape = {
  sac: {
    kind: { t: 'object', shape: SAC_SHAPE },
    label: 'the Safeguarding Adults Collection fields (type, location and source of risk, capacity, Making Safeguarding Personal)',
    rule: 'OOH-09',
  },
};

function present(v: unknown, kind: Kind): boolean {
  switch (kind.t) {
    case 'text':
      return filled(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'instant':
      return (kind.nullable === true && v === null) || isIsoInstant(v);
    case 'date':
      return isLocalDate(v);
    case 'int':
      return Number.isInteger(v);
    case 'enum':
      return typeof v === 'string' && kind.values.includes(v);
    case 'list':
      return Array.isArray(v) && v.length >= (kind.min ?? 0) && v.every((x) => typeof x === 'string' && kind.values.includes(x));
    case 'object':
      return isObj(v);
  }
}

/** Signing: every required field of `shape` in `value`, recursing into objects that are present. */
function missingInShape(shape: Shape, value: Obj, path: string, rule: RuleId, out: MissingItem[]): void {
  for (const [key, spec] of Object.entries(shape)) {
    if (spec.optional || spec.optionalWhen?.(value)) continue;
    const field = `${path}.${key}`;
    const r = spec.rule ?? rule;
    const v = value[key];
    if (!present(v, spec.kind)) {
      out.push({ field, rule: r, message: `Record ${spec.label}.` });
    } else if (spec.kind.t === 'object') {
      missingInShape(spec.kind.shape, v as Obj, field, r, out);
    }
  }
}

function wrongKind(v: unknown, spec: FieldSpec): string | null {
  const k = spec.kind;
  const label = capital(spec.label);
  switch (k.t) {
    case 'text':
      return typeof v === 'string' ? null : `${label} must be text.`;
    case 'boolean':
      return typeof v === 'boolean' ? null : `${label} must be true or false.`;
    case 'instant':
      return (k.nullable && v === null) || isIsoInstant(v)
        ? null
        : `${label} must be a date and time with its offset, such as 2026-11-21T02:00:00Z.`;
    case 'date':
      return isLocalDate(v) ? null : `${label} must be a date, such as 2026-11-21.`;
    case 'int': {
      const ok = Number.isInteger(v) && (v as number) >= k.min && (k.max === undefined || (v as number) <= k.max);
      if (ok) return null;
      const range = k.max === undefined ? `${k.min} or more` : `from ${k.min} to ${k.max}`;
      return `${label} must be a whole number ${range}, not ${JSON.stringify(v)}.`;
    }
    case 'enum':
      return typeof v === 'string' && k.values.includes(v)
        ? null
        : `${label} must be one of ${k.values.join(', ')}, not ${JSON.stringify(v)}.`;
    case 'list': {
      if (!Array.isArray(v)) return `${label} must be a list.`;
      const bad = v.filter((x) => typeof x !== 'string' || !k.values.includes(x));
      return bad.length
        ? `${label} may contain only ${k.values.join(', ')}; ${bad.map((x) => JSON.stringify(x)).join(', ')} is not one of them.`
        : null;
    }
    case 'object':
      return isObj(v) ? null : `${label} must be an object.`;
  }
}

/** Draft: unknown keys and values of the wrong kind, recursing into objects. Null (or absent) is "not yet". */
function draftErrorsInShape(shape: Shape, value: Obj, path: string, out: DraftError[]): void {
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(shape, key)) out.push({ field: `${path}.${key}`, message: `"${key}" is not a field of ${path}.` });
  }
  for (const [key, spec] of Object.entries(shape)) {
    const v = value[key];
    if (v === undefined || (v === null && !(spec.kind.t === 'instant' && spec.kind.nullable))) continue;
    const field = `${path}.${key}`;
    const wrong = wrongKind(v, spec) ?? spec.refine?.(v, value) ?? null;
    if (wrong) out.push({ field, message: wrong });
    else if (spec.kind.t === 'object') draftErrorsInShape(spec.kind.shape, v as Obj, field, out);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DoLS details → statute/dols.ts

/**
 * The urgent authorisation (and, for 'dols-extension', the extension decided) that DoLS details describe, for
 * validateExtension and dolsClocks; null unless every field that needs is present and well formed.
 */
export function dolsFactsFromDetails(type: DecisionType, details: Record<string, unknown>): UrgentAuthorisationFacts | null {
  if (type !== 'dols-urgent-authorisation' && type !== 'dols-extension') return null;
  const d = details as Obj;
  if (!isIsoInstant(d.grantedAt) || !Number.isInteger(d.days) || !(d.standardRequestedAt === null || isIsoInstant(d.standardRequestedAt)))
    return null;
  const ua: UrgentAuthorisationFacts = {
    grantedAt: new Date(d.grantedAt),
    days: d.days as number,
    standardRequestedAt: d.standardRequestedAt === null ? null : new Date(d.standardRequestedAt),
    extension: null,
    previousExtensions: Number.isInteger(d.previousExtensions) ? (d.previousExtensions as number) : 0,
  };
  if (type === 'dols-urgent-authorisation') return ua;
  const e = d.extension;
  if (!isObj(e) || !isIsoInstant(e.requestedAt) || !isIsoInstant(e.decidedAt) || !Number.isInteger(e.days)) return null;
  if (e.decision !== 'extended' && e.decision !== 'refused') return null;
  if (e.decision === 'extended' && (typeof e.exceptionalReasons !== 'string' || typeof e.essentialToContinue !== 'boolean')) return null;
  ua.extension = {
    requestedAt: new Date(e.requestedAt),
    decidedAt: new Date(e.decidedAt),
    days: e.days as number,
    exceptionalReasons: typeof e.exceptionalReasons === 'string' ? e.exceptionalReasons : '',
    essentialToContinue: e.essentialToContinue === true,
    decision: e.decision,
  };
  return ua;
}

/** One row of the DoLS return (case level), as far as a DoLS decision's details give it. */
export interface DolsReturnRow {
  /** The local date the standard authorisation request was made and received (`standardRequestedAt`). */
  dateReceived: string;
  /** The request came with an urgent authorisation: always, for a decision about one. */
  urgentAuthorisationIncluded: true;
  /** Each of the six requirements: met, not met, or null while not yet assessed. */
  assessments: Record<DolsRequirement, 'met' | 'not-met' | null>;
  lastAssessedOn: string | null;
  signedOffOn: string | null;
  status: DolsApplicationStatus;
  startsOn: string | null;
  endsOn: string | null;
}

/**
 * OOH-10: the DoLS return's case row for a DoLS decision's standard authorisation request; null for another type, or
 * when no standard authorisation was requested (there is no application to report). Not yet recorded is null, and
 * a request with no status recorded is not yet signed off.
 */
export function dolsReturnRow(type: DecisionType, details: Record<string, unknown>, zone: string): DolsReturnRow | null {
  if (type !== 'dols-urgent-authorisation' && type !== 'dols-extension') return null;
  const d = isObj(details) ? details : {};
  if (!isIsoInstant(d.standardRequestedAt)) return null;
  const sa: Obj = isObj(d.standardAuthorisation) ? d.standardAuthorisation : {};
  const assessed: Obj = isObj(sa.assessments) ? sa.assessments : {};
  const date = (v: unknown) => (isLocalDate(v) ? v : null);
  const outcome = (v: unknown) => (v === 'met' || v === 'not-met' ? v : null);
  return {
    dateReceived: DateTime.fromISO(d.standardRequestedAt, { zone }).toISODate()!,
    urgentAuthorisationIncluded: true,
    assessments: Object.fromEntries(DOLS_REQUIREMENTS.map((r) => [r, outcome(assessed[r])])) as DolsReturnRow['assessments'],
    lastAssessedOn: date(sa.lastAssessedOn),
    signedOffOn: date(sa.signedOffOn),
    status:
      typeof sa.status === 'string' && Object.hasOwn(DOLS_APPLICATION_STATUSES, sa.status)
        ? (sa.status as DolsApplicationStatus)
        : 'not-yet-signed-off',
    startsOn: date(sa.startsOn),
    endsOn: date(sa.endsOn),
  };
}

/** Which details field each dols.ts blocker is about. */
const DOLS_FINDING_FIELDS: Record<string, string> = {
  'ua-days-invalid': 'details.days',
  'no-standard-request': 'details.standardRequestedAt',
  'standard-requested-after-extension': 'details.standardRequestedAt',
  'extension-days-invalid': 'details.extension.days',
  'extension-too-long': 'details.extension.days',
  'second-extension': 'details.previousExtensions',
  'extension-requested-before-authorisation': 'details.extension.requestedAt',
  'extension-before-authorisation': 'details.extension.decidedAt',
  'extension-decided-before-request': 'details.extension.decidedAt',
  'extension-after-expiry': 'details.extension.decidedAt',
  'exceptional-reasons-too-short': 'details.extension.exceptionalReasons',
  'not-essential-to-continue': 'details.extension.essentialToContinue',
};

// ---------------------------------------------------------------------------------------------------------------
// DoLS episodes: one urgent authorisation per detention (OOH-04), extended once (OOH-05)

/**
 * ✱ Local reading of "the existing detention" (Sch A1 para 77(1)-(2)): a new urgent authorisation by the same home
 * for the same person less than this long after the earlier one (with its extension) ended is taken as the same
 * detention, the person kept there without authority in between, not discharged and readmitted. The detention ends
 * with the authorisation, so a gap this short is the "rolling" authorisation para 77(2) forbids, written a little later.
 */
export const DOLS_ADJOINING_HOURS = 24;
/**
 * ✱ Local: two records of the same person and home whose grants are less than this apart describe one urgent
 * authorisation, its time written differently (a minute off, an hour off between GMT and BST, or the day only, as
 * the forms allow). A second one given so soon would be refused as well, as the same detention.
 */
export const DOLS_SAME_GRANT_HOURS = 24;

const HOUR_MS = 3_600_000;

/** Who a DoLS record is about: their record's id, or (a person with no record) the name and date of birth given. */
export interface DolsPerson {
  id: string | null;
  name: string | null;
  dateOfBirth: string | null;
}

/** A DoLS decision as the episode rules read it. */
export interface DolsRecord {
  decisionId: string;
  type: 'dols-urgent-authorisation' | 'dols-extension';
  person: DolsPerson;
  managingAuthority: string;
  grantedAt: Date;
  /** The urgent authorisation's own days (1..7). */
  days: number;
  /** The supervisory body's decision recorded on this record: null for an urgent authorisation. */
  extension: null | { decision: 'extended' | 'refused'; days: number };
}

/** The DoLS record a decision's details describe, or null while they lack the managing authority, grant or days. */
export function dolsRecordOf(
  decisionId: string,
  type: DecisionType,
  person: DolsPerson,
  details: Record<string, unknown>,
): DolsRecord | null {
  if (type !== 'dols-urgent-authorisation' && type !== 'dols-extension') return null;
  const d = isObj(details) ? details : {};
  if (!filled(d.managingAuthority) || !isIsoInstant(d.grantedAt) || !Number.isInteger(d.days) || (d.days as number) < 1) return null;
  const e = isObj(d.extension) ? d.extension : {};
  const decision: 'extended' | 'refused' | null = e.decision === 'extended' ? 'extended' : e.decision === 'refused' ? 'refused' : null;
  const extension: DolsRecord['extension'] =
    type === 'dols-extension' && decision
      ? { decision, days: decision === 'extended' && Number.isInteger(e.days) ? Math.max(0, e.days as number) : 0 }
      : null;
  return {
    decisionId,
    type,
    person,
    managingAuthority: d.managingAuthority,
    grantedAt: new Date(d.grantedAt),
    days: Math.min(d.days as number, UA_MAX_DAYS),
    extension,
  };
}

/** Lower case, no accents, punctuation as spaces, "&" as "and", one space between words. */
function words(text: string | null): string[] {
  if (!text) return [];
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr']);

/**
 * The same person: the same record when both have one; otherwise the same name (case, accents, punctuation and a
 * title aside) and, when both give a date of birth, the same one. A person with no record is matched on what the
 * night worker recorded of them, against the name and date of birth of a record too.
 */
export function sameDolsPerson(a: DolsPerson, b: DolsPerson): boolean {
  if (a.id && b.id) return a.id === b.id;
  const name = (p: DolsPerson) =>
    words(p.name)
      .filter((w) => !TITLES.has(w))
      .join(' ');
  if (!name(a) || name(a) !== name(b)) return false;
  return !a.dateOfBirth || !b.dateOfBirth || a.dateOfBirth === b.dateOfBirth;
}

/** Words that say what kind of place a hospital or care home is, not which one. */
const PLACE_KIND_WORDS = new Set(['the', 'care', 'home', 'homes', 'nursing', 'residential', 'hospital', 'ltd', 'limited', 'and']);

/**
 * The same managing authority, as free text allows: the same words once case, accents, punctuation, spacing and the
 * words saying what kind of place it is are set aside ("Probe Lodge" and "Probe Lodge Care Home"; "St Mary's" and
 * "St. Marys Nursing Home"). Different words are another home: a warning, never silence (dolsEpisode).
 */
export function sameManagingAuthority(a: string, b: string): boolean {
  const key = (s: string) => {
    const all = words(s);
    const kept = all.filter((w) => !PLACE_KIND_WORDS.has(w));
    return (kept.length ? kept : all).join('');
  };
  return key(a) !== '' && key(a) === key(b);
}

/**
 * When the record's urgent authorisation, with the extension it records (if granted), ends: its days counted as the
 * DoLS days are (statute/dols.ts: N x 24 hours from the grant by default, DOLS_DAY_COUNTING).
 */
export function dolsAuthorisedUntil(
  r: Pick<DolsRecord, 'grantedAt' | 'days' | 'extension'>,
  zone: string,
  counting?: DolsDayCounting,
): Date {
  const extended = r.extension?.decision === 'extended' ? r.extension.days : 0;
  return authorisedUntil(r.grantedAt, r.days, extended, zone, counting);
}

/** The two records' periods overlap, or one starts less than DOLS_ADJOINING_HOURS after the other ends. */
function adjoining(a: DolsRecord, b: DolsRecord, zone: string, counting?: DolsDayCounting): boolean {
  const slack = DOLS_ADJOINING_HOURS * HOUR_MS;
  return (
    a.grantedAt.getTime() < dolsAuthorisedUntil(b, zone, counting).getTime() + slack &&
    b.grantedAt.getTime() < dolsAuthorisedUntil(a, zone, counting).getTime() + slack
  );
}

/** What the hub's earlier DoLS records say of this one. */
export interface DolsEpisode {
  /** The earlier extensions granted in the same detention (what `previousExtensions` counts). */
  extensionsGranted: number;
  findings: Finding[];
}

/**
 * One urgent authorisation per detention, extended once (OOH-04, OOH-05): `current` judged against the DoLS records
 * signed before it. The episode is the person's detention by one managing authority: the same person
 * (sameDolsPerson), the same home compared leniently (sameManagingAuthority), and periods (with any extension) that
 * overlap or adjoin. Grant times and home names as written are not the key, so writing them differently changes
 * nothing.
 * - Para 77(2) "No new urgent authorisation is to be given ... in connection with the existing detention": a record of
 *   an urgent authorisation granted after an earlier one of the same episode (at least DOLS_SAME_GRANT_HOURS later),
 *   or an extension of one, is a blocker naming the earlier decision (`urgent-authorisation-in-same-detention`).
 * - Para 77(4) "Only one request under sub-paragraph (3) may be made in relation to the original authorisation": an
 *   extension granted when an extension was already asked for in the episode (granted or refused) is a blocker
 *   naming it (`second-extension`). Recording the refusal of a second request is not.
 * - The same person's authorisation by another home in the same period: a warning (`dols-other-managing-authority`).
 *   A move to another hospital or care home is a new detention, for which that home gives its own authorisation; a
 *   name written so differently that it is not recognised needs a person to say it is not the same home.
 */
export function dolsEpisode(current: DolsRecord, earlier: readonly DolsRecord[], zone: string, counting?: DolsDayCounting): DolsEpisode {
  const findings: Finding[] = [];
  const requests: DolsRecord[] = [];
  const until = (r: DolsRecord) => formatLocal(dolsAuthorisedUntil(r, zone, counting), zone);
  const granted = (r: DolsRecord) => formatLocal(r.grantedAt, zone);
  for (const e of earlier) {
    if (e.decisionId === current.decisionId || !sameDolsPerson(current.person, e.person) || !adjoining(current, e, zone, counting))
      continue;
    if (!sameManagingAuthority(current.managingAuthority, e.managingAuthority)) {
      findings.push({
        rule: 'OOH-04',
        severity: 'warning',
        code: 'dols-other-managing-authority',
        message: `Decision ${e.decisionId} records an urgent authorisation for this person by ${e.managingAuthority.trim()}, given ${granted(e)} and in force until ${until(e)}. A new one by another home is lawful only for a new detention there (a move); if ${e.managingAuthority.trim()} is this home under another name, it is the same detention, and no new urgent authorisation may be given in it (MCA 2005 Sch A1 para 77(2)).`,
        citation: 'MCA 2005 Sch A1 para 77(1)-(2)',
      });
      continue;
    }
    if (e.extension) requests.push(e);
    if (current.grantedAt.getTime() - e.grantedAt.getTime() >= DOLS_SAME_GRANT_HOURS * HOUR_MS)
      findings.push({
        rule: 'OOH-04',
        severity: 'blocker',
        code: 'urgent-authorisation-in-same-detention',
        message: `Decision ${e.decisionId} records an urgent authorisation for this person by ${e.managingAuthority.trim()}, given ${granted(e)} and in force until ${until(e)}; this one, given ${granted(current)}, is in connection with the same detention, and no new urgent authorisation may be given in it (MCA 2005 Sch A1 para 77(2)). The managing authority may ask the supervisory body once to extend the first; after that only the standard authorisation can authorise the detention.`,
        citation: 'MCA 2005 Sch A1 para 77(1)-(2)',
      });
  }
  if (current.extension?.decision === 'extended' && requests.length)
    findings.push({
      rule: 'OOH-05',
      severity: 'blocker',
      code: 'second-extension',
      message: `The extension of this person's urgent authorisation by ${current.managingAuthority.trim()} was already asked for: ${requests
        .map((r) => `decision ${r.decisionId} (${r.extension!.decision}, urgent authorisation given ${granted(r)})`)
        .join('; ')}. Only one request to extend may be made (MCA 2005 Sch A1 para 77(4)), whatever this record's grant time or home name.`,
      citation: 'MCA 2005 Sch A1 para 77(3)-(4)',
    });
  return { extensionsGranted: requests.filter((r) => r.extension!.decision === 'extended').length, findings };
}

// ---------------------------------------------------------------------------------------------------------------
// Who may sign: the decision-maker's authority (OOH-08(12))

/**
 * OOH-08(12): "decision-maker identity and authority (AMHP approval or delegated SB authority)". What each type is
 * decided under, and whether an AMHP signing it acts on the authority of their approval. In the hub the EDT shares
 * the AMHP rota (DOMAIN: the duty AMHP/EDT worker makes these decisions); an AMHP holds no delegation the hub
 * records other than being an approved AMHP on that rota, so for every type an AMHP's authority rests on an approval
 * in effect when the decision was made, and AMHP-07 (reg 6: "may not act" while suspended) is a hard block on it. A
 * manager signs under the delegated authority the scheme of delegation gives their post (OOH-05, OOH-DA), which no
 * AMHP approval grants or withdraws.
 */
export const DECISION_MAKER_AUTHORITY: Record<DecisionType, { amhpApproval: boolean; basis: string }> = {
  // Care Act s.42: the council's duty, discharged out of hours by the duty AMHP/EDT worker.
  'adult-safeguarding': { amhpApproval: true, basis: "the council's s.42 enquiry duty, out of hours, as the duty AMHP" },
  // MCA s.4-5: whoever acts decides; out of hours that is the duty AMHP acting for the council.
  'best-interests': { amhpApproval: true, basis: 'a best-interests decision for the council, out of hours, as the duty AMHP' },
  // Para 74: the managing authority gives it; the hub's worker records and triages it (OOH-04) as the duty AMHP.
  'dols-urgent-authorisation': {
    amhpApproval: true,
    basis: "the supervisory body's receipt and triage of an urgent authorisation, out of hours, as the duty AMHP",
  },
  // Paras 84-85: the supervisory body's decision, delegated out of hours to the duty AMHP (OOH-05, local scheme).
  'dols-extension': { amhpApproval: true, basis: "the supervisory body's delegated authority to extend, out of hours, as the duty AMHP" },
  // OOH-DA: the council's delegated authority to commit spending.
  'emergency-placement': { amhpApproval: true, basis: "the council's delegated authority to place, out of hours, as the duty AMHP" },
  'carer-breakdown': { amhpApproval: true, basis: "the council's Care Act duties, out of hours, as the duty AMHP" },
  'child-protection-referral': {
    amhpApproval: true,
    basis: "the council's referral to children's services, out of hours, as the duty AMHP",
  },
  other: { amhpApproval: true, basis: 'a decision for the council, out of hours, as the duty AMHP' },
};

/**
 * Whether the signer of a `type` decision acts on the authority of an AMHP approval (OOH-08(12)): an AMHP does
 * (DECISION_MAKER_AUTHORITY); a manager, AMHP or not, signs under their post's delegated authority.
 */
export function signsOnAmhpApproval(type: DecisionType, roles: readonly string[]): boolean {
  if (roles.includes('manager')) return false;
  return roles.includes('amhp') && DECISION_MAKER_AUTHORITY[type].amhpApproval;
}

// ---------------------------------------------------------------------------------------------------------------
// Signing

function missingContent(type: DecisionType, c: Obj, out: MissingItem[]): void {
  const need = (field: string, message: string, rule: RuleId = 'OOH-08') => out.push({ field: `content.${field}`, rule, message });
  const textField = (key: string, label: string, rule: RuleId = 'OOH-08') => {
    if (!filled(c[key])) need(key, `Record ${label}.`, rule);
  };

  // (1)
  textField('question', 'the question or decision to be made');
  // (2)
  if (!Array.isArray(c.legalFrameworks) || !c.legalFrameworks.some(isLegalFramework))
    need('legalFrameworks', 'Record the legal framework relied on (Care Act, MCA, DoLS, MHA, Children Act, common law or other).');
  textField('powerOrDuty', 'the specific power or duty relied on');
  // (3)
  textField('facts', 'the facts known');
  if (!Array.isArray(c.factSources) || !c.factSources.some(filled)) need('factSources', 'Record the sources of the facts.');
  // (4)
  if (!Array.isArray(c.consultees) || c.consultees.length === 0) {
    need('consultees', 'Record who was consulted, or who could not be reached and why.');
  } else {
    c.consultees.forEach((entry: unknown, i) => {
      const path = `consultees[${i}]`;
      if (!isObj(entry))
        return need(
          path,
          `Record consultee ${i + 1}: name, role, and when they were consulted and their view, or why they could not be reached.`,
        );
      const who = filled(entry.name) ? `${entry.name.trim()} (consultee ${i + 1})` : `consultee ${i + 1}`;
      if (!filled(entry.name)) need(`${path}.name`, `Record the name of consultee ${i + 1}.`);
      if (!filled(entry.role)) need(`${path}.role`, `Record the role of ${who}.`);
      if (filled(entry.notReachedReason)) return;
      if (absent(entry.at) && !filled(entry.view))
        return need(path, `Record when ${who} was consulted and their view, or why they could not be reached.`);
      if (!isIsoInstant(entry.at)) need(`${path}.at`, `Record the date and time ${who} was consulted.`);
      if (!filled(entry.view)) need(`${path}.view`, `Record the view of ${who}.`);
    });
  }
  // (5)
  textField('personViews', "the person's own views and wishes");
  // (6) OOH-02: required where capacity is the question.
  if (type === 'best-interests') textField('capacity', 'the capacity considerations', 'OOH-02');
  // (7)
  if (!Array.isArray(c.options) || c.options.length === 0) {
    need('options', 'Record the options considered, including the least restrictive.');
  } else {
    const options = c.options as unknown[];
    options.forEach((entry, i) => {
      const path = `options[${i}]`;
      if (!isObj(entry))
        return need(
          path,
          `Record option ${i + 1}: what it is, whether it is the least restrictive, whether it was chosen, and if not why.`,
        );
      if (!filled(entry.option)) need(`${path}.option`, `Record what option ${i + 1} is.`);
      if (typeof entry.leastRestrictive !== 'boolean')
        need(`${path}.leastRestrictive`, `Record whether option ${i + 1} is the least restrictive.`);
      if (typeof entry.chosen !== 'boolean') need(`${path}.chosen`, `Record whether option ${i + 1} was chosen.`);
      else if (!entry.chosen && !filled(entry.whyRejected))
        need(`${path}.whyRejected`, `Record why option ${i + 1}${filled(entry.option) ? ` (${entry.option.trim()})` : ''} was rejected.`);
    });
    if (!options.some((o) => isObj(o) && o.leastRestrictive === true))
      need('options', 'Record the least restrictive option considered: none of the options is marked least restrictive.');
    if (!options.some((o) => isObj(o) && o.chosen === true)) need('options', 'Record which option was chosen: none is marked chosen.');
  }
  // (8)
  textField('riskAnalysis', 'the risk analysis');
  // (9)
  textField('decision', 'the decision');
  textField('rationale', 'the rationale for the decision');
  // (10)
  if (!Array.isArray(c.actions) || c.actions.length === 0) {
    need('actions', 'Record the actions that follow, each with an owner.');
  } else {
    c.actions.forEach((entry: unknown, i) => {
      const path = `actions[${i}]`;
      if (!isObj(entry)) return need(path, `Record action ${i + 1}: what is to be done and by whom.`);
      if (!filled(entry.description)) need(`${path}.description`, `Record what action ${i + 1} is.`);
      if (!filled(entry.ownerUserId) && !filled(entry.ownerTeam)) need(path, `Record who owns action ${i + 1}: a named person or a team.`);
    });
  }
  // (11)
  textField('handoverNote', 'the handover to day services');
  // (12)
  textField('decisionMakerAuthority', "the decision-maker's authority (AMHP approval, or delegated supervisory body authority)");
}

function missingDetails(type: DecisionType, d: Obj, zone: string, counting: DolsDayCounting | undefined, out: MissingItem[]): void {
  if (type === 'other') return;
  const before = out.length;
  missingInShape(DETAILS_SHAPES[type], d, 'details', 'OOH-08', out);
  const complete = out.length === before;

  // OOH-02: a best-interests decision is for a person who lacks capacity for it (the two-stage test).
  if (type === 'best-interests' && isObj(d.capacity)) {
    const cap = d.capacity;
    const lacks = 'A best-interests decision can be made only for a person who lacks capacity to make it';
    if (cap.impairment === false)
      out.push({
        field: 'details.capacity.impairment',
        rule: 'OOH-02',
        message: `${lacks}: no impairment of, or disturbance in the functioning of, the mind or brain is recorded (MCA s.2(1)).`,
      });
    if (Array.isArray(cap.unableTo) && cap.unableTo.length === 0)
      out.push({
        field: 'details.capacity.unableTo',
        rule: 'OOH-02',
        message: `${lacks}: the person is not recorded as unable to understand, retain, use or weigh the information, or communicate the decision (MCA s.3(1)).`,
      });
    if (cap.causalLink === false)
      out.push({
        field: 'details.capacity.causalLink',
        rule: 'OOH-02',
        message: `${lacks}: the inability to decide is not recorded as because of the impairment (MCA s.2(1)).`,
      });
  }

  // OOH-04 / OOH-05: the dols.ts blockers, once the fields they need are all there.
  if ((type === 'dols-urgent-authorisation' || type === 'dols-extension') && complete) {
    const facts = dolsFactsFromDetails(type, d);
    if (facts) {
      for (const f of validateExtension(facts, zone, counting)) {
        if (f.severity === 'blocker') out.push({ field: DOLS_FINDING_FIELDS[f.code] ?? 'details', rule: f.rule, message: f.message });
      }
    }
  }
}

function missingCost(type: DecisionType, d: Obj, opts: SigningOptions, out: MissingItem[]): void {
  // The placement's cost is stored twice (details and column): they must agree.
  if (type === 'emergency-placement' && Number.isInteger(d.costPence)) {
    if (opts.costPence === null) {
      out.push({
        field: 'costPence',
        rule: 'OOH-DA',
        message: `Record the cost committed on the decision itself (${formatPounds(d.costPence as number)} in the placement details).`,
      });
    } else if (opts.costPence !== d.costPence) {
      out.push({
        field: 'costPence',
        rule: 'OOH-DA',
        message: `The cost committed (${formatPounds(opts.costPence)}) differs from the cost in the placement details (${formatPounds(d.costPence as number)}); correct one of them.`,
      });
    }
  }
  // OOH-DA ✱: above the delegated-authority limit (not at it), a senior manager must have approved the commitment.
  const cost = opts.costPence;
  if (cost === null || cost <= opts.limitPence) return;
  const above = `The cost of ${formatPounds(cost)} is above the delegated-authority limit of ${formatPounds(opts.limitPence)}`;
  const e = opts.escalation;
  if (!e) {
    out.push({ field: 'escalation', rule: 'OOH-DA', message: `${above}: record the escalation to a senior manager and their approval.` });
    return;
  }
  if (e.outcome !== 'approved') {
    out.push({
      field: 'escalation',
      rule: 'OOH-DA',
      message: `${above}, and the escalation${filled(e.to) ? ` to ${e.to.trim()}` : ''} was not approved: a commitment above the limit cannot be signed without approval.`,
    });
  }
  if (!filled(e.to)) out.push({ field: 'escalation.to', rule: 'OOH-DA', message: 'Record who the commitment was escalated to.' });
  if (!filled(e.role))
    out.push({ field: 'escalation.role', rule: 'OOH-DA', message: 'Record the role of the manager the commitment was escalated to.' });
  if (!isIsoInstant(e.at)) out.push({ field: 'escalation.at', rule: 'OOH-DA', message: 'Record the date and time of the escalation.' });
}

/**
 * OOH-08 (the local recording standard) plus the type's own fields: everything that stops the record being signed,
 * in OOH-08 order, then the type's details, then a s.42 decision's SAC fields (OOH-09), then cost and escalation.
 * Empty when it may be signed.
 */
export function missingForSigning(
  type: DecisionType,
  content: DecisionContent,
  details: Record<string, unknown>,
  opts: SigningOptions,
): MissingItem[] {
  if (!isDecisionType(type)) throw new RangeError(`unknown decision type: ${String(type)}`);
  if (!Number.isFinite(opts.limitPence) || opts.limitPence < 0)
    throw new RangeError(`limitPence must be a non-negative number, not ${opts.limitPence}`);
  const c: Obj = isObj(content) ? content : {};
  const d: Obj = isObj(details) ? details : {};
  const out: MissingItem[] = [];
  missingContent(type, c, out);
  missingDetails(type, d, opts.zone, opts.dolsDayCounting, out);
  if (type === 'adult-safeguarding' && opts.sacRequired !== false) missingInShape(SAC_IN_CONTENT, c, 'content', 'OOH-09', out);
  missingCost(type, d, opts, out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Drafts

const CONTENT_TEXT_FIELDS = [
  'question',
  'powerOrDuty',
  'facts',
  'personViews',
  'capacity',
  'riskAnalysis',
  'decision',
  'rationale',
  'handoverNote',
  'decisionMakerAuthority',
] as const;
const CONTENT_FIELDS = new Set<string>([
  ...CONTENT_TEXT_FIELDS,
  'legalFrameworks',
  'factSources',
  'consultees',
  'options',
  'actions',
  'sac',
]);
const CONSULTEE_FIELDS = new Set(['name', 'role', 'at', 'view', 'notReachedReason']);
const OPTION_FIELDS = new Set(['option', 'leastRestrictive', 'chosen', 'whyRejected']);
const ACTION_FIELDS = new Set(['description', 'ownerUserId', 'ownerTeam', 'dueAt']);

function draftContent(type: DecisionType, c: Obj, out: DraftError[]): void {
  const err = (field: string, message: string) => out.push({ field: `content.${field}`, message });
  const unknownKeys = (value: Obj, allowed: Set<string>, path: string) => {
    for (const key of Object.keys(value)) if (!allowed.has(key)) err(`${path}.${key}`, `"${key}" is not a field of content.${path}.`);
  };
  for (const key of Object.keys(c)) if (!CONTENT_FIELDS.has(key)) err(key, `"${key}" is not a field of a decision record's content.`);
  for (const key of CONTENT_TEXT_FIELDS) if (!absent(c[key]) && typeof c[key] !== 'string') err(key, `content.${key} must be text.`);

  const list = (key: string, each: (entry: unknown, path: string, i: number) => void) => {
    const v = c[key];
    if (absent(v)) return;
    if (!Array.isArray(v)) return err(key, `content.${key} must be a list.`);
    v.forEach((entry, i) => each(entry, `${key}[${i}]`, i));
  };
  const textIn = (entry: Obj, path: string, keys: string[]) => {
    for (const k of keys) if (!absent(entry[k]) && typeof entry[k] !== 'string') err(`${path}.${k}`, `content.${path}.${k} must be text.`);
  };

  list('legalFrameworks', (v, path) => {
    if (!isLegalFramework(v)) err(path, `${JSON.stringify(v)} is not a legal framework this record knows (${FRAMEWORKS.join(', ')}).`);
  });
  list('factSources', (v, path) => {
    if (typeof v !== 'string') err(path, `Each source of the facts must be text (content.${path}).`);
  });
  list('consultees', (v, path, i) => {
    if (!isObj(v)) return err(path, `Consultee ${i + 1} must be an object with name, role, and at and view, or notReachedReason.`);
    unknownKeys(v, CONSULTEE_FIELDS, path);
    textIn(v, path, ['name', 'role', 'view', 'notReachedReason']);
    if (!absent(v.at) && !isIsoInstant(v.at))
      err(`${path}.at`, `When consultee ${i + 1} was consulted must be a date and time with its offset, such as 2026-11-21T02:00:00Z.`);
    if (filled(v.notReachedReason) && (!absent(v.at) || filled(v.view)))
      err(path, `Consultee ${i + 1} is recorded both as consulted (a time or a view) and as not reached; keep one.`);
  });
  list('options', (v, path, i) => {
    if (!isObj(v)) return err(path, `Option ${i + 1} must be an object with option, leastRestrictive, chosen and whyRejected.`);
    unknownKeys(v, OPTION_FIELDS, path);
    textIn(v, path, ['option', 'whyRejected']);
    for (const k of ['leastRestrictive', 'chosen'])
      if (!absent(v[k]) && typeof v[k] !== 'boolean') err(`${path}.${k}`, `content.${path}.${k} must be true or false.`);
    if (v.chosen === true && filled(v.whyRejected))
      err(`${path}.whyRejected`, `Option ${i + 1} is marked chosen and also has a reason it was rejected; an option is one or the other.`);
  });
  list('actions', (v, path, i) => {
    if (!isObj(v)) return err(path, `Action ${i + 1} must be an object with description, ownerUserId or ownerTeam, and dueAt.`);
    unknownKeys(v, ACTION_FIELDS, path);
    textIn(v, path, ['description', 'ownerUserId', 'ownerTeam']);
    if (filled(v.ownerUserId) && !UUID.test(v.ownerUserId))
      err(`${path}.ownerUserId`, `The owner of action ${i + 1} must be a user id (a UUID); name a team in ownerTeam instead.`);
    if (!absent(v.dueAt) && !isIsoInstant(v.dueAt))
      err(`${path}.dueAt`, `When action ${i + 1} is due must be a date and time with its offset, such as 2026-11-21T09:00:00Z.`);
  });
  // OOH-09: the SAC fields belong to a s.42 decision only.
  if (!absent(c.sac)) {
    if (type !== 'adult-safeguarding')
      err('sac', 'The Safeguarding Adults Collection fields belong to an adult-safeguarding (s.42) decision only.');
    else draftErrorsInShape(SAC_IN_CONTENT, { sac: c.sac }, 'content', out);
  }
}

/**
 * Values that are structurally wrong, refused even in a draft: unknown fields, wrong kinds, an unknown legal
 * framework, an option both chosen and rejected, a consultee both reached and not, DoLS days out of range (an urgent
 * authorisation of 8 days; an extension of more than 7 unless refused), a negative cost, a SAC code not in its list
 * or a SAC field that does not apply (OOH-09). Absent or null values are
 * "not yet recorded" (missingForSigning's business). 'other' decisions have free-form details.
 */
export function validateDraft(type: DecisionType, content: DecisionContent, details: Record<string, unknown>): DraftError[] {
  const out: DraftError[] = [];
  if (!isDecisionType(type)) out.push({ field: 'type', message: `${JSON.stringify(type)} is not a decision type (${TYPES.join(', ')}).` });
  if (!absent(content) && !isObj(content)) out.push({ field: 'content', message: 'content must be an object.' });
  else if (isObj(content)) draftContent(type, content, out);
  if (!absent(details) && !isObj(details)) out.push({ field: 'details', message: 'details must be an object.' });
  else if (isObj(details) && isDecisionType(type) && type !== 'other') draftErrorsInShape(DETAILS_SHAPES[type], details, 'details', out);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// OOH-07: the legal framework against its context

const SESSAY = citationOf('OOH-07');

/**
 * OOH-07: prompts about the framework relied on. During an MHA assessment the MHA is a complete code: the MCA
 * (ss.5-6) and the common law give no power to remove or detain the person (Sessay), so relying on them warns. A
 * DoLS decision that does not rely on DoLS warns. Warnings only: the decision-maker records why.
 */
export function legalFrameworkWarnings(
  type: DecisionType,
  content: DecisionContent,
  context: { mhaAssessmentInProgress: boolean },
): Finding[] {
  const c: Obj = isObj(content) ? content : {};
  const frameworks: unknown[] = Array.isArray(c.legalFrameworks) ? c.legalFrameworks : [];
  const findings: Finding[] = [];
  if (context.mhaAssessmentInProgress) {
    if (frameworks.includes('mca-s5') || frameworks.includes('mca-best-interests')) {
      findings.push({
        rule: 'OOH-07',
        severity: 'warning',
        code: 'mca-during-mha-assessment',
        message:
          'An MHA assessment is in progress and this decision relies on the Mental Capacity Act: MCA ss.5-6 give no authority to remove the person or keep them anywhere while the MHA applies; only the MHA does (s.135, s.136, or an application). Use the MCA only for decisions that neither remove nor detain, and record why it applies.',
        citation: SESSAY,
      });
    }
    if (frameworks.includes('common-law')) {
      findings.push({
        rule: 'OOH-07',
        severity: 'warning',
        code: 'common-law-during-mha-assessment',
        message:
          'An MHA assessment is in progress and this decision relies on the common law: necessity gives no power to remove or detain the person where the MHA applies, as it is a complete code. Record why the common law applies.',
        citation: SESSAY,
      });
    }
  }
  if ((type === 'dols-urgent-authorisation' || type === 'dols-extension') && !frameworks.includes('dols')) {
    findings.push({
      rule: 'OOH-07',
      severity: 'warning',
      code: 'dols-framework-missing',
      message:
        'This is a DoLS decision but the legal frameworks relied on do not include DoLS (MCA Sch A1); add it, or record why another framework applies.',
      citation: 'MCA 2005 Sch A1',
    });
  }
  return findings;
}

/** OOH-02: a capacity assessment older than this before the decision is not of the person's capacity then. */
export const CAPACITY_CURRENT_DAYS = 7;

/**
 * Who and when a decision is about, judged against the law it is made under:
 * - OOH-04 (MCA 2005 Sch A1 para 13): DoLS applies only to a person aged 18 or over; a child's deprivation of liberty
 *   is authorised by the court or under the children's framework, never by an urgent authorisation.
 * - OOH-01 (Care Act 2014 s.42(1)): the enquiry duty is owed to an adult; a concern about a child goes to children's
 *   services (Children Act 1989 s.47), recorded as a child-protection referral.
 * - OOH-02 (MCA ss.1-3): capacity is time-specific: an assessment made after the decision did not displace the
 *   presumption of capacity when it was taken (blocker); one more than CAPACITY_CURRENT_DAYS before it may no
 *   longer say what the person could decide then (warning).
 * `age` is the person's age in whole years on the day of the decision, when known.
 */
export function subjectFindings(
  type: DecisionType,
  details: Record<string, unknown>,
  facts: { age: number | null; occurredAt: Date },
): Finding[] {
  const findings: Finding[] = [];
  const child = facts.age !== null && facts.age < 18;
  if (child && (type === 'dols-urgent-authorisation' || type === 'dols-extension'))
    findings.push({
      rule: 'OOH-04',
      severity: 'blocker',
      code: 'dols-under-18',
      message: `The person is ${facts.age} on the day of the decision: the Deprivation of Liberty Safeguards apply only from 18 (MCA 2005 Sch A1 para 13). A child's deprivation of liberty needs the court's authority or the children's framework.`,
      citation: citationOf('OOH-04'),
    });
  if (child && type === 'adult-safeguarding')
    findings.push({
      rule: 'OOH-01',
      severity: 'blocker',
      code: 's42-under-18',
      message: `The person is ${facts.age} on the day of the decision: the s.42 enquiry duty is owed to adults (Care Act 2014 s.42(1)). Record a child-protection referral to children's services (Children Act 1989 s.47) instead.`,
      citation: citationOf('OOH-01'),
    });
  const capacity = details.capacity as { assessedAt?: unknown } | undefined;
  if (capacity && typeof capacity.assessedAt === 'string' && !Number.isNaN(Date.parse(capacity.assessedAt))) {
    const assessed = Date.parse(capacity.assessedAt);
    if (assessed > facts.occurredAt.getTime())
      findings.push({
        rule: 'OOH-02',
        severity: 'blocker',
        code: 'capacity-assessed-after-decision',
        message:
          'The capacity assessment is dated after the decision: when the decision was made, the person was presumed to have capacity (MCA s.1(2)). Record the assessment made before it.',
        citation: citationOf('OOH-02'),
      });
    else if (facts.occurredAt.getTime() - assessed > CAPACITY_CURRENT_DAYS * 86_400_000)
      findings.push({
        rule: 'OOH-02',
        severity: 'warning',
        code: 'capacity-assessment-not-current',
        message: `The capacity assessment was made more than ${CAPACITY_CURRENT_DAYS} days before the decision: capacity is assessed for the decision and the time it is made (MCA ss.2-3). Say why it still holds, or assess again.`,
        citation: citationOf('OOH-02'),
      });
  }
  return findings;
}
