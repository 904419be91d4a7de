// The screens' hooks for the live event stream (app/js/live.js follow) and for the rota's changes with the time alone. Apart from ui.js, which the sign-in screen uses,
// so that the first load does not fetch the stream's rules: only the signed-in screens import it.
import { useEffect, useRef } from './deps.js';
import { follow, rotaChangesAt } from './live.js';
import { serverNow } from './session.js';

/**
 * The screen's reads kept up to date by the live stream (app/js/live.js follow): `load(parts)` now, then for the
 * events `concerns(events)` says are about parts of the screen, and on a timer (unless `poll` is false).
 */
export function useLive(load, concerns, { poll = true } = {}) {
  const latest = useRef(null);
  latest.current = { load, concerns };
  useEffect(() => follow(latest, { poll }), []);
}

/**
 * Reads a screen's rota again (`read()`) a second after it next changes with the time alone, which no event tells: a
 * shift on duty ending, the next starting, or one of the `gaps` listed starting or ending (live.js rotaChangesAt, from
 * the on-duty answer `duty` as last read). Only while the app is on screen: shown again, the screens' timer reads it.
 */
export function useRotaTimer(read, duty, gaps = null) {
  useEffect(() => {
    const at = rotaChangesAt(duty, gaps || []);
    if (at === null) return undefined;
    const id = setTimeout(
      () => document.visibilityState === 'visible' && void read(),
      Math.min(Math.max(at - serverNow(), 0) + 1_000, 2 ** 31 - 1),
    );
    return () => clearTimeout(id);
  }, [duty, gaps]);
}
