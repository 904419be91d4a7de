// What the live event stream brings to the screens, and when each reads again (the connection, fetched once she has
// signed in, is app/js/live-connection.js; main.js opens and closes it with the session). The service tells the phone
// at once what changed (a job offered to her, a notification raised or closed, a step recorded on her job), and each
// screen reads again just what an event is about (`follow`, through use-live.js; the screens' rules below). The
// screens go on reading on a timer: every minute while the stream cannot be held, every five while it is, and those
// that show the rota read it again when it changes with the time (rotaChangesAt). No imports,
// nothing run on loading: unit-tested as it is (src/client/app-stream.spec.ts).

/** A screen reads everything again this often while the stream cannot be held (as it did before the stream). */
export const POLL_MS = 60_000;
/** …and this often while it is held: in case, and for what no event tells (time passing). */
export const LIVE_POLL_MS = 5 * 60_000;

const listeners = new Set();
let healthy = false;

/**
 * What the stream brings, to the screens (the connection calls it): 'events' (a list, read together), 'gap' (anything
 * up to that time may have been missed), 'down' (it could not be opened).
 */
export function tell(kind, detail) {
  for (const fn of [...listeners]) fn(kind, detail);
}

/** Calls `fn(kind, detail)` with what the stream brings, as a screen's `follow` is, until the function returned is called. */
export function onLive(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Whether the stream is held now. */
export function liveHealthy() {
  return healthy;
}

/** The connection says whether it holds the stream. */
export function setLiveHealthy(held) {
  healthy = held;
}

const ALL = 'all';

/**
 * Keeps a screen's reads up to date until the function returned is called. `latest.current` is `{ load, concerns }`
 * (as last rendered): `load(parts)` reads the parts of the screen named (null: all of it); it is called at once, then
 * for the events `concerns(events)` says are about parts of it (it returns the parts), for anything the stream may
 * have missed, and (unless `poll` is false) on a timer while the app is on screen: every POLL_MS, and every
 * LIVE_POLL_MS while the stream is held. One read at a time: what is asked for meanwhile is read once, after it.
 */
export function follow(latest, { poll = true } = {}) {
  let startedAt = 0;
  let reading = null;
  let queued = null; // ALL, or a Set of parts
  let stopped = false;
  const read = (parts) => {
    if (stopped) return;
    if (reading) {
      queued = queued === ALL || !parts ? ALL : new Set([...(queued || []), ...parts]);
      return;
    }
    startedAt = Date.now();
    reading = Promise.resolve()
      .then(() => latest.current.load(parts))
      .catch(() => undefined)
      .finally(() => {
        reading = null;
        const next = queued;
        queued = null;
        if (next) read(next === ALL ? null : [...next]);
      });
  };
  read(null);
  const timer =
    poll &&
    setInterval(() => {
      const due = !healthy || Date.now() - startedAt >= LIVE_POLL_MS - POLL_MS / 2;
      if (document.visibilityState === 'visible' && due) read(null);
    }, POLL_MS);
  const listener = (kind, detail) => {
    if (kind === 'events') {
      const parts = latest.current.concerns(detail);
      if (parts && parts.length) read(parts);
    } else if (kind === 'gap') {
      if (startedAt < detail) read(null);
    } else if (kind === 'down' && poll && Date.now() - startedAt >= POLL_MS) read(null);
  };
  listeners.add(listener);
  // The screen is gone (another screen, or signed out): nothing more is read for it, not even what was asked meanwhile.
  return () => {
    stopped = true;
    clearInterval(timer);
    listeners.delete(listener);
  };
}

/**
 * When the rota a screen shows next changes with the time alone, which no event tells (epoch ms), or null: the soonest
 * of a shift on duty ending and the next one starting (`duty`, an answer of GET /rota/on-duty) and, for a screen that
 * lists them, a gap in the rota starting or ending (`gaps`, of GET /rota/coverage), after the time the answer was
 * given (`duty.at`). Now and the Hub read their rota again then (ui.js useRotaTimer).
 */
export function rotaChangesAt(duty, gaps = []) {
  if (!duty) return null;
  const since = Date.parse(duty.at);
  const at = [
    ...(duty.onDuty || []).map((s) => s.endsAt),
    ...(duty.next || []).map((s) => s.startsAt),
    ...(gaps || []).flatMap((g) => [g.startsAt, g.endsAt]),
  ]
    .map(Date.parse)
    .filter((t) => Number.isFinite(t) && !(t <= since));
  return at.length ? Math.min(...at) : null;
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
    else if (e.type.startsWith('cto-extension.')) parts.add('cto');
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
 * Whether a batch of events changes what the job pack holds (`pack`: her jobs' referrals, assessments and people, the
 * assessments she attends as a co-AMHP, and her requests for a CTO extension statement), or gives her a job, an
 * assessment to attend or a request for a statement: the pack is then read
 * again, so that a job opened without a signal shows what she last saw with one (a step someone else recorded, a
 * clock stopped), not what the pack held when it was last read on its timer.
 */
export function packConcerns(events, pack, userId) {
  const referrals = new Set([...pack.jobs.map((j) => j.referral.id), ...(pack.assisting || []).map((x) => x.assessment.referralId)]);
  const people = new Set(pack.jobs.map((j) => j.person.id));
  const ctoRequests = new Set((pack.ctoRequests || []).map((c) => c.request.id));
  return events.some((e) => {
    const p = e.payload || {};
    if (/^(referral|assessment)\./.test(e.type) && referrals.has(referralOf(e))) return true;
    if (e.type === 'referral.allocated' && addressedTo(e, userId)) return true;
    // A request for her CTO extension statement: allocated to her, or one the pack holds moved on (stated, withdrawn, taken).
    if (e.type.startsWith('cto-extension.') && (addressedTo(e, userId) || p.allocatedUserId === userId || ctoRequests.has(e.aggregateId)))
      return true;
    if (e.type === 'assessment.update' && (p.fields || []).includes('otherAmhpUserIds')) return true;
    return typeof p.personId === 'string' && people.has(p.personId) && /^(relative|nearest-relative|nominated-person)\./.test(e.type);
  });
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

/**
 * What of the manager's Hub a batch of events is about: 'queue' (the open referrals and the offers nobody has answered:
 * any referral's event, an offer made or taken among them), 'names' (an AMHP an event names who is not among the names
 * read), 'rota' (who is on duty, and so the gaps in the next 24 hours). `names`: the names read, by user id.
 */
export function hubConcerns(events, names) {
  const parts = new Set();
  for (const e of events) {
    const p = e.payload || {};
    if (e.type.startsWith('rota.')) parts.add('rota');
    else if (e.type.startsWith('referral.')) {
      parts.add('queue');
      if (typeof p.userId === 'string' && !Object.hasOwn(names, p.userId)) parts.add('names');
    }
  }
  return [...parts];
}

/**
 * What of a list of referrals (a referrer's *My referrals*, the status of her own referrals: the only referral events
 * the service sends her) or of one referral (`referralId`) a batch of events is about: ['referrals'] or [].
 */
export function referralsConcerns(events, referralId = null) {
  const about = (e) => e.type.startsWith('referral.') && (!referralId || referralOf(e) === referralId);
  return events.some(about) ? ['referrals'] : [];
}
