// Form pieces for the referral, allocation, decision and swap screens: NHS.UK form fields (text, text area, select,
// radios, checkboxes, a local date and time with a "now" button), the service's problem+json errors put against the
// fields they name, and time fields read as instants (London wall-clock times, app/js/time.js).
import { html } from '../ui.js';
import { serverNow } from '../session.js';
import { fromLondonInput, instant, londonInputValue } from '../time.js';

/** The text of the errors for one field (joined), or undefined. */
export function errorFor(errors, id) {
  const texts = errors.filter((e) => e.field === id).map((e) => e.text);
  return texts.length ? texts.join(' ') : undefined;
}

/**
 * The errors of a failed request, each against a field of the form: `errors[]` of a 400 by their field path (through
 * `fieldOf` to the form's field id, and `wordsFor` for plain words), a problem's own `field`, or else the whole problem
 * against `fallback`. No signal: against `fallback` too.
 */
export function problemErrors(err, { fallback, fieldOf = (f) => f, wordsFor = () => undefined, known = () => true }) {
  if (err instanceof TypeError) return [{ field: fallback, text: 'The service cannot be reached. Check your signal and try again.' }];
  const out = [];
  for (const e of err.errors || []) {
    const field = fieldOf(e.field);
    const id = field && known(field) ? field : fallback;
    out.push({ field: id, text: wordsFor(e.field) || (e.messages || [e.message]).filter(Boolean).join('; ') });
  }
  if (!out.length) out.push({ field: (err.field && known(fieldOf(err.field)) && fieldOf(err.field)) || fallback, text: err.message });
  return out;
}

function group(error, children, extra = '') {
  return html`<div class=${`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}${extra}`}>${children}</div>`;
}

function errorMessage(id, error) {
  return (
    error && html`<span class="nhsuk-error-message" id=${`${id}-error`}><span class="nhsuk-u-visually-hidden">Error:</span> ${error}</span>`
  );
}

const describedBy = (id, hint, error) => [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

/**
 * A text input. Read from the form when submitted (`value` is the first value), or controlled when `onValue` is given
 * (the screen keeps the value and is told of each change).
 */
export function Input({ id, label, hint, error, type = 'text', value, autocomplete, inputmode, width, onInput, onValue }) {
  return group(
    error,
    html`
      <label class="nhsuk-label" for=${id}>${label}</label>
      ${hint && html`<div class="nhsuk-hint" id=${`${id}-hint`}>${hint}</div>`} ${errorMessage(id, error)}
      <input
        class=${`nhsuk-input${width ? ` nhsuk-input--width-${width}` : ''}${error ? ' nhsuk-input--error' : ''}`}
        id=${id}
        name=${id}
        type=${type}
        value=${onValue ? value : undefined}
        defaultValue=${onValue ? undefined : value}
        autocomplete=${autocomplete || 'off'}
        inputmode=${inputmode}
        aria-describedby=${describedBy(id, hint, error)}
        onInput=${onValue ? (e) => onValue(e.currentTarget.value) : onInput}
      />
    `,
  );
}

/** A text area, read from the form or controlled (`onValue`) like `Input`. */
export function TextArea({ id, label, hint, error, value, rows = 4, onValue }) {
  return group(
    error,
    html`
      <label class="nhsuk-label" for=${id}>${label}</label>
      ${hint && html`<div class="nhsuk-hint" id=${`${id}-hint`}>${hint}</div>`} ${errorMessage(id, error)}
      <textarea
        class=${`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
        id=${id}
        name=${id}
        rows=${rows}
        value=${onValue ? value : undefined}
        defaultValue=${onValue ? undefined : value}
        aria-describedby=${describedBy(id, hint, error)}
        onInput=${onValue && ((e) => onValue(e.currentTarget.value))}
      ></textarea>
    `,
  );
}

export function Select({ id, label, hint, error, options, value, onChange }) {
  return group(
    error,
    html`
      <label class="nhsuk-label" for=${id}>${label}</label>
      ${hint && html`<div class="nhsuk-hint" id=${`${id}-hint`}>${hint}</div>`} ${errorMessage(id, error)}
      <select
        class=${`nhsuk-select app-select${error ? ' nhsuk-select--error' : ''}`}
        id=${id}
        name=${id}
        value=${onChange ? value : undefined}
        onChange=${onChange}
        aria-describedby=${describedBy(id, hint, error)}
      >
        ${options.map(
          (o) => html`<option key=${o.value} value=${o.value} selected=${onChange ? undefined : o.value === value}>${o.label}</option>`,
        )}
      </select>
    `,
  );
}

/**
 * Radios in a fieldset; the first input carries the field's id (the error summary links to it), the others
 * `<id>-<value>`. Controlled when `onChange` is given (the form shows fields that depend on the answer), otherwise
 * `value` is the first default.
 */
export function Radios({ id, legend, hint, error, options, value, onChange, inline, small }) {
  return group(
    error,
    html`
      <fieldset class="nhsuk-fieldset" aria-describedby=${describedBy(id, hint, error)}>
        <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
        ${hint && html`<div class="nhsuk-hint" id=${`${id}-hint`}>${hint}</div>`} ${errorMessage(id, error)}
        <div class=${`nhsuk-radios${inline ? ' nhsuk-radios--inline' : ''}${small ? ' nhsuk-radios--small' : ''}`}>
          ${options.map(
            (o, i) => html`
              <div class="nhsuk-radios__item" key=${o.value}>
                <input
                  class="nhsuk-radios__input"
                  id=${i === 0 ? id : `${id}-${o.value}`}
                  name=${id}
                  type="radio"
                  value=${o.value}
                  checked=${onChange ? value === o.value : undefined}
                  defaultChecked=${onChange ? undefined : value === o.value}
                  onChange=${onChange && (() => onChange(o.value))}
                  aria-describedby=${o.hint ? `${id}-${o.value}-hint` : undefined}
                />
                <label class="nhsuk-label nhsuk-radios__label" for=${i === 0 ? id : `${id}-${o.value}`}>${o.label}</label>
                ${o.hint && html`<div class="nhsuk-hint nhsuk-radios__hint" id=${`${id}-${o.value}-hint`}>${o.hint}</div>`}
              </div>
            `,
          )}
        </div>
      </fieldset>
    `,
  );
}

/** Checkboxes in a fieldset, all named `id`; read them with `checkedValues(form, id)`. */
export function Checkboxes({ id, legend, hint, error, options, values = [] }) {
  return group(
    error,
    html`
      <fieldset class="nhsuk-fieldset" aria-describedby=${describedBy(id, hint, error)}>
        <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
        ${hint && html`<div class="nhsuk-hint" id=${`${id}-hint`}>${hint}</div>`} ${errorMessage(id, error)}
        <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
          ${options.map(
            (o, i) => html`
              <div class="nhsuk-checkboxes__item" key=${o.value}>
                <input
                  class="nhsuk-checkboxes__input"
                  id=${i === 0 ? id : `${id}-${i}`}
                  name=${id}
                  type="checkbox"
                  value=${o.value}
                  defaultChecked=${values.includes(o.value)}
                />
                <label class="nhsuk-label nhsuk-checkboxes__label" for=${i === 0 ? id : `${id}-${i}`}>${o.label}</label>
              </div>
            `,
          )}
        </div>
      </fieldset>
    `,
  );
}

/** A date and time in UK time, with a button that fills in the time now (no typing for "it happened just now"). */
export function DateTime({ id, label, hint, error, value }) {
  function now(event) {
    const input = document.getElementById(id);
    input.value = londonInputValue(serverNow());
    input.focus();
    event.preventDefault();
  }
  const fullHint = `${hint ? `${hint} ` : ''}UK time.`;
  return group(
    error,
    html`
      <label class="nhsuk-label" for=${id}>${label}</label>
      <div class="nhsuk-hint" id=${`${id}-hint`}>${fullHint}</div>
      ${errorMessage(id, error)}
      <div class="app-datetime">
        <input
          class=${`nhsuk-input app-datetime__input${error ? ' nhsuk-input--error' : ''}`}
          id=${id}
          name=${id}
          type="datetime-local"
          defaultValue=${value}
          aria-describedby=${describedBy(id, true, error)}
        />
        <button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${now}>
          Now<span class="nhsuk-u-visually-hidden">: ${label}</span>
        </button>
      </div>
    `,
  );
}

/** The values of the checked checkboxes named `name`. */
export function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

/** The trimmed value of a named field, or undefined when empty. */
export function valueOf(form, name) {
  const el = form.elements.namedItem(name);
  if (!el) return undefined;
  const v = typeof el.value === 'string' ? el.value.trim() : '';
  return v === '' ? undefined : v;
}

/** The checked radio's value. */
export function radioValue(form, name) {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : undefined;
}

/** A time field read as an instant: undefined when empty; an error pushed (and undefined) for a time that did not exist. */
export function instantOf(form, name, errors) {
  const raw = valueOf(form, name);
  if (raw === undefined) return undefined;
  const ms = fromLondonInput(raw);
  if (ms === null) {
    errors.push({ field: name, text: 'That time did not happen in the UK (the clocks went forward): check the time.' });
    return undefined;
  }
  return instant(ms);
}

/** "£1,234.56" for pence. */
export function pounds(pence) {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(pence / 100);
}

/** Pounds typed ("1,250" or "1250.50") → pence; '' → undefined; anything else → NaN. */
export function penceOf(text) {
  if (text === undefined || text === '') return undefined;
  const clean = String(text).replace(/[£,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return NaN;
  return Math.round(Number(clean) * 100);
}
