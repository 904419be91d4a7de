import {
  intakeFindings,
  LegalContext,
  policeStationFindings,
  refusesIntake,
  S136Context,
  withAgeAtArrival,
  withAgeOnRecord,
  withRecordedAgeBasis,
} from './clocks';
import { ageOn, isUnder } from './time';

/**
 * POL-09 (s.136A(1) MHA 1983, inserted by the Policing and Crime Act 2017): a police station may not be a place of
 * safety for a person under 18. Worked examples of the age at arrival from a date of birth, counted on the local
 * (Europe/London) date of the arrival instant.
 */
const LONDON = 'Europe/London';
const at = (iso: string) => new Date(iso);

type Dob = { dateOfBirth: string | null | undefined; source: 'given' | 'on record' };
const given = (dateOfBirth: string | null | undefined): Dob => ({ dateOfBirth, source: 'given' });
const onRecord = (dateOfBirth: string): Dob => ({ dateOfBirth, source: 'on record' });

const policeStation = (arrivedAt: string, over: Partial<S136Context> = {}): S136Context =>
  ({ kind: 's136', placeOfSafetyType: 'police-station', locationType: 'public-place', arrivedAt: at(arrivedAt), ...over }) as S136Context;

/** The POL-09 findings at intake, received 30 minutes after arrival (or keeping). */
function pol09(context: LegalContext, dobs: Dob[]): string[] {
  const anchor = context.kind === 's136' ? (context.arrivedAt ?? context.keptAt) : at('2026-06-01T12:00:00Z');
  const receivedAt = new Date(anchor.getTime() + 30 * 60_000);
  return intakeFindings(withAgeAtArrival(context, dobs, receivedAt, LONDON), receivedAt)
    .filter((f) => f.rule === 'POL-09')
    .map((f) => `${f.severity}:${f.code}`);
}

const UNDER_18 = ['blocker:police-station-under-18'];
const ADULT = ['warning:police-station-adult-no-inspector'];
const AGE_UNKNOWN = ['warning:police-station-age-unknown', 'warning:police-station-adult-no-inspector'];

describe('POL-09: a person under 18 by their date of birth at a police station is flagged with a blocker', () => {
  it.each<[string, LegalContext, Dob[], string[]]>([
    ['16 years old by the date of birth given: the blocker', policeStation('2026-06-01T02:00:00Z'), [given('2010-03-14')], UNDER_18],
    [
      'the 18th birthday begins at local midnight: arriving 00:30 BST on it (23:30 UTC the day before) is 18, an adult',
      policeStation('2026-06-14T23:30:00Z'),
      [given('2008-06-15')],
      ADULT,
    ],
    [
      'the day before the 18th birthday, 23:59 BST: still 17, refused',
      policeStation('2026-06-14T22:59:00Z'),
      [given('2008-06-15')],
      UNDER_18,
    ],
    ['the 18th birthday, 23:30 BST: 18, an adult', policeStation('2026-06-15T22:30:00Z'), [given('2008-06-15')], ADULT],
    [
      'born on 29 February: on 28 February of a common year still 17, refused',
      policeStation('2026-02-28T23:59:00Z'),
      [given('2008-02-29')],
      UNDER_18,
    ],
    [
      'born on 29 February: 18 from 1 March of a common year (00:30 GMT), an adult',
      policeStation('2026-03-01T00:30:00Z'),
      [given('2008-02-29')],
      ADULT,
    ],
    [
      'the date of birth on record makes them 17 though the one given makes them an adult: the blocker',
      policeStation('2026-06-01T02:00:00Z'),
      [given('1990-01-01'), onRecord('2009-01-01')],
      UNDER_18,
    ],
    [
      'a date of birth showing an adult settles the age: no warning to confirm it',
      policeStation('2026-06-01T02:00:00Z'),
      [given('1990-01-01')],
      ADULT,
    ],
    [
      'no date of birth and no flag: the age is still to be confirmed',
      policeStation('2026-06-01T02:00:00Z'),
      [given(undefined)],
      AGE_UNKNOWN,
    ],
    ['a date of birth that is not a date is not read', policeStation('2026-06-01T02:00:00Z'), [given('2010-02-30')], AGE_UNKNOWN],
    [
      'the flag alone still raises the blocker (an adult date of birth does not overrule it)',
      policeStation('2026-06-01T02:00:00Z', { personUnder18: true }),
      [given('1990-01-01')],
      UNDER_18,
    ],
    [
      'a flag saying adult does not overrule a date of birth of a 16-year-old',
      policeStation('2026-06-01T02:00:00Z', { personUnder18: false }),
      [given('2010-03-14')],
      UNDER_18,
    ],
    [
      "kept at the place of safety (s.136(2A)(a)(ii)): the age at the constable's decision to keep, the day before the 18th birthday",
      { kind: 's136', placeOfSafetyType: 'police-station', locationType: 'public-place', keptAt: at('2026-06-14T12:00:00Z') },
      [given('2008-06-15')],
      UNDER_18,
    ],
    [
      'a health-based place of safety for a 16-year-old raises no POL-09 finding',
      { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: at('2026-06-01T02:00:00Z') },
      [given('2010-03-14')],
      [],
    ],
    [
      'a s.135(1) warrant to a police station for a 17-year-old raises the blocker too',
      {
        kind: 's135-1',
        warrantExecutedAt: at('2026-06-01T11:00:00Z'),
        arrivedAt: at('2026-06-01T11:20:00Z'),
        placeOfSafetyType: 'police-station',
      },
      [given('2009-01-01')],
      UNDER_18,
    ],
  ])('%s', (_name, context, dobs, expected) => {
    expect(pol09(context, dobs)).toEqual(expected);
  });

  it('says what the blocker rests on: which date of birth, and the age on the day of arrival', () => {
    const context = withAgeAtArrival(
      policeStation('2026-06-01T02:00:00Z'),
      [given('1990-01-01'), onRecord('2010-03-14')],
      at('2026-06-01T02:30:00Z'),
      LONDON,
    );
    const [finding] = intakeFindings(context, at('2026-06-01T02:30:00Z')).filter((f) => f.rule === 'POL-09');
    expect(finding.message).toBe(
      'A police station can never be a place of safety for a person under 18 (born Sun 14 Mar 2010 by the date of birth on record: 16 on Mon 1 Jun 2026, the day of arrival): the child must be moved to another place of safety now. The detention is recorded and counted; its 24 hours still run from arrival.',
    );
  });

  it("a child kept at a police station is timed from the constable's decision to keep them", () => {
    const context = withAgeAtArrival(
      { kind: 's136', placeOfSafetyType: 'police-station', locationType: 'public-place', keptAt: at('2026-06-01T02:00:00Z') },
      [given('2010-03-14')],
      at('2026-06-01T02:30:00Z'),
      LONDON,
    );
    const [finding] = intakeFindings(context, at('2026-06-01T02:30:00Z')).filter((f) => f.rule === 'POL-09');
    expect(finding.message).toContain('its 24 hours still run from the decision to keep them.');
  });

  // s.136A(1) forbids the police to use a police station for a child; it does not stop the hub learning that they did.
  it.each<[string, LegalContext, string, boolean]>([
    [
      'a child at a police station: recorded with the blocker',
      policeStation('2026-06-01T02:00:00Z', { personUnder18: true }),
      'police-station-under-18',
      false,
    ],
    [
      'an arrival typed 2 hours after the referral came in: refused (the record cannot be right)',
      policeStation('2026-06-01T04:30:00Z', { personUnder18: true }),
      'time-after-receipt',
      true,
    ],
    [
      'neither arrival nor the decision to keep recorded: refused (the 24 hours have no start)',
      { kind: 's136', placeOfSafetyType: 'police-station', locationType: 'public-place', personUnder18: true } as unknown as LegalContext,
      'anchor-missing',
      true,
    ],
    [
      'an adult at a police station without an inspector: a warning, recorded',
      policeStation('2026-06-01T02:00:00Z', { personUnder18: false }),
      'police-station-adult-no-inspector',
      false,
    ],
  ])('intake: %s', (_name, context, code, refuses) => {
    const finding = intakeFindings(context, at('2026-06-01T02:30:00Z')).find((f) => f.code === code)!;
    expect(finding).toBeDefined();
    expect(refusesIntake(finding)).toBe(refuses);
  });

  it('leaves other legal contexts as they are', () => {
    const informal: LegalContext = { kind: 'informal' };
    expect(withAgeAtArrival(informal, [given('2010-03-14')], at('2026-06-01T02:30:00Z'), LONDON)).toBe(informal);
  });
});

describe('POL-09 judged again after intake: the date of birth on record now, and where the person is held now', () => {
  const arrived = '2026-06-01T02:00:00Z';
  const received = at('2026-06-01T02:30:00Z');
  const byDob = {
    personUnder18: true,
    ageBasis: 'born Sun 14 Mar 2010 by the date of birth given: 16 on Mon 1 Jun 2026, the day of arrival',
  };
  /** The POL-09 findings where the person is held now, the age judged again from `dob` on record. */
  const now = (context: LegalContext, dob: string | null) =>
    policeStationFindings(withAgeOnRecord(context, dob, received, LONDON), LONDON, 'current').map((f) => `${f.severity}:${f.code}`);
  const moved = (type: 'police-station' | 'health-based', iso: string) => ({ at: at(iso), placeOfSafetyType: type, place: null });
  it.each<[string, LegalContext, string | null, string[]]>([
    ['age not known at intake, a child by the date of birth recorded since', policeStation(arrived), '2010-03-14', UNDER_18],
    ['age not known at intake, an adult by the date of birth recorded since', policeStation(arrived), '1990-03-14', ADULT],
    ['a child by a date of birth, corrected to an adult: no longer a child', policeStation(arrived, byDob), '1990-03-14', ADULT],
    ['a child by a date of birth, the date of birth removed: the age is not known', policeStation(arrived, byDob), null, AGE_UNKNOWN],
    ['a child by the flag: stands whatever the record says', policeStation(arrived, { personUnder18: true }), '1990-03-14', UNDER_18],
    ['17 on the day of arrival, 18 since: the age on the day of arrival counts', policeStation(arrived), '2008-06-02', UNDER_18],
    [
      'a child moved from a health-based place of safety to a police station: held there now',
      policeStation(arrived, { placeOfSafetyType: 'health-based', transfers: [moved('police-station', '2026-06-01T03:00:00Z')] }),
      '2010-03-14',
      UNDER_18,
    ],
    [
      'a child moved from a police station to a health-based place of safety: no longer held at one',
      policeStation(arrived, { transfers: [moved('health-based', '2026-06-01T03:00:00Z')] }),
      '2010-03-14',
      [],
    ],
    [
      'moved on and back: the last move counts',
      policeStation(arrived, {
        transfers: [moved('police-station', '2026-06-01T04:00:00Z'), moved('health-based', '2026-06-01T03:00:00Z')],
      }),
      '2010-03-14',
      UNDER_18,
    ],
  ])('%s', (_what, context, dob, expected) => {
    expect(now(context, dob)).toEqual(expected);
  });

  it('keeps what the age rests on with the context, for the message and the next correction', () => {
    const aged = withAgeOnRecord(policeStation(arrived), '2010-03-14', received, LONDON) as S136Context;
    expect(aged).toMatchObject({ personUnder18: true, ageBasis: expect.stringContaining('by the date of birth on record: 16') });
    const informal: LegalContext = { kind: 'informal' };
    expect(withAgeOnRecord(informal, '2010-03-14', received, LONDON)).toBe(informal);
  });
});

describe('POL-09: a child by a date of birth recorded before the basis was kept with the context has it back from the blocker intake gave', () => {
  const arrived = '2026-06-01T02:00:00Z';
  const received = at('2026-06-01T02:30:00Z');
  /** The findings intake recorded, from the context as intake judged it (the date of birth given). */
  const recordedAtIntake = (dob: string, over: Partial<S136Context> = {}) =>
    intakeFindings(withAgeAtArrival(policeStation(arrived, over), [given(dob)], received, LONDON), received);
  /** The context as such a referral kept it: a child, no basis. */
  const older = (over: Partial<S136Context> = {}) => policeStation(arrived, { personUnder18: true, ...over });
  const after = (context: LegalContext, dob: string | null) =>
    policeStationFindings(withAgeOnRecord(context, dob, received, LONDON), LONDON, 'current').map((f) => `${f.severity}:${f.code}`);

  it.each<[string, LegalContext, ReturnType<typeof recordedAtIntake>, string | null, string[]]>([
    [
      'a child by the date of birth given, corrected to an adult: no longer a child',
      older(),
      recordedAtIntake('2010-03-14'),
      '1990-03-14',
      ADULT,
    ],
    [
      'a child by the date of birth given, the date of birth removed: the age is not known',
      older(),
      recordedAtIntake('2010-03-14'),
      null,
      AGE_UNKNOWN,
    ],
    [
      'a child by the date of birth given, confirmed by the record: still a child',
      older(),
      recordedAtIntake('2010-03-14'),
      '2010-03-14',
      UNDER_18,
    ],
    [
      'a child by the flag (no basis in the blocker): stands whatever the record says',
      older(),
      recordedAtIntake('1990-03-14', { personUnder18: true }),
      '1990-03-14',
      UNDER_18,
    ],
    ['no findings recorded: nothing says what the age rested on, so it stands', older(), [], '1990-03-14', UNDER_18],
  ])('%s', (_what, context, findings, dob, expected) => {
    expect(after(withRecordedAgeBasis(context, findings), dob)).toEqual(expected);
  });

  it('puts back the basis intake wrote, and leaves a context that has one, an adult, or another kind as it is', () => {
    const findings = recordedAtIntake('2010-03-14');
    expect(withRecordedAgeBasis(older(), findings)).toMatchObject({
      personUnder18: true,
      ageBasis: 'born Sun 14 Mar 2010 by the date of birth given: 16 on Mon 1 Jun 2026, the day of arrival',
    });
    const kept = older({ ageBasis: 'born Sat 1 Jan 2011 by the date of birth on record: 15 on Mon 1 Jun 2026, the day of arrival' });
    expect(withRecordedAgeBasis(kept, findings)).toBe(kept);
    const adult = policeStation(arrived);
    expect(withRecordedAgeBasis(adult, findings)).toBe(adult);
    const informal: LegalContext = { kind: 'informal' };
    expect(withRecordedAgeBasis(informal, findings)).toBe(informal);
  });
});

describe('age on a date', () => {
  it.each<[string, string, number, boolean]>([
    ['2008-06-15', '2026-06-14', 17, true],
    ['2008-06-15', '2026-06-15', 18, false],
    ['2008-02-29', '2026-02-28', 17, true],
    ['2008-02-29', '2026-03-01', 18, false],
    ['2008-02-29', '2028-02-29', 20, false],
    ['2010-12-31', '2026-01-01', 15, true],
  ])('born %s, on %s: %i (under 18: %s)', (dob, on, age, under) => {
    expect(ageOn(dob, on)).toBe(age);
    expect(isUnder(dob, 18, on)).toBe(under);
  });
});
