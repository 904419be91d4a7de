// The live event stream's pure parts (GET /events, Server-Sent Events; app/js/live.js holds the connection): reading
// its frames as they arrive, how long to wait before connecting again, and what an event is about. Nothing here runs
// on loading, so it is unit-tested as it is (src/client/app-stream.spec.ts).

/**
 * The complete frames in `text` (what has arrived and not yet been read), and the rest, to be read with what comes
 * next. A frame is `{ id, event, data, retry }`, each only when it was sent; a comment (the service's keep-alive) makes
 * an empty frame: the link is alive. A frame ends at a blank line.
 */
export function readFrames(text) {
  const frames = [];
  let rest = text;
  for (let end = /\r?\n\r?\n/.exec(rest); end; end = /\r?\n\r?\n/.exec(rest)) {
    const frame = {};
    for (const line of rest.slice(0, end.index).split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
      if (name === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      else if (name === 'id' || name === 'event') frame[name] = value;
      else if (name === 'retry' && /^\d+$/.test(value)) frame.retry = Number(value);
    }
    frames.push(frame);
    rest = rest.slice(end.index + end[0].length);
  }
  return { frames, rest };
}

/** The longest wait before connecting again: a phone back in signal hears within this long. */
export const RETRY_CAP_MS = 60_000;

/**
 * How long to wait before connecting again after `failures` tries in a row that did not hold (0: the first after a
 * stream that held): the service's `retry` (`baseMs`) doubled with each, at most RETRY_CAP_MS, and at least `floorMs`
 * (a 429's Retry-After). `random` (0 to 1) spreads it over its upper half, so phones that lost the service together
 * do not all come back in the same second.
 */
export function retryDelay(failures, baseMs, random, floorMs = 0) {
  const full = Math.min(RETRY_CAP_MS, baseMs * 2 ** Math.min(Math.max(failures, 0), 10));
  return Math.max(floorMs, Math.round(full / 2 + (full / 2) * Math.min(Math.max(random, 0), 1)));
}

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
