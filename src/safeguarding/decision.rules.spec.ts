import {
  DECISION_MAKER_AUTHORITY,
  dolsAuthorisedUntil,
  dolsEpisode,
  dolsRecordOf,
  sameDolsPerson,
  sameManagingAuthority,
  signsOnAmhpApproval,
  type DolsRecord,
  subjectFindings,
  DecisionContent,
  DecisionType,
  dolsFactsFromDetails,
  dolsReturnRow,
  Escalation,
  formatPounds,
  isDecisionType,
  isLegalFramework,
  lacksCapacity,
  legalFrameworkWarnings,
  missingForSigning,
  s42DutyArises,
  SacFields,
  SigningOptions,
  validateDraft,
} from './decision.rules';
import { DECISION_TYPES, LEGAL_FRAMEWORKS } from './safeguarding.entities';

const LONDON = 'Europe/London';
const LIMIT = 200_000; // £2,000.00

type Rec = { content: DecisionContent; details: Record<string, unknown> };

const content = (over: Partial<DecisionContent> = {}): DecisionContent => ({
  question: 'Can Mrs A stay at home tonight after the fall and the bruising the police found?',
  legalFrameworks: ['care-act-s42'],
  powerOrDuty: 'Care Act 2014 s.42(1)-(2): the duty to make, or cause to be made, enquiries',
  facts: 'Found on the floor at 00:40 by a neighbour; bruising to both arms; son visits daily.',
  factSources: ['Police call at 01:10', 'Neighbour, by telephone'],
  consultees: [
    { name: 'PC Smith', role: 'Attending officer', at: '2026-11-21T01:30:00Z', view: 'Worried about the son' },
    { name: 'Ms A (daughter)', role: 'Next of kin', notReachedReason: 'Two calls, no answer; voicemail left' },
  ],
  personViews: 'Wants to stay at home; does not want her son told tonight.',
  options: [
    { option: 'Stay at home with a night sitter', leastRestrictive: true, chosen: true },
    {
      option: 'Emergency respite bed',
      leastRestrictive: false,
      chosen: false,
      whyRejected: 'Against her wishes; the risk is managed with a sitter.',
    },
  ],
  riskAnalysis: 'Further falls: moderate; harm from her son: unknown until the enquiry.',
  decision: 'A night sitter until 09:00; the s.42 enquiry goes to the day team.',
  rationale: 'Least restrictive option that manages tonight’s risk and respects her wishes.',
  actions: [{ description: 'Start the s.42 enquiry', ownerTeam: 'Riverside day team', dueAt: '2026-11-23T12:00:00Z' }],
  handoverNote: 'Riverside day team to pick up the enquiry on Monday; sitter booked till 09:00.',
  decisionMakerAuthority: 'AMHP, approved by Northshire CC until 2030',
  ...over,
});

const UA = {
  managingAuthority: 'Oakfield Care Home',
  grantedAt: '2026-11-21T02:00:00Z',
  days: 7,
  standardRequestedAt: '2026-11-21T02:00:00Z',
};
const EXTENSION = {
  requestedAt: '2026-11-26T10:00:00Z',
  decidedAt: '2026-11-26T22:15:00Z',
  days: 7,
  exceptionalReasons: 'The BIA fell ill; the reassessment is booked for Tuesday.',
  essentialToContinue: true,
  decision: 'extended',
};

/** OOH-09: the Safeguarding Adults Collection fields of a s.42 decision that does not conclude the enquiry. */
const SAC: SacFields = {
  typeOfRisk: ['physical', 'neglect-and-acts-of-omission'],
  locationOfRisk: 'own-home',
  sourceOfRisk: 'other-known-to-individual',
  lackedCapacity: 'no',
  mspAsked: 'asked-outcomes-expressed',
};

/** A complete record of each type: nothing missing. */
const complete: Record<DecisionType, () => Rec> = {
  'adult-safeguarding': () => ({
    content: content({ sac: { ...SAC } }),
    details: {
      s42: {
        careAndSupportNeeds: true,
        abuseOrNeglect: true,
        unableToProtectSelf: true,
        evidence: 'Bruising; she says she cannot stop her son.',
      },
      immediateProtection: 'Night sitter',
      policeReferral: true,
      advocacyNeeded: false,
      enquiryDelegatedTo: 'Riverside day team',
    },
  }),
  'best-interests': () => ({
    content: content({
      legalFrameworks: ['mca-best-interests'],
      powerOrDuty: 'MCA 2005 ss.4-5',
      capacity: 'Assessed as lacking capacity to decide where to stay tonight (delirium).',
    }),
    details: {
      capacity: {
        decision: 'Where to stay tonight',
        assessedAt: '2026-11-21T01:50:00Z',
        impairment: true,
        unableTo: ['retain', 'use-or-weigh'],
        causalLink: true,
        practicableStepsTaken: 'Quiet room, glasses, her daughter on speaker.',
      },
      bestInterests: {
        canItWait: 'No: she cannot be left alone tonight.',
        wishesAndFeelings: 'Has always said she wants to stay at home.',
        beliefsAndValues: 'Independence matters greatly to her.',
        attorneyOrDeputyChecked: true,
        imcaRequired: false,
        leastRestrictive: 'Home with a sitter.',
      },
    },
  }),
  'dols-urgent-authorisation': () => ({
    content: content({ legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 paras 74-78' }),
    details: { ...UA },
  }),
  'dols-extension': () => ({
    content: content({ legalFrameworks: ['dols'], powerOrDuty: 'MCA 2005 Sch A1 paras 84-85' }),
    details: { ...UA, extension: { ...EXTENSION } },
  }),
  'emergency-placement': () => ({
    content: content({ legalFrameworks: ['care-act-other'], powerOrDuty: 'Care Act 2014 s.19(3): urgent needs' }),
    details: {
      placement: 'Beech House, respite room 4',
      startsAt: '2026-11-21T03:00:00Z',
      costPence: 150_000,
      fundingAuthority: 'Northshire CC',
    },
  }),
  'carer-breakdown': () => ({
    content: content({ legalFrameworks: ['care-act-other'], powerOrDuty: 'Care Act 2014 s.19(3)' }),
    details: { carer: 'Mr B (husband), admitted to hospital', arrangement: 'Agency carers four times a day from 07:00' },
  }),
  'child-protection-referral': () => ({
    content: content({ legalFrameworks: ['children-act'], powerOrDuty: 'Children Act 1989 s.47 (referral)' }),
    details: {
      childrenServicesContacted: "Northshire children's EDT, duty worker J. Patel",
      contactedAt: '2026-11-21T02:20:00Z',
      reference: 'CS-2026-0412',
    },
  }),
  other: () => ({ content: content({ legalFrameworks: ['other'] }), details: {} }),
};

const costOf = (r: Rec) => (typeof r.details.costPence === 'number' ? r.details.costPence : null);
const opts = (r: Rec, over: Partial<SigningOptions> = {}): SigningOptions => ({
  costPence: costOf(r),
  limitPence: LIMIT,
  escalation: null,
  zone: LONDON,
  ...over,
});
const missing = (type: DecisionType, r: Rec, over: Partial<SigningOptions> = {}) =>
  missingForSigning(type, r.content, r.details, opts(r, over));
const fields = (type: DecisionType, r: Rec, over: Partial<SigningOptions> = {}) => missing(type, r, over).map((m) => m.field);
const draftFields = (type: DecisionType, r: Rec) => validateDraft(type, r.content, r.details).map((e) => e.field);

/** Removes `content.consultees[0].at` and the like from a record. */
function unset(record: Rec, path: string): Rec {
  const copy = structuredClone(record) as unknown as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  delete target[keys[keys.length - 1]];
  return copy as unknown as Rec;
}

function set(record: Rec, path: string, value: unknown): Rec {
  const copy = structuredClone(record) as unknown as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys[keys.length - 1]] = value;
  return copy as unknown as Rec;
}

// ---------------------------------------------------------------------------------------------------------------

describe('the lists agree with the entity', () => {
  it('every DECISION_TYPE and LEGAL_FRAMEWORK is known to the rules, and nothing else', () => {
    expect(DECISION_TYPES.every(isDecisionType)).toBe(true);
    expect(LEGAL_FRAMEWORKS.every(isLegalFramework)).toBe(true);
    expect(isDecisionType('lps')).toBe(false);
    expect(isLegalFramework('lps')).toBe(false);
    expect(Object.keys(complete).sort()).toEqual([...DECISION_TYPES].sort());
  });
});

describe('a complete record has nothing missing', () => {
  it.each(DECISION_TYPES.map((t) => [t]))('%s', (type) => {
    const r = complete[type]();
    expect(missing(type, r)).toEqual([]);
    expect(validateDraft(type, r.content, r.details)).toEqual([]);
    expect(legalFrameworkWarnings(type, r.content, { mhaAssessmentInProgress: false })).toEqual([]);
  });
});

// OOH-08: the fields every record needs; then each type's own.
const CONTENT_PATHS: Array<[string, string[]]> = [
  ['content.question', ['content.question']],
  ['content.legalFrameworks', ['content.legalFrameworks']],
  ['content.powerOrDuty', ['content.powerOrDuty']],
  ['content.facts', ['content.facts']],
  ['content.factSources', ['content.factSources']],
  ['content.consultees', ['content.consultees']],
  ['content.consultees[0].name', ['content.consultees[0].name']],
  ['content.consultees[0].role', ['content.consultees[0].role']],
  ['content.consultees[0].at', ['content.consultees[0].at']],
  ['content.consultees[0].view', ['content.consultees[0].view']],
  // Reached or not reached: without a reason, the entry itself is incomplete.
  ['content.consultees[1].notReachedReason', ['content.consultees[1]']],
  ['content.personViews', ['content.personViews']],
  ['content.options', ['content.options']],
  ['content.options[0].option', ['content.options[0].option']],
  ['content.options[1].whyRejected', ['content.options[1].whyRejected']],
  ['content.options[1].leastRestrictive', ['content.options[1].leastRestrictive']],
  // Without it no option is the least restrictive, or none is chosen.
  ['content.options[0].leastRestrictive', ['content.options[0].leastRestrictive', 'content.options']],
  ['content.options[0].chosen', ['content.options[0].chosen', 'content.options']],
  ['content.riskAnalysis', ['content.riskAnalysis']],
  ['content.decision', ['content.decision']],
  ['content.rationale', ['content.rationale']],
  ['content.actions', ['content.actions']],
  ['content.actions[0].description', ['content.actions[0].description']],
  // An owner is a user or a team: without either, the action itself is incomplete.
  ['content.actions[0].ownerTeam', ['content.actions[0]']],
  ['content.handoverNote', ['content.handoverNote']],
  ['content.decisionMakerAuthority', ['content.decisionMakerAuthority']],
];

const DETAILS_PATHS: Record<DecisionType, string[]> = {
  'adult-safeguarding': [
    'content.sac',
    'content.sac.typeOfRisk',
    'content.sac.locationOfRisk',
    'content.sac.sourceOfRisk',
    'content.sac.lackedCapacity',
    'content.sac.mspAsked',
    'details.s42',
    'details.s42.careAndSupportNeeds',
    'details.s42.abuseOrNeglect',
    'details.s42.unableToProtectSelf',
    'details.s42.evidence',
  ],
  'best-interests': [
    'content.capacity',
    'details.capacity',
    'details.capacity.decision',
    'details.capacity.assessedAt',
    'details.capacity.impairment',
    'details.capacity.unableTo',
    'details.capacity.causalLink',
    'details.capacity.practicableStepsTaken',
    'details.bestInterests',
    'details.bestInterests.canItWait',
    'details.bestInterests.wishesAndFeelings',
    'details.bestInterests.beliefsAndValues',
    'details.bestInterests.attorneyOrDeputyChecked',
    'details.bestInterests.imcaRequired',
    'details.bestInterests.leastRestrictive',
  ],
  'dols-urgent-authorisation': ['details.managingAuthority', 'details.grantedAt', 'details.days', 'details.standardRequestedAt'],
  'dols-extension': [
    'details.managingAuthority',
    'details.grantedAt',
    'details.days',
    'details.standardRequestedAt',
    'details.extension',
    'details.extension.requestedAt',
    'details.extension.decidedAt',
    'details.extension.days',
    'details.extension.exceptionalReasons',
    'details.extension.essentialToContinue',
    'details.extension.decision',
  ],
  'emergency-placement': ['details.placement', 'details.startsAt', 'details.costPence', 'details.fundingAuthority'],
  'carer-breakdown': ['details.carer', 'details.arrangement'],
  'child-protection-referral': ['details.childrenServicesContacted', 'details.contactedAt'],
  other: [],
};

const REMOVALS: Array<[DecisionType, string, string[]]> = DECISION_TYPES.flatMap((type) => [
  ...CONTENT_PATHS.map(([path, expected]): [DecisionType, string, string[]] => [type, path, expected]),
  ...DETAILS_PATHS[type].map((path): [DecisionType, string, string[]] => [type, path, [path]]),
]);

describe('removing a required field names exactly that field', () => {
  it.each(REMOVALS)('%s without %s', (type, path, expected) => {
    const r = unset(complete[type](), path);
    expect(fields(type, r)).toEqual(expected);
    // Absent is "not yet": a draft may lack anything.
    expect(validateDraft(type, r.content, r.details)).toEqual([]);
  });

  it.each<[DecisionType, string]>([
    ['adult-safeguarding', 'details.immediateProtection'],
    ['adult-safeguarding', 'details.policeReferral'],
    ['adult-safeguarding', 'details.advocacyNeeded'],
    ['adult-safeguarding', 'details.enquiryDelegatedTo'],
    ['child-protection-referral', 'details.reference'],
    ['adult-safeguarding', 'content.capacity'],
    ['adult-safeguarding', 'content.actions[0].dueAt'],
  ])('%s: %s is optional', (type, path) => {
    expect(fields(type, unset(complete[type](), path))).toEqual([]);
  });

  it('blank text is missing too, and messages are plain sentences naming the field', () => {
    const type = 'adult-safeguarding';
    const r = set(set(complete[type](), 'content.question', '   '), 'details.s42.evidence', '');
    expect(missing(type, r)).toEqual([
      { field: 'content.question', rule: 'OOH-08', message: 'Record the question or decision to be made.' },
      { field: 'details.s42.evidence', rule: 'OOH-01', message: 'Record the evidence for the s.42 test.' },
    ]);
  });

  it('an action owned by a named user needs no team', () => {
    const type = 'carer-breakdown';
    const r = set(complete[type](), 'content.actions', [
      { description: 'Review the care package', ownerUserId: '6f1c2a8e-3b7d-4c1e-9a2f-0d5e8b7c6a41' },
    ]);
    expect(fields(type, r)).toEqual([]);
  });

  it('an empty list of consultees, options or actions is missing', () => {
    const type = 'carer-breakdown';
    let r = complete[type]();
    for (const key of ['content.consultees', 'content.options', 'content.actions']) r = set(r, key, []);
    expect(fields(type, r)).toEqual(['content.consultees', 'content.options', 'content.actions']);
  });
});

describe('OOH-01: the s.42 three-part test', () => {
  it.each([
    [true, true, true, true],
    [false, true, true, false],
    [true, false, true, false],
    [true, true, false, false],
    [false, false, true, false],
    [false, true, false, false],
    [true, false, false, false],
    [false, false, false, false],
  ])('needs %p, abuse or neglect %p, unable to protect %p → duty %p', (careAndSupportNeeds, abuseOrNeglect, unableToProtectSelf, duty) => {
    expect(s42DutyArises({ careAndSupportNeeds, abuseOrNeglect, unableToProtectSelf })).toBe(duty);
    // Where the duty does not arise, that is still a decision to record: nothing is missing.
    const r = set(complete['adult-safeguarding'](), 'details.s42', {
      careAndSupportNeeds,
      abuseOrNeglect,
      unableToProtectSelf,
      evidence: 'As found.',
    });
    expect(fields('adult-safeguarding', r)).toEqual([]);
  });

  it('an answer that is not true or false is refused in a draft and missing at signing', () => {
    const r = set(complete['adult-safeguarding'](), 'details.s42.abuseOrNeglect', 'yes');
    expect(draftFields('adult-safeguarding', r)).toEqual(['details.s42.abuseOrNeglect']);
    expect(missing('adult-safeguarding', r)).toEqual([
      {
        field: 'details.s42.abuseOrNeglect',
        rule: 'OOH-01',
        message: 'Record whether the adult is experiencing, or at risk of, abuse or neglect (Care Act s.42(1)(b)).',
      },
    ]);
  });
});

describe('OOH-09: a s.42 decision carries the Safeguarding Adults Collection fields', () => {
  const type = 'adult-safeguarding';
  const withSac = (over: Record<string, unknown>): Rec => set(complete[type](), 'content.sac', { ...SAC, ...over });

  // What stops signing, by the SAC fields recorded (over the complete, still-open enquiry of SAC above).
  it.each<[string, Record<string, unknown>, string[]]>([
    ['an open enquiry needs no action, result or outcomes achieved', {}, []],
    ['an open enquiry, saying so', { enquiryConcluded: false }, []],
    ['no type of risk ticked', { typeOfRisk: [] }, ['content.sac.typeOfRisk']],
    ['the person lacked capacity: whether they were supported is needed', { lackedCapacity: 'yes' }, ['content.sac.capacitySupport']],
    ['the person lacked capacity and was supported', { lackedCapacity: 'yes', capacitySupport: 'yes' }, []],
    ["capacity don't know: no support question", { lackedCapacity: 'dont-know' }, []],
    [
      'a concluded enquiry with nothing of its conclusion',
      { enquiryConcluded: true },
      ['content.sac.action', 'content.sac.mspOutcomesAchieved'],
    ],
    [
      'risk identified and action taken: whether the risk remained, reduced or was removed is needed',
      { enquiryConcluded: true, action: 'risk-identified-action-taken', mspOutcomesAchieved: 'fully' },
      ['content.sac.riskOutcome'],
    ],
    [
      'risk inconclusive and action taken: likewise',
      { enquiryConcluded: true, action: 'risk-inconclusive-action-taken', mspOutcomesAchieved: 'fully' },
      ['content.sac.riskOutcome'],
    ],
    [
      'risk identified, action taken, risk reduced, outcomes partially achieved',
      { enquiryConcluded: true, action: 'risk-identified-action-taken', riskOutcome: 'reduced', mspOutcomesAchieved: 'partially' },
      [],
    ],
    ['no risk and no action: no risk outcome', { enquiryConcluded: true, action: 'no-risk-no-action', mspOutcomesAchieved: 'not' }, []],
    [
      'ceased at her request, asked but no outcomes expressed: nothing to achieve',
      { enquiryConcluded: true, action: 'ceased-at-individual-request', mspAsked: 'asked-no-outcomes-expressed' },
      [],
    ],
    ['not asked about outcomes, concluded', { enquiryConcluded: true, action: 'no-risk-action-taken', mspAsked: 'not-asked' }, []],
  ])('%s', (_name, over, expected) => {
    const r = withSac(over);
    expect(draftFields(type, r)).toEqual([]);
    const found = missing(type, r);
    expect(found.map((m) => m.field)).toEqual(expected);
    expect(found.every((m) => m.rule === 'OOH-09')).toBe(true);
  });

  it('a s.42 decision without them cannot be signed, and the message says what to record', () => {
    expect(missing(type, unset(complete[type](), 'content.sac'))).toEqual([
      {
        field: 'content.sac',
        rule: 'OOH-09',
        message:
          'Record the Safeguarding Adults Collection fields (type, location and source of risk, capacity, Making Safeguarding Personal).',
      },
    ]);
    expect(missing(type, withSac({ sourceOfRisk: undefined }))).toEqual([
      { field: 'content.sac.sourceOfRisk', rule: 'OOH-09', message: 'Record the source of the risk.' },
    ]);
  });

  it('other decision types do not need them', () => {
    for (const other of DECISION_TYPES.filter((t) => t !== type)) expect(fields(other, complete[other]())).toEqual([]);
  });

  it('correcting a record signed before they were asked for need not add them', () => {
    const historic = unset(complete[type](), 'content.sac');
    expect(fields(type, historic, { sacRequired: false })).toEqual([]);
    expect(fields(type, historic, { sacRequired: true })).toEqual(['content.sac']);
  });

  // Refused even in a draft (422 naming the field): codes not in the list, and fields that do not apply.
  it.each<[string, Rec, string[]]>([
    ['a location not in the list', withSac({ locationOfRisk: 'ward' }), ['content.sac.locationOfRisk']],
    ['a label instead of a code', withSac({ sourceOfRisk: 'Service provider' }), ['content.sac.sourceOfRisk']],
    ['a type of risk not in the list', withSac({ typeOfRisk: ['physical', 'cyber'] }), ['content.sac.typeOfRisk']],
    ['a single type of risk not given as a list', withSac({ typeOfRisk: 'physical' }), ['content.sac.typeOfRisk']],
    ['the same type of risk twice', withSac({ typeOfRisk: ['physical', 'physical'] }), ['content.sac.typeOfRisk']],
    ['a field the return does not have', withSac({ ethnicity: 'A' }), ['content.sac.ethnicity']],
    ['support recorded for a person who did not lack capacity', withSac({ capacitySupport: 'yes' }), ['content.sac.capacitySupport']],
    ['an action on an enquiry still open', withSac({ action: 'no-risk-no-action' }), ['content.sac.action']],
    [
      'a risk outcome after no action',
      withSac({ enquiryConcluded: true, action: 'risk-identified-no-action', riskOutcome: 'remained' }),
      ['content.sac.riskOutcome'],
    ],
    [
      'outcomes achieved when she was not asked',
      withSac({ enquiryConcluded: true, action: 'no-risk-no-action', mspAsked: 'not-asked', mspOutcomesAchieved: 'fully' }),
      ['content.sac.mspOutcomesAchieved'],
    ],
    ['outcomes achieved on an enquiry still open', withSac({ mspOutcomesAchieved: 'fully' }), ['content.sac.mspOutcomesAchieved']],
    ['concluded given as text', withSac({ enquiryConcluded: 'yes' }), ['content.sac.enquiryConcluded']],
    ['the fields as a list', set(complete[type](), 'content.sac', ['physical']), ['content.sac']],
    ['the fields on a carer-breakdown decision', set(complete['carer-breakdown'](), 'content.sac', { ...SAC }), ['content.sac']],
  ])('%s', (name, r, expected) => {
    const t = name.includes('carer-breakdown') ? 'carer-breakdown' : type;
    expect(draftFields(t, r)).toEqual(expected);
  });

  it('the messages name the codes allowed', () => {
    expect(validateDraft(type, withSac({ locationOfRisk: 'ward' }).content, {})).toEqual([
      {
        field: 'content.sac.locationOfRisk',
        message:
          'The location of the risk must be one of own-home, in-the-community, in-a-community-service, care-home-nursing, care-home-residential, hospital-acute, hospital-mental-health, hospital-community, other, not "ward".',
      },
    ]);
    expect(validateDraft(type, withSac({ capacitySupport: 'no' }).content, {})).toEqual([
      {
        field: 'content.sac.capacitySupport',
        message: 'Support by an advocate, family or friend is recorded only for a person who lacked capacity.',
      },
    ]);
  });

  it('a draft may leave any of them out, or clear them with null', () => {
    expect(validateDraft(type, { sac: {} }, {})).toEqual([]);
    expect(validateDraft(type, { sac: null } as unknown as DecisionContent, {})).toEqual([]);
    expect(validateDraft(type, { sac: { locationOfRisk: null } } as unknown as DecisionContent, {})).toEqual([]);
  });
});

describe('OOH-02: the two-stage capacity test behind a best-interests decision', () => {
  it.each<[string, boolean, string[], boolean, boolean, string[]]>([
    ['impairment, unable to retain, because of it: lacks capacity', true, ['retain'], true, true, []],
    ['all four inabilities', true, ['understand', 'retain', 'use-or-weigh', 'communicate'], true, true, []],
    ['no impairment (stage 1 fails)', false, ['retain'], true, false, ['details.capacity.impairment']],
    ['able to do everything (stage 2 fails)', true, [], true, false, ['details.capacity.unableTo']],
    ['the inability is not because of the impairment', true, ['use-or-weigh'], false, false, ['details.capacity.causalLink']],
    ['nothing found', false, [], false, false, ['details.capacity.impairment', 'details.capacity.unableTo', 'details.capacity.causalLink']],
  ])('%s', (_name, impairment, unableTo, causalLink, lacks, expected) => {
    expect(lacksCapacity({ impairment, unableTo: unableTo as never, causalLink })).toBe(lacks);
    const r = set(complete['best-interests'](), 'details.capacity', {
      ...(complete['best-interests']().details.capacity as object),
      impairment,
      unableTo,
      causalLink,
    });
    const found = missing('best-interests', r);
    expect(found.map((m) => m.field)).toEqual(expected);
    expect(
      found.every(
        (m) => m.rule === 'OOH-02' && m.message.startsWith('A best-interests decision can be made only for a person who lacks capacity'),
      ),
    ).toBe(true);
  });

  it('an inability the MCA does not know is refused in a draft', () => {
    const r = set(complete['best-interests'](), 'details.capacity.unableTo', ['retain', 'walk']);
    expect(validateDraft('best-interests', r.content, r.details)).toEqual([
      {
        field: 'details.capacity.unableTo',
        message:
          'What the person is unable to do: understand, retain, use or weigh the information, or communicate the decision (MCA s.3(1)) may contain only understand, retain, use-or-weigh, communicate; "walk" is not one of them.',
      },
    ]);
  });
});

describe('OOH-04 / OOH-05: DoLS details are checked through statute/dols.ts', () => {
  const ext = (over: Record<string, unknown>, top: Record<string, unknown> = {}): Rec => {
    const r = complete['dols-extension']();
    return { ...r, details: { ...r.details, ...top, extension: { ...EXTENSION, ...over } } };
  };

  it.each<[string, Rec, string[], string[]]>([
    ['a 7-day extension before expiry', ext({}), [], []],
    ['an 8-day extension', ext({ days: 8 }), ['details.extension.days'], ['OOH-05:details.extension.days']],
    ['a second extension', ext({}, { previousExtensions: 1 }), [], ['OOH-05:details.previousExtensions']],
    [
      'an extension decided after the urgent authorisation expired',
      ext({ decidedAt: '2026-11-28T02:00:00Z' }),
      [],
      ['OOH-05:details.extension.decidedAt'],
    ],
    ['no standard authorisation requested', ext({}, { standardRequestedAt: null }), [], ['OOH-05:details.standardRequestedAt']],
    ['exceptional reasons too short', ext({ exceptionalReasons: 'No BIA.' }), [], ['OOH-05:details.extension.exceptionalReasons']],
    ['not essential to continue', ext({ essentialToContinue: false }), [], ['OOH-05:details.extension.essentialToContinue']],
    ['decided before it was asked for', ext({ decidedAt: '2026-11-26T09:00:00Z' }), [], ['OOH-05:details.extension.decidedAt']],
    [
      'a refusal needs no para 84 grounds, and may record the days asked for',
      ext({ decision: 'refused', days: 14, exceptionalReasons: undefined, essentialToContinue: undefined }),
      [],
      [],
    ],
    [
      'a decision that is neither extended nor refused',
      ext({ decision: 'maybe' }),
      ['details.extension.decision'],
      ['OOH-05:details.extension.decision'],
    ],
    ['an extension of 0 days', ext({ days: 0 }), ['details.extension.days'], ['OOH-05:details.extension.days']],
    ['a previousExtensions count that is not a count', ext({}, { previousExtensions: -1 }), ['details.previousExtensions'], []],
  ])('dols-extension: %s', (_name, r, draft, signing) => {
    expect(draftFields('dols-extension', r)).toEqual(draft);
    expect(missing('dols-extension', r).map((m) => `${m.rule}:${m.field}`)).toEqual(signing);
  });

  it.each<[string, Record<string, unknown>, string[], string[]]>([
    ['an urgent authorisation of 8 days is refused even in a draft', { days: 8 }, ['details.days'], ['OOH-04:details.days']],
    [
      'without a standard request it can be signed (the EDT records what it received; dols.ts warns)',
      { standardRequestedAt: null },
      [],
      [],
    ],
    ['a grant time with no offset is refused', { grantedAt: '2026-11-21T02:00' }, ['details.grantedAt'], ['OOH-04:details.grantedAt']],
  ])('dols-urgent-authorisation: %s', (_name, over, draft, signing) => {
    const r = complete['dols-urgent-authorisation']();
    const rec = { ...r, details: { ...r.details, ...over } };
    expect(draftFields('dols-urgent-authorisation', rec)).toEqual(draft);
    expect(missing('dols-urgent-authorisation', rec).map((m) => `${m.rule}:${m.field}`)).toEqual(signing);
  });

  it('the DoLS messages name the local times', () => {
    const [item] = missing('dols-extension', ext({ decidedAt: '2026-11-28T09:00:00Z' }));
    expect(item.message).toContain('already expired (Sat 28 Nov 2026 02:00 GMT)');
  });

  it('dolsFactsFromDetails gives the facts for the clocks, or null when incomplete', () => {
    expect(dolsFactsFromDetails('dols-extension', complete['dols-extension']().details)).toEqual({
      grantedAt: new Date('2026-11-21T02:00:00Z'),
      days: 7,
      standardRequestedAt: new Date('2026-11-21T02:00:00Z'),
      previousExtensions: 0,
      extension: {
        requestedAt: new Date('2026-11-26T10:00:00Z'),
        decidedAt: new Date('2026-11-26T22:15:00Z'),
        days: 7,
        exceptionalReasons: EXTENSION.exceptionalReasons,
        essentialToContinue: true,
        decision: 'extended',
      },
    });
    expect(dolsFactsFromDetails('dols-urgent-authorisation', complete['dols-urgent-authorisation']().details)?.extension).toBeNull();
    expect(dolsFactsFromDetails('dols-urgent-authorisation', { ...UA, grantedAt: undefined })).toBeNull();
    expect(dolsFactsFromDetails('best-interests', complete['dols-extension']().details)).toBeNull();
  });
});

describe("OOH-10: a DoLS decision carries what the DoLS return's case row needs", () => {
  const ALL_MET = { age: 'met', mentalHealth: 'met', mentalCapacity: 'met', bestInterests: 'met', eligibility: 'met', noRefusals: 'met' };
  const GRANTED = {
    assessments: ALL_MET,
    lastAssessedOn: '2026-11-25',
    signedOffOn: '2026-11-26',
    status: 'granted',
    startsOn: '2026-11-26',
    endsOn: '2027-05-25',
  };
  const withSa = (type: 'dols-urgent-authorisation' | 'dols-extension', sa: unknown): Rec =>
    set(complete[type](), 'details.standardAuthorisation', sa);

  // Signing: optional out of hours; once given, complete for its status.
  it.each<[string, unknown, string[]]>([
    ['not yet signed off: nothing more', { status: 'not-yet-signed-off' }, []],
    ['withdrawn', { status: 'withdrawn' }, []],
    ['partly assessed, not yet signed off', { status: 'not-yet-signed-off', assessments: { age: 'met' } }, []],
    ['given without a status', { assessments: { age: 'met' } }, ['details.standardAuthorisation.status']],
    ['granted, complete', GRANTED, []],
    ['granted, a full year (the last day is the day before the anniversary)', { ...GRANTED, endsOn: '2027-11-25' }, []],
    [
      'granted with nothing else',
      { status: 'granted' },
      [
        'details.standardAuthorisation.assessments',
        'details.standardAuthorisation.lastAssessedOn',
        'details.standardAuthorisation.signedOffOn',
        'details.standardAuthorisation.startsOn',
        'details.standardAuthorisation.endsOn',
      ],
    ],
    [
      'granted with an assessment not recorded',
      { ...GRANTED, assessments: { ...ALL_MET, eligibility: undefined } },
      ['details.standardAuthorisation.assessments.eligibility'],
    ],
    [
      'not granted: assessments and dates, no period',
      { status: 'not-granted', signedOffOn: '2026-11-26' },
      ['details.standardAuthorisation.assessments', 'details.standardAuthorisation.lastAssessedOn'],
    ],
  ])('%s', (_name, sa, expected) => {
    for (const type of ['dols-urgent-authorisation', 'dols-extension'] as const) {
      const r = withSa(type, sa);
      expect(draftFields(type, r)).toEqual([]);
      const found = missing(type, r);
      expect(found.map((m) => m.field)).toEqual(expected);
      expect(found.every((m) => m.rule === 'OOH-10')).toBe(true);
    }
  });

  it.each<[string, unknown, string, string]>([
    [
      'granted with a requirement not met',
      { ...GRANTED, assessments: { ...ALL_MET, bestInterests: 'not-met' } },
      'details.standardAuthorisation.assessments',
      'A standard authorisation is granted only when all six requirements are met (MCA Sch A1 para 50); one is recorded as not met.',
    ],
    [
      'not granted with all six met',
      { status: 'not-granted', assessments: ALL_MET, lastAssessedOn: '2026-11-25', signedOffOn: '2026-11-26' },
      'details.standardAuthorisation.assessments',
      'All six requirements are recorded as met, so the authorisation must be granted (MCA Sch A1 para 50): record the one not met, or the status.',
    ],
    [
      'longer than a year',
      { ...GRANTED, endsOn: '2027-11-26' },
      'details.standardAuthorisation.endsOn',
      'A standard authorisation lasts at most one year (MCA Sch A1 para 42(2)): from 2026-11-26 to 2027-11-25 at the latest.',
    ],
    [
      'ending before it starts',
      { ...GRANTED, endsOn: '2026-11-20' },
      'details.standardAuthorisation.endsOn',
      'The authorisation cannot end before it starts.',
    ],
    [
      'a period for one not granted',
      { status: 'withdrawn', startsOn: '2026-11-26' },
      'details.standardAuthorisation.startsOn',
      'An authorisation period is recorded only for a granted authorisation.',
    ],
    [
      'signed off before the last assessment',
      { ...GRANTED, signedOffOn: '2026-11-24' },
      'details.standardAuthorisation.signedOffOn',
      'The sign-off cannot be before the last assessment.',
    ],
    [
      'an impossible date',
      { ...GRANTED, lastAssessedOn: '2026-02-30' },
      'details.standardAuthorisation.lastAssessedOn',
      'The date of the last assessment must be a date, such as 2026-11-21.',
    ],
    [
      'an unknown status',
      { status: 'pending' },
      'details.standardAuthorisation.status',
      'The status of the standard authorisation request must be one of not-yet-signed-off, granted, not-granted, withdrawn, not "pending".',
    ],
    [
      'an assessment outcome neither met nor not met',
      { status: 'not-yet-signed-off', assessments: { age: 'yes' } },
      'details.standardAuthorisation.assessments.age',
      'Whether the age requirement is met must be one of met, not-met, not "yes".',
    ],
  ])('refused in a draft: %s', (_name, sa, field, message) => {
    const r = withSa('dols-urgent-authorisation', sa);
    expect(validateDraft('dols-urgent-authorisation', r.content, r.details)).toEqual([{ field, message }]);
  });

  it('the case row: date received (local), urgent authorisation included, the six assessments, sign-off, status, period', () => {
    // Requested at 23:30 GMT on 20 Nov is received on 20 Nov; 23:30 UTC on 1 Jul is 00:30 BST on 2 Jul.
    const r = withSa('dols-extension', GRANTED);
    expect(dolsReturnRow('dols-extension', { ...r.details, standardRequestedAt: '2026-11-20T23:30:00Z' }, LONDON)).toEqual({
      dateReceived: '2026-11-20',
      urgentAuthorisationIncluded: true,
      assessments: ALL_MET,
      lastAssessedOn: '2026-11-25',
      signedOffOn: '2026-11-26',
      status: 'granted',
      startsOn: '2026-11-26',
      endsOn: '2027-05-25',
    });
    const summer = dolsReturnRow('dols-urgent-authorisation', { ...UA, standardRequestedAt: '2026-07-01T23:30:00Z' }, LONDON);
    expect(summer).toEqual({
      dateReceived: '2026-07-02',
      urgentAuthorisationIncluded: true,
      assessments: { age: null, mentalHealth: null, mentalCapacity: null, bestInterests: null, eligibility: null, noRefusals: null },
      lastAssessedOn: null,
      signedOffOn: null,
      status: 'not-yet-signed-off',
      startsOn: null,
      endsOn: null,
    });
  });

  it('no row without a standard request, or for another type', () => {
    expect(dolsReturnRow('dols-urgent-authorisation', { ...UA, standardRequestedAt: null }, LONDON)).toBeNull();
    expect(dolsReturnRow('adult-safeguarding', complete['adult-safeguarding']().details, LONDON)).toBeNull();
  });
});

describe('OOH-DA: delegated authority over costs', () => {
  const APPROVED: Escalation = { to: 'Sam Reid', role: 'Head of adult social care', at: '2026-11-21T02:40:00Z', outcome: 'approved' };
  const placement = (costPence: number) => set(complete['emergency-placement'](), 'details.costPence', costPence);

  it.each<[string, number, Escalation | null, string[]]>([
    ['below the limit, no escalation', LIMIT - 1, null, []],
    ['at the limit exactly, no escalation', LIMIT, null, []],
    ['above the limit, no escalation', LIMIT + 1, null, ['escalation']],
    ['above the limit, escalation approved', 350_000, APPROVED, []],
    ['above the limit, escalation declined', 350_000, { ...APPROVED, outcome: 'declined' }, ['escalation']],
    ['above the limit, approved but not saying by whom', 350_000, { ...APPROVED, to: '' }, ['escalation.to']],
    ['above the limit, approved with no time', 350_000, { ...APPROVED, at: 'tonight' }, ['escalation.at']],
  ])('emergency placement %s', (_name, cost, escalation, expected) => {
    expect(fields('emergency-placement', placement(cost), { escalation })).toEqual(expected);
  });

  it('the message names the limit in pounds', () => {
    expect(missing('emergency-placement', placement(250_000))).toEqual([
      {
        field: 'escalation',
        rule: 'OOH-DA',
        message:
          'The cost of £2,500.00 is above the delegated-authority limit of £2,000.00: record the escalation to a senior manager and their approval.',
      },
    ]);
  });

  it('the cost in the details and on the decision must agree', () => {
    const r = complete['emergency-placement']();
    expect(fields('emergency-placement', r, { costPence: null })).toEqual(['costPence']);
    const [item] = missing('emergency-placement', r, { costPence: 120_000 });
    expect(item).toEqual({
      field: 'costPence',
      rule: 'OOH-DA',
      message: 'The cost committed (£1,200.00) differs from the cost in the placement details (£1,500.00); correct one of them.',
    });
  });

  it('any decision committing more than the limit needs the approval', () => {
    expect(fields('carer-breakdown', complete['carer-breakdown'](), { costPence: 500_000 })).toEqual(['escalation']);
  });

  it('a negative cost is refused in a draft', () => {
    expect(draftFields('emergency-placement', placement(-5))).toEqual(['details.costPence']);
  });

  it.each([
    [0, '£0.00'],
    [5, '£0.05'],
    [200_000, '£2,000.00'],
    [123_456_789, '£1,234,567.89'],
  ])('formatPounds(%p) is %p', (pence, text) => {
    expect(formatPounds(pence)).toBe(text);
  });
});

describe('validateDraft: structurally wrong values are refused even in a draft', () => {
  const base = (type: DecisionType = 'adult-safeguarding') => complete[type]();
  it.each<[string, DecisionType, Rec, string[]]>([
    [
      'an unknown legal framework',
      'adult-safeguarding',
      set(base(), 'content.legalFrameworks', ['care-act-s42', 'lps']),
      ['content.legalFrameworks[1]'],
    ],
    [
      'an option both chosen and rejected',
      'adult-safeguarding',
      set(base(), 'content.options[0].whyRejected', 'Too costly'),
      ['content.options[0].whyRejected'],
    ],
    [
      'a consultee both reached and not reached',
      'adult-safeguarding',
      set(base(), 'content.consultees[0].notReachedReason', 'No answer'),
      ['content.consultees[0]'],
    ],
    [
      'a consultation time that is not a date-time',
      'adult-safeguarding',
      set(base(), 'content.consultees[0].at', '21/11/2026 01:30'),
      ['content.consultees[0].at'],
    ],
    [
      'an action owner that is not a user id',
      'adult-safeguarding',
      set(base(), 'content.actions[0].ownerUserId', 'Jo Bloggs'),
      ['content.actions[0].ownerUserId'],
    ],
    [
      'an action due date that is not a date-time',
      'adult-safeguarding',
      set(base(), 'content.actions[0].dueAt', 'Monday'),
      ['content.actions[0].dueAt'],
    ],
    ['an unknown content field', 'adult-safeguarding', set(base(), 'content.questoin', 'typo'), ['content.questoin']],
    ['an unknown details field', 'adult-safeguarding', set(base(), 'details.s42.reasonableCause', true), ['details.s42.reasonableCause']],
    ['text where a list belongs', 'adult-safeguarding', set(base(), 'content.factSources', 'Police'), ['content.factSources']],
    ['a number where text belongs', 'adult-safeguarding', set(base(), 'content.decision', 42), ['content.decision']],
    [
      'a boolean option flag given as text',
      'adult-safeguarding',
      set(base(), 'content.options[1].chosen', 'no'),
      ['content.options[1].chosen'],
    ],
    ['details that are not an object', 'adult-safeguarding', { content: content(), details: [] as never }, ['details']],
    [
      'a DoLS urgent authorisation of 8 days',
      'dols-urgent-authorisation',
      set(base('dols-urgent-authorisation'), 'details.days', 8),
      ['details.days'],
    ],
    ['a DoLS extension of 8 days', 'dols-extension', set(base('dols-extension'), 'details.extension.days', 8), ['details.extension.days']],
    [
      'a placement start with no offset',
      'emergency-placement',
      set(base('emergency-placement'), 'details.startsAt', '2026-11-21T03:00:00'),
      ['details.startsAt'],
    ],
    [
      'a placement cost in pounds and pence',
      'emergency-placement',
      set(base('emergency-placement'), 'details.costPence', 1500.5),
      ['details.costPence'],
    ],
    [
      'an impossible date',
      'child-protection-referral',
      set(base('child-protection-referral'), 'details.contactedAt', '2026-02-30T10:00:00Z'),
      ['details.contactedAt'],
    ],
  ])('%s', (_name, type, r, expected) => {
    expect(draftFields(type, r)).toEqual(expected);
  });

  it('an unknown decision type is refused', () => {
    expect(validateDraft('lps' as DecisionType, {}, {})).toEqual([
      { field: 'type', message: expect.stringContaining('"lps" is not a decision type') },
    ]);
  });

  it.each(DECISION_TYPES.map((t) => [t]))('an empty %s draft, or one of nulls, is fine', (type) => {
    expect(validateDraft(type, {}, {})).toEqual([]);
    const nulls = { question: null, legalFrameworks: null, consultees: null } as unknown as DecisionContent;
    expect(validateDraft(type, nulls, {})).toEqual([]);
  });

  it("'other' details are free-form", () => {
    expect(validateDraft('other', {}, { anything: 'goes' })).toEqual([]);
  });

  it('the messages are plain sentences', () => {
    const r = set(set(base(), 'content.legalFrameworks', ['lps']), 'content.options[0].whyRejected', 'Too costly');
    expect(validateDraft('adult-safeguarding', r.content, r.details)).toEqual([
      {
        field: 'content.legalFrameworks[0]',
        message:
          '"lps" is not a legal framework this record knows (care-act-s42, care-act-other, mca-s5, mca-best-interests, dols, mha, children-act, common-law, other).',
      },
      {
        field: 'content.options[0].whyRejected',
        message: 'Option 1 is marked chosen and also has a reason it was rejected; an option is one or the other.',
      },
    ]);
    expect(validateDraft('dols-urgent-authorisation', {}, { days: 8 })).toEqual([
      { field: 'details.days', message: 'The number of days the urgent authorisation lasts must be a whole number from 1 to 7, not 8.' },
    ]);
  });
});

describe('OOH-07: the legal framework against its context', () => {
  const codes = (type: DecisionType, frameworks: DecisionContent['legalFrameworks'], mhaAssessmentInProgress: boolean) =>
    legalFrameworkWarnings(type, { legalFrameworks: frameworks }, { mhaAssessmentInProgress }).map(
      (f) => `${f.rule}:${f.severity}:${f.code}`,
    );

  it.each<[string, DecisionType, DecisionContent['legalFrameworks'], boolean, string[]]>([
    ['MCA s.5-6 during an MHA assessment', 'best-interests', ['mca-s5'], true, ['OOH-07:warning:mca-during-mha-assessment']],
    [
      'an MCA best-interests decision during an MHA assessment',
      'best-interests',
      ['mca-best-interests'],
      true,
      ['OOH-07:warning:mca-during-mha-assessment'],
    ],
    ['the common law during an MHA assessment', 'other', ['common-law'], true, ['OOH-07:warning:common-law-during-mha-assessment']],
    ['MCA s.5-6 with no MHA assessment', 'best-interests', ['mca-s5'], false, []],
    ['the MHA during an MHA assessment', 'other', ['mha'], true, []],
    [
      'a DoLS urgent authorisation without DoLS',
      'dols-urgent-authorisation',
      ['mca-best-interests'],
      false,
      ['OOH-07:warning:dols-framework-missing'],
    ],
    ['a DoLS extension with no framework yet', 'dols-extension', undefined, false, ['OOH-07:warning:dols-framework-missing']],
    ['a DoLS extension relying on DoLS', 'dols-extension', ['dols'], false, []],
    [
      'a DoLS extension relying on DoLS and MCA s.5 during an MHA assessment',
      'dols-extension',
      ['dols', 'mca-s5'],
      true,
      ['OOH-07:warning:mca-during-mha-assessment'],
    ],
    ['a non-DoLS decision without DoLS', 'carer-breakdown', ['care-act-other'], false, []],
  ])('%s', (_name, type, frameworks, mha, expected) => {
    expect(codes(type, frameworks, mha)).toEqual(expected);
  });

  it('the Sessay warning cites the case and the MHA powers', () => {
    const [f] = legalFrameworkWarnings('best-interests', { legalFrameworks: ['mca-s5'] }, { mhaAssessmentInProgress: true });
    expect(f.citation).toBe('MHA 1983 ss.135-136; R (Sessay) v South London and Maudsley NHS Foundation Trust [2011] EWHC 2617 (QB)');
    expect(f.message).toContain('no authority to remove the person or keep them anywhere');
  });
});

describe('who and when a decision is about: OOH-04 (DoLS from 18), OOH-01 (s.42 to adults), OOH-02 (capacity is time-specific)', () => {
  const at = new Date('2026-11-21T02:45:00Z');
  const codes = (type: Parameters<typeof subjectFindings>[0], age: number | null, assessedAt?: string) =>
    subjectFindings(type, assessedAt ? { capacity: { assessedAt } } : {}, { age, occurredAt: at }).map(
      (f) => `${f.rule}:${f.severity}:${f.code}`,
    );
  it.each<[string, Parameters<typeof subjectFindings>[0], number | null, string | undefined, string[]]>([
    ['DoLS for a 17-year-old', 'dols-urgent-authorisation', 17, undefined, ['OOH-04:blocker:dols-under-18']],
    ['a DoLS extension for a 17-year-old', 'dols-extension', 17, undefined, ['OOH-04:blocker:dols-under-18']],
    ['DoLS on the 18th birthday', 'dols-urgent-authorisation', 18, undefined, []],
    ['DoLS, age not known', 'dols-urgent-authorisation', null, undefined, []],
    ['s.42 for a 16-year-old', 'adult-safeguarding', 16, undefined, ['OOH-01:blocker:s42-under-18']],
    ['s.42 for an adult', 'adult-safeguarding', 40, undefined, []],
    ['a best-interests decision for a child is not this rule', 'best-interests', 16, undefined, []],
    ['capacity assessed five minutes before', 'best-interests', 80, '2026-11-21T02:40:00Z', []],
    ['capacity assessed exactly 7 days before', 'best-interests', 80, '2026-11-14T02:45:00Z', []],
    [
      'capacity assessed 7 days and a minute before',
      'best-interests',
      80,
      '2026-11-14T02:44:00Z',
      ['OOH-02:warning:capacity-assessment-not-current'],
    ],
    [
      'capacity assessed after the decision',
      'best-interests',
      80,
      '2026-11-21T02:46:00Z',
      ['OOH-02:blocker:capacity-assessed-after-decision'],
    ],
  ])('%s', (_name, type, age, assessedAt, expected) => {
    expect(codes(type, age, assessedAt)).toEqual(expected);
  });
});

describe('OOH-04 / OOH-05: one urgent authorisation per detention, extended once, whatever the free text says', () => {
  const dora = { id: 'p-dora', name: 'Dora Probe', dateOfBirth: '1942-01-01' };
  let n = 0;
  const rec = (over: Partial<DolsRecord> & { grantedAt?: Date }): DolsRecord => ({
    decisionId: `d${++n}`,
    type: 'dols-urgent-authorisation',
    person: dora,
    managingAuthority: 'Probe Lodge',
    grantedAt: new Date('2026-11-20T20:00:00Z'),
    days: 7,
    extension: null,
    ...over,
  });
  const extended = (over: Partial<DolsRecord> = {}) =>
    rec({ type: 'dols-extension', extension: { decision: 'extended', days: 7 }, ...over });

  it.each([
    // [a, b, same person]
    [dora, dora, true],
    [dora, { ...dora, id: 'p-other' }, false],
    [{ id: null, name: 'Robin  Unknown', dateOfBirth: null }, { id: null, name: 'robin unknown', dateOfBirth: '1950-02-02' }, true],
    [
      { id: null, name: 'Mrs Édith Marlow', dateOfBirth: '1938-10-04' },
      { id: 'p1', name: 'Edith Marlow', dateOfBirth: '1938-10-04' },
      true,
    ],
    [{ id: null, name: 'Kit Young', dateOfBirth: '1940-01-01' }, { id: null, name: 'Kit Young', dateOfBirth: '2008-11-21' }, false],
    [{ id: null, name: 'Kit Young', dateOfBirth: null }, { id: null, name: 'Kit Yong', dateOfBirth: null }, false],
    [{ id: null, name: null, dateOfBirth: null }, { id: null, name: null, dateOfBirth: null }, false],
  ])('people %j and %j: same %s', (a, b, same) => expect(sameDolsPerson(a, b)).toBe(same));

  it.each([
    ['Probe Lodge', 'Probe Lodge Care Home', true],
    ['Probe Lodge', '  probe lodge ', true],
    ["St Mary's", 'St. Marys Nursing Home', true],
    ['Oakhouse', 'Oak House', true],
    ['Northshire General Hospital', 'Northshire General', true],
    ['Oak House', 'Oak Lodge', false],
    ['Oak House', 'Elm House', false],
    ['Care Home', 'Nursing Home', false],
  ])('homes "%s" and "%s": same %s', (a, b, same) => expect(sameManagingAuthority(a, b)).toBe(same));

  // UA 1: Probe Lodge, Fri 20 Nov 20:00 GMT for 7 days, extended by 7 days on 26 Nov: in force until 4 Dec 20:00Z
  // (DoLS days are N x 24 hours from the grant by default; counted in local calendar days, to the end of Thu 3 Dec).
  const ua1 = rec({});
  const ext1 = extended({});
  it.each<[string, DolsRecord, DolsRecord[], string[], number]>([
    // [case, current, earlier, finding codes, extensions granted before]
    ['the first extension of an urgent authorisation', extended({}), [ua1], [], 0],
    [
      'a second extension, the grant written a minute later',
      extended({ grantedAt: new Date('2026-11-20T20:01:00Z') }),
      [ua1, ext1],
      ['second-extension'],
      1,
    ],
    [
      'a second extension, the grant written an hour off (BST)',
      extended({ grantedAt: new Date('2026-11-20T19:00:00Z') }),
      [ext1],
      ['second-extension'],
      1,
    ],
    [
      'a second extension, the home written differently',
      extended({ managingAuthority: 'Probe Lodge Care Home' }),
      [ext1],
      ['second-extension'],
      1,
    ],
    [
      'a second request after a refusal',
      extended({}),
      [rec({ type: 'dols-extension', extension: { decision: 'refused', days: 0 } })],
      ['second-extension'],
      0,
    ],
    [
      'recording the refusal of a second request',
      rec({ type: 'dols-extension', extension: { decision: 'refused', days: 0 } }),
      [ext1],
      [],
      1,
    ],
    [
      'a new urgent authorisation the minute the extended one ends (rolling)',
      rec({ grantedAt: new Date('2026-12-04T20:00:00Z') }),
      [ua1, ext1],
      ['urgent-authorisation-in-same-detention'], // the extension's record: the first alone ended a week before
      1,
    ],
    [
      'a new urgent authorisation while the first runs',
      rec({ grantedAt: new Date('2026-11-24T08:00:00Z') }),
      [ua1],
      ['urgent-authorisation-in-same-detention'],
      0,
    ],
    [
      'a new urgent authorisation 23 hours after the first ended',
      rec({ grantedAt: new Date('2026-11-28T19:00:00Z') }),
      [ua1],
      ['urgent-authorisation-in-same-detention'],
      0,
    ],
    [
      'the extension of a rolling urgent authorisation',
      extended({ grantedAt: new Date('2026-12-04T20:00:00Z') }),
      [ua1, ext1],
      ['urgent-authorisation-in-same-detention', 'second-extension'],
      1,
    ],
    ['a new detention a week after the first ended', rec({ grantedAt: new Date('2026-12-11T20:00:00Z') }), [ua1, ext1], [], 0],
    [
      'another person at the same home',
      rec({ person: { ...dora, id: 'p-other' }, grantedAt: new Date('2026-11-24T08:00:00Z') }),
      [ua1],
      [],
      0,
    ],
    ['the same urgent authorisation recorded twice', rec({ grantedAt: new Date('2026-11-20T20:30:00Z') }), [ua1], [], 0],
    [
      'a move: another home while the first runs',
      rec({ managingAuthority: 'Elm House', grantedAt: new Date('2026-11-24T08:00:00Z') }),
      [ua1],
      ['dols-other-managing-authority'],
      0,
    ],
  ])('%s', (_case, current, earlier, codes, granted) => {
    const episode = dolsEpisode(current, earlier, LONDON);
    expect(episode.findings.map((f) => f.code)).toEqual(codes);
    expect(episode.extensionsGranted).toBe(granted);
  });

  it('with the default (24-hour days from the grant) a grant 23 hours after the first ended is in the same detention; counted in local days, a new one', () => {
    const late = rec({ grantedAt: new Date('2026-11-28T19:00:00Z') });
    expect(dolsEpisode(late, [ua1], LONDON, 'elapsed-hours').findings.map((f) => f.code)).toEqual([
      'urgent-authorisation-in-same-detention',
    ]);
    // Counted in local days the first ended at the end of Thu 26 Nov: 43 hours before, a new detention.
    expect(dolsEpisode(late, [ua1], LONDON, 'local-days').findings).toEqual([]);
  });

  it('names the earlier decision, its grant and its end, and the paragraph', () => {
    const [f] = dolsEpisode(rec({ grantedAt: new Date('2026-12-04T20:00:00Z') }), [ext1], LONDON).findings;
    expect(f).toMatchObject({ rule: 'OOH-04', severity: 'blocker', citation: 'MCA 2005 Sch A1 para 77(1)-(2)' });
    expect(f.message).toContain(`Decision ${ext1.decisionId}`);
    expect(f.message).toContain('in force until Fri 4 Dec 2026 20:00');
    expect(f.message).toContain('para 77(2)');
  });

  it('reads the record from the details; without a home, grant or days there is nothing to match', () => {
    const details = { managingAuthority: 'Probe Lodge', grantedAt: '2026-11-20T20:00:00Z', days: 7, standardRequestedAt: null };
    expect(dolsRecordOf('x', 'dols-urgent-authorisation', dora, details)).toMatchObject({
      grantedAt: new Date('2026-11-20T20:00:00Z'),
      extension: null,
    });
    expect(dolsRecordOf('x', 'dols-extension', dora, { ...details, extension: { decision: 'extended', days: 5 } })?.extension).toEqual({
      decision: 'extended',
      days: 5,
    });
    expect(dolsRecordOf('x', 'dols-urgent-authorisation', dora, { ...details, managingAuthority: ' ' })).toBeNull();
    expect(dolsRecordOf('x', 'best-interests', dora, details)).toBeNull();
    expect(dolsAuthorisedUntil(ext1, LONDON)).toEqual(new Date('2026-12-04T20:00:00Z'));
    expect(dolsAuthorisedUntil(ext1, LONDON, 'local-days')).toEqual(new Date('2026-12-04T00:00:00Z'));
  });
});

describe('OOH-08(12), AMHP-07: who signs on the authority of an AMHP approval', () => {
  it.each(DECISION_TYPES.map((type) => [type]))('%s: an AMHP does, a manager (AMHP or not) does not', (type) => {
    expect(signsOnAmhpApproval(type, ['amhp'])).toBe(true);
    expect(signsOnAmhpApproval(type, ['manager'])).toBe(false);
    expect(signsOnAmhpApproval(type, ['amhp', 'manager'])).toBe(false);
    expect(DECISION_MAKER_AUTHORITY[type].basis).toMatch(/duty AMHP/);
  });
});
