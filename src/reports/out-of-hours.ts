/**
 * Report 9, out-of-hours safeguarding and DoLS. Pure.
 *
 * The decisions are the signed out-of-hours decision records, each counted in the period it happened (its
 * `occurredAt`). A s.42 (adult safeguarding) decision is counted against each SAC category it is coded to
 * (`content.sac`, OOH-09; a decision may name more than one type of risk); a decision signed before the codes were
 * asked for is "not coded". DoLS extensions are the supervisory body's decisions on extending an urgent
 * authorisation (OOH-05). Handover items are those of the handovers compiled in the period; the time to acknowledge
 * is from the handover's compilation to the day team's acknowledgement of the item.
 */
import { SAC_CODE_LISTS, type SacField } from '../safeguarding/sac-code-lists';
import { hoursBand } from './period';
import { countFigure, labelOf, type Member, type RawFigure } from './report.model';
import { handoverItemMember, minutesBetween } from './ops-rows';
import type { Selection } from './rows';

export interface DecisionRow {
  decisionId: string;
  type: string;
  /** The person the decision is about (null when the decision has no person's record). */
  personId: string | null;
  occurredAt: Date;
  signedAt: Date;
  sac: Record<string, unknown> | null;
  extensionDecision: string | null;
  extensionDays: number | null;
}

export interface HandoverItemRow {
  itemId: string;
  itemType: string;
  compiledAt: Date;
  acknowledgedAt: Date | null;
}

export const DECISION_TYPE_LABELS: Record<string, string> = {
  'adult-safeguarding': 'Adult safeguarding (Care Act s.42)',
  'best-interests': 'Best-interests decision (MCA s.4)',
  'dols-urgent-authorisation': 'DoLS urgent authorisation received',
  'dols-extension': 'DoLS urgent authorisation: extension decided',
  'emergency-placement': 'Emergency placement',
  'carer-breakdown': 'Carer breakdown',
  'child-protection-referral': "Child protection referral (children's services)",
  other: 'Other',
};

/** The SAC fields the report shows, in the return's order, with the section each makes. */
export const SAC_SECTIONS: ReadonlyArray<readonly [SacField, string]> = [
  ['typeOfRisk', 's.42: type of risk (SG2a)'],
  ['locationOfRisk', 's.42: location of risk (SG2b)'],
  ['sourceOfRisk', 's.42: source of risk (SG2b)'],
  ['lackedCapacity', 's.42: lacked capacity (SG3a)'],
  ['mspAsked', 's.42: Making Safeguarding Personal, asked (SG4a)'],
  ['action', 's.42: action and result, concluded enquiries (SG2c)'],
  ['riskOutcome', 's.42: risk after action (SG2e)'],
];

const HANDOVER_ITEM_LABELS: Record<string, string> = {
  decision: 'Decisions',
  referral: 'Referrals',
  assessment: 'Assessments',
  'rota-note': 'Rota notes',
  action: 'Follow-up actions',
};

export const OUT_OF_HOURS_DEFINITIONS = [
  'Decisions: the signed out-of-hours decision records, in the period in which they happened, by type.',
  'A s.42 decision counts once in each SAC category it is coded to (a decision may name more than one type of risk); "Not coded": no code recorded for that table (a decision signed before the codes were asked for, or a field asked only on a concluded enquiry).',
  'DoLS extensions: the decisions on extending an urgent authorisation, by the decision (extended or refused), and the days granted.',
  "Handover items: the items of the handovers compiled in the period; time to acknowledge from the handover's compilation to the day team's acknowledgement (median and 90th percentile, minutes); items not acknowledged counted as such.",
  'These figures count records, not people. The records behind a decision figure are the decisions and the people they are about: reading that list is a read of each person’s decision, audited. The records behind a handover figure are the handover items.',
];

export function outOfHoursFigures(sel: Selection, decisions: readonly DecisionRow[], items: readonly HandoverItemRow[]): RawFigure[] {
  const figures: RawFigure[] = [];
  const inPeriod = (at: Date) =>
    at >= sel.period.start &&
    at < sel.period.end &&
    (sel.filters.hours === undefined || hoursBand(at, sel.zone, sel.bankHolidays) === sel.filters.hours);
  const cohort = decisions.filter((d) => inPeriod(d.occurredAt));
  const count = (dims: Omit<RawFigure, 'members' | 'value' | 'unit'>, members: Member[]) => figures.push(countFigure(dims, members));
  const of = (ds: readonly DecisionRow[]): Member[] =>
    ds.map((d) => ({ referralId: null, assessmentId: null, personId: d.personId, decisionId: d.decisionId, at: d.occurredAt }));
  const itemsOf = (is: readonly HandoverItemRow[]): Member[] => is.map((i) => handoverItemMember(i.itemId, i.compiledAt));

  for (const type of [...Object.keys(DECISION_TYPE_LABELS), ...cohort.map((d) => d.type)].filter((v, i, xs) => xs.indexOf(v) === i))
    count(
      {
        section: 'by-type',
        sectionLabel: 'Decisions by type',
        group: type,
        groupLabel: labelOf(type, DECISION_TYPE_LABELS),
        measure: 'decisions',
        measureLabel: 'Decisions',
      },
      of(cohort.filter((d) => d.type === type)),
    );
  count(
    {
      section: 'by-type',
      sectionLabel: 'Decisions by type',
      group: 'total',
      groupLabel: 'All decisions',
      measure: 'decisions',
      measureLabel: 'Decisions',
    },
    of(cohort),
  );

  const s42 = cohort.filter((d) => d.type === 'adult-safeguarding');
  for (const [field, sectionLabel] of SAC_SECTIONS) {
    const codesOf = (d: DecisionRow): string[] => {
      const v = d.sac?.[field];
      return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
    };
    const list: Record<string, string> = SAC_CODE_LISTS[field];
    const used = s42.flatMap(codesOf);
    for (const code of [...Object.keys(list), ...used.filter((c) => !Object.hasOwn(list, c))].filter((v, i, xs) => xs.indexOf(v) === i))
      count(
        {
          section: `sac-${field}`,
          sectionLabel,
          group: code,
          groupLabel: list[code] ?? code,
          measure: 'decisions',
          measureLabel: 's.42 decisions',
        },
        of(s42.filter((d) => codesOf(d).includes(code))),
      );
    count(
      {
        section: `sac-${field}`,
        sectionLabel,
        group: 'not-coded',
        groupLabel: 'Not coded',
        measure: 'decisions',
        measureLabel: 's.42 decisions',
      },
      of(s42.filter((d) => codesOf(d).length === 0)),
    );
  }

  const extensions = cohort.filter((d) => d.type === 'dols-extension');
  const dols = { section: 'dols', sectionLabel: 'DoLS', group: 'all', groupLabel: 'All' };
  count(
    { ...dols, measure: 'urgent-authorisations', measureLabel: 'Urgent authorisations received' },
    of(cohort.filter((d) => d.type === 'dols-urgent-authorisation')),
  );
  count({ ...dols, measure: 'extensions', measureLabel: 'Extensions decided' }, of(extensions));
  count({ ...dols, measure: 'extended', measureLabel: 'Extended' }, of(extensions.filter((d) => d.extensionDecision === 'extended')));
  count({ ...dols, measure: 'refused', measureLabel: 'Refused' }, of(extensions.filter((d) => d.extensionDecision === 'refused')));
  const granted = extensions.filter((d) => d.extensionDecision === 'extended' && d.extensionDays !== null);
  figures.push({
    ...dols,
    measure: 'median-days',
    measureLabel: 'Median days extended',
    unit: 'number',
    members: of(granted),
    value: { kind: 'percentile', p: 50, sample: granted.map((d) => d.extensionDays!) },
  });

  const handed = items.filter((i) => inPeriod(i.compiledAt));
  const block = (group: string, groupLabel: string, rs: HandoverItemRow[]) => {
    const dims = { section: 'handover', sectionLabel: 'Handover items and time to acknowledge', group, groupLabel };
    const timed = rs.filter((i) => minutesBetween(i.compiledAt, i.acknowledgedAt) !== undefined);
    const sample = timed.map((i) => minutesBetween(i.compiledAt, i.acknowledgedAt)!);
    count({ ...dims, measure: 'items', measureLabel: 'Items handed over' }, itemsOf(rs));
    count({ ...dims, measure: 'acknowledged', measureLabel: 'Acknowledged' }, itemsOf(rs.filter((i) => i.acknowledgedAt)));
    count({ ...dims, measure: 'not-acknowledged', measureLabel: 'Not acknowledged' }, itemsOf(rs.filter((i) => !i.acknowledgedAt)));
    for (const [measure, measureLabel, p] of [
      ['median', 'Median time to acknowledge (minutes)', 50],
      ['p90', '90th percentile (minutes)', 90],
    ] as const)
      figures.push({
        ...dims,
        measure,
        measureLabel,
        unit: 'minutes',
        members: itemsOf(timed),
        value: { kind: 'percentile', p, sample },
      });
  };
  block('all', 'All items', handed);
  for (const type of Object.keys(HANDOVER_ITEM_LABELS))
    block(
      type,
      HANDOVER_ITEM_LABELS[type],
      handed.filter((i) => i.itemType === type),
    );
  return figures;
}
