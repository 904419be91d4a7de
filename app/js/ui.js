// Shared pieces of the app's screens: words for codes, phone links, the error summary, form fields, the statutory
// clock and the device's idea of the server's time.
import { h, htm, useEffect, useLayoutEffect, useRef, useState } from './deps.js';
import { currentSignal, serverNow } from './session.js';
import { countdown, localClock, localTime } from './time.js';

export const html = htm.bind(h);

export const WORDS = {
  emergency: 'Emergency',
  urgent: 'Urgent',
  routine: 'Routine',
  received: 'Received',
  screening: 'Screening',
  accepted: 'Accepted',
  allocated: 'Allocated',
  assessing: 'Assessing',
  'in-assessment': 'Assessing',
  'not-accepted': 'Not accepted',
  transferred: 'Transferred',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
};
export const word = (w) => WORDS[w] || w;
export const LEGAL = {
  s136: 's.136',
  's135-1': 's.135(1)',
  's135-2': 's.135(2)',
  's5-4': 's.5(4)',
  's5-2': 's.5(2)',
  'cto-recall': 'CTO recall',
  'already-s2': 'Already on s.2',
  'already-s3': 'Already on s.3',
  informal: 'Informal',
};
export const legal = (kind) => LEGAL[kind] || kind;
/** The number to dial: digits and a leading +. */
export const telHref = (phone) => `tel:${phone.replace(/[^\d+]/g, '')}`;
export const unreachable = 'The service cannot be reached. Check your signal and try again.';

/** What to tell the user about a failed request: no signal, or the service's own words (problem+json detail). */
export function errorText(err) {
  return err instanceof TypeError ? unreachable : err.message;
}

/**
 * The screen of a new record kept on the phone because the service has not answered (the outbox sends it, in order,
 * when there is a signal): said as a status, not an error, in place of the form (`title` is the form's heading), so
 * that it is not typed or sent a second time.
 */
export function SavedOnPhoneScreen({ title, what, listName, listHref }) {
  const ref = useRef(null);
  useEffect(() => {
    if (ref.current) ref.current.focus();
  }, []);
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">${title}</h1>
      <div class="nhsuk-warning-callout" role="status" tabindex="-1" ref=${ref}>
        <h2 class="nhsuk-warning-callout__label">
          <span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Not sent yet</span>
        </h2>
        <p class="nhsuk-body">${what} is saved on this phone, not sent yet.</p>
        <p class="nhsuk-body">It will be sent when there is a signal, and will then be in <a href=${listHref}>${listName}</a>.</p>
        <p class="nhsuk-body">You do not need to send it again.</p>
      </div>
    </main>
  `;
}

/**
 * "There is a problem": the errors, each linking to its field (an error with no field is plain text); it takes the
 * focus when it appears. A screen with several forms gives each summary its own `id` and a lower heading `level`.
 */
export function ErrorSummary({ errors, id = 'error-summary', level = 2 }) {
  const ref = useRef(null);
  useEffect(() => {
    if (errors.length && ref.current) ref.current.focus();
  }, [errors]);
  if (!errors.length) return null;
  const Heading = `h${level}`;
  return html`
    <div class="nhsuk-error-summary" aria-labelledby=${`${id}-title`} role="alert" tabindex="-1" ref=${ref}>
      <${Heading} class="nhsuk-error-summary__title" id=${`${id}-title`}>There is a problem</${Heading}>
      <div class="nhsuk-error-summary__body">
        <ul class="nhsuk-list nhsuk-error-summary__list">
          ${errors.map((e, i) => html`<li key=${i}>${e.field ? html`<${PlaceLink} to=${e.field}>${e.text}</${PlaceLink}>` : e.text}</li>`)}
        </ul>
      </div>
    </div>
  `;
}

export function Field({ id, label, type, autocomplete, error }) {
  return html`
    <div class=${`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label class="nhsuk-label" for=${id}>${label}</label>
      ${error && html`<span class="nhsuk-error-message" id=${`${id}-error`}><span class="nhsuk-u-visually-hidden">Error:</span> ${error}</span>`}
      <input
        class=${`nhsuk-input${error ? ' nhsuk-input--error' : ''}`}
        id=${id}
        name=${id}
        type=${type}
        autocomplete=${autocomplete}
        spellcheck="false"
        autocapitalize="none"
        aria-describedby=${error ? `${id}-error` : undefined}
      />
    </div>
  `;
}

/**
 * The page's title (WCAG 2.4.2), set in the same render as what it names and before it is painted, so that the
 * title never lags the heading or the error summary it describes.
 */
export function useTitle(title) {
  useLayoutEffect(() => {
    document.title = title;
  }, [title]);
}

/**
 * The server's time now (the device's clock corrected by what the server last said), read at every render, with a
 * render every second so the countdowns tick on the device.
 */
export function useServerNow() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, []);
  return serverNow();
}

export function Clock({ clock, now }) {
  if (clock.state === 'stopped') {
    return html`<li class="app-clock">
      <span class="app-clock__label">${clock.label}</span>
      <span class="app-clock__time">${clock.result === 'breached' ? 'Stopped after its deadline' : 'Met'}</span>
    </li>`;
  }
  const c = countdown(clock.deadline, now);
  // Without a signal the clock counts on from the service's last known time; it says how old its data is.
  const signal = currentSignal();
  const asOf = signal.offline && signal.asOf;
  return html`<li class=${`app-clock app-clock--${c.state}`} data-clock=${clock.id}>
    <span class="app-clock__label">${clock.label}${clock.provisional ? ' (provisional)' : ''}</span>
    <strong class="app-clock__time" role="timer">${c.text}</strong>
    <span class="app-print-only app-clock__as-at">As at ${localClock(now)}, when printed</span>
    <span class="app-clock__deadline">Deadline ${localTime(clock.deadline)}</span>
    ${asOf && html`<span class="app-clock__stale">No signal: counting on this phone from data of ${localClock(asOf)} (${Math.max(0, Math.floor((now - Date.parse(asOf)) / 60_000))} min old)</span>`}
  </li>`;
}

/** Moves the focus to an element on this screen without touching the hash (the hash is the screen's address). */
export function focusOn(id) {
  const el = document.getElementById(id);
  if (!el) return;
  if (!el.matches('input, select, textarea, button, a, [tabindex]')) el.setAttribute('tabindex', '-1');
  el.scrollIntoView({ block: 'start' });
  el.focus({ preventScroll: true });
}

/** A link to a place on this screen (a section or a field). */
export function PlaceLink({ to, children }) {
  return html`<a
    href=${`#${to}`}
    onClick=${(e) => {
      e.preventDefault();
      focusOn(to);
    }}
    >${children}</a
  >`;
}
