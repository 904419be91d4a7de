// The phone's state under the header, on every screen: no signal (and how old what is shown is), how many recorded
// changes are saved on this phone and not sent yet, and each change the service refused, in its own words, until the
// user dismisses it. Also what signing in and out does to what the phone keeps.
import { html } from './ui.js';
import { useEffect, useRef, useState } from './deps.js';
import { clockDisagreement, currentSignal, onSignal, serverNow } from './session.js';
import {
  beingSent,
  conflictOf,
  describeChange,
  dismiss,
  flush,
  onOutboxChange,
  outboxItems,
  sendMineInstead,
  settledText,
} from './outbox.js';
import { keepPackFresh, keptPack, packChanged, stopPack } from './pack.js';
import { onLive, packConcerns } from './live.js';
import { localClock } from './time.js';

/** "14 min ago", "2 h 5 min ago", "just now". */
export function ago(iso, now = serverNow()) {
  const min = Math.floor((now - Date.parse(iso)) / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  return `${Math.floor(min / 60)} h ${min % 60} min ago`;
}

/**
 * The phone's clock disagrees with the service's by `skewMs` (the service's minus the phone's): said plainly, with
 * what the app does about it. The time limits count, and what she records is dated, by the service's clock.
 */
export function clockWords(skewMs, now = serverNow()) {
  const min = Math.round(Math.abs(skewMs) / 60_000);
  const by = min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
  return (
    `This phone’s clock is ${by} ${skewMs > 0 ? 'slow' : 'fast'}. The app counts the time limits and dates what you record ` +
    `by the service’s clock (now ${localClock(new Date(now).toISOString())}), not the phone’s.`
  );
}

/** The signal as the app knows it, re-rendering when it changes (and every 30 s, so "min ago" moves on). */
export function useSignal() {
  const [signal, setSignal] = useState(currentSignal());
  const [, tick] = useState(0);
  useEffect(() => {
    const off = onSignal(setSignal);
    const id = setInterval(() => tick((n) => n + 1), 30_000);
    return () => {
      off();
      clearInterval(id);
    };
  }, []);
  return signal;
}

/** The signed-in user's outbox: { pending, refused } (refused items with their words), re-read on every change. */
export function useOutbox() {
  const [state, setState] = useState({ pending: [], refused: [] });
  useEffect(() => {
    let live = true;
    const read = async () => {
      try {
        const items = await outboxItems();
        const withWords = await Promise.all(
          items.map(async (i) => ({
            ...i,
            what: await describeChange(i),
            conflict: i.state === 'refused' && i.problem.code === 'changed-meanwhile' ? await conflictOf(i) : null,
          })),
        );
        if (live)
          setState({
            // A change its screen is still sending (and showing as such) is not "not sent yet" until it is told so.
            pending: withWords.filter((i) => i.state === 'pending' && !beingSent(i.key)),
            refused: withWords.filter((i) => i.state === 'refused'),
          });
      } catch {
        // the store is being deleted (sign-out): nothing to show
      }
    };
    void read();
    const off = onOutboxChange(() => void read());
    return () => {
      live = false;
      off();
    };
  }, []);
  return state;
}

/**
 * A screen's notice that a change is saved on this phone, not sent yet: once the outbox has sent everything it held,
 * the notice says so (it must not go on saying "not sent yet" over a step shown as recorded).
 */
export function useKeptNotice(notice, setNotice) {
  const { pending, refused } = useOutbox();
  // Settled only once the change was seen waiting (the outbox is read again after `record` says it is kept).
  const seen = useRef(null);
  useEffect(() => {
    // A notice taken down (a new change on its way) is not the one seen waiting: the same words again are a new change.
    if (!notice) {
      seen.current = null;
      return;
    }
    if (pending.length) {
      seen.current = notice;
      return;
    }
    if (seen.current !== notice) return;
    const next = settledText(notice, { refused: refused.length > 0 });
    if (next !== notice) setNotice(next);
  }, [notice, pending.length, refused.length]);
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** "alternativesConsidered" → "Alternatives considered". */
const fieldWords = (key) => {
  const w = key.replace(/([A-Z])/g, ' $1').toLowerCase();
  return w.charAt(0).toUpperCase() + w.slice(1);
};

/** A record's fields as [label, text] lines (nested objects flattened, lists joined), for showing two versions side by side. */
export function fieldLines(value, prefix = '') {
  if (value === null || value === undefined || value === '') return prefix ? [[prefix, '(nothing)']] : [];
  if (Array.isArray(value)) {
    if (value.some((v) => v && typeof v === 'object')) return value.flatMap((v, n) => fieldLines(v, `${prefix} ${n + 1}`.trim()));
    return [[prefix, value.length ? value.join('; ') : '(nothing)']];
  }
  if (typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => fieldLines(v, prefix ? `${prefix}: ${fieldWords(k).toLowerCase()}` : fieldWords(k)));
  return [[prefix, String(value)]];
}

/** Her version and the one held now, of the fields her refused change covers. */
function Versions({ conflict }) {
  const { keys, mine, theirs } = conflict;
  // One field (the interview): each version by its own parts. Otherwise her form's fields, and the record's.
  const one = keys.length === 1 ? keys[0] : null;
  const yours = one && mine && one in mine ? mine[one] : mine;
  const held = one ? theirs[one] : theirs;
  const list = (value) =>
    html`<dl class="nhsuk-summary-list app-versions__list">
      ${fieldLines(value).map(
        ([k, v]) =>
          html`<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">${k}</dt><dd class="nhsuk-summary-list__value">${v}</dd></div>`,
      )}
    </dl>`;
  return html`<div class="app-versions">
    <h3 class="nhsuk-heading-xs">Yours (not sent)</h3>
    ${list(yours)}
    <h3 class="nhsuk-heading-xs">Now on the service</h3>
    ${list(held)}
  </div>`;
}

export function DeviceStatus() {
  const signal = useSignal();
  const { pending, refused } = useOutbox();
  const [sending, setSending] = useState(false);
  const clockOff = clockDisagreement();
  if (!signal.offline && !pending.length && !refused.length && !clockOff) return null;

  async function sendNow() {
    setSending(true);
    try {
      await flush();
    } finally {
      setSending(false);
    }
  }

  return html`<div class="app-device"><div class="nhsuk-width-container">
    ${clockOff !== 0 && html`<p class="app-device__clock" role="status">${clockWords(clockOff)}</p>`}
    ${
      signal.offline &&
      html`<p class="app-device__signal" role="status">
        <strong>No signal:</strong> ${signal.asOf ? `shown as of ${localClock(signal.asOf)} (${ago(signal.asOf)})` : 'nothing newer to show'}
      </p>`
    }
    ${
      pending.length > 0 &&
      html`<div class="app-device__unsent" role="status">
        <p class="app-device__count" data-unsent=${pending.length}>
          <strong>${plural(pending.length, 'change', 'changes')}</strong> saved on this phone, not sent yet
        </p>
        <button type="button" class="nhsuk-button nhsuk-button--reverse app-button-compact" disabled=${sending} onClick=${sendNow}>
          Send now
        </button>
      </div>`
    }
    ${
      refused.length > 0 &&
      html`<div class="app-device__refused">
        ${refused.map(
          (i) =>
            html`<div key=${i.seq} class="app-refused" role="alert">
              <p class="app-refused__what"><strong>Not recorded:</strong> ${i.what} (saved ${localClock(i.created)})</p>
              ${
                i.conflict
                  ? html`<p class="app-refused__detail">${i.problem.detail}</p>
                      <${Versions} conflict=${i.conflict} />
                      <button
                        type="button"
                        class="nhsuk-button app-button-compact"
                        onClick=${() => void sendMineInstead(i).catch(() => undefined)}
                      >
                        Send mine instead<span class="nhsuk-u-visually-hidden">: ${i.what}</span>
                      </button>`
                  : i.problem.code === 'no-relationship'
                    ? // She saved it on a job that was hers; the service now finds no relationship: not hers any more.
                      html`<p class="app-refused__detail">
                        This job is no longer yours: it was reallocated, or its allocation ended, before this could be sent.
                      </p>`
                    : html`<p class="app-refused__detail">The service said: ${i.problem.detail}</p>`
              }
              <button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${() => dismiss(i.seq)}>
                Dismiss<span class="nhsuk-u-visually-hidden">: ${i.what}</span>
              </button>
            </div>`,
        )}
      </div>`
    }
  </div></div>`;
}

/** Signed in (or opened without a signal as the user the phone kept): keep the job pack fresh and send what waits. */
let offLive = null;
export function deviceSignedIn(me) {
  keepPackFresh(me);
  // The live stream says something a job the pack holds changed (someone else recorded a step on it, a clock stopped):
  // the pack is read again, so the job opened without a signal is as she last saw it (live.js packConcerns).
  if (offLive) offLive();
  offLive = onLive((kind, events) => {
    const pack = keptPack();
    if (kind === 'events' && pack && packConcerns(events, pack, me.id)) packChanged();
  });
  void flush();
}

/**
 * Before signing out (which deletes everything on the phone): send what waits; if some changes still cannot be sent,
 * ask whether to sign out and lose them. True to go on.
 */
export async function readyToSignOut() {
  try {
    await flush();
    const items = await outboxItems();
    const left = items.filter((i) => i.state === 'pending');
    // A change the service refused is kept on the phone for her to read, or send again ("Send mine instead"): signing
    // out deletes it as surely as one not sent, so she is asked about both, and stays signed in to deal with them.
    const kept = items.filter((i) => i.state === 'refused');
    const lost = [
      left.length && `${plural(left.length, 'change is', 'changes are')} not sent yet`,
      kept.length &&
        `${plural(kept.length, 'change was', 'changes were')} not recorded and ${kept.length === 1 ? 'is' : 'are'} kept on this phone for you to read or send again (listed at the top of the screen)`,
    ].filter(Boolean);
    if (
      lost.length &&
      !confirm(`${lost.join(', and ')}. ${left.length + kept.length === 1 ? 'It' : 'They'} will be lost if you sign out. Sign out anyway?`)
    )
      return false;
  } catch {
    // the store cannot be read: nothing to lose
  }
  stopPack();
  return true;
}
