/**
 * The AMHP outcome report (COP-07, MHA Code of Practice 2015 ch.14) and the s.13(4) written-reasons letter (NR-12), rendered as
 * JSON sections and a printable HTML document (the PDFs are laid out in pdf.ts). Pure: the model comes in (with
 * `generatedAt`), text goes out; no Nest, no database, no clock. Missing information is printed as "Not recorded",
 * never left out.
 */
import { escapeHtml } from '../../common/html';
import type { Section } from '../../statute/assessment.types';
import { LEGAL_CONTEXT_LABELS, REFERRAL_SOURCE_LABELS } from '../../referrals/referral-labels';
import { formatLocal } from '../../statute/clocks';
import { legalStatusLabel } from '../../statute/code-lists';
import type {
  OutcomeReport,
  OutcomeReportModel,
  ReportContact,
  ReportLine,
  ReportSection,
  ReportSectionId,
  ReportTimelineEvent,
  LetterBlock,
  LetterLayout,
  WrittenReasonsInput,
  WrittenReasonsLetter,
} from './report.types';
import { isFilledText } from '../../statute/visible-text';
import { amhpApplied } from '../assessment.rules';

export const NOT_RECORDED = 'Not recorded';

// ---------------------------------------------------------------------------------------------------------------
// Words for codes

/**
 * CTO-03 (s.17F(4)-(5)): the revocation decision was signed at or after the end of the recall's 72 hours (the
 * referral's CTO-03 clock, from the recorded start of the detention in hospital under the recall): too late to found a
 * revocation on this recall; the patient had to be released then. Not said of a provisional clock (that start not
 * recorded): the AMHP answered a warning about it, and the true end may be later.
 */
function revocationTooLate(model: OutcomeReportModel): { endedAt: Date } | null {
  const signedAt = model.outcome?.cto?.signedAt;
  const clock = model.referral.legalContext.clocks.find((c) => c.rule === 'CTO-03');
  if (!signedAt || !clock?.deadline || clock.provisional) return null;
  return signedAt.getTime() >= clock.deadline.getTime() ? { endedAt: clock.deadline } : null;
}

const REGIME_LABELS: Record<string, string> = {
  mha1983: 'Mental Health Act 1983 (no Mental Health Act 2025 provision in force for this date)',
  'mha2025-partial': 'Mental Health Act 1983 as amended by the Mental Health Act 2025 provisions in force',
  mha2025: 'Mental Health Act 1983 as amended by the Mental Health Act 2025',
};

const SECTION_LABELS: Record<Section, string> = {
  s2: 's.2: admission for assessment (up to 28 days)',
  s3: 's.3: admission for treatment',
  s4: 's.4: emergency admission for assessment (up to 72 hours)',
  s7: 's.7: guardianship',
};

/** MED-07 (SI 2008/1184 Sch 1): the application form by section and applicant. */
const APPLICATION_FORMS: Record<Section, { amhp: string; 'nearest-relative': string }> = {
  s2: { amhp: 'A2', 'nearest-relative': 'A1' },
  s3: { amhp: 'A6', 'nearest-relative': 'A5' },
  s4: { amhp: 'A10', 'nearest-relative': 'A9' },
  s7: { amhp: 'G2', 'nearest-relative': 'G1' },
};

/** MED-07 (SI 2008/1184 Sch 1): the medical recommendation form, joint or single (s.4 has only a single form). */
const RECOMMENDATION_FORMS: Record<Section, { joint: string | null; single: string }> = {
  s2: { joint: 'A3', single: 'A4' },
  s3: { joint: 'A7', single: 'A8' },
  s4: { joint: null, single: 'A11' },
  s7: { joint: 'G3', single: 'G4' },
};

/** What happened to the patient when a s.4 lapsed (APP-11). */
const S4_LAPSE_LABELS: Record<string, string> = {
  discharged: 'Discharged from hospital',
  'remained-informally': 'Remained in hospital informally',
  other: 'Other',
};

const ALTERNATIVE_LABELS: Record<string, string> = {
  'informal-admission': 'Informal admission to hospital',
  'crisis-home-treatment': 'Crisis resolution / home treatment',
  'community-follow-up': 'Community follow-up',
  'care-package': 'Care package',
  'no-further-action': 'No further action',
  'decision-deferred': 'Decision deferred (COP-02)',
  'unable-to-complete': 'Assessment could not be completed',
};

const RECTIFICATION_LABELS: Record<string, string> = {
  'application-amended': 'The application amended (s.15(1))',
  'recommendation-amended': 'A medical recommendation amended (s.15(1))',
  'recommendation-replaced': 'A medical recommendation found insufficient replaced by a fresh one (s.15(2)-(3))',
};

const DETENTION_END_LABELS: Record<string, string> = {
  discharged: 'Discharged (s.23)',
  lapsed: 'The s.2 lapsed at the end of its 28 days (s.2(4))',
  'became-s3': 'Admitted under a s.3, which ended the s.2 (s.6(4))',
};

const DISCHARGER_LABELS: Record<string, string> = {
  'responsible-clinician': 'the responsible clinician',
  'hospital-managers': 'the hospital managers',
  'local-social-services-authority': 'the local social services authority',
  'nearest-relative': 'the nearest relative (s.23(2), s.25)',
  tribunal: 'the tribunal',
};

const EVENT_LABELS: Record<string, string> = {
  'detention-ended': 'Detention ended (APP-22)',
  rectified: 'Rectified under s.15',
  'doctors-requested': 'Doctors requested',
  'doctor-arrived': 'Doctor arrived',
  'interview-started': 'Interview started',
  'interview-ended': 'Interview ended',
  decision: 'Decision',
  'application-signed': 'Application signed',
  'bed-requested': 'Bed requested',
  'bed-identified': 'Bed identified',
  'conveyance-requested': 'Conveyance requested',
  'conveyance-arrived': 'Conveyance arrived',
  admitted: 'Admitted',
  'social-circumstances-report': 'Social circumstances report to the managers (s.14)',
  'warrant-requested': 'Warrant requested',
  'warrant-executed': 'Warrant executed',
  'police-requested': 'Police requested',
  'police-arrived': 'Police arrived',
  'interpreter-requested': 'Interpreter requested',
  'interpreter-arrived': 'Interpreter arrived',
  other: 'Other event',
};

const DELAY_LABELS: Record<string, string> = {
  'no-bed': 'No bed available',
  'waiting-s12-doctor': 'Waiting for a s.12-approved doctor',
  'waiting-second-doctor': 'Waiting for a second doctor',
  'police-unavailable': 'Police unavailable',
  'ambulance-unavailable': 'Ambulance unavailable',
  'interpreter-unavailable': 'Interpreter unavailable',
  'warrant-needed': 'A warrant was needed (s.135)',
  'person-not-found': 'The person could not be found',
  'person-unwell': 'The person was too unwell to be interviewed',
  'access-refused': 'Access refused',
  other: 'Other',
};

/** Pairs of timeline events that bracket a wait (the first request of a cycle to the event that ends it). */
const WAITS: ReadonlyArray<{ start: string; end: string; label: string }> = [
  { start: 'bed-requested', end: 'bed-identified', label: 'Bed requested to bed identified' },
  { start: 'doctors-requested', end: 'doctor-arrived', label: 'Doctors requested to doctor arrived' },
  { start: 'conveyance-requested', end: 'conveyance-arrived', label: 'Conveyance requested to conveyance arrived' },
  { start: 'police-requested', end: 'police-arrived', label: 'Police requested to police arrived' },
  { start: 'interpreter-requested', end: 'interpreter-arrived', label: 'Interpreter requested to interpreter arrived' },
  { start: 'warrant-requested', end: 'warrant-executed', label: 'Warrant requested to warrant executed' },
];

const MODE_LABELS: Record<string, string> = { 'in-person': 'in person', video: 'by video', phone: 'by phone' };
const ROLE_LABELS: Record<string, string> = {
  amhp: 'AMHP',
  doctor: 'doctor',
  other: 'other',
  'nearest-relative-applicant': 'nearest relative (applicant)',
};
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// ---------------------------------------------------------------------------------------------------------------
// Small printers

/** Something to print: text that shows (visible-text.ts). */
const has = isFilledText;

function text(value: string | null | undefined): string {
  return has(value) ? value.trim() : NOT_RECORDED;
}

function isInstant(value: Date | null | undefined): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function yesNo(value: boolean | null | undefined): string {
  return value === true ? 'Yes' : value === false ? 'No' : NOT_RECORDED;
}

function labelOf(map: Record<string, string>, code: string | null | undefined): string {
  if (!has(code)) return NOT_RECORDED;
  return map[code] ?? code.trim();
}

function joinOr(items: readonly (string | null | undefined)[], separator = '; '): string {
  const present = items.filter(has).map((s) => s.trim());
  return present.length ? present.join(separator) : NOT_RECORDED;
}

/** An ISO calendar date as "2 May 1980" (as given when it is not one). */
function calendarDate(value: string | null | undefined): string {
  if (!has(value)) return NOT_RECORDED;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return value.trim();
  const month = MONTHS[Number(m[2]) - 1];
  return month ? `${Number(m[3])} ${month} ${m[1]}` : value.trim();
}

function nhsNumber(value: string | null | undefined): string {
  if (!has(value)) return NOT_RECORDED;
  const digits = value.replace(/\s+/g, '');
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value.trim();
}

/** Elapsed time (C5) as "2 d 3 h 5 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return NOT_RECORDED;
  if (ms < 0) return `${formatDuration(-ms)} (the later event is recorded before the earlier one)`;
  const totalMinutes = Math.round(ms / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes || parts.length === 0) parts.push(`${minutes} min`);
  return parts.join(' ');
}

/** Ends with a full stop unless it already ends a sentence. */
function sentence(value: string): string {
  return /[.!?]$/.test(value) ? value : `${value}.`;
}

function line(label: string | undefined, value: string): ReportLine {
  return label === undefined ? { text: value } : { label, text: value };
}

// ---------------------------------------------------------------------------------------------------------------
// The report

const SECTION_ORDER: ReadonlyArray<ReportSectionId> = [
  'referral',
  'legal-basis',
  'people-present',
  'interview',
  'capacity',
  'nearest-relative',
  'doctors',
  'conflicts',
  'alternatives',
  'decision',
  'hospital',
  'conveyance',
  'practical-matters',
  'delays',
  'checks',
  'distribution',
];

/**
 * COP-07: the AMHP outcome report's sections, in order, from the record as the service assembled it. Times are
 * printed in `model.timeZone` with the zone's abbreviation ("Mon 30 Mar 2026 01:30 BST").
 */
export function buildOutcomeReport(model: OutcomeReportModel): OutcomeReport {
  if (!isInstant(model.generatedAt)) throw new RangeError('generatedAt is not a valid instant');
  const zone = model.timeZone;
  // Throws a RangeError for a zone Intl does not know, before any section is built.
  const generatedAtLocal = formatLocal(model.generatedAt, zone);
  const at = (d: Date | null | undefined): string => (isInstant(d) ? formatLocal(d, zone) : NOT_RECORDED);
  const timeline = sortedTimeline(model.timeline);

  const builders: Record<ReportSectionId, () => Omit<ReportSection, 'id'>> = {
    referral: () => referralSection(model, at),
    'legal-basis': () => legalBasisSection(model, at),
    'people-present': () => peoplePresentSection(model, at),
    interview: () => interviewSection(model, at),
    capacity: () => ({ heading: 'Capacity', lines: [line('Capacity', text(model.interview?.capacity))] }),
    'nearest-relative': () => nearestRelativeSection(model, at),
    doctors: () => doctorsSection(model, at),
    conflicts: () => conflictsSection(model, at),
    alternatives: () => ({
      heading: 'Alternatives considered',
      lines: (model.interview?.alternativesConsidered ?? []).filter(has).length
        ? model.interview!.alternativesConsidered.filter(has).map((a) => line('Considered', labelOf(ALTERNATIVE_LABELS, a)))
        : [line('Alternatives considered', NOT_RECORDED)],
    }),
    decision: () => decisionSection(model, at),
    hospital: () => hospitalSection(model, timeline, at),
    conveyance: () => conveyanceSection(model, timeline, at),
    'practical-matters': () => ({
      heading: 'Dependants, pets and property',
      lines: [
        line('Dependants and people the patient cares for', text(model.practicalMatters?.dependants)),
        line('Pets', text(model.practicalMatters?.pets)),
        line('Home and property', text(model.practicalMatters?.property)),
      ],
    }),
    delays: () => ({ heading: 'Delays', lines: delayLines(timeline, at) }),
    checks: () => checksSection(model, at),
    distribution: () => ({
      heading: 'Distribution',
      lines: model.distribution.length
        ? model.distribution.map((d) => {
            const role = has(d.role) ? ` (${d.role.trim()})` : '';
            const sent = isInstant(d.sentAt)
              ? `sent ${at(d.sentAt)}${has(d.method) ? ` by ${d.method.trim()}` : ''}`
              : `not yet sent${has(d.method) ? ` (to go by ${d.method.trim()})` : ''}`;
            return line(`${text(d.recipient)}${role}`, sent);
          })
        : [line('Distribution list', NOT_RECORDED)],
    }),
  };

  const name = model.person.name;
  const reference = model.referral.reference;
  return {
    title: `AMHP outcome report: ${has(name) ? name.trim() : 'name not recorded'}${has(reference) ? ` (${reference.trim()})` : ''}`,
    council: has(model.council) ? model.council.trim() : null,
    generatedAt: model.generatedAt.toISOString(),
    generatedAtLocal,
    timeZone: zone,
    sections: SECTION_ORDER.map((id) => ({ id, ...builders[id]() })),
  };
}

type At = (d: Date | null | undefined) => string;

function referralSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  const r = model.referral;
  const p = model.person;
  return {
    heading: 'Referral and source',
    lines: [
      line('Reference', text(r.reference)),
      line('Received', at(r.receivedAt)),
      line('Source', labelOf(REFERRAL_SOURCE_LABELS, r.source)),
      line('Referrer', text(r.referrer)),
      line('Urgency', text(r.urgency)),
      line('Reason for referral', text(r.reason)),
      line('Risks', text(r.risks)),
      line('Requested by the nearest relative (s.13(4))', yesNo(r.nearestRelativeRequested)),
      line('Person', text(p.name)),
      line('Date of birth', calendarDate(p.dateOfBirth)),
      line('NHS number', nhsNumber(p.nhsNumber)),
      line('Address', text(p.address)),
      line('Preferred language', text(p.language)),
      line('Interpreter needed', yesNo(p.interpreterNeeded)),
      line('Communication needs', text(p.communicationNeeds)),
    ],
  };
}

function legalBasisSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  const ctx = model.referral.legalContext;
  const lines: ReportLine[] = [line('Legal context at referral', labelOf(LEGAL_CONTEXT_LABELS, ctx.kind))];
  if (has(ctx.summary)) lines.push(line('Context details', ctx.summary.trim()));
  if (ctx.clocks.length === 0) {
    lines.push(line('Clocks', ctx.kind === null ? NOT_RECORDED : 'None running for this context'));
  } else {
    for (const c of ctx.clocks) {
      const rule = has(c.rule) ? ` (${c.rule.trim()})` : '';
      lines.push(line(text(c.label), `Ends ${at(c.deadline)}${rule}${has(c.basis) ? `. ${c.basis.trim()}` : ''}`));
    }
  }
  lines.push(line('Law applied', model.regime ? labelOf(REGIME_LABELS, model.regime.id) : NOT_RECORDED));
  for (const b of model.regime?.basis ?? []) if (has(b)) lines.push(line('Basis', b.trim()));

  const o = model.outcome;
  if (!o || o.kind === null) lines.push(line('Authority relied on', NOT_RECORDED));
  else if (o.kind === 'application') {
    lines.push(
      line(
        'Authority relied on',
        o.section ? `MHA 1983 ${SECTION_LABELS[o.section]}` : `An application, section ${NOT_RECORDED.toLowerCase()}`,
      ),
    );
    lines.push(
      line(
        'Application form',
        o.section && o.applicant
          ? `Form ${APPLICATION_FORMS[o.section][o.applicant]} (${o.applicant === 'amhp' ? 'AMHP' : 'nearest relative'} application)`
          : NOT_RECORDED,
      ),
    );
  } else if (o.kind === 'cto-decision' && o.cto?.about === 'revocation') {
    // CTO-03 (s.17F(4)): revocation of a recalled patient's CTO, the AMHP's agreement on form CTO5; CTO-07 (s.17G) its
    // effect. One signed after the 72 hours founds nothing: the patient had to be released (s.17F(5)).
    const late = revocationTooLate(model);
    lines.push(
      line(
        'Authority relied on',
        late
          ? `None: the decision on revocation was signed after the 72 hours of the recall ended (${at(late.endedAt)}), so the CTO could not be revoked on this recall (MHA 1983 s.17F(4)-(5)); the patient had to be released then and remains subject to the CTO (s.17F(7))`
          : o.cto.decision === 'agree'
            ? "MHA 1983 s.17F(4): revocation of the community treatment order of a recalled patient, the AMHP's agreement in writing (Form CTO5); once revoked the patient is detained again as if under s.3 (s.17G)"
            : 'MHA 1983 s.17F(4): the AMHP did not agree to revocation of the community treatment order (Form CTO5 not agreed), so it cannot be revoked; the patient must be released by the end of the 72 hours of the recall and remains subject to the CTO (s.17F(5)-(7))',
      ),
    );
  } else if (o.kind === 'cto-decision') {
    lines.push(
      line('Authority relied on', "MHA 1983 s.17A: community treatment order, the AMHP's agreement in writing (Form CTO1 Part 2)"),
    );
  } else {
    lines.push(line('Authority relied on', 'None: no application was made'));
  }
  return { heading: 'Legal basis', lines };
}

function contactText(c: ReportContact, at: At): string {
  const who = has(c.who) ? c.who.trim() : 'Who not recorded';
  const role = has(c.role) ? ` (${ROLE_LABELS[c.role] ?? c.role})` : '';
  const mode = c.mode ? (MODE_LABELS[c.mode] ?? c.mode) : 'mode not recorded';
  return `${at(c.at)}: ${who}${role}, ${mode}${has(c.note) ? `. ${c.note.trim()}` : ''}`;
}

function peoplePresentSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  const a = model.assessment;
  const inv = a.involvement;
  const names = a.amhpNames.filter(has).map((n) => n.trim());
  const lines: ReportLine[] = [
    line('AMHPs', names.length ? names.map((n, i) => (i === 0 ? `${n} (lead)` : n)).join('; ') : NOT_RECORDED),
    line('Location', text(a.location)),
    line('Assessment opened', at(a.openedAt)),
  ];
  if (model.peoplePresent.length === 0) lines.push(line('Present', NOT_RECORDED));
  for (const p of model.peoplePresent) lines.push(line('Present', `${text(p.name)}${has(p.role) ? ` (${p.role.trim()})` : ''}`));

  const interp = inv?.interpreter ?? null;
  let interpreter = NOT_RECORDED;
  if (interp) {
    if (interp.needed === false) interpreter = 'Not needed';
    else {
      const lang = has(interp.language) ? ` (${interp.language.trim()})` : '';
      const used =
        interp.used === true
          ? `used${has(interp.name) ? `: ${interp.name.trim()}` : ''}`
          : interp.used === false
            ? 'not used'
            : `use ${NOT_RECORDED.toLowerCase()}`;
      interpreter = interp.needed === true ? `Needed${lang}; ${used}` : `Need ${NOT_RECORDED.toLowerCase()}${lang}; ${used}`;
    }
  }
  lines.push(line('Interpreter', interpreter));
  const adv = inv?.advocate ?? null;
  lines.push(
    line(
      'Advocate',
      !adv || adv.involved === null
        ? NOT_RECORDED
        : adv.involved
          ? `Involved${has(adv.name) ? `: ${adv.name.trim()}` : ''}`
          : 'Not involved',
    ),
  );
  for (const [label, v] of [
    ['Police', inv?.police ?? null],
    ['Ambulance', inv?.ambulance ?? null],
  ] as const) {
    lines.push(
      line(
        label,
        !v || v.involved === null ? NOT_RECORDED : v.involved ? `Involved${has(v.reason) ? `: ${v.reason.trim()}` : ''}` : 'Not involved',
      ),
    );
  }
  const contacts = sortedByAt(model.contacts);
  if (contacts.length === 0) lines.push(line('Contact', NOT_RECORDED));
  for (const c of contacts) lines.push(line('Contact', contactText(c, at)));
  return { heading: 'People present and contacts', lines };
}

function interviewSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  const i = model.interview;
  const seen = sortedByAt(model.contacts).filter((c) => c.role === 'amhp' && c.mode === 'in-person' && isInstant(c.at));
  const last = seen[seen.length - 1];
  return {
    heading: 'Interview',
    lines: [
      line('Interviewed in a suitable manner (s.13(2))', text(i?.suitableMannerNotes)),
      line('Last seen in person by an AMHP', last ? `${at(last.at)}${has(last.who) ? ` by ${last.who.trim()}` : ''}` : NOT_RECORDED),
      line("Patient's views and wishes", text(i?.patientViews)),
      line('Views and wishes of relatives and carers', text(i?.relativesWishes)),
      line('Professionals consulted', joinOr(i?.professionalsConsulted ?? [])),
    ],
  };
}

function nearestRelativeSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  const np = model.regime?.representative === 'nominated-person';
  const who = np ? 'Nominated person' : 'Nearest relative';
  const nr = model.nearestRelative;
  const lines: ReportLine[] = [line(who, text(nr?.name))];
  if (nr && has(nr.noneReason)) lines.push(line(`No ${who.toLowerCase()}`, nr.noneReason.trim()));
  lines.push(line('Relationship', text(nr?.relationship)));
  if (nr && has(nr.name)) {
    lines.push(
      line(
        'Confirmed by the AMHP',
        nr.confirmed === false && has(nr.notConfirmedReason) ? `No: ${nr.notConfirmedReason.trim()}` : yesNo(nr.confirmed),
      ),
    );
  }
  const trace = (nr?.trace ?? []).filter(has);
  if (trace.length === 0) lines.push(line('Identification trace', NOT_RECORDED));
  trace.forEach((t, n) => lines.push(line(`Identification ${n + 1}`, t.trim())));
  const how = (d: Date | null | undefined, method: string | null | undefined): string =>
    isInstant(d) ? `${at(d)}${has(method) ? ` (${method.trim()})` : ', method not recorded'}` : NOT_RECORDED;
  lines.push(line('Informed', how(nr?.informedAt, nr?.informedMethod)));
  lines.push(line('Consulted', how(nr?.consultedAt, nr?.consultedMethod)));
  const ex = nr?.exception ?? null;
  const exKind = ex ? (ex.kind === 'not-reasonably-practicable' ? 'Not reasonably practicable' : 'Would involve unreasonable delay') : null;
  lines.push(
    line(
      'Exception relied on (s.11(3)/(4))',
      ex ? `${exKind}: ${has(ex.facts) ? ex.facts.trim() : `facts ${NOT_RECORDED.toLowerCase()}`}` : nr ? 'None' : NOT_RECORDED,
    ),
  );
  // NR-03 (CV v SLAM): beside the AMHP's account, the time the hub's clock showed left when the exception was recorded.
  if (ex)
    lines.push(
      line(
        'Detention in force when the exception was recorded (hub clock)',
        has(ex.detentionRemaining) ? ex.detentionRemaining.trim() : NOT_RECORDED,
      ),
    );
  const obj = nr?.objection ?? null;
  lines.push(
    line(
      'Objection (s.11(4))',
      !obj
        ? NOT_RECORDED
        : obj.objected
          ? `Objected${has(obj.by) ? ` by ${obj.by.trim()}` : ''}${isInstant(obj.notifiedAt) ? ` (notified ${at(obj.notifiedAt)})` : ''}${has(obj.detail) ? `: ${obj.detail.trim()}` : ''}`
          : 'No objection',
    ),
  );
  for (const o of obj?.others ?? []) {
    lines.push(
      line(
        'Objection without standing (NR-14, information)',
        `${o.by} (notified ${at(o.notifiedAt)}): ${o.detail.trim()}. ${o.explanation}`,
      ),
    );
  }
  lines.push(line(`Views of the ${who.toLowerCase()}`, text(nr?.views)));
  if (nr?.displaced === true) lines.push(line('Displaced (s.29)', 'Yes: a county court order appoints an acting nearest relative'));
  return { heading: who, lines };
}

function doctorsSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  const recs = sortedBy(model.recommendations, (r) => r.examinedAt);
  if (recs.length === 0) return { heading: 'Doctors and medical recommendations', lines: [line('Medical recommendations', NOT_RECORDED)] };
  const lines: ReportLine[] = [];
  for (const r of recs) {
    const verified =
      r.approvalVerified === false
        ? ' (stated by the doctor, not verified against the register)'
        : r.approvalVerified === true
          ? ' (register)'
          : '';
    const joint = has(r.jointGroup);
    const form = r.section
      ? joint && RECOMMENDATION_FORMS[r.section].joint
        ? RECOMMENDATION_FORMS[r.section].joint
        : RECOMMENDATION_FORMS[r.section].single
      : null;
    lines.push(line('Doctor', text(r.doctorName)));
    lines.push(
      line(
        'Examined',
        `${at(r.examinedAt)}, ${r.examMode ? (MODE_LABELS[r.examMode] ?? r.examMode) : `mode ${NOT_RECORDED.toLowerCase()}`}`,
      ),
    );
    lines.push(
      line('s.12 approved on the examination date', `${yesNo(r.s12ApprovedOnExamDate)}${r.s12ApprovedOnExamDate === null ? '' : verified}`),
    );
    lines.push(line('Approved clinician on the examination date', yesNo(r.approvedClinicianOnExamDate)));
    lines.push(
      line(
        'Previous acquaintance',
        r.previousAcquaintance === false
          ? `No${has(r.noAcquaintanceReason) ? `: ${r.noAcquaintanceReason.trim()}` : `; reason ${NOT_RECORDED.toLowerCase()}`}`
          : yesNo(r.previousAcquaintance),
      ),
    );
    lines.push(line('Signed', at(r.signedAt)));
    lines.push(
      line('Recommendation', r.section ? `${r.section.replace('s', 's.')}, ${joint ? 'joint' : 'single'} (Form ${form})` : NOT_RECORDED),
    );
    if (isInstant(r.withdrawnAt)) lines.push(line('Withdrawn', at(r.withdrawnAt)));
  }
  return { heading: 'Doctors and medical recommendations', lines };
}

function conflictsSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  if (model.conflicts.length === 0) return { heading: 'Conflict-of-interest declarations', lines: [line('Declarations', NOT_RECORDED)] };
  return {
    heading: 'Conflict-of-interest declarations',
    lines: model.conflicts.map((c) => {
      const who = `${text(c.name)}${c.role ? ` (${ROLE_LABELS[c.role] ?? c.role})` : ''}`;
      const d = c.declaration;
      let body: string;
      if (!d) body = `Declaration ${NOT_RECORDED.toLowerCase()}`;
      else {
        const declared = [d.financial && 'financial', d.business && 'business', d.personal && 'personal'].filter(
          (x): x is string => typeof x === 'string',
        );
        body = `Declared ${at(d.declaredAt)}: ${declared.length ? `${declared.join(', ')} conflict declared` : 'no financial, business or personal conflict'}`;
      }
      return line(who, has(c.notes) ? `${body}. ${c.notes.trim()}` : body);
    }),
  };
}

function decisionSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  const o = model.outcome;
  const kindLabel =
    !o || o.kind === null
      ? NOT_RECORDED
      : o.kind === 'application'
        ? 'Application made'
        : o.kind === 'cto-decision'
          ? o.cto?.about === 'revocation'
            ? 'Decision on revoking the community treatment order (recalled patient)'
            : 'Community treatment order decision'
          : 'Not detained: no application made';
  const lines: ReportLine[] = [line('Outcome', kindLabel), line('Decided', at(o?.decidedAt))];
  if (o?.kind === 'application') {
    const applicant =
      o.applicant === 'amhp'
        ? 'by the AMHP'
        : o.applicant === 'nearest-relative'
          ? 'by the nearest relative'
          : `applicant ${NOT_RECORDED.toLowerCase()}`;
    lines.push(line('Application', o.section ? `${SECTION_LABELS[o.section]}, ${applicant}` : NOT_RECORDED));
    lines.push(line('Application signed', at(o.applicationSignedAt)));
    // APP-13 / APP-14 (s.6(1)): admitted after the authority to convey ended, the patient is not detained under the
    // application, whatever status its section would give: the report says so beside the code, not a lawful detention.
    const lateAdmission = model.checks?.findings.find((f) => f.code === 'admitted-after-conveyance-window');
    lines.push(
      line(
        'MHSDS legal status',
        has(o.legalStatusCode)
          ? `${o.legalStatusCode.trim()}${legalStatusLabel(o.legalStatusCode.trim()) ? ` (${legalStatusLabel(o.legalStatusCode.trim())})` : ''}${lateAdmission ? `: NOT IN FORCE. The patient was admitted after the authority to convey under the application ended (${lateAdmission.rule}), so is not detained under it` : ''}`
          : NOT_RECORDED,
      ),
    );
    // APP-12: the managers' receipt (the admission of a patient already in hospital); GDN-06: a s.7's forwarding to the LSSA.
    if (o.section !== 's7' && isInstant(o.managersReceivedAt))
      lines.push(line('Received by the hospital managers', at(o.managersReceivedAt)));
    if (o.section === 's7') lines.push(line('Forwarded to the local social services authority', at(o.forwardedToLssaAt)));
    // GDN-08 (s.8(1)): the guardianship has effect only from the council's acceptance.
    if (o.section === 's7')
      lines.push(
        line(
          'Accepted by the local social services authority',
          isInstant(o.acceptedByLssaAt) ? at(o.acceptedByLssaAt) : 'Not yet accepted: the guardianship has no effect until it is',
        ),
      );
    // GDN-01 (s.7(4)): the application states the patient's age, or that they are believed to be 16 or over.
    if (o.section === 's7')
      lines.push(
        line(
          "Patient's age (s.7(4))",
          o.believedSixteenOrOver === true
            ? 'Date of birth not known: the application states the patient is believed to be 16 or over'
            : has(model.person.dateOfBirth)
              ? `Born ${calendarDate(model.person.dateOfBirth)}`
              : NOT_RECORDED,
        ),
      );
    // APP-11 / COP-08: a s.4 that lapsed is kept on the record with what followed.
    if (o.s4Lapse) {
      const after = labelOf(S4_LAPSE_LABELS, o.s4Lapse.after);
      lines.push(
        line('Section 4 lapsed (s.4(4))', `${at(o.s4Lapse.lapsedAt)}, 72 hours after admission, without a second medical recommendation`),
      );
      lines.push(line('After the lapse', has(o.s4Lapse.details) ? `${after}: ${o.s4Lapse.details.trim()}` : after));
    }
    // APP-16 (s.15): the managers' rectifications; APP-22 (s.23, s.2(4), s.6(4)): how the detention ended.
    for (const r of o.rectifications ?? [])
      lines.push(line('Rectified with the hospital managers’ consent (s.15)', `${labelOf(RECTIFICATION_LABELS, r.kind)}: ${at(r.at)}`));
    if (o.detentionEnded)
      lines.push(
        line(
          'Detention ended',
          `${labelOf(DETENTION_END_LABELS, o.detentionEnded.kind)}${o.detentionEnded.by ? ` by ${labelOf(DISCHARGER_LABELS, o.detentionEnded.by)}` : ''}: ${at(o.detentionEnded.at)}`,
        ),
      );
  } else if (o?.kind === 'cto-decision' && o.cto?.about === 'revocation') {
    const c = o.cto;
    lines.push(
      line(
        'CTO revocation decision',
        `${c.decision === 'agree' ? 'Agreed that the s.3 criteria are met and that revoking the CTO is appropriate' : 'Did not agree to revoking the CTO: it continues'}; in writing (Form CTO5): ${yesNo(c.inWriting).toLowerCase()}`,
      ),
    );
    lines.push(line('Signed', at(c.signedAt)));
  } else if (o?.kind === 'cto-decision') {
    const c = o.cto;
    lines.push(
      line(
        'CTO decision',
        c
          ? `${c.decision === 'agree' ? 'Agreed' : 'Did not agree'}; in writing: ${yesNo(c.inWriting).toLowerCase()}; conditions agreed: ${yesNo(c.conditionsAgreed).toLowerCase()}`
          : NOT_RECORDED,
      ),
    );
    lines.push(line('Signed', at(c?.signedAt)));
  } else if (o?.kind === 'not-detained') {
    lines.push(line('Alternatives put in place', joinOr(o.alternatives.map((a) => labelOf(ALTERNATIVE_LABELS, a)))));
  }
  lines.push(line('Rationale', text(o?.rationale)));
  // NR-12 (s.13(4)): owed unless the AMHP applied (the nearest relative's own application is not hers).
  if (model.referral.nearestRelativeRequested === true && !amhpApplied(o?.kind ?? null, o?.applicant)) {
    lines.push(
      line(
        'Written reasons to the nearest relative (s.13(4))',
        isInstant(o?.writtenReasonsSentAt)
          ? `Sent ${at(o.writtenReasonsSentAt)}`
          : `${NOT_RECORDED}: required when no application is made (NR-12)`,
      ),
    );
  }
  return { heading: 'Decision and rationale', lines };
}

function sortedByAt<T extends { at: Date | null }>(items: readonly T[]): T[] {
  return sortedBy(items, (x) => x.at);
}

/** Stable sort by an instant, unknown instants last. */
function sortedBy<T>(items: readonly T[], key: (x: T) => Date | null): T[] {
  return items
    .map((x, i) => ({ x, i, t: isInstant(key(x)) ? key(x)!.getTime() : Number.POSITIVE_INFINITY }))
    .sort((a, b) => (a.t === b.t ? a.i - b.i : a.t < b.t ? -1 : 1))
    .map((e) => e.x);
}

function sortedTimeline(events: readonly ReportTimelineEvent[]): ReportTimelineEvent[] {
  return sortedByAt(events);
}

function firstEvent(timeline: readonly ReportTimelineEvent[], type: string): ReportTimelineEvent | undefined {
  return timeline.find((e) => e.type === type && isInstant(e.at));
}

function hospitalSection(model: OutcomeReportModel, timeline: readonly ReportTimelineEvent[], at: At): Omit<ReportSection, 'id'> {
  const o = model.outcome;
  if (!o || o.kind === null)
    return {
      heading: 'Hospital and bed, or alternative care plan',
      lines: [line('Hospital and bed, or alternative care plan', NOT_RECORDED)],
    };
  if (o.kind === 'cto-decision' && o.cto?.about === 'revocation')
    return {
      heading: 'Hospital and bed',
      lines: [
        line(
          'Hospital and bed',
          revocationTooLate(model)
            ? `The patient had to be released from hospital at the end of the 72 hours of the recall (${at(revocationTooLate(model)!.endedAt)}), still subject to the CTO (s.17F(5)-(7)): the CTO could not be revoked on this recall`
            : o.cto.decision === 'agree'
              ? 'The patient stays in the hospital they were recalled to: once the CTO is revoked they are detained there again as if under s.3, from the day of revocation (s.17G)'
              : 'The CTO is not revoked: the patient must be released from hospital by the end of the 72 hours of the recall, still subject to the CTO (s.17F(5)-(7))',
        ),
      ],
    };
  if (o.kind === 'cto-decision')
    return { heading: 'Hospital and bed', lines: [line('Hospital and bed', 'Not applicable: a CTO decision, no admission')] };
  if (o.kind === 'not-detained') {
    return {
      heading: 'Alternative care plan',
      lines: [
        line('Care plan', text(o.carePlan)),
        line('Alternatives put in place', joinOr(o.alternatives.map((a) => labelOf(ALTERNATIVE_LABELS, a)))),
      ],
    };
  }
  if (o.section === 's7') {
    return { heading: 'Guardian', lines: [line('Guardian', text(o.guardian)), line('Hospital and bed', 'Not applicable: guardianship')] };
  }
  const admitted = isInstant(o.admittedAt) ? o.admittedAt : (firstEvent(timeline, 'admitted')?.at ?? null);
  return {
    heading: 'Hospital and bed',
    lines: [
      line('Hospital site', text(o.hospitalSite)),
      line('Ward', text(o.bed?.ward)),
      line('Bed details', text(o.bed?.details)),
      line('Bed found by', text(o.bed?.foundBy)),
      line('Bed requested', at(firstEvent(timeline, 'bed-requested')?.at)),
      line('Bed identified', at(firstEvent(timeline, 'bed-identified')?.at)),
      line('Admitted', at(admitted)),
    ],
  };
}

function conveyanceSection(model: OutcomeReportModel, timeline: readonly ReportTimelineEvent[], at: At): Omit<ReportSection, 'id'> {
  const o = model.outcome;
  const heading = 'Conveyance';
  if (!o || o.kind === null) return { heading, lines: [line('Conveyance', NOT_RECORDED)] };
  const admission = o.kind === 'application' && o.section !== 's7';
  if (!admission && !o.conveyance) {
    return {
      heading,
      lines: [
        line('Conveyance', o.kind === 'application' ? 'Not applicable: guardianship' : 'Not applicable: no application for admission'),
      ],
    };
  }
  const inv = model.assessment.involvement;
  const assisted = (v: { involved: boolean | null; reason: string | null } | null | undefined): string =>
    !v || v.involved === null ? NOT_RECORDED : v.involved ? `Yes${has(v.reason) ? `: ${v.reason.trim()}` : ''}` : 'No';
  return {
    heading,
    lines: [
      line('Arranged with', text(o.conveyance?.by)),
      line('Details', text(o.conveyance?.details)),
      line('Conveyance requested', at(firstEvent(timeline, 'conveyance-requested')?.at)),
      line('Conveyance arrived', at(firstEvent(timeline, 'conveyance-arrived')?.at)),
      line('Police involved', assisted(inv?.police)),
      line('Ambulance involved', assisted(inv?.ambulance)),
    ],
  };
}

interface Wait {
  label: string;
  start: ReportTimelineEvent;
  end: ReportTimelineEvent | null;
  members: ReportTimelineEvent[];
}

/** The waits the timeline brackets: each cycle runs from its first request to the event that ends it. */
function waits(timeline: readonly ReportTimelineEvent[]): Wait[] {
  const found: Wait[] = [];
  for (const w of WAITS) {
    let open: Wait | null = null;
    for (const e of timeline) {
      if (!isInstant(e.at)) continue;
      if (e.type === w.start) {
        if (open) open.members.push(e);
        else open = { label: w.label, start: e, end: null, members: [e] };
      } else if (e.type === w.end && open) {
        open.end = e;
        open.members.push(e);
        found.push(open);
        open = null;
      }
    }
    if (open) found.push(open);
  }
  return found;
}

function waitText(w: Wait, at: At): string {
  if (!w.end) return `${w.label}: requested ${at(w.start.at)}; the end of the wait is not recorded`;
  return `${w.label}: ${formatDuration(w.end.at!.getTime() - w.start.at!.getTime())} (${at(w.start.at)} to ${at(w.end.at)})`;
}

function delayLines(timeline: readonly ReportTimelineEvent[], at: At): ReportLine[] {
  const all = waits(timeline);
  const lines: ReportLine[] = [];
  const explained = new Set<Wait>();
  for (const e of timeline) {
    if (!has(e.delayReason)) continue;
    const w = all.find((x) => x.members.includes(e));
    if (w) explained.add(w);
    const parts = [`${labelOf(EVENT_LABELS, e.type)} ${at(e.at)}`];
    if (w) parts.push(waitText(w, at));
    if (has(e.note)) parts.push(`Note: ${e.note.trim()}`);
    lines.push(line(`Delay: ${labelOf(DELAY_LABELS, e.delayReason)}`, parts.join('. ')));
  }
  const unexplained = sortedBy(
    all.filter((w) => !explained.has(w)),
    (w) => w.start.at,
  );
  for (const w of unexplained) lines.push(line('Wait', `${waitText(w, at)}; no delay reason recorded`));
  if (lines.length === 0)
    lines.push(line('Delays', timeline.length ? 'None recorded on the timeline' : `${NOT_RECORDED}: no timeline events`));
  return lines;
}

function checksSection(model: OutcomeReportModel, at: At): Omit<ReportSection, 'id'> {
  const checks = model.checks;
  if (!checks) return { heading: 'Checks', lines: [line('Checks', NOT_RECORDED)] };
  const acknowledged = new Map(checks.acknowledgedWarnings.map((a) => [a.code, a]));
  const lines: ReportLine[] = [];
  const open = checks.findings.filter((f) => !(f.severity === 'warning' && has(f.code) && acknowledged.has(f.code)));
  const blockers = open.filter((f) => f.severity === 'blocker');
  const warnings = open.filter((f) => f.severity === 'warning');
  for (const f of [...blockers, ...warnings]) {
    const cite = has(f.citation) ? ` (${f.citation.trim()})` : '';
    lines.push(line(`${f.severity === 'blocker' ? 'Blocker' : 'Warning'} ${f.rule}`, `${text(f.message)}${cite}`));
  }
  if (open.length === 0) lines.push(line('Open findings', 'None'));
  for (const a of checks.acknowledgedWarnings) {
    const finding = checks.findings.find((f) => f.code === a.code);
    const by = has(a.by) ? ` by ${a.by.trim()}` : '';
    const when = isInstant(a.at) ? ` at ${at(a.at)}` : '';
    const what = finding ? `${finding.rule}: ${sentence(text(finding.message))} ` : '';
    lines.push(line(`Acknowledged ${a.code}`, `${what}Acknowledged${by}${when}; reason: ${text(a.reason)}`));
  }
  for (const d of sortedBy(checks.deadlines, (x) => x.at)) {
    lines.push(line(`Deadline ${d.rule}`, `${text(d.label)}: ${at(d.at)}${has(d.basis) ? `. ${d.basis.trim()}` : ''}`));
  }
  return { heading: 'Checks', lines };
}

// ---------------------------------------------------------------------------------------------------------------
// HTML

/** Escaped, with line breaks kept. */
function escapeMultiline(value: string): string {
  return escapeHtml(value).replace(/\r\n|\r|\n/g, '<br>\n');
}

const REPORT_CSS = `
  :root { color-scheme: light; }
  body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; color: #111; margin: 2rem auto; max-width: 52rem; padding: 0 1rem; }
  header { border-bottom: 2px solid #111; margin-bottom: 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid #999; }
  .meta { color: #444; margin: 0 0 .75rem; }
  .council { font-weight: 600; margin: 0 0 .5rem; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #ddd; }
  th { width: 32%; font-weight: 600; }
  .missing { font-style: italic; color: #8a1c1c; }
  footer { margin-top: 2rem; font-size: .85rem; color: #444; border-top: 1px solid #999; padding-top: .5rem; }
  @media print {
    @page { size: A4; margin: 16mm 14mm; }
    body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
    h2 { break-after: avoid; page-break-after: avoid; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    .missing { color: #000; }
    a { color: #000; text-decoration: none; }
  }
`;

function cell(value: string): string {
  return value.startsWith(NOT_RECORDED) ? `<span class="missing">${escapeMultiline(value)}</span>` : escapeMultiline(value);
}

/** A standalone, printable HTML5 document of the report: every value escaped, the CSS inline. */
export function renderReportHtml(report: OutcomeReport): string {
  const sections = report.sections
    .map((s) => {
      const rows = s.lines
        .map((l) =>
          l.label === undefined
            ? `<tr><td colspan="2">${cell(l.text)}</td></tr>`
            : `<tr><th scope="row">${escapeMultiline(l.label)}</th><td>${cell(l.text)}</td></tr>`,
        )
        .join('\n');
      return `<section id="${escapeHtml(s.id)}" aria-labelledby="${escapeHtml(s.id)}-heading">\n<h2 id="${escapeHtml(s.id)}-heading">${escapeHtml(s.heading)}</h2>\n<table>\n<tbody>\n${rows}\n</tbody>\n</table>\n</section>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<p class="council">${report.council ? `${escapeHtml(report.council)}<br>\n` : ''}Approved Mental Health Professional (AMHP) service</p>
<h1>${escapeHtml(report.title)}</h1>
<p class="meta">Generated <time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(report.generatedAtLocal)}</time>. Times are local (${escapeHtml(report.timeZone)}).</p>
</header>
<main>
${sections}
</main>
<footer>
<p>Confidential: contains personal and health information. Share only with the people on the distribution list.</p>
</footer>
</body>
</html>
`;
}

/** Word-wraps one paragraph: the first line at `width` characters, the rest at `restWidth` (long words are split). */
export function wrapText(value: string, width: number, restWidth: number = width): string[] {
  const out: string[] = [];
  let current = '';
  const limit = (): number => (out.length === 0 ? width : restWidth);
  for (const word of value.split(/ +/)) {
    if (word === '') continue;
    let w = word;
    while (w.length > limit()) {
      if (current) {
        out.push(current);
        current = '';
      }
      const cut = limit();
      out.push(w.slice(0, cut));
      w = w.slice(cut);
    }
    if (!current) current = w;
    else if (current.length + 1 + w.length <= limit()) current += ` ${w}`;
    else {
      out.push(current);
      current = w;
    }
  }
  if (current || out.length === 0) out.push(current);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The s.13(4) written-reasons letter (NR-12)

function longDate(d: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

/**
 * NR-12 (MHA 1983 s.13(4)): the letter telling the nearest relative, in plain English, that the AMHP considered
 * the patient's case at their request and decided not to make an application, why, what will happen instead, and
 * that they may apply themselves (s.11(1)) or seek advice. Plain text and a printable HTML document.
 */
export function writtenReasonsLetter(input: WrittenReasonsInput): WrittenReasonsLetter {
  for (const [name, d] of [
    ['referralReceivedAt', input.referralReceivedAt],
    ['decidedAt', input.decidedAt],
    ['letterDate', input.letterDate ?? input.decidedAt],
  ] as const) {
    if (!isInstant(d)) throw new RangeError(`${name} is not a valid instant`);
  }
  if (!has(input.reasons)) throw new RangeError('s.13(4) requires the reasons for not making an application');
  const zone = input.timeZone;
  const nr = input.nearestRelative.name.trim() || 'Nearest relative';
  const patient = input.patientName.trim() || 'the patient';
  // Without a council name set, the letter says "the council": never a placeholder in a letter to a relative.
  const named = has(input.council) ? input.council.trim() : null;
  const council = named ?? 'the council';
  const amhp = input.amhpName.trim();
  const address = has(input.nearestRelative.address)
    ? input.nearestRelative.address
        .split(/\r\n|\r|\n|,\s*/)
        .map((s) => s.trim())
        .filter(Boolean)
    : ['(address not recorded)'];
  const alternatives = input.alternatives.filter(has).map((a) => labelOf(ALTERNATIVE_LABELS, a));

  const layout: LetterLayout = {
    letterhead: named
      ? [named, 'Approved Mental Health Professional (AMHP) service']
      : ['Approved Mental Health Professional (AMHP) service'],
    recipient: [nr, ...address],
    date: longDate(input.letterDate ?? input.decidedAt, zone),
    title: `Written reasons (MHA 1983 s.13(4)): ${patient}`,
    body: [],
    signature: [amhp, 'Approved Mental Health Professional', `on behalf of ${council}`],
  };
  layout.body = [
    { kind: 'paragraph', items: [`Dear ${nr},`] },
    {
      kind: 'heading',
      items: [
        `Your request for a Mental Health Act assessment of ${patient}: written reasons under section 13(4) of the Mental Health Act 1983`,
      ],
    },
    {
      kind: 'paragraph',
      items: [
        `On ${formatLocal(input.referralReceivedAt, zone)} you asked ${council} to arrange for an Approved Mental Health Professional (AMHP) to consider ${patient}'s case, with a view to making an application under the Mental Health Act 1983 (for example, to admit ${patient} to hospital). As ${patient}'s nearest relative, you have the right to ask for this under section 13(4) of the Act.`,
      ],
    },
    {
      kind: 'paragraph',
      items: [
        `I am the AMHP who considered ${patient}'s case. On ${formatLocal(input.decidedAt, zone)} I decided not to make an application. When a nearest relative has asked for a case to be considered and the AMHP decides not to make an application, section 13(4) says the AMHP must give the nearest relative the reasons in writing. This letter gives you my reasons.`,
      ],
    },
    { kind: 'heading', items: ['Why I decided not to make an application'] },
    { kind: 'paragraph', items: [input.reasons.trim()] },
    { kind: 'heading', items: ['What will happen instead'] },
    alternatives.length
      ? { kind: 'bullets', items: alternatives }
      : {
          kind: 'paragraph',
          items: [`No other services have been arranged at present. If you are worried about ${patient}, please contact us.`],
        },
    { kind: 'heading', items: ['What you can do'] },
    {
      kind: 'bullets',
      items: [
        `As ${patient}'s nearest relative, you can make an application yourself under section 11(1) of the Mental Health Act 1983. An application has to be supported by medical recommendations from doctors, and you must have seen ${patient} yourself within the 14 days before you make it.`,
        `You may want advice before you decide what to do. You can talk to us, to ${patient}'s GP or care team, to a solicitor who specialises in mental health law, or to an independent advice service.`,
        `If things change, or you become more worried, you can ask us to consider ${patient}'s case again at any time. In an emergency, call 999.`,
      ],
    },
    {
      kind: 'paragraph',
      items: [`If you have any questions about this letter, please contact the AMHP service${named ? ` at ${named}` : ''}.`],
    },
    { kind: 'paragraph', items: ['Yours sincerely,'] },
  ];
  const blocks: LetterBlock[] = [
    { kind: 'lines', items: layout.letterhead },
    { kind: 'lines', items: layout.recipient },
    { kind: 'lines', items: [layout.date] },
    ...layout.body,
    { kind: 'lines', items: layout.signature },
  ];

  const textOut = blocks
    .map((b) => {
      switch (b.kind) {
        case 'lines':
          return b.items.join('\n');
        case 'heading':
          return b.items.map((h) => wrapText(h, 78).join('\n')).join('\n');
        case 'paragraph':
          return b.items
            .map((p) =>
              p
                .split(/\r\n|\r|\n/)
                .map((l) => wrapText(l, 78).join('\n'))
                .join('\n'),
            )
            .join('\n\n');
        case 'bullets':
          return b.items
            .map((i) =>
              wrapText(i, 76)
                .map((l, n) => (n === 0 ? `- ${l}` : `  ${l}`))
                .join('\n'),
            )
            .join('\n');
      }
    })
    .join('\n\n');

  const body = blocks
    .map((b) => {
      switch (b.kind) {
        case 'lines':
          return `<p class="lines">${b.items.map(escapeHtml).join('<br>\n')}</p>`;
        case 'heading':
          return b.items.map((h) => `<h2>${escapeHtml(h)}</h2>`).join('\n');
        case 'paragraph':
          return b.items.map((p) => `<p>${escapeMultiline(p)}</p>`).join('\n');
        case 'bullets':
          return `<ul>\n${b.items.map((i) => `<li>${escapeMultiline(i)}</li>`).join('\n')}\n</ul>`;
      }
    })
    .join('\n');
  const html = `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(layout.title)}</title>
<style>
  body { font-family: Arial, Helvetica, sans-serif; font-size: 12pt; line-height: 1.5; color: #111; margin: 2rem auto; max-width: 42rem; padding: 0 1rem; }
  h2 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
  .lines { margin: 0 0 1rem; }
  @media print {
    @page { size: A4; margin: 20mm; }
    body { margin: 0; max-width: none; padding: 0; font-size: 11pt; }
    h2 { break-after: avoid; page-break-after: avoid; }
  }
</style>
</head>
<body>
${body}
</body>
</html>
`;
  return { text: `${textOut}\n`, html, layout };
}
