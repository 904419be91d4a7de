/**
 * The event catalogue: every domain event type written to the outbox by `EventsService.emit`, with its aggregate and
 * payload. Each payload is defined once (src/events/schema.ts): that definition is both the JSON schema published in
 * the OpenAPI document (see bootstrap.ts) and the TypeScript type `emit` demands, so an event type that is not here,
 * or a payload that does not match its schema, does not compile. Payloads carry identifiers, codes and times only,
 * never a person's details. Delivered by the SSE stream (GET /events) and by webhooks, whose subscribers read these
 * schemas: change a payload here only as a contract change.
 */
import {
  Infer,
  JsonSchema,
  ObjectSchema,
  Schema,
  arrayOf,
  bool,
  date,
  enumOf,
  instant,
  int,
  nullable,
  num,
  obj,
  str,
  uuid,
} from './schema';
import { S136_CONSULTATION_OUTCOMES, WARRANT_KINDS } from '../statute/police-powers.rules';
import { CORRECTION_TIMES, S29_APPEAL_OUTCOMES } from '../statute/clocks';
import { CTO_EXTENSION_WITHDRAWAL_REASONS } from '../statute/cto-extension.rules';

/** The kinds of page: the one list, which the pages table's check (pages.entities) and its DTOs are written from. */
export const PAGE_KINDS = ['offer', 'clock-warning', 'clock-breach', 'escalation', 'handover'] as const;
/**
 * Why the service closed a page or a notification: the one list, which the pages' and notifications' checks and DTOs
 * and the events that carry it are written from.
 */
export const CLOSED_REASONS = [
  'accepted-by-another',
  'allocated',
  'referral-ended',
  'amhp-not-eligible',
  'reallocated',
  'offered-again',
  'deadline-moved',
  'left-police-station',
  'not-under-18',
  'statement-made',
  'request-withdrawn',
] as const;

export interface EventDefinition<A extends string = string, P = unknown> {
  aggregateType: A;
  summary: string;
  payload: ObjectSchema<P>;
}

const event = <const A extends string, P>(aggregateType: A, summary: string, payload: ObjectSchema<P>): EventDefinition<A, P> => ({
  aggregateType,
  summary,
  payload,
});

/** One event per value (e.g. each status a workflow moves to), keyed by `key(value)`. */
function family<const V extends string, const K extends string, E>(
  values: readonly V[],
  key: (v: V) => K,
  entry: (v: V) => E,
): Record<K, E> {
  const out = {} as Record<K, E>;
  for (const v of values) out[key(v)] = entry(v);
  return out;
}

const fieldsChanged = (what: string): Schema<string[]> => arrayOf(str(), `Names of the ${what} fields changed.`);

// ---- referrals ----------------------------------------------------------------------------------------------------

/** Statuses a referral reaches through a workflow move (PATCH status) or the assessments module: `referral.<status>`. */
export const REFERRAL_MOVE_STATUSES = [
  'screening',
  'accepted',
  'not-accepted',
  'transferred',
  'in-assessment',
  'closed',
  'withdrawn',
] as const;
export type ReferralMoveStatus = (typeof REFERRAL_MOVE_STATUSES)[number];

const REFERRAL_MOVE_SUMMARIES: Record<ReferralMoveStatus, string> = {
  screening: 'The referral moved to screening.',
  accepted: "The referral was accepted (or returned to accepted for re-allocation, ending the allocated AMHP's access).",
  'not-accepted': 'The referral was not accepted after screening.',
  transferred: 'The referral was transferred to another service.',
  'in-assessment': 'An assessment opened for the referral.',
  closed: 'The referral closed (by a workflow move or when its assessment closed).',
  withdrawn: 'The referral was withdrawn.',
};

const referralMoves = family(
  REFERRAL_MOVE_STATUSES,
  (status) => `referral.${status}` as const,
  (status) =>
    event(
      'referral',
      REFERRAL_MOVE_SUMMARIES[status],
      obj(
        {
          referralId: uuid(),
          from: str('The referral status before the move.'),
          to: str(`The referral status after the move (\`${status}\`).`),
        },
        { assessmentId: uuid('The assessment that moved the referral, when the assessments module made the move.') },
      ),
    ),
);

/**
 * The event of a referral's workflow move to `to`. No move goes back to `received` (TRANSITIONS), and a move to
 * `allocated` goes through allocation (`referral.allocated`) instead, so neither reaches here.
 */
export function referralMoveType(to: string): `referral.${ReferralMoveStatus}` {
  const status = REFERRAL_MOVE_STATUSES.find((s) => s === to);
  if (!status) throw new Error(`A move to ${to} is not a referral move event`);
  return `referral.${status}`;
}

// ---- assessments --------------------------------------------------------------------------------------------------

const assessmentIds = { assessmentId: uuid(), referralId: uuid() };

/** POL-02 (s.135(4)): who attended a warrant's execution, as codes (attendanceCodes), recorded or corrected. */
const warrantAttendance = () =>
  obj(
    {
      amhp: enumOf(['hub-amhp', 'named-amhp', 'none'], 'POL-02 (s.135(4)): the AMHP who attended the execution.'),
      doctor: enumOf(['registered-doctor', 'named-doctor', 'none'], 'POL-02 (s.135(4)): the doctor who attended.'),
    },
    { amhpUserId: uuid("The hub's AMHP who attended."), doctorId: uuid('The doctor on the register who attended.') },
  );

// ---- people: nearest-relative displacement ------------------------------------------------------------------------

/** Statuses a displacement application moves to: `nearest-relative.displacement-<status>`. */
export const DISPLACEMENT_MOVE_STATUSES = ['interim-order', 'order', 'refused', 'withdrawn'] as const;

const displacementPayload = obj({
  personId: uuid(),
  displacementId: uuid(),
  from: str('The application status before the change.'),
  to: str('The application status after the change.'),
  fields: fieldsChanged('application'),
});

// ---- rota: swaps and leave ----------------------------------------------------------------------------------------

const swapFields = {
  swapId: uuid(),
  assignmentId: nullable(uuid("The assignment offered (after approval: the taker's new assignment).")),
  shiftId: uuid(),
  fromPractitionerId: uuid('The practitioner offering the shift.'),
  toPractitionerId: nullable(uuid('The colleague the shift was offered to, if any.')),
  takerPractitionerId: nullable(uuid('The practitioner taking the shift, once accepted.')),
  startsAt: instant(),
  endsAt: instant(),
};
const swapPayload = obj(swapFields);

const leaveFields = { leaveId: uuid(), practitionerId: uuid(), startsAt: instant(), endsAt: instant() };
const leavePayload = obj(leaveFields);

/** Every event type, one definition each. */
export const EVENTS = {
  // referrals
  'referral.received': event(
    'referral',
    'A referral was received and its statutory clocks started.',
    obj({
      referralId: uuid(),
      urgency: str('Urgency code.'),
      legalContext: str('Legal context kind code.'),
      nextDeadline: nullable(instant('The soonest running deadline.')),
    }),
  ),
  ...referralMoves,
  'referral.allocated': event(
    'referral',
    'The referral was allocated to an AMHP.',
    obj({ referralId: uuid(), userId: uuid('The allocated AMHP.') }),
  ),
  'referral.offered': event(
    'referral',
    'The referral was offered to an AMHP.',
    obj({ referralId: uuid(), userId: uuid('The AMHP offered the referral.') }),
  ),
  'referral.offer-declined': event(
    'referral',
    'An AMHP declined the offer of the referral: it still waits for an AMHP (the hub sees who has not answered).',
    obj({ referralId: uuid(), userId: uuid('The AMHP who declined.') }),
  ),
  'referral.extended': event(
    'referral',
    'A statutory period of the referral was extended.',
    obj(
      {
        referralId: uuid(),
        hours: num('Length of the extension in hours, to the minute (7.5 for 7 h 30 min).'),
      },
      // Events raised before extensions were kept to the minute (whole hours then) carry `hours` alone.
      { minutes: int('Length of the extension in minutes (at most 720).') },
    ),
  ),
  'referral.arrival-recorded': event(
    'referral',
    "An arrival not known at intake was recorded: a recalled patient's detention in hospital began (s.17F(8)), or a person under a s.135(1) warrant reached the place of safety (s.135(3ZA)); the clock now runs from it.",
    obj({
      referralId: uuid(),
      at: instant('When the detention in hospital began, or the person reached the place of safety.'),
      legalContext: enumOf(['cto-recall', 's135-1'] as const, 'The power whose clock runs from the arrival.'),
    }),
  ),
  'referral.time-corrected': event(
    'referral',
    'A time a statutory clock runs from was corrected, earlier or later (a s.136 or s.135(1) arrival, decision to keep or entry, a warrant executed, a s.5 report or record, a CTO recall notice or arrival, an admission under a s.4 application): the clocks run from the corrected time.',
    obj({
      referralId: uuid(),
      time: enumOf(CORRECTION_TIMES, 'The time corrected.'),
      from: instant('The time as it was recorded.'),
      to: instant('The time as corrected.'),
    }),
  ),
  'referral.police-record-corrected': event(
    'referral',
    "The police's answer about how they used the power was added or corrected after intake (POL-06: the consultation before a s.136, s.136(1C); POL-02: who attended a s.135 warrant's execution, s.135(4)).",
    obj(
      {
        referralId: uuid(),
        record: enumOf(['policeConsultation', 'executionAttendance'] as const, 'The record added or corrected.'),
        codes: arrayOf(str(), "The rule's finding codes now (none: the record shows what the Act asks)."),
      },
      {
        consulted: enumOf(S136_CONSULTATION_OUTCOMES, 'policeConsultation: the answer now.'),
        amhp: enumOf(['hub-amhp', 'named-amhp', 'none'] as const, 'executionAttendance: the AMHP who attended now.'),
        doctor: enumOf(['registered-doctor', 'named-doctor', 'none'] as const, 'executionAttendance: the doctor who attended now.'),
      },
    ),
  ),
  'referral.detention-end': event(
    'referral',
    'How the s.2 the referral states the patient is already on ended was recorded (APP-22): a discharge under s.23, its lapse at the end of its 28 days (s.2(4)), or admission under a s.3 (s.6(4)); its clock stops.',
    obj(
      {
        referralId: uuid(),
        kind: enumOf(['discharged', 'lapsed', 'became-s3'], 'How it ended.'),
        at: instant('When it ended.'),
      },
      {
        by: enumOf(
          ['responsible-clinician', 'hospital-managers', 'local-social-services-authority', 'nearest-relative', 'tribunal'],
          'Who discharged the patient (a discharge only).',
        ),
      },
    ),
  ),
  'referral.findings-rejudged': event(
    'referral',
    "A rule judged again after intake, its findings on the referral now standing as given: POL-09 (s.136A(1)) when the person's date of birth on record was recorded or corrected, or they were moved to another place of safety; POL-10 (s.135(7)) when they were moved to another place of safety, judged on the agreements to the new place; POL-06 (s.136(1C)) or POL-02 (s.135(4)) when the police's answer about the consultation before a s.136 or who attended a warrant's execution was recorded after intake.",
    obj({
      referralId: uuid(),
      rule: enumOf(['POL-09', 'POL-10', 'POL-06', 'POL-02'] as const, 'The rule judged again.'),
      cause: enumOf(
        ['date-of-birth', 'place-of-safety-moved', 'police-record'] as const,
        "What changed: the date of birth on record, the place of safety, or the police's record of how they used the power.",
      ),
      codes: arrayOf(
        str(),
        "The rule's finding codes now (police-station-under-18 is a child held at a police station; POL-10's dwelling-… and place-… codes a place of safety used without, or not known to have, the agreements it needs).",
      ),
      personUnder18: nullable(
        bool('Under 18 on the day of arrival, by the flag given at intake or the date of birth on record; null when not known.'),
      ),
    }),
  ),
  'referral.place-of-safety-moved': event(
    'referral',
    'The person was moved to another place of safety (s.136(3), s.135(3A)); the period still runs from the first start.',
    obj({
      referralId: uuid(),
      at: instant('When the person arrived at the new place of safety.'),
      placeOfSafetyType: enumOf(
        ['health-based', 'police-station', 'a-and-e', 'private-dwelling', 'other'] as const,
        'The type of the new place of safety.',
      ),
    }),
  ),

  // assessments
  'assessment.opened': event(
    'assessment',
    'An assessment opened for a referral.',
    obj({ ...assessmentIds, leadAmhpUserId: uuid('The lead AMHP.') }),
  ),
  'assessment.update': event(
    'assessment',
    'The assessment details were updated.',
    obj({ ...assessmentIds, fields: fieldsChanged('assessment') }),
  ),
  'assessment.event': event(
    'assessment',
    'A timeline event was recorded on the assessment.',
    obj(
      { ...assessmentIds, type: str('Timeline event type code.') },
      {
        delayReason: str('Delay reason code, when one was given.'),
        warrantKind: enumOf(WARRANT_KINDS, 'warrant-executed with its attendance: the warrant (s.135(1) or s.135(2)).'),
        attendance: warrantAttendance(),
      },
    ),
  ),
  'assessment.event-corrected': event(
    'assessment',
    "A timeline event of the assessment was corrected: its time, or a warrant executed's attendance.",
    obj(
      { ...assessmentIds, eventId: str('The timeline event.'), type: str('Timeline event type code.') },
      {
        warrantKind: enumOf(WARRANT_KINDS, 'warrant-executed with its attendance corrected: the warrant (s.135(1) or s.135(2)).'),
        attendance: warrantAttendance(),
      },
    ),
  ),
  'assessment.contact': event(
    'assessment',
    'A contact with the patient was recorded.',
    obj({
      ...assessmentIds,
      mode: str('Contact mode code.'),
      byRole: str('Role code of who made the contact.'),
      byUserId: nullable(uuid('The AMHP who made the contact (byRole amhp): their contact for APP-04.')),
      recordedBy: uuid('Who recorded the contact (a manager typing it up for the AMHP, or the AMHP).'),
    }),
  ),
  'assessment.recommendation': event(
    'assessment',
    'A medical recommendation was recorded.',
    obj({ ...assessmentIds, recommendationId: uuid(), section: str('Mental Health Act section code.') }),
  ),
  'assessment.recommendation-withdrawn': event(
    'assessment',
    'A medical recommendation entered in error was withdrawn.',
    obj({ ...assessmentIds, recommendationId: uuid() }),
  ),
  'assessment.nearest-relative': event(
    'assessment',
    'The nearest relative for the assessment was recorded.',
    obj({
      ...assessmentIds,
      relativeId: nullable(uuid()),
      displacementId: nullable(uuid('The s.29 order whose acting nearest relative was identified, if any.')),
      nominatedPersonId: nullable(uuid('The nominated person identified (MHA 2025), if any.')),
      confirmed: bool('Whether the s.26 proposal was confirmed.'),
      informed: bool('Whether the nearest relative was informed.'),
      consulted: bool('Whether the nearest relative was consulted.'),
      exception: nullable(str('Exception kind code.')),
    }),
  ),
  'assessment.conflicts': event(
    'assessment',
    "The assessors' conflict-of-interest declarations were recorded.",
    obj({
      ...assessmentIds,
      assessors: int('Number of assessors recorded.'),
      declarations: arrayOf(
        obj({ assessorId: str('The assessor ("amhp", or a recommendation id for its doctor).'), declaredAt: instant('When declared.') }),
        'Each signed declaration and when it was made.',
      ),
    }),
  ),
  'assessment.outcome': event(
    'assessment',
    'The outcome of the assessment was recorded.',
    obj({
      ...assessmentIds,
      kind: enumOf(['application', 'cto-decision', 'not-detained'], 'Outcome kind code.'),
      section: nullable(str('Mental Health Act section code of an application.')),
      warningsAcknowledged: int('Number of warnings acknowledged.'),
    }),
  ),
  'assessment.s4-conversion': event(
    'assessment',
    'A s.4 application was converted to a s.2.',
    obj({
      ...assessmentIds,
      from: enumOf(['s4'], '`s4`.'),
      to: enumOf(['s2'], '`s2`.'),
      s2Expiry: nullable(instant('When the s.2 expires.')),
    }),
  ),
  'assessment.application-record': event(
    'assessment',
    "What happened to a made application was recorded after the fact (the managers' receipt, the forwarding to the local social services authority).",
    obj({ ...assessmentIds, fields: fieldsChanged('application') }),
  ),
  'assessment.s4-lapse': event(
    'assessment',
    'A s.4 emergency application lapsed 72 hours after admission without a second medical recommendation (s.4(4)).',
    obj({
      ...assessmentIds,
      lapsedAt: instant('When the s.4 lapsed: 72 hours after admission.'),
      after: enumOf(['discharged', 'remained-informally', 'other'], 'What happened to the patient when it lapsed.'),
    }),
  ),
  'assessment.cto-order': event(
    'assessment',
    "The responsible clinician's order after the AMHP's agreement was recorded: the CTO made (s.17A(1)) or revoked (s.17F(4)).",
    obj({ ...assessmentIds, orderMadeAt: instant('When the order was made: its period begins with that day (s.20A(1); s.17G).') }),
  ),
  'assessment.detention-end': event(
    'assessment',
    'How the detention (or guardianship) under a made application ended was recorded: a discharge under s.23, a s.2 lapsed at its 28 days (s.2(4)), or a s.2 ended by admission under a s.3 (s.6(4)).',
    obj(
      {
        ...assessmentIds,
        kind: enumOf(['discharged', 'lapsed', 'became-s3'], 'How it ended.'),
        at: instant('When it ended.'),
      },
      {
        by: enumOf(
          ['responsible-clinician', 'hospital-managers', 'local-social-services-authority', 'nearest-relative', 'tribunal'],
          'Who discharged the patient (a discharge only).',
        ),
      },
    ),
  ),
  'assessment.rectification': event(
    'assessment',
    "The hospital managers' rectification of a made application under s.15 was recorded: the application or a recommendation amended, or a recommendation replaced by a fresh one.",
    obj({
      ...assessmentIds,
      kind: enumOf(['application-amended', 'recommendation-amended', 'recommendation-replaced'], 'What was rectified.'),
      at: instant('When the managers consented, or had the fresh recommendation.'),
    }),
  ),
  'assessment.close': event(
    'assessment',
    'The assessment closed.',
    obj(
      { ...assessmentIds, referralClosed: bool('Whether the referral closed with it (not for a deferred decision).') },
      { note: bool('`true` when a closing note was given.') },
    ),
  ),

  // CTO extensions (CTO-04, s.20A(8))
  'cto-extension.received': event(
    'cto-extension',
    "A responsible clinician's request for an AMHP's statement on extending a CTO was referred to the hub.",
    obj({
      ctoExtensionId: uuid(),
      personId: uuid(),
      ctoExpiresOn: date("The last day of the CTO's current period."),
      rcExaminedOn: date("The day of the responsible clinician's examination (s.20A(4))."),
    }),
  ),
  'cto-extension.allocated': event(
    'cto-extension',
    'A CTO extension request was allocated to an AMHP.',
    obj({ ctoExtensionId: uuid(), personId: uuid(), userId: uuid('The AMHP allocated.') }),
  ),
  'cto-extension.decided': event(
    'cto-extension',
    "The AMHP's statement on extending a CTO was made (s.20A(8)): whether the CTO is extended, and to when.",
    obj({
      ctoExtensionId: uuid(),
      personId: uuid(),
      userId: uuid('The AMHP who signed it.'),
      decision: enumOf(['agree', 'disagree'] as const, 'The AMHP agrees, or not.'),
      extended: bool("Whether the responsible clinician's report may extend the CTO on it."),
      extendedUntil: nullable(date('The last day of the period the extension gives (s.20A(3)); null when not extended.')),
      signedAt: instant(),
    }),
  ),

  'cto-extension.withdrawn': event(
    'cto-extension',
    "A request for an AMHP's statement on extending a CTO was withdrawn before the statement was made (CTO-04): nobody is asked for it any more, and its deadline is told to no one.",
    obj({
      ctoExtensionId: uuid(),
      personId: uuid(),
      userId: uuid('Who withdrew it: the referrer that made it, or a manager.'),
      reason: enumOf(CTO_EXTENSION_WITHDRAWAL_REASONS, 'Why it was withdrawn (the note, free text, is on the request).'),
      allocatedUserId: nullable(uuid('The AMHP it was allocated to, told that it was withdrawn; null when it was not allocated.')),
      withdrawnAt: instant(),
    }),
  ),

  // safeguarding: decisions, actions, handovers
  'decision.drafted': event(
    'decision',
    'An out-of-hours decision was drafted.',
    obj({ decisionId: uuid(), type: str('Decision type code.'), authorUserId: uuid(), personId: nullable(uuid()) }),
  ),
  'decision.updated': event('decision', 'A draft decision was edited.', obj({ decisionId: uuid(), fields: fieldsChanged('decision') })),
  'decision.signed': event(
    'decision',
    'A decision was signed; its actions became follow-up actions.',
    obj({
      decisionId: uuid(),
      type: str('Decision type code.'),
      authorUserId: uuid(),
      personId: nullable(uuid()),
      signedAt: instant(),
      actionIds: arrayOf(uuid(), 'Ids of the follow-up actions created.'),
    }),
  ),
  'decision.amended': event(
    'decision',
    'A signed decision was amended.',
    obj({
      decisionId: uuid(),
      amendmentId: uuid(),
      fields: fieldsChanged('decision'),
      amendedBy: uuid(),
      actionIds: arrayOf(uuid(), 'Ids of the follow-up actions created.'),
    }),
  ),
  'decision.escalation-required': event(
    'decision',
    'A decision costs more than the delegated authority limit and needs escalation.',
    obj({
      decisionId: uuid(),
      type: str('Decision type code.'),
      costPence: nullable(int('Cost in pence.')),
      limitPence: int('The delegated authority limit in pence.'),
      escalationOutcome: nullable(str('Escalation outcome code, when recorded.')),
    }),
  ),
  'action.created': event(
    'follow-up-action',
    'A follow-up action was created.',
    obj({
      actionId: uuid(),
      sourceType: str('Source type code (e.g. decision).'),
      sourceId: uuid(),
      ownerUserId: nullable(uuid()),
      dueAt: nullable(instant()),
    }),
  ),
  'action.done': event(
    'follow-up-action',
    'A follow-up action was done.',
    obj({ actionId: uuid(), sourceType: str('Source type code.'), sourceId: uuid(), doneBy: uuid() }),
  ),
  'handover.item-acknowledged': event(
    'handover',
    'An item of the morning handover was acknowledged.',
    obj({ date: date('The handover date.'), itemId: str('The handover item id.'), itemType: str('Item type code.'), by: uuid() }),
  ),
  'handover.compiled': event('handover', 'The morning handover was compiled.', obj({ date: date('The handover date.') })),

  // people: relatives
  'relative.recorded': event('person', 'A relative of a person was recorded.', obj({ personId: uuid(), relativeId: uuid() })),
  'relative.updated': event(
    'person',
    "A relative's record was updated.",
    obj({ personId: uuid(), relativeId: uuid(), fields: fieldsChanged('relative') }),
  ),
  'nearest-relative.objection-recorded': event(
    'person',
    'An objection to an application was recorded, with who made it (NR-14: whether it counts is judged by the checks).',
    obj({
      personId: uuid(),
      objectionId: uuid(),
      objectorKind: enumOf(
        ['relative', 'acting-nearest-relative', 'delegate', 'nominated-person', 'not-recorded'],
        'Who objected (NR-14).',
      ),
      relativeId: nullable(uuid()),
      notifiedTo: str('Who was notified (code).'),
      notifiedAt: instant(),
    }),
  ),
  'nearest-relative.objection-withdrawn': event(
    'person',
    "The nearest relative's objection was withdrawn.",
    obj({ personId: uuid(), objectionId: uuid(), withdrawnAt: instant() }),
  ),
  'nominated-person.appointed': event(
    'person',
    'A nominated person (MHA 2025, MHA25-05) was recorded as appointed; one in office that day is replaced.',
    obj({ personId: uuid(), nominatedPersonId: uuid(), appointedOn: date(), replaced: nullable(uuid()) }),
  ),
  'nominated-person.ended': event(
    'person',
    "A nominated person's appointment was ended.",
    obj({ personId: uuid(), nominatedPersonId: uuid(), endedOn: date() }),
  ),
  'nearest-relative.displacement-filed': event(
    'person',
    'An application to displace the nearest relative (s.29) was filed.',
    obj({ personId: uuid(), displacementId: uuid(), ground: str('Ground code.'), filedAt: instant() }),
  ),
  ...family(
    DISPLACEMENT_MOVE_STATUSES,
    (status) => `nearest-relative.displacement-${status}` as const,
    (status) => event('person', `A displacement application became \`${status}\`.`, displacementPayload),
  ),
  'nearest-relative.displacement-updated': event(
    'person',
    'A displacement application was updated without a status change.',
    displacementPayload,
  ),
  'nearest-relative.displacement-appeal-lodged': event(
    'person',
    "An appeal against the court's decision on a displacement application was lodged (NR-11, s.29(5)): the application is not finally disposed of while it is pending.",
    obj({ personId: uuid(), displacementId: uuid(), lodgedOn: date() }),
  ),
  'nearest-relative.displacement-appeal-disposed': event(
    'person',
    'An appeal on a displacement application was determined or withdrawn (NR-11, s.29(5)): the application was finally disposed of that day.',
    obj({
      personId: uuid(),
      displacementId: uuid(),
      outcome: enumOf(S29_APPEAL_OUTCOMES, 'How the appeal ended.'),
      disposedOn: date(),
      orderStands: bool('Whether an order stands after it (the s.2 it extends then runs 7 days more, s.29(4)(b)).'),
    }),
  ),

  // rota
  'rota.pattern.created': event('shift-pattern', 'A shift pattern was created.', obj({ patternId: uuid() })),
  'rota.shifts.generated': event(
    'rota',
    'Shifts were generated from the patterns for a date range (only when some were created).',
    obj({ from: date('First date of the range.'), to: date('Last date of the range.'), created: int('Number of shifts created.') }),
  ),
  'rota.shift.created': event('shift', 'A shift was created.', obj({ shiftId: uuid(), startsAt: instant(), endsAt: instant() })),
  'rota.shift.updated': event('shift', 'A shift was updated.', obj({ shiftId: uuid(), fields: fieldsChanged('shift') })),
  'rota.shift.deleted': event('shift', 'A shift was deleted.', obj({ shiftId: uuid() })),
  'rota.assignment.created': event(
    'shift',
    'A practitioner was assigned to a shift.',
    obj({
      shiftId: uuid(),
      assignmentId: uuid(),
      practitionerId: uuid(),
      userId: nullable(uuid()),
      startsAt: instant(),
      endsAt: instant(),
      source: str('Source code (manual, plan, swap...).'),
    }),
  ),
  'rota.assignment.removed': event(
    'shift',
    'A practitioner was unassigned from a shift.',
    obj({
      shiftId: uuid(),
      assignmentId: uuid(),
      practitionerId: uuid(),
      userId: nullable(uuid()),
      startsAt: instant(),
      endsAt: instant(),
      source: str('Why the assignment was removed (code: manual, leave, swap...).'),
    }),
  ),
  'rota.plan.published': event(
    'rota-plan',
    'A rota plan was published as assignments.',
    obj({
      planId: uuid(),
      from: instant('Start of the planned period.'),
      to: instant('End of the planned period.'),
      assignments: int('Number of assignments published.'),
      unfilled: int('Number of places left unfilled.'),
    }),
  ),
  'rota.manager-on-call.set': event(
    'manager-on-call',
    'A manager was put on call for a period (the last step of the escalation chains, DUTY-03).',
    obj({ onCallId: uuid(), userId: uuid('The manager on call.'), startsAt: instant(), endsAt: instant() }),
  ),
  'rota.manager-on-call.removed': event(
    'manager-on-call',
    'A manager-on-call period was removed; or one in progress was ended (startsAt is then when it ended: the part served stays).',
    obj({ onCallId: uuid(), userId: uuid('The manager who was on call.'), startsAt: instant(), endsAt: instant() }),
  ),
  'rota.swap.offered': event(
    'swap-request',
    'A practitioner offered a shift for swap.',
    obj({
      swapId: uuid(),
      assignmentId: uuid(),
      shiftId: uuid(),
      fromPractitionerId: uuid(),
      toPractitionerId: nullable(uuid()),
      startsAt: instant(),
      endsAt: instant(),
    }),
  ),
  'rota.swap.accepted': event('swap-request', 'A colleague accepted a swap offer.', swapPayload),
  'rota.swap.approved': event(
    'swap-request',
    'A manager approved a swap: the shift passed to the taker.',
    obj({
      ...swapFields,
      removedAssignmentId: uuid("The offerer's assignment removed."),
      newAssignmentId: uuid("The taker's new assignment."),
    }),
  ),
  'rota.swap.declined': event('swap-request', 'A swap was declined.', swapPayload),
  'rota.swap.cancelled': event('swap-request', 'A swap was withdrawn.', swapPayload),
  'rota.leave.requested': event('leave-request', 'Leave was requested.', leavePayload),
  'rota.leave.approved': event(
    'leave-request',
    'Leave was approved.',
    obj(leaveFields, { unassignedAssignmentIds: arrayOf(uuid(), 'Assignments removed because of the leave, when any were.') }),
  ),
  'rota.leave.declined': event('leave-request', 'Leave was declined.', leavePayload),
  'rota.leave.cancelled': event('leave-request', 'Leave was cancelled.', leavePayload),

  // alerts
  'notification.created': event(
    'notification',
    'A notification was raised for a user.',
    obj({
      notificationId: uuid(),
      userId: uuid(),
      kind: str('Notification kind code.'),
      severity: str('Severity code.'),
      link: nullable(str('API path of the subject.')),
      subjectType: nullable(str('Subject type code.')),
      subjectId: nullable(str('Subject id.')),
    }),
  ),
  'notification.closed': event(
    'notification',
    "The service closed a user's notification: what it told of is no longer theirs to act on (a job reallocated away, an offer taken by another AMHP, allocated or ended). It stays in their inbox, no longer new.",
    obj({
      notificationId: uuid(),
      userId: uuid('Whose notification it is.'),
      kind: str('Notification kind code.'),
      closedReason: enumOf(CLOSED_REASONS, 'Why the service closed it (as for the pages about the same matter).'),
      subjectType: nullable(str('Subject type code.')),
      subjectId: nullable(str('Subject id.')),
      closedAt: instant(),
    }),
  ),
  'notification.updated': event(
    'notification',
    "The service put a user's standing notification right where it stands (a time limit's end moved later within the same warning stage): its words changed, it was not raised again. Their app reads it again.",
    obj({
      notificationId: uuid(),
      userId: uuid('Whose notification it is.'),
      kind: str('Notification kind code.'),
      subjectType: nullable(str('Subject type code.')),
      subjectId: nullable(str('Subject id.')),
      updatedAt: instant(),
    }),
  ),
  'page.raised': event(
    'page',
    'A page was raised for its recipient (an offer, a clock warning or breach, a step of the escalation chain, the handover): their app shows it in the inbox at once, before the push or the gateway reaches them.',
    obj({
      pageId: uuid(),
      userId: uuid('The recipient.'),
      kind: enumOf(PAGE_KINDS, 'Page kind code.'),
      step: int('0 for the first page; 1-3 for the steps of the escalation chain (DUTY-03).'),
      urgency: enumOf(['high', 'normal'], 'How urgently to reach the recipient.'),
      referralId: nullable(uuid('The referral the page is about, if any.')),
      raisedAt: instant(),
    }),
  ),
  'page.requested': event(
    'page',
    "A page could not be pushed to its recipient's phone (no device subscribed, or every push failed): the second channel, for a council's SMS or voice gateway subscribed by webhook, which reports back on POST /pages/{id}/gateway-receipts.",
    obj({
      pageId: uuid(),
      userId: uuid('The recipient, to be reached by SMS or voice (the gateway holds their number).'),
      kind: enumOf(PAGE_KINDS, 'Page kind code.'),
      step: int('0 for the first page; 1-3 for the steps of the escalation chain (DUTY-03).'),
      urgency: enumOf(['high', 'normal'], 'How urgently to reach the recipient.'),
      reason: enumOf(['no-device', 'push-failed'], 'Why push did not reach them.'),
      referralId: nullable(uuid('The referral the page is about, if any.')),
      requestedAt: instant(),
    }),
  ),
  'page.updated': event(
    'page',
    "A clock page was put right where it stands: the end of the time limit it warns of moved later within the same warning stage (a short extension). It is not sent again; the recipient's app shows the new end.",
    obj({
      pageId: uuid(),
      userId: uuid('The recipient.'),
      kind: enumOf(['offer', 'clock-warning', 'clock-breach', 'escalation', 'handover'], 'Page kind code.'),
      referralId: nullable(uuid('The referral the page is about, if any.')),
      endsAt: instant('The end it warns of now.'),
      was: nullable(instant('The end it warned of before (null for a page raised before pages kept their end).')),
    }),
  ),
  'page.acknowledged': event(
    'page',
    'A page was acknowledged by its recipient (from the notification, the app, or the gateway), or closed by the service because what it paged about is no longer theirs to act on (via system): a gateway stops calling.',
    obj(
      {
        pageId: uuid(),
        userId: uuid('The recipient.'),
        kind: enumOf(PAGE_KINDS, 'Page kind code.'),
        via: enumOf(['app', 'notification', 'gateway', 'system'], 'Where it was acknowledged (system: closed by the service).'),
        referralId: nullable(uuid()),
        acknowledgedAt: instant(),
      },
      {
        closedReason: enumOf(CLOSED_REASONS, 'Closed by the service (via system): why it no longer waits for the recipient.'),
      },
    ),
  ),
  'webhook.created': event('webhook-subscription', 'A webhook subscription was created.', obj({ subscriptionId: uuid() })),
  'webhook.updated': event(
    'webhook-subscription',
    'A webhook subscription was updated.',
    obj({ subscriptionId: uuid(), fields: fieldsChanged('subscription') }),
  ),
  'webhook.deleted': event('webhook-subscription', 'A webhook subscription was deleted.', obj({ subscriptionId: uuid() })),
  'webhook.disabled': event(
    'webhook-subscription',
    'A webhook subscription was disabled after repeated delivery failures.',
    obj({ subscriptionId: uuid(), consecutiveFailures: int('Consecutive failed deliveries.'), disabledAt: instant() }),
  ),
} satisfies Record<string, EventDefinition<string, unknown>>;

type Catalogue = typeof EVENTS;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every event type the service emits. */
export type EventType = keyof Catalogue;
/**
 * The payload of an event of type `T`, as its schema publishes it. For a union of types (`referral.${to}`) it is a
 * payload valid for every one of them, so a value that fits only some of them does not compile.
 */
export type EventPayload<T extends EventType> = UnionToIntersection<Infer<Catalogue[T]['payload']>>;
/** The aggregate an event of type `T` is about (the same for every member of a union of types). */
export type EventAggregate<T extends EventType> = UnionToIntersection<Catalogue[T]['aggregateType']>;

/** A domain event of type `T`: its aggregate and payload are the ones the catalogue defines for `T`. */
export interface DomainEvent<T extends EventType = EventType> {
  type: T;
  aggregateType: EventAggregate<T>;
  aggregateId: string;
  /** Identifiers and codes only, never a person's details. */
  payload: EventPayload<T>;
}

/**
 * The events a change to an assessment writes (AssessmentsService.change): those on the assessment aggregate whose
 * payload carries the assessment and referral ids, but the opening.
 */
export type AssessmentChangeType = Exclude<
  {
    [T in EventType]: Catalogue[T]['aggregateType'] extends 'assessment'
      ? Infer<Catalogue[T]['payload']> extends { assessmentId: string; referralId: string }
        ? T
        : never
      : never;
  }[EventType],
  'assessment.opened'
>;
/** What an assessment change adds to the assessment and referral ids in its event. */
export type AssessmentChange<T extends AssessmentChangeType> = Omit<Infer<Catalogue[T]['payload']>, 'assessmentId' | 'referralId'>;

/** The event of an assessment change: the assessment and referral ids and what the change reports. */
export function assessmentChangeEvent<T extends AssessmentChangeType>(
  type: T,
  ids: { assessmentId: string; referralId: string },
  change: AssessmentChange<T>,
): DomainEvent<T> {
  // T is on the assessment aggregate and its payload is the two ids plus the change (AssessmentChangeType says so):
  // TypeScript cannot see through Omit of a generic type that putting the ids back gives the payload again.
  const payload = { ...change, ...ids } as unknown as EventPayload<T>;
  return { type, aggregateType: 'assessment' as EventAggregate<T>, aggregateId: ids.assessmentId, payload };
}

/** Every event type, sorted (the order of the OpenAPI document). */
export const EVENT_TYPES: EventType[] = (Object.keys(EVENTS) as EventType[]).sort();

/** Whether `type` is a catalogued event type. */
export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENTS, type);
}

/** The published (OpenAPI 3.0) schema of an event's payload. */
export interface PublishedEventSchema {
  type: 'object';
  description: string;
  properties: Record<string, JsonSchema>;
  required: string[];
}

/** The published schema of an event's payload: its definition, with a description naming the event. */
export function eventPayloadSchema(type: EventType): PublishedEventSchema {
  const e: EventDefinition = EVENTS[type];
  return {
    type: 'object',
    description: `Payload of \`${type}\` (aggregate \`${e.aggregateType}\`): ${e.summary} Identifiers, codes and times only.`,
    properties: e.payload.properties,
    required: e.payload.required,
  };
}

/** OpenAPI 3 schema objects for each event's payload, keyed by event type, in type order. */
export function eventCatalogueSchemas(): Record<EventType, PublishedEventSchema> {
  const out = {} as Record<EventType, PublishedEventSchema>;
  for (const type of EVENT_TYPES) out[type] = eventPayloadSchema(type);
  return out;
}

/** The OpenAPI component name for an event's payload schema. */
export function eventSchemaName(type: string): string {
  return `Event_${type.replace(/[.-]/g, '_')}`;
}

/** A compact markdown table of the catalogue: event, aggregate, summary. */
export function eventCatalogueMarkdown(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    '| Event | Aggregate | Summary |',
    '| --- | --- | --- |',
    ...EVENT_TYPES.map((type) => {
      const e: EventDefinition = EVENTS[type];
      return `| \`${type}\` | ${e.aggregateType} | ${cell(e.summary)} |`;
    }),
  ].join('\n');
}
