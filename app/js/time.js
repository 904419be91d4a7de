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

/** A day (a local date, "2026-11-21") as the app shows one: "Sat 21 Nov". */
export function localDay(isoDate) {
  const [y, m, d] = String(isoDate).split('-').map(Number);
  return DAY.format(new Date(Date.UTC(y, m - 1, d, 12)));
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
 * Every instant (ms) a London wall time names ("2026-10-25T01:30"; seconds, if a browser adds them, are ignored), in
 * order: none when it is not a date and time or names a time the clocks skipped (the spring change), two for a time
 * that happens twice (the autumn change: first in BST, then in GMT), else one.
 */
export function londonInstants(value) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value || '');
  if (!m) return [];
  const asUtc = Date.parse(`${m[1]}:00Z`);
  if (!Number.isFinite(asUtc)) return [];
  return [1, 0].map((offsetHours) => asUtc - offsetHours * 3_600_000).filter((ms) => londonInputValue(ms) === m[1]);
}

/**
 * The instant (ms) a London wall time names, or null when it is not a date and time or names a time the clocks
 * skipped (the spring change). A time that happens twice (the autumn change) is read as the first, in BST.
 */
export function fromLondonInput(value) {
  const [first] = londonInstants(value);
  return first === undefined ? null : first;
}

/**
 * What a London time of day ("02:10") typed at `now` (ms) can mean: the instants, not in the future (a minute's grace
 * for a phone a little fast), of today's such time, or yesterday's if today's is still to come (on a night shift,
 * after midnight, 23:40 is the evening before); nearest to now first. Two on the autumn night for a time in the hour
 * the clocks repeat (01:00-01:59) when both have happened: 01:20 GMT (the second) first, then 01:20 BST. `skipped`
 * when today's is a time the clocks skipped (the spring night's 01:00-01:59) and has gone by. None for what is not
 * a time of day.
 */
export function londonTimesOfDay(value, now) {
  if (!/^\d{2}:\d{2}$/.test(value || '')) return { choices: [], skipped: false };
  const today = `${londonDate(now)}T${value}`;
  const todays = londonInstants(today).filter((ms) => ms <= now + 60_000);
  if (todays.length) return { choices: todays.reverse(), skipped: false };
  // Today's did not happen: skipped by the clocks (once the wall clock has passed it), or still to come.
  if (!londonInstants(today).length && today <= londonInputValue(now + 60_000)) return { choices: [], skipped: true };
  return { choices: londonInstants(`${londonDate(now - 86_400_000)}T${value}`).reverse(), skipped: false };
}

/** The instant of a London time of day at or before `now` (ms): the nearest reading of londonTimesOfDay, or null. */
export function latestLondonTime(value, now) {
  const [nearest] = londonTimesOfDay(value, now).choices;
  return nearest === undefined ? null : nearest;
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
