/**
 * From the assessment record to the outcome report's model (COP-07, MHA Code of Practice 2015 ch.14) and the s.13(4) letter's input:
 * plain mapping, no I/O. The renderer (report/report.ts) prints "Not recorded" for every null.
 */
import { STANDING_TEXT, type Standing } from '../statute/objection-standing';
import type { AssessmentCheck } from '../statute/assessment.types';
import type { AssessmentViewDto } from './dto/assessment.dto';
import { amhpApplied, ctoDecisionAbout } from './assessment.rules';
import type { OutcomeReportModel, WrittenReasonsInput } from './report/report.types';

type Str = string | null | undefined;
const at = (v: Str) => (v ? new Date(v) : null);

export interface ReportSource {
  view: AssessmentViewDto;
  referral: {
    reference: string;
    source: string;
    referrer: { name: string; organisation?: string; role?: string };
    receivedAt: string;
    urgency: 'emergency' | 'urgent' | 'routine';
    reason: string;
    risks: { toSelf: boolean; toOthers: boolean; fromOthers: boolean; flags?: string[]; notes?: string };
    nearestRelativeRequest: boolean;
    writtenReasonsAt: string | null;
    legalContext: { kind: string } & Record<string, unknown>;
    clocks: Array<{ label: string; rule: string; deadline: string; basis: string; provisional?: boolean }>;
  };
  person: {
    givenName: string;
    familyName: string;
    dateOfBirth: string | null;
    nhsNumber: string | null;
    address?: string | null;
    preferredLanguage?: string | null;
    interpreterNeeded?: boolean | null;
    communicationNeeds?: string | null;
  };
  check: AssessmentCheck | null;
  relatives: {
    proposal: { ranked: Array<{ relativeId: string; name: string; class?: string }> };
    objections: Array<{ notifiedAt: string | Date; details: string; by: string; standing: string; counts: boolean; explanation: string }>;
    objectionInForce: boolean;
    displaced: boolean;
  };
  names: Map<string, string>;
  relationshipOf: (relativeId: string | null) => string | null;
}

export function outcomeReportModel(src: ReportSource, generatedAt: Date, timeZone: string, council: string | null): OutcomeReportModel {
  const { view: a, referral: r, person: p } = src;
  const outcome = a.outcome ?? {};
  const app = (outcome.application ?? null) as Record<string, unknown> | null;
  const s4Lapse = (outcome.s4Lapse ?? null) as { lapsedAt: string; after: string; details?: string | null } | null;
  const ended = (app?.detentionEnded ?? null) as { kind: string; at: string; by?: string | null } | null;
  const rectifications = (app?.rectifications ?? []) as Array<{ kind: string; at: string }>;
  const cto = (outcome.cto ?? null) as {
    about?: 'making' | 'revocation';
    decision: 'agree' | 'disagree';
    inWriting: boolean;
    conditionsAgreed: boolean | null;
    signedAt: string;
  } | null;
  const nr = a.nearestRelative as null | {
    relativeId: string | null;
    name: string | null;
    confirmed: boolean;
    notConfirmedReason: string | null;
    noneReason: string | null;
    trace: string[];
    informedAt: Str;
    informedMethod: Str;
    consultedAt: Str;
    consultedMethod: Str;
    exception: { kind: 'not-reasonably-practicable' | 'unreasonable-delay'; facts: string; detentionRemaining?: { text: string } } | null;
    views: Str;
  };
  const interview = a.interview as null | {
    suitableMannerNotes?: Str;
    alternativesConsidered?: string[];
    capacity?: Str;
    patientViews?: Str;
    relativesWishes?: Str;
    professionalsConsulted?: string[];
  };
  const involvement = a.involvement as {
    interpreter?: { needed: boolean; language?: string; used?: boolean; name?: string };
    advocate?: { involved: boolean; name?: string };
    police?: { involved: boolean; reason?: string };
    ambulance?: { involved: boolean; reason?: string };
  };
  const timeline = a.timeline as Array<{ type: string; at: string; delayReason: Str; note: Str }>;
  const admitted = timeline.find((e) => e.type === 'admitted');
  const name = (id: string) => src.names.get(id) ?? 'AMHP';
  // NR-14: the latest objection that counts; the others in force are shown as information.
  const latestObjection = src.relatives.objections.filter((o) => o.counts).at(0);
  const otherObjections = src.relatives.objections.filter((o) => !o.counts);
  const risks = [r.risks.toSelf ? 'to self' : null, r.risks.toOthers ? 'to others' : null, r.risks.fromOthers ? 'from others' : null]
    .filter(Boolean)
    .join(', ');
  return {
    generatedAt,
    timeZone,
    council,
    regime: src.check ? { id: src.check.regime.id, representative: src.check.regime.representative, basis: src.check.regime.basis } : null,
    referral: {
      reference: r.reference,
      source: r.source,
      referrer: [r.referrer.name, r.referrer.role, r.referrer.organisation].filter(Boolean).join(', '),
      receivedAt: at(r.receivedAt),
      urgency: r.urgency,
      reason: r.reason,
      risks: [
        risks ? `Risks ${risks}` : 'No risks to self, to others or from others recorded',
        ...(r.risks.flags ?? []),
        r.risks.notes ?? '',
      ]
        .filter(Boolean)
        .join('; '),
      nearestRelativeRequested: r.nearestRelativeRequest,
      legalContext: {
        kind: r.legalContext.kind as OutcomeReportModel['referral']['legalContext']['kind'],
        summary: null,
        clocks: r.clocks.map((c) => ({
          label: c.label,
          rule: c.rule,
          deadline: at(c.deadline),
          basis: c.basis,
          provisional: c.provisional,
        })),
      },
    },
    person: {
      name: `${p.givenName} ${p.familyName}`,
      dateOfBirth: p.dateOfBirth,
      nhsNumber: p.nhsNumber,
      address: p.address ?? null,
      language: p.preferredLanguage ?? null,
      interpreterNeeded: p.interpreterNeeded ?? null,
      communicationNeeds: p.communicationNeeds ?? null,
    },
    assessment: {
      amhpNames: [name(a.leadAmhpUserId), ...a.otherAmhpUserIds.map(name)],
      location: a.location,
      openedAt: at(a.openedAt),
      involvement: {
        interpreter: involvement.interpreter
          ? {
              needed: involvement.interpreter.needed,
              language: involvement.interpreter.language ?? null,
              used: involvement.interpreter.used ?? null,
              name: involvement.interpreter.name ?? null,
            }
          : null,
        advocate: involvement.advocate ? { involved: involvement.advocate.involved, name: involvement.advocate.name ?? null } : null,
        police: involvement.police ? { involved: involvement.police.involved, reason: involvement.police.reason ?? null } : null,
        ambulance: involvement.ambulance
          ? { involved: involvement.ambulance.involved, reason: involvement.ambulance.reason ?? null }
          : null,
      },
    },
    peoplePresent: [
      { name: name(a.leadAmhpUserId), role: 'AMHP' },
      ...(a.recommendations as Array<{ doctorName: string; withdrawnAt: Str }>)
        .filter((x) => !x.withdrawnAt)
        .map((x) => ({ name: x.doctorName, role: 'Doctor' })),
    ],
    contacts: (
      a.contacts as Array<{
        at: string;
        mode: 'in-person' | 'video' | 'phone';
        byRole: 'amhp' | 'doctor' | 'other';
        byUserId: Str;
        byName: Str;
        note: Str;
      }>
    ).map((c) => ({
      at: at(c.at),
      who: c.byName ?? (c.byUserId ? name(c.byUserId) : null),
      role: c.byRole,
      mode: c.mode,
      note: c.note ?? null,
    })),
    timeline: timeline.map((e) => ({ type: e.type, at: at(e.at), delayReason: e.delayReason ?? null, note: e.note ?? null })),
    interview: interview
      ? {
          suitableMannerNotes: interview.suitableMannerNotes ?? null,
          capacity: interview.capacity ?? null,
          patientViews: interview.patientViews ?? null,
          relativesWishes: interview.relativesWishes ?? null,
          professionalsConsulted: interview.professionalsConsulted ?? [],
          alternativesConsidered: interview.alternativesConsidered ?? [],
        }
      : null,
    nearestRelative: nr
      ? {
          name: nr.name,
          relationship: src.relationshipOf(nr.relativeId),
          confirmed: nr.confirmed,
          notConfirmedReason: nr.notConfirmedReason,
          noneReason: nr.noneReason,
          trace: nr.trace,
          informedAt: at(nr.informedAt),
          informedMethod: nr.informedMethod ?? null,
          consultedAt: at(nr.consultedAt),
          consultedMethod: nr.consultedMethod ?? null,
          exception: nr.exception
            ? { kind: nr.exception.kind, facts: nr.exception.facts, detentionRemaining: nr.exception.detentionRemaining?.text ?? null }
            : null,
          objection: {
            objected: src.relatives.objectionInForce,
            notifiedAt: latestObjection ? new Date(latestObjection.notifiedAt) : null,
            detail: latestObjection?.details ?? null,
            by: latestObjection
              ? `${latestObjection.by} (${STANDING_TEXT[latestObjection.standing as Standing] ?? latestObjection.standing})`
              : null,
            others: otherObjections.map((o) => ({
              by: o.by,
              explanation: o.explanation,
              notifiedAt: new Date(o.notifiedAt),
              detail: o.details,
            })),
          },
          views: nr.views ?? null,
          displaced: src.relatives.displaced,
        }
      : null,
    recommendations: (
      a.recommendations as Array<{
        doctorId: Str;
        doctorName: string;
        statedApproval: { s12: boolean; approvedClinician: boolean } | null;
        previousAcquaintance: boolean;
        noAcquaintanceReason: Str;
        examinedAt: string;
        examMode: 'in-person' | 'video' | 'phone';
        signedAt: string;
        section: 's2' | 's3' | 's4' | 's7';
        jointGroup: Str;
        withdrawnAt: Str;
        approvalOnExamDate?: { s12: boolean; approvedClinician: boolean };
      }>
    ).map((x) => ({
      doctorName: x.doctorName,
      s12ApprovedOnExamDate: x.approvalOnExamDate?.s12 ?? x.statedApproval?.s12 ?? null,
      approvedClinicianOnExamDate: x.approvalOnExamDate?.approvedClinician ?? x.statedApproval?.approvedClinician ?? null,
      approvalVerified: !!x.doctorId,
      previousAcquaintance: x.previousAcquaintance,
      noAcquaintanceReason: x.noAcquaintanceReason ?? null,
      examinedAt: at(x.examinedAt),
      examMode: x.examMode,
      signedAt: at(x.signedAt),
      section: x.section,
      jointGroup: x.jointGroup ?? null,
      withdrawnAt: at(x.withdrawnAt),
    })),
    conflicts: (
      a.conflicts as Array<{
        name: string;
        role: 'amhp' | 'doctor' | 'nearest-relative-applicant';
        teams: string[];
        directsOrEmploys: string[];
        declaration: { financial: boolean; business: boolean; personal: boolean; declaredAt: string } | null;
      }>
    ).map((c) => ({
      name: c.name,
      role: c.role,
      declaration: c.declaration ? { ...c.declaration, declaredAt: at(c.declaration.declaredAt) } : null,
      notes:
        [
          c.teams.length ? `Teams: ${c.teams.join(', ')}` : null,
          c.directsOrEmploys.length ? `Directs or employs: ${c.directsOrEmploys.join(', ')}` : null,
        ]
          .filter(Boolean)
          .join('; ') || null,
    })),
    outcome: a.outcomeKind
      ? {
          kind: a.outcomeKind as 'application' | 'cto-decision' | 'not-detained',
          decidedAt: at(a.decidedAt),
          rationale: (outcome.rationale as Str) ?? null,
          section: (a.section as 's2' | 's3' | 's4' | 's7' | null) ?? null,
          applicant: app ? (app.applicant === 'nearest-relative' ? 'nearest-relative' : 'amhp') : null,
          applicationSignedAt: app ? at(app.signedAt as string) : null,
          hospitalSite: (app?.hospitalSite as Str) ?? null,
          guardian: app?.guardian ? String((app.guardian as { name: string }).name) : null,
          believedSixteenOrOver: app ? app.believedSixteenOrOver === true : null,
          bed:
            app?.bedDetails || a.ward || a.bedFoundBy
              ? { ward: a.ward, details: (app?.bedDetails as Str) ?? null, foundBy: a.bedFoundBy }
              : null,
          conveyance:
            app?.conveyance || a.conveyanceArrangedWith
              ? { by: a.conveyanceArrangedWith, details: (app?.conveyance as Str) ?? null }
              : null,
          admittedAt: app?.inPatient === true && typeof app.managersReceivedAt === 'string' ? at(app.managersReceivedAt) : at(admitted?.at),
          managersReceivedAt: at(app?.managersReceivedAt as Str),
          forwardedToLssaAt: at(app?.forwardedToLssaAt as Str),
          acceptedByLssaAt: at((app?.guardian as { acceptedByLssaAt?: Str } | null | undefined)?.acceptedByLssaAt),
          s4Lapse: s4Lapse ? { lapsedAt: at(s4Lapse.lapsedAt), after: s4Lapse.after, details: s4Lapse.details ?? null } : null,
          detentionEnded: ended ? { kind: ended.kind, at: at(ended.at), by: ended.by ?? null } : null,
          rectifications: rectifications.map((x) => ({ kind: x.kind, at: at(x.at) })),
          legalStatusCode: a.legalStatusCode,
          alternatives: (outcome.alternatives as string[] | undefined) ?? [],
          carePlan: null,
          cto: cto
            ? {
                // A decision recorded before `about` was kept: what it was about follows from the referral (CTO-03).
                about: cto.about ?? ctoDecisionAbout(r.legalContext.kind),
                decision: cto.decision,
                inWriting: cto.inWriting,
                signedAt: at(cto.signedAt),
                conditionsAgreed: (cto.about ?? ctoDecisionAbout(r.legalContext.kind)) === 'revocation' ? null : cto.conditionsAgreed,
              }
            : null,
          writtenReasonsSentAt: at(r.writtenReasonsAt),
        }
      : null,
    practicalMatters: app?.practicalMatters
      ? (app.practicalMatters as { dependants: string | null; pets: string | null; property: string | null })
      : null,
    checks: src.check
      ? {
          findings: src.check.findings,
          deadlines: src.check.deadlines.map((d) => ({ rule: d.rule, label: d.label, at: d.at, basis: d.basis })),
          acknowledgedWarnings: (
            (outcome.acknowledgements as Array<{ code: string; reason: string; by: string; at: string }> | undefined) ?? []
          ).map((k) => ({ code: k.code, reason: k.reason, by: name(k.by), at: at(k.at) })),
        }
      : null,
    distribution: (a.distribution as Array<{ recipient: string; role: Str; method: Str; sentAt: Str }>).map((d) => ({
      recipient: d.recipient,
      role: d.role ?? null,
      method: d.method ?? null,
      sentAt: at(d.sentAt),
    })),
  };
}

/** The s.13(4) letter's input, or the reason there is no letter to write. */
export function writtenReasonsInput(
  src: ReportSource,
  timeZone: string,
  council: string | null,
): WrittenReasonsInput | { problem: string } {
  const a = src.view;
  if (!src.referral.nearestRelativeRequest)
    return { problem: 'The nearest relative did not ask for this assessment (s.13(4)): there is no written-reasons letter.' };
  // NR-12: the nearest relative's own application is not the AMHP's; the reasons for not applying are still owed.
  if (amhpApplied(a.outcomeKind, (a.outcome as { application?: { applicant?: string } } | null)?.application?.applicant))
    return { problem: 'An application was made: s.13(4) written reasons are owed only when the AMHP decides not to apply.' };
  if (!a.outcomeKind || !a.decidedAt) return { problem: 'Record the outcome first: the letter gives the reasons for the decision.' };
  const nr = a.nearestRelative as { name: string | null } | null;
  if (!nr?.name) return { problem: 'Identify the nearest relative for this assessment first: the letter is addressed to them.' };
  const outcome = (a.outcome ?? {}) as { rationale?: string; alternatives?: string[] };
  return {
    nearestRelative: { name: nr.name, address: null },
    patientName: `${src.person.givenName} ${src.person.familyName}`,
    referralReceivedAt: new Date(src.referral.receivedAt),
    decidedAt: new Date(a.decidedAt),
    amhpName: src.names.get(a.leadAmhpUserId) ?? 'The AMHP',
    council,
    reasons: outcome.rationale ?? '',
    alternatives: outcome.alternatives ?? [],
    timeZone,
  };
}
