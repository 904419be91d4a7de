// Notifications: the pages that must wake me (an offer, a clock warning or breach, an escalation, the handover), each
// acknowledged here or from the notification; my other notifications; and "Get alerts on this phone" (Web Push).
//
// Acknowledging from the notification: the service worker has no token (it lives in this page's memory only), and a
// push payload carries `{ id, kind }` and nothing that could act for the user, because it passes through the push
// service (Google, Apple, Mozilla) and may show on a locked screen. So tapping the notification, or its Acknowledge
// action, opens (or focuses) the app at #/notifications?ack=<id>, and the app, signed in, acknowledges it with its
// own token, through `record` like any change it makes. A page acknowledged by a lost or borrowed locked phone is
// therefore impossible: acknowledging needs the app unlocked and signed in.
import { useEffect, useState } from '../deps.js';
import { html, unreachable, useTitle } from '../ui.js';
import { useLive } from '../use-live.js';
import { api, learnServerTime, serverNow } from '../session.js';
import { keptText, recordOrKeep } from '../outbox.js';
import { href, query } from '../router.js';
import { localTime } from '../time.js';
import { loadPack } from '../pack.js';
import { inboxConcerns } from '../live.js';

export const STALE_ALERT =
  'That alert is not one of yours: it was left on this phone for someone else who used it, or it was taken back. Nothing was acknowledged. If it was a colleague’s, they (or the hub) still need to deal with it.';

/**
 * Closes this app's alerts on the phone's lock screen: the one for page `id`, or (with `open`, the pages still
 * waiting for her) every one for a page not among them.
 */
async function closeAlerts(open, id) {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    if (!reg || !reg.getNotifications) return;
    const shown = await reg.getNotifications(id ? { tag: `page-${id}` } : undefined);
    for (const n of shown) {
      const pageId = n.data && n.data.id;
      if (id || (pageId && !open.has(pageId))) n.close();
    }
  } catch {
    // no service worker or no notifications here: nothing on the lock screen to close
  }
}

const STEP_WORDS = {
  1: 'Passed to you as the next AMHP on duty',
  2: 'Passed to you as the senior on duty',
  3: 'Passed to you as the manager',
};
const VIA_WORDS = { app: 'in the app', notification: 'from the notification', gateway: 'by text or call' };

/**
 * A page the service closed (acknowledged via `system`): what it paged her about is no longer hers to act on, said
 * plainly (an offer taken or allocated elsewhere is never shown as her job, nor a clock page of a job reallocated away).
 * A notification the service closed says the same.
 */
const CLOSED_WORDS = {
  'accepted-by-another': 'No longer waits for you: another AMHP accepted this job, and nothing more is needed from you.',
  allocated: 'No longer waits for you: the job was allocated to an AMHP, so nothing more is needed from you.',
  'referral-ended': 'No longer waits for you: the referral ended (withdrawn, closed or transferred).',
  'amhp-not-eligible': 'No longer waits for you: the offer was withdrawn, as you may not act as an AMHP now.',
  reallocated: 'No longer waits for you: the job was reallocated, and whoever holds it now is warned about its time limits.',
  'offered-again': 'No longer waits for you: the job was offered again, and the new offer is paged afresh.',
  'left-police-station': 'No longer waits for you: the child was moved from the police station to another place of safety.',
  'deadline-moved':
    'No longer waits for you: the time limit was moved later (an extension or a corrected time); you will be warned again as the new end nears.',
};
const closedWords = (item) => (item.closedReason ? CLOSED_WORDS[item.closedReason] || 'No longer waits for you.' : null);

const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in self && 'Notification' in self;

/** The VAPID key (base64url) as the bytes PushManager.subscribe wants. */
function keyBytes(base64url) {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** This phone's push subscription, if it has one. */
async function currentSubscription() {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.ready;
  return reg.pushManager.getSubscription();
}

/**
 * Stops pages on this phone (on signing out): the service forgets the device and the browser drops the subscription.
 * Resolves to the subscription's endpoint when the service could not be told (no signal), else null: sign-out
 * remembers it, and the service is told at the next start with a signal (session.js finishSignOut).
 */
export async function stopAlertsOnThisPhone() {
  let sub;
  try {
    sub = await currentSubscription();
  } catch {
    return null;
  }
  if (!sub) return null;
  try {
    const { items } = await api('/me/push-subscriptions');
    const mine = items.find((d) => d.endpoint === sub.endpoint);
    if (mine) await api(`/me/push-subscriptions/${mine.id}`, { method: 'DELETE' });
    await sub.unsubscribe();
    return null;
  } catch {
    // No signal: the browser drops it now if it can (the push service's "gone" then removes it on the next page), and
    // the service is told later either way.
    await Promise.race([sub.unsubscribe().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3_000))]);
    return sub.endpoint;
  }
}

function subscriptionKeys(sub) {
  const json = sub.toJSON();
  return { p256dh: json.keys.p256dh, auth: json.keys.auth };
}

/** Where a page about a referral opens in the app: her job (an AMHP), else the referral as the hub sees it. */
function jobLink(page, me) {
  if (!page.referralId) return null;
  return me && me.roles.includes('amhp') ? `/jobs/${page.referralId}` : `/referrals/${page.referralId}`;
}

function PageItem({ page, busy, onAck, me, jobs }) {
  const closed = closedWords(page);
  // A job that went elsewhere is not opened from here as if it were hers.
  const to = closed ? null : jobLink(page, me);
  const job = page.referralId && jobs ? jobs.get(page.referralId) : null;
  const open = to
    ? html`<p class="nhsuk-body-s app-page__job">
        <a href=${href(to)}
          >Open the job${job ? `: ${job}` : ''}<span class="nhsuk-u-visually-hidden"> (${page.title}, ${localTime(page.createdAt)})</span></a
        >
      </p>`
    : '';
  const acked = Boolean(page.acknowledgedAt);
  return html`
    <li class=${`nhsuk-card app-card app-page${acked ? '' : ' app-page--open'}`} data-page=${page.id}>
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s">${page.title}</h3>
        <p class="nhsuk-body-s app-muted">
          ${localTime(page.createdAt)}${page.step > 0 && page.step <= 3 ? html` · ${STEP_WORDS[page.step]}` : ''}
        </p>
        ${page.endsAt && !closed ? html`<p class="nhsuk-body-s app-page__ends">Time limit: ${localTime(page.endsAt)}</p>` : ''}
        ${open}
        ${
          closed
            ? html`<p class="nhsuk-body-s app-page__closed">${closed} (${localTime(page.acknowledgedAt)})</p>`
            : acked
              ? html`<p class="nhsuk-body-s">Acknowledged ${VIA_WORDS[page.acknowledgedVia] || ''} at ${localTime(page.acknowledgedAt)}</p>`
              : html`<div class="app-actions">
              <button type="button" class="nhsuk-button" disabled=${busy} onClick=${() => onAck(page.id)}>
                Acknowledge<span class="nhsuk-u-visually-hidden"> ${page.title}, ${localTime(page.createdAt)}</span>
              </button>
              ${page.kind === 'offer' || (page.kind === 'escalation' && page.reason === 'offer-not-accepted') ? html`<a class="nhsuk-button nhsuk-button--secondary app-button-link" href=${href('/')}>See the offer</a>` : ''}
            </div>`
        }
      </div>
    </li>
  `;
}

/**
 * A notification the service closed (a clock warning of a job reallocated away from her, an offer taken, allocated or
 * ended) says why in the words a closed page uses, and is neither new nor to be marked read.
 */
function NotificationItem({ note, onRead }) {
  const closed = closedWords(note);
  return html`
    <li class="app-note" data-note=${note.id}>
      <p class="nhsuk-body app-note__title">${note.readAt || closed ? '' : html`<strong class="app-note__new">New </strong>`}${note.title}</p>
      ${note.body && html`<p class="nhsuk-body-s app-note__body">${note.body}</p>`}
      ${closed && html`<p class="nhsuk-body-s app-note__closed">${closed} (${localTime(note.closedAt)})</p>`}
      <p class="nhsuk-body-s app-muted app-note__meta">
        <span>${localTime(note.createdAt)}</span>
        ${
          !note.readAt &&
          !closed &&
          html`<button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${() => onRead(note.id)}>
            Mark read<span class="nhsuk-u-visually-hidden"> ${note.title}</span>
          </button>`
        }
      </p>
    </li>
  `;
}

/** The same pages as a manager reads them: what each was about, not addressed to the reader. */
function hubWords(p) {
  if (p.kind === 'escalation')
    return (
      {
        'clock-not-acknowledged': 'Time limit warning passed on',
        'unlawful-detention': 'A child at a police station: move them now',
      }[p.reason] || 'Job offered and not accepted, passed on'
    );
  return (
    { offer: 'Job offered', 'clock-warning': 'Time limit running out', 'clock-breach': 'Time limit passed', handover: 'Morning handover' }[
      p.kind
    ] || p.kind
  );
}
const CHAIN_STEP = { 0: 'First page', 1: 'Step 1: next AMHP on duty', 2: 'Step 2: senior on duty', 3: 'Manager' };
const PUSH_WORDS = {
  pending: 'Sending to the phone',
  sent: 'Reached the phone',
  failed: 'Could not reach the phone',
  'no-device': 'No phone set up',
};
const GATEWAY_WORDS = { requested: 'Text or call requested', delivered: 'Text or call delivered', failed: 'Text or call failed' };

/** For managers: every page of the last 24 hours, who it went to, whether it reached them, who acknowledged it. */
/** Whether a page reached the phone; one the service closed before it went out was never sent, and is not sending. */
const hubPushWords = (p) =>
  p.closedReason && p.channels.push === 'pending' ? 'Not sent: closed first' : PUSH_WORDS[p.channels.push] || p.channels.push;

function HubPages({ pages }) {
  if (!pages.length) return html`<p class="nhsuk-body">No pages in the last 24 hours.</p>`;
  return html`<ul class="nhsuk-list app-notes">
    ${pages.map(
      (p) => html`<li key=${p.id} class="app-note" data-hub-page=${p.id}>
        <p class="nhsuk-body app-note__title"><strong>${hubWords(p)}</strong> · to ${p.recipientName}</p>
        <p class="nhsuk-body-s app-note__body">
          ${CHAIN_STEP[p.step] || ''} · ${localTime(p.createdAt)} · ${hubPushWords(p)}${
            p.channels.gateway ? ` · ${GATEWAY_WORDS[p.channels.gateway] || p.channels.gateway}` : ''
          }
        </p>
        <p class=${`nhsuk-body-s app-note__meta${p.acknowledgedAt ? '' : ' app-alert'}`}>
          ${
            p.closedReason
              ? `Closed by the service at ${localTime(p.acknowledgedAt)}: no longer theirs to act on`
              : p.acknowledgedAt
                ? `Acknowledged ${VIA_WORDS[p.acknowledgedVia] || ''} at ${localTime(p.acknowledgedAt)}`
                : 'Not acknowledged'
          }
        </p>
      </li>`,
    )}
  </ul>`;
}

function Devices({ devices, here, onRevoke }) {
  if (!devices.length) return html`<p class="nhsuk-body">No phone gets your alerts yet.</p>`;
  return html`<ul class="nhsuk-list app-devices">
    ${devices.map(
      (d) => html`<li key=${d.id} class="app-device">
        <span class="app-device__name">
          ${d.label}${d.endpoint === here ? ' (this phone)' : ''}
          <span class="nhsuk-body-s app-muted app-device__since">Set up ${localTime(d.createdAt)}</span>
        </span>
        <button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${() => onRevoke(d.id)}>
          Stop alerts<span class="nhsuk-u-visually-hidden"> on ${d.label}</span>
        </button>
      </li>`,
    )}
  </ul>`;
}

export function NotificationsScreen({ me, path }) {
  const [pages, setPages] = useState(null);
  // null until read: an empty list before the first answer would say "none" when it is not known yet.
  const [notes, setNotes] = useState(null);
  const [devices, setDevices] = useState(null);
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [focusStatus, setFocusStatus] = useState(0);
  const [hub, setHub] = useState(null);
  const [jobs, setJobs] = useState(null);
  const manager = me.roles.includes('manager');
  // Her jobs as the phone keeps them (the job pack): each page about one says whose it is, without another read.
  useEffect(() => {
    loadPack()
      .then((kept) => {
        if (!kept) return;
        const named = (r) => [r.person && `${r.person.givenName} ${r.person.familyName}`, r.reference].filter(Boolean).join(', ');
        setJobs(new Map(kept.pack.jobs.map((j) => [j.referral.id, named(j.referral)])));
      })
      .catch(() => undefined);
  }, []);
  const [phone, setPhone] = useState({ supported: pushSupported(), endpoint: null });

  /** Reads the screen; `parts` ['inbox'] (the live stream's, for an event about a page or notification): all but the phones. */
  async function load(parts = null) {
    const phones = !parts || parts.includes('phones');
    try {
      const since = new Date(serverNow() - 24 * 3600_000).toISOString();
      const [p, n, d, all] = await Promise.all([
        api('/me/pages?limit=50'),
        api('/me/notifications?limit=30'),
        phones ? api('/me/push-subscriptions') : null,
        manager ? api(`/pages?limit=100&since=${encodeURIComponent(since)}`) : null,
      ]);
      if (all) setHub(all.items);
      setPages(p.items);
      // An alert on the lock screen for a page that no longer waits for her (acknowledged here, by text or call, or
      // passed on) goes: it stays only while the page does.
      void closeAlerts(new Set(p.items.filter((x) => !x.acknowledgedAt).map((x) => x.id)));
      setNotes(n.items);
      if (d) setDevices(d.items);
      if (p.items[0]) learnServerTime(p.items[0].createdAt);
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
    if (!phones) return;
    const sub = await currentSubscription().catch(() => null);
    setPhone((s) => ({ ...s, endpoint: sub ? sub.endpoint : null }));
  }

  useEffect(() => {
    const active = document.activeElement;
    if (!focusStatus || (active && active !== document.body && document.contains(active))) return;
    const target = document.getElementById('pages-status') || document.getElementById('pages-heading');
    if (target && !target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    if (target) target.focus();
  }, [focusStatus]);

  async function acknowledge(id, via = 'app') {
    setBusy(true);
    try {
      const page = await recordOrKeep(`/me/pages/${id}/ack`, { via }, { label: 'Acknowledging an alert' });
      // Kept on the phone: the service has not heard it yet, so the page may still be passed on up the duty chain.
      setStatus(
        page
          ? closedWords(page)
            ? `${page.title}: ${closedWords(page)}`
            : `${page.title}: acknowledged.`
          : `${keptText('Your acknowledgement')} Until it is sent, the page may still be passed on to the next person on the duty chain.`,
      );
      setError(null);
      if (page) void closeAlerts(null, id);
      await load();
      // Tapped here, the card moved from one list to the other and took the focus with it: it goes to what the
      // screen says of it, not to the page (where the next Tab would start over from the top).
      if (via === 'app') setFocusStatus((n) => n + 1);
    } catch (err) {
      if (err && err.status === 404 && via === 'notification') {
        // An alert left on this phone by someone else who used it (or one taken back): not hers to acknowledge.
        void closeAlerts(null, id);
        setError(STALE_ALERT);
      } else setError(err instanceof TypeError ? `${unreachable} The page is not acknowledged yet.` : err.message);
    } finally {
      setBusy(false);
    }
  }

  async function markRead(id) {
    try {
      await recordOrKeep(`/me/notifications/${id}/read`, {}, { label: 'Marking a notification read' });
      await load();
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }

  async function subscribe() {
    setError(null);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        setError('Alerts are blocked for this app. Allow notifications for it in your phone’s settings, then try again.');
        return;
      }
      const { publicKey } = await api('/pages/vapid-public-key');
      const reg = await navigator.serviceWorker.ready;
      const sub =
        (await reg.pushManager.getSubscription()) ||
        (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
      const added = await recordOrKeep(
        '/me/push-subscriptions',
        {
          endpoint: sub.endpoint,
          keys: subscriptionKeys(sub),
          label: deviceLabel(),
        },
        { label: 'Alerts on this phone' },
      );
      setStatus(added ? 'This phone will now get your alerts.' : keptText('Alerts on this phone'));
      await load();
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : `This phone could not be set up for alerts: ${err.message}`);
    }
  }

  async function revoke(id) {
    try {
      const removed = await recordOrKeep(`/me/push-subscriptions/${id}`, undefined, {
        method: 'DELETE',
        label: 'Stopping alerts on that phone',
      });
      setStatus(removed === null ? keptText('Stopping alerts on that phone') : 'That phone will get no more alerts.');
      await load();
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }

  useTitle('Notifications – AMHP duty');
  // Read now, again for each event about her pages and notifications (a manager's: every page), and on a timer (live.js).
  useLive(load, (events) => inboxConcerns(events, me.id, manager));

  // Opened from a notification (#/notifications?ack=<id>): acknowledge it, then drop the id from the address so a
  // reload does not acknowledge again.
  useEffect(() => {
    const ack = query(path).get('ack');
    if (!ack || !/^[0-9a-f-]{36}$/i.test(ack)) return;
    history.replaceState(null, '', href('/notifications'));
    void acknowledge(ack, 'notification');
  }, [path]);

  const open = (pages || []).filter((p) => !p.acknowledgedAt);
  const done = (pages || []).filter((p) => p.acknowledgedAt).slice(0, 10);

  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">Notifications</h1>
      ${error && html`<div class="nhsuk-error-summary" role="alert" tabindex="-1"><p class="nhsuk-body">${error}</p></div>`}
      ${status && html`<div class="nhsuk-inset-text" role="status" id="pages-status" tabindex="-1"><p>${status}</p></div>`}
      <section aria-labelledby="pages-heading">
        <h2 class="nhsuk-heading-m" id="pages-heading">To acknowledge</h2>
        ${
          pages === null
            ? html`<p class="nhsuk-body">Loading…</p>`
            : open.length
              ? html`<ul class="nhsuk-list app-cards">${open.map((p) => html`<${PageItem} key=${p.id} page=${p} busy=${busy} onAck=${acknowledge} me=${me} jobs=${jobs} />`)}</ul>`
              : html`<p class="nhsuk-body">Nothing is waiting for you to acknowledge.</p>`
        }
      </section>
      ${
        manager &&
        html`<section aria-labelledby="hub-heading">
        <h2 class="nhsuk-heading-m" id="hub-heading">Pages in the hub, last 24 hours</h2>
        ${hub === null ? html`<p class="nhsuk-body">Loading…</p>` : html`<${HubPages} pages=${hub} />`}
      </section>`
      }
      <section aria-labelledby="phone-heading">
        <h2 class="nhsuk-heading-m" id="phone-heading">Alerts on this phone</h2>
        ${
          !phone.supported
            ? html`<p class="nhsuk-body">This browser cannot get alerts. On an iPhone, add the app to your home screen first (Share, then Add to Home Screen), and open it from there.</p>`
            : devices === null
              ? html`<p class="nhsuk-body">Loading…</p>`
              : phone.endpoint && devices.some((d) => d.endpoint === phone.endpoint)
                ? html`<p class="nhsuk-body">This phone gets your alerts.</p>`
                : html`<p class="nhsuk-body">Get a notification that wakes you when a job is offered to you, a time limit is running out, or a job is passed to you.</p>
                <button type="button" class="nhsuk-button" onClick=${subscribe}>Get alerts on this phone</button>`
        }
        <h3 class="nhsuk-heading-s">Your phones</h3>
        ${devices === null ? html`<p class="nhsuk-body">Loading…</p>` : html`<${Devices} devices=${devices} here=${phone.endpoint} onRevoke=${revoke} />`}
      </section>
      <section aria-labelledby="notes-heading">
        <h2 class="nhsuk-heading-m" id="notes-heading">Notifications</h2>
        ${
          notes === null
            ? html`<p class="nhsuk-body">Loading…</p>`
            : notes.length
              ? html`<ul class="nhsuk-list app-notes">${notes.map((n) => html`<${NotificationItem} key=${n.id} note=${n} onRead=${markRead} />`)}</ul>`
              : html`<p class="nhsuk-body">No notifications.</p>`
        }
      </section>
      ${
        done.length > 0 &&
        html`<section aria-labelledby="done-heading">
        <h2 class="nhsuk-heading-m" id="done-heading">Acknowledged</h2>
        <ul class="nhsuk-list app-cards">${done.map((p) => html`<${PageItem} key=${p.id} page=${p} busy=${busy} onAck=${acknowledge} me=${me} jobs=${jobs} />`)}</ul>
      </section>`
      }
    </main>
  `;
}

/** What to call this phone in the list of devices: the browser's own words, never the user's. */
function deviceLabel() {
  const ua = navigator.userAgent;
  const os = /iPhone|iPad/.test(ua)
    ? 'iPhone'
    : /Android/.test(ua)
      ? 'Android phone'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac/.test(ua)
          ? 'Mac'
          : 'This device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'browser';
  return `${os}, ${browser}`;
}
