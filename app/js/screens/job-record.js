// One-tap recording on the job screen: arrival (which starts the assessment), the timeline's events and the AMHP's
// in-person contact, each at the service's "now" unless the AMHP sets the time it happened. Every change goes through
// record() (outbox.js).
import { html, errorText } from '../ui.js';
import { useRef, useState } from '../deps.js';
import { after, basedOnPart, keptText, recordOrKeep } from '../outbox.js';
import { useOutbox } from '../offline.js';
import { serverNow } from '../session.js';
import { fromLondonInput, instant, localClock, localTime, londonInputValue, londonTimesOfDay } from '../time.js';
import { focusOn } from './job-forms.js';

/** The one-tap steps, in the order a night goes; `contact` is the in-person contact, not a timeline event. */
export const STEPS = [
  {
    heading: 'Doctors',
    items: [
      { type: 'doctors-requested', label: 'Doctors requested' },
      { type: 'doctor-arrived', label: 'A doctor arrived' },
    ],
  },
  {
    heading: 'Interview',
    items: [
      { type: 'contact', label: 'I saw the person, in person' },
      { type: 'interview-started', label: 'Interview started' },
      { type: 'interview-ended', label: 'Interview ended' },
      { type: 'decision', label: 'Decision made' },
    ],
  },
  {
    heading: 'Bed',
    items: [
      { type: 'bed-requested', label: 'Bed requested' },
      { type: 'bed-identified', label: 'Bed found' },
    ],
  },
  {
    heading: 'Conveyance',
    items: [
      { type: 'conveyance-requested', label: 'Conveyance requested' },
      { type: 'conveyance-arrived', label: 'Conveyance arrived' },
      { type: 'admitted', label: 'Admitted' },
    ],
  },
  {
    heading: 'Warrant (s.135)',
    items: [
      { type: 'warrant-requested', label: 'Warrant requested' },
      { type: 'warrant-executed', label: 'Warrant executed' },
    ],
  },
];

const LABELS = Object.fromEntries(STEPS.flatMap((g) => g.items.map((i) => [i.type, i.label])));
LABELS['application-signed'] = 'Application signed';
LABELS['social-circumstances-report'] = 'Social circumstances report (s.14)';
LABELS['detention-ended'] = 'Detention ended (s.23, s.2(4), s.6(4))';
LABELS['rectified'] = 'Rectified (s.15)';
export const eventLabel = (type) => LABELS[type] || type;

/**
 * When each step was recorded: its events (the in-person contacts for `contact`, the opening for `arrived`). A
 * timeline event's time can be corrected (`event` is its id); the arrival and the contacts are set before the tap.
 */
function timesOf(assessment, type) {
  if (!assessment) return [];
  if (type === 'arrived') return [{ at: assessment.openedAt }];
  if (type === 'contact')
    return assessment.contacts.filter((c) => c.mode === 'in-person' && c.byRole === 'amhp').map((c) => ({ at: c.at }));
  // The decision's time is the outcome's (decidedAt): it is not corrected here.
  return assessment.timeline.filter((e) => e.type === type).map((e) => ({ at: e.at, event: type === 'decision' ? undefined : e.id }));
}

/** A time typed into the field but not readable as one (hours without minutes: the field's value is then empty). */
const halfTyped = () => {
  const field = document.getElementById('event-time');
  return Boolean(field && field.validity && field.validity.badInput);
};

const TIME_ERROR = 'Enter a time like 02:30, or choose Use now';
const SKIPPED_ERROR = 'The clocks went forward at 01:00: 01:00–01:59 did not happen tonight. Enter a time like 02:30, or choose Use now';

/**
 * The time the next tap records: now (the service's clock), or the time the AMHP set for something that happened
 * earlier (today's, or last night's if today's is still to come). On the autumn night a time in the hour the clocks
 * repeat can be either: she chooses (the nearest, not in the future, first). Reset to now after each recording.
 */
function WhenControl({ when, setWhen, choices, chosen, setChosen, error }) {
  const now = serverNow();
  const useNow = () => {
    // A half-typed time is not the field's value: clear what the field shows too.
    const field = document.getElementById('event-time');
    if (field) field.value = '';
    setWhen('');
  };
  return html`
    <div class="app-when">
      <p class="nhsuk-body app-when__now" id="when-summary">
        ${
          when
            ? html`Your next tap records <strong>${chosen === null ? when : localClock(instant(chosen))}</strong>.`
            : html`Each tap records the time now (${localClock(new Date(now).toISOString())}).`
        }
      </p>
      <details class="nhsuk-details app-when__details" open=${Boolean(when) || Boolean(error)}>
        <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">It happened earlier: change the time</span></summary>
        <div class="nhsuk-details__text">
          <div class=${`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
            <label class="nhsuk-label" for="event-time">Time it happened (UK time, 24-hour)</label>
            <div class="nhsuk-hint" id="event-time-hint">For the next thing you record. Leave empty for now.</div>
            ${error && html`<span class="nhsuk-error-message" id="event-time-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${error}</span>`}
            <div class="app-when__row">
              <input
                class=${`nhsuk-input nhsuk-input--width-5${error ? ' nhsuk-input--error' : ''}`}
                id="event-time"
                name="event-time"
                type="time"
                value=${when}
                aria-describedby=${`event-time-hint${error ? ' event-time-error' : ''}`}
                onInput=${(e) => setWhen(e.currentTarget.value)}
              />
              ${
                (when || error) &&
                html`<button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${useNow}>
                  Use now
                </button>`
              }
            </div>
          </div>
          ${
            choices.length > 1 &&
            html`<fieldset class="nhsuk-fieldset app-when__which" aria-describedby="event-which-hint">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Which ${when}? The clocks went back at 02:00</legend>
              <div class="nhsuk-hint" id="event-which-hint">${when} happened twice tonight: first in BST, then again in GMT.</div>
              <div class="nhsuk-radios nhsuk-radios--small">
                ${choices.map(
                  (ms, i) => html`<div class="nhsuk-radios__item" key=${ms}>
                    <input
                      class="nhsuk-radios__input"
                      id=${`event-which-${i}`}
                      name="event-which"
                      type="radio"
                      value=${String(ms)}
                      checked=${ms === chosen}
                      onChange=${() => setChosen(ms)}
                    />
                    <label class="nhsuk-label nhsuk-radios__label" for=${`event-which-${i}`}>
                      ${localClock(instant(ms))} (${ms < choices.reduce((a, b) => Math.max(a, b)) ? 'the first' : 'the second, after the clocks went back'})
                    </label>
                  </div>`,
                )}
              </div>
            </fieldset>`
          }
        </div>
      </details>
    </div>
  `;
}

/**
 * The arrival, one-tap events and the in-person contact. `onRecorded(view, text)` gets the assessment as it now is;
 * `onNotYours(label)` is called when the service refuses a step because the job is no longer hers.
 */
export function Recorder({ referral, assessment, onRecorded, onNotYours, notice }) {
  const [when, setWhenValue] = useState('');
  const [picked, setPicked] = useState(null); // on the autumn night, which of a repeated time she chose
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const [timeError, setTimeError] = useState(null);
  const [editing, setEditing] = useState(null); // { event, type, value, error }
  const closed = assessment && assessment.status === 'closed';
  // A second tap before the button re-renders disabled records nothing.
  const sending = useRef(false);
  // Steps saved on this phone and not sent yet (no signal): each shows as waiting, and is not queued again unasked.
  const { pending } = useOutbox();
  const tagOf = (type) => `step:${referral.id}:${type}`;
  const waitingFor = (type) => pending.filter((i) => i.tag === tagOf(type));
  // Her arrival saved on the phone opens the assessment her next steps belong to: they wait for it in the outbox.
  const queuedArrival = !assessment ? waitingFor('arrived')[0] : undefined;
  const base = assessment ? `/assessments/${assessment.id}` : queuedArrival ? after(queuedArrival.key, '') : null;

  const setWhen = (value) => {
    setWhenValue(value);
    setPicked(null);
    setTimeError(null);
  };
  // What the time set can mean now: on the autumn night, two; her choice, else the nearest not in the future.
  const reading = londonTimesOfDay(when, serverNow());
  const chosen = reading.choices.includes(picked) ? picked : reading.choices.length ? reading.choices[0] : null;

  /**
   * The instant to record, or null (with the reason shown) when the time set is not usable: a time typed in part or
   * not a time is an error, never "now" (what she meant is not known).
   */
  function at() {
    if (halfTyped()) {
      setTimeError(TIME_ERROR);
      return null;
    }
    if (!when) return serverNow();
    const { choices, skipped } = londonTimesOfDay(when, serverNow());
    if (!choices.length) {
      setTimeError(skipped ? SKIPPED_ERROR : TIME_ERROR);
      return null;
    }
    return choices.includes(picked) ? picked : choices[0];
  }

  async function tap(type, label) {
    if (sending.current) return;
    const t = at();
    if (t === null) return;
    const queued = waitingFor(type);
    if (
      queued.length &&
      !confirm(
        `${label} is already saved on this phone, waiting to send (${localClock(queued[queued.length - 1].created)}). Record it a second time?`,
      )
    )
      return;
    sending.current = true;
    setBusy(type);
    setError(null);
    setTimeError(null);
    const options = { label, tag: tagOf(type) };
    try {
      let view;
      if (type === 'arrived') view = await recordOrKeep('/assessments', { referralId: referral.id, openedAt: instant(t) }, options);
      else if (type === 'contact')
        view = await recordOrKeep(`${base}/contacts`, { at: instant(t), mode: 'in-person', byRole: 'amhp' }, options);
      else view = await recordOrKeep(`${base}/events`, { type, at: instant(t) }, options);
      setWhen('');
      // No signal: kept on this phone, sent in order when the signal is back (the header counts what waits).
      onRecorded(view, view ? `${label}: recorded at ${localTime(instant(t))}.` : keptText(`${label} at ${localTime(instant(t))}`));
      // The focus stays on the step; a step done once (the arrival) cannot be tapped again: the focus goes to what
      // was recorded instead of falling to the page.
      setTimeout(() => {
        const button = document.getElementById(`step-${type}`);
        if (!button || button.disabled) focusOn('record-notice');
      }, 0);
    } catch (err) {
      // The service finds no relationship to the person: the job is no longer hers (reallocated, or ended).
      if (err && err.code === 'no-relationship' && onNotYours) return onNotYours(label);
      setError(`${label} was not recorded. ${errorText(err)}`);
    } finally {
      sending.current = false;
      setBusy(null);
    }
  }

  /** Moves a recorded event to the time it really happened (nothing else about it is typed again). */
  async function correct(e, label) {
    e.preventDefault();
    if (sending.current) return;
    const ms = fromLondonInput(editing.value);
    if (ms === null) return setEditing({ ...editing, error: 'Enter the date and time it happened' });
    sending.current = true;
    setBusy('correct');
    try {
      const view = await recordOrKeep(
        `/assessments/${assessment.id}/events/${editing.event}`,
        { at: instant(ms) },
        // If-Match names the version she read: a correction someone else made meanwhile to this step is not overwritten
        // (412, both times shown); another step or form recorded meanwhile does not stop hers (judged on this event).
        {
          method: 'PATCH',
          ...basedOnPart(`/assessments/${assessment.id}`, assessment, 'timeline', editing.event, ['at']),
          label: `${label}: the time corrected to ${localTime(instant(ms))}`,
        },
      );
      const type = editing.type;
      setEditing(null);
      onRecorded(
        view,
        view
          ? `${label}: time corrected to ${localTime(instant(ms))}.`
          : keptText(`${label}, the time corrected to ${localTime(instant(ms))}`),
      );
      setTimeout(() => focusOn(`step-${type}`), 0);
    } catch (err) {
      setEditing({ ...editing, error: `The time was not corrected. ${errorText(err)}` });
    } finally {
      sending.current = false;
      setBusy(null);
    }
  }

  function correction(label) {
    const error = editing.error;
    return html`<form class="app-correct" novalidate onSubmit=${(e) => correct(e, label)}>
      <div class=${`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <label class="nhsuk-label" for="correct-time">When it happened (UK time)</label>
        ${error && html`<span class="nhsuk-error-message" id="correct-time-error" role="alert"><span class="nhsuk-u-visually-hidden">Error:</span> ${error}</span>`}
        <input
          class=${`nhsuk-input${error ? ' nhsuk-input--error' : ''}`}
          id="correct-time"
          name="correct-time"
          type="datetime-local"
          value=${editing.value}
          aria-describedby=${error ? 'correct-time-error' : undefined}
          onInput=${(ev) => setEditing({ ...editing, value: ev.currentTarget.value })}
        />
      </div>
      <div class="app-actions">
        <button type="submit" class="nhsuk-button" disabled=${Boolean(busy)}>Save the time</button>
        <button type="button" class="nhsuk-button nhsuk-button--secondary" onClick=${() => setEditing(null)}>Cancel</button>
      </div>
    </form>`;
  }

  /** One step's button and when it was recorded (a plain function, so a re-render keeps the focus on it). */
  function stepButton(type, label, said = label) {
    const times = timesOf(assessment, type);
    const queued = waitingFor(type);
    const done = times.length > 0;
    const isEditing = editing && editing.type === type;
    // Arrival once (also when it waits to be sent); the decision until the outcome is recorded (which records it).
    const decided = type === 'decision' && assessment && assessment.status !== 'open';
    const disabled = closed || decided || (type === 'arrived' ? done || Boolean(queuedArrival) : !base);
    // While a step sends, the buttons say so but stay focusable (a disabled button drops the keyboard's and the screen
    // reader's place to the page); a tap meanwhile records nothing (tap() holds one at a time).
    const waiting = !disabled && Boolean(busy);
    const described = [done && `step-${type}-times`, queued.length && `step-${type}-waiting`].filter(Boolean).join(' ') || undefined;
    return html`
      <li key=${type} class=${`app-step${done ? ' app-step--done' : ''}${queued.length ? ' app-step--waiting' : ''}${isEditing ? ' app-step--editing' : ''}`}>
        <button
          type="button"
          class=${`nhsuk-button app-step__button${done || queued.length ? ' nhsuk-button--secondary' : ''}`}
          id=${`step-${type}`}
          data-step=${type}
          disabled=${disabled}
          aria-disabled=${waiting ? 'true' : undefined}
          aria-describedby=${described}
          onClick=${() => tap(type, said)}
        >
          ${label}
        </button>
        ${
          done &&
          html`<p class="nhsuk-body-s app-step__times" id=${`step-${type}-times`}>
            <span class="app-step__tick" aria-hidden="true">✓</span> Recorded ${times.map((x) => localClock(x.at)).join(', ')}
          </p>`
        }
        ${
          queued.length > 0 &&
          html`<p class="nhsuk-body-s app-step__waiting" id=${`step-${type}-waiting`}>
            Waiting to send (${queued.map((i) => localClock(i.created)).join(', ')})
          </p>`
        }
        ${
          done &&
          !closed &&
          times.some((x) => x.event) &&
          !isEditing &&
          html`<ul class="nhsuk-list app-step__fixes">
            ${times
              .filter((x) => x.event)
              .map(
                (x) => html`<li key=${x.event}>
                  <button
                    type="button"
                    class="app-link-button"
                    data-correct=${x.event}
                    disabled=${Boolean(busy)}
                    onClick=${() => setEditing({ event: x.event, type, value: londonInputValue(Date.parse(x.at)), error: null })}
                  >
                    Correct ${localClock(x.at)}<span class="nhsuk-u-visually-hidden"> for ${label}</span>
                  </button>
                </li>`,
              )}
          </ul>`
        }
        ${isEditing && correction(said)}
      </li>
    `;
  }

  return html`
    <section aria-labelledby="record-heading" id="record" tabindex="-1" class="app-section">
      <h2 class="nhsuk-heading-m" id="record-heading">Record what happens</h2>
      <div role="status" class="app-status">
        ${notice && html`<div class="nhsuk-inset-text app-notice" id="record-notice" tabindex="-1"><p>${notice}</p></div>`}
      </div>
      ${error && html`<p class="nhsuk-body app-alert" role="alert">${error}</p>`}
      ${closed && html`<p class="nhsuk-body">This assessment is closed: nothing more can be recorded on it.</p>`}
      <${WhenControl}
        when=${when}
        setWhen=${setWhen}
        choices=${reading.choices}
        chosen=${chosen}
        setChosen=${setPicked}
        error=${timeError}
      />
      <ul class="nhsuk-list app-steps">
        ${stepButton('arrived', assessment ? 'Arrived' : 'Arrived: start the assessment', 'Arrived')}
      </ul>
      ${!assessment && !queuedArrival && html`<p class="nhsuk-body-s app-muted">The rest can be recorded once you have arrived.</p>`}
      ${
        queuedArrival &&
        html`<p class="nhsuk-body-s app-muted">
          Your arrival is saved on this phone. What you record now is sent after it, in order, when there is a signal; the
          forms (interview, recommendations, outcome) open once it has been sent.
        </p>`
      }
      ${STEPS.map(
        (g) => html`
          <h3 class="nhsuk-heading-s app-steps__heading" key=${g.heading}>${g.heading}</h3>
          <ul class="nhsuk-list app-steps">
            ${g.items.map((i) => stepButton(i.type, i.label))}
          </ul>
        `,
      )}
    </section>
  `;
}
