/**
 * The statutory returns a council makes that the hub's records feed: the Safeguarding Adults Collection (SAC) tables
 * from the s.42 decisions' codes, the DoLS return's case rows from the DoLS decisions, and the data-quality report of
 * the codes and times the reports needed and did not find. Pure: rows in, figures or rows out.
 */
import { ETHNIC_CATEGORY_LABELS } from '../statute/code-lists';
import {
  DOLS_APPLICATION_STATUSES,
  DOLS_REQUIREMENT_LABELS,
  DOLS_REQUIREMENTS,
  sameManagingAuthority,
  type DolsReturnRow,
} from '../safeguarding/decision.rules';
import { SAC_CODE_LISTS, type SacField } from '../safeguarding/sac-code-lists';
import { csvRows } from './csv';
import { broadEthnicGroup } from './equity-stats';
import { countFigure, type Member, type RawFigure } from './report.model';
import { localDay } from './period';
import { type ReferralRow, selected, type Selection } from './rows';
import { approvedHere } from '../workforce/workforce.rules';

/** A signed out-of-hours decision as the returns read it (view report_safeguarding_decisions). */
export interface SafeguardingRow {
  decisionId: string;
  type: string;
  personId: string | null;
  occurredAt: Date;
  /** The s.42 decision's `content.sac`, as stored (null for another type, or a record signed without it). */
  sac: Record<string, unknown> | null;
  /** Care Act s.42(1): all three parts met (null for another type). */
  s42Duty: boolean | null;
  enquiryDelegated: boolean | null;
  /** A DoLS decision's standardRequestedAt and standardAuthorisation (null for another type). */
  dols: Record<string, unknown> | null;
  managingAuthority: string | null;
  sex: string | null;
  dateOfBirth: string | null;
  approximateAge: number | null;
  ethnicCategory: string | null;
  /** The order the decision was made in: of two made at the same instant, the later-made is the later. */
  seq: number;
}

/** A referral's person's codes (view report_referral_people). */
export interface ReferralPersonRow {
  referralId: string;
  personId: string;
  receivedAt: Date;
  sex: string | null;
  dateOfBirth: string | null;
  ethnicCategory: string | null;
}

export const decisionMember = (row: Pick<SafeguardingRow, 'decisionId' | 'personId' | 'occurredAt'>): Member => ({
  referralId: null,
  assessmentId: null,
  personId: row.personId,
  decisionId: row.decisionId,
  at: row.occurredAt,
});

// ---------------------------------------------------------------------------------------------------------------
// Safeguarding Adults Collection

/** SG1's age bands (the collection counts adults: an under-18 or an unknown age is shown apart, to be checked). */
export const SAC_AGE_BANDS = {
  '18-64': '18-64',
  '65-74': '65-74',
  '75-84': '75-84',
  '85-94': '85-94',
  '95+': '95 and over',
  'under-18': 'Under 18 (not an adult: in no other figure; check the record)',
  'not-known': 'Age not known',
} as const;
export type SacAgeBand = keyof typeof SAC_AGE_BANDS;

/**
 * The SG1 age band of a person on the local day of `at`: whole years from the date of birth (a 29 February birthday
 * falls on 28 February in other years), else the approximate age recorded, else not known.
 */
export function sacAgeBand(dateOfBirth: string | null, approximateAge: number | null, at: Date, zone: string): SacAgeBand {
  let age: number | null = approximateAge;
  const born = dateOfBirth ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth) : null;
  if (born) {
    const [y, m, d] = [Number(born[1]), Number(born[2]), Number(born[3])];
    const valid = new Date(Date.UTC(y, m - 1, d));
    if (valid.getUTCFullYear() === y && valid.getUTCMonth() === m - 1 && valid.getUTCDate() === d) {
      // Whole years to the local day of `at`: the birthday that year is the same day, or the month's last (29 February).
      const on = localDay(at, zone);
      const birthday = Math.min(d, new Date(Date.UTC(on.year, m, 0)).getUTCDate());
      age = on.year - y - (on.month < m || (on.month === m && on.day < birthday) ? 1 : 0);
    }
  }
  if (age === null || !Number.isFinite(age) || age < 0) return 'not-known';
  if (age < 18) return 'under-18';
  if (age < 65) return '18-64';
  if (age < 75) return '65-74';
  if (age < 85) return '75-84';
  if (age < 95) return '85-94';
  return '95+';
}

export const SAC_SEXES = { female: 'Female', male: 'Male', 'not-known': 'Not known' } as const;
/** SG1's sex: female or male as recorded; indeterminate, not known or none recorded is not known. */
export const sacSex = (sex: string | null): keyof typeof SAC_SEXES => (sex === 'female' || sex === 'male' ? sex : 'not-known');

export const SAC_ETHNIC_GROUPS = {
  white: 'White',
  mixed: 'Mixed / Multiple',
  asian: 'Asian / Asian British',
  black: 'Black / African / Caribbean / Black British',
  other: 'Other ethnic group',
  refused: 'Refused',
  'not-known': 'Undeclared / not known',
} as const;
/** SG1's ethnicity: the broad group of the NHS code; Z (not stated: the person declined) is refused; 99 or none, not known. */
export function sacEthnicGroup(code: string | null): keyof typeof SAC_ETHNIC_GROUPS {
  const broad = broadEthnicGroup(code);
  if (broad === 'not-stated') return 'refused';
  return broad === null || broad === 'not-known' ? 'not-known' : broad;
}

/** Which SG tables the hub fills, and what the council adds. */
export const SAC_DEFINITIONS = [
  'Counted from the out-of-hours service’s signed adult-safeguarding (Care Act s.42) decisions made in the period (local time), and their SAC codes.',
  'SG1: each signed adult-safeguarding decision is a concern; a s.42 enquiry when all three parts of s.42(1) were met; an other enquiry when they were not but an enquiry was still passed on. Individuals: each person once (their first s.42 enquiry in the period), by age on that day, sex and broad ethnic group (NHS code Z counts as refused, 99 or none as not known). The collection counts adults: a decision about a child (under 18 that day) is in no figure but SG1’s under-18 band, for its record to be checked.',
  'SG2a (type of risk, one or more per enquiry), SG2b (location and source), SG2c (action and result), SG2e (risk remained, reduced or removed), SG3a/SG3b (capacity, and support if lacking) and SG4a/SG4b (Making Safeguarding Personal) count the concluded s.42 enquiries, as the collection defines them: those the decision concluded, by the codes recorded with it; "Not recorded" counts those concluded without them. An enquiry the out-of-hours service started and passed on is counted by the team that concludes it, once, in the year it is concluded.',
  'An out-of-hours service fills SG1 (its own concerns and the enquiries it starts) and, for the few enquiries it concludes itself, SG2 to SG4; SG1’s primary support reason and SG5 (Safeguarding Adults Reviews) come from the day teams. The council adds the day teams’ records to these before making the return.',
];

const SECTION_LABELS = {
  SG1: 'SG1: concerns and enquiries',
  'SG1-age': 'SG1: individuals in s.42 enquiries by age',
  'SG1-sex': 'SG1: individuals in s.42 enquiries by sex',
  'SG1-ethnicity': 'SG1: individuals in s.42 enquiries by ethnicity',
  SG2a: 'SG2a: type of risk',
  'SG2b-location': 'SG2b: location of risk',
  'SG2b-source': 'SG2b: source of risk',
  SG2c: 'SG2c: action and result (concluded enquiries)',
  SG2e: 'SG2e: risk outcome (concluded, action taken)',
  SG3a: 'SG3a: lacked capacity',
  SG3b: 'SG3b: supported by an advocate, family or friend (lacked capacity)',
  SG4a: 'SG4a: Making Safeguarding Personal, asked about outcomes',
  SG4b: 'SG4b: Making Safeguarding Personal, outcomes achieved (concluded)',
} as const;

const NOT_RECORDED = { code: 'not-recorded', label: 'Not recorded' };

const codeOf = (sac: Record<string, unknown> | null, field: SacField): string[] => {
  const v = sac?.[field];
  const list: Record<string, string> = SAC_CODE_LISTS[field];
  const codes = (Array.isArray(v) ? v : [v]).filter((c): c is string => typeof c === 'string' && Object.hasOwn(list, c));
  return [...new Set(codes)];
};

/**
 * The SAC tables of a period: every section's every code, 0 included, so the return's tables are complete. Each
 * figure's members are the decisions it counts (SG1's individuals: each person's first s.42 decision).
 */
export function sacFigures(sel: Selection, rows: readonly SafeguardingRow[]): RawFigure[] {
  const all = rows
    .filter((r) => r.type === 'adult-safeguarding' && selected(sel, { source: '', legalContext: '', team: null }, r.occurredAt))
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.decisionId.localeCompare(b.decisionId));
  // The collection counts adults (Care Act s.42 is a duty to adults): a decision about a child is in no table, only in
  // SG1's under-18 band, for the record to be checked.
  const child = (r: SafeguardingRow) => sacAgeBand(r.dateOfBirth, r.approximateAge, r.occurredAt, sel.zone) === 'under-18';
  const inPeriod = all.filter((r) => !child(r));
  const enquiries = inPeriod.filter((r) => r.s42Duty === true);
  const concluded = enquiries.filter((r) => r.sac?.enquiryConcluded === true);
  const out: RawFigure[] = [];
  const add = (
    section: keyof typeof SECTION_LABELS,
    group: string,
    groupLabel: string,
    measure: string,
    measureLabel: string,
    of: SafeguardingRow[],
  ) =>
    out.push(
      countFigure({ section, sectionLabel: SECTION_LABELS[section], group, groupLabel, measure, measureLabel }, of.map(decisionMember)),
    );

  add('SG1', 'all', 'All', 'concerns', 'Safeguarding concerns', inPeriod);
  add('SG1', 'all', 'All', 's42-enquiries', 'Section 42 enquiries started', enquiries);
  add(
    'SG1',
    'all',
    'All',
    'other-enquiries',
    'Other enquiries started',
    inPeriod.filter((r) => r.s42Duty !== true && r.enquiryDelegated === true),
  );

  const firstOfEach = (of: SafeguardingRow[]) => {
    const seen = new Set<string>();
    return of.filter((r) => {
      const who = r.personId ?? `decision:${r.decisionId}`;
      if (seen.has(who)) return false;
      seen.add(who);
      return true;
    });
  };
  const individuals = firstOfEach(enquiries);
  const children = firstOfEach(all.filter((r) => child(r) && r.s42Duty === true));
  add('SG1', 'all', 'All', 'individuals', 'Individuals in s.42 enquiries', individuals);
  const by = <K extends string>(
    labels: Record<K, string>,
    codeOfRow: (r: SafeguardingRow) => K,
    section: keyof typeof SECTION_LABELS,
    people: SafeguardingRow[] = individuals,
  ) => {
    const codes = new Map(people.map((r) => [r, codeOfRow(r)]));
    const of = (r: SafeguardingRow) => codes.get(r)!;
    for (const [code, label] of Object.entries(labels) as Array<[K, string]>)
      add(
        section,
        code,
        label,
        'individuals',
        'Individuals',
        people.filter((r) => of(r) === code),
      );
  };
  by(SAC_AGE_BANDS, (r) => sacAgeBand(r.dateOfBirth, r.approximateAge, r.occurredAt, sel.zone), 'SG1-age', [...individuals, ...children]);
  by(SAC_SEXES, (r) => sacSex(r.sex), 'SG1-sex');
  by(SAC_ETHNIC_GROUPS, (r) => sacEthnicGroup(r.ethnicCategory), 'SG1-ethnicity');

  // One row per code, and one "Not recorded" row: the enquiries with no code, and those whose code says it was not
  // recorded (SG3a's own "not recorded" answer) in the same row, so that no two figures share a key.
  const table = (section: keyof typeof SECTION_LABELS, field: SacField, of: SafeguardingRow[], measure: string, measureLabel: string) => {
    for (const [code, label] of Object.entries(SAC_CODE_LISTS[field]) as Array<[string, string]>)
      if (code !== NOT_RECORDED.code)
        add(
          section,
          code,
          label,
          measure,
          measureLabel,
          of.filter((r) => codeOf(r.sac, field).includes(code)),
        );
    add(
      section,
      NOT_RECORDED.code,
      NOT_RECORDED.label,
      measure,
      measureLabel,
      of.filter((r) => codeOf(r.sac, field).every((c) => c === NOT_RECORDED.code)),
    );
  };
  table('SG2a', 'typeOfRisk', concluded, 'concluded-enquiries', 'Concluded s.42 enquiries');
  table('SG2b-location', 'locationOfRisk', concluded, 'concluded-enquiries', 'Concluded s.42 enquiries');
  table('SG2b-source', 'sourceOfRisk', concluded, 'concluded-enquiries', 'Concluded s.42 enquiries');
  table('SG2c', 'action', concluded, 'concluded-enquiries', 'Concluded s.42 enquiries');
  table(
    'SG2e',
    'riskOutcome',
    concluded.filter((r) => ['risk-identified-action-taken', 'risk-inconclusive-action-taken'].includes(codeOf(r.sac, 'action')[0] ?? '')),
    'concluded-enquiries',
    'Concluded s.42 enquiries',
  );
  table('SG3a', 'lackedCapacity', concluded, 'concluded-enquiries', 'Concluded s.42 enquiries');
  table(
    'SG3b',
    'capacitySupport',
    concluded.filter((r) => codeOf(r.sac, 'lackedCapacity')[0] === 'yes'),
    'concluded-enquiries',
    'Concluded s.42 enquiries',
  );
  table('SG4a', 'mspAsked', concluded, 'concluded-enquiries', 'Concluded s.42 enquiries');
  table(
    'SG4b',
    'mspOutcomesAchieved',
    concluded.filter((r) => codeOf(r.sac, 'mspAsked')[0] === 'asked-outcomes-expressed'),
    'concluded-enquiries',
    'Concluded s.42 enquiries',
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// DoLS return

/** The DoLS return's columns, in its order. */
export const DOLS_RETURN_COLUMNS = [
  ['personReference', 'Person reference (pseudonymous)'],
  ['council', 'Council (supervisory body)'],
  ['managingAuthority', 'Managing authority (care home or hospital)'],
  ['dateReceived', 'Date application received'],
  ['urgentAuthorisationIncluded', 'Urgent authorisation included'],
  ...DOLS_REQUIREMENTS.map((r) => [`assessment.${r}`, DOLS_REQUIREMENT_LABELS[r]] as const),
  ['lastAssessedOn', 'Date of last assessment'],
  ['signedOffOn', 'Date signed off'],
  ['status', 'Application status'],
  ['startsOn', 'Authorisation start date'],
  ['endsOn', 'Authorisation end date'],
] as const;

export interface DolsReturnCase extends DolsReturnRow {
  /** The hub's pseudonymous reference of the person: their record's id, or the decision's for a person with no record. Never a name. */
  personReference: string;
  council: string;
  managingAuthority: string | null;
  statusLabel: string;
  decisionId: string;
}

/**
 * ✱ Local: two DoLS records of the same person and home whose standard authorisation requests are less than this
 * apart are of one request (its time written differently on the urgent authorisation and on the extension).
 */
const SAME_REQUEST_MS = 24 * 3_600_000;

/**
 * One case row per standard authorisation request received in the period (its local date received within it), from
 * the DoLS decisions (dolsReturnRow). An urgent authorisation and its extension for the same request are one
 * application, however the form wrote the home or the request's time: the same person, the same managing authority
 * compared as the DoLS rules compare it (sameManagingAuthority: "Probe Lodge" is "Probe Lodge Care Home"), and
 * requests less than a day apart. The latest signed decision about it gives the row: the last made, of two made at the
 * same instant.
 */
export function dolsReturnCases(
  period: { from: string; to: string },
  rows: ReadonlyArray<SafeguardingRow & { row: DolsReturnRow | null }>,
  council: string,
): DolsReturnCase[] {
  type Case = DolsReturnCase & { at: number; requestedAt: number };
  const byPerson = new Map<string, Case[]>();
  // In the order the decisions were made: by their instant, then (two at the same instant) the order they were recorded.
  for (const r of [...rows].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.seq - b.seq)) {
    if (!r.row || r.row.dateReceived < period.from || r.row.dateReceived > period.to) continue;
    const personReference = r.personId ?? `decision:${r.decisionId}`;
    const requestedAt = Date.parse(String(r.dols?.standardRequestedAt));
    const cases = byPerson.get(personReference) ?? [];
    byPerson.set(personReference, cases);
    const application = cases.findIndex(
      (c) =>
        Math.abs(c.requestedAt - requestedAt) < SAME_REQUEST_MS &&
        (c.managingAuthority === r.managingAuthority ||
          (c.managingAuthority !== null &&
            r.managingAuthority !== null &&
            sameManagingAuthority(c.managingAuthority, r.managingAuthority))),
    );
    const latest: Case = {
      personReference,
      council,
      managingAuthority: r.managingAuthority,
      ...r.row,
      statusLabel: DOLS_APPLICATION_STATUSES[r.row.status],
      decisionId: r.decisionId,
      at: r.occurredAt.getTime(),
      requestedAt,
    };
    if (application >= 0) cases[application] = latest;
    else cases.push(latest);
  }
  return [...byPerson.values()]
    .flat()
    .sort((a, b) => a.dateReceived.localeCompare(b.dateReceived) || a.personReference.localeCompare(b.personReference))
    .map(({ at: _at, requestedAt: _r, ...c }) => c);
}

/** The DoLS return as CSV, one row per application in the return's column order (RFC 4180, as every report). */
export function dolsReturnCsv(cases: readonly DolsReturnCase[]): string {
  const cell = (c: DolsReturnCase, key: string): string | null => {
    if (key.startsWith('assessment.')) return c.assessments[key.slice('assessment.'.length) as keyof DolsReturnRow['assessments']];
    if (key === 'urgentAuthorisationIncluded') return c.urgentAuthorisationIncluded ? 'yes' : 'no';
    return (c as unknown as Record<string, string | null>)[key];
  };
  return csvRows([DOLS_RETURN_COLUMNS.map(([, label]) => label), ...cases.map((c) => DOLS_RETURN_COLUMNS.map(([key]) => cell(c, key)))]);
}

// ---------------------------------------------------------------------------------------------------------------
// Data quality

export const DATA_QUALITY_DEFINITIONS = [
  'Each figure counts the records of the period that a report needed a code or a time from and did not find, so that they can be put right; its records link lists them (managers).',
  'People: referrals received in the period whose person has no ethnic category, or Z (not stated) or 99 (not known); no date of birth; no sex, or not known.',
  'Steps: assessments decided in the period without the time of the interview, of the doctors’ request or of the last doctor’s arrival (timeliness cannot measure them).',
  'Safeguarding: adult-safeguarding (s.42) decisions signed in the period without their SAC codes (the SAC tables count them as not recorded); DoLS decisions without the date the standard authorisation was requested (no DoLS return row), or with none of its six assessments or no status recorded.',
];

const referralMember = (r: { referralId: string; personId: string; assessmentId?: string | null }, at: Date): Member => ({
  referralId: r.referralId,
  assessmentId: r.assessmentId ?? null,
  personId: r.personId,
  at,
});

/** What the data-quality report reads of a referral's steps: its first assessment's decision and the times before it. */
export type DataQualityStepRow = Pick<
  ReferralRow,
  'referralId' | 'personId' | 'assessmentId' | 'decisionAt' | 'interviewAt' | 'doctorsRequestedAt' | 'doctorsArrivedAt'
>;

/** The data-quality figures of a period (filters other than the period do not apply: a missing code is missing wherever). */
export function dataQualityFigures(
  sel: Selection,
  people: readonly ReferralPersonRow[],
  steps: readonly DataQualityStepRow[],
  decisions: ReadonlyArray<SafeguardingRow & { row: DolsReturnRow | null }>,
): RawFigure[] {
  const inPeriod = (at: Date | null): at is Date => at !== null && at >= sel.period.start && at < sel.period.end;
  const received = people.filter((p) => inPeriod(p.receivedAt));
  const out: RawFigure[] = [];
  const fig = (section: string, sectionLabel: string, measure: string, measureLabel: string, members: Member[]) =>
    out.push(countFigure({ section, sectionLabel, group: 'all', groupLabel: 'All', measure, measureLabel }, members));
  const person = (test: (p: ReferralPersonRow) => boolean) => received.filter(test).map((p) => referralMember(p, p.receivedAt));

  fig(
    'people',
    'People referred',
    'referrals',
    'Referrals received',
    person(() => true),
  );
  fig(
    'people',
    'People referred',
    'ethnicity-not-stated-or-not-known',
    'Ethnic category not stated, not known or none',
    person(
      (p) =>
        p.ethnicCategory === null ||
        p.ethnicCategory === 'Z' ||
        p.ethnicCategory === '99' ||
        !Object.hasOwn(ETHNIC_CATEGORY_LABELS, p.ethnicCategory),
    ),
  );
  fig(
    'people',
    'People referred',
    'no-date-of-birth',
    'No date of birth',
    person((p) => p.dateOfBirth === null),
  );
  fig(
    'people',
    'People referred',
    'no-sex',
    'Sex not recorded or not known',
    person((p) => p.sex === null || p.sex === 'not-known'),
  );

  const decided = steps.filter((s) => s.assessmentId !== null && inPeriod(s.decisionAt));
  const step = (test: (s: DataQualityStepRow) => boolean) => decided.filter(test).map((s) => referralMember(s, s.decisionAt!));
  fig(
    'steps',
    'Assessment steps',
    'decided',
    'Assessments decided',
    step(() => true),
  );
  fig(
    'steps',
    'Assessment steps',
    'no-interview-time',
    'Decided without the interview time',
    step((s) => s.interviewAt === null),
  );
  fig(
    'steps',
    'Assessment steps',
    'no-doctors-requested-time',
    'Decided without the time doctors were requested',
    step((s) => s.doctorsRequestedAt === null),
  );
  fig(
    'steps',
    'Assessment steps',
    'no-doctors-arrived-time',
    'Decided without the time the doctors arrived',
    step((s) => s.doctorsArrivedAt === null),
  );

  const signed = decisions.filter((d) => inPeriod(d.occurredAt));
  const s42 = signed.filter((d) => d.type === 'adult-safeguarding');
  const dols = signed.filter((d) => d.type === 'dols-urgent-authorisation' || d.type === 'dols-extension');
  fig('safeguarding', 'Safeguarding and DoLS', 's42-decisions', 'Adult-safeguarding decisions', s42.map(decisionMember));
  fig(
    'safeguarding',
    'Safeguarding and DoLS',
    's42-without-sac',
    'Adult-safeguarding decisions without SAC codes',
    s42
      .filter((d) =>
        (['typeOfRisk', 'locationOfRisk', 'sourceOfRisk', 'lackedCapacity', 'mspAsked'] as const).some(
          (f) => codeOf(d.sac, f).length === 0,
        ),
      )
      .map(decisionMember),
  );
  fig('safeguarding', 'Safeguarding and DoLS', 'dols-decisions', 'DoLS decisions', dols.map(decisionMember));
  fig(
    'safeguarding',
    'Safeguarding and DoLS',
    'dols-without-return-fields',
    'DoLS decisions without the DoLS return fields (request date, assessments or status)',
    dols
      .filter(
        (d) =>
          !d.row ||
          Object.values(d.row.assessments).every((a) => a === null) ||
          !(d.dols?.standardAuthorisation as { status?: unknown } | undefined)?.status,
      )
      .map(decisionMember),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Guardianship

/** A guardianship application (s.7) an AMHP of the hub signed (view report_guardianship). */
export interface GuardianshipRow {
  assessmentId: string;
  referralId: string;
  personId: string;
  sex: string | null;
  signedAt: Date;
  guardianType: string;
  acceptedAt: Date | null;
}

export const GUARDIAN_TYPES = { lssa: 'Local social services authority', private: 'Private guardian' } as const;

export const GUARDIANSHIP_DEFINITIONS = [
  'New s.7 cases: the guardianship applications made by the hub’s AMHPs that the local social services authority accepted in the period (guardianship starts on acceptance, s.8(1)), by the person’s sex (female, male; otherwise not known) and the guardian’s type (the LSSA or a private guardian).',
  'Applications signed in the period are counted too, with those not (yet) recorded as accepted, so that an acceptance not yet recorded can be chased.',
  'Not held by the hub: continuing and closed cases (renewals and discharges under s.20 and s.23 are recorded on the LSSA’s guardianship register) and s.37 guardianship orders (made by a court, not on an AMHP’s application). The council adds these from its register before making the return.',
];

/** The guardianship figures of a period: new s.7 cases by sex × guardian type (with totals), and the applications signed. */
export function guardianshipFigures(sel: Selection, rows: readonly GuardianshipRow[]): RawFigure[] {
  const inPeriod = (at: Date | null): at is Date => at !== null && at >= sel.period.start && at < sel.period.end;
  const m = (r: GuardianshipRow, at: Date): Member => ({
    referralId: r.referralId,
    assessmentId: r.assessmentId,
    personId: r.personId,
    at,
  });
  const accepted = rows.filter((r) => inPeriod(r.acceptedAt));
  const signed = rows.filter((r) => inPeriod(r.signedAt));
  const out: RawFigure[] = [];
  const section = { section: 'new-s7', sectionLabel: 'New s.7 cases (accepted by the LSSA)' };
  for (const [sex, sexLabel] of [...Object.entries(SAC_SEXES), ['all', 'All']] as Array<[string, string]>) {
    const ofSex = accepted.filter((r) => sex === 'all' || sacSex(r.sex) === sex);
    for (const [type, typeLabel] of [...Object.entries(GUARDIAN_TYPES), ['all', 'All guardians']] as Array<[string, string]>)
      out.push(
        countFigure(
          { ...section, group: sex, groupLabel: sexLabel, measure: type, measureLabel: typeLabel },
          ofSex.filter((r) => type === 'all' || r.guardianType === type).map((r) => m(r, r.acceptedAt!)),
        ),
      );
  }
  const apps = { section: 'applications', sectionLabel: 'Guardianship applications (s.7) signed', group: 'all', groupLabel: 'All' };
  out.push(
    countFigure(
      { ...apps, measure: 'signed', measureLabel: 'Signed' },
      signed.map((r) => m(r, r.signedAt)),
    ),
  );
  out.push(
    countFigure(
      { ...apps, measure: 'not-yet-accepted', measureLabel: 'Not recorded as accepted by the LSSA' },
      signed.filter((r) => r.acceptedAt === null).map((r) => m(r, r.signedAt)),
    ),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// AMHP workforce survey

/** An AMHP approval and its practitioner (view report_workforce). */
export interface WorkforceRow {
  practitionerId: string;
  profession: string;
  fte: number;
  team: string | null;
  skills: string[];
  active: boolean;
  startsOn: string;
  endsOn: string;
  endedOn: string | null;
  approvingAuthority: string;
}

export const PROFESSION_LABELS: Record<string, string> = {
  'social-worker': 'Social worker',
  'mental-health-nurse': 'Mental health nurse',
  'learning-disability-nurse': 'Learning disability nurse',
  'occupational-therapist': 'Occupational therapist',
  psychologist: 'Chartered psychologist',
};

/**
 * The roles an AMHP may hold beside the approval that the workforce survey asks about, by the skill that records each.
 * Other skills (`senior`, `night`, ...) say which rota places she may fill: they are not roles.
 */
export const COMBINED_ROLE_LABELS: Record<string, string> = {
  bia: 'Best Interests Assessor (BIA)',
  'practice-educator': 'Practice educator',
  'team-manager': 'Team manager',
  'senior-practitioner': 'Senior practitioner',
};

export const workforceSurveyDefinitions = (asOf: string): string[] => [
  `The AMHPs on ${asOf} (the period's last day, local): active practitioners holding an approval by this council (or one with an arrangement with it) that had started, had not run out and had not been ended by then. Headcount counts each AMHP once; FTE sums their full-time equivalents as recorded.`,
  `Profession, team and combined roles as the workforce module holds them. A combined role is another role the AMHP holds, recorded among her skills: ${Object.values(COMBINED_ROLE_LABELS).join(', ')}; skills that only match rota places (senior, night) are not roles and are not counted.`,
  'Not held by the hub, to be answered by the council: the establishment (so neither the vacancy rate nor the extra FTE needed for a full 24-hour service can be worked out: shown as null), the employer, and the AMHPs’ age band, sex and ethnicity.',
];

/** The workforce survey's answers as at a local day: headcount and FTE, by profession, by team and by combined role. */
export function workforceSurveyFigures(
  asOf: string,
  rows: readonly WorkforceRow[],
  at: Date,
  councils: readonly string[] | null,
): RawFigure[] {
  const approved = new Map<string, WorkforceRow>();
  for (const r of rows)
    if (
      r.active &&
      r.startsOn <= asOf &&
      r.endsOn >= asOf &&
      (r.endedOn === null || r.endedOn > asOf) &&
      approvedHere(r.approvingAuthority, councils)
    )
      approved.set(r.practitionerId, r);
  const amhps = [...approved.values()].sort((a, b) => a.practitionerId.localeCompare(b.practitionerId));
  const m = (r: WorkforceRow): Member => ({ referralId: null, assessmentId: null, personId: null, practitionerId: r.practitionerId, at });
  const out: RawFigure[] = [];
  const both = (section: string, sectionLabel: string, group: string, groupLabel: string, of: WorkforceRow[]) => {
    const dims = { section, sectionLabel, group, groupLabel };
    out.push(countFigure({ ...dims, measure: 'headcount', measureLabel: 'Headcount' }, of.map(m)));
    out.push({
      ...dims,
      measure: 'fte',
      measureLabel: 'FTE',
      unit: 'fte',
      members: of.map(m),
      value: { kind: 'sum', total: of.reduce((sum, r) => sum + Number(r.fte), 0) },
    });
  };
  both('amhps', 'AMHPs', 'all', 'All', amhps);
  out.push({
    section: 'amhps',
    sectionLabel: 'AMHPs',
    group: 'all',
    groupLabel: 'All',
    measure: 'vacancy-rate',
    measureLabel: 'Vacancy rate (establishment not held)',
    unit: 'share',
    members: [],
    value: { kind: 'share', numerator: 0 },
  });
  for (const [code, label] of Object.entries(PROFESSION_LABELS))
    both(
      'profession',
      'By profession',
      code,
      label,
      amhps.filter((r) => r.profession === code),
    );
  const teams = [...new Set(amhps.map((r) => r.team ?? ''))].sort();
  for (const team of teams)
    both(
      'team',
      'By team',
      team || 'none',
      team || 'No team recorded',
      amhps.filter((r) => (r.team ?? '') === team),
    );
  // Every combined role the return asks about, held or not (as every profession is); rota-only skills are not roles.
  for (const [skill, label] of Object.entries(COMBINED_ROLE_LABELS))
    out.push(
      countFigure(
        {
          section: 'combined-roles',
          sectionLabel: 'Combined roles',
          group: skill,
          groupLabel: label,
          measure: 'headcount',
          measureLabel: 'Headcount',
        },
        amhps.filter((r) => r.skills.some((held) => held.toLowerCase() === skill)).map(m),
      ),
    );
  return out;
}
