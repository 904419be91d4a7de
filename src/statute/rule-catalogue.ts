/**
 * The law's catalogue: every rule id the hub's findings, warnings, blockers, clocks and deadlines carry, with the
 * Act section, regulation or Code of Practice paragraph it rests on. Pure data: no Nest, no ORM, no I/O.
 *
 * `RuleId` is the union of the keys, so a rule id typed anywhere in the code that is not here is a compile error.
 * Where a finding cites the rule as a whole, it takes `citationOf(id)` from here; a finding that cites one
 * subsection of it (e.g. POL-07's s.136(2A) at intake) keeps its narrower citation beside the message.
 *
 * severity: what the rule does at its worst. 'blocker': it can refuse or stop the action (a blocker finding, a hard
 * rota or eligibility finding, a 422). 'warning': it warns, needs an acknowledgement or a manager's override, or
 * runs a clock that warns. 'info': it sets a deadline, shapes a record or a proposal, and never raises a finding.
 *
 * commencement: for the MHA 2025 amendments, the configuration variable that sets the date they apply from (the
 * dates are unconfirmed, so they are data: null there means not commenced); null for every rule in force now.
 *
 * Marks in the rules' comments: ✔ the period was checked against the Act's text (or a primary source) when written;
 * ◐ partly checked; ✱ the wording is unverified or the value is a local choice, so it is held as configuration or
 * a named constant for the deploying authority's legal team to confirm. Counting conventions C1-C8: time.ts.
 *
 * Not legal advice: a deploying authority's legal team signs off the rules and these readings of them.
 */

export const REGIMES = {
  'mha-1983': 'Mental Health Act 1983 and its regulations',
  'mha-2025': 'Mental Health Act 2025 amendments (commenced by configuration)',
  'code-of-practice': 'Mental Health Act Code of Practice 2015',
  'care-act': 'Care Act 2014',
  'mca-dols': 'Mental Capacity Act 2005 and the Deprivation of Liberty Safeguards',
  'working-time': 'Working Time Regulations 1998',
  'local-policy': "The council's local policy",
} as const;

export type Regime = keyof typeof REGIMES;
export type RuleSeverity = 'blocker' | 'warning' | 'info';

export interface RuleDefinition {
  readonly citation: string;
  readonly summary: string;
  readonly severity: RuleSeverity;
  readonly regime: Regime;
  readonly commencement: string | null;
}

const COI = 'MHA 1983 s.11(1A), s.12(3); SI 2008/1205';

export const RULES = {
  // AMHP approval and practice (Mental Health (Approval of Persons to be AMHPs) (England) Regulations 2008).
  'AMHP-01': {
    citation: 'SI 2008/1206 reg 3',
    summary: 'Only a practitioner a local social services authority has approved may act as an AMHP.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-02': {
    citation: 'SI 2008/1206 reg 3(3)',
    summary:
      'A first approval needs an approved AMHP course completed within the five years before the approval starts (on or after the same day five years earlier, and not after it starts); a practitioner approved before, here or by another authority, is not held to it.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-03': {
    citation: 'SI 2008/1206 reg 3, Sch 1',
    summary: 'An AMHP comes from an eligible profession and keeps an active professional registration.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-04': {
    citation: 'MHA 1983 s.114(2)',
    summary: 'A registered medical practitioner can never be approved as an AMHP.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-05': {
    citation: 'SI 2008/1206 reg 4',
    summary:
      'An approval lasts at most five years, so it must be renewed (reapproval reminders fall due before it ends) (✱ whether the regulation fixes the period or sets a maximum is unconfirmed, so the years are a setting, AMHP_APPROVAL_MAX_YEARS).',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-06': {
    citation: 'SI 2008/1206 reg 5(a)',
    summary: 'An AMHP completes the refresher training the council requires in each year of the approval (at least 18 hours).',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-07': {
    citation: 'SI 2008/1206 reg 6',
    summary: 'While an approval is suspended the AMHP may not act.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-08': {
    citation: 'SI 2008/1206 reg 7',
    summary: 'An approval can be ended early, with the reason given to the AMHP in writing.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-09': {
    citation: 'SI 2008/1206 reg 8',
    summary: 'The approving authority keeps records of each AMHP it approves (the portfolio).',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'AMHP-10': {
    citation: 'Local supervision policy (each practitioner’s professional supervision interval)',
    summary: 'Each AMHP receives professional supervision at least as often as their interval; overdue supervision is flagged.',
    severity: 'warning',
    regime: 'local-policy',
    commencement: null,
  },
  'AMHP-11': {
    citation: 'Local policy (the hub account); MHA 1983 s.13',
    summary:
      'An AMHP acts through the hub only while her account is active and holds the amhp role: a disabled account, or one whose amhp role was taken away, is taken off the rota and is offered, allocated or given the lead of nothing.',
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },
  'AMHP-12': {
    citation: 'SI 2008/1206 regs 3, 5, 6 (the approving authority approves, suspends and judges training); local governance',
    summary:
      'Nobody certifies her own record: a person may not grant, suspend, lift, end or withdraw her own approval, record her own training or the decision that she may act despite a training shortfall, decide her own leave or swap, override the warnings on her own rota place, change her own practitioner record (registration check, supervision interval and supervisor, active, skills), record her own appraisal, record or change her own supervision session, or acknowledge in the morning handover her own out-of-hours decision or an action it set (nor close such an action she does not own); another manager must.',
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },

  // Applications (MHA 1983 Part 2).
  'APP-01': {
    citation: 'MHA 1983 s.11(1); SI 2008/1206',
    summary: 'The applicant is an AMHP whose approval is in effect, and not suspended, when the application is signed.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-03': {
    citation: 'MHA 1983 s.11(2); MHA Code of Practice 2015 para 14.89',
    summary: 'An application is addressed to the managers of a named hospital site, not a trust.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-04': {
    citation: 'MHA 1983 s.11(5)',
    summary: 'The applicant has personally seen the patient within the 14 days ending with the date of the application.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-05': {
    citation: 'MHA 1983 s.4(5), s.11(5)',
    summary: 'For a s.4 emergency application, the applicant has seen the patient in person within the previous 24 hours.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-06': {
    citation: 'MHA 1983 s.13(2)',
    summary: 'The AMHP interviews the patient in a suitable manner and considers the alternatives to detention.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-07': {
    citation: 'MHA 1983 s.2(3), s.12',
    summary: 'A s.2 application is founded on two medical recommendations from in-person examinations by different doctors.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-08': {
    citation: 'MHA 1983 s.3(2)(d), s.3(3), s.12',
    summary:
      'A s.3 application is founded on two medical recommendations from in-person examinations by different doctors, each stating that appropriate medical treatment is available at the hospital it is addressed to.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-09': {
    citation: 'MHA 1983 s.1(2A), (2B); s.17A',
    summary:
      'Learning disability alone supports s.3, guardianship or a CTO (and its revocation, as if under s.3) only with abnormally aggressive or seriously irresponsible conduct.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-10': {
    citation: 'MHA 1983 s.4(1)-(3)',
    summary:
      'A s.4 application states the urgent necessity (waiting for s.2 would mean undesirable delay) and rests on one recommendation.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-11': {
    citation: 'MHA 1983 s.4(4)',
    summary: 'A s.4 lasts 72 hours from admission unless a second recommendation reaches the managers in time, making it a s.2.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-12': {
    citation: 'MHA 1983 s.5(1)',
    summary: 'Admission follows the application; for an in-patient it is when the managers receive the application.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-13': {
    citation: 'MHA 1983 s.6(1)(a), (2)',
    summary: 'The patient may be conveyed within 14 days beginning with the last medical examination.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-14': {
    citation: 'MHA 1983 s.6(1)(b)',
    summary: 'Under s.4 the patient may be conveyed within 24 hours of the earlier of the examination and the application.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-16': {
    citation: 'MHA 1983 s.15(1)-(3)',
    summary:
      "Faulty forms may be rectified, with the managers' consent, within 14 days beginning with the day of admission: the application or a recommendation amended (s.15(1)), or a recommendation found insufficient replaced by a fresh one furnished in that period (s.15(2)-(3)), which must comply with s.12 and the s.12A regulations but for the time of its signature and the interval between the examinations; the findings it cures are shown as cured, and the application is judged on the fresh recommendation.",
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-17': {
    citation: 'MHA 1983 s.2(4)',
    summary:
      'Detention under s.2 ends 28 days beginning with the day of admission, and cannot be renewed: a further s.2, or a s.4, made while it is in force (as the referral records it, or the hub’s own record shows it, in either case with no discharge, lapse or s.3 recorded of it by then) is refused and does not end it; the route on is a s.3.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-20': {
    citation: 'MHA 1983 s.6(4)',
    summary:
      'Admission under a new application ends the application the patient was detained under before (a s.2 ends on admission under s.3, never under a further s.2 or a s.4).',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-21': {
    citation: 'MHA 1983 s.14; local target (S14_REPORT_DAYS)',
    summary:
      "After a patient is admitted on the nearest relative's application, the council arranges, as soon as practicable, for an AMHP to interview them and give the managers a report on their social circumstances; the Act fixes no period, so the hub tracks it against a local target.",
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-22': {
    citation: 'MHA 1983 s.23, s.25, s.2(4), s.6(4)',
    summary:
      'A detention or guardianship ends when the patient is discharged by an order under s.23 (the responsible clinician, the hospital managers or, for guardianship, the local social services authority; the nearest relative under s.23(2), for a hospital patient only after 72 hours’ written notice to the managers and not if the responsible clinician bars it within them, s.25(1); the tribunal), when a s.2 lapses at its 28 days (s.2(4)) or when the patient is admitted under a s.3 (s.6(4)): once recorded (on the application, or for the s.2 a referral states on the referral; the same admission on both is one s.2), the detention is no longer in force from then.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'APP-18': {
    citation: 'MHA 1983 s.20(1), (2)',
    summary:
      "A s.3's first period of detention is 6 months (3 once the MHA 2025 change commences) beginning with admission; it may be renewed for 6 months and then a year at a time (once the MHA 2025 change commences, for the periods configured), each renewal beginning the day after the period before it ends.",
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },

  // Conflicts of interest (Mental Health (Conflicts of Interest) (England) Regulations 2008).
  'COI-01': {
    citation: `${COI} reg 3`,
    summary: 'No assessor may have a financial interest in the outcome of the application.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'COI-02': {
    citation: `${COI} reg 4`,
    summary: 'No assessor may be in a business venture with the patient or another assessor.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'COI-03': {
    citation: `${COI} reg 5(1)(a)`,
    summary: 'No assessor may direct the work of, or employ, the patient or another assessor.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'COI-04': {
    citation: `${COI} reg 5(1)(b)`,
    summary: "The patient may not be a member of an assessor's clinical team.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'COI-05': {
    citation: `${COI} reg 5(1)(b)`,
    summary: 'The AMHP and both doctors may not all be in one clinical team (unless COI-06 applies).',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'COI-06': {
    citation: `${COI} regs 5(1)(b), 7`,
    summary: 'Urgent necessity and serious risk, recorded, excuse only the three-in-one-team conflict.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'COI-07': {
    citation: `${COI} reg 5(2)`,
    summary: "When the nearest relative applies, no doctor may direct or employ them, or be in the nearest relative's clinical team.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'COI-08': {
    citation: `${COI} reg 6`,
    summary: 'No assessor may be a close relative of the patient or of another assessor.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'COI-09': {
    citation: COI,
    summary: 'The AMHP and the doctors are recorded as assessors, so that conflicts of interest can be checked at all.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },

  // The Code of Practice.
  'COP-02': {
    citation: 'MHA Code of Practice 2015 para 14.87',
    summary: 'The last valid day to apply is the earlier of 13 days after the last examination and after the AMHP last saw the patient.',
    severity: 'blocker',
    regime: 'code-of-practice',
    commencement: null,
  },
  'COP-03': {
    citation: 'MHA Code of Practice 2015 para 14.88',
    summary: "The AMHP records arrangements for the patient's dependants, people they care for, pets, home and property.",
    severity: 'blocker',
    regime: 'code-of-practice',
    commencement: null,
  },
  'COP-06': {
    citation: 'MHA Code of Practice 2015 ch.14',
    summary: "The AMHP's interview and the alternatives and least restrictive options considered are recorded.",
    severity: 'info',
    regime: 'code-of-practice',
    commencement: null,
  },
  'COP-07': {
    citation: 'MHA Code of Practice 2015 ch.14',
    summary: 'The AMHP writes an outcome report of the assessment for the hospital and the record.',
    severity: 'info',
    regime: 'code-of-practice',
    commencement: null,
  },
  'COP-08': {
    citation: 'MHA Code of Practice 2015 ch.15',
    summary: 'An emergency s.4 application is for a genuine emergency only, never for want of a second doctor.',
    severity: 'warning',
    regime: 'code-of-practice',
    commencement: null,
  },
  'COP-09': {
    citation: 'MHA Code of Practice 2015 ch.16 (local target)',
    summary: 'A s.135 or s.136 assessment starts promptly after arrival at the place of safety (a local target time).',
    severity: 'warning',
    regime: 'code-of-practice',
    commencement: null,
  },

  // Community treatment orders.
  'CTO-01': {
    citation: 'MHA 1983 s.17A(4)',
    summary: "A CTO needs an approved AMHP's written agreement that it is appropriate.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'CTO-02': {
    citation: 'MHA 1983 s.17B(2)',
    summary: "The AMHP agrees the CTO's conditions.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'CTO-03': {
    citation: 'MHA 1983 s.17E, s.17F(4), (8)',
    summary:
      "A recalled community patient may be held 72 hours from the start of their detention in hospital under the recall; revoking the CTO needs an AMHP's written agreement (form CTO5) within them.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'CTO-04': {
    citation: 'MHA 1983 s.20A(3), (4), (8)',
    summary:
      "A CTO is extended by the responsible clinician's report on an examination within the two months ending with the day it expires, only when an approved AMHP states in writing, before it expires, that they agree the conditions are met and that extending it is appropriate (form CTO7); it then runs for 6 months, then a year at a time.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'CTO-06': {
    citation: 'MHA 1983 s.17F(5)-(7)',
    summary: 'A recalled patient whose CTO is not revoked must be released by the end of the 72 hours, and remains subject to the CTO.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'CTO-08': {
    citation: 'MHA 1983 s.20A(1), (3)',
    summary:
      "A CTO lasts 6 months beginning with the day it is made, and may be extended for 6 months and then a year at a time (s.20A(3)): counted once the responsible clinician's order is recorded; until then the checks after the AMHP's agreement say it is not.",
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'CTO-07': {
    citation: 'MHA 1983 s.17G',
    summary:
      "On revocation of a CTO the patient is detained again as if under s.3, the period beginning with the day of revocation: counted once the responsible clinician's revocation is recorded; until then the checks after an agreed revocation say it is not.",
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },

  // The council's duty.
  'DUTY-01': {
    citation: 'MHA 1983 s.13(1); local policy',
    summary: 'The council must consider a referral for assessment; the statute sets no clock, so a local response target applies.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'DUTY-02': {
    citation: 'MHA 1983 s.13(1); local policy',
    summary:
      'A further referral of a person who already has an open referral is recorded against the same person, linked to the open one, and the duty AMHP warned: one consideration of the person, nothing the referrer sent lost.',
    severity: 'warning',
    regime: 'local-policy',
    commencement: null,
  },
  'DUTY-03': {
    citation: 'MHA 1983 s.13(1); local policy (OFFER_ESCALATION_MINUTES)',
    summary:
      'A referral offered and not accepted, or a clock warning or breach paged and not acknowledged, within the local time goes up the escalation chain: the next AMHP on duty, then the senior on duty, then the manager on call (every manager when the rota names none), each step on the referral timeline.',
    severity: 'warning',
    regime: 'local-policy',
    commencement: null,
  },

  // Guardianship.
  'GDN-01': {
    citation: 'MHA 1983 s.7(1), (4)',
    summary: 'Guardianship is for a patient aged 16 or over (or believed to be, when the date of birth is unknown).',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'GDN-03': {
    citation: 'MHA 1983 s.7(3), s.12',
    summary: 'A guardianship application is founded on two medical recommendations from in-person examinations.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'GDN-04': {
    citation: 'MHA 1983 s.7(5)',
    summary: 'The application names the guardian: the council, or a private guardian who states they are willing to act.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'GDN-06': {
    citation: 'MHA 1983 s.8(2)',
    summary:
      'A guardianship application is forwarded to the council within 14 days beginning with the last medical examination (✱ the text is unconfirmed, so the days are a setting, GUARDIANSHIP_FORWARD_DAYS).',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'GDN-08': {
    citation: 'MHA 1983 s.8(1), s.7(5); SI 2008/1184 reg 5',
    summary:
      'A guardianship has no effect until the council accepts the application (form G5; for a private guardian, the council where they live): the acceptance is recorded when it comes, after the forwarding and never in the future; until then it is pending.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'GDN-07': {
    citation: 'MHA 1983 s.20(1), (2)',
    summary:
      "Guardianship's first period is 6 months from acceptance; it may be renewed for 6 months and then a year at a time, each renewal beginning the day after the period before it ends.",
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },

  // Holding powers.
  'HOLD-01': {
    citation: 'MHA 1983 s.5(2)',
    summary: "A doctor's or approved clinician's holding power lasts 72 hours from the report to the managers.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'HOLD-02': {
    citation: 'MHA 1983 s.5(4)',
    summary:
      "A nurse's holding power lasts 6 hours from the record; a s.5(2) reported within them runs from that record, a later one from its own report.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'HOLD-03': {
    citation: 'MHA 1983 s.5(1), (2), (4); s.6(2)',
    summary:
      "A holding power ends when the application takes effect (for the in-patient it holds, the managers' receipt of it, s.5(1)) or when its hours run out.",
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },

  // Medical recommendations.
  'MED-01': {
    citation: 'MHA 1983 s.12(1)',
    summary:
      'Recommendations are signed after the examination; the application is founded on them, so each founding examination and signature comes at or before the instant the application is signed, not only on or before its date (times recorded on different devices are told apart beyond the five minutes of clock skew any recorded time is allowed).',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'MED-02': {
    citation: 'MHA 1983 s.12(1)',
    summary: 'Each doctor examines the patient in person, and no more than five clear days pass between the two examinations.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'MED-03': {
    citation: 'MHA 1983 s.12(2), (2A)',
    summary: 'One of the two doctors is s.12-approved, or an approved clinician, on the day they examine.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'MED-04': {
    citation: 'MHA 1983 s.12(2)',
    summary: 'One doctor should know the patient already if practicable; otherwise the reason is recorded.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'MED-06': {
    citation: 'MHA 1983 s.3(3)',
    summary: 'Each s.3 recommendation says why informal treatment is not appropriate and where appropriate treatment is available.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'MED-07': {
    citation: 'SI 2008/1184 Sch 1',
    summary: 'Applications and recommendations use the prescribed forms (joint or single recommendations).',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },

  // MHA 2025 amendments: in force only from their configured commencement dates.
  'MHA25-02': {
    citation: 'MHA 2025 s.5',
    summary: 'The 2025 detention criteria (risk of serious harm; its nature, degree and likelihood) apply to ss.2, 3 and 5.',
    severity: 'warning',
    regime: 'mha-2025',
    commencement: 'MHA2025_CRITERIA_FROM',
  },
  'MHA25-04': {
    citation: 'MHA 2025 ss.3-4',
    summary: 'No s.3, nor a CTO, for autism or learning disability without a co-occurring psychiatric disorder.',
    severity: 'blocker',
    regime: 'mha-2025',
    commencement: 'MHA2025_AUTISM_LD_FROM',
  },
  'MHA25-05': {
    citation: 'MHA 2025 s.24',
    summary:
      'The nominated person replaces the nearest relative; their appointment (who, when, by whom, how) is recorded, and before commencement is information only. ✱ appointment mechanics unconfirmed.',
    severity: 'info',
    regime: 'mha-2025',
    commencement: 'MHA2025_NOMINATED_PERSON_FROM',
  },
  'MHA25-06': {
    citation: 'MHA 2025 s.25 (MHA 1983 s.11(4)-(4C))',
    summary:
      "The nominated person's objection no longer blocks a s.3 or guardianship application, which then needs the AMHP's report certifying a ground; ✱ the grounds are data (dangerous to others or to the patient).",
    severity: 'blocker',
    regime: 'mha-2025',
    commencement: 'MHA2025_NOMINATED_PERSON_FROM',
  },
  'MHA25-09': {
    citation: 'MHA 2025 s.29',
    summary:
      "A s.3's first period of detention is 3 months instead of 6; ✱ the renewal periods after it are unconfirmed, so data (MHA2025_S3_RENEWAL_MONTHS, default 3, then 6, then a year at a time).",
    severity: 'info',
    regime: 'mha-2025',
    commencement: 'MHA2025_S3_PERIOD_FROM',
  },

  // The nearest relative.
  'NR-01': {
    citation: 'MHA 1983 s.11(3)',
    summary: 'The nearest relative is informed of a s.2 (or s.4) application before it or within a reasonable time after.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-02': {
    citation: 'MHA 1983 s.11(4)(a)',
    summary: "The nearest relative's objection, notified and not withdrawn, prevents a s.3 or guardianship application.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-03': {
    citation: 'MHA 1983 s.11(4)(b)',
    summary: 'The nearest relative is consulted before a s.3 or guardianship application, unless impracticable or an unreasonable delay.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-04': {
    citation: 'MHA 1983 s.26',
    summary: 'The nearest relative is identified by the s.26 ranking: class, whole before half blood, the elder first.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-05': {
    citation: 'MHA 1983 s.26(4)',
    summary: 'A relative the patient lives with or is cared for by takes precedence.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-06': {
    citation: 'MHA 1983 s.26(5)',
    summary: 'Relatives living abroad, separated spouses and most under-18s are disregarded.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-07': {
    citation: 'MHA 1983 s.26(6), (7)',
    summary:
      'A cohabitee of six months counts as a spouse; a non-relative the patient lived with for five years counts as a relative. From the day they began living with the patient, when recorded, the period is counted in calendar months and is complete on the same day of the month (since 4 June: six months on 4 December); otherwise the years recorded are compared.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-08': {
    citation: 'MHA 1983 ss.27-28',
    summary: 'For a child, a council holding a care order, a guardian or a residence order holder is the nearest relative.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-09': {
    citation: 'SI 2008/1184 reg 24',
    summary: 'The nearest relative may authorise another person in writing to act for them.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-10': {
    citation: 'MHA 1983 s.29',
    summary:
      'The county court may displace the nearest relative and appoint an acting one; one acting nearest relative at a time, so a second order naming another while one is recorded is refused.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-11': {
    citation: 'MHA 1983 s.29(4), (5)',
    summary:
      'A displacement application on ground (c) or (d) made while the patient is detained under s.2 keeps the s.2 in force until the application is finally disposed of, and seven days more after an order; one made before the admission does not. A decision is final only once the time allowed for an appeal has passed (s.29(5); ✱ 21 days after the decision under the court rules, unconfirmed, so a setting, S29_APPEAL_DAYS), or an appeal lodged in that time is determined or withdrawn (the s.2 has no end date while it is pending); seven days more when an order stands after it. A withdrawal of the application disposes of it that day.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-12': {
    citation: 'MHA 1983 s.13(4)',
    summary: 'When the nearest relative asked for the assessment and no application is made, the AMHP gives written reasons.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'NR-14': {
    citation: 'MHA 1983 s.11(4)(a), s.29(6); SI 2008/1184 reg 24',
    summary:
      'Only the nearest relative at the time, the acting nearest relative (s.29(6)) or a reg 24 delegate of either can object; other objections are shown, not blocking.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },

  // Out-of-hours decisions.
  'OOH-01': {
    citation: 'Care Act 2014 s.42(1)',
    summary: 'A safeguarding enquiry is owed when care needs, abuse or neglect, and inability to protect oneself are all met.',
    severity: 'blocker',
    regime: 'care-act',
    commencement: null,
  },
  'OOH-02': {
    citation: 'MCA 2005 ss.2-3',
    summary: 'Capacity is assessed for the decision and the time, by the two-stage test, before a best-interests decision.',
    severity: 'blocker',
    regime: 'mca-dols',
    commencement: null,
  },
  'OOH-03': {
    citation: 'MCA 2005 s.4',
    summary: 'A best-interests decision follows the s.4 checklist.',
    severity: 'blocker',
    regime: 'mca-dols',
    commencement: null,
  },
  'OOH-04': {
    citation: 'MCA 2005 Sch A1 paras 74-78',
    summary:
      "A managing authority's urgent authorisation lasts at most 7 days, comes with a request for a standard one, and is given once per detention (✱ the days are counted as N × 24 hours from the time it is given, or as local calendar days beginning with the day it is given; unconfirmed, so a setting, DOLS_DAY_COUNTING).",
    severity: 'blocker',
    regime: 'mca-dols',
    commencement: null,
  },
  'OOH-05': {
    citation: 'MCA 2005 Sch A1 para 77(3)-(4), 84-85',
    summary:
      'The supervisory body may extend an urgent authorisation once, by up to 7 days, for exceptional reasons (✱ the days follow on from the last day of the urgent authorisation, counted as it is: DOLS_DAY_COUNTING).',
    severity: 'blocker',
    regime: 'mca-dols',
    commencement: null,
  },
  'OOH-06': {
    citation: 'Mental Capacity (Amendment) Act 2019 (not in force)',
    summary: 'The Liberty Protection Safeguards are not in force, so DoLS is the only regime applied.',
    severity: 'info',
    regime: 'mca-dols',
    commencement: null,
  },
  'OOH-07': {
    citation: 'MHA 1983 ss.135-136; R (Sessay) v South London and Maudsley NHS Foundation Trust [2011] EWHC 2617 (QB)',
    summary: 'During an MHA assessment the MHA is a complete code: relying on the MCA or common law to remove or detain warns.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'OOH-08': {
    citation: 'Local recording standard for out-of-hours decisions',
    summary: 'A decision record holds the question, framework, facts, consultees, views, options, reasons and actions before signing.',
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },
  'OOH-09': {
    citation: 'Care Act 2014 s.42; Safeguarding Adults Collection (annual return to DHSC)',
    summary:
      'A s.42 decision records the return’s categories: type, location and source of risk, capacity, Making Safeguarding Personal, and action and result when it concludes the enquiry.',
    severity: 'blocker',
    regime: 'care-act',
    commencement: null,
  },
  'OOH-10': {
    citation: 'MCA 2005 Sch A1 paras 12, 42, 50; DoLS annual return (case level)',
    summary:
      'A DoLS decision records its standard authorisation request as the return needs it: the six assessments, last assessment, sign-off, status, and a granted authorisation’s period of at most a year.',
    severity: 'blocker',
    regime: 'mca-dols',
    commencement: null,
  },
  'OOH-DA': {
    citation: 'Local scheme of delegation (DELEGATED_AUTHORITY_LIMIT_PENCE)',
    summary: 'Spending above the delegated-authority limit needs a senior manager’s recorded approval.',
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },

  // Referral intake.
  'PERSON-MATCH': {
    citation: 'NHS number matching',
    summary:
      'An NHS number that matches a person whose other details differ is flagged for the AMHP to check; one given by a caller who may not read its holder waits in a pending match for the managers (one per caller, number and holder; a record already waiting on one to the holder is counted on it, never on two), the caller answered as for a new number; a number (or none) given to the record later supersedes it, and its part in the match is withdrawn, one after the other with a manager resolving the match, never both; a record confirmed to be the holder is changed no more (its records moved to the holder, whose record is changed instead).',
    severity: 'warning',
    regime: 'local-policy',
    commencement: null,
  },

  // Police powers and places of safety.
  'POL-02': {
    citation: 'MHA 1983 s.135(4)',
    summary:
      'A constable executing a s.135(1) warrant must be accompanied by an AMHP and a registered medical practitioner; an execution recorded without them is flagged as unlawful.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-03': {
    citation: 'MHA 1983 s.135(2)',
    summary: 'A s.135(2) warrant retakes a patient already liable to be detained; their own section is the authority, no new clock.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-04': {
    citation: 'MHA 1983 s.135(3), (3ZA), (3A); s.136B',
    summary:
      'A person removed under a s.135(1) warrant may be kept 24 hours at the place of safety (plus one s.136B extension), from the first start: a move to another place of safety (s.135(3A)) does not restart it.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-05': {
    citation: 'MHA 1983 s.136(1), (1B)',
    summary: 'A s.136 removal is never lawful from a private dwelling.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-06': {
    citation: 'MHA 1983 s.136(1C)',
    summary:
      'Before using s.136 a constable must, where practicable, consult a doctor, a nurse, an AMHP or another professional the regulations specify (✱ that list is a named constant); a referral that does not show it, or gives no reason it was not practicable, is flagged.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-07': {
    citation: 'MHA 1983 s.136(2), (2A), (3); s.136B',
    summary:
      'A person removed under s.136 may be kept 24 hours from arrival at the first place of safety (plus one s.136B extension): a move to another place of safety (s.136(3)) does not restart it.',
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-08': {
    citation: 'MHA 1983 s.136B',
    summary: "One extension of up to 12 hours, before expiry, by the examining doctor, for the person's condition only.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-09': {
    citation: 'MHA 1983 s.136A; SI 2017/1036 reg 2',
    summary: "A police station is never a place of safety for a child, and for an adult only with an inspector's authorisation.",
    severity: 'blocker',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-10': {
    citation: 'MHA 1983 s.135(6), (7)',
    summary:
      'A private dwelling is a place of safety only if the person detained agrees and, where they are not its only occupier, one of its occupiers agrees too; another suitable place only if whoever manages it agrees: a place used without them (or not known) is flagged.',
    severity: 'warning',
    regime: 'mha-1983',
    commencement: null,
  },
  'POL-11': {
    citation: 'MHA 1983 s.135(3), s.136(2)',
    summary:
      'Place-of-safety detention is for examination, interview and arrangements: it ends on admission under an application, or on release.',
    severity: 'info',
    regime: 'mha-1983',
    commencement: null,
  },

  // The rota's own rules.
  'ROTA-ACTIVE': {
    citation: 'Local rota policy',
    summary: 'A practitioner marked inactive is not put on the rota.',
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },
  'ROTA-LEAVE': {
    citation: 'Local rota policy',
    summary: 'A practitioner on approved leave is not put on a shift that overlaps it.',
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },
  'ROTA-DAYS': {
    citation: 'Local rota policy (ROTA_MAX_CONSECUTIVE_DAYS)',
    summary:
      'No AMHP is rostered on more consecutive days than the local limit (a day off resets the count); the planner and every assignment hold to it.',
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },
  'ROTA-NIGHTS': {
    citation: 'Local rota policy (ROTA_MAX_CONSECUTIVE_NIGHTS)',
    summary: 'More consecutive nights than the local limit need an override with a reason.',
    severity: 'warning',
    regime: 'local-policy',
    commencement: null,
  },
  'ROTA-OVERLAP': {
    citation: 'Local rota policy',
    summary: 'A practitioner works one shift at a time.',
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },
  'ROTA-CLOCK-CHANGE': {
    citation: 'Local rota policy (patterns are local wall-clock times)',
    summary:
      'A pattern time in the hour the spring clock change skips is read an hour later; a shift wholly inside that hour is not generated. A pattern time in the hour the autumn change repeats is read as its first occurrence (summer time), which makes the shift an hour longer or shorter. Each is reported, with the pattern, date, times and length, when the rota is generated.',
    severity: 'warning',
    regime: 'local-policy',
    commencement: null,
  },
  'ROTA-SKILLS': {
    citation: 'Local rota policy (a shift’s required skills, e.g. a senior AMHP on nights)',
    summary:
      'A swap that takes away the only AMHP holding a skill the shift requires, without the colleague taking it over holding it, needs an override with a reason.',
    severity: 'warning',
    regime: 'local-policy',
    commencement: null,
  },
  'ROTA-WORKED': {
    citation: 'Local rota policy (the duty record); MHA 1983 s.13 (who was the duty AMHP)',
    summary:
      "What has been worked is history: a change to the rota (leave, a suspension, an account withdrawn, a manager) takes off only what is not yet worked. A shift in progress ends at the change (or when she stops being able to act, or her leave starts, if later) and is kept as worked up to then; a worked assignment or a started shift cannot be deleted. An AMHP put on a shift under way is on it from then, never from its start, and nobody is added to a shift that is over; leave over time already worked is refused. Every reader counts an AMHP only for her own part of a shift. So with leave taken and the manager on call: approved leave already over cannot be cancelled, and leave in progress ends at the cancellation with the part taken kept (the approval stays on the record beside it); a manager-on-call period is put on the rota from now on only (one over, or one starting before now beyond the clock skew, is refused: nobody is named afterwards for hours already gone), one served cannot be removed, and one in progress ends at the change. So with the shape of the rota: a shift pattern takes effect from the hub's today at the earliest (valid from a day gone, or ended before today, is refused; a pattern already ended is not extended over the days since), and shifts are generated from today on, never one already over, nor is one already over added by hand; a shift's label and staffing are changed only before it starts; a change to a pattern (staffing, name, end, active) reaches its generated shifts that have not started, never one under way or over, and a staffed shift is never removed by it but kept and listed for the manager.",
    severity: 'blocker',
    regime: 'local-policy',
    commencement: null,
  },

  // Working time.
  'WTR-4': {
    citation: 'Working Time Regulations 1998 (SI 1998/1833) reg 4',
    summary: 'Average weekly working time over the reference period stays within the limit (48 hours over 17 weeks).',
    severity: 'warning',
    regime: 'working-time',
    commencement: null,
  },
  'WTR-6': {
    citation: 'Working Time Regulations 1998 (SI 1998/1833) reg 6; exceptions reg 21, compensatory rest reg 24',
    summary:
      "A night worker's normal hours average at most 8 in each 24 hours over the reference period (17 weeks; the 24-hour periods less the weekly rest days). A warning on a night-shift assignment, to override with a reason under a reg 21 exception.",
    severity: 'warning',
    regime: 'working-time',
    commencement: null,
  },
  'WTR-10': {
    citation: 'Working Time Regulations 1998 (SI 1998/1833) reg 10',
    summary: 'A worker has at least the minimum daily rest (11 hours) between shifts.',
    severity: 'blocker',
    regime: 'working-time',
    commencement: null,
  },
  'WTR-10-24H': {
    citation: 'Working Time Regulations 1998 (SI 1998/1833) reg 10(1); exceptions reg 21, compensatory rest reg 24',
    summary:
      'A worker has the minimum daily rest (11 hours) unbroken in each 24-hour period, not only between shifts: a shift longer than 13 hours, or shifts packed around one, leave less. A warning to override with a reason, as long on-call shifts are lawful under the reg 21 exceptions with equivalent compensatory rest.',
    severity: 'warning',
    regime: 'working-time',
    commencement: null,
  },
  'WTR-11': {
    citation: 'Working Time Regulations 1998 (SI 1998/1833) reg 11',
    summary: 'A worker has an uninterrupted weekly rest (24 hours) in every 7 days.',
    severity: 'warning',
    regime: 'working-time',
    commencement: null,
  },
} as const satisfies Record<string, RuleDefinition>;

/** Every rule id the hub knows: a typo in one is a compile error. */
export type RuleId = keyof typeof RULES;

/** The family a rule belongs to: the part of its id before the first hyphen (APP, MHA25, OOH, ...). */
export type RuleFamily = RuleId extends `${infer F}-${string}` ? F : never;

/** What each family covers (a heading in docs/rules.md). A new family without a title is a compile error. */
export const FAMILY_TITLES: Readonly<Record<RuleFamily, string>> = {
  AMHP: 'AMHP approval and practice',
  APP: 'Applications for admission',
  COI: 'Conflicts of interest',
  COP: 'Code of Practice',
  CTO: 'Community treatment orders',
  DUTY: "The council's duty to consider a referral",
  GDN: 'Guardianship',
  HOLD: 'Holding powers',
  MED: 'Medical recommendations',
  MHA25: 'Mental Health Act 2025 amendments',
  NR: 'The nearest relative',
  OOH: 'Out-of-hours decisions',
  PERSON: 'Referral intake',
  POL: 'Police powers and places of safety',
  ROTA: "The rota's own rules",
  WTR: 'Working time',
};

export interface CatalogueEntry extends RuleDefinition {
  readonly id: RuleId;
  readonly family: string;
}

/** Rule ids in catalogue order (by family, then number). */
export const RULE_IDS: readonly RuleId[] = Object.keys(RULES) as RuleId[];

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}

export function ruleFamily(id: string): string {
  return id.split('-')[0];
}

/** The citation a finding of this rule carries when it cites the rule as a whole. */
export function citationOf(id: RuleId): string {
  return RULES[id].citation;
}

export function catalogueEntry(id: RuleId): CatalogueEntry {
  const r: RuleDefinition = RULES[id];
  return {
    id,
    family: ruleFamily(id),
    citation: r.citation,
    summary: r.summary,
    severity: r.severity,
    regime: r.regime,
    commencement: r.commencement,
  };
}

/** The catalogue, optionally narrowed to one family and/or one regime (exact, case-sensitive match). */
export function ruleCatalogue(filter: { family?: string; regime?: string } = {}): CatalogueEntry[] {
  return RULE_IDS.map(catalogueEntry).filter(
    (e) => (filter.family === undefined || e.family === filter.family) && (filter.regime === undefined || e.regime === filter.regime),
  );
}

/** The families in catalogue order. */
export function ruleFamilies(): string[] {
  return [...new Set(RULE_IDS.map(ruleFamily))];
}
