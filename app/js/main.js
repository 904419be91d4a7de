import { h, htm, render, useEffect, useRef, useState } from './deps.js';
import { api, learnServerTime, onSessionChange, refresh, serverNow, signIn, signOut } from './session.js';
import { countdown, localClock, localTime } from './time.js';

const html = htm.bind(h);

const WORDS = {
  emergency: 'Emergency',
  urgent: 'Urgent',
  routine: 'Routine',
  received: 'Received',
  screening: 'Screening',
  accepted: 'Accepted',
  allocated: 'Allocated',
  assessing: 'Assessing',
};
const word = (w) => WORDS[w] || w;
const LEGAL = {
  s136: 's.136',
  's135-1': 's.135(1)',
  's135-2': 's.135(2)',
  's5-4': 's.5(4)',
  's5-2': 's.5(2)',
  'cto-recall': 'CTO recall',
  'already-s2': 'Already on s.2',
  informal: 'Informal',
};
const legal = (kind) => LEGAL[kind] || kind;
/** The number to dial: digits and a leading +. */
const telHref = (phone) => `tel:${phone.replace(/[^\d+]/g, '')}`;
const unreachable = 'The service cannot be reached. Check your signal and try again.';

function Header({ me, onSignOut }) {
  return html`
    <header class="nhsuk-header app-header" role="banner">
      <div class="nhsuk-header__container nhsuk-width-container app-header__container">
        <div class="nhsuk-header__service">
          <a class="nhsuk-header__service-name app-header__name" href="/app/">AMHP duty</a>
        </div>
        ${
          me &&
          html`<nav class="app-header__account" aria-label="Account">
          <span class="app-header__user">${me.displayName}</span>
          <button type="button" class="nhsuk-button nhsuk-button--reverse app-button-compact" onClick=${onSignOut}>Sign out</button>
        </nav>`
        }
      </div>
    </header>
  `;
}

function ErrorSummary({ errors }) {
  const ref = useRef(null);
  useEffect(() => {
    if (errors.length && ref.current) ref.current.focus();
  }, [errors]);
  if (!errors.length) return null;
  return html`
    <div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1" ref=${ref}>
      <h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
      <div class="nhsuk-error-summary__body">
        <ul class="nhsuk-list nhsuk-error-summary__list">
          ${errors.map((e) => html`<li key=${e.field + e.text}><a href=${`#${e.field}`}>${e.text}</a></li>`)}
        </ul>
      </div>
    </div>
  `;
}

function Field({ id, label, type, autocomplete, error }) {
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

function SignIn({ notice }) {
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = errors.length ? 'Error: Sign in – AMHP duty' : 'Sign in – AMHP duty';
  }, [errors]);

  async function submit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    const missing = [];
    if (!email) missing.push({ field: 'email', text: 'Enter your email address' });
    if (!password) missing.push({ field: 'password', text: 'Enter your password' });
    if (missing.length) return setErrors(missing);
    setBusy(true);
    try {
      await signIn(email, password);
    } catch (err) {
      if (err instanceof TypeError) return setErrors([{ field: 'email', text: unreachable }]);
      const byField = (err.errors || [])
        .filter((e) => e.field === 'email' || e.field === 'password')
        .map((e) => ({ field: e.field, text: e.messages.join('; ') }));
      setErrors(byField.length ? byField : [{ field: 'email', text: err.message }]);
    } finally {
      setBusy(false);
    }
  }

  const errorFor = (field) =>
    errors
      .filter((e) => e.field === field)
      .map((e) => e.text)
      .join('; ');
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper" id="main">
      <${ErrorSummary} errors=${errors} />
      ${notice && html`<div class="nhsuk-inset-text" role="status"><p>${notice}</p></div>`}
      <h1 class="nhsuk-heading-l">Sign in</h1>
      <form method="post" action="/app/" novalidate onSubmit=${submit}>
        <${Field} id="email" label="Email address" type="email" autocomplete="username" error=${errorFor('email')} />
        <${Field} id="password" label="Password" type="password" autocomplete="current-password" error=${errorFor('password')} />
        <button class="nhsuk-button" type="submit" disabled=${busy}>Sign in</button>
      </form>
    </main>
  `;
}

/**
 * The server's time now (the device's clock corrected by what the server last said), read at every render, with a
 * render every second so the countdowns tick on the device.
 */
function useServerNow() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, []);
  return serverNow();
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

function Clock({ clock, now }) {
  if (clock.state === 'stopped') {
    return html`<li class="app-clock">
      <span class="app-clock__label">${clock.label}</span>
      <span class="app-clock__time">${clock.result === 'breached' ? 'Stopped after its deadline' : 'Met'}</span>
    </li>`;
  }
  const c = countdown(clock.deadline, now);
  return html`<li class=${`app-clock app-clock--${c.state}`} data-clock=${clock.id}>
    <span class="app-clock__label">${clock.label}${clock.provisional ? ' (provisional)' : ''}</span>
    <strong class="app-clock__time" role="timer">${c.text}</strong>
    <span class="app-clock__deadline">Deadline ${localTime(clock.deadline)}</span>
  </li>`;
}

function Job({ referral, now }) {
  const p = referral.person;
  return html`
    <li class="nhsuk-card app-card">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s">${p.givenName} ${p.familyName}</h3>
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

function Offer({ offer, now, onAnswered }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const who = offer.person ? `${offer.person.givenName} ${offer.person.familyName}` : offer.reference;

  async function answer(accept) {
    setBusy(true);
    setError(null);
    try {
      await api(`${offer.link}/offers/${accept ? 'accept' : 'decline'}`, { method: 'POST', body: {} });
      onAnswered(accept ? `You accepted ${offer.reference}: it is now one of your jobs.` : `You declined ${offer.reference}.`);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
      if (err.status === 409) onAnswered(null); // taken or withdrawn meanwhile: the list catches up
    } finally {
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
        <p class="nhsuk-body-s">Offered ${offer.offeredAtLocal}. If nobody accepts, the managers are alerted at ${offer.escalatesAtLocal}.</p>
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

function NowScreen({ me }) {
  const [duty, setDuty] = useState(null);
  const [jobs, setJobs] = useState(null);
  const [offers, setOffers] = useState([]);
  const [answered, setAnswered] = useState(null);
  const [error, setError] = useState(null);
  const [updated, setUpdated] = useState(null);
  const now = useServerNow();
  const isAmhp = me.roles.includes('amhp');

  async function load() {
    try {
      const [d, r, o] = await Promise.all([
        api('/rota/on-duty'),
        isAmhp ? api('/referrals?assigned=me&limit=50') : null,
        isAmhp ? api('/me/offers') : null,
      ]);
      learnServerTime(d.at);
      const clocks = [...(r ? r.items : []), ...(o ? o.items : [])].flatMap((x) => x.clocks || []);
      const running = clocks.find((c) => c.state !== 'stopped');
      if (running) learnServerTime(new Date(Date.parse(running.deadline) - running.remainingMs).toISOString());
      setDuty(d);
      setJobs(r ? r.items : []);
      setOffers(o ? o.items : []);
      setUpdated(d.at);
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }

  useEffect(() => {
    document.title = 'Now – AMHP duty';
    void load();
    const id = setInterval(() => document.visibilityState === 'visible' && void load(), 60_000);
    const wake = () => document.visibilityState === 'visible' && void load();
    document.addEventListener('visibilitychange', wake);
    return () => {
      clearInterval(id);
      document.removeEventListener('visibilitychange', wake);
    };
  }, []);

  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">Now</h1>
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      ${
        updated &&
        html`<p class="nhsuk-body-s app-muted app-updated">
        <span>Updated ${localClock(updated)}</span>
        <button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${load}>Refresh</button>
      </p>`
      }
      ${answered && html`<div class="nhsuk-inset-text" role="status"><p>${answered}</p></div>`}
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
                onAnswered=${(text) => {
                  setAnswered(text);
                  void load();
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
            : jobs.length
              ? html`<ul class="nhsuk-list app-cards">
                ${jobs.map((r) => html`<${Job} key=${r.id} referral=${r} now=${now} />`)}
              </ul>`
              : html`<p class="nhsuk-body">Nothing is allocated to you.</p>`
        }
      </section>`
      }
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

function App() {
  const [phase, setPhase] = useState('starting');
  const [me, setMe] = useState(null);
  const [notice, setNotice] = useState(null);

  useEffect(() => {
    const off = onSessionChange((on) => {
      if (!on) {
        setMe(null);
        setPhase('signed-out');
        return;
      }
      api('/auth/me')
        .then((who) => {
          setMe(who);
          setNotice(null);
          setPhase('signed-in');
        })
        .catch(() => setPhase('signed-out'));
    });
    // A reload keeps the session: the refresh cookie is exchanged for a new access token.
    refresh()
      .then((ok) => ok || setPhase('signed-out'))
      .catch(() => setPhase('signed-out'));
    return off;
  }, []);

  async function doSignOut() {
    try {
      await signOut();
      setNotice('You have signed out.');
    } catch {
      setNotice('You have signed out on this phone. The service could not be told; your session ends when it expires.');
    }
  }

  return html`
    <a class="nhsuk-skip-link" href="#main">Skip to main content</a>
    <${Header} me=${phase === 'signed-in' ? me : null} onSignOut=${doSignOut} />
    ${
      phase === 'starting' &&
      html`<main class="nhsuk-width-container nhsuk-main-wrapper" id="main"><p class="nhsuk-body">Loading…</p></main>`
    }
    ${phase === 'signed-out' && html`<${SignIn} notice=${notice} />`}
    ${phase === 'signed-in' && me && html`<${NowScreen} me=${me} />`}
  `;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined);
}
