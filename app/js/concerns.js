// What a live event is about, for each screen that follows the stream (app/js/live.js useLive): which of its parts to
// read again. Pure, nothing runs on loading: unit-tested as it is (src/client/app-stream.spec.ts).

/** The referral an event is about: its own (referral events), the one its payload names, or a notification's subject. */
export function referralOf(event) {
  const p = event.payload || {};
  if (event.aggregateType === 'referral') return event.aggregateId;
  if (typeof p.referralId === 'string') return p.referralId;
  return p.subjectType === 'referral' && typeof p.subjectId === 'string' ? p.subjectId : null;
}

/** Whether the event is hers: her notification or page, an offer or an allocation to her, an assessment she leads. */
export function addressedTo(event, userId) {
  const p = event.payload || {};
  return Boolean(userId) && (p.userId === userId || p.leadAmhpUserId === userId);
}

/**
 * What of the Notifications screen a batch of events is about: ['inbox'] (her pages and notifications, and for a
 * manager the hub's pages) when one is a notification or a page of hers, or any page for a manager; else [].
 */
export function inboxConcerns(events, userId, manager) {
  const inbox = events.some(
    (e) => /^(notification|page)\./.test(e.type) && (addressedTo(e, userId) || (manager && e.type.startsWith('page.'))),
  );
  return inbox ? ['inbox'] : [];
}

/**
 * What of Now a batch of events is about: 'offers' (an offer to her made, taken or ended, told to her), 'jobs' (her
 * jobs and those she attends: one of them changed, one allocated to her or taken away, or named on an assessment),
 * 'duty' (the rota). `held`: the referrals on screen (her jobs and offers) and the assessments she attends.
 */
export function nowConcerns(events, userId, held) {
  const ids = new Set(held.map((x) => x.referralId || x.id));
  const parts = new Set();
  for (const e of events) {
    const referral = referralOf(e);
    if (e.type.startsWith('rota.')) parts.add('duty');
    else if (addressedTo(e, userId) && /^(referral|notification)\./.test(e.type)) {
      // An offer made (or told of) is an offer; one taken away, or a job allocated to her, changes her jobs too.
      parts.add('offers');
      if (e.type === 'referral.allocated' || e.type === 'notification.closed') parts.add('jobs');
    } else if (referral && ids.has(referral) && /^(referral|assessment)\./.test(e.type)) parts.add('jobs').add('offers');
    else if (e.type === 'assessment.update' && (e.payload.fields || []).includes('otherAmhpUserIds')) parts.add('jobs');
  }
  return [...parts];
}

/**
 * What of the job screen (referral `referralId`, person `personId`) a batch of events is about: 'referral' (an event of
 * the referral, or her notification about it closed: taken away from her), 'assessment' (one of its assessments),
 * 'person' (the person's relatives, nearest relative or nominated person).
 */
export function jobConcerns(events, referralId, personId, userId) {
  const parts = new Set();
  for (const e of events) {
    const p = e.payload || {};
    if (e.type.startsWith('referral.') && e.aggregateId === referralId) parts.add('referral');
    else if (e.type.startsWith('assessment.') && p.referralId === referralId) parts.add('assessment');
    else if (e.type === 'notification.closed' && referralOf(e) === referralId && addressedTo(e, userId)) parts.add('referral');
    else if (personId && p.personId === personId && /^(relative|nearest-relative|nominated-person)\./.test(e.type)) parts.add('person');
  }
  return [...parts];
}
