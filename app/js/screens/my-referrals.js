// A referrer's referrals: each one's progress and its statutory clocks counting down, newest first; and one referral
// (#/referrals/:id): a referrer sees its status and clocks only; hub staff see the person, the findings at intake, and
// (managers) a way to allocate it.
import { html, word, legal, unreachable, useServerNow, Clock, ErrorSummary, useTitle } from '../ui.js';
import { useLive } from '../use-live.js';
import { useEffect, useRef, useState } from '../deps.js';
import { api, learnServerTime } from '../session.js';
import { keptText, newKey, onReplayed, recordOrKeep, refused } from '../outbox.js';
import { useKeptNotice } from '../offline.js';
import { href } from '../router.js';
import { localClock } from '../time.js';
import { takeJustSent } from './referral-new.js';
import {
  ATTENDANCE_WORDS,
  AttendanceFields,
  ConsultationFields,
  attendanceOf,
  consultationOf,
  consultationWords,
} from './police-record-fields.js';
import { POLICE_RECORD_FIELD } from '../law.js';
import { TextArea, errorFor, instantOf, problemErrors, valueOf } from './form-kit.js';
import { referralsConcerns } from '../live.js';

const STEPS = {
  received: 'Received by the AMHP hub',
  offered: 'Offered to the AMHPs on duty',
  allocated: 'An AMHP has taken it',
  'assessment-started': 'The assessment has started',
  'outcome-recorded': 'The outcome is recorded',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
  'not-accepted': 'Not accepted for assessment',
  transferred: 'Transferred to another hub',
};
const STATUS = {
  received: 'Received',
  screening: 'Being looked at',
  accepted: 'Accepted: finding an AMHP',
  allocated: 'An AMHP has it',
  'in-assessment': 'Being assessed',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
  'not-accepted': 'Not accepted',
  transferred: 'Transferred',
};
export const statusWords = (s) => STATUS[s] || word(s);

/** The service's time, learnt from a running clock's deadline and what it said was left. */
export function learnFromClocks(items) {
  const running = items.flatMap((x) => x.clocks || []).find((c) => c.state !== 'stopped' && typeof c.remainingMs === 'number');
  if (running) learnServerTime(new Date(Date.parse(running.deadline) - running.remainingMs).toISOString());
}

function Clocks({ clocks, now }) {
  const shown = [...clocks].sort(
    (a, b) => (a.state === 'stopped') - (b.state === 'stopped') || Date.parse(a.deadline) - Date.parse(b.deadline),
  );
  return shown.length
    ? html`<ul class="nhsuk-list app-clocks">
        ${shown.map((c) => html`<${Clock} key=${c.id} clock=${c} now=${now} />`)}
      </ul>`
    : html`<p class="nhsuk-body-s">No statutory clock is running.</p>`;
}

function ReferralCard({ r, now }) {
  return html`
    <li class="nhsuk-card app-card app-referral" data-referral=${r.id}>
      <div class="nhsuk-card__content">
        <h2 class="nhsuk-card__heading nhsuk-heading-s">
          <a href=${href(`/referrals/${r.id}`)}>${r.reference}</a>
        </h2>
        <p class="nhsuk-body-s app-muted">
          ${statusWords(r.status)} · ${word(r.urgency)} · sent ${localClock(r.receivedAt)}
        </p>
        <${Clocks} clocks=${r.clocks} now=${now} />
      </div>
    </li>
  `;
}

export function MyReferralsScreen() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const now = useServerNow();

  async function load() {
    try {
      const page = await api('/referrals?all=true&limit=50');
      learnFromClocks(page.items);
      const sorted = [...page.items].sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt));
      setItems(sorted);
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }
  useTitle('My referrals – AMHP duty');
  // Read again when the stream says one of her referrals moved (app/js/live.js), and on the screens' timer.
  useLive(load, (events) => referralsConcerns(events));

  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">My referrals</h1>
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      <p class="nhsuk-body"><a class="nhsuk-button app-button-link" href=${href('/referrals/new')}>Send a referral</a></p>
      ${
        items === null
          ? html`<p class="nhsuk-body">Loading…</p>`
          : items.length
            ? html`<ul class="nhsuk-list app-cards">
                ${items.map((r) => html`<${ReferralCard} key=${r.id} r=${r} now=${now} />`)}
              </ul>`
            : html`<p class="nhsuk-body">You have not sent a referral.</p>`
      }
    </main>
  `;
}

function Findings({ findings }) {
  if (!findings || !findings.length) return null;
  return html`<div class="nhsuk-warning-callout">
    <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Please note</span></h2>
    <ul class="nhsuk-list nhsuk-list--bullet">
      ${findings.map((f) => html`<li key=${f.code}>${f.message}</li>`)}
    </ul>
  </div>`;
}

/** A change made to the referral since she read it (412): her answer was not sent over it. */
const CHANGED = 'Your referral changed since you opened it, so your answer was not sent. It has been read again: send your answer again.';

/** Plain words for what the service refuses of the police's answer, by the field it names. */
const ANSWER_WORDS = {
  ...consultationWords(''),
  ...ATTENDANCE_WORDS,
  reason: 'Say where the answer comes from and why it is given now (at least 10 characters).',
};

/**
 * The police's answer about how they used the power, given after intake by the officer who sent the referral (POST
 * /referrals/{id}/police-record): the record her power keeps (law.js, from the service's list): a s.136's consultation
 * before it was used (POL-06, s.136(1C)), or who went with her when a s.135 warrant was executed (POL-02, s.135(4)).
 * On the version of the referral she read (`etag`: a change made meanwhile is 412, shown against the form). Through
 * the outbox: without a signal it is kept on the phone and sent when the signal is back. `onRecorded` reads the
 * referral again.
 */
function PoliceAnswerForm({ r, etag, onRecorded }) {
  const record = POLICE_RECORD_FIELD[r.policePower];
  const [consulted, setConsulted] = useState(null);
  const [attended, setAttended] = useState({});
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled sends nothing
  const key = useRef(newKey()); // one answer, however many times it is sent
  const formRef = useRef(null);
  useKeptNotice(notice, setNotice);
  // Sent later from the phone: the referral is read again (its version moved on).
  useEffect(() => onReplayed(onRecorded), []);
  const err = (id) => errorFor(errors, id);
  const what = `The police's answer for ${r.reference}`;

  /** The answer as the service takes it, and what the form itself finds missing. */
  function answerOf(form, local) {
    if (record === 'executionAttendance') {
      const executionAttendance = attendanceOf(form, attended, local);
      const warrantExecutedAt = r.policePower === 's135-2' ? instantOf(form, 'warrantExecutedAt', local) : undefined;
      return JSON.parse(JSON.stringify({ executionAttendance, warrantExecutedAt }));
    }
    if (!consulted) local.push({ field: 'policeConsultation.consulted', text: 'Say whether you consulted a health professional.' });
    return { policeConsultation: consultationOf(form, '', consulted, local) };
  }

  async function submit(event) {
    event.preventDefault();
    const form = formRef.current;
    const local = [];
    const answer = answerOf(form, local);
    const reason = valueOf(form, 'reason') ?? '';
    if (local.length) return setErrors(local);
    if (held.current) return;
    held.current = true;
    setBusy(true);
    setNotice(null);
    try {
      const view = await recordOrKeep(
        `/referrals/${r.id}/police-record`,
        { ...answer, reason },
        { key: key.current, label: what, ifMatch: etag || undefined },
      );
      setErrors([]);
      setConsulted(null);
      setAttended({});
      form.reset();
      key.current = newKey();
      setNotice(view ? `${what}: recorded.` : keptText(what));
      if (view) onRecorded();
    } catch (e) {
      if (refused(e)) key.current = newKey(); // a corrected answer is a new request; one still on its way keeps its key
      const known = (id) => Boolean(document.getElementById(id));
      const fallback = record === 'executionAttendance' ? 'executionAttendance.amhp' : 'policeConsultation.consulted';
      if (e.status === 412) {
        // Her view of the referral is read again, for her to send the answer on what it holds now.
        setErrors([{ field: fallback, text: CHANGED }]);
        onRecorded();
      } else setErrors(problemErrors(e, { fallback, wordsFor: (f) => ANSWER_WORDS[f], known }));
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  return html`<section aria-labelledby="police-answer-heading">
    <h2 class="nhsuk-heading-m" id="police-answer-heading">Your answer about the power</h2>
    <${ErrorSummary} errors=${errors} id="police-answer-errors" level=${3} />
    ${notice && html`<div class="nhsuk-inset-text" role="status" id="police-answer-notice"><p>${notice}</p></div>`}
    <p class="nhsuk-body">If you could not say when you sent the referral, or what you said was wrong, give the answer here.</p>
    <form ref=${formRef} novalidate onSubmit=${submit}>
      ${
        record === 'executionAttendance'
          ? html`<${AttendanceFields}
              attended=${attended}
              onAttended=${(part, v) => setAttended((a) => ({ ...a, [part]: v }))}
              err=${err}
              executedAt=${r.policePower === 's135-2'}
            />`
          : html`<${ConsultationFields} prefix="" consulted=${consulted} onConsulted=${setConsulted} err=${err} />`
      }
      <${TextArea}
        id="reason"
        label="Where does this answer come from, and why is it given now?"
        hint="For example: the officer who used the power confirmed it by phone."
        rows=${2}
        error=${err('reason')}
      />
      <button class="nhsuk-button" type="submit" disabled=${busy}>Send your answer</button>
    </form>
  </section>`;
}

export function ReferralScreen({ me, params }) {
  const [r, setR] = useState(null);
  const [etag, setEtag] = useState(null);
  const [error, setError] = useState(null);
  const [sent] = useState(() => takeJustSent(params.id));
  const now = useServerNow();
  const manager = me.roles.includes('manager');

  async function load() {
    try {
      let tag = null;
      const one = await api(`/referrals/${encodeURIComponent(params.id)}`, { onEtag: (t) => (tag = t) });
      learnFromClocks([one]);
      setR(one);
      // The version read (a referrer's view carries it in its ETag only), for the police's answer.
      setEtag(tag);
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }
  useTitle(`${r ? r.reference : 'Referral'} – AMHP duty`);
  useLive(load, (events) => referralsConcerns(events, params.id));

  const staff = r && 'person' in r;
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      ${
        sent &&
        html`<div class="nhsuk-panel app-panel" role="status">
          <h1 class="nhsuk-panel__title">Referral sent</h1>
          <div class="nhsuk-panel__body">Your reference is <strong>${sent.reference}</strong></div>
        </div>`
      }
      ${sent && html`<${Findings} findings=${sent.findings} />`}
      ${!sent && html`<h1 class="nhsuk-heading-l">${r ? r.reference : 'Referral'}</h1>`}
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      ${r === null && !error && html`<p class="nhsuk-body">Loading…</p>`}
      ${
        r &&
        html`
          ${staff && html`<p class="nhsuk-body-l">${r.person.givenName} ${r.person.familyName}</p>`}
          <dl class="nhsuk-summary-list">
            <div class="nhsuk-summary-list__row">
              <dt class="nhsuk-summary-list__key">Status</dt>
              <dd class="nhsuk-summary-list__value" data-status=${r.status}>${statusWords(r.status)}</dd>
            </div>
            <div class="nhsuk-summary-list__row">
              <dt class="nhsuk-summary-list__key">Urgency</dt>
              <dd class="nhsuk-summary-list__value">${word(r.urgency)}</dd>
            </div>
            ${
              staff &&
              html`<div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">Power</dt>
                <dd class="nhsuk-summary-list__value">${legal(r.legalContext.kind)}${r.location ? ` · ${r.location}` : ''}</dd>
              </div>`
            }
          </dl>
          <h2 class="nhsuk-heading-m">Clocks</h2>
          <${Clocks} clocks=${r.clocks} now=${now} />
          ${
            r.progress &&
            html`<h2 class="nhsuk-heading-m">Progress</h2>
              <ol class="nhsuk-list app-progress">
                ${r.progress.map(
                  (p) =>
                    html`<li key=${p.step + p.at}><strong>${STEPS[p.step] || p.step}</strong><br /><span class="app-muted">${p.atLocal}</span></li>`,
                )}
              </ol>`
          }
          ${staff && html`<${Findings} findings=${r.findings} />`}
          ${!staff && r.policePower && html`<${PoliceAnswerForm} r=${r} etag=${etag} onRecorded=${() => void load()} />`}
          ${
            staff &&
            manager &&
            (r.status === 'accepted' || r.status === 'allocated') &&
            html`<p class="nhsuk-body">
              <a class="nhsuk-button app-button-link" href=${href(`/referrals/${r.id}/allocate`)}>
                ${r.status === 'allocated' ? 'Change the AMHP' : 'Allocate to an AMHP'}
              </a>
            </p>`
          }
        `
      }
      <p class="nhsuk-body"><a class="app-back" href=${href(manager ? '/hub' : '/referrals')}>${manager ? 'Back to the hub' : 'All my referrals'}</a></p>
    </main>
  `;
}
