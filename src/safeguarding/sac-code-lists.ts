/**
 * The Safeguarding Adults Collection (SAC) categories, as codes and labels: the annual return a council makes of its
 * Care Act 2014 s.42 enquiries (tables SG2 type, location and source of risk, action and result; SG3 capacity; SG4
 * Making Safeguarding Personal). A s.42 decision stores the codes (`content.sac`, OOH-09); reports and screens show
 * the labels. Each list is complete for the return, so a stored code always has a label. Check the current year's
 * SAC guidance before the return is made: categories are occasionally added.
 */

type CodeList = Record<string, string>;

/** SG2a: type of risk. More than one may apply to one enquiry. */
export const SAC_TYPES_OF_RISK = {
  physical: 'Physical abuse',
  sexual: 'Sexual abuse',
  psychological: 'Psychological abuse',
  'financial-or-material': 'Financial or material abuse',
  discriminatory: 'Discriminatory abuse',
  organisational: 'Organisational abuse',
  'neglect-and-acts-of-omission': 'Neglect and acts of omission',
  'domestic-abuse': 'Domestic abuse',
  'sexual-exploitation': 'Sexual exploitation',
  'modern-slavery': 'Modern slavery',
  'self-neglect': 'Self-neglect',
} as const satisfies CodeList;

/** SG2b: location of risk. */
export const SAC_LOCATIONS_OF_RISK = {
  'own-home': 'Own home',
  'in-the-community': 'In the community (excluding community services)',
  'in-a-community-service': 'In a community service',
  'care-home-nursing': 'Care home - nursing',
  'care-home-residential': 'Care home - residential',
  'hospital-acute': 'Hospital - acute',
  'hospital-mental-health': 'Hospital - mental health',
  'hospital-community': 'Hospital - community',
  other: 'Other',
} as const satisfies CodeList;

/** SG2b: source of risk. */
export const SAC_SOURCES_OF_RISK = {
  'service-provider': 'Service provider',
  'other-known-to-individual': 'Other - known to individual',
  'other-unknown-to-individual': 'Other - unknown to individual',
} as const satisfies CodeList;

/** SG3a: whether the individual lacked capacity to make decisions about their safeguarding. */
export const SAC_LACKED_CAPACITY = {
  yes: 'Yes, they lacked capacity',
  no: 'No, they did not lack capacity',
  'dont-know': "Don't know",
  'not-recorded': 'Not recorded',
} as const satisfies CodeList;

/** SG3b: for an individual who lacked capacity, whether they were supported by an advocate, family or friend. */
export const SAC_CAPACITY_SUPPORT = {
  yes: 'Yes, supported by an advocate, family or friend',
  no: 'No, not supported',
  'dont-know': "Don't know",
} as const satisfies CodeList;

/** SG4a: Making Safeguarding Personal, whether the individual was asked about their desired outcomes. */
export const SAC_MSP_ASKED = {
  'asked-outcomes-expressed': 'Yes, they were asked and outcomes were expressed',
  'asked-no-outcomes-expressed': 'Yes, they were asked but no outcomes were expressed',
  'not-asked': 'No, they were not asked',
} as const satisfies CodeList;

/** SG4b: for an individual who expressed outcomes, whether the enquiry achieved them. */
export const SAC_MSP_OUTCOMES_ACHIEVED = {
  fully: 'Fully achieved',
  partially: 'Partially achieved',
  not: 'Not achieved',
} as const satisfies CodeList;

/** SG2c: action taken and result, on a concluded enquiry. */
export const SAC_ACTIONS = {
  'risk-identified-action-taken': 'Risk identified and action taken',
  'risk-identified-no-action': 'Risk identified and no action taken',
  'risk-inconclusive-action-taken': 'Risk - assessment inconclusive and action taken',
  'risk-inconclusive-no-action': 'Risk - assessment inconclusive and no action taken',
  'no-risk-action-taken': 'No risk identified and action taken',
  'no-risk-no-action': 'No risk identified and no action taken',
  'ceased-at-individual-request': "Enquiry ceased at individual's request and no action taken",
} as const satisfies CodeList;

/** SG2e: where a risk was identified (or the assessment was inconclusive) and action taken, the result. */
export const SAC_RISK_OUTCOMES = {
  remained: 'Risk remained',
  reduced: 'Risk reduced',
  removed: 'Risk removed',
} as const satisfies CodeList;

/** The action codes after which the return asks whether the risk remained, was reduced or was removed. */
export const SAC_ACTIONS_WITH_RISK_OUTCOME = ['risk-identified-action-taken', 'risk-inconclusive-action-taken'] as const;

export type SacTypeOfRisk = keyof typeof SAC_TYPES_OF_RISK;
export type SacLocationOfRisk = keyof typeof SAC_LOCATIONS_OF_RISK;
export type SacSourceOfRisk = keyof typeof SAC_SOURCES_OF_RISK;
export type SacLackedCapacity = keyof typeof SAC_LACKED_CAPACITY;
export type SacCapacitySupport = keyof typeof SAC_CAPACITY_SUPPORT;
export type SacMspAsked = keyof typeof SAC_MSP_ASKED;
export type SacMspOutcomesAchieved = keyof typeof SAC_MSP_OUTCOMES_ACHIEVED;
export type SacAction = keyof typeof SAC_ACTIONS;
export type SacRiskOutcome = keyof typeof SAC_RISK_OUTCOMES;

/** Each SAC field of `content.sac` and its list, in the order the return's tables ask for them. */
export const SAC_CODE_LISTS = {
  typeOfRisk: SAC_TYPES_OF_RISK,
  locationOfRisk: SAC_LOCATIONS_OF_RISK,
  sourceOfRisk: SAC_SOURCES_OF_RISK,
  lackedCapacity: SAC_LACKED_CAPACITY,
  capacitySupport: SAC_CAPACITY_SUPPORT,
  mspAsked: SAC_MSP_ASKED,
  mspOutcomesAchieved: SAC_MSP_OUTCOMES_ACHIEVED,
  action: SAC_ACTIONS,
  riskOutcome: SAC_RISK_OUTCOMES,
} as const;

export type SacField = keyof typeof SAC_CODE_LISTS;

/** The codes of one list, in its order. */
export function sacCodes<F extends SacField>(field: F): Array<keyof (typeof SAC_CODE_LISTS)[F] & string> {
  return Object.keys(SAC_CODE_LISTS[field]) as Array<keyof (typeof SAC_CODE_LISTS)[F] & string>;
}

/** The label of a code in one list, or undefined for a code the list does not have. */
export function sacLabel(field: SacField, code: unknown): string | undefined {
  const list: CodeList = SAC_CODE_LISTS[field];
  return typeof code === 'string' && Object.hasOwn(list, code) ? list[code] : undefined;
}

export interface SacCodeWithLabel {
  code: string;
  /** Null only for a code no longer in the list. */
  label: string | null;
}

export type SacLabelled = Partial<Record<SacField, SacCodeWithLabel | SacCodeWithLabel[]>> & { enquiryConcluded?: boolean };

/**
 * A record's stored SAC codes with their labels, for reading: `{ typeOfRisk: [{ code, label }], locationOfRisk:
 * { code, label }, ... }`. Null when nothing is recorded (a record signed before the fields were asked for).
 */
export function sacWithLabels(sac: unknown): SacLabelled | null {
  if (typeof sac !== 'object' || sac === null || Array.isArray(sac)) return null;
  const stored = sac as Record<string, unknown>;
  const out: SacLabelled = {};
  const withLabel = (field: SacField, code: unknown): SacCodeWithLabel => ({ code: String(code), label: sacLabel(field, code) ?? null });
  for (const field of Object.keys(SAC_CODE_LISTS) as SacField[]) {
    const v = stored[field];
    if (v === undefined || v === null) continue;
    out[field] = Array.isArray(v) ? v.map((code) => withLabel(field, code)) : withLabel(field, v);
  }
  if (typeof stored.enquiryConcluded === 'boolean') out.enquiryConcluded = stored.enquiryConcluded;
  return out;
}

/** Every SAC list as `[{ code, label }]` in its order, for a client's choices (GET /decisions/code-lists). */
export function sacCodeListsForChoosing(): Record<SacField, Array<{ code: string; label: string }>> {
  const lists = {} as Record<SacField, Array<{ code: string; label: string }>>;
  for (const field of Object.keys(SAC_CODE_LISTS) as SacField[]) {
    lists[field] = Object.entries(SAC_CODE_LISTS[field] as CodeList).map(([code, label]) => ({ code, label }));
  }
  return lists;
}
