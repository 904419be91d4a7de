// The job pack: the AMHP's allocated jobs (GET /me/job-pack), kept on the phone encrypted (device.js) so that her
// screens still show the person, the address, the relatives and the clocks where there is no signal. Each pack read
// replaces the one kept (a job no longer allocated to her leaves the phone with it); a pack past its expiry (the
// service's CLIENT_OFFLINE_HOURS) is deleted; signing out deletes it with everything else.
//
// Opened without a signal, the phone's clock is all the app has, and it may be wrong or set back. So sealed with the pack
// (AES-GCM: it cannot be edited) are its expiry, the service's clock minus the phone's as last learnt, and the latest
// service time seen (a high-water mark, moved on while the app is open). The statutory clocks and the times recorded
// use the corrected time; the pack is refused, and deleted, when the corrected time is past its expiry or before the
// mark (the phone's clock was set back): a clock set back never keeps it open longer. Nothing stored in plain beside
// the seal (the user's id, to know whose it is) decides anything.
import { deviceExists, done, inStore, open, seal } from './device.js';
import {
  api,
  currentSkew,
  currentUserId,
  learnServerTime,
  onRead,
  onSessionOver,
  restoreSkew,
  serverNow,
  setOfflineReader,
  setOfflineUser,
} from './session.js';

/** How often a signed-in AMHP's pack is read again while the app is open (each read is audited). */
export const PACK_REFRESH_MS = 5 * 60_000;

/**
 * The corrected time may be this far before the mark without the clock being taken for set back: the difference
 * learnt from one answer and the next varies by the time answers take on a poor signal.
 */
export const CLOCK_BACK_TOLERANCE_MS = 2 * 60_000;

let kept = null; // { user, generatedAt, expiresAt, pack, me } decrypted, for this page
let expiryTimer;
let markTimer;

async function storedRecord() {
  return inStore('vault', 'readonly', (s) => done(s.get('pack')));
}

/** Deletes the kept pack. */
export async function dropPack() {
  kept = null;
  clearTimeout(expiryTimer);
  clearInterval(markTimer);
  await inStore('vault', 'readwrite', (s) => done(s.delete('pack')));
}

/**
 * Whether a pack may still be opened at `now` (the service's time as the phone reckons it): not past its sealed expiry
 * and not before the latest service time seen (less CLOCK_BACK_TOLERANCE_MS). Pure, for the tests.
 */
export function packUsable({ expiresAt, seenAt }, now) {
  const expires = Date.parse(expiresAt);
  const seen = Date.parse(seenAt);
  if (!Number.isFinite(expires) || !Number.isFinite(now)) return false;
  if (now >= expires) return false;
  return !(Number.isFinite(seen) && now < seen - CLOCK_BACK_TOLERANCE_MS);
}

function scheduleExpiry(expiresAt) {
  clearTimeout(expiryTimer);
  const ms = Date.parse(expiresAt) - serverNow();
  // setTimeout holds at most ~24.8 days; a pack lives hours.
  expiryTimer = setTimeout(() => void dropPack(), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
}

/** What is sealed with the pack of the phone's clock: the difference from the service's, and the latest service time seen. */
const clockNow = (seenAt) => {
  const now = new Date(serverNow()).toISOString();
  return { skewMs: currentSkew(), seenAt: seenAt && seenAt > now ? seenAt : now };
};

/** Seals and keeps the pack with the clock as now known. */
async function keep(user, pack, me, seenAt) {
  const clock = clockNow(seenAt);
  const rec = { name: 'pack', user, sealed: await seal({ pack, me, clock }) };
  await inStore('vault', 'readwrite', (s) => done(s.put(rec)));
  kept = { user, generatedAt: pack.generatedAt, expiresAt: pack.expiresAt, pack, me, clock };
  scheduleExpiry(pack.expiresAt);
  // While the app is open (with a signal or without), the mark moves on with the time: a clock set back later, with
  // the app closed, is found out at the next start.
  clearInterval(markTimer);
  markTimer = setInterval(() => void moveMark().catch(() => undefined), PACK_REFRESH_MS);
  return kept;
}

/** The latest service time seen moves on to now (the corrected time), sealed again with the pack. */
async function moveMark() {
  if (!kept || !kept.user || kept.user !== currentUserId()) return;
  if (!packUsable({ expiresAt: kept.pack.expiresAt, seenAt: kept.clock.seenAt }, serverNow())) {
    await dropPack();
    return;
  }
  await keep(kept.user, kept.pack, kept.me, kept.clock.seenAt);
}

/**
 * The kept pack for the signed-in user, decrypted; null when there is none, it is another user's, or it may not be
 * opened any more (past its sealed expiry, or the phone's clock set back before the latest service time seen: then it
 * is deleted). A pack that cannot be opened (tampered with, another key) throws.
 */
export async function loadPack() {
  const user = currentUserId();
  if (kept && kept.user === user && packUsable({ expiresAt: kept.pack.expiresAt, seenAt: kept.clock.seenAt }, serverNow())) return kept;
  const rec = await storedRecord();
  if (!rec) return null;
  if (rec.user !== user) return null;
  const { pack, me, clock = {} } = await open(rec.sealed);
  if (!me || me.id !== rec.user) return null;
  // The difference from the service's clock learnt when it was kept (unless one was learnt on this page since).
  restoreSkew(clock.skewMs);
  const seenAt = [clock.seenAt, pack.generatedAt]
    .filter((t) => typeof t === 'string')
    .sort()
    .pop();
  if (!packUsable({ expiresAt: pack.expiresAt, seenAt }, serverNow())) {
    await dropPack();
    return null;
  }
  return keep(rec.user, pack, me, seenAt);
}

/** Reads the pack from the service and keeps it (replacing the one kept). Only an AMHP has one. */
export async function refreshPack(me) {
  if (!me || !me.roles.includes('amhp')) return null;
  const pack = await api('/me/job-pack');
  // The service's "now" as it made the pack: the clocks and the times recorded follow the service's clock.
  learnServerTime(pack.generatedAt);
  return keep(currentUserId(), pack, me, kept && kept.user === currentUserId() ? kept.clock.seenAt : null);
}

/**
 * Takes one job out of the kept pack at once (the service says it is no longer hers: reallocated, or its allocation
 * ended), sealed again without it (with the clock as kept), so its person's details leave the phone before the next
 * read of the pack.
 */
export async function forgetJob(referralId) {
  const found = await loadPack();
  if (!found || !found.pack.jobs.some((j) => j.referral.id === referralId)) return;
  const pack = { ...found.pack, jobs: found.pack.jobs.filter((j) => j.referral.id !== referralId) };
  await keep(found.user, pack, found.me, found.clock.seenAt);
}

/** Whether the kept pack holds this job (it was hers when the pack was last read). */
export async function packHoldsJob(referralId) {
  const found = await loadPack().catch(() => null);
  return Boolean(found && found.pack.jobs.some((j) => j.referral.id === referralId));
}

/**
 * Opening the app without a signal: the user the phone kept a pack for (until it may no longer be opened), to show
 * their jobs from it. Null when there is no such pack.
 */
export async function resumeOffline() {
  const rec = await storedRecord();
  if (!rec || typeof rec.user !== 'string') return null;
  setOfflineUser(rec.user);
  const found = await loadPack().catch(() => null);
  if (!found) setOfflineUser(null);
  return found ? found.me : null;
}

let timer;
let staleTimer;
let currentMe = null;

/** Keeps the signed-in AMHP's pack fresh while the app is open: now, every few minutes, and after changes are sent. */
export function keepPackFresh(me) {
  currentMe = me;
  clearInterval(timer);
  const again = () => document.visibilityState === 'visible' && void refreshPack(currentMe).catch(() => undefined);
  void refreshPack(me).catch(() => undefined);
  timer = setInterval(again, PACK_REFRESH_MS);
}

/** Something was recorded: read the pack again shortly (once for a burst of changes). */
export function packChanged() {
  if (!currentMe) return;
  clearTimeout(staleTimer);
  staleTimer = setTimeout(() => void refreshPack(currentMe).catch(() => undefined), 2_000);
}

/** The pack kept for this page (decrypted), or null. */
export function keptPack() {
  return kept ? kept.pack : null;
}

export function stopPack() {
  currentMe = null;
  kept = null;
  clearInterval(timer);
  clearInterval(markTimer);
  clearTimeout(expiryTimer);
  clearTimeout(staleTimer);
}

const ID = '([0-9a-fA-F-]{36})';
/** What the pack holds of each assessment: her jobs' and those she attends as a co-AMHP (`assisting`). */
const heldAssessments = (p) => [...p.jobs.filter((j) => j.assessment), ...(p.assisting || [])];
const READS = [
  [new RegExp(`^/referrals/${ID}$`), (p, [id]) => p.jobs.find((j) => j.referral.id === id)?.referral],
  [
    new RegExp(`^/people/${ID}$`),
    (p, [id]) => p.jobs.find((j) => j.person.id === id)?.person ?? (p.ctoRequests || []).find((c) => c.person.id === id)?.person,
  ],
  [new RegExp(`^/cto-extensions/${ID}$`), (p, [id]) => (p.ctoRequests || []).find((c) => c.request.id === id)?.request],
  [
    new RegExp(`^/people/${ID}/relatives$`),
    (p, [id]) => {
      const job = p.jobs.find((j) => j.person.id === id);
      return job && { items: job.relatives };
    },
  ],
  [new RegExp(`^/people/${ID}/nearest-relative$`), (p, [id]) => p.jobs.find((j) => j.person.id === id)?.nearestRelative],
  [new RegExp(`^/assessments/${ID}$`), (p, [id]) => heldAssessments(p).find((j) => j.assessment.id === id)?.assessment],
  [new RegExp(`^/assessments/${ID}/checks$`), (p, [id]) => heldAssessments(p).find((j) => j.assessment.id === id)?.checks ?? undefined],
];

/** The kept pack's answer to a GET, or undefined when the pack does not hold it. */
export function answerFromPack(pack, path) {
  const [bare, search = ''] = path.split('?');
  const q = new URLSearchParams(search);
  if (bare === '/referrals' && q.get('assigned') === 'me' && !q.get('cursor') && !q.get('status')) {
    return { items: pack.jobs.map((j) => j.referral), nextCursor: null };
  }
  if (bare === '/assessments' && q.get('referralId') && !q.get('cursor')) {
    const job = pack.jobs.find((j) => j.referral.id === q.get('referralId'));
    if (job) return { items: job.assessment ? [job.assessment] : [], nextCursor: null };
    const attended = (pack.assisting || []).find((x) => x.assessment.referralId === q.get('referralId'));
    return attended && { items: [attended.assessment], nextCursor: null };
  }
  // Her open assessments (Now reads them for those she attends as a co-AMHP): all the pack holds.
  if (bare === '/assessments' && q.get('assigned') === 'me' && q.get('status') === 'open' && !q.get('cursor') && !q.get('referralId')) {
    return {
      items: heldAssessments(pack)
        .map((j) => j.assessment)
        .filter((a) => a.status === 'open'),
      nextCursor: null,
    };
  }
  // Her requests for a CTO extension statement still to make (the CTO screens' list): all the pack holds.
  if (
    bare === '/cto-extensions' &&
    q.get('assigned') === 'me' &&
    q.get('status') === 'allocated' &&
    !q.get('cursor') &&
    !q.get('personId')
  ) {
    return { items: (pack.ctoRequests || []).map((c) => c.request), nextCursor: null };
  }
  const checks = /^\/assessments\/([0-9a-fA-F-]{36})\/checks$/.exec(bare);
  if (checks && [...q.keys()].every((k) => k === 'section')) {
    // The checklist kept is the one for the assessment's section: another section's is not on the phone.
    const kept = heldAssessments(pack).find((j) => j.assessment.id === checks[1])?.checks;
    return kept && (!q.get('section') || q.get('section') === kept.section) ? kept : undefined;
  }
  if (search) return undefined;
  for (const [re, read] of READS) {
    const m = re.exec(bare);
    if (m) return read(pack, m.slice(1)) ?? undefined;
  }
  return undefined;
}

// The service said her session is over (revoked from elsewhere, a password changed, expired): the pack goes at once,
// so a phone whose session was ended (a lost duty phone signed out everywhere) opens nothing of hers without a signal.
onSessionOver(() => {
  stopPack();
  void deviceExists()
    .then((exists) => exists && dropPack())
    .catch(() => undefined);
});

// Without a signal, the API's reads of what the pack holds are answered from it, as of when it was read.
setOfflineReader(async (path) => {
  try {
    const found = await loadPack();
    const body = found && answerFromPack(found.pack, path);
    return body === undefined || body === null ? null : { body, asOf: found.generatedAt };
  } catch {
    // nothing kept, or it cannot be read (another key, a damaged record): the read fails as it would have
    return null;
  }
});

/**
 * Her jobs as the service just listed them (or one of them opened) differ from the pack: read it again now, so a job
 * just accepted is on the phone before the signal goes, and one no longer hers leaves it.
 */
onRead((path, body) => {
  if (!currentMe || !kept) return;
  const held = new Set(kept.pack.jobs.map((j) => j.referral.id));
  const [bare, search = ''] = path.split('?');
  const q = new URLSearchParams(search);
  let differs = false;
  if (bare === '/referrals' && q.get('assigned') === 'me' && !q.get('cursor') && body && Array.isArray(body.items)) {
    const listed = body.items.map((r) => r.id);
    differs = listed.length !== held.size || listed.some((id) => !held.has(id));
  } else if (/^\/referrals\/[0-9a-fA-F-]{36}$/.test(bare) && body && body.allocatedUserId === currentUserId()) {
    differs = !held.has(body.id);
  }
  if (differs) void refreshPack(currentMe).catch(() => undefined);
});
