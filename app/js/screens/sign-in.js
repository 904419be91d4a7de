// The sign-in screen: email and password (autocomplete hints let a password manager fill both).
import { html, ErrorSummary, Field, unreachable, useTitle } from '../ui.js';
import { useEffect, useState } from '../deps.js';
import { signIn } from '../session.js';
import { waitingOnPhone } from '../device.js';

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * Changes saved on this phone in a session that has ended and not sent yet: they are kept (sealed) and sent when the
 * person who saved them signs in here again; someone else signing in or out does not delete them.
 */
export function waitingWords({ pending }) {
  if (!pending) return null;
  return (
    `${plural(pending, 'change', 'changes')} saved on this phone in a session that has ended ${pending === 1 ? 'is' : 'are'} waiting, not sent yet. ` +
    `${pending === 1 ? 'It' : 'They'} will be sent when the person who saved ${pending === 1 ? 'it' : 'them'} signs in here again; signing in as someone else keeps ${pending === 1 ? 'it' : 'them'}.`
  );
}

export function SignIn({ notice }) {
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState(null);
  useEffect(() => {
    let live = true;
    waitingOnPhone()
      .then((w) => live && setWaiting(waitingWords(w)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [notice]);
  useTitle(errors.length ? 'Error: Sign in – AMHP duty' : 'Sign in – AMHP duty');

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
      ${notice && !errors.length && html`<div class="nhsuk-inset-text" role="status"><p>${notice}</p></div>`}
      ${waiting && html`<div class="nhsuk-warning-callout app-waiting" role="status" data-waiting><h2 class="nhsuk-warning-callout__label">Changes waiting on this phone</h2><p>${waiting}</p></div>`}
      <h1 class="nhsuk-heading-l">Sign in</h1>
      <form method="post" action="/app/" novalidate onSubmit=${submit}>
        <${Field} id="email" label="Email address" type="email" autocomplete="username" error=${errorFor('email')} />
        <${Field} id="password" label="Password" type="password" autocomplete="current-password" error=${errorFor('password')} />
        <button class="nhsuk-button" type="submit" disabled=${busy}>Sign in</button>
      </form>
    </main>
  `;
}
