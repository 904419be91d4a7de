// A referrer's referrals: each one's progress and its statutory clocks counting down, newest first; and one referral
// (#/referrals/:id): a referrer sees its status and clocks only; hub staff see the person, the findings at intake, and
// (managers) a way to allocate it.
import { html, word, legal, unreachable, useServerNow, Clock, useTitle } from '../ui.js';
import { useLive } from '../use-live.js';
import { useState } from '../deps.js';
import { api, learnServerTime } from '../session.js';
import { href } from '../router.js';
import { localClock } from '../time.js';
import { takeJustSent } from './referral-new.js';
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

export function ReferralScreen({ me, params }) {
  const [r, setR] = useState(null);
  const [error, setError] = useState(null);
  const [sent] = useState(() => takeJustSent(params.id));
  const now = useServerNow();
  const manager = me.roles.includes('manager');

  async function load() {
    try {
      const one = await api(`/referrals/${encodeURIComponent(params.id)}`);
      learnFromClocks([one]);
      setR(one);
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
