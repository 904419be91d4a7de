// Times the AMHP types on the job screen: wall-clock times in England (Europe/London), turned into instants with
// their offset for the service, whatever zone the phone itself is set to.

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The London wall clock at an instant: { year, month, day, hour, minute, second } as numbers. */
function wall(ms) {
  const out = {};
  for (const p of PARTS.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** London's offset from UTC (ms) at an instant: 0 in GMT, an hour in BST. */
function offsetAt(ms) {
  const w = wall(ms);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - (ms - (ms % 1000));
}

const pad = (n) => String(n).padStart(2, '0');

/** "2026-11-21T02:10" for a datetime-local input showing the instant in London. */
export function londonInputValue(ms) {
  const w = wall(ms);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** "02:10" for a time input showing the instant in London. */
export function londonTimeValue(ms) {
  return londonInputValue(ms).slice(11);
}

/**
 * The instant a London wall time names ("2026-11-21T02:10"), or null if it is not one. In the hour the clocks go back
 * the earlier instant is taken; a time the clocks skipped is read with the offset before the change.
 */
export function fromLondonInput(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value || '');
  if (!m) return null;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const first = guess - offsetAt(guess - 3 * 3_600_000);
  const second = guess - offsetAt(first);
  const valid = [first, second].filter((ms) => londonInputValue(ms) === value);
  return valid.length ? Math.min(...valid) : first;
}

/**
 * The instant of a London time of day ("02:10") at or before `now`: today's, or yesterday's if today's is still to
 * come (a night shift records the evening before after midnight). Null if the time is not one.
 */
export function latestLondonTime(value, now) {
  if (!/^\d{2}:\d{2}$/.test(value || '')) return null;
  const today = londonInputValue(now).slice(0, 10);
  const at = fromLondonInput(`${today}T${value}`);
  if (at === null) return null;
  if (at <= now + 60_000) return at;
  const yesterday = londonInputValue(now - 86_400_000).slice(0, 10);
  return fromLondonInput(`${yesterday}T${value}`);
}

/** An instant as the service takes it: ISO 8601 in UTC (Z). */
export function instant(ms) {
  return new Date(ms).toISOString();
}
