// Times for England: shown in Europe/London with the zone (GMT or BST), London wall-clock times typed into forms
// turned into instants (whatever zone the phone is set to), and countdowns to statutory deadlines.

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

const WALL = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The London wall clock at an instant (ms) as a datetime-local input shows it: "2026-11-21T02:10". */
export function londonInputValue(ms) {
  const p = Object.fromEntries(WALL.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The London date of an instant (ms): "2026-11-21". */
export function londonDate(ms) {
  return londonInputValue(ms).slice(0, 10);
}

/**
 * The instant (ms) a London wall time names ("2026-11-21T02:10"; seconds, if a browser adds them, are ignored), or
 * null when it is not a date and time or names a time the clocks skipped (the spring change). A time that happens
 * twice (the autumn change) is read as the first, in BST.
 */
export function fromLondonInput(value) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value || '');
  if (!m) return null;
  const asUtc = Date.parse(`${m[1]}:00Z`);
  if (!Number.isFinite(asUtc)) return null;
  for (const offsetHours of [1, 0]) {
    const ms = asUtc - offsetHours * 3_600_000;
    if (londonInputValue(ms) === m[1]) return ms;
  }
  return null;
}

/**
 * The instant of a London time of day ("02:10") at or before `now` (ms): today's, or yesterday's if today's is still
 * to come (on a night shift, after midnight, 23:40 is the evening before). Null if it is not a time that happened.
 */
export function latestLondonTime(value, now) {
  if (!/^\d{2}:\d{2}$/.test(value || '')) return null;
  const at = fromLondonInput(`${londonDate(now)}T${value}`);
  if (at === null || at <= now + 60_000) return at;
  return fromLondonInput(`${londonDate(now - 86_400_000)}T${value}`);
}

/** An instant (ms) as the service takes it: ISO 8601 in UTC. */
export function instant(ms) {
  return new Date(ms).toISOString();
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
