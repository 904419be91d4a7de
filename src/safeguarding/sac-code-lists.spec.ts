import {
  SAC_ACTIONS,
  SAC_ACTIONS_WITH_RISK_OUTCOME,
  SAC_CAPACITY_SUPPORT,
  SAC_CODE_LISTS,
  SAC_LACKED_CAPACITY,
  SAC_LOCATIONS_OF_RISK,
  SAC_MSP_ASKED,
  SAC_MSP_OUTCOMES_ACHIEVED,
  SAC_RISK_OUTCOMES,
  SAC_SOURCES_OF_RISK,
  SAC_TYPES_OF_RISK,
  sacCodes,
  sacLabel,
  sacWithLabels,
} from './sac-code-lists';

// Each list as the Safeguarding Adults Collection asks for it: [code, label], in the return's order.
const LISTS: Array<[string, Record<string, string>, Array<[string, string]>]> = [
  [
    'SG2a type of risk',
    SAC_TYPES_OF_RISK,
    [
      ['physical', 'Physical abuse'],
      ['sexual', 'Sexual abuse'],
      ['psychological', 'Psychological abuse'],
      ['financial-or-material', 'Financial or material abuse'],
      ['discriminatory', 'Discriminatory abuse'],
      ['organisational', 'Organisational abuse'],
      ['neglect-and-acts-of-omission', 'Neglect and acts of omission'],
      ['domestic-abuse', 'Domestic abuse'],
      ['sexual-exploitation', 'Sexual exploitation'],
      ['modern-slavery', 'Modern slavery'],
      ['self-neglect', 'Self-neglect'],
    ],
  ],
  [
    'SG2b location of risk',
    SAC_LOCATIONS_OF_RISK,
    [
      ['own-home', 'Own home'],
      ['in-the-community', 'In the community (excluding community services)'],
      ['in-a-community-service', 'In a community service'],
      ['care-home-nursing', 'Care home - nursing'],
      ['care-home-residential', 'Care home - residential'],
      ['hospital-acute', 'Hospital - acute'],
      ['hospital-mental-health', 'Hospital - mental health'],
      ['hospital-community', 'Hospital - community'],
      ['other', 'Other'],
    ],
  ],
  [
    'SG2b source of risk',
    SAC_SOURCES_OF_RISK,
    [
      ['service-provider', 'Service provider'],
      ['other-known-to-individual', 'Other - known to individual'],
      ['other-unknown-to-individual', 'Other - unknown to individual'],
    ],
  ],
  [
    'SG3a capacity',
    SAC_LACKED_CAPACITY,
    [
      ['yes', 'Yes, they lacked capacity'],
      ['no', 'No, they did not lack capacity'],
      ['dont-know', "Don't know"],
      ['not-recorded', 'Not recorded'],
    ],
  ],
  [
    'SG3b support for a person lacking capacity',
    SAC_CAPACITY_SUPPORT,
    [
      ['yes', 'Yes, supported by an advocate, family or friend'],
      ['no', 'No, not supported'],
      ['dont-know', "Don't know"],
    ],
  ],
  [
    'SG4a Making Safeguarding Personal: asked',
    SAC_MSP_ASKED,
    [
      ['asked-outcomes-expressed', 'Yes, they were asked and outcomes were expressed'],
      ['asked-no-outcomes-expressed', 'Yes, they were asked but no outcomes were expressed'],
      ['not-asked', 'No, they were not asked'],
    ],
  ],
  [
    'SG4b Making Safeguarding Personal: outcomes achieved',
    SAC_MSP_OUTCOMES_ACHIEVED,
    [
      ['fully', 'Fully achieved'],
      ['partially', 'Partially achieved'],
      ['not', 'Not achieved'],
    ],
  ],
  [
    'SG2c action taken and result',
    SAC_ACTIONS,
    [
      ['risk-identified-action-taken', 'Risk identified and action taken'],
      ['risk-identified-no-action', 'Risk identified and no action taken'],
      ['risk-inconclusive-action-taken', 'Risk - assessment inconclusive and action taken'],
      ['risk-inconclusive-no-action', 'Risk - assessment inconclusive and no action taken'],
      ['no-risk-action-taken', 'No risk identified and action taken'],
      ['no-risk-no-action', 'No risk identified and no action taken'],
      ['ceased-at-individual-request', "Enquiry ceased at individual's request and no action taken"],
    ],
  ],
  [
    'SG2e risk outcome',
    SAC_RISK_OUTCOMES,
    [
      ['remained', 'Risk remained'],
      ['reduced', 'Risk reduced'],
      ['removed', 'Risk removed'],
    ],
  ],
];

describe('the Safeguarding Adults Collection code lists', () => {
  it.each(LISTS)('%s has every category of the return, with its label, in order', (_name, list, expected) => {
    expect(Object.entries(list)).toEqual(expected);
  });

  it('each field of a s.42 record has exactly one of those lists', () => {
    expect(Object.values(SAC_CODE_LISTS)).toEqual(LISTS.map(([, list]) => list));
    expect(sacCodes('sourceOfRisk')).toEqual(['service-provider', 'other-known-to-individual', 'other-unknown-to-individual']);
  });

  it('codes are stable lower-case identifiers and no label is repeated within a list', () => {
    for (const [, list] of LISTS) {
      for (const code of Object.keys(list)) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(new Set(Object.values(list)).size).toBe(Object.keys(list).length);
    }
  });

  it('the risk outcome is asked for after action on a risk identified or inconclusive, and only then', () => {
    expect([...SAC_ACTIONS_WITH_RISK_OUTCOME]).toEqual(['risk-identified-action-taken', 'risk-inconclusive-action-taken']);
    for (const code of SAC_ACTIONS_WITH_RISK_OUTCOME) expect(Object.hasOwn(SAC_ACTIONS, code)).toBe(true);
  });

  it.each<[string, unknown, string | undefined]>([
    ['typeOfRisk', 'modern-slavery', 'Modern slavery'],
    ['locationOfRisk', 'hospital-mental-health', 'Hospital - mental health'],
    ['action', 'ceased-at-individual-request', "Enquiry ceased at individual's request and no action taken"],
    ['typeOfRisk', 'Physical abuse', undefined],
    ['locationOfRisk', 'toString', undefined],
    ['sourceOfRisk', '__proto__', undefined],
    ['riskOutcome', 3, undefined],
  ])('%s %j reads %j', (field, code, label) => {
    expect(sacLabel(field as keyof typeof SAC_CODE_LISTS, code)).toBe(label);
  });
});

describe('a record’s SAC codes read back with their labels', () => {
  it('lists and single codes each carry their label; the concluded flag is kept', () => {
    expect(
      sacWithLabels({
        typeOfRisk: ['financial-or-material', 'psychological'],
        locationOfRisk: 'own-home',
        sourceOfRisk: 'other-known-to-individual',
        lackedCapacity: 'no',
        mspAsked: 'asked-outcomes-expressed',
        enquiryConcluded: true,
        action: 'risk-identified-action-taken',
        riskOutcome: 'reduced',
        mspOutcomesAchieved: 'partially',
      }),
    ).toEqual({
      typeOfRisk: [
        { code: 'financial-or-material', label: 'Financial or material abuse' },
        { code: 'psychological', label: 'Psychological abuse' },
      ],
      locationOfRisk: { code: 'own-home', label: 'Own home' },
      sourceOfRisk: { code: 'other-known-to-individual', label: 'Other - known to individual' },
      lackedCapacity: { code: 'no', label: 'No, they did not lack capacity' },
      mspAsked: { code: 'asked-outcomes-expressed', label: 'Yes, they were asked and outcomes were expressed' },
      mspOutcomesAchieved: { code: 'partially', label: 'Partially achieved' },
      action: { code: 'risk-identified-action-taken', label: 'Risk identified and action taken' },
      riskOutcome: { code: 'reduced', label: 'Risk reduced' },
      enquiryConcluded: true,
    });
  });

  it('a record with none (signed before the return was asked for) reads as null; a code no longer listed has no label', () => {
    expect(sacWithLabels(undefined)).toBeNull();
    expect(sacWithLabels(null)).toBeNull();
    expect(sacWithLabels(['physical'])).toBeNull();
    expect(sacWithLabels({ locationOfRisk: 'ward-7', typeOfRisk: null })).toEqual({ locationOfRisk: { code: 'ward-7', label: null } });
  });
});
