// Recording: every change of case data the app makes goes through `record`, and so through the outbox, a queue kept
// on the phone (IndexedDB, the body encrypted: device.js). Each change carries its own Idempotency-Key, so sending it
// again after a lost answer never records it twice (the service answers a repeat with the first answer).
//
// Sending is in the order recorded, one at a time, and stops at the first that cannot reach the service (it waits
// for the signal). A change the service refuses (4xx, problem+json) is kept as refused with the service's words for
// the user to read and dismiss, and the next one is sent. The queue is sent again after any answer from the service,
// when the browser says it is back online, when the app is opened or comes back to the foreground, and when the
// service worker's Background Sync fires (where the browser has it).
import { done, inStore, open, seal } from './device.js';
import { packChanged } from './pack.js';
import { api, currentUserId, isNoSignal, onContact, Problem, serverNow } from './session.js';
import { onOtherTab, tellOtherTabs } from './tabs.js';
import { localTime } from './time.js';
import { wait } from './timings.js';

/** A random key for one recorded change (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newKey() {
  if (self.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** How long `record` waits for the service's answer before saying the change is saved on the phone. */
export const RECORD_WAIT_MS = 5_000;
const recordWaitMs = wait('recordWaitMs', RECORD_WAIT_MS);

export const SAVED_NOT_SENT = 'Saved on this phone, not sent yet. It will be sent when there is a signal.';

/** What `record` throws when the change is kept in the outbox to be sent later (no signal, or the service is down). */
export class Queued extends Error {
  constructor(key) {
    super(SAVED_NOT_SENT);
    this.queued = true;
    this.key = key;
  }
}

/**
 * After `record` failed, is sending the form again a new request (a new idempotency key)? Only when the service
 * refused it (a Problem: nothing of it is kept, on the phone or by the service), so a corrected form is another
 * request. A change kept on the phone (`Queued`) is still on its way: sent again, it keeps its key, so that the
 * service does it once however many times it is pressed.
 */
export function refused(err) {
  return err instanceof Problem;
}

/**
 * `record` for a screen that goes on as if sent when the change is kept on the phone: resolves to the service's answer,
 * or to `null` when the change is kept to be sent later (the screen says so with `keptText`, as a status, and clears
 * its form: shown as an error it would be sent a second time). A refusal still rejects with the service's Problem.
 */
export async function recordOrKeep(path, body, options) {
  try {
    return await record(path, body, options);
  } catch (err) {
    if (err && err.queued) return null;
    throw err;
  }
}

const KEPT_TAIL = ': saved on this phone, not sent yet. It will be sent when there is a signal.';

/** What a screen says of a change kept on the phone: "<what>: saved on this phone, not sent yet. …" */
export function keptText(what) {
  return `${what}${KEPT_TAIL}`;
}

/**
 * A screen's words of a change kept on the phone, once the outbox holds nothing more to send: "<what>: sent." (or,
 * when some change was refused, where to read what was not recorded). Other words come back as they are.
 */
export function settledText(text, { refused }) {
  if (typeof text !== 'string' || !text.includes(KEPT_TAIL)) return text;
  const what = text.slice(0, text.indexOf(KEPT_TAIL));
  return refused
    ? `${what}: the signal came back and what was saved on this phone has been sent, but not all of it was recorded: the changes not recorded are listed at the top of the screen.`
    : `${what}: sent. The signal came back and the service has it now.`;
}

/** Refusals worth trying again later rather than showing: the session, a request still in progress, limits. */
const TRY_AGAIN = new Set([401, 408, 425, 429]);

const listeners = new Set();
/** Callers of `record` waiting for their own change's answer: key → { resolve, reject }. */
const waiting = new Map();
let draining;
/** The key of the change this tab is sending now (it can no longer be taken back). */
let inFlight = null;

/** Calls `fn()` whenever the outbox changes (an item added, sent, refused or dismissed). */
export function onOutboxChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed() {
  for (const fn of listeners) fn();
  // Another tab of the app on this phone shares the outbox: its count of changes not sent, and its "already saved"
  // guards, follow this one's.
  tellOtherTabs({ type: 'outbox' });
}

onOtherTab('outbox', () => {
  for (const fn of listeners) fn();
});

// Another tab sent changes saved earlier on this phone: this tab's screens read again what the service now holds too,
// as when it sends them itself (a screen left showing what the service held before would contradict its "sent").
onOtherTab('outbox-replayed', () => {
  for (const fn of replayedListeners) fn();
});

const replayedListeners = new Set();

/**
 * Calls `fn()` once a run has sent changes saved earlier on the phone (their screens had been told "not sent yet"),
 * so a screen can read again what the service now holds. Returns the unsubscribe function.
 */
export function onReplayed(fn) {
  replayedListeners.add(fn);
  return () => replayedListeners.delete(fn);
}

/**
 * Records a change: puts it in the outbox and sends what waits, in order. Resolves to the service's answer; rejects
 * with the service's Problem if it refuses this change (the caller shows it: nothing is kept), or with `Queued` when
 * it is kept on the phone to be sent later.
 */
export async function record(path, body, { method = 'POST', key = newKey(), label, ifMatch, base, tag, supersede = false } = {}) {
  const user = currentUserId();
  // The body and its label may name a person: both are kept encrypted. The path holds ids only, If-Match a version.
  // `base` (from `basedOn`): what the form was filled from, to tell a change made meanwhile to what she changed.
  // `tag` (ids and a kind, never a person's data) names what the change is, so that a screen can show it as waiting.
  // `supersede`: a record made once (an outcome): this change replaces any of hers with the same tag still waiting, so
  // the last she decided is what is sent, never an earlier one she changed her mind about.
  const created = new Date(serverNow()).toISOString();
  let item;
  try {
    const sealed = await seal({ body: body === undefined ? null : body, label: label ?? null, base: base ?? null });
    item = { key, method, path, body: sealed, created, user, state: 'pending', ifMatch, tag };
    await inStore('outbox', 'readwrite', async (s) => {
      if (supersede && tag) {
        const all = await done(s.getAll());
        for (const i of all) if (i.user === user && i.tag === tag && i.state === 'pending' && i.key !== inFlight) s.delete(i.seq);
      }
      return done(s.add(item));
    });
  } catch (err) {
    // The phone cannot keep it (its storage is full, or the store cannot be opened): sent straight to the service
    // instead, once, with its key; without a signal nothing is recorded and she is told so in plain words.
    if (err instanceof Problem) throw err;
    return sendUnkept(path, body, { method, key, ifMatch }, err);
  }
  changed();
  const answer = new Promise((resolve, reject) => waiting.set(key, { resolve, reject }));
  // A run that had just found the queue empty as this change went in ends without it: one more run picks it up.
  // On a signal so poor that the service does not answer soon, the caller is told it is saved and the run goes on.
  const sent = flush().then((result) => (result === 'empty' && waiting.has(key) ? flush() : result));
  await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, recordWaitMs))]);
  const mine = waiting.get(key);
  if (mine) {
    waiting.delete(key);
    mine.reject(new Queued(key));
    changed();
    void requestBackgroundSync();
  }
  return answer;
}

/** What `record` says when the phone could not keep a change and the service could not be reached either. */
export const NOT_KEPT =
  'This phone’s storage is full (or cannot be used), so it could not be kept to send later, and there is no signal to send it now: nothing was recorded. Free some space on the phone, or record it again when there is a signal.';

/** A change the phone could not keep, sent directly (a refusal is the service's Problem, as for any change). */
async function sendUnkept(path, body, { method, key, ifMatch }, cause) {
  try {
    return await api(path, { method, body: body ?? undefined, idempotencyKey: key, ifMatch });
  } catch (err) {
    if (err instanceof Problem && !(err.status >= 500) && !TRY_AGAIN.has(err.status)) throw err;
    const problem = new Problem(507, { status: 507, code: 'not-kept-on-phone', detail: NOT_KEPT });
    problem.cause = cause;
    throw problem;
  }
}

/**
 * The options for recording a change to a versioned record (an assessment, a decision) made on a form filled from
 * `record` as it was read: If-Match names the version read, so a change someone made meanwhile is not overwritten
 * (the service answers 412), and `base` keeps the fields the form shows (`keys`) as they were, to show her what
 * changed. `read` is where the record is read again.
 */
export function basedOn(read, record, keys) {
  const values = Object.fromEntries(keys.map((k) => [k, record[k] ?? null]));
  return { ifMatch: `"v${record.version}"`, base: { read, keys, values } };
}

/**
 * The options for changing one part of a versioned record (an event of an assessment's timeline) as it was read: as
 * `basedOn`, but what she changed is judged on that part alone (`list`, its `id`), so a change meanwhile to any other
 * part of the record (another step, a form) does not stop hers; only the same part changed by someone else does.
 */
export function basedOnPart(read, record, list, id, keys) {
  const part = (record[list] || []).find((x) => x.id === id) || {};
  const values = Object.fromEntries(keys.map((k) => [k, part[k] ?? null]));
  return { ifMatch: `"v${record.version}"`, base: { read, keys, values, part: { list, id } } };
}

/** The part of the record a change was based on, as held now (the whole record, or one item of one of its lists). */
function heldPart(current, base) {
  if (!base.part) return current;
  return (current[base.part.list] || []).find((x) => x.id === base.part.id) || {};
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The record a change's path belongs to: "/assessments/<id>/outcome" → "/assessments/<id>". */
const recordOf = (path) => path.split('?')[0].split('/').slice(0, 3).join('/');

/**
 * The service refused a change with 412: the record changed since her form was filled. If nothing she changed was
 * changed by anyone else (another part of the record moved on: an event, another form), it is sent again on the
 * version now held. Otherwise it is kept, refused, with her text and theirs, for her to read and send again or drop.
 * Resolves to the answer when sent again, or to the refusal kept.
 */
async function settleConflict(next, body, label, base, err) {
  if (!base)
    return {
      refused: {
        status: err.status,
        code: 'changed-meanwhile',
        detail: 'Someone changed this meanwhile, so yours was not sent over theirs. Open it again to see what it holds now.',
      },
    };
  const current = await api(base.read);
  const held = heldPart(current, base);
  const theirs = Object.fromEntries(base.keys.map((k) => [k, held[k] ?? null]));
  if (base.keys.every((k) => same(theirs[k], base.values[k]))) {
    const ifMatch = `"v${current.version}"`;
    await inStore('outbox', 'readwrite', (s) => done(s.put({ ...next, ifMatch })));
    return { answer: await api(next.path, { method: next.method, body: body ?? undefined, idempotencyKey: next.key, ifMatch }) };
  }
  const sealed = await seal({ body, label, base, theirs, theirVersion: current.version });
  return {
    refused: { status: err.status, code: 'changed-meanwhile', detail: CHANGED_MEANWHILE },
    body: sealed,
  };
}

export const CHANGED_MEANWHILE =
  'Someone changed this meanwhile, so yours was not sent over theirs. Both versions are shown: your text is kept to send again.';

/** After her change to a record went through: her later changes to it, made on the version it replaced, move on with it. */
async function advanceLater(next, answer) {
  if (!answer || typeof answer.version !== 'number') return;
  const from = `"v${answer.version - 1}"`;
  const to = `"v${answer.version}"`;
  const record = recordOf(next.path);
  await inStore('outbox', 'readwrite', async (s) => {
    const all = await done(s.getAll());
    for (const i of all)
      if (i.seq > next.seq && i.user === next.user && i.state === 'pending' && i.ifMatch === from && recordOf(i.path) === record)
        s.put({ ...i, ifMatch: to });
  });
}

/**
 * Sends again a change refused because the record changed meanwhile, over what is held now (she has seen both): a new
 * change on the version now held, with her text, and the refused one dropped.
 */
export async function sendMineInstead(item) {
  const { body, label, base, theirVersion } = await open(item.body);
  await dismiss(item.seq);
  return record(item.path, body ?? undefined, { method: item.method, label: label ?? undefined, ifMatch: `"v${theirVersion}"`, base });
}

/** Her text and theirs, for a change refused because the record changed meanwhile: { label, mine, theirs }. */
export async function conflictOf(item) {
  const { body, label, base, theirs } = await open(item.body);
  if (!base || !theirs) return null;
  return { label, keys: base.keys, mine: body, theirs };
}

/**
 * The path of a change to a record that a change still waiting will create (her arrival, queued without a signal,
 * opens the assessment her next steps belong to): `after(key, rest)` stands for "<the record `key` creates><rest>",
 * filled in with the new record's id once that change is sent (they are sent in order, so it is sent first).
 */
export function after(key, rest) {
  return `{${key}}${rest}`;
}
const AFTER = /^\{([^}]+)\}/;

/** After a change that created a record was sent: the changes waiting on it get its path. */
async function resolveAfter(next, answer) {
  if (!answer || typeof answer.id !== 'string') return;
  const made = `${recordOf(next.path)}/${answer.id}`;
  await inStore('outbox', 'readwrite', async (s) => {
    const all = await done(s.getAll());
    for (const i of all) {
      const m = AFTER.exec(i.path);
      if (m && m[1] === next.key) s.put({ ...i, path: made + i.path.slice(m[0].length) });
    }
  });
}

/** True while the screen that recorded this change is still waiting for its first answer (it shows its own progress). */
export function beingSent(key) {
  return waiting.has(key);
}

/** The signed-in user's items in the order recorded (the phone may hold another user's, left by an expired session). */
export async function outboxItems() {
  const user = currentUserId();
  const all = await inStore('outbox', 'readonly', (s) => done(s.getAll()));
  return all.filter((i) => i.user === user);
}

/**
 * A job no longer hers (its referral `referralId`, its assessment `assessmentId` if known): her changes to it still
 * on the phone (refused, or waiting to be refused in turn) are deleted, with what she typed about the person. Resolves
 * to their words ("<what> (saved 03:12 GMT)"), for the screen to say once what was not recorded.
 */
export async function dropJobChanges(referralId, assessmentId) {
  // A run under way finishes first: a change of this job it is refusing now is not put back after it is deleted.
  await flush().catch(() => undefined);
  const mine = (await outboxItems()).filter(
    (i) =>
      (i.tag && (i.tag.startsWith(`step:${referralId}:`) || (assessmentId && i.tag === `outcome:${assessmentId}`))) ||
      (assessmentId && recordOf(i.path) === `/assessments/${assessmentId}`),
  );
  if (!mine.length) return [];
  const words = await Promise.all(mine.map(async (i) => `${await describeChange(i)} (saved ${localTime(i.created)})`));
  await inStore('outbox', 'readwrite', (s) => Promise.all(mine.map((i) => done(s.delete(i.seq)))));
  changed();
  return words;
}

/** Lets the user put a refused change out of sight, once read. */
export async function dismiss(seq) {
  await inStore('outbox', 'readwrite', (s) => done(s.delete(seq)));
  changed();
}

const RETRY_FIRST_MS = 30_000;
const RETRY_MAX_MS = 5 * 60_000;
let retryMs = RETRY_FIRST_MS;
let retryTimer;

/**
 * Sends the signed-in user's waiting changes in order (one run at a time; a call during a run joins it). Resolves to
 * 'empty' when nothing is left to send, 'stopped' when it stopped to wait for the signal (or the service).
 */
export function flush() {
  draining ??= drain()
    .then((result) => {
      // Stopped with changes waiting: try again on a timer too (30 s, doubling to 5 min), as the browser does not
      // reliably say when the signal is back.
      clearTimeout(retryTimer);
      if (result === 'stopped' && currentUserId()) {
        retryTimer = setTimeout(() => void flush(), retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      } else retryMs = RETRY_FIRST_MS;
      return result;
    })
    .finally(() => {
      draining = undefined;
    });
  return draining;
}

/**
 * One run at a time per phone, not per tab: every tab of the app shares the outbox, so a run holds the phone's lock
 * (Web Locks, where the browser has them) and a run in another tab waits for it, then finds what it sent gone.
 */
function drain() {
  if (navigator.locks && typeof navigator.locks.request === 'function') return navigator.locks.request('amhp-outbox', () => drainOnce());
  return drainOnce();
}

async function drainOnce() {
  let replayed = 0;
  let sent = 0;
  try {
    return await drainRun(
      () => replayed++,
      () => sent++,
    );
  } catch {
    // The store cannot be read (signed out: nothing is kept until someone signs in): nothing to send now.
    return 'stopped';
  } finally {
    inFlight = null;
    if (replayed) for (const fn of replayedListeners) fn();
    // Whatever this tab sent, the other tabs' screens were not told of: they read again too.
    if (sent) tellOtherTabs({ type: 'outbox-replayed' });
  }
}

async function drainRun(replayedOne, sentOne) {
  for (;;) {
    if (!currentUserId()) return 'stopped';
    const next = (await outboxItems()).find((i) => i.state === 'pending');
    if (!next) return 'empty';
    const { body, label, base } = await open(next.body);
    const waitsOn = AFTER.exec(next.path);
    if (waitsOn) {
      // The change it belongs to was not recorded (refused, or dropped): nor can this be.
      const problem = {
        status: 409,
        code: 'belonged-to-unrecorded',
        detail:
          'It was recorded after a change that was not sent (see above), so it was not sent either. Record it again once that is put right.',
        refusedAt: new Date(serverNow()).toISOString(),
      };
      await inStore('outbox', 'readwrite', (s) => done(s.put({ ...next, state: 'refused', problem })));
      const mine = waiting.get(next.key);
      if (mine) {
        waiting.delete(next.key);
        mine.reject(new Problem(409, { status: 409, code: problem.code, detail: problem.detail }));
      }
      changed();
      continue;
    }
    let answer;
    inFlight = next.key;
    try {
      try {
        answer = await api(next.path, { method: next.method, body: body ?? undefined, idempotencyKey: next.key, ifMatch: next.ifMatch });
      } catch (err) {
        if (!(err instanceof Problem && err.status === 412)) throw err;
        const settled = await settleConflict(next, body, label, base, err);
        if (settled.refused) {
          // Kept, refused, with both versions where the form kept what it was based on (also when its screen is still
          // waiting: it is told what the kept refusal says, and so where to look; with no versions to show, not that
          // both are shown).
          const problem = { ...settled.refused, refusedAt: new Date(serverNow()).toISOString() };
          await inStore('outbox', 'readwrite', (s) => done(s.put({ ...next, body: settled.body ?? next.body, state: 'refused', problem })));
          const mine = waiting.get(next.key);
          if (mine) {
            waiting.delete(next.key);
            mine.reject(new Problem(412, { status: 412, code: 'changed-meanwhile', detail: settled.refused.detail }));
          }
          changed();
          continue;
        }
        answer = settled.answer;
      }
    } catch (err) {
      // No signal, the service down (5xx), or a refusal to try again later: stop here, in order, and wait.
      if (
        isNoSignal(err) ||
        !(err instanceof Problem) ||
        err.status >= 500 ||
        TRY_AGAIN.has(err.status) ||
        err.code === 'idempotency-in-progress'
      )
        return 'stopped';
      const mine = waiting.get(next.key);
      if (mine) {
        // Its caller is still waiting: it shows the service's words at once, so nothing is kept.
        waiting.delete(next.key);
        await inStore('outbox', 'readwrite', (s) => done(s.delete(next.seq)));
        mine.reject(err);
      } else {
        const problem = { status: err.status, code: err.code ?? null, detail: err.message, refusedAt: new Date(serverNow()).toISOString() };
        await inStore('outbox', 'readwrite', (s) => done(s.put({ ...next, state: 'refused', problem })));
      }
      changed();
      continue;
    }
    await inStore('outbox', 'readwrite', (s) => done(s.delete(next.seq)));
    await advanceLater(next, answer);
    await resolveAfter(next, answer);
    sentOne();
    changed();
    packChanged();
    const mine = waiting.get(next.key);
    if (mine) {
      waiting.delete(next.key);
      mine.resolve(answer);
    } else replayedOne();
  }
}

const KINDS = {
  assessments: 'an assessment',
  referrals: 'a referral',
  decisions: 'a decision record',
  handovers: 'the handover',
  rota: 'the rota',
  me: 'your alerts',
};

/** What a change in the outbox is, in words: the label its screen gave (decrypted here, for the screen), else its kind. */
export async function describeChange(item) {
  const { label } = await open(item.body);
  if (label) return label;
  // Every screen gives one; a change kept from an older version of the app may have none: say what it was for.
  const kind = item.path.split('?')[0].split('/')[1] || '';
  return `A change to ${KINDS[kind] || 'a record'}, saved on this phone`;
}

// Any answer from the service means the signal is back: send what waits.
onContact(() => void flush());
addEventListener('online', () => void flush());
document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && void flush());
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'outbox-flush') {
      const reply = event.ports && event.ports[0];
      void flush().finally(() => reply && reply.postMessage({ type: 'outbox-flushed' }));
    }
  });
}

/** Asks the service worker for a Background Sync when the signal is back (where the browser has it). */
export async function requestBackgroundSync() {
  try {
    const reg = await navigator.serviceWorker?.ready;
    if (reg && reg.sync) await reg.sync.register('amhp-outbox');
  } catch {
    // not granted or not supported: the app sends on its own triggers
  }
}
