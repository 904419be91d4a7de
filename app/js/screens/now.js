// Now: my offers (accept or decline), my jobs with their statutory clocks counting down on the device, and who is on
// duty now and next with a Call button each.
import { html, word, legal, telHref, unreachable, useServerNow, Clock, useTitle } from '../ui.js';
import { useLive, useRotaTimer } from '../use-live.js';
import { useEffect, useRef, useState } from '../deps.js';
import { newKey } from '../outbox.js';
import { api, isNoSignal, learnServerTime, serverNow } from '../session.js';
import { nowConcerns } from '../live.js';
import { localClock, localDay, localTime } from '../time.js';
import { href } from '../router.js';
import { AttendedJob, attendedOf, leadName } from './co-amhp.js';

/** Her open requests for a CTO extension statement (CTO-04): allocated to her, no statement made yet. */
export const OPEN_CTO_REQUESTS = '/cto-extensions?assigned=me&status=allocated&limit=50';

/**
 * How many requests for her statement on extending a CTO wait for her (and how many lapsed without it), the soonest due
 * first, with a link to them.
 */
function CtoStatements({ requests }) {
  const waiting = requests.filter((c) => !c.lapsed);
  const lapsed = requests.length - waiting.length;
  const soonest = waiting[0];
  return html`<section aria-labelledby="cto-heading">
    <h2 class="nhsuk-heading-m" id="cto-heading">CTO extension statements</h2>
    <div class="nhsuk-card app-card">
      <div class="nhsuk-card__content">
        <p class="nhsuk-body nhsuk-u-margin-bottom-2">
          <a class="nhsuk-card__link" href=${href('/cto-extensions')} data-cto-count=${waiting.length}
            >${waiting.length === 1 ? '1 request waits' : `${waiting.length} requests wait`} for your statement</a
          >
        </p>
        ${soonest && html`<p class="nhsuk-body-s">The soonest is due by the end of ${localDay(soonest.ctoExpiresOn)}.</p>`}
        ${lapsed > 0 && html`<p class="nhsuk-body-s app-alert">${lapsed} lapsed without your statement.</p>`}
      </div>
    </div>
  </section>`;
}

function DutyShift({ shift, when }) {
  return html`
    <li class="nhsuk-card app-card">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s">${shift.label}</h3>
        <p class="nhsuk-body-s app-muted">${when}</p>
        ${
          shift.amhps.length
            ? html`<ul class="nhsuk-list app-people">
              ${shift.amhps.map(
                (a) =>
                  html`<li key=${a.userId} class="app-person">
                    <span class="app-person__name">${a.displayName}</span>
                    ${
                      a.phone
                        ? html`<a class="app-call" href=${telHref(a.phone)}>Call<span class="nhsuk-u-visually-hidden"> ${a.displayName}</span></a>`
                        : html`<span class="nhsuk-body-s app-muted">No phone number</span>`
                    }
                  </li>`,
              )}
            </ul>`
            : html`<p class="nhsuk-body-s app-alert">Nobody is assigned.</p>`
        }
      </div>
    </li>
  `;
}

/** The manager on call now (the last in the escalation chain): whom to ring for a bed refusal or a clock running out. */
function ManagerOnCall({ manager }) {
  return html`<section aria-labelledby="manager-heading">
    <h2 class="nhsuk-heading-m" id="manager-heading">Manager on call</h2>
    ${
      manager
        ? html`<div class="nhsuk-card app-card app-manager-on-call">
            <div class="nhsuk-card__content">
              <div class="app-person">
                <span class="app-person__name">
                  ${manager.displayName}<br /><span class="nhsuk-body-s app-muted">Until ${localTime(manager.endsAt)}</span>
                </span>
                ${
                  manager.phone
                    ? html`<a class="app-call" href=${telHref(manager.phone)}
                        >Call<span class="nhsuk-u-visually-hidden"> ${manager.displayName}, manager on call, on ${manager.phone}</span></a
                      >`
                    : html`<span class="nhsuk-body-s app-muted">No phone number</span>`
                }
              </div>
            </div>
          </div>`
        : html`<p class="nhsuk-body app-alert">No manager is on call now.</p>`
    }
  </section>`;
}

function Job({ referral, now }) {
  const p = referral.person;
  return html`
    <li class="nhsuk-card app-card">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s">
          <a class="nhsuk-card__link app-job-link" href=${href(`/jobs/${referral.id}`)}>${p.givenName} ${p.familyName}</a>
        </h3>
        <p class="nhsuk-body-s app-muted">
          ${referral.reference} · ${word(referral.urgency)} · ${word(referral.status)}${referral.location ? ` · ${referral.location}` : ''}
        </p>
        ${
          referral.clocks.length
            ? html`<ul class="nhsuk-list app-clocks">
              ${referral.clocks.map((c) => html`<${Clock} key=${c.id} clock=${c} now=${now} />`)}
            </ul>`
            : html`<p class="nhsuk-body-s">No statutory clock is running.</p>`
        }
      </div>
    </li>
  `;
}

/**
 * When the offer is passed on up the duty chain (DUTY-03), said in the tense it is in: a time still to come, or one
 * gone by (the chain has moved on; offers do not lapse, so she may still accept it).
 */
export function escalationWords(offer, now) {
  const at = Date.parse(offer.escalatesAt);
  if (Number.isFinite(at) && now >= at)
    return `Offered ${offer.offeredAtLocal}. Nobody accepted it by ${offer.escalatesAtLocal}, so it has been passed on up the duty chain; you can still accept it.`;
  return `Offered ${offer.offeredAtLocal}. If nobody accepts by ${offer.escalatesAtLocal}, it is passed on up the duty chain.`;
}

function Offer({ offer, now, onAnswered }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  // A second tap before the button re-renders disabled sends nothing; a retry after a lost answer carries the same
  // key, so the service answers it as it answered the first (not "already accepted").
  const sending = useRef(false);
  const key = useRef(newKey());
  const who = offer.person ? `${offer.person.givenName} ${offer.person.familyName}` : offer.reference;

  async function answer(accept) {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setError(null);
    try {
      await api(`${offer.link}/offers/${accept ? 'accept' : 'decline'}`, {
        method: 'POST',
        body: {},
        idempotencyKey: `${key.current}-${accept ? 'accept' : 'decline'}`,
      });
      onAnswered(
        accept ? `You accepted ${offer.reference}: it is now one of your jobs.` : `You declined ${offer.reference}.`,
        accept ? offer.referralId : null,
      );
    } catch (err) {
      // Taken by another AMHP, allocated, ended, or answered on her other phone meanwhile (409): the card goes as the
      // list catches up, so what the service said happened is said by the screen, not by the card it removes.
      if (err.status === 409) onAnswered(`${offer.reference}: ${err.message}`);
      else setError(err instanceof TypeError ? unreachable : err.message);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  return html`
    <li class="nhsuk-card app-card app-offer">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s">${who}</h3>
        <p class="nhsuk-body-s app-muted">
          ${offer.reference} · ${word(offer.urgency)} · ${legal(offer.legalContext)}${offer.location ? ` · ${offer.location}` : ''}
        </p>
        <p class="nhsuk-body-s">${escalationWords(offer, now)}</p>
        ${
          offer.clocks.length > 0 &&
          html`<ul class="nhsuk-list app-clocks">
          ${offer.clocks.map((c) => html`<${Clock} key=${c.id} clock=${c} now=${now} />`)}
        </ul>`
        }
        ${error && html`<p class="nhsuk-body-s app-alert" role="alert">${error}</p>`}
        <div class="app-actions">
          <button type="button" class="nhsuk-button" disabled=${busy} onClick=${() => answer(true)}>
            Accept<span class="nhsuk-u-visually-hidden"> ${offer.reference}</span>
          </button>
          <button type="button" class="nhsuk-button nhsuk-button--secondary" disabled=${busy} onClick=${() => answer(false)}>
            Decline<span class="nhsuk-u-visually-hidden"> ${offer.reference}</span>
          </button>
        </div>
      </div>
    </li>
  `;
}

export function NowScreen({ me }) {
  const [duty, setDuty] = useState(null);
  const [jobs, setJobs] = useState(null);
  const [attended, setAttended] = useState([]); // open assessments she attends as a co-AMHP
  const [offers, setOffers] = useState([]);
  const [cto, setCto] = useState([]); // her open requests for a CTO extension statement
  const [answered, setAnswered] = useState(null);
  const [error, setError] = useState(null);
  const [updated, setUpdated] = useState(null);
  // After an answer the card she answered is gone (and the focus with it): once the lists are read again, the focus
  // goes to the job she accepted in My jobs, or else to what the screen says of her answer, never to the page, where
  // the next Tab would land on another offer's Accept (WCAG 2.4.3).
  const [focusTo, setFocusTo] = useState(null);
  const now = useServerNow();
  const isAmhp = me.roles.includes('amhp');
  const showing = useRef(false); // her jobs are on the screen (read from the service or the pack)
  showing.current = jobs !== null;

  /**
   * Reads the screen's `parts` ('duty', 'jobs', 'offers', 'cto'; null or nothing: all of them). The live stream asks for
   * just the parts an event is about (nowConcerns).
   */
  async function load(parts = null) {
    const wants = (part) => (!parts || parts.includes(part)) && (part === 'duty' || isAmhp);
    // Without a signal each read the phone cannot answer from what it keeps is left as last shown (the header says
    // how old it is); only when none can be answered is it an error.
    const kept = (p) => p.catch((err) => (isNoSignal(err) ? undefined : Promise.reject(err)));
    // Her jobs once shown are read again only from the service: the pack's copy may be older than the screen's.
    const again = showing.current;
    const orKept = !again;
    try {
      const [d, r, o, a, c] = await Promise.all([
        wants('duty') ? kept(api('/rota/on-duty')) : null,
        wants('jobs') ? kept(api('/referrals?assigned=me&limit=50', { orKept })) : null,
        wants('offers') ? kept(api('/me/offers')) : null,
        wants('jobs') ? kept(api('/assessments?assigned=me&status=open&limit=20', { orKept })) : null,
        wants('cto') ? kept(api(OPEN_CTO_REQUESTS)) : null,
      ]);
      const asked = [d, r].filter((x) => x !== null);
      if (asked.length && asked.every((x) => x === undefined)) {
        // Nothing could be read again: what is shown stays, and the header says there is no signal.
        if (again) return;
        throw new TypeError('no signal');
      }
      if (d) learnServerTime(d.at);
      const clocks = [...(r ? r.items : []), ...(o ? o.items : [])].flatMap((x) => x.clocks || []);
      const running = clocks.find((c) => c.state !== 'stopped');
      if (running) learnServerTime(new Date(Date.parse(running.deadline) - running.remainingMs).toISOString());
      if (d) setDuty(d);
      if (r !== undefined) setJobs(r ? r.items : []);
      if (o !== undefined) setOffers(o ? o.items : []);
      if (a !== undefined) setAttended(attendedOf(a, me) || []);
      if (c) setCto(c.items.filter((x) => x.status === 'allocated'));
      if (d || r || o || a) setUpdated(d ? d.at : new Date(serverNow()).toISOString());
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }

  useEffect(() => {
    if (!focusTo) return;
    const job = focusTo.job && document.querySelector(`#main .app-job-link[href="${href(`/jobs/${focusTo.job}`)}"]`);
    const target = job || ['now-answered', 'offers-heading', 'jobs-heading'].map((id) => document.getElementById(id)).find(Boolean);
    if (!target) return;
    if (!job && !target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  }, [focusTo]);

  useTitle('Now – AMHP duty');
  // Read now, again for each event about her offers, her jobs or the rota, and on a timer (app/js/live.js).
  useLive(load, (events) => nowConcerns(events, me.id, [...(jobs || []), ...offers.map((o) => ({ id: o.referralId })), ...attended]));
  // Who is on duty changes with the time, which no event tells: read again when the next shift starts or one ends.
  useRotaTimer(() => load(['duty']), duty);

  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">Now</h1>
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      ${
        updated &&
        html`<p class="nhsuk-body-s app-muted app-updated">
        <span>Updated ${localClock(updated)}</span>
        <button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${() => load()}>Refresh</button>
      </p>`
      }
      ${answered && html`<div class="nhsuk-inset-text" role="status" id="now-answered" tabindex="-1"><p>${answered}</p></div>`}
      ${
        offers.length > 0 &&
        html`<section aria-labelledby="offers-heading">
        <h2 class="nhsuk-heading-m" id="offers-heading">Offered to you</h2>
        <ul class="nhsuk-list app-cards">
          ${offers.map(
            (o) =>
              html`<${Offer}
                key=${o.offerId}
                offer=${o}
                now=${now}
                onAnswered=${async (text, job) => {
                  setAnswered(text);
                  await load();
                  setFocusTo({ job });
                }}
              />`,
          )}
        </ul>
      </section>`
      }
      ${
        isAmhp &&
        html`<section aria-labelledby="jobs-heading">
        <h2 class="nhsuk-heading-m" id="jobs-heading">My jobs</h2>
        ${
          jobs === null
            ? html`<p class="nhsuk-body">Loading…</p>`
            : jobs.length || attended.length
              ? html`<ul class="nhsuk-list app-cards">
                ${jobs.map((r) => html`<${Job} key=${r.id} referral=${r} now=${now} />`)}
                ${attended.map((x) => html`<${AttendedJob} key=${x.id} assessment=${x} lead=${leadName(duty, x.leadAmhpUserId)} />`)}
              </ul>`
              : html`<p class="nhsuk-body">Nothing is allocated to you.</p>`
        }
      </section>`
      }
      ${isAmhp && cto.length > 0 && html`<${CtoStatements} requests=${cto} />`}
      ${duty && html`<${ManagerOnCall} manager=${duty.managerOnCall} />`}
      <section aria-labelledby="duty-heading">
        <h2 class="nhsuk-heading-m" id="duty-heading">On duty now</h2>
        ${
          duty === null
            ? html`<p class="nhsuk-body">Loading…</p>`
            : duty.onDuty.length
              ? html`<ul class="nhsuk-list app-cards">
                ${duty.onDuty.map((s) => html`<${DutyShift} key=${s.shiftId} shift=${s} when=${`Until ${localTime(s.endsAt)}`} />`)}
              </ul>`
              : html`<p class="nhsuk-body app-alert">No shift is running now.</p>`
        }
      </section>
      ${
        duty &&
        duty.next.length > 0 &&
        html`<section aria-labelledby="next-heading">
        <h2 class="nhsuk-heading-m" id="next-heading">Next on duty</h2>
        <ul class="nhsuk-list app-cards">
          ${duty.next.map((s) => html`<${DutyShift} key=${s.shiftId} shift=${s} when=${`From ${localTime(s.startsAt)}`} />`)}
        </ul>
      </section>`
      }
    </main>
  `;
}
