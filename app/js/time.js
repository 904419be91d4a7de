// Times for England: shown in Europe/London with the zone (GMT or BST), and countdowns to statutory deadlines.

const LONDON = 'Europe/London';
const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, weekday: 'short', day: 'numeric', month: 'short' });
const TIME = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

/** "Sat 21 Nov, 10:00 GMT". */
export function localTime(iso) {
  const d = new Date(iso);
  return `${DAY.format(d)}, ${TIME.format(d)}`;
}

/** "10:00 GMT". */
export function localClock(iso) {
  return TIME.format(new Date(iso));
}

/** A clock is near breach with an hour or less left. */
export const NEAR_BREACH_MS = 60 * 60 * 1000;

function span(ms) {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min ${sec} s`;
}

/** What a running clock says at `now`: its state and the words for it. */
export function countdown(deadlineIso, now) {
  const left = Date.parse(deadlineIso) - now;
  if (left <= 0) return { state: 'breached', text: `Breached ${span(-left)} ago` };
  return { state: left <= NEAR_BREACH_MS ? 'near' : 'running', text: `${span(left)} left` };
}
