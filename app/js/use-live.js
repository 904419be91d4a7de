// The screens' hook for the live event stream (app/js/live.js follow). Apart from ui.js, which the sign-in screen uses,
// so that the first load does not fetch the stream's rules: only the signed-in screens import it.
import { useEffect, useRef } from './deps.js';
import { follow } from './live.js';

/**
 * The screen's reads kept up to date by the live stream (app/js/live.js follow): `load(parts)` now, then for the
 * events `concerns(events)` says are about parts of the screen, and on a timer (unless `poll` is false).
 */
export function useLive(load, concerns, { poll = true } = {}) {
  const latest = useRef(null);
  latest.current = { load, concerns };
  useEffect(() => follow(latest, { poll }), []);
}
