// CTO extension statements (CTO-04, s.20A(4), (8)): the responsible clinician's requests for an AMHP's statement on
// extending a community treatment order that a manager allocated to her, still open, the soonest due first
// (#/cto-extensions); and one request (#/cto-extensions/:id) with the form to make the statement in writing (form
// CTO7): whether she agrees, her reasons, and when she signed it, as the service takes them. A request whose day of
// expiry has ended without the statement has lapsed: it says so, and offers no form.
import { html, ErrorSummary, unreachable, useServerNow, useTitle } from '../ui.js';
import { useEffect, useRef, useState } from '../deps.js';
import { api } from '../session.js';
import { basedOn, keptText, newKey, onReplayed, recordOrKeep, refused } from '../outbox.js';
import { useKeptNotice } from '../offline.js';
import { CTO_STATEMENT_DECISIONS } from '../law.js';
import { href } from '../router.js';
import { OPEN_CTO_REQUESTS } from './now.js';
import { countdown, localDay, localTime } from '../time.js';
import { DateTime, Radios, TextArea, errorFor, instantOf, problemErrors, radioValue, valueOf } from './form-kit.js';

const STATUS = {
  received: 'Not allocated yet',
  allocated: 'Waiting for the statement',
  agreed: 'Statement made: agreed',
  'not-agreed': 'Statement made: not agreed',
  withdrawn: 'Withdrawn',
};
const statusWords = (s) => STATUS[s] || s;

/** "Sam Okafor", or the words for a person the phone could not read. */
const nameOf = (person) => (person ? `${person.givenName} ${person.familyName}` : 'The patient');

/** The patients of the requests, each read once (an audited read of the person's record): personId → person. */
async function peopleOf(requests) {
  const ids = [...new Set(requests.map((c) => c.personId))];
  const read = await Promise.all(ids.map((id) => api(`/people/${encodeURIComponent(id)}`).catch(() => null)));
  return Object.fromEntries(ids.map((id, i) => [id, read[i]]));
}

function Due({ c, now }) {
  if (c.lapsed)
    return html`<p class="nhsuk-body-s app-alert">Lapsed: the CTO ended at the end of ${localDay(c.ctoExpiresOn)} without the statement.</p>`;
  const left = countdown(c.statementDueBy, now);
  return html`<p class=${`nhsuk-body-s app-clock--${left.state}`}>
    <strong>Statement due by the end of ${localDay(c.ctoExpiresOn)}</strong> <span class="app-muted">(${left.text})</span>
  </p>`;
}

function RequestCard({ c, person, now }) {
  return html`<li class="nhsuk-card app-card" data-cto=${c.id}>
    <div class="nhsuk-card__content">
      <h2 class="nhsuk-card__heading nhsuk-heading-s">
        <a class="nhsuk-card__link" href=${href(`/cto-extensions/${c.id}`)}>${nameOf(person)}</a>
      </h2>
      <p class="nhsuk-body-s app-muted">The CTO's current period ends ${localDay(c.ctoExpiresOn)} · ${c.responsibleClinician}</p>
      <${Due} c=${c} now=${now} />
    </div>
  </li>`;
}

export function CtoStatementsScreen() {
  const [items, setItems] = useState(null);
  const [people, setPeople] = useState({});
  const [error, setError] = useState(null);
  const now = useServerNow();
  useTitle('CTO extension statements – AMHP duty');

  async function load() {
    try {
      const page = await api(OPEN_CTO_REQUESTS);
      const open = page.items.filter((c) => c.status === 'allocated');
      open.sort((a, b) => Date.parse(a.statementDueBy) - Date.parse(b.statementDueBy));
      setPeople(await peopleOf(open));
      setItems(open);
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }
  useEffect(() => {
    void load();
    return onReplayed(() => void load());
  }, []);

  return html`<main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
    <h1 class="nhsuk-heading-l">CTO extension statements</h1>
    ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
    <p class="nhsuk-body">
      The responsible clinician's requests allocated to you for your statement on extending a community treatment order
      (section 20A), the soonest due first.
    </p>
    ${
      items === null
        ? !error && html`<p class="nhsuk-body">Loading…</p>`
        : items.length
          ? html`<ul class="nhsuk-list app-cards">
              ${items.map((c) => html`<${RequestCard} key=${c.id} c=${c} person=${people[c.personId]} now=${now} />`)}
            </ul>`
          : html`<p class="nhsuk-body">No request for a statement is waiting for you.</p>`
    }
  </main>`;
}

const NO_LONGER_YOURS =
  'This request is no longer allocated to you (a manager allocated it to another AMHP), so your statement was not made.';

/**
 * A request she can no longer read (403 no-relationship): withdrawn, or allocated to another AMHP, before she made her
 * statement, her access to the patient through it ended with it. Her notifications say which.
 */
const NOT_YOURS_NOW =
  "You can no longer see this request or the patient's record: it was withdrawn, or allocated to another AMHP, before you made your statement. Your notifications say which.";

/** Plain words for what the service refuses, by the field it names. */
const WORDS = {
  decision: 'Choose whether you agree.',
  reasons: 'Give your reasons (at least 20 characters).',
};

/**
 * The statement (s.20A(8)), made through the outbox on the version read: sent now, or kept on the phone and sent when
 * the signal is back. A refusal comes back against its field; the request taken from her or its statement made
 * meanwhile (409), or what she states on changed meanwhile (412), against the form.
 */
function StatementForm({ c, onRecorded }) {
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled sends nothing
  const key = useRef(newKey()); // one statement, however many times it is sent
  const formRef = useRef(null);
  useKeptNotice(notice, setNotice);
  const err = (id) => errorFor(errors, id);

  async function submit(event) {
    event.preventDefault();
    const form = formRef.current;
    const local = [];
    const decision = radioValue(form, 'decision');
    if (!decision) local.push({ field: 'decision', text: WORDS.decision });
    const signedAt = instantOf(form, 'signedAt', local);
    if (local.length) return setErrors(local);
    const body = JSON.parse(JSON.stringify({ decision, reasons: valueOf(form, 'reasons') ?? '', signedAt }));
    if (held.current) return;
    held.current = true;
    setBusy(true);
    try {
      const view = await recordOrKeep(`/cto-extensions/${c.id}/statement`, body, {
        key: key.current,
        label: 'Your statement on extending the CTO',
        // On the version read: a change meanwhile to what she states on (the request's status, to whom it is
        // allocated, a statement made) is refused; any other (allocated to her again) does not stop hers.
        ...basedOn(`/cto-extensions/${c.id}`, c, ['status', 'allocatedUserId', 'statement']),
      });
      setErrors([]);
      if (view) onRecorded(view);
      else setNotice(keptText('Your statement'));
    } catch (e) {
      if (refused(e)) key.current = newKey(); // a corrected statement is a new request; one on its way keeps its key
      // Allocated to another AMHP meanwhile, her relationship to the patient ended with it (403 no-relationship).
      if (e.code === 'no-relationship') setErrors([{ field: 'decision', text: NO_LONGER_YOURS }]);
      else
        setErrors(
          problemErrors(e, {
            fallback: 'decision',
            wordsFor: (f) =>
              f === 'signedAt' && e.code === 'signed-before-received'
                ? `You cannot have signed it before the hub received the request (${localTime(c.receivedAt)}).`
                : WORDS[f],
          }),
        );
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  if (notice)
    return html`<div class="nhsuk-warning-callout" role="status" id="statement-notice">
      <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Your statement</span></h2>
      <p class="nhsuk-body">${notice}</p>
    </div>`;
  return html`<section aria-labelledby="statement-heading">
    <h2 class="nhsuk-heading-m" id="statement-heading">Your statement</h2>
    <${ErrorSummary} errors=${errors} id="statement-errors" level=${3} />
    <form ref=${formRef} novalidate onSubmit=${submit}>
      <${Radios} id="decision" legend="Do you agree to the CTO being extended?" options=${CTO_STATEMENT_DECISIONS} error=${err('decision')} />
      <${TextArea} id="reasons" label="Your reasons" hint="At least 20 characters." rows=${5} error=${err('reasons')} />
      <${DateTime}
        id="signedAt"
        label="When did you sign it? (optional)"
        hint=${`Leave it empty for now. By the end of ${localDay(c.ctoExpiresOn)}.`}
        error=${err('signedAt')}
      />
      <button class="nhsuk-button" type="submit" disabled=${busy}>Make the statement</button>
    </form>
  </section>`;
}

/** What the form cannot act on, said in its place: the statement made, the request lapsed, or another status. */
function NoForm({ c, me }) {
  if (c.statement)
    return html`<div class="nhsuk-inset-text" role="status" id="statement-made">
      <p>
        Statement made ${localTime(c.statement.signedAt)}: ${c.statement.decision === 'agree' ? 'agreed' : 'not agreed'}.
        ${c.extended && c.extendedPeriod ? ` The CTO may be extended to the end of ${localDay(c.extendedPeriod.lastDay)}.` : ''}
        ${c.extended === false ? ' The CTO cannot be extended on this examination.' : ''}
      </p>
      <p>${c.statement.reasons}</p>
    </div>`;
  if (c.lapsed)
    return html`<div class="nhsuk-warning-callout" id="statement-lapsed">
      <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Lapsed</span></h2>
      <p class="nhsuk-body">
        The CTO expired at the end of ${localDay(c.ctoExpiresOn)} without a statement: it was not extended and has ended. No
        statement can be made on this request now.
      </p>
    </div>`;
  if (c.status === 'allocated' && c.allocatedUserId !== me.id)
    return html`<p class="nhsuk-body" id="statement-not-yours">This request is allocated to another AMHP: only they can make the statement.</p>`;
  return html`<p class="nhsuk-body" id="statement-not-open">
    This request is ${statusWords(c.status).toLowerCase()}: no statement can be made on it.
  </p>`;
}

export function CtoStatementScreen({ me, params }) {
  const [c, setC] = useState(null);
  const [person, setPerson] = useState(undefined);
  const [error, setError] = useState(null);
  const [recorded, setRecorded] = useState(false);
  const personRead = useRef(false);
  const now = useServerNow();
  useTitle(`${person ? `${nameOf(person)}: CTO extension` : 'CTO extension'} – AMHP duty`);

  async function load() {
    try {
      const one = await api(`/cto-extensions/${encodeURIComponent(params.id)}`);
      // The patient read once for the screen (each read of the person's record is audited).
      if (!personRead.current) {
        personRead.current = true;
        setPerson((await peopleOf([one]))[one.personId]);
      }
      setC(one);
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.code === 'no-relationship' ? NOT_YOURS_NOW : err.message);
    }
  }
  useEffect(() => {
    void load();
    return onReplayed(() => void load());
  }, []);

  const open = c && c.status === 'allocated' && c.allocatedUserId === me.id && !c.lapsed && !c.statement;
  return html`<main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
    <h1 class="nhsuk-heading-l">${c ? nameOf(person) : 'CTO extension'}</h1>
    ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
    ${c === null && !error && html`<p class="nhsuk-body">Loading…</p>`}
    ${
      c &&
      html`
        <p class="nhsuk-body">A request for your statement on extending their community treatment order (section 20A(8)).</p>
        ${!c.statement && html`<${Due} c=${c} now=${now} />`}
        <dl class="nhsuk-summary-list">
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">Status</dt>
            <dd class="nhsuk-summary-list__value" data-status=${c.status}>${c.lapsed ? 'Lapsed' : statusWords(c.status)}</dd>
          </div>
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">Last day of the CTO's current period</dt>
            <dd class="nhsuk-summary-list__value">${localDay(c.ctoExpiresOn)}</dd>
          </div>
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">Responsible clinician</dt>
            <dd class="nhsuk-summary-list__value">${c.responsibleClinician}</dd>
          </div>
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">Examined the patient</dt>
            <dd class="nhsuk-summary-list__value">${localDay(c.rcExaminedOn)}</dd>
          </div>
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">CTO made</dt>
            <dd class="nhsuk-summary-list__value">${localDay(c.ctoMadeOn)}</dd>
          </div>
        </dl>
        ${recorded && html`<div class="nhsuk-inset-text" role="status" id="statement-recorded"><p>Your statement: recorded.</p></div>`}
        ${
          open
            ? html`<${StatementForm}
                c=${c}
                onRecorded=${(view) => {
                  setC(view);
                  setRecorded(true);
                }}
              />`
            : html`<${NoForm} c=${c} me=${me} />`
        }
      `
    }
    <p class="nhsuk-body"><a class="app-back" href=${href('/cto-extensions')}>All my CTO statements</a></p>
  </main>`;
}
