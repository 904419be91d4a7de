/**
 * The event catalogue: every domain event type written to the outbox by `EventsService.emit`, with its aggregate and
 * payload fields as actually emitted. Payloads carry identifiers, codes and times only, never a person's details.
 * Delivered by the SSE stream (GET /events) and by webhooks; published in the OpenAPI document (see bootstrap.ts).
 * `catalogue.spec.ts` fails when a new event type is emitted without an entry here.
 */

export type EventFieldType = 'string' | 'number' | 'boolean' | 'array' | 'object';

export interface EventField {
  type: EventFieldType;
  format?: 'uuid' | 'date-time' | 'date';
  description?: string;
  nullable?: boolean;
  /** Present only in some emissions of the event; every other field is always present. */
  optional?: boolean;
}

export interface EventCatalogueEntry {
  type: string;
  aggregateType: string;
  summary: string;
  payload: Record<string, EventField>;
}

const uuid = (description?: string, extra: Partial<EventField> = {}): EventField => ({
  type: 'string',
  format: 'uuid',
  ...(description ? { description } : {}),
  ...extra,
});
const instant = (description?: string, extra: Partial<EventField> = {}): EventField => ({
  type: 'string',
  format: 'date-time',
  ...(description ? { description } : {}),
  ...extra,
});
const str = (description?: string, extra: Partial<EventField> = {}): EventField => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
const num = (description?: string, extra: Partial<EventField> = {}): EventField => ({
  type: 'number',
  ...(description ? { description } : {}),
  ...extra,
});
const bool = (description?: string, extra: Partial<EventField> = {}): EventField => ({
  type: 'boolean',
  ...(description ? { description } : {}),
  ...extra,
});
const list = (description?: string, extra: Partial<EventField> = {}): EventField => ({
  type: 'array',
  ...(description ? { description } : {}),
  ...extra,
});
const fieldsChanged = (what: string): EventField => list(`Names of the ${what} fields changed.`);

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

const REFERRAL_MOVE_SUMMARIES: Record<(typeof REFERRAL_MOVE_STATUSES)[number], string> = {
  screening: 'The referral moved to screening.',
  accepted: "The referral was accepted (or returned to accepted for re-allocation, ending the allocated AMHP's access).",
  'not-accepted': 'The referral was not accepted after screening.',
  transferred: 'The referral was transferred to another service.',
  'in-assessment': 'An assessment opened for the referral.',
  closed: 'The referral closed (by a workflow move or when its assessment closed).',
  withdrawn: 'The referral was withdrawn.',
};

const referralMoves: EventCatalogueEntry[] = REFERRAL_MOVE_STATUSES.map((status) => ({
  type: `referral.${status}`,
  aggregateType: 'referral',
  summary: REFERRAL_MOVE_SUMMARIES[status],
  payload: {
    referralId: uuid(),
    from: str('The referral status before the move.'),
    to: str(`The referral status after the move (\`${status}\`).`),
    assessmentId: uuid('The assessment that moved the referral, when the assessments module made the move.', { optional: true }),
  },
}));

// ---- assessments --------------------------------------------------------------------------------------------------

const assessmentBase = { assessmentId: uuid(), referralId: uuid() };
const assessment = (action: string, summary: string, payload: Record<string, EventField>): EventCatalogueEntry => ({
  type: `assessment.${action}`,
  aggregateType: 'assessment',
  summary,
  payload: { ...assessmentBase, ...payload },
});

// ---- people: nearest-relative displacement ------------------------------------------------------------------------

/** Statuses a displacement application moves to: `nearest-relative.displacement-<status>`. */
export const DISPLACEMENT_MOVE_STATUSES = ['interim-order', 'order', 'refused', 'withdrawn'] as const;

const displacementPayload = {
  personId: uuid(),
  displacementId: uuid(),
  from: str('The application status before the change.'),
  to: str('The application status after the change.'),
  fields: fieldsChanged('application'),
};

// ---- rota: swaps and leave ----------------------------------------------------------------------------------------

const swapPayload: Record<string, EventField> = {
  swapId: uuid(),
  assignmentId: uuid("The assignment offered (after approval: the taker's new assignment).", { nullable: true }),
  shiftId: uuid(),
  fromPractitionerId: uuid('The practitioner offering the shift.'),
  toPractitionerId: uuid('The colleague the shift was offered to, if any.', { nullable: true }),
  takerPractitionerId: uuid('The practitioner taking the shift, once accepted.', { nullable: true }),
  startsAt: instant(),
  endsAt: instant(),
};

const leavePayload: Record<string, EventField> = { leaveId: uuid(), practitionerId: uuid(), startsAt: instant(), endsAt: instant() };

/** One entry per concrete event type. */
export const EVENT_CATALOGUE: EventCatalogueEntry[] = [
  // referrals
  {
    type: 'referral.received',
    aggregateType: 'referral',
    summary: 'A referral was received and its statutory clocks started.',
    payload: {
      referralId: uuid(),
      urgency: str('Urgency code.'),
      legalContext: str('Legal context kind code.'),
      nextDeadline: instant('The soonest running deadline.', { nullable: true }),
    },
  },
  ...referralMoves,
  {
    type: 'referral.allocated',
    aggregateType: 'referral',
    summary: 'The referral was allocated to an AMHP.',
    payload: { referralId: uuid(), userId: uuid('The allocated AMHP.') },
  },
  {
    type: 'referral.offered',
    aggregateType: 'referral',
    summary: 'The referral was offered to an AMHP.',
    payload: { referralId: uuid(), userId: uuid('The AMHP offered the referral.') },
  },
  {
    type: 'referral.extended',
    aggregateType: 'referral',
    summary: 'A statutory period of the referral was extended.',
    payload: { referralId: uuid(), hours: num('Length of the extension in hours.') },
  },

  // assessments
  assessment('opened', 'An assessment opened for a referral.', { leadAmhpUserId: uuid('The lead AMHP.') }),
  assessment('update', 'The assessment details were updated.', { fields: fieldsChanged('assessment') }),
  assessment('event', 'A timeline event was recorded on the assessment.', {
    type: str('Timeline event type code.'),
    delayReason: str('Delay reason code, when one was given.', { optional: true }),
  }),
  assessment('contact', 'A contact with the patient was recorded.', {
    mode: str('Contact mode code.'),
    byRole: str('Role code of who made the contact.'),
  }),
  assessment('recommendation', 'A medical recommendation was recorded.', {
    recommendationId: uuid(),
    section: str('Mental Health Act section code.'),
  }),
  assessment('recommendation-withdrawn', 'A medical recommendation entered in error was withdrawn.', { recommendationId: uuid() }),
  assessment('nearest-relative', 'The nearest relative for the assessment was recorded.', {
    relativeId: uuid(undefined, { nullable: true }),
    confirmed: bool('Whether the s.26 proposal was confirmed.'),
    informed: bool('Whether the nearest relative was informed.'),
    consulted: bool('Whether the nearest relative was consulted.'),
    exception: str('Exception kind code.', { nullable: true }),
  }),
  assessment('conflicts', "The assessors' conflict-of-interest declarations were recorded.", {
    assessors: num('Number of assessors recorded.'),
  }),
  assessment('outcome', 'The outcome of the assessment was recorded.', {
    kind: str('Outcome kind code (application, cto-decision, not-detained).'),
    section: str('Mental Health Act section code of an application.', { nullable: true }),
    warningsAcknowledged: num('Number of warnings acknowledged.'),
  }),
  assessment('s4-conversion', 'A s.4 application was converted to a s.2.', {
    from: str('`s4`.'),
    to: str('`s2`.'),
    s2Expiry: instant('When the s.2 expires.', { nullable: true }),
  }),
  assessment('close', 'The assessment closed.', {
    referralClosed: bool('Whether the referral closed with it (not for a deferred decision).'),
    note: bool('`true` when a closing note was given.', { optional: true }),
  }),

  // safeguarding: decisions, actions, handovers
  {
    type: 'decision.drafted',
    aggregateType: 'decision',
    summary: 'An out-of-hours decision was drafted.',
    payload: { decisionId: uuid(), type: str('Decision type code.'), authorUserId: uuid(), personId: uuid(undefined, { nullable: true }) },
  },
  {
    type: 'decision.updated',
    aggregateType: 'decision',
    summary: 'A draft decision was edited.',
    payload: { decisionId: uuid(), fields: fieldsChanged('decision') },
  },
  {
    type: 'decision.signed',
    aggregateType: 'decision',
    summary: 'A decision was signed; its actions became follow-up actions.',
    payload: {
      decisionId: uuid(),
      type: str('Decision type code.'),
      authorUserId: uuid(),
      personId: uuid(undefined, { nullable: true }),
      signedAt: instant(),
      actionIds: list('Ids of the follow-up actions created.'),
    },
  },
  {
    type: 'decision.amended',
    aggregateType: 'decision',
    summary: 'A signed decision was amended.',
    payload: {
      decisionId: uuid(),
      amendmentId: uuid(),
      fields: fieldsChanged('decision'),
      amendedBy: uuid(),
      actionIds: list('Ids of the follow-up actions created.'),
    },
  },
  {
    type: 'decision.escalation-required',
    aggregateType: 'decision',
    summary: 'A decision costs more than the delegated authority limit and needs escalation.',
    payload: {
      decisionId: uuid(),
      type: str('Decision type code.'),
      costPence: num('Cost in pence.', { nullable: true }),
      limitPence: num('The delegated authority limit in pence.'),
      escalationOutcome: str('Escalation outcome code, when recorded.', { nullable: true }),
    },
  },
  {
    type: 'action.created',
    aggregateType: 'follow-up-action',
    summary: 'A follow-up action was created.',
    payload: {
      actionId: uuid(),
      sourceType: str('Source type code (e.g. decision).'),
      sourceId: uuid(),
      ownerUserId: uuid(undefined, { nullable: true }),
      dueAt: instant(undefined, { nullable: true }),
    },
  },
  {
    type: 'action.done',
    aggregateType: 'follow-up-action',
    summary: 'A follow-up action was done.',
    payload: { actionId: uuid(), sourceType: str('Source type code.'), sourceId: uuid(), doneBy: uuid() },
  },
  {
    type: 'handover.item-acknowledged',
    aggregateType: 'handover',
    summary: 'An item of the morning handover was acknowledged.',
    payload: {
      date: { type: 'string', format: 'date', description: 'The handover date.' },
      itemId: str('The handover item id.'),
      itemType: str('Item type code.'),
      by: uuid(),
    },
  },
  {
    type: 'handover.compiled',
    aggregateType: 'handover',
    summary: 'The morning handover was compiled.',
    payload: { date: { type: 'string', format: 'date', description: 'The handover date.' } },
  },

  // people: relatives
  {
    type: 'relative.recorded',
    aggregateType: 'person',
    summary: 'A relative of a person was recorded.',
    payload: { personId: uuid(), relativeId: uuid() },
  },
  {
    type: 'relative.updated',
    aggregateType: 'person',
    summary: "A relative's record was updated.",
    payload: { personId: uuid(), relativeId: uuid(), fields: fieldsChanged('relative') },
  },
  {
    type: 'nearest-relative.objection-recorded',
    aggregateType: 'person',
    summary: "The nearest relative's objection was recorded.",
    payload: {
      personId: uuid(),
      objectionId: uuid(),
      relativeId: uuid(undefined, { nullable: true }),
      notifiedTo: str('Who was notified (code).'),
      notifiedAt: instant(),
    },
  },
  {
    type: 'nearest-relative.objection-withdrawn',
    aggregateType: 'person',
    summary: "The nearest relative's objection was withdrawn.",
    payload: { personId: uuid(), objectionId: uuid(), withdrawnAt: instant() },
  },
  {
    type: 'nearest-relative.displacement-filed',
    aggregateType: 'person',
    summary: 'An application to displace the nearest relative (s.29) was filed.',
    payload: { personId: uuid(), displacementId: uuid(), ground: str('Ground code.'), filedAt: instant() },
  },
  ...DISPLACEMENT_MOVE_STATUSES.map((status): EventCatalogueEntry => ({
    type: `nearest-relative.displacement-${status}`,
    aggregateType: 'person',
    summary: `A displacement application became \`${status}\`.`,
    payload: displacementPayload,
  })),
  {
    type: 'nearest-relative.displacement-updated',
    aggregateType: 'person',
    summary: 'A displacement application was updated without a status change.',
    payload: displacementPayload,
  },

  // rota
  { type: 'rota.pattern.created', aggregateType: 'shift-pattern', summary: 'A shift pattern was created.', payload: { patternId: uuid() } },
  {
    type: 'rota.shifts.generated',
    aggregateType: 'rota',
    summary: 'Shifts were generated from the patterns for a date range (only when some were created).',
    payload: {
      from: { type: 'string', format: 'date', description: 'First date of the range.' },
      to: { type: 'string', format: 'date', description: 'Last date of the range.' },
      created: num('Number of shifts created.'),
    },
  },
  {
    type: 'rota.shift.created',
    aggregateType: 'shift',
    summary: 'A shift was created.',
    payload: { shiftId: uuid(), startsAt: instant(), endsAt: instant() },
  },
  {
    type: 'rota.shift.updated',
    aggregateType: 'shift',
    summary: 'A shift was updated.',
    payload: { shiftId: uuid(), fields: fieldsChanged('shift') },
  },
  { type: 'rota.shift.deleted', aggregateType: 'shift', summary: 'A shift was deleted.', payload: { shiftId: uuid() } },
  {
    type: 'rota.assignment.created',
    aggregateType: 'shift',
    summary: 'A practitioner was assigned to a shift.',
    payload: {
      shiftId: uuid(),
      assignmentId: uuid(),
      practitionerId: uuid(),
      userId: uuid(undefined, { nullable: true }),
      startsAt: instant(),
      endsAt: instant(),
      source: str('Source code (manual, plan, swap...).'),
    },
  },
  {
    type: 'rota.assignment.removed',
    aggregateType: 'shift',
    summary: 'A practitioner was unassigned from a shift.',
    payload: {
      shiftId: uuid(),
      assignmentId: uuid(),
      practitionerId: uuid(),
      userId: uuid(undefined, { nullable: true }),
      startsAt: instant(),
      endsAt: instant(),
      source: str('Why the assignment was removed (code: manual, leave, swap...).'),
    },
  },
  {
    type: 'rota.plan.published',
    aggregateType: 'rota-plan',
    summary: 'A rota plan was published as assignments.',
    payload: {
      planId: uuid(),
      from: instant('Start of the planned period.'),
      to: instant('End of the planned period.'),
      assignments: num('Number of assignments published.'),
      unfilled: num('Number of places left unfilled.'),
    },
  },
  {
    type: 'rota.swap.offered',
    aggregateType: 'swap-request',
    summary: 'A practitioner offered a shift for swap.',
    payload: {
      swapId: uuid(),
      assignmentId: uuid(),
      shiftId: uuid(),
      fromPractitionerId: uuid(),
      toPractitionerId: uuid(undefined, { nullable: true }),
      startsAt: instant(),
      endsAt: instant(),
    },
  },
  { type: 'rota.swap.accepted', aggregateType: 'swap-request', summary: 'A colleague accepted a swap offer.', payload: swapPayload },
  {
    type: 'rota.swap.approved',
    aggregateType: 'swap-request',
    summary: 'A manager approved a swap: the shift passed to the taker.',
    payload: {
      ...swapPayload,
      removedAssignmentId: uuid("The offerer's assignment removed."),
      newAssignmentId: uuid("The taker's new assignment."),
    },
  },
  { type: 'rota.swap.declined', aggregateType: 'swap-request', summary: 'A swap was declined.', payload: swapPayload },
  { type: 'rota.swap.cancelled', aggregateType: 'swap-request', summary: 'A swap was withdrawn.', payload: swapPayload },
  { type: 'rota.leave.requested', aggregateType: 'leave-request', summary: 'Leave was requested.', payload: leavePayload },
  {
    type: 'rota.leave.approved',
    aggregateType: 'leave-request',
    summary: 'Leave was approved.',
    payload: {
      ...leavePayload,
      unassignedAssignmentIds: list('Assignments removed because of the leave, when any were.', { optional: true }),
    },
  },
  { type: 'rota.leave.declined', aggregateType: 'leave-request', summary: 'Leave was declined.', payload: leavePayload },
  { type: 'rota.leave.cancelled', aggregateType: 'leave-request', summary: 'Leave was cancelled.', payload: leavePayload },

  // alerts
  {
    type: 'notification.created',
    aggregateType: 'notification',
    summary: 'A notification was raised for a user.',
    payload: {
      notificationId: uuid(),
      userId: uuid(),
      kind: str('Notification kind code.'),
      severity: str('Severity code.'),
      link: str('API path of the subject.', { nullable: true }),
      subjectType: str('Subject type code.', { nullable: true }),
      subjectId: str('Subject id.', { nullable: true }),
    },
  },
  {
    type: 'webhook.created',
    aggregateType: 'webhook-subscription',
    summary: 'A webhook subscription was created.',
    payload: { subscriptionId: uuid() },
  },
  {
    type: 'webhook.updated',
    aggregateType: 'webhook-subscription',
    summary: 'A webhook subscription was updated.',
    payload: { subscriptionId: uuid(), fields: fieldsChanged('subscription') },
  },
  {
    type: 'webhook.deleted',
    aggregateType: 'webhook-subscription',
    summary: 'A webhook subscription was deleted.',
    payload: { subscriptionId: uuid() },
  },
  {
    type: 'webhook.disabled',
    aggregateType: 'webhook-subscription',
    summary: 'A webhook subscription was disabled after repeated delivery failures.',
    payload: { subscriptionId: uuid(), consecutiveFailures: num(), disabledAt: instant() },
  },
];

const byType = (a: { type: string }, b: { type: string }): number => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);

/** The catalogue sorted by event type (the order the OpenAPI document uses). */
export function sortedEventCatalogue(): EventCatalogueEntry[] {
  return [...EVENT_CATALOGUE].sort(byType);
}

/** OpenAPI 3 schema objects for each event's payload, keyed by event type, in type order. */
export function eventCatalogueSchemas(): Record<
  string,
  { type: 'object'; description: string; properties: Record<string, Record<string, unknown>>; required: string[] }
> {
  const out: Record<
    string,
    { type: 'object'; description: string; properties: Record<string, Record<string, unknown>>; required: string[] }
  > = {};
  for (const e of sortedEventCatalogue()) {
    const properties: Record<string, Record<string, unknown>> = {};
    for (const name of Object.keys(e.payload).sort()) {
      const f = e.payload[name];
      properties[name] = {
        type: f.type,
        ...(f.format ? { format: f.format } : {}),
        ...(f.description ? { description: f.description } : {}),
        ...(f.nullable ? { nullable: true } : {}),
      };
    }
    out[e.type] = {
      type: 'object',
      description: `Payload of \`${e.type}\` (aggregate \`${e.aggregateType}\`): ${e.summary} Identifiers, codes and times only.`,
      properties,
      required: Object.keys(e.payload)
        .filter((k) => !e.payload[k].optional)
        .sort(),
    };
  }
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
    ...sortedEventCatalogue().map((e) => `| \`${e.type}\` | ${e.aggregateType} | ${cell(e.summary)} |`),
  ].join('\n');
}
