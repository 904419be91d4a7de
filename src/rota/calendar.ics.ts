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
  /** LAST-MODIFIED (RFC 5545 §3.8.7.3): the later of the assignment's making and the last change to the shift's details. */
  lastModified: Date;
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
  /** Display names of the AMHPs on the shift (staff names only). */
  amhps: string[];
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

/** SUMMARY of a hub shift: `Night (22:00–09:00): Ann Smith, Bo Jones`, or `… : unfilled` when nobody is on it. */
export function shiftSummary(s: ShiftFact, timeZone: string): string {
  const who = s.amhps.length ? s.amhps.join(', ') : 'unfilled';
  return `${s.label} (${localTimes(s.startsAt, s.endsAt, timeZone)}): ${who}`;
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
      sequence: sequence(a.shiftVersion),
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
    const staffed = `${s.amhps.length} of ${s.requiredCount} AMHP${s.requiredCount === 1 ? '' : 's'}`;
    cal.createEvent({
      id: shiftUid(s.shiftId),
      sequence: sequence(s.version, s.staffingVersion),
      stamp: o.stamp,
      lastModified: s.lastModified,
      start: s.startsAt,
      end: s.endsAt,
      summary: shiftSummary(s, o.timeZone),
      description: s.amhps.length ? `On duty: ${s.amhps.join(', ')} (${staffed})` : `Nobody assigned yet (${staffed})`,
      // A hub shift is not the subscriber's own time: show it as free so it does not block their calendar.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return text(cal);
}
