/**
 * Rota calendar feeds as iCalendar (RFC 5545). Pure: facts in, an ICS string out (no Nest, no I/O, no clock).
 *
 * Only rota data goes in: shift label, period, staff names on the hub feed. Never shift notes (free text that
 * could carry a person's details), never referral or patient data (a feed leaves the hub's access control: no patient data in a feed).
 *
 * Times are written in UTC (`DTSTART:20261024T210000Z`): valid RFC 5545 (§3.3.5 form #2), DST-correct whatever
 * the calendar app's zone, and needing no VTIMEZONE block (a `TZID=` without its VTIMEZONE would be invalid, and
 * a hand-kept VTIMEZONE for Europe/London is one more thing to get wrong). The local wall-clock times a person
 * thinks in ("Night (22:00–09:00)") are in the SUMMARY, worked out in the hub's time zone.
 */
import { ICalCalendar, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';
import { filledPlaces, shiftParts } from './rota.rules';

export const UID_DOMAIN = 'amhp-hub';

/** One AMHP's assignment on a shift (the practitioner feed). */
export interface AssignmentFact {
  assignmentId: string;
  label: string;
  startsAt: Date;
  endsAt: Date;
  /**
   * The shift's version, which counts changes to its own details (label, staffing, notes): SEQUENCE is version - 1
   * (RFC 5545 §3.8.7.4: a new component has sequence 0). Who else is on the shift is not in this event, so it does not count.
   */
  shiftVersion: number;
  /**
   * The assignment's own version (1 when made), raised each time her own times change in place (taken off part-way,
   * ROTA-WORKED): DTSTART/DTEND move, so SEQUENCE must too (RFC 5545 §3.8.7.4).
   */
  assignmentVersion: number;
  /**
   * LAST-MODIFIED (RFC 5545 §3.8.7.3): the latest of the assignment's making, the last change to its own times and
   * the last change to the shift's details.
   */
  lastModified: Date;
}

/** An AMHP on a hub shift: her name and, when it is not the whole shift, her own part of it (ROTA-WORKED). */
export interface ShiftAmhp {
  displayName: string;
  startsAt?: Date;
  endsAt?: Date;
}

/** A shift with the AMHPs on it (the hub feed). */
export interface ShiftFact {
  shiftId: string;
  label: string;
  startsAt: Date;
  endsAt: Date;
  requiredCount: number;
  /** Changes to the shift's own details (1 when made). */
  version: number;
  /** Assignments put on or taken off the shift (0 when made): who is on duty is what this event shows. */
  staffingVersion: number;
  /** LAST-MODIFIED (RFC 5545 §3.8.7.3): the last change to the shift's details or to who is on it. */
  lastModified: Date;
  /** The AMHPs on the shift, each for her own part of it (staff names only). */
  amhps: ShiftAmhp[];
}

export interface FeedOptions {
  /** X-WR-CALNAME: what a calendar app calls the subscription. */
  name: string;
  /** The hub's time zone, for the local times in summaries. */
  timeZone: string;
  /** DTSTAMP of every event: when this feed was generated (there is no METHOD, RFC 5545 §3.8.7.2). */
  stamp: Date;
  /** How often a calendar app should fetch again (REFRESH-INTERVAL / X-PUBLISHED-TTL), in seconds. */
  refreshSeconds?: number;
}

/** Local start and end of a period, e.g. `22:00–09:00`, in the hub's time zone. */
export function localTimes(startsAt: Date, endsAt: Date, timeZone: string): string {
  const hhmm = (d: Date) => DateTime.fromJSDate(d, { zone: timeZone }).toFormat('HH:mm');
  return `${hhmm(startsAt)}–${hhmm(endsAt)}`;
}

/** SUMMARY of an AMHP's own assignment: `AMHP duty: Night (22:00–09:00)`. */
export function dutySummary(label: string, startsAt: Date, endsAt: Date, timeZone: string): string {
  return `AMHP duty: ${label} (${localTimes(startsAt, endsAt, timeZone)})`;
}

const wallClock = (d: Date, timeZone: string) => DateTime.fromJSDate(d, { zone: timeZone }).toFormat('HH:mm');

/** An AMHP on a hub shift: `Ann Smith`, or with her part when it is not the whole shift: `Ann Smith (until 22:39)`. */
function amhpOnShift(s: ShiftFact, a: ShiftAmhp, timeZone: string): string {
  const from = a.startsAt && a.startsAt > s.startsAt ? a.startsAt : undefined;
  const until = a.endsAt && a.endsAt < s.endsAt ? a.endsAt : undefined;
  if (from && until) return `${a.displayName} (${localTimes(from, until, timeZone)})`;
  if (from) return `${a.displayName} (from ${wallClock(from, timeZone)})`;
  if (until) return `${a.displayName} (until ${wallClock(until, timeZone)})`;
  return a.displayName;
}

/** The parts of a hub shift with fewer AMHPs on than it needs, as local times: `22:39–09:00`. */
function shortParts(s: ShiftFact, timeZone: string): string[] {
  const short: Array<{ startsAt: Date; endsAt: Date }> = [];
  for (const part of shiftParts(s, s.amhps)) {
    if (part.on.length >= s.requiredCount) continue;
    const last = short[short.length - 1];
    if (last && last.endsAt.getTime() === part.startsAt.getTime()) last.endsAt = part.endsAt;
    else short.push({ startsAt: part.startsAt, endsAt: part.endsAt });
  }
  return short.map((p) => localTimes(p.startsAt, p.endsAt, timeZone));
}

/**
 * SUMMARY of a hub shift: `Night (22:00–09:00): Ann Smith, Bo Jones`, or `… : unfilled` when nobody is on it. An AMHP
 * on it for part of it only is shown with her part, and the time the shift is then short: `…: Ann Smith (until
 * 22:39); short 22:39–09:00`.
 */
export function shiftSummary(s: ShiftFact, timeZone: string): string {
  if (!s.amhps.length) return `${s.label} (${localTimes(s.startsAt, s.endsAt, timeZone)}): unfilled`;
  const who = s.amhps.map((a) => amhpOnShift(s, a, timeZone)).join(', ');
  const partly = s.amhps.some((a) => (a.startsAt && a.startsAt > s.startsAt) || (a.endsAt && a.endsAt < s.endsAt));
  const short = partly ? shortParts(s, timeZone) : [];
  return `${s.label} (${localTimes(s.startsAt, s.endsAt, timeZone)}): ${who}${short.length ? `; short ${short.join(', ')}` : ''}`;
}

export function assignmentUid(id: string): string {
  return `assignment-${id}@${UID_DOMAIN}`;
}

export function shiftUid(id: string): string {
  return `shift-${id}@${UID_DOMAIN}`;
}

function calendar(o: FeedOptions): ICalCalendar {
  return new ICalCalendar({
    prodId: { company: 'amhp-hub', product: 'rota', language: 'EN' },
    name: o.name,
    ...(o.refreshSeconds ? { ttl: o.refreshSeconds } : {}),
  });
}

/**
 * SEQUENCE (RFC 5545 §3.8.7.4): 0 when the event is made, raised by every revision a subscriber would see, so that a
 * calendar app that reconciles by UID and SEQUENCE takes the new one. `changes` counts revisions made after creation.
 */
const sequence = (version: number, changes = 0) => Math.max(0, version - 1) + changes;

/** RFC 5545 §3.1: every content line ends with CRLF, the last (END:VCALENDAR) too; ical-generator leaves it off. */
function text(cal: ICalCalendar): string {
  const ics = cal.toString();
  return ics.endsWith('\r\n') ? ics : `${ics}\r\n`;
}

/** The feed of one AMHP's assignments. Stable UIDs, so a calendar app updates an event rather than adding another. */
export function assignmentsCalendar(assignments: AssignmentFact[], o: FeedOptions): string {
  const cal = calendar(o);
  for (const a of assignments) {
    cal.createEvent({
      id: assignmentUid(a.assignmentId),
      sequence: sequence(a.shiftVersion, Math.max(0, a.assignmentVersion - 1)),
      stamp: o.stamp,
      lastModified: a.lastModified,
      start: a.startsAt,
      end: a.endsAt,
      summary: dutySummary(a.label, a.startsAt, a.endsAt, o.timeZone),
    });
  }
  return text(cal);
}

/** The hub feed: every shift, with who is on it and how many it needs. */
export function hubCalendar(shifts: ShiftFact[], o: FeedOptions): string {
  const cal = calendar(o);
  for (const s of shifts) {
    // Places filled the whole way through: an AMHP on for part of the shift only fills it for that part (ROTA-WORKED).
    const filled = filledPlaces(s, s.amhps);
    const short = shortParts(s, o.timeZone);
    const staffed = `${filled} of ${s.requiredCount} AMHP${s.requiredCount === 1 ? '' : 's'}${
      filled < s.requiredCount && short.length && s.amhps.length ? `; short ${short.join(', ')}` : ''
    }`;
    const who = s.amhps.map((a) => amhpOnShift(s, a, o.timeZone)).join(', ');
    cal.createEvent({
      id: shiftUid(s.shiftId),
      sequence: sequence(s.version, s.staffingVersion),
      stamp: o.stamp,
      lastModified: s.lastModified,
      start: s.startsAt,
      end: s.endsAt,
      summary: shiftSummary(s, o.timeZone),
      description: s.amhps.length ? `On duty: ${who} (${staffed})` : `Nobody assigned yet (${staffed})`,
      // A hub shift is not the subscriber's own time: show it as free so it does not block their calendar.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return text(cal);
}
