/**
 * What the police record at intake about how they used their powers, judged as the Act asks: the consultation before
 * a s.136 (POL-06, s.136(1C)), who went with the constable who executed a s.135 warrant (POL-02, s.135(4)) and the
 * agreements a private dwelling or another suitable place needs to be a place of safety (POL-10, s.135(6)-(7)). Pure
 * rules: no Nest, no ORM, no I/O. The referral intake (ReferralsService.create) refuses what cannot be true (a field
 * error, 422) and records the rest with these findings: the hub cannot undo what the police did, so these are
 * warnings to record and raise with the police, as POL-05 (a s.136 from a dwelling) is.
 */
import { CLOCK_SKEW_MS, formatLocal, type Finding, type LegalContext, type PlaceOfSafetyType } from './clocks';
import { citationOf } from './rule-catalogue';

/** POL-06: what the referral says about the consultation: done, not practicable (with why), or not known. */
export const S136_CONSULTATION_OUTCOMES = ['yes', 'not-practicable', 'unknown'] as const;
export type S136ConsultationOutcome = (typeof S136_CONSULTATION_OUTCOMES)[number];

/**
 * POL-06: the professions a constable may consult before using s.136. The first three are named in s.136(1C)(a)-(c)
 * (✔). The Act adds any person of a description specified in regulations (s.136(1C)(d)); the two here are those the
 * hub's practice reads the Places of Safety Regulations 2017 as specifying (✱ unconfirmed in our notes): they are held
 * as this named list, for the deploying authority's legal team to confirm or change without touching the rule.
 */
export const S136_CONSULTEE_PROFESSIONS = [
  'registered-medical-practitioner',
  'registered-nurse',
  'amhp',
  // ✱ s.136(1C)(d): specified by regulations; the list below is practitioner knowledge, not yet confirmed.
  'occupational-therapist',
  'paramedic',
] as const;
export type S136ConsulteeProfession = (typeof S136_CONSULTEE_PROFESSIONS)[number];

/** The professions' names in findings and documents. */
export const S136_CONSULTEE_LABELS: Readonly<Record<S136ConsulteeProfession, string>> = {
  'registered-medical-practitioner': 'a registered medical practitioner',
  'registered-nurse': 'a registered nurse',
  amhp: 'an approved mental health professional',
  'occupational-therapist': 'an occupational therapist',
  paramedic: 'a paramedic',
};

/** POL-06: the consultation as a s.136 referral records it (`at` a Date once read: toLegalContext). */
export interface PoliceConsultation {
  consulted: S136ConsultationOutcome;
  /** With `yes`: whom (their profession; a name is not needed). */
  profession?: S136ConsulteeProfession;
  /** With `yes`: when. Never after the power was used (the arrival at, or the decision to keep at, a place of safety). */
  at?: Date;
  /** The advice given, when the hub's AMHP (or anyone) was consulted and the police said what it was. */
  advice?: string;
  /** With `not-practicable`: why consulting was not practicable. */
  reason?: string;
}

/** A field of the request that cannot be recorded as sent, named as the request named it. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** A field of a request under a prefix: `legalContext.policeConsultation` at intake, `policeConsultation` in a body of its own. */
const under = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/**
 * POL-06 (s.136(1C)): what in a consultation record cannot be true or has no meaning, each naming its field: `yes`
 * without whom; whom, when or advice with an answer other than `yes`; a reason with an answer other than
 * `not-practicable`; a consultation after the power was used (the consultation comes BEFORE the removal, so no later
 * than the arrival at, or the decision to keep at, the place of safety) or after the referral was received. `prefix`
 * names where the request holds the legal context's fields (`legalContext` at intake; nothing for a later answer).
 */
export function policeConsultationErrors(
  c: PoliceConsultation,
  usedBy: { arrivedAt?: Date; keptAt?: Date },
  receivedAt: Date,
  zone: string,
  prefix = 'legalContext',
): FieldError[] {
  const errors: FieldError[] = [];
  const consultation = under(prefix, 'policeConsultation');
  const err = (name: string, code: string, message: string) => errors.push({ field: `${consultation}.${name}`, code, message });
  if (c.consulted === 'yes') {
    if (!c.profession)
      err(
        'profession',
        'consultation-profession-required',
        'Say whom the constable consulted (their profession): s.136(1C) names who may be consulted.',
      );
  } else {
    for (const name of ['profession', 'at', 'advice'] as const)
      if (c[name] !== undefined)
        err(name, 'consultation-field-not-applicable', `${name} is recorded only for a consultation that took place (consulted: yes).`);
  }
  if (c.reason !== undefined && c.consulted !== 'not-practicable')
    err('reason', 'consultation-field-not-applicable', 'reason is why consulting was not practicable (consulted: not-practicable).');
  if (c.at instanceof Date && !Number.isNaN(c.at.getTime())) {
    const used = usedBy.keptAt ?? usedBy.arrivedAt;
    if (used && c.at.getTime() > used.getTime())
      err(
        'at',
        'consultation-after-removal',
        `The consultation (${formatLocal(c.at, zone)}) cannot be after the power was used: s.136(1C) asks for it before, and the person was ${usedBy.keptAt ? 'kept at' : 'at'} the place of safety by ${formatLocal(used, zone)}.`,
      );
    else if (c.at.getTime() > receivedAt.getTime() + CLOCK_SKEW_MS)
      err(
        'at',
        'time-after-receipt',
        `The consultation (${formatLocal(c.at, zone)}) is after the referral was received (${formatLocal(receivedAt, zone)}).`,
      );
  }
  return errors;
}

/**
 * POL-06 (s.136(1C)): the warning a s.136 referral carries when it does not show the constable met the duty to consult
 * where practicable: nothing recorded (or "not known"), or "not practicable" with no reason. A consultation recorded,
 * or "not practicable" with its reason, carries none. The detention is not refused: the hub cannot undo it, and the
 * 24 hours run whatever the police did; the AMHP records it and raises it with the police.
 */
export function policeConsultationFindings(c: PoliceConsultation | undefined): Finding[] {
  const warn = (code: string, message: string): Finding => ({
    rule: 'POL-06',
    severity: 'warning',
    code,
    message,
    citation: citationOf('POL-06'),
  });
  if (!c || c.consulted === 'unknown')
    return [
      warn(
        's136-consultation-not-recorded',
        `${c ? 'Whether the constable consulted anyone is not known' : 'The referral does not say whether the constable consulted anyone'} before using s.136: the Act asks them to consult a doctor, a nurse, an AMHP or another professional it specifies first, where practicable. Ask the police whether they did, and raise it with them if not.`,
      ),
    ];
  if (c.consulted === 'not-practicable' && !c.reason?.trim())
    return [
      warn(
        's136-consultation-reason-missing',
        'The police say consulting before using s.136 was not practicable, but not why: record the reason they give, or raise it with them.',
      ),
    ];
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// POL-02 (s.135(4)): who went with the constable who executed a s.135 warrant.

/** The AMHP who attended: one of the hub's (their user id, named as their account is) or one from elsewhere, by name. */
export interface AttendingAmhp {
  userId?: string;
  name: string;
  organisation?: string;
}

/** The registered medical practitioner who attended: on the doctors' register (doctorId) or by name and GMC number. */
export interface AttendingDoctor {
  doctorId?: string;
  name: string;
  gmcNumber: string;
}

/** Who attended the execution, as recorded: a party left out did not attend. */
export interface WarrantAttendance {
  amhp?: AttendingAmhp;
  doctor?: AttendingDoctor;
}

/** The two warrants of s.135: to enter premises and remove a person (s.135(1)), or to retake a patient (s.135(2)). */
export const WARRANT_KINDS = ['s135-1', 's135-2'] as const;
export type WarrantKind = (typeof WARRANT_KINDS)[number];
export type WarrantCompanion = keyof WarrantAttendance;

/**
 * POL-02 (s.135(4)): whom the constable executing each kind of warrant must have with them. A s.135(1) warrant: an
 * AMHP and a registered medical practitioner (✔ the statute: any registered practitioner, not necessarily s.12
 * approved). A s.135(2) warrant: the Act lets the constable take a doctor or a person authorised to take or retake the
 * patient but requires no one (✱ our notes do not cover s.135(4)'s second limb: held here as data, to confirm).
 */
export const WARRANT_COMPANIONS_REQUIRED: Readonly<Record<WarrantKind, readonly WarrantCompanion[]>> = {
  's135-1': ['amhp', 'doctor'],
  's135-2': [],
};

const COMPANION_WORDS: Readonly<Record<WarrantCompanion, string>> = {
  amhp: 'an approved mental health professional',
  doctor: 'a registered medical practitioner',
};

/** Where the attendance and the time of the execution are in a request: a referral's legal context by default. */
const IN_LEGAL_CONTEXT = { attendance: 'legalContext.executionAttendance', executedAt: 'legalContext.warrantExecutedAt' };

/**
 * POL-02: what in an attendance record cannot be recorded: an AMHP given both as the hub's user and by name, or by
 * neither; an attendance with no time the warrant was executed (a s.135(2) may leave the time out). The doctor is
 * named as a s.136B extension's authorising doctor is (register or name and GMC number), resolved by the service.
 */
export function warrantAttendanceErrors(
  a: { amhp?: { userId?: string; name?: string } },
  warrantExecutedAt: unknown,
  fields: { attendance: string; executedAt: string } = IN_LEGAL_CONTEXT,
): FieldError[] {
  const errors: FieldError[] = [];
  if (a.amhp && (a.amhp.userId === undefined) === (a.amhp.name === undefined))
    errors.push({
      field: `${fields.attendance}.amhp`,
      code: 'attending-amhp-ambiguous',
      message: 'Name the AMHP who attended either as one of the hub (userId) or by name (an AMHP from elsewhere), one of the two.',
    });
  if (warrantExecutedAt === undefined)
    errors.push({
      field: fields.executedAt,
      code: 'warrant-execution-time-required',
      message: 'Record when the warrant was executed with who attended its execution.',
    });
  return errors;
}

/**
 * POL-02 (s.135(4)): the warning a s.135 referral carries about the warrant's execution. A s.135(1) whose attendance is
 * not recorded is asked for it; one executed without an AMHP or without a registered medical practitioner was executed
 * unlawfully (the entry and removal the warrant allowed needed them there): it is recorded as the police give it, the
 * hub cannot undo it, and the warning says so plainly for the AMHP to record and raise with the police (as POL-05).
 */
export function warrantAttendanceFindings(kind: WarrantKind, a: WarrantAttendance | undefined): Finding[] {
  const required = WARRANT_COMPANIONS_REQUIRED[kind];
  if (!required.length) return [];
  const warn = (code: string, message: string): Finding => ({
    rule: 'POL-02',
    severity: 'warning',
    code,
    message,
    citation: citationOf('POL-02'),
  });
  if (!a)
    return [
      warn(
        'warrant-attendance-not-recorded',
        `The referral does not say who attended the warrant's execution: the constable must be accompanied by ${required.map((c) => COMPANION_WORDS[c]).join(' and ')}. Ask the police who went with them, and raise it with them if either was missing.`,
      ),
    ];
  const missing = required.filter((c) => !a[c]);
  if (!missing.length) return [];
  return [
    warn(
      'warrant-executed-unaccompanied',
      `The warrant was executed without ${missing.map((c) => COMPANION_WORDS[c]).join(' or ')}: the Act requires the constable to be accompanied by ${required.map((c) => COMPANION_WORDS[c]).join(' and ')}, so the entry and removal were not lawful. Record it and raise it with the police.`,
    ),
  ];
}

/**
 * POL-02: who attended an execution as codes, for a timeline and the audit trail (ids, no names): the hub's AMHP, one
 * from elsewhere, or none; a doctor on the register, one named, or none.
 */
export interface AttendanceCodes {
  amhp: 'hub-amhp' | 'named-amhp' | 'none';
  doctor: 'registered-doctor' | 'named-doctor' | 'none';
  amhpUserId?: string;
  doctorId?: string;
}

export function attendanceCodes(a: WarrantAttendance): AttendanceCodes {
  return {
    amhp: a.amhp ? (a.amhp.userId ? 'hub-amhp' : 'named-amhp') : 'none',
    doctor: a.doctor ? (a.doctor.doctorId ? 'registered-doctor' : 'named-doctor') : 'none',
    ...(a.amhp?.userId ? { amhpUserId: a.amhp.userId } : {}),
    ...(a.doctor?.doctorId ? { doctorId: a.doctor.doctorId } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// At intake

/**
 * POL-06 and POL-02: the field errors of the police's record in a legal context (empty for any other power): the same
 * at intake and for an answer the police give later (POST /referrals/{id}/police-record), whose body holds the
 * record's fields at its top level (`prefix` '').
 */
export function policeRecordErrors(context: LegalContext, receivedAt: Date, zone: string, prefix = 'legalContext'): FieldError[] {
  if (context.kind === 's136' && context.policeConsultation)
    return policeConsultationErrors(context.policeConsultation, context, receivedAt, zone, prefix);
  if ((context.kind === 's135-1' || context.kind === 's135-2') && context.executionAttendance)
    return warrantAttendanceErrors(context.executionAttendance, context.warrantExecutedAt, {
      attendance: under(prefix, 'executionAttendance'),
      executedAt: under(prefix, 'warrantExecutedAt'),
    });
  return [];
}

/**
 * POL-06 and POL-02: the record of how the police used the power that a legal context of each kind keeps, which the
 * hub may add or correct once the police answer (none for any other power).
 */
export const POLICE_RECORD_FIELD = {
  s136: 'policeConsultation',
  's135-1': 'executionAttendance',
  's135-2': 'executionAttendance',
} as const;
export type PoliceRecordField = (typeof POLICE_RECORD_FIELD)[keyof typeof POLICE_RECORD_FIELD];

/** The police power a legal context of this kind was used under (one that keeps a police record), or null. */
export function policePowerOf(kind: string): keyof typeof POLICE_RECORD_FIELD | null {
  return Object.hasOwn(POLICE_RECORD_FIELD, kind) ? (kind as keyof typeof POLICE_RECORD_FIELD) : null;
}

/** The rule whose findings a record of each kind decides (policeRecordFindings). */
export const POLICE_RECORD_RULE = { policeConsultation: 'POL-06', executionAttendance: 'POL-02' } as const satisfies Record<
  PoliceRecordField,
  string
>;

/** POL-06 and POL-02: the intake warnings about how the police used a s.136 or a s.135 warrant (none for any other power). */
export function policeRecordFindings(context: LegalContext): Finding[] {
  if (context.kind === 's136') return policeConsultationFindings(context.policeConsultation);
  if (context.kind === 's135-1' || context.kind === 's135-2') return warrantAttendanceFindings(context.kind, context.executionAttendance);
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// POL-10 (s.135(6)-(7), inserted by the Policing and Crime Act 2017 s.81): a private dwelling or another suitable place
// as the place of safety, for s.135 and s.136 alike.

/** POL-10: each agreement as the police know it: given, refused, or not known. */
export const CONSENT_ANSWERS = ['yes', 'no', 'unknown'] as const;
export type ConsentAnswer = (typeof CONSENT_ANSWERS)[number];

/**
 * POL-10 (s.135(7)): the facts that make a private dwelling or another suitable place a place of safety. A fact left out
 * is not known.
 */
export interface PlaceOfSafetyConsent {
  /** A private dwelling: whether the person detained agreed to its use as a place of safety (s.135(7)(a)). */
  personAgreed?: ConsentAnswer;
  /** A private dwelling: whether the person detained is its only occupier (no: others live there, or it is not their home). */
  soleOccupier?: ConsentAnswer;
  /** A private dwelling the person is not the only occupier of: whether one of its (other) occupiers agreed (s.135(7)(a)(ii)-(iii)). */
  occupierAgreed?: ConsentAnswer;
  /** Another suitable place: whether the person who manages it (its occupier) agreed to its use as a place of safety (s.135(7)(b)). */
  managerAgreed?: ConsentAnswer;
}

/** POL-10: the facts recorded for each type of place of safety that needs agreement; no other type records any. */
export const PLACE_OF_SAFETY_CONSENT_FACTS = {
  'private-dwelling': ['personAgreed', 'soleOccupier', 'occupierAgreed'],
  other: ['managerAgreed'],
} as const satisfies Partial<Record<PlaceOfSafetyType, ReadonlyArray<keyof PlaceOfSafetyConsent>>>;

/** The places of safety that need agreement to be used (POL-10). */
type AgreedPlace = keyof typeof PLACE_OF_SAFETY_CONSENT_FACTS;
const needsAgreement = (type: string | undefined): type is AgreedPlace => type === 'private-dwelling' || type === 'other';

/**
 * POL-10 (s.135(7)): what in the agreements recorded for a place of safety has no meaning, each naming its field
 * (`field`: where the request holds the record, e.g. `legalContext.placeOfSafetyConsent`): any of them for a type of
 * place that needs no agreement (a hospital, A&E, a police station, or no type given); a fact of the other kind of place
 * (a manager's agreement to a dwelling, a person's to another place); another occupier's agreement for a person who is
 * the dwelling's only occupier. Empty when the record applies.
 */
export function placeOfSafetyConsentErrors(
  type: string | undefined,
  consent: PlaceOfSafetyConsent | undefined,
  field: string,
): FieldError[] {
  if (consent === undefined) return [];
  const code = 'place-of-safety-consent-not-applicable';
  if (!needsAgreement(type))
    return [
      {
        field,
        code,
        message: `${field} is recorded only for a private dwelling or another suitable place as the place of safety (s.135(7)), not for ${type ? `a ${type} place of safety` : 'a place of safety whose type is not given'}.`,
      },
    ];
  const facts: readonly string[] = PLACE_OF_SAFETY_CONSENT_FACTS[type];
  const errors: FieldError[] = (Object.keys(consent) as Array<keyof PlaceOfSafetyConsent>)
    .filter((k) => consent[k] !== undefined && !facts.includes(k))
    .map((k) => ({
      field: `${field}.${k}`,
      code,
      message: `${field}.${k} does not apply to ${type === 'private-dwelling' ? 'a private dwelling, which records personAgreed, soleOccupier and occupierAgreed' : 'another suitable place, which records managerAgreed'}.`,
    }));
  if (type === 'private-dwelling' && consent.soleOccupier === 'yes' && consent.occupierAgreed !== undefined)
    errors.push({
      field: `${field}.occupierAgreed`,
      code,
      message: `${field}.occupierAgreed is another occupier's agreement: the person is recorded as the dwelling's only occupier (soleOccupier: yes), so there is none to give it.`,
    });
  return errors;
}

/** "a, b and c". */
const listed = (items: readonly string[]): string =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/**
 * POL-10 (s.135(6)-(7)): the warnings a place of safety of this type carries for the agreements recorded. A private
 * dwelling is a place of safety only if the person detained agrees and, when they are not its only occupier, one of
 * its (other) occupiers agrees too; another suitable place only if the person who manages it agrees. An agreement
 * refused is said as such; what is not known (left out, or unknown) is named, to ask the police. Nothing for a place
 * of any other type, or with every agreement it needs given. The hub cannot undo what the police did: it records the
 * detention, its clocks run, and the AMHP records the warning and raises it with the police (as POL-05's).
 */
export function placeOfSafetyConsentFindings(type: string | undefined, consent: PlaceOfSafetyConsent | undefined): Finding[] {
  if (!needsAgreement(type)) return [];
  const warn = (code: string, message: string): Finding => ({
    rule: 'POL-10',
    severity: 'warning',
    code,
    message,
    citation: citationOf('POL-10'),
  });
  const c = consent ?? {};
  const known = (a: ConsentAnswer | undefined) => a === 'yes' || a === 'no';
  const raise = 'Record it and raise it with the police.';
  if (type === 'other') {
    if (c.managerAgreed === 'yes') return [];
    if (c.managerAgreed === 'no')
      return [
        warn(
          'place-manager-did-not-agree',
          `The person who manages the place of safety did not agree to its use: a place that is not a hospital, a care home, council residential accommodation, a police station or a private dwelling is a place of safety only if whoever manages it agrees to receive the person, so this detention there is not lawful. ${raise}`,
        ),
      ];
    return [
      warn(
        'place-agreement-not-recorded',
        'Whether the person who manages the place of safety agreed to receive the person is not recorded: a place that is not a hospital, a care home, council residential accommodation, a police station or a private dwelling is a place of safety only if they agree. Ask the police, and raise it with them if they did not.',
      ),
    ];
  }
  const findings: Finding[] = [];
  if (c.personAgreed === 'no')
    findings.push(
      warn(
        'dwelling-person-did-not-agree',
        `The person detained did not agree to the private dwelling being used as the place of safety: a house, flat or room where someone lives is a place of safety only if the person detained agrees, so this detention there is not lawful. ${raise}`,
      ),
    );
  if (c.soleOccupier === 'no' && c.occupierAgreed === 'no')
    findings.push(
      warn(
        'dwelling-occupier-did-not-agree',
        `No occupier of the private dwelling agreed to its use as the place of safety: where the person detained is not its only occupier, one of the (other) occupiers must agree as well as the person, so this detention there is not lawful. ${raise}`,
      ),
    );
  const missing = [
    ...(known(c.personAgreed) ? [] : ['whether the person detained agreed']),
    ...(known(c.soleOccupier) ? [] : ['whether they are its only occupier']),
    ...(c.soleOccupier === 'yes' || known(c.occupierAgreed)
      ? []
      : [
          c.soleOccupier === 'no'
            ? 'whether one of the other occupiers agreed (others live there)'
            : 'if not, whether one of the other occupiers agreed',
        ]),
  ];
  if (missing.length)
    findings.push(
      warn(
        'dwelling-agreement-not-recorded',
        `The place of safety is a private dwelling, but the referral does not record ${listed(missing)}: a house, flat or room where someone lives is a place of safety only if the person detained agrees and, where others live there, one of them agrees too. Ask the police, and raise it with them if the agreements were not given.`,
      ),
    );
  return findings;
}

/**
 * POL-10: the findings for where the person is held now: the last move recorded (s.136(3), s.135(3A)) with the
 * agreements recorded with it, else the first place of safety with the intake's. A move judges them again, as POL-09's
 * are. Empty for any power but s.136 and s.135(1).
 */
export function currentPlaceOfSafetyConsentFindings(context: LegalContext): Finding[] {
  if (context.kind !== 's136' && context.kind !== 's135-1') return [];
  const last = [...(context.transfers ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime()).at(-1);
  return last
    ? placeOfSafetyConsentFindings(last.placeOfSafetyType, last.placeOfSafetyConsent)
    : placeOfSafetyConsentFindings(context.placeOfSafetyType, context.placeOfSafetyConsent);
}
