// The app's entry: the session decides between sign-in and the signed-in screens; the hash path (#/...) picks the
// screen from the routes table (app/js/routes.js), so every screen is the same cached page.
import { render, useEffect, useRef, useState } from './deps.js';
import { html, useServerNow, useTitle } from './ui.js';
import {
  api,
  currentUserId,
  finishSignOut,
  onSessionChange,
  pendingSignOut,
  previousUserId,
  refresh,
  signedIn,
  signOut,
} from './session.js';
import { SignIn } from './screens/sign-in.js';
import { ROUTES } from './routes.js';
import { currentPath, href, match, navigate, usePath } from './router.js';
import { resumeOffline } from './pack.js';
import { localTime } from './time.js';
import { wait } from './timings.js';

/**
 * What only a signed-in app uses (app/js/signed-in.js: the phone's state under the header, the pack kept fresh, the
 * outbox, the forms' drafts), fetched once, as a session starts or the kept pack opens: never for the sign-in screen,
 * which a phone on a poor signal must be able to use first. `signedInPart` is the module once it is here.
 */
let signedInPart = null;
let fetchingSignedIn = null;
function loadSignedIn() {
  fetchingSignedIn ??= import('./signed-in.js').then(
    (m) => {
      if (!signedInPart) {
        signedInPart = m;
        // Drafts of every form survive a change of screen (app/js/drafts.js); started before her first screen's form.
        m.keepDrafts();
      }
      return m;
    },
    (err) => {
      // Not fetched (no signal, and no service worker yet): the next session start tries again.
      fetchingSignedIn = null;
      throw err;
    },
  );
  return fetchingSignedIn;
}

/** Whether the user holds one of the route's roles (a route without roles is for everyone signed in). */
const mayOpen = (route, me) => !route.roles || route.roles.some((role) => me.roles.includes(role));

/** The routes this user's menu shows: those with a label whose roles (if any) the user holds. */
function menuFor(me) {
  return ROUTES.filter((r) => r.nav && mayOpen(r, me));
}

const ROLE_WORDS = { amhp: 'AMHPs', manager: 'managers', referrer: 'referrers' };

function Header({ me, path, onSignOut, part }) {
  const here = path.split('?')[0];
  const menu = me ? menuFor(me) : [];
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
      ${
        menu.length > 1 &&
        html`<nav class="app-menu" aria-label="Menu">
        <ul class="app-menu__list nhsuk-width-container">
          ${menu.map(
            (r) =>
              html`<li key=${r.path} class="app-menu__item">
                <a class="app-menu__link" href=${href(r.path)} aria-current=${r.path === here ? 'page' : undefined}>${r.nav}</a>
              </li>`,
          )}
        </ul>
      </nav>`
      }
      ${me && part && html`<${part.DeviceStatus} />`}
    </header>
  `;
}

/**
 * On paper (printed, or saved as a PDF to share at handover), when it was printed: the countdowns on it ("2 h 17 min
 * left") are as at that time, and each says so (app.css hides the controls and shows this line in print only).
 */
function PrintedAt() {
  const now = useServerNow();
  return html`<p class="nhsuk-body-s nhsuk-width-container app-print-only app-printed">Printed ${localTime(now)}: times left are as at then.</p>`;
}

function NotFound() {
  useTitle('Page not found – AMHP duty');
  return html`<main class="nhsuk-width-container nhsuk-main-wrapper" id="main" tabindex="-1">
    <h1 class="nhsuk-heading-l">Page not found</h1>
    <p class="nhsuk-body">There is no such screen. <a href=${href('/')}>Go to Now</a>.</p>
  </main>`;
}

/**
 * A screen for other roles, opened from a link or a typed address: said plainly, as for an unknown screen, rather
 * than a screen whose lists the service limits to hers and would show as "None" (a manager's dashboard, say).
 */
function NotForYou({ route }) {
  const who = route.roles.map((r) => ROLE_WORDS[r] || r);
  const title = `This screen is for ${who.length > 1 ? `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}` : who[0]}`;
  useTitle(`${title} – AMHP duty`);
  return html`<main class="nhsuk-width-container nhsuk-main-wrapper" id="main" tabindex="-1">
    <h1 class="nhsuk-heading-l">${title}</h1>
    <p class="nhsuk-body">Your account cannot use it. <a href=${href('/')}>Go to Now</a>.</p>
  </main>`;
}

/** Focuses the screen's main region (made focusable by script, not in the tab order). */
function focusMain() {
  const main = document.getElementById('main');
  if (!main) return false;
  if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
  main.focus({ preventScroll: true });
  return document.activeElement === main;
}

/**
 * Focuses the new screen's main region now, and again if the screen replaces it while it loads (its "Loading…" region
 * swapped for the screen's own) and the focus falls back to the page, for a few seconds or until she moves it.
 */
function focusMainOnceShown() {
  focusMain();
  const root = document.getElementById('app');
  if (!root || typeof MutationObserver === 'undefined') return undefined;
  const watch = new MutationObserver(() => {
    const active = document.activeElement;
    if (!active || active === document.body || !root.contains(active)) focusMain();
  });
  watch.observe(root, { childList: true, subtree: true });
  const stop = setTimeout(() => watch.disconnect(), 5_000);
  return () => {
    clearTimeout(stop);
    watch.disconnect();
  };
}

/** The signed-in screen for the path; on a change of screen, focus moves to its main region (for screen readers). */
/** Screens fetched on first use (routes with `load`), kept once fetched. */
const loadedScreens = new Map();

function Screen({ me, path }) {
  const first = useRef(true);
  const [, setLoaded] = useState(0);
  const [failed, setFailed] = useState(null);
  const found = match(ROUTES, path);
  const allowed = !found || mayOpen(found.route, me);
  const route = found && allowed ? found.route : null;
  const Component = route && (route.screen || loadedScreens.get(route));
  // On a change of screen (also Back, and a screen fetched on first use, which replaces "Loading…"), focus moves to
  // the new screen's main region, so a screen reader starts there (WCAG 2.4.3).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    return focusMainOnceShown();
  }, [path]);
  useEffect(() => {
    if (Component && !first.current && document.activeElement === document.body) focusMain();
  }, [Component]);
  useEffect(() => {
    if (!route || Component) return;
    setFailed(null);
    route
      .load()
      .then((screen) => {
        loadedScreens.set(route, screen);
        setLoaded((n) => n + 1);
      })
      .catch(() => setFailed(route));
  }, [route]);
  if (!found) return html`<${NotFound} />`;
  if (!allowed) return html`<${NotForYou} route=${found.route} />`;
  if (!Component) {
    return html`<main class="nhsuk-width-container nhsuk-main-wrapper" id="main" tabindex="-1">
      ${
        failed === route
          ? html`<p class="nhsuk-body app-alert" role="alert">This screen could not be fetched. Check your signal and try again.</p>`
          : html`<p class="nhsuk-body">Loading…</p>`
      }
    </main>`;
  }
  return html`<${Component} key=${path.split('?')[0]} me=${me} params=${found.params} path=${path} />`;
}

/** The skip link moves focus without touching the hash (the hash is the screen's address). */
function skipToMain(event) {
  event.preventDefault();
  const main = document.getElementById('main');
  if (main) {
    if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
    main.focus();
  }
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** What signing out did, in words: whether the service was told, and what is still kept on the phone. */
export function signedOutWords({ told, until, othersKept }) {
  const words = [
    told
      ? 'You have signed out.'
      : 'You have signed out on this phone, and nothing of yours is kept on it. There was no signal to tell the service, ' +
        'so your session is still open there: the next time this phone has a signal, the app ends it' +
        (until ? ` (otherwise it stays open until ${localTime(until)})` : '') +
        '. Until then, your alerts may still reach this phone.',
  ];
  if (othersKept)
    words.push(
      `${plural(othersKept, 'change', 'changes')} saved on this phone by someone whose session ended ${othersKept === 1 ? 'is' : 'are'} still kept, sealed, to be sent when they sign in here again.`,
    );
  return words.join(' ');
}

/** A sign-out without a signal, told to the service at this start (or still waiting for a signal), in words. */
function finishedSignOutWords(result, pending) {
  const when = pending && pending.at ? `at ${localTime(pending.at)}` : 'earlier';
  if (result === 'ended')
    return `You signed out on this phone ${when} without a signal. The service has now been told: that session has ended.`;
  return `You signed out on this phone ${when} without a signal. The service has not been told yet: the app ends that session the next time this phone has a signal.`;
}

const SESSION_ENDED = 'Your session has ended (you were signed out by the service). Sign in again to go on.';
const SIGNED_OUT_ELSEWHERE =
  'You have signed out (in another tab or window of the app on this phone), so this one is signed out too. Sign in again to go on.';

/** Opening the app, the refresh unanswered this long: the kept pack is shown (as without a signal) while it goes on. */
const OPEN_WAIT_MS = wait('openWaitMs', 5_000);

function App() {
  const [phase, setPhase] = useState('starting');
  const [me, setMe] = useState(null);
  const [notice, setNotice] = useState(null);
  const [part, setPart] = useState(signedInPart);
  const path = usePath();
  const phaseNow = useRef(phase);
  phaseNow.current = phase;
  const signingOut = useRef(false);

  useEffect(() => {
    // Signed in (or opened on the kept pack as `who`): the signed-in part keeps her pack fresh and sends what waits,
    // unless her session ended while it was fetched.
    const deviceSignedIn = (who) =>
      loadSignedIn()
        .then((m) => {
          setPart(m);
          if (currentUserId() === who.id) m.deviceSignedIn(who);
        })
        .catch(() => undefined);
    const off = onSessionChange((on, how) => {
      if (!on) {
        // What she typed and did not send is not kept for whoever signs in next.
        if (signedInPart) signedInPart.forgetDrafts();
        // Ended by the service, or by her in another tab, not here: say so on the sign-in screen.
        if (phaseNow.current === 'signed-in' && !signingOut.current)
          setNotice(how === 'signed-out-elsewhere' ? SIGNED_OUT_ELSEWHERE : SESSION_ENDED);
        setMe(null);
        setPhase('signed-out');
        return;
      }
      api('/auth/me')
        .then((who) => {
          // Signing in with the password starts on Now, not on the screen a previous session left in the address
          // (another user's job), unless it is her own session resumed, or a notification's link opened the app.
          if (how === 'form' && previousUserId() !== who.id && !currentPath().startsWith('/notifications')) navigate('/');
          setMe(who);
          setNotice(null);
          setPhase('signed-in');
          deviceSignedIn(who);
        })
        .catch(() => setPhase('signed-out'));
    });
    // She signed out without a signal: her session is ended with the service now, not resumed (the refresh cookie,
    // which script cannot delete, would otherwise open the app as her and fetch her jobs again).
    const pending = pendingSignOut();
    if (pending) {
      void finishSignOut().then((result) => {
        setNotice(finishedSignOutWords(result, pending));
        setPhase('signed-out');
      });
      return off;
    }
    // A reload keeps the session: the refresh cookie is exchanged for a new access token.
    // Opened without a signal: the jobs the phone kept for this user, until the session can be resumed. A link that
    // stalls (connected, but no answer) is no signal too: after OPEN_WAIT_MS the kept pack is shown while the refresh
    // goes on (bounded, session.js); if it is answered later the session resumes from it as after any lost signal.
    let resumed = false;
    const openKept = (orSignIn) =>
      resumeOffline()
        .then((kept) => {
          if (resumed || phaseNow.current !== 'starting') return;
          if (!kept) return orSignIn && setPhase('signed-out');
          resumed = true;
          setMe(kept);
          setPhase('signed-in');
          deviceSignedIn(kept);
        })
        .catch(() => orSignIn && phaseNow.current === 'starting' && setPhase('signed-out'));
    const slow = setTimeout(() => void openKept(false), OPEN_WAIT_MS);
    refresh()
      .then((ok) => ok || setPhase('signed-out'))
      .catch(() => openKept(true))
      .finally(() => clearTimeout(slow));
    return off;
  }, []);

  // A sign-out still to be told to the service: told as soon as the signal is back, while the sign-in screen shows.
  useEffect(() => {
    if (phase !== 'signed-out' || !pendingSignOut()) return;
    const again = () => {
      const pending = pendingSignOut();
      if (pending) void finishSignOut().then((result) => result === 'ended' && setNotice(finishedSignOutWords(result, pending)));
    };
    addEventListener('online', again);
    const id = setInterval(again, 30_000);
    return () => {
      removeEventListener('online', again);
      clearInterval(id);
    };
  }, [phase, notice]);

  async function doSignOut() {
    const ready = await loadSignedIn().then(
      (m) => m.readyToSignOut(),
      // Not fetched (no signal, and no service worker yet): signed out as when the phone's store cannot be read.
      () => true,
    );
    if (!ready) return;
    signingOut.current = true;
    try {
      // Signed out, this phone is no longer the user's to be paged on.
      let pushEndpoint = null;
      try {
        const { stopAlertsOnThisPhone } = await import('./screens/notifications.js');
        pushEndpoint = await stopAlertsOnThisPhone();
      } catch {
        // the screen's module cannot be fetched: there is no subscription this page made
      }
      setNotice(signedOutWords(await signOut({ pushEndpoint })));
    } catch {
      setNotice(signedOutWords({ told: false, until: null, othersKept: 0 }));
    } finally {
      signingOut.current = false;
    }
  }

  return html`
    <a class="nhsuk-skip-link" href="#main" onClick=${skipToMain}>Skip to main content</a>
    <${Header} me=${phase === 'signed-in' ? me : null} path=${path} onSignOut=${doSignOut} part=${part} />
    ${
      phase === 'starting' &&
      html`<main class="nhsuk-width-container nhsuk-main-wrapper" id="main"><p class="nhsuk-body">Loading…</p></main>`
    }
    ${phase === 'signed-out' && html`<${SignIn} notice=${notice} />`}
    ${phase === 'signed-in' && me && html`<${PrintedAt} />`}
    ${phase === 'signed-in' && me && html`<${Screen} me=${me} path=${path} />`}
  `;
}

// The live event stream (app/js/live-connection.js, fetched once she has signed in): held while she is signed in and
// the app is on screen, opened as a session starts (before her screen's first reads, so that what happens meanwhile
// is not missed) and again with each new access token if it had ended; closed when she signs out.
let liveConnection = null;
onSessionChange((on) => {
  if (!on) return liveConnection && liveConnection.stop();
  (liveConnection ? Promise.resolve(liveConnection) : import('./live-connection.js'))
    .then((m) => {
      liveConnection = m;
      if (signedIn()) m.start();
    })
    // Not fetched (no signal): the screens read on their timer; the next session change tries again.
    .catch(() => undefined);
});

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined);
}

// A notification tapped while the app is open: the service worker asks this page to acknowledge the page it was for
// (the worker has no token; see app/js/screens/notifications.js).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type === 'page-ack' && typeof data.id === 'string') navigate(`/notifications?ack=${encodeURIComponent(data.id)}`);
  });
}
