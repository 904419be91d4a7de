/**
 * Whose objection to a s.3 or guardianship application counts (NR-14, NR-02, MHA25-06). Pure: who objected, who
 * held the representative's functions when they objected and who holds them now come in; their standing and
 * whether the objection counts come out. No Nest, no ORM, no I/O, no clock.
 *
 * Reading of the law (legal sign-off applies):
 * - MHA 1983 s.11(4)(a) (NR-02): the application may not be made if "the nearest relative" has notified the AMHP or
 *   the LSSA that they object. Only the person who is the nearest relative when they object counts; the views of
 *   other relatives are kept and shown to the AMHP, but do not prevent the application.
 * - s.29(6) (NR-10): while a county court order is in force, the acting nearest relative it appoints has the nearest
 *   relative's functions, so their objection counts and the displaced nearest relative's no longer does (even one
 *   made before the order: the order is what ends it).
 * - SI 2008/1184 reg 24 (NR-09): a person the nearest relative (or the acting nearest relative) authorised in writing
 *   exercises their functions, so the delegate's objection counts as theirs while the one who delegated still holds
 *   the functions.
 * - MHA 2025 s.24-25 (MHA25-05, MHA25-06): from the commencement, the nominated person in office is the one whose
 *   objection counts (it then needs the AMHP's report rather than blocking); before it, a nominated person's objection
 *   is information only, and after it a nearest relative's is.
 * - An objection whose maker is not recorded is treated as the representative's until who objected is recorded (the
 *   safe reading: s.11(4)(a) forbids the application in the face of an objection).
 */

/** Who made the objection, as recorded. */
export type Objector =
  | { kind: 'relative'; relativeId: string }
  | { kind: 'acting-nearest-relative'; displacementId: string }
  /** reg 24: the delegate of a relative (`forRelativeId`) or of the acting nearest relative (`forDisplacementId`). */
  | { kind: 'delegate'; delegateName: string; forRelativeId: string | null; forDisplacementId: string | null }
  | { kind: 'nominated-person'; nominatedPersonId: string }
  | { kind: 'not-recorded' };

/** Who holds the representative's functions at one instant. */
export interface RepresentativeAt {
  regime: 'nearest-relative' | 'nominated-person';
  /** ss.26-28: the relative who is nearest relative by the ranking (displaced or not). */
  nearestRelativeId: string | null;
  /** NR-10: the s.29 order (its id) in force, which displaces the nearest relative. */
  actingOrderId: string | null;
  /** MHA25-05: the nominated person in office. */
  nominatedPersonId: string | null;
}

export type Standing =
  | 'nearest-relative'
  | 'acting-nearest-relative'
  | 'delegate-of-nearest-relative'
  | 'delegate-of-acting-nearest-relative'
  | 'nominated-person'
  /** The nearest relative by s.26, displaced by a s.29 order. */
  | 'displaced-nearest-relative'
  | 'other-relative'
  /** A delegate of someone who does not hold the functions. */
  | 'delegate-without-authority'
  /** An acting nearest relative whose order is not (or no longer) in force. */
  | 'order-not-in-force'
  /** A nominated person recorded before the MHA 2025 nominated-person provisions apply. */
  | 'nominated-person-not-commenced'
  /** A nominated person no longer (or not yet) in office. */
  | 'former-nominated-person'
  /** Someone other than the nominated person, once the nominated person replaces the nearest relative. */
  | 'not-nominated-person'
  | 'not-recorded';

const COUNTING: ReadonlySet<Standing> = new Set([
  'nearest-relative',
  'acting-nearest-relative',
  'delegate-of-nearest-relative',
  'delegate-of-acting-nearest-relative',
  'nominated-person',
  'not-recorded',
]);

export const STANDING_TEXT: Record<Standing, string> = {
  'nearest-relative': 'the nearest relative (s.26)',
  'acting-nearest-relative': 'the acting nearest relative appointed by the county court (s.29(6))',
  'delegate-of-nearest-relative': 'authorised in writing by the nearest relative to act for them (reg 24, SI 2008/1184)',
  'delegate-of-acting-nearest-relative': 'authorised in writing by the acting nearest relative to act for them (reg 24, SI 2008/1184)',
  'nominated-person': 'the nominated person (MHA 2025 s.24)',
  'displaced-nearest-relative': 'the nearest relative by s.26, displaced by a county court order (s.29)',
  'other-relative': 'a relative who is not the nearest relative',
  'delegate-without-authority': 'authorised by someone who is not the nearest relative',
  'order-not-in-force': 'named in a s.29 order that is not in force',
  'nominated-person-not-commenced': 'a nominated person, before the MHA 2025 nominated-person provisions apply',
  'former-nominated-person': 'a nominated person not in office',
  'not-nominated-person': 'not the nominated person, who has replaced the nearest relative (MHA 2025 s.24)',
  'not-recorded': 'not recorded',
};

/** The standing of `objector` while `rep` holds the functions. */
export function standingAt(objector: Objector, rep: RepresentativeAt): Standing {
  if (objector.kind === 'not-recorded') return 'not-recorded';
  if (rep.regime === 'nominated-person') {
    if (objector.kind !== 'nominated-person') return 'not-nominated-person';
    return objector.nominatedPersonId === rep.nominatedPersonId ? 'nominated-person' : 'former-nominated-person';
  }
  switch (objector.kind) {
    case 'nominated-person':
      return 'nominated-person-not-commenced';
    case 'acting-nearest-relative':
      return objector.displacementId === rep.actingOrderId ? 'acting-nearest-relative' : 'order-not-in-force';
    case 'relative':
      if (objector.relativeId !== rep.nearestRelativeId) return 'other-relative';
      return rep.actingOrderId ? 'displaced-nearest-relative' : 'nearest-relative';
    case 'delegate':
      if (objector.forDisplacementId)
        return objector.forDisplacementId === rep.actingOrderId ? 'delegate-of-acting-nearest-relative' : 'delegate-without-authority';
      return objector.forRelativeId !== null && objector.forRelativeId === rep.nearestRelativeId && !rep.actingOrderId
        ? 'delegate-of-nearest-relative'
        : 'delegate-without-authority';
  }
}

export interface ObjectionStanding {
  /** Their standing when they objected. */
  standing: Standing;
  /** Their standing at the instant asked (the application, or now). */
  standingNow: Standing;
  /** The objection is in force (notified, not withdrawn) and its maker held, and still holds, the functions. */
  counts: boolean;
  /** Plain English, citing the section. */
  explanation: string;
}

/**
 * The standing of one objection: judged when it was notified, and again at the instant asked, because a s.29 order
 * (or the end of a nominated person's appointment) made since takes the functions away from whoever objected.
 */
export function objectionStanding(input: {
  objector: Objector;
  inForce: boolean;
  atNotification: RepresentativeAt;
  now: RepresentativeAt;
}): ObjectionStanding {
  const standing = standingAt(input.objector, input.atNotification);
  const standingNow = standingAt(input.objector, input.now);
  if (!input.inForce)
    return { standing, standingNow, counts: false, explanation: 'The objection has been withdrawn (or is not yet notified).' };
  const heldThen = COUNTING.has(standing);
  const holdsNow = COUNTING.has(standingNow);
  const counts = heldThen && holdsNow;
  let explanation: string;
  if (standing === 'not-recorded') {
    explanation = 'Who objected is not recorded, so the objection is treated as the nearest relative’s until it is: record who objected.';
  } else if (counts) {
    explanation = `Made by ${STANDING_TEXT[standing]}: it counts.`;
  } else if (heldThen) {
    explanation = `Made by ${STANDING_TEXT[standing]}, who is now ${STANDING_TEXT[standingNow]}: it no longer counts, and is kept as information.`;
  } else {
    explanation = `Made by ${STANDING_TEXT[standing]}: only the ${input.atNotification.regime === 'nominated-person' ? 'nominated person' : 'nearest relative (or the acting nearest relative, or a person either authorised under reg 24)'} can object, so it is kept as information and does not prevent the application.`;
  }
  return { standing, standingNow, counts, explanation };
}
