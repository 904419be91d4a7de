// What one tab (or window) of the app tells the others open on this phone: a sign-out, a session the service ended,
// a change of the outbox. A BroadcastChannel where the browser has one; otherwise a `storage` event (a key written and
// removed at once, naming no one), which every other tab of the same origin receives.
const NAME = 'amhp-tabs';
const KEY = 'amhp-tabs-message';

const listeners = new Map(); // type → Set of fn(message)
let channel = null;

function receive(message) {
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  for (const fn of listeners.get(message.type) ?? []) fn(message);
}

try {
  if (typeof BroadcastChannel === 'function') {
    channel = new BroadcastChannel(NAME);
    channel.onmessage = (event) => receive(event.data);
  }
} catch {
  channel = null;
}

if (!channel && typeof addEventListener === 'function') {
  addEventListener('storage', (event) => {
    if (event.key !== KEY || !event.newValue) return;
    try {
      receive(JSON.parse(event.newValue));
    } catch {
      // not ours, or damaged: nothing to do
    }
  });
}

/** Tells every other tab of the app on this phone `message` ({ type, ... }: no one's data). This tab is not told. */
export function tellOtherTabs(message) {
  try {
    if (channel) {
      channel.postMessage(message);
      return;
    }
    // A unique value each time, so that the same message twice is still a change the other tabs hear of.
    localStorage.setItem(KEY, JSON.stringify({ ...message, nonce: `${Date.now()}-${Math.random()}` }));
    localStorage.removeItem(KEY);
  } catch {
    // no storage (private mode) and no channel: the other tabs find out at their next request
  }
}

/** Calls `fn(message)` when another tab tells of a `type`. Returns the unsubscribe function. */
export function onOtherTab(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  return () => listeners.get(type).delete(fn);
}
