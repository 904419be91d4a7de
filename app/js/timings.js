// How long the app waits on the service before it says what it says without an answer (a request given up as no
// signal, a change said to be saved on the phone, the kept job pack shown while a stalled sign-in goes on). Each module
// keeps its own wait and its reason; this is the one way a browser test shortens them, so that it does not sit out in
// real time a wait the page's clock cannot skip (AbortSignal.timeout runs on the browser's own timer).
//
// A test sets `globalThis.__amhpTestWaits` before the app's scripts run (page.addInitScript, test/browser/browser.ts
// `shortenWaits`). Nothing a user types, nothing the service answers and nothing kept on the phone sets it: only a
// script of the page's own origin could (the page's policy allows no other), and a wait can only be made shorter,
// never longer, so at worst a signal is taken for lost sooner.

const asked = (() => {
  const waits = globalThis.__amhpTestWaits;
  return waits && typeof waits === 'object' ? { ...waits } : {};
})();

/** `ms`, the app's wait called `name`, or the shorter one a browser test asked for (a positive whole number of ms). */
export function wait(name, ms) {
  const shorter = asked[name];
  return Number.isSafeInteger(shorter) && shorter > 0 && shorter < ms ? shorter : ms;
}
