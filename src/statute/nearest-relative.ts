/**
 * Who is the patient's nearest relative: MHA 1983 ss.26-29 (NR-04..NR-10), and the MHA 2025 switch
 * to the nominated person (MHA25-05, MHA 2025 s.24). Pure: the facts and the date come in; the proposal and a plain-English
 * trace citing the subsection for every step come out. No Nest, no ORM, no I/O, no clock.
 *
 * It is a PROPOSAL: the law asks who "appears to be" the nearest relative to the AMHP, on the facts known, so the
 * trace says what was assumed (an unrecorded age, an unrecorded spouse) for the AMHP to confirm.
 *
 * Reading of the law (✱ where the wording is unverified; legal sign-off applies):
 * - s.26(1), (3) (NR-04): classes (a)-(h); whole blood before half blood in the same class; the elder before the
 *   younger regardless of sex. An unknown date of birth ranks after a known one in the same tie, and is traced.
 * - s.26(4) (NR-05): relatives the patient ordinarily resides with or is cared for by (or did, immediately before
 *   admission) take precedence; among them, s.26(3) ranks.
 * - s.26(5) (NR-06): disregarded "as if dead": a relative not ordinarily resident in the UK, Channel Islands or Isle
 *   of Man, where the patient is (s.26(5)(a): for a patient who is not, relatives abroad count; a patient whose
 *   residence is not recorded is taken to be, and the trace says so); a spouse or civil partner permanently separated or deserted; anyone under
 *   18 other than a spouse, civil partner or parent.
 * - s.26(6), (7) (NR-07): a cohabitee of at least six months is treated as a spouse, and a non-relative the patient
 *   has lived with for at least five years as a relative ranked last; neither while the patient is married (or in
 *   a civil partnership) to a spouse who is not separated or deserted. Both must live with the patient, so both
 *   count for s.26(4).
 * - ss.27-28 (NR-08): for a patient under 18, a local authority holding a care order is the NR in preference to
 *   everyone except a spouse or civil partner (s.27); a guardian (Children Act) or the person named in a child
 *   arrangements ("residence") order is the NR to the exclusion of anyone else (s.28(1)), subject to s.26(5)
 *   (s.28(2)).
 * - reg 24, SI 2008/1184 (NR-09): the NR may authorise someone in writing to act for them: `actingAs`.
 * - s.29 (NR-10): a county court order appointing an acting NR overrides all of the above.
 */
import { addMonths, ageOn, isUnder, type IsoDate } from './time';

/** s.26(1) classes, plus the derived candidates of s.26(6)-(7) and the child-patient branch of ss.27-28. */
export const RELATIONSHIPS = [
  'spouse',
  'civil-partner',
  'cohabitee',
  'child',
  'parent',
  'sibling',
  'grandparent',
  'grandchild',
  'uncle-aunt',
  'nephew-niece',
  'non-relative-resident',
  'local-authority-care-order',
  'guardian-or-residence-order',
  'other',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** Which representative the law in force provides: the 1983 nearest relative, or the MHA 2025 nominated person. */
export type RepresentativeRegime = 'nearest-relative' | 'nominated-person';

/** NR-07 (s.26(6)): living together as a couple for "not less than six months" (calendar months). */
export const COHABITEE_MIN_MONTHS = 6;
/** NR-07 (s.26(7)): a non-relative the patient has lived with for "not less than five years" (60 calendar months). */
export const NON_RELATIVE_MIN_MONTHS = 60;
/** NR-06 (s.26(5)(c)) and NR-08 (ss.27-28): the age of majority. */
export const ADULT_AGE = 18;

export interface PatientFacts {
  dateOfBirth: IsoDate | null;
  /** Has a spouse or civil partner who is not permanently separated and has not deserted (nor been deserted). */
  married: boolean;
  /** Overrides the age worked out from `dateOfBirth` (e.g. a date of birth unknown but the patient known to be a child). */
  under18?: boolean;
  /**
   * NR-06 (s.26(5)(a)): the patient is ordinarily resident in the UK, the Channel Islands or the Isle of Man; only then
   * are relatives who are not disregarded. Null or absent: not recorded, taken to be (traced for the AMHP to confirm).
   */
  ukResident?: boolean | null;
}

export interface RelativeFacts {
  id: string;
  name: string;
  relationship: Relationship;
  wholeBlood: boolean;
  dateOfBirth: IsoDate | null;
  /** The patient ordinarily resides with them (or did immediately before admission). */
  livesWithPatient: boolean;
  /** They care for the patient (or did immediately before admission). */
  caresForPatient: boolean;
  ukResident: boolean;
  separatedOrDeserted: boolean;
  yearsLivingWith: number | null;
  /**
   * NR-07: the day they began living with the patient, when known: the six months (or five years) are then counted in
   * calendar months to the day asked about (livedWithLongEnough), and `yearsLivingWith` is not read.
   */
  livingWithSince?: IsoDate | null;
  /** NR-09: the person this relative has authorised in writing to act as nearest relative. */
  authorisedDelegate: string | null;
}

export interface NearestRelativeInput {
  patient: PatientFacts;
  relatives: RelativeFacts[];
  /** The date the question is asked for (ages are worked out on it). */
  asAt: IsoDate;
  /** NR-10: a s.29 order in force. */
  displacement?: { actingNearestRelative: string } | null;
  regime: RepresentativeRegime;
}

/** The s.26(1) paragraph, s.26(7) (ranked after (h)), or the child-patient sections. */
export type RankClass = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 's.26(7)' | 's.27' | 's.28';

export interface RankedRelative {
  relativeId: string;
  name: string;
  relationship: Relationship;
  /** 1 is the nearest relative (unless displaced under s.29). */
  rank: number;
  class: RankClass;
  /** s.26(4): the patient lives with or is cared for by them. */
  preferred: boolean;
}

export interface ExcludedRelative {
  relativeId: string;
  name: string;
  relationship: Relationship;
  /** Plain English, citing the subsection. */
  reason: string;
}

export interface ProposedNearestRelative {
  /** The recorded relative; null only for a court-appointed acting nearest relative (s.29), who may not be one. */
  relativeId: string | null;
  name: string;
  /** NR-09: who exercises the functions on the nearest relative's behalf (reg 24). Whoever acts is `actingAs ?? name`. */
  actingAs?: string;
  basis: 's.26' | 's.27' | 's.28' | 's.29';
}

export interface NearestRelativeProposal {
  nearestRelative: ProposedNearestRelative | null;
  ranked: RankedRelative[];
  excluded: ExcludedRelative[];
  trace: string[];
}

const CLASS_OF: Partial<Record<Relationship, RankClass>> = {
  spouse: 'a',
  'civil-partner': 'a',
  cohabitee: 'a',
  child: 'b',
  parent: 'c',
  sibling: 'd',
  grandparent: 'e',
  grandchild: 'f',
  'uncle-aunt': 'g',
  'nephew-niece': 'h',
  'non-relative-resident': 's.26(7)',
};
const CLASS_ORDER: RankClass[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 's.26(7)'];

/** The s.26 class a relationship ranks in (undefined for the child-patient branch and 'other'). */
export function rankClassOf(relationship: Relationship): RankClass | undefined {
  return CLASS_OF[relationship];
}

const LABEL: Record<Relationship, string> = {
  spouse: 'husband or wife',
  'civil-partner': 'civil partner',
  cohabitee: 'cohabitee',
  child: 'son or daughter',
  parent: 'father or mother',
  sibling: 'brother or sister',
  grandparent: 'grandparent',
  grandchild: 'grandchild',
  'uncle-aunt': 'uncle or aunt',
  'nephew-niece': 'nephew or niece',
  'non-relative-resident': 'non-relative living with the patient',
  'local-authority-care-order': 'local authority holding a care order',
  'guardian-or-residence-order': 'guardian, or person named in a child arrangements (residence) order',
  other: 'other',
};

const CLASS_TEXT: Record<RankClass, string> = {
  a: 'class (a)',
  b: 'class (b)',
  c: 'class (c)',
  d: 'class (d)',
  e: 'class (e)',
  f: 'class (f)',
  g: 'class (g)',
  h: 'class (h)',
  's.26(7)': 'ranked last under s.26(7)',
  's.27': 's.27',
  's.28': 's.28',
};

interface Candidate {
  r: RelativeFacts;
  cls: RankClass;
  preferred: boolean;
  order: number;
}

function named(r: RelativeFacts): string {
  return `${r.name} (${LABEL[r.relationship]})`;
}

function yearsText(years: number | null): string {
  if (years === null) return 'for a length of time not recorded';
  return `for ${years} year${years === 1 ? '' : 's'}`;
}

/**
 * NR-07 (s.26(6), (7)): whether `r` has lived with the patient "for not less than" `months` calendar months on `asAt`,
 * and how long, in words. From the day they began (`livingWithSince`) the period is complete on the same day of the
 * month `months` later (a day that month lacks is its last day, C6): living together since 4 June 2026, six months are
 * complete on 4 December 2026, not on 3 December. Without that day, the years recorded are compared.
 */
export function livedWithLongEnough(
  r: Pick<RelativeFacts, 'yearsLivingWith' | 'livingWithSince'>,
  months: number,
  asAt: IsoDate,
): { enough: boolean; words: string } {
  if (r.livingWithSince) {
    const complete = addMonths(r.livingWithSince, months);
    return {
      enough: complete <= asAt,
      words: `since ${r.livingWithSince} (${months === 6 ? 'six months' : `${months / 12} years`} complete ${complete <= asAt ? 'on' : 'only on'} ${complete})`,
    };
  }
  return { enough: r.yearsLivingWith !== null && r.yearsLivingWith >= months / 12, words: yearsText(r.yearsLivingWith) };
}

/** s.26(4)/(3): preference, then class, then whole blood, then known age, then the elder, then as recorded. */
function compare(x: Candidate, y: Candidate): number {
  if (x.preferred !== y.preferred) return x.preferred ? -1 : 1;
  const byClass = CLASS_ORDER.indexOf(x.cls) - CLASS_ORDER.indexOf(y.cls);
  if (byClass) return byClass;
  if (x.r.wholeBlood !== y.r.wholeBlood) return x.r.wholeBlood ? -1 : 1;
  if (!!x.r.dateOfBirth !== !!y.r.dateOfBirth) return x.r.dateOfBirth ? -1 : 1;
  if (x.r.dateOfBirth && y.r.dateOfBirth && x.r.dateOfBirth !== y.r.dateOfBirth) return x.r.dateOfBirth < y.r.dateOfBirth ? -1 : 1;
  return x.order - y.order;
}

/** Why `x` ranks before `y`, when they are in the same s.26(4) group and class (the s.26(3) tie-breaks). */
function tieBreak(x: Candidate, y: Candidate): string {
  const same =
    LABEL[x.r.relationship] === LABEL[y.r.relationship]
      ? `two relatives described as ${LABEL[x.r.relationship]}`
      : `two relatives in ${CLASS_TEXT[x.cls]}`;
  if (x.r.wholeBlood !== y.r.wholeBlood)
    return `s.26(3): of ${same}, ${x.r.name} is of the whole blood and ${y.r.name} of the half blood, so ${x.r.name} is preferred.`;
  if (x.r.dateOfBirth && !y.r.dateOfBirth) {
    return `s.26(3): of ${same}, ${y.r.name}'s date of birth is not recorded, so ${y.r.name} is ranked after ${x.r.name}, whose age is known; confirm ${y.r.name}'s age, as the elder is preferred.`;
  }
  if (!x.r.dateOfBirth && !y.r.dateOfBirth) {
    return `s.26(3): of ${same}, neither ${x.r.name}'s nor ${y.r.name}'s date of birth is recorded, so the elder cannot be found; ${x.r.name} is ranked first as recorded first: confirm who is the elder.`;
  }
  if (x.r.dateOfBirth === y.r.dateOfBirth) {
    return `s.26(3): ${x.r.name} and ${y.r.name} share a date of birth (${x.r.dateOfBirth}); ${x.r.name} is ranked first as recorded first: confirm who is the elder.`;
  }
  return `s.26(3): of ${same}, ${x.r.name} (born ${x.r.dateOfBirth}) is the elder, and is preferred to ${y.r.name} (born ${y.r.dateOfBirth}) regardless of sex.`;
}

/** Why the first-ranked comes before the second when a rule other than the s.26(3) tie-breaks decides. */
function headReason(x: Candidate, y: Candidate): string | null {
  if (x.preferred !== y.preferred) {
    return `s.26(4): ${x.r.name} comes before ${y.r.name} (${CLASS_TEXT[y.cls]}), because the patient lives with or is cared for by ${x.r.name} and not by ${y.r.name}.`;
  }
  if (x.cls !== y.cls) {
    return `${x.preferred ? 's.26(4)(b) and s.26(3)' : 's.26(3)'}: ${x.r.name} (${CLASS_TEXT[x.cls]}, ${LABEL[x.r.relationship]}) comes before ${y.r.name} (${CLASS_TEXT[y.cls]}, ${LABEL[y.r.relationship]}).`;
  }
  return null;
}

/** Applies s.26(5) (via s.28(2) for a guardian): the reason to disregard `r`, or null. */
function section26_5(r: RelativeFacts, patient: PatientFacts, asAt: IsoDate, trace: string[]): string | null {
  // s.26(5)(a) disregards a relative living abroad only "in the case of a patient ordinarily resident" in the UK, the
  // Channel Islands or the Isle of Man: for a patient who is not, the relatives abroad rank as any others.
  if (!r.ukResident && patient.ukResident === false) {
    trace.push(
      `s.26(5)(a): ${named(r)} is not ordinarily resident in the United Kingdom, the Channel Islands or the Isle of Man, but neither is the patient, so ${r.name} is not disregarded (the exclusion applies only to a patient who is).`,
    );
  } else if (!r.ukResident && patient.ukResident === true) {
    return `s.26(5)(a): ${named(r)} excluded: not ordinarily resident in the United Kingdom, the Channel Islands or the Isle of Man, where the patient is.`;
  } else if (!r.ukResident) {
    return `s.26(5)(a): ${named(r)} excluded: not ordinarily resident in the United Kingdom, the Channel Islands or the Isle of Man, where the patient is taken to be: where the patient ordinarily resides is not recorded. Confirm it: for a patient who is not ordinarily resident there, ${r.name} is not disregarded${r.livesWithPatient ? ` (${r.name} is recorded as living with the patient)` : ''}.`;
  }
  const spouseLike = r.relationship === 'spouse' || r.relationship === 'civil-partner' || r.relationship === 'cohabitee';
  if (r.separatedOrDeserted) {
    if (spouseLike)
      return `s.26(5)(b): ${named(r)} excluded: permanently separated from the patient, or has deserted or been deserted by the patient.`;
    trace.push(
      `s.26(5)(b): ${named(r)} is recorded as separated or estranged, but only a spouse or civil partner is excluded for that, so ${r.name} is not excluded.`,
    );
  }
  if (spouseLike || r.relationship === 'parent') return null;
  if (!r.dateOfBirth) {
    trace.push(`s.26(5)(c): the date of birth of ${named(r)} is not recorded: taken to be 18 or over; confirm.`);
    return null;
  }
  if (isUnder(r.dateOfBirth, ADULT_AGE, asAt)) {
    return `s.26(5)(c): ${named(r)} excluded: under 18 (aged ${ageOn(r.dateOfBirth, asAt)}) and not the patient's spouse, civil partner or parent.`;
  }
  return null;
}

/** The patient's childhood for ss.27-28, traced. */
function patientIsChild(patient: PatientFacts, asAt: IsoDate, trace: string[]): boolean {
  if (patient.under18 !== undefined) {
    trace.push(`The patient is recorded as ${patient.under18 ? 'under 18' : '18 or over'} on ${asAt}.`);
    return patient.under18;
  }
  if (!patient.dateOfBirth) {
    trace.push(
      `The patient's date of birth is not recorded: treated as 18 or over, so the child-patient rules (ss.27-28) are not applied; confirm.`,
    );
    return false;
  }
  const age = ageOn(patient.dateOfBirth, asAt);
  const child = isUnder(patient.dateOfBirth, ADULT_AGE, asAt);
  trace.push(`The patient is ${age} on ${asAt}${child ? ': under 18, so the child-patient rules (ss.27-28) are considered' : ''}.`);
  return child;
}

/**
 * Proposes the nearest relative (or none) on `asAt`, with the ranked candidates, the excluded relatives and why,
 * and a trace citing the subsection for every step.
 */
export function proposeNearestRelative(input: NearestRelativeInput): NearestRelativeProposal {
  const { asAt, relatives } = input;
  const trace: string[] = [];

  // MHA25-05 (MHA 2025 s.24): once commenced, the nominated person replaces the nearest relative altogether.
  if (input.regime === 'nominated-person') {
    trace.push(
      `MHA 2025 s.24: on ${asAt} the nominated person has replaced the nearest relative (the commencement is configured for this service), so s.26 is not applied and there is no nearest relative.`,
      'MHA 2025 s.24: a nominated person must be appointed (by the patient in writing, witnessed; or, where the patient lacks the capacity or competence to appoint and has none, by an AMHP ✱) and recorded: consult and inform them instead.',
    );
    return { nearestRelative: null, ranked: [], excluded: [], trace };
  }

  const child = patientIsChild(input.patient, asAt, trace);

  // NR-07: a spouse not separated makes the patient married, whatever else is recorded.
  const spouses = relatives.filter((r) => r.relationship === 'spouse' || r.relationship === 'civil-partner');
  const unseparated = spouses.filter((r) => !r.separatedOrDeserted);
  const married = input.patient.married || unseparated.length > 0;
  if (married && !input.patient.married) {
    trace.push(
      `s.26(6)-(7): ${unseparated.map((r) => r.name).join(' and ')} is recorded as the patient's ${LABEL[unseparated[0].relationship]} and is not separated, so the patient is treated as married.`,
    );
  }
  if (married && !spouses.length) {
    trace.push(
      `s.26(1)(a): the patient is married or in a civil partnership but no husband, wife or civil partner is recorded: record them, as they are likely to be the nearest relative.`,
    );
  }

  const excluded: ExcludedRelative[] = [];
  const exclude = (r: RelativeFacts, reason: string) => {
    excluded.push({ relativeId: r.id, name: r.name, relationship: r.relationship, reason });
    trace.push(reason);
  };
  const candidates: Candidate[] = [];
  const careOrders: Candidate[] = [];
  const guardians: Candidate[] = [];

  relatives.forEach((r, order) => {
    const preferred = r.livesWithPatient || r.caresForPatient;
    switch (r.relationship) {
      case 'other':
        return exclude(
          r,
          `s.26(1): ${r.name} excluded: not a relative within s.26(1), nor treated as one by s.26(6) (a cohabitee) or s.26(7) (a non-relative the patient has lived with for five years).`,
        );
      case 'local-authority-care-order':
        // NR-08 (s.27): a care order ends at 18; a local authority is not subject to s.26(5).
        if (!child) return exclude(r, `s.27: ${named(r)} excluded: s.27 applies only to a patient under 18.`);
        careOrders.push({ r, cls: 's.27', preferred, order });
        return;
      case 'guardian-or-residence-order': {
        if (!child) return exclude(r, `s.28(1): ${named(r)} excluded: s.28 applies only to a patient under 18.`);
        // s.28(2): s.26(5) applies to a guardian as to any nearest relative.
        const reason = section26_5(r, input.patient, asAt, trace);
        if (reason) return exclude(r, reason.replace(/^s\.26\(5\)/, 's.28(2) and s.26(5)'));
        guardians.push({ r, cls: 's.28', preferred, order });
        return;
      }
      case 'cohabitee': {
        if (!r.livesWithPatient)
          return exclude(
            r,
            `s.26(6): ${named(r)} excluded: a cohabitee counts only while living with the patient (or until admission), and that is not recorded.`,
          );
        const together = livedWithLongEnough(r, COHABITEE_MIN_MONTHS, asAt);
        if (!together.enough) {
          return exclude(
            r,
            `s.26(6): ${named(r)} excluded: has lived with the patient as a couple ${together.words}, not the six months or more needed to be treated as a spouse.`,
          );
        }
        if (married)
          return exclude(
            r,
            `s.26(6): ${named(r)} excluded: the patient is married or in a civil partnership and the spouse is not separated or deserted, so a cohabitee is not treated as a spouse.`,
          );
        trace.push(
          `s.26(6): ${r.name} has lived with the patient as a couple ${r.livingWithSince ? together.words : `for ${r.yearsLivingWith} years (six months or more)`}, so is treated as a husband, wife or civil partner (class (a)).`,
        );
        break;
      }
      case 'non-relative-resident': {
        if (!r.livesWithPatient)
          return exclude(r, `s.26(7): ${named(r)} excluded: the patient does not ordinarily reside with them (nor did before admission).`);
        const resident = livedWithLongEnough(r, NON_RELATIVE_MIN_MONTHS, asAt);
        if (!resident.enough) {
          return exclude(
            r,
            `s.26(7): ${named(r)} excluded: the patient has lived with them ${resident.words}, not the five years or more needed to be treated as a relative.`,
          );
        }
        if (married)
          return exclude(
            r,
            `s.26(7)(b): ${named(r)} excluded: a non-relative is not the nearest relative of a married patient (or one in a civil partnership) whose spouse is not separated or deserted.`,
          );
        trace.push(
          `s.26(7): the patient has lived with ${r.name} ${r.livingWithSince ? resident.words : `for ${r.yearsLivingWith} years (five or more)`}, so ${r.name} is treated as a relative, ranked after class (h).`,
        );
        break;
      }
      default:
        break;
    }
    const reason = section26_5(r, input.patient, asAt, trace);
    if (reason) return exclude(r, reason);
    candidates.push({ r, cls: CLASS_OF[r.relationship]!, preferred, order });
  });

  // NR-05, NR-04: s.26(4) first, then s.26(3).
  candidates.sort(compare);
  const preferred = candidates.filter((c) => c.preferred);
  if (candidates.length) {
    if (preferred.length) {
      trace.push(
        `s.26(4): the patient lives with or is cared for by ${preferred.map((c) => c.r.name).join(', ')}, who ${preferred.length === 1 ? 'takes' : 'take'} precedence over the other relatives${preferred.length > 1 ? '; s.26(3) ranks them among themselves' : ''}.`,
      );
    } else {
      trace.push('s.26(4): the patient neither lives with nor is cared for by any eligible relative recorded, so s.26(3) ranks them all.');
    }
    for (let i = 0; i + 1 < candidates.length; i++) {
      const [x, y] = [candidates[i], candidates[i + 1]];
      if (x.preferred === y.preferred && x.cls === y.cls) trace.push(tieBreak(x, y));
      else if (i === 0) trace.push(headReason(x, y)!);
    }
  }

  // NR-08 (ss.27-28): the child-patient branch comes before s.26.
  let head: Candidate[] = [];
  let rest: Candidate[] = candidates;
  let basis: ProposedNearestRelative['basis'] = 's.26';
  guardians.sort((x, y) => compare({ ...x, cls: 'a' }, { ...y, cls: 'a' }));
  if (careOrders.length) {
    const la = careOrders[0];
    if (guardians.length) {
      trace.push(
        `s.27, s.28: both a care order (${careOrders.map((c) => c.r.name).join(', ')}) and a guardian or child arrangements order (${guardians.map((c) => c.r.name).join(', ')}) are recorded; a later order usually discharges the earlier under the Children Act 1989: confirm which is in force. s.27 is applied.`,
      );
    }
    if (careOrders.length > 1)
      trace.push(
        `s.27: more than one local authority with a care order is recorded (${careOrders.map((c) => c.r.name).join(', ')}); ${la.r.name} is proposed as recorded first: confirm.`,
      );
    const spouse = candidates.filter((c) => c.r.relationship === 'spouse' || c.r.relationship === 'civil-partner');
    if (spouse.length) {
      trace.push(
        `s.27: the patient is under 18 and in the care of ${la.r.name} under a care order, but has a husband, wife or civil partner, ${spouse[0].r.name}, who is preferred to the local authority.`,
      );
      head = [...spouse, ...careOrders, ...guardians];
      rest = candidates.filter((c) => !spouse.includes(c));
    } else {
      if (married)
        trace.push(
          's.27: the patient is recorded as married but no eligible spouse or civil partner is recorded, who would be preferred to the local authority: record them.',
        );
      trace.push(
        `s.27: the patient is under 18 and in the care of ${la.r.name} under a care order, so the local authority is the nearest relative in preference to any relative other than a spouse or civil partner.`,
      );
      head = [...careOrders, ...guardians];
      basis = 's.27';
    }
  } else if (guardians.length) {
    const names = guardians.map((c) => c.r.name);
    trace.push(
      `s.28(1): the patient is under 18 and ${names.join(' and ')} ${names.length === 1 ? 'is the guardian, or the person' : 'are the guardians, or the persons'} named in a child arrangements order, so ${names.length === 1 ? 'is' : 'are'} the nearest relative to the exclusion of anyone else.`,
    );
    if (names.length > 1)
      trace.push(`s.28(1): each of ${names.join(', ')} is the nearest relative; ${names[0]} is proposed as the one to contact first.`);
    head = guardians;
    basis = 's.28';
  }
  const order = [...head, ...rest];

  const ranked: RankedRelative[] = order.map((c, i) => ({
    relativeId: c.r.id,
    name: c.r.name,
    relationship: c.r.relationship,
    rank: i + 1,
    class: c.cls,
    preferred: c.preferred,
  }));
  const top = order[0];
  let nearestRelative: ProposedNearestRelative | null = null;
  if (!top) {
    trace.push(
      's.26(3): no relative recorded is eligible, so the patient appears to have no nearest relative; an AMHP may apply to the county court to appoint an acting nearest relative (s.29(3)(a)).',
    );
  } else {
    nearestRelative = { relativeId: top.r.id, name: top.r.name, basis };
    const rule = basis !== 's.26' ? basis : top.preferred ? 's.26(4)' : 's.26(3)';
    trace.push(`${rule}: ${named(top.r)} is the nearest relative${basis === 's.26' ? ` (${CLASS_TEXT[top.cls]})` : ''}.`);
    // NR-09 (reg 24): an authorised delegate exercises the functions; the nearest relative does not change.
    const delegate = top.r.authorisedDelegate?.trim();
    if (delegate) {
      nearestRelative.actingAs = delegate;
      trace.push(
        `reg 24 (SI 2008/1184): ${top.r.name} has authorised ${delegate} in writing to act as nearest relative, so ${delegate} exercises the nearest relative's functions; ${top.r.name} may revoke that authority.`,
      );
    }
  }

  // NR-10 (s.29): a county court order appointing an acting nearest relative overrides everything above.
  const acting = input.displacement?.actingNearestRelative?.trim();
  if (acting) {
    trace.push(
      `s.29: the county court has appointed ${acting} to act as the nearest relative; the order overrides ss.26-28${top ? `, so ${top.r.name} is displaced${nearestRelative?.actingAs ? ` (and ${nearestRelative.actingAs}'s authority under reg 24 falls away)` : ''}` : ''}.`,
    );
    nearestRelative = { relativeId: null, name: acting, basis: 's.29' };
  }

  return { nearestRelative, ranked, excluded, trace };
}

/** A term of an office held by one person at a time: from the day it began, to the day it ended (null: still held). */
export interface Term {
  from: IsoDate;
  to: IsoDate | null;
}

/**
 * Whether a new term of a one-holder office (the nominated person, MHA25-05, MHA 2025 s.24) may begin on `from`: the
 * recorded term it would overlap without taking over from it, or undefined when it may. It may follow a term that
 * ended by `from`, and it takes over from the one term still held that began before `from` (which then ends on
 * `from`). It may not begin on or before the day a recorded term began (an appointment recorded late, dated before a
 * later one: two would then be in office at once), nor inside a term already recorded as ended after `from` (that
 * term's end as recorded would have to be rewritten). Of several it would overlap, the earliest is named.
 */
export function overlappedTerm<T extends Term>(terms: readonly T[], from: IsoDate): T | undefined {
  return [...terms]
    .sort((x, y) => (x.from < y.from ? -1 : x.from > y.from ? 1 : 0))
    .find((t) => t.from >= from || (t.to !== null && t.to > from));
}
