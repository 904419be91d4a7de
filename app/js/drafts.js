// Drafts: what she has typed or chosen in any form of a screen and not yet sent, kept while she is on another screen
// (an alert tapped in the middle of the interview record, the menu, Back), and put back when she returns to it.
//
// One place for every form: the fields she changed (each by its id, a radio group by its name) are kept per screen
// (the path without its query) from her own input and change events, and put back into the screen's fields when they
// are shown again, through the same events, so a screen that keeps its fields' values (job-forms.js) takes them as
// typed. A field the screen itself changed since (cleared once sent, filled again from the service) is not hers to
// keep: its draft is dropped as she leaves. Kept in the page's memory only, never in storage (what she types is about
// a person), and forgotten at sign-out.

/** path → Map(field key → value): the fields she changed on that screen. */
const drafts = new Map();
/** Fields already given their draft back on this showing of their screen (so her next keystroke is not undone). */
let restored = new WeakSet();
/** The screen whose fields are in the page now. */
let shownPath = null;

const screenOf = (hash) => {
  const h = String(hash || '').replace(/^#/, '');
  return (h.startsWith('/') ? h : '/').split('?')[0];
};

/** A form field whose value is hers to keep (never a password, a file or a hidden value); null otherwise. */
function keyOf(el) {
  if (!el || !el.matches || !el.matches('input, textarea, select') || !el.closest('#main')) return null;
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (['password', 'hidden', 'file', 'submit', 'button', 'reset'].includes(type)) return null;
  if (type === 'radio') return el.name ? `radio:${el.name}` : null;
  return el.id ? `field:${el.id}` : null;
}

function valueOf(el) {
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (type === 'checkbox') return el.checked;
  if (type === 'radio') {
    const scope = el.form || el.closest('#main');
    const on = scope && scope.querySelector(`input[type="radio"][name="${CSS.escape(el.name)}"]:checked`);
    return on ? on.value : null;
  }
  return el.value;
}

function fieldsFor(key) {
  const main = document.getElementById('main');
  if (!main) return [];
  if (key.startsWith('radio:')) return [...main.querySelectorAll(`input[type="radio"][name="${CSS.escape(key.slice(6))}"]`)];
  const el = document.getElementById(key.slice(6));
  return el && main.contains(el) ? [el] : [];
}

/** Her own input: kept as the draft of that field on the screen shown. */
function keep(event) {
  if (!event.isTrusted) return;
  const key = keyOf(event.target);
  if (!key) return;
  shownPath = screenOf(location.hash);
  let screen = drafts.get(shownPath);
  if (!screen) drafts.set(shownPath, (screen = new Map()));
  screen.set(key, valueOf(event.target));
}

/** Leaving a screen: a draft whose field the screen changed since (sent and cleared, filled from the service) is dropped. */
function leave() {
  const screen = shownPath && drafts.get(shownPath);
  if (screen) {
    for (const [key, value] of screen) {
      const fields = fieldsFor(key);
      if (fields.length && valueOf(fields[0]) !== value) screen.delete(key);
    }
    if (!screen.size) drafts.delete(shownPath);
  }
  restored = new WeakSet();
  shownPath = screenOf(location.hash);
}

/** Puts her drafts back into the fields of the screen shown, each once, as if she typed them. */
function restore() {
  const path = screenOf(location.hash);
  shownPath = path;
  const screen = drafts.get(path);
  if (!screen) return;
  for (const [key, value] of screen) {
    for (const el of fieldsFor(key)) {
      if (restored.has(el)) continue;
      restored.add(el);
      const type = (el.getAttribute('type') || '').toLowerCase();
      if (type === 'radio') {
        if (el.value !== value || el.checked) continue;
        el.checked = true;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      } else if (type === 'checkbox') {
        if (el.checked === value) continue;
        el.checked = value;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      } else if (el.value !== value) {
        el.value = value;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
  }
}

let started = false;

/** Starts keeping drafts for the page (once). */
export function keepDrafts() {
  if (started || typeof document === 'undefined') return;
  started = true;
  shownPath = screenOf(location.hash);
  document.addEventListener('input', keep, true);
  document.addEventListener('change', keep, true);
  // Before the screen changes: the old screen's fields are still in the page while hashchange is dispatched (the
  // app renders the new screen after), and this listener is the first.
  addEventListener('hashchange', leave, true);
  if (typeof MutationObserver !== 'undefined') {
    new MutationObserver(() => drafts.size && restore()).observe(document.body, { childList: true, subtree: true });
  }
}

/** Forgets every draft (sign-out, or another user's session on this phone). */
export function forgetDrafts() {
  drafts.clear();
  restored = new WeakSet();
}
