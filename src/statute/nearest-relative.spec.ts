import fc from 'fast-check';
import {
  overlappedTerm,
  proposeNearestRelative,
  rankClassOf,
  type NearestRelativeInput,
  type RelativeFacts,
  type Relationship,
} from './nearest-relative';
import type { IsoDate } from './time';

const AS_AT = '2026-11-21';
let seq = 0;

/** A relative with the defaults a form would give: adult, whole blood, UK resident, not living with the patient. */
function rel(name: string, relationship: Relationship, over: Partial<RelativeFacts> = {}): RelativeFacts {
  seq += 1;
  return {
    id: `${name.toLowerCase()}-${seq}`,
    name,
    relationship,
    wholeBlood: true,
    dateOfBirth: '1970-01-01',
    livesWithPatient: false,
    caresForPatient: false,
    ukResident: true,
    separatedOrDeserted: false,
    yearsLivingWith: null,
    authorisedDelegate: null,
    ...over,
  };
}

const adult = { dateOfBirth: '1990-05-05', married: false };
const child = { dateOfBirth: '2012-05-05', married: false };

function propose(relatives: RelativeFacts[], over: Partial<NearestRelativeInput> = {}) {
  return proposeNearestRelative({ patient: adult, relatives, asAt: AS_AT, regime: 'nearest-relative', ...over });
}

describe('nearest relative (MHA 1983 s.26): who is proposed', () => {
  type Case = [string, RelativeFacts[], string | null, Partial<NearestRelativeInput>?];
  const cases: Case[] = [
    // NR-04 (s.26(1), (3))
    [
      'the elder of two daughters is the nearest relative',
      [rel('Younger', 'child', { dateOfBirth: '1995-01-01' }), rel('Elder', 'child', { dateOfBirth: '1992-01-01' })],
      'Elder',
    ],
    [
      'the elder of a son and a daughter is the nearest relative regardless of sex',
      [rel('Son', 'child', { dateOfBirth: '1990-02-01' }), rel('Daughter', 'child', { dateOfBirth: '1990-01-01' })],
      'Daughter',
    ],
    [
      'a son or daughter comes before a parent',
      [rel('Mum', 'parent', { dateOfBirth: '1940-01-01' }), rel('Kid', 'child', { dateOfBirth: '2000-01-01' })],
      'Kid',
    ],
    [
      'a spouse comes before everyone else',
      [rel('Dad', 'parent'), rel('Wife', 'spouse', { dateOfBirth: '1992-01-01' }), rel('Son', 'child')],
      'Wife',
    ],
    ['a civil partner is in class (a) like a spouse', [rel('Sister', 'sibling'), rel('Partner', 'civil-partner')], 'Partner'],
    [
      'a sibling of the whole blood comes before an elder sibling of the half blood',
      [rel('Half', 'sibling', { wholeBlood: false, dateOfBirth: '1960-01-01' }), rel('Whole', 'sibling', { dateOfBirth: '1980-01-01' })],
      'Whole',
    ],
    [
      'a grandparent comes before a grandchild, an uncle and a nephew',
      [rel('Nephew', 'nephew-niece'), rel('Uncle', 'uncle-aunt'), rel('Grandchild', 'grandchild'), rel('Gran', 'grandparent')],
      'Gran',
    ],
    [
      'an uncle or aunt comes before a nephew or niece',
      [rel('Niece', 'nephew-niece', { dateOfBirth: '1950-01-01' }), rel('Aunt', 'uncle-aunt', { dateOfBirth: '1960-01-01' })],
      'Aunt',
    ],
    [
      'a relative whose date of birth is not recorded ranks after one of the same class whose age is known',
      [rel('Unknown', 'sibling', { dateOfBirth: null }), rel('Known', 'sibling', { dateOfBirth: '1999-01-01' })],
      'Known',
    ],
    // NR-05 (s.26(4))
    [
      'a relative the patient lives with takes precedence over an elder sibling',
      [
        rel('Elder', 'sibling', { dateOfBirth: '1960-01-01' }),
        rel('Nephew', 'nephew-niece', { dateOfBirth: '2000-01-01', livesWithPatient: true }),
      ],
      'Nephew',
    ],
    [
      'a relative who cares for the patient takes precedence over a spouse who does not',
      [rel('Husband', 'spouse'), rel('Mum', 'parent', { caresForPatient: true })],
      'Mum',
    ],
    [
      'among relatives the patient lives with, s.26(3) ranks: the parent before the sibling',
      [
        rel('Brother', 'sibling', { livesWithPatient: true, dateOfBirth: '1950-01-01' }),
        rel('Dad', 'parent', { livesWithPatient: true, dateOfBirth: '1960-01-01' }),
        rel('Wife', 'spouse'),
      ],
      'Dad',
    ],
    // NR-06 (s.26(5))
    ['a spouse permanently separated is excluded', [rel('Ex', 'spouse', { separatedOrDeserted: true }), rel('Son', 'child')], 'Son'],
    [
      'a relative not ordinarily resident in the UK is excluded',
      [rel('Abroad', 'child', { ukResident: false }), rel('Mum', 'parent')],
      'Mum',
    ],
    ['a son under 18 is excluded', [rel('Sam', 'child', { dateOfBirth: '2010-01-01' }), rel('Gran', 'grandparent')], 'Gran'],
    [
      'a parent under 18 is not excluded',
      [rel('YoungMum', 'parent', { dateOfBirth: '2009-06-01' }), rel('Aunt', 'uncle-aunt')],
      'YoungMum',
    ],
    ['a spouse under 18 is not excluded', [rel('YoungWife', 'spouse', { dateOfBirth: '2009-06-01' }), rel('Dad', 'parent')], 'YoungWife'],
    [
      's.26(4) before s.26(3): a half-blood sister the patient lives with comes before an elder whole-blood brother',
      [
        rel('Brother', 'sibling', { dateOfBirth: '1960-01-01' }),
        rel('HalfSister', 'sibling', { wholeBlood: false, dateOfBirth: '1975-01-01', livesWithPatient: true }),
      ],
      'HalfSister',
    ],
    [
      'whole blood before age: of two half-blood and whole-blood brothers, the younger whole-blood one',
      [
        rel('ElderHalf', 'sibling', { wholeBlood: false, dateOfBirth: '1950-01-01' }),
        rel('YoungerWhole', 'sibling', { dateOfBirth: '1970-01-01' }),
      ],
      'YoungerWhole',
    ],
    [
      'a grandchild under 18 is excluded, so the uncle is the nearest relative',
      [rel('Grandkid', 'grandchild', { dateOfBirth: '2010-03-03' }), rel('Uncle', 'uncle-aunt')],
      'Uncle',
    ],
    [
      'a spouse who deserted the patient is excluded, and an adult child is the nearest relative',
      [
        rel('Deserter', 'spouse', { separatedOrDeserted: true, livesWithPatient: false }),
        rel('Daughter', 'child', { dateOfBirth: '2000-02-02' }),
      ],
      'Daughter',
    ],
    [
      'a relative who turns 18 on the day asked is not excluded',
      [rel('Birthday', 'child', { dateOfBirth: '2008-11-21' }), rel('Dad', 'parent')],
      'Birthday',
    ],
    [
      'a relative who turns 18 the day after is excluded',
      [rel('Tomorrow', 'child', { dateOfBirth: '2008-11-22' }), rel('Dad', 'parent')],
      'Dad',
    ],
    [
      'a separated or estranged parent is not excluded (only a spouse is)',
      [rel('Estranged', 'parent', { separatedOrDeserted: true }), rel('Sister', 'sibling')],
      'Estranged',
    ],
    ['someone who is not a relative is never proposed', [rel('Friend', 'other', { livesWithPatient: true, caresForPatient: true })], null],
    // NR-07 (s.26(6), (7))
    [
      'a cohabitee of 6 months is treated as a spouse',
      [rel('Dad', 'parent'), rel('Partner', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 0.5 })],
      'Partner',
    ],
    [
      'a cohabitee of 5 months is not treated as a spouse',
      [rel('Dad', 'parent', { livesWithPatient: true }), rel('Partner', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 0.42 })],
      'Dad',
    ],
    [
      'a cohabitee is not treated as a spouse while the patient is married and not separated',
      [rel('Son', 'child', { livesWithPatient: true }), rel('Partner', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 3 })],
      'Son',
      { patient: { ...adult, married: true } },
    ],
    [
      'a cohabitee is treated as a spouse when the spouse is permanently separated',
      [rel('Ex', 'spouse', { separatedOrDeserted: true }), rel('Partner', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 2 })],
      'Partner',
    ],
    [
      'a recorded spouse who is not separated makes the patient married, so a cohabitee is not a spouse',
      [
        rel('Wife', 'spouse', { ukResident: false }),
        rel('Partner', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 2 }),
        rel('Mum', 'parent'),
      ],
      'Mum',
    ],
    [
      'a non-relative the patient has lived with for 5 years is the nearest relative when no relative lives with the patient',
      [rel('Brother', 'sibling'), rel('Friend', 'non-relative-resident', { livesWithPatient: true, yearsLivingWith: 6 })],
      'Friend',
    ],
    [
      'a non-relative resident of 5 years is ranked after a nephew the patient also lives with',
      [
        rel('Friend', 'non-relative-resident', { livesWithPatient: true, yearsLivingWith: 20, dateOfBirth: '1940-01-01' }),
        rel('Nephew', 'nephew-niece', { livesWithPatient: true }),
      ],
      'Nephew',
    ],
    [
      'a non-relative resident of 4 years is not a relative',
      [rel('Friend', 'non-relative-resident', { livesWithPatient: true, yearsLivingWith: 4 })],
      null,
    ],
    [
      'a non-relative resident is not the nearest relative of a married patient',
      [rel('Friend', 'non-relative-resident', { livesWithPatient: true, yearsLivingWith: 10 }), rel('Cousin', 'other')],
      null,
      { patient: { ...adult, married: true } },
    ],
    // NR-08 (ss.27-28)
    [
      'a local authority with a care order is the nearest relative of a child patient, before the parent the child lives with',
      [
        rel('Mum', 'parent', { livesWithPatient: true }),
        rel('Northshire County Council', 'local-authority-care-order', { dateOfBirth: null }),
      ],
      'Northshire County Council',
      { patient: child },
    ],
    [
      "a local authority with a care order gives way to the child patient's spouse",
      [
        rel('Northshire County Council', 'local-authority-care-order', { dateOfBirth: null }),
        rel('Husband', 'spouse', { dateOfBirth: '2008-01-01' }),
      ],
      'Husband',
      { patient: { dateOfBirth: '2009-06-01', married: true } },
    ],
    [
      'a care order recorded for an adult patient has no effect',
      [rel('Northshire County Council', 'local-authority-care-order', { dateOfBirth: null }), rel('Mum', 'parent')],
      'Mum',
    ],
    [
      'a guardian is the nearest relative of a child patient to the exclusion of the parents',
      [rel('Dad', 'parent', { livesWithPatient: true }), rel('Auntie Guardian', 'guardian-or-residence-order')],
      'Auntie Guardian',
      { patient: child },
    ],
    [
      'a guardian living abroad is disregarded (s.28(2))',
      [rel('Dad', 'parent'), rel('Guardian', 'guardian-or-residence-order', { ukResident: false })],
      'Dad',
      { patient: child },
    ],
    [
      'a patient whose date of birth is unknown is treated as an adult unless recorded as under 18',
      [rel('Northshire County Council', 'local-authority-care-order', { dateOfBirth: null }), rel('Mum', 'parent')],
      'Northshire County Council',
      { patient: { dateOfBirth: null, married: false, under18: true } },
    ],
    // Held-out cases (asked on Sat 21 Nov 2026 unless the options say otherwise).
    [
      'NR-04, twins of the whole blood born the same day: the one recorded first, with the trace asking who is the elder',
      [rel('TwinB', 'sibling', { dateOfBirth: '1985-04-02' }), rel('TwinA', 'sibling', { dateOfBirth: '1985-04-02' })],
      'TwinB',
    ],
    [
      'NR-04, a half-blood twin against a whole-blood sibling born a day later: whole blood first',
      [
        rel('HalfTwin', 'sibling', { wholeBlood: false, dateOfBirth: '1985-04-01' }),
        rel('Whole', 'sibling', { dateOfBirth: '1985-04-02' }),
      ],
      'Whole',
    ],
    [
      'NR-04, two half-blood sisters and no whole-blood sibling: the elder half-blood sister',
      [
        rel('YoungerHalf', 'sibling', { wholeBlood: false, dateOfBirth: '1990-01-01' }),
        rel('ElderHalf', 'sibling', { wholeBlood: false, dateOfBirth: '1989-12-31' }),
      ],
      'ElderHalf',
    ],
    [
      'NR-04, a father and a mother born the same year: the elder by a day, regardless of sex',
      [rel('Dad', 'parent', { dateOfBirth: '1960-06-02' }), rel('Mum', 'parent', { dateOfBirth: '1960-06-01' })],
      'Mum',
    ],
    [
      'NR-04, a half-blood sibling still comes before a whole-blood grandparent (class before blood)',
      [rel('Gran', 'grandparent', { dateOfBirth: '1940-01-01' }), rel('HalfBrother', 'sibling', { wholeBlood: false })],
      'HalfBrother',
    ],
    [
      'NR-05, a younger daughter who cares for the patient comes before an elder daughter who does not',
      [rel('Elder', 'child', { dateOfBirth: '1980-01-01' }), rel('Carer', 'child', { dateOfBirth: '1985-01-01', caresForPatient: true })],
      'Carer',
    ],
    [
      'NR-05, a grandchild the patient lives with comes before a son who lives elsewhere',
      [
        rel('Son', 'child', { dateOfBirth: '1970-01-01' }),
        rel('Grandson', 'grandchild', { dateOfBirth: '1998-01-01', livesWithPatient: true }),
      ],
      'Grandson',
    ],
    [
      'NR-05, two relatives care for the patient: s.26(3) ranks them, so the parent before the sibling who does more',
      [
        rel('Sister', 'sibling', { caresForPatient: true, livesWithPatient: true }),
        rel('Mum', 'parent', { caresForPatient: true, dateOfBirth: '1950-01-01' }),
      ],
      'Mum',
    ],
    [
      'NR-06, a son who turns 18 on the day asked (Sat 21 Nov 2026) counts, before an uncle',
      [rel('Uncle', 'uncle-aunt', { dateOfBirth: '1950-01-01' }), rel('Son', 'child', { dateOfBirth: '2008-11-21' })],
      'Son',
    ],
    [
      'NR-06, a daughter born 29 Feb 2008 is still 17 on Sat 28 Feb 2026 (a common year): disregarded',
      [rel('Leap', 'child', { dateOfBirth: '2008-02-29' }), rel('Mum', 'parent')],
      'Mum',
      { asAt: '2026-02-28' },
    ],
    [
      'NR-06, a daughter born 29 Feb 2008 is 18 on Sun 1 Mar 2026: the nearest relative',
      [rel('Leap', 'child', { dateOfBirth: '2008-02-29' }), rel('Mum', 'parent')],
      'Leap',
      { asAt: '2026-03-01' },
    ],
    [
      'NR-06, a 17-year-old cohabitee of a year is treated as a spouse, and a spouse is not disregarded for age',
      [rel('Mum', 'parent'), rel('Partner', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 1, dateOfBirth: '2009-06-01' })],
      'Partner',
    ],
    [
      'NR-06, a 17-year-old non-relative the patient has lived with all her life is disregarded (not a spouse or parent)',
      [
        rel('Lodger', 'non-relative-resident', { livesWithPatient: true, yearsLivingWith: 17, dateOfBirth: '2009-06-01' }),
        rel('Aunt', 'uncle-aunt'),
      ],
      'Aunt',
    ],
    [
      'NR-06, the only child lives abroad and the patient lives in England: the sister in England',
      [rel('Abroad', 'child', { ukResident: false, dateOfBirth: '1980-01-01' }), rel('Sister', 'sibling')],
      'Sister',
      { patient: { ...adult, ukResident: true } },
    ],
    [
      'NR-06, a spouse the patient lives with abroad, both ordinarily resident there: the spouse',
      [rel('Wife', 'spouse', { ukResident: false, livesWithPatient: true }), rel('Brother', 'sibling')],
      'Wife',
      { patient: { ...adult, ukResident: false } },
    ],
    [
      'NR-07, a civil partner living apart but not separated is the nearest relative, not the cohabitee of ten years the patient lives with',
      [
        rel('CivilPartner', 'civil-partner', { livesWithPatient: false }),
        rel('Cohabitee', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 10 }),
        rel('Mum', 'parent'),
      ],
      'CivilPartner',
    ],
    [
      'NR-07, a civil partner permanently separated: the cohabitee of six months is treated as the spouse',
      [
        rel('CivilPartner', 'civil-partner', { separatedOrDeserted: true }),
        rel('Cohabitee', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 0.5 }),
        rel('Dad', 'parent', { livesWithPatient: true }),
      ],
      'Cohabitee',
    ],
    [
      'NR-07, a cohabitee of just under six months is not a spouse: the parent the patient also lives with',
      [rel('Cohabitee', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 0.49 }), rel('Dad', 'parent', { livesWithPatient: true })],
      'Dad',
    ],
    [
      'NR-07, a friend of exactly five years living with the patient comes after a nephew the patient also lives with',
      [
        rel('Friend', 'non-relative-resident', { livesWithPatient: true, yearsLivingWith: 5 }),
        rel('Niece', 'nephew-niece', { livesWithPatient: true, dateOfBirth: '2000-01-01' }),
      ],
      'Niece',
    ],
    [
      'NR-08, a 17-year-old patient with a residence order to an aunt: the aunt, before the parents the child lives with',
      [rel('Mum', 'parent', { livesWithPatient: true }), rel('Aunt', 'guardian-or-residence-order')],
      'Aunt',
      { patient: { dateOfBirth: '2009-11-22', married: false } },
    ],
    [
      'NR-08, the same patient on the 18th birthday: s.28 no longer applies, the mother the patient lives with',
      [rel('Mum', 'parent', { livesWithPatient: true }), rel('Aunt', 'guardian-or-residence-order')],
      'Mum',
      { patient: { dateOfBirth: '2008-11-21', married: false } },
    ],
    // nobody
    ['with no relatives there is no nearest relative', [], null],
  ];

  // Rows may omit the options: pad them, or jest takes the fourth parameter for a done callback and waits for it.
  it.each(cases.map((c): Required<Case> => [c[0], c[1], c[2], c[3] ?? {}]))('%s', (_name, relatives, expected, over) => {
    const result = propose(relatives, over);
    expect(result.nearestRelative?.name ?? null).toBe(expected);
    if (result.nearestRelative) expect(result.ranked[0].name).toBe(expected);
    // Every step is explained with its subsection.
    expect(result.trace.length).toBeGreaterThan(0);
  });
});

describe('nearest relative: the trace and the lists explain each step with its subsection', () => {
  it('names the under-18 exclusion as s.26(5) with the age', () => {
    const result = propose([rel('Sam', 'sibling', { dateOfBirth: '2010-03-01' }), rel('Dad', 'parent')]);
    expect(result.excluded).toEqual([
      {
        relativeId: expect.any(String),
        name: 'Sam',
        relationship: 'sibling',
        reason: expect.stringMatching(
          /^s\.26\(5\)\(c\): Sam .*excluded: under 18 \(aged 16\) and not the patient's spouse, civil partner or parent/,
        ),
      },
    ]);
    expect(result.trace).toContain(result.excluded[0].reason);
    expect(result.trace.at(-1)).toBe('s.26(3): Dad (father or mother) is the nearest relative (class (c)).');
  });

  it('ranks every eligible relative with its class, s.26(4) preference first', () => {
    const result = propose([
      rel('Dad', 'parent'),
      rel('Kid', 'child', { livesWithPatient: true }),
      rel('Friend', 'non-relative-resident', { livesWithPatient: true, yearsLivingWith: 7 }),
      rel('Gone', 'sibling', { ukResident: false }),
    ]);
    expect(result.ranked.map((r) => [r.name, r.rank, r.class, r.preferred])).toEqual([
      ['Kid', 1, 'b', true],
      ['Friend', 2, 's.26(7)', true],
      ['Dad', 3, 'c', false],
    ]);
    expect(result.excluded.map((e) => e.name)).toEqual(['Gone']);
    expect(result.trace).toContain(
      's.26(4): the patient lives with or is cared for by Kid, Friend, who take precedence over the other relatives; s.26(3) ranks them among themselves.',
    );
  });

  it('traces that an unknown date of birth was ranked after a known one, and asks for it', () => {
    const { trace } = propose([rel('Alex', 'child', { dateOfBirth: null }), rel('Bo', 'child', { dateOfBirth: '2001-01-01' })]);
    expect(trace).toContain(
      "s.26(3): of two relatives described as son or daughter, Alex's date of birth is not recorded, so Alex is ranked after Bo, whose age is known; confirm Alex's age, as the elder is preferred.",
    );
  });

  it('traces the elder-first rule with both dates', () => {
    const { trace } = propose([rel('Ann', 'sibling', { dateOfBirth: '1980-04-02' }), rel('Ben', 'sibling', { dateOfBirth: '1978-09-30' })]);
    expect(trace).toContain(
      's.26(3): of two relatives described as brother or sister, Ben (born 1978-09-30) is the elder, and is preferred to Ann (born 1980-04-02) regardless of sex.',
    );
  });

  it('says when the elder cannot be found (twins, or no dates of birth)', () => {
    expect(
      propose([rel('Tom', 'child', { dateOfBirth: '1999-01-01' }), rel('Tim', 'child', { dateOfBirth: '1999-01-01' })]).trace.join('\n'),
    ).toMatch(/share a date of birth .* confirm who is the elder/);
    expect(propose([rel('Tom', 'child', { dateOfBirth: null }), rel('Tim', 'child', { dateOfBirth: null })]).trace.join('\n')).toMatch(
      /neither Tom's nor Tim's date of birth is recorded/,
    );
  });

  it('explains a cohabitee treated as a spouse (s.26(6)) and the s.26(4) precedence', () => {
    const { trace } = propose([rel('Dad', 'parent'), rel('Jo', 'cohabitee', { livesWithPatient: true, yearsLivingWith: 1.5 })]);
    expect(trace).toContain(
      's.26(6): Jo has lived with the patient as a couple for 1.5 years (six months or more), so is treated as a husband, wife or civil partner (class (a)).',
    );
    expect(trace.at(-1)).toBe('s.26(4): Jo (cohabitee) is the nearest relative (class (a)).');
  });

  it('excludes a cohabitee whose length of cohabitation is not recorded, saying so', () => {
    const { excluded } = propose([rel('Jo', 'cohabitee', { livesWithPatient: true, yearsLivingWith: null })]);
    expect(excluded[0].reason).toMatch(
      /^s\.26\(6\): Jo \(cohabitee\) excluded: has lived with the patient as a couple for a length of time not recorded/,
    );
  });

  it('NR-09: an authorised delegate acts for the nearest relative (actingAs), who stays the nearest relative', () => {
    const result = propose([rel('Mum', 'parent', { authorisedDelegate: 'Aunt Pat' }), rel('Bro', 'sibling')]);
    expect(result.nearestRelative).toEqual({
      relativeId: expect.stringMatching(/^mum-/),
      name: 'Mum',
      actingAs: 'Aunt Pat',
      basis: 's.26',
    });
    expect(result.trace.at(-1)).toMatch(/^reg 24 \(SI 2008\/1184\): Mum has authorised Aunt Pat in writing to act as nearest relative/);
  });

  it('NR-09: the delegate of a relative who is not the nearest relative does not act', () => {
    expect(propose([rel('Dad', 'parent'), rel('Bro', 'sibling', { authorisedDelegate: 'Someone' })]).nearestRelative).toEqual({
      relativeId: expect.any(String),
      name: 'Dad',
      basis: 's.26',
    });
  });

  it('NR-10: a displacement order names the acting nearest relative and overrides everything', () => {
    const result = propose([rel('Mum', 'parent', { livesWithPatient: true, authorisedDelegate: 'Aunt Pat' })], {
      displacement: { actingNearestRelative: 'Northshire County Council (AMHP service)' },
    });
    expect(result.nearestRelative).toEqual({ relativeId: null, name: 'Northshire County Council (AMHP service)', basis: 's.29' });
    expect(result.ranked.map((r) => r.name)).toEqual(['Mum']);
    expect(result.trace.at(-1)).toBe(
      "s.29: the county court has appointed Northshire County Council (AMHP service) to act as the nearest relative; the order overrides ss.26-28, so Mum is displaced (and Aunt Pat's authority under reg 24 falls away).",
    );
  });

  it('NR-10: a displacement order also gives an acting nearest relative to a patient with none (s.29(3)(a))', () => {
    expect(propose([], { displacement: { actingNearestRelative: 'Pat Friend' } }).nearestRelative).toEqual({
      relativeId: null,
      name: 'Pat Friend',
      basis: 's.29',
    });
  });

  describe('NR-06 (s.26(5)(a)): relatives abroad are disregarded only for a patient ordinarily resident in the UK', () => {
    const wifeAbroad = () => [
      rel('Marie', 'spouse', { ukResident: false, livesWithPatient: true, dateOfBirth: '1976-01-01' }),
      rel('Paul', 'sibling', { dateOfBirth: '1970-01-01' }),
    ];
    it.each<[string, boolean | null | undefined, string]>([
      ['a patient ordinarily resident in the UK: the wife abroad is disregarded', true, 'Paul'],
      ['a patient not ordinarily resident in the UK (a visitor): the wife he lives with abroad is the nearest relative', false, 'Marie'],
      ['residence not recorded: the patient is taken to be resident, so the wife is disregarded (and the trace asks)', null, 'Paul'],
      ['residence not given at all: as not recorded', undefined, 'Paul'],
    ])('%s', (_name, ukResident, expected) => {
      const { nearestRelative, excluded } = propose(wifeAbroad(), { patient: { ...adult, ukResident } });
      expect(nearestRelative?.name).toBe(expected);
      expect(excluded.map((x) => x.name)).toEqual(expected === 'Marie' ? [] : ['Marie']);
    });

    it('traces why the relative abroad counts, and asks to confirm the residence when it is not recorded', () => {
      expect(propose(wifeAbroad(), { patient: { ...adult, ukResident: false } }).trace).toContainEqual(
        expect.stringContaining('but neither is the patient, so Marie is not disregarded'),
      );
      const { trace } = propose(wifeAbroad(), { patient: { ...adult, ukResident: null } });
      expect(trace).toContainEqual(expect.stringContaining('where the patient ordinarily resides is not recorded. Confirm it'));
      expect(trace).toContainEqual(expect.stringContaining('(Marie is recorded as living with the patient)'));
    });

    it('s.28(2): a child patient not resident in the UK keeps a guardian who lives abroad', () => {
      const guardian = rel('Guardian', 'guardian-or-residence-order', { ukResident: false });
      expect(propose([rel('Dad', 'parent'), guardian], { patient: { ...child, ukResident: false } }).nearestRelative?.name).toBe(
        'Guardian',
      );
    });
  });

  it('says when nobody is eligible, and that the court can appoint an acting nearest relative', () => {
    const { nearestRelative, trace } = propose([rel('Abroad', 'parent', { ukResident: false })]);
    expect(nearestRelative).toBeNull();
    expect(trace.at(-1)).toMatch(/no relative recorded is eligible.*s\.29\(3\)\(a\)/);
  });

  it('asks for the spouse when the patient is married but none is recorded', () => {
    const { trace, nearestRelative } = propose([rel('Mum', 'parent')], { patient: { ...adult, married: true } });
    expect(nearestRelative?.name).toBe('Mum');
    expect(trace).toContain(
      's.26(1)(a): the patient is married or in a civil partnership but no husband, wife or civil partner is recorded: record them, as they are likely to be the nearest relative.',
    );
  });

  it('s.27: the local authority heads the ranking of a child patient in care, with basis s.27', () => {
    const result = propose([rel('Mum', 'parent'), rel('Northshire County Council', 'local-authority-care-order', { dateOfBirth: null })], {
      patient: child,
    });
    expect(result.nearestRelative).toMatchObject({ name: 'Northshire County Council', basis: 's.27' });
    expect(result.ranked.map((r) => [r.name, r.class])).toEqual([
      ['Northshire County Council', 's.27'],
      ['Mum', 'c'],
    ]);
    expect(result.trace.join('\n')).toMatch(/The patient is 14 on 2026-11-21: under 18/);
  });

  it('a care order for an adult patient is excluded, saying s.27 applies only under 18', () => {
    const { excluded } = propose([rel('Council', 'local-authority-care-order', { dateOfBirth: null })]);
    expect(excluded[0].reason).toBe(
      's.27: Council (local authority holding a care order) excluded: s.27 applies only to a patient under 18.',
    );
  });

  it('MHA 2025: under the nominated-person regime there is no nearest relative, and the trace says a nominated person must be appointed', () => {
    const result = propose([rel('Mum', 'parent')], { regime: 'nominated-person', displacement: { actingNearestRelative: 'X' } });
    expect(result.nearestRelative).toBeNull();
    expect(result.ranked).toEqual([]);
    expect(result.trace.join('\n')).toMatch(/MHA 2025 s\.24: .*nominated person has replaced the nearest relative/);
    expect(result.trace.join('\n')).toMatch(/a nominated person must be appointed/);
  });

  it('a patient born on 29 February turns 18 on 1 March in a common year ✱', () => {
    const r = (asAt: string) =>
      proposeNearestRelative({
        patient: { dateOfBirth: '2008-02-29', married: false },
        relatives: [rel('LA', 'local-authority-care-order', { dateOfBirth: null })],
        asAt,
        regime: 'nearest-relative',
      }).nearestRelative;
    expect(r('2026-02-28')?.name).toBe('LA');
    expect(r('2026-03-01')).toBeNull();
  });
});

describe('nearest relative: properties', () => {
  const RANKED: Relationship[] = [
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
  ];
  const ALL: Relationship[] = [...RANKED, 'local-authority-care-order', 'guardian-or-residence-order', 'other'];
  const CLASSES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 's.26(7)'];
  const dateArb = fc.option(
    fc.integer({ min: 1930, max: 2024 }).chain((y) => fc.integer({ min: 1, max: 12 }).map((m) => `${y}-${String(m).padStart(2, '0')}-15`)),
    { nil: null },
  );
  const relativeArb = (relationships: Relationship[]) =>
    fc.record({
      relationship: fc.constantFrom(...relationships),
      wholeBlood: fc.boolean(),
      dateOfBirth: dateArb,
      livesWithPatient: fc.boolean(),
      caresForPatient: fc.boolean(),
      ukResident: fc.boolean(),
      separatedOrDeserted: fc.boolean(),
      yearsLivingWith: fc.option(fc.constantFrom(0.25, 0.5, 1, 4.5, 5, 12), { nil: null }),
      authorisedDelegate: fc.option(fc.constantFrom('Delegate A', 'Delegate B'), { nil: null }),
    });
  const familyArb = (relationships: Relationship[]) =>
    fc
      .array(relativeArb(relationships), { maxLength: 8 })
      .map((rs) => rs.map((r, i): RelativeFacts => ({ ...r, id: `r${i}`, name: `Relative ${i}` })));
  const patientArb = fc.record({
    dateOfBirth: fc.option(fc.constantFrom('1960-01-01', '1999-12-31', '2010-06-15'), { nil: null }),
    married: fc.boolean(),
    under18: fc.option(fc.boolean(), { nil: undefined }),
  });

  it('the proposed nearest relative is never an excluded relative, and is the first ranked', () => {
    fc.assert(
      fc.property(familyArb(ALL), patientArb, (relatives, patient) => {
        const result = proposeNearestRelative({ patient, relatives, asAt: AS_AT, regime: 'nearest-relative' });
        const excludedIds = new Set(result.excluded.map((e) => e.relativeId));
        if (result.nearestRelative) {
          expect(excludedIds.has(result.nearestRelative.relativeId!)).toBe(false);
          expect(result.ranked[0].relativeId).toBe(result.nearestRelative.relativeId);
        }
        // Every relative is either ranked or excluded, never both.
        expect(result.ranked.length + result.excluded.length).toBe(relatives.length);
        for (const r of result.ranked) expect(excludedIds.has(r.relativeId)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('adding a relative of a lower class never changes the nearest relative (unless s.26(4) gives the newcomer precedence)', () => {
    fc.assert(
      fc.property(familyArb(RANKED), patientArb, relativeArb(RANKED), (relatives, patient, extra) => {
        const before = proposeNearestRelative({ patient, relatives, asAt: AS_AT, regime: 'nearest-relative' });
        const nr = before.ranked[0];
        if (!nr || before.nearestRelative?.basis !== 's.26') return;
        const extraClass = rankClassOf(extra.relationship)!;
        fc.pre(CLASSES.indexOf(extraClass) > CLASSES.indexOf(nr.class));
        // s.26(4): a newcomer the patient lives with or is cared for by rightly comes before a nearest relative who is neither.
        fc.pre(nr.preferred || !(extra.livesWithPatient || extra.caresForPatient));
        const after = proposeNearestRelative({
          patient,
          relatives: [...relatives, { ...extra, id: 'newcomer', name: 'Newcomer' }],
          asAt: AS_AT,
          regime: 'nearest-relative',
        });
        expect(after.nearestRelative).toEqual(before.nearestRelative);
      }),
      { numRuns: 1000 },
    );
  });

  it('a displacement order always names the acting nearest relative, whatever the family', () => {
    fc.assert(
      fc.property(familyArb(ALL), patientArb, (relatives, patient) => {
        const result = proposeNearestRelative({
          patient,
          relatives,
          asAt: AS_AT,
          regime: 'nearest-relative',
          displacement: { actingNearestRelative: 'Acting Person' },
        });
        expect(result.nearestRelative).toEqual({ relativeId: null, name: 'Acting Person', basis: 's.29' });
      }),
      { numRuns: 200 },
    );
  });
});

describe('one holder at a time (MHA25-05): a new term may take over from the one held, never overlap another', () => {
  const alice = { name: 'Alice', from: '2026-11-01', to: '2026-12-01' };
  const carol = { name: 'Carol', from: '2026-12-01', to: null };
  const open = { name: 'Open', from: '2026-11-01', to: null };
  it.each([
    ['no term recorded', [], '2026-11-15', undefined],
    ['after the one held, which it takes over from', [open], '2026-11-15', undefined],
    ['on the day the one held began', [open], '2026-11-01', 'Open'],
    ['before a later term (recorded late)', [alice, carol], '2026-11-15', 'Alice'],
    ['before a later term that is the only one held', [carol], '2026-11-15', 'Carol'],
    ['inside a term recorded as ended later', [alice], '2026-11-15', 'Alice'],
    ['on the day a term ended', [alice], '2026-12-01', undefined],
    ['after every term, taking over from the last', [alice, carol], '2026-12-05', undefined],
  ] as Array<[string, Array<{ name: string; from: string; to: string | null }>, string, string | undefined]>)(
    '%s',
    (_, terms, from, overlapped) => expect(overlappedTerm(terms, from)?.name).toBe(overlapped),
  );
});

describe('NR-07 (s.26(6), (7)): the six months and the five years from the day they began living with the patient', () => {
  type Case = [string, RelativeFacts, IsoDate, boolean];
  const cases: Case[] = [
    ['a cohabitee since 4 June 2026, asked on 4 December: six months to the day', cohabitee('2026-06-04'), '2026-12-04', true],
    ['a cohabitee since 4 June 2026, asked on 3 December: a day short', cohabitee('2026-06-04'), '2026-12-03', false],
    ['a cohabitee since 31 August 2026: February has no 31st, so complete on its last day', cohabitee('2026-08-31'), '2027-02-28', true],
    ['a cohabitee since 31 August 2026, asked on 27 February 2027: not yet', cohabitee('2026-08-31'), '2027-02-27', false],
    ['a cohabitee since 29 August 2027, in a leap year: complete on 29 February 2028', cohabitee('2027-08-29'), '2028-02-29', true],
    ['a cohabitee since 29 August 2027, asked on 28 February 2028: a day short', cohabitee('2027-08-29'), '2028-02-28', false],
    [
      'a cohabitee since 1 December 2025 (0.49 years would have been refused for the same day)',
      cohabitee('2025-12-01'),
      '2026-06-01',
      true,
    ],
    ['a friend living with the patient since 21 November 2021: five years on 21 November 2026', friend('2021-11-21'), '2026-11-21', true],
    ['a friend since 22 November 2021: a day short of five years', friend('2021-11-22'), '2026-11-21', false],
    ['a friend since 29 February 2024: five years complete on 28 February 2029', friend('2024-02-29'), '2029-02-28', true],
    ['a friend since 29 February 2024, asked on 27 February 2029: not yet', friend('2024-02-29'), '2029-02-27', false],
    ['the day given is read, not the years also recorded', cohabitee('2026-11-01', 3), '2026-11-21', false],
  ];
  it.each(cases)('%s', (_case, r, asAt, counts) => {
    const result = propose([r], { asAt });
    expect(result.nearestRelative?.name ?? null).toBe(counts ? r.name : null);
    const excluded = result.excluded.find((e) => e.relativeId === r.id);
    if (counts) expect(excluded).toBeUndefined();
    else expect(excluded?.reason).toContain(`since ${r.livingWithSince}`);
  });

  function cohabitee(since: IsoDate, yearsLivingWith: number | null = null): RelativeFacts {
    return rel('Partner', 'cohabitee', { livesWithPatient: true, livingWithSince: since, yearsLivingWith });
  }
  function friend(since: IsoDate): RelativeFacts {
    return rel('Friend', 'non-relative-resident', { livesWithPatient: true, livingWithSince: since });
  }

  it('says in the trace when the period was complete', () => {
    const { trace } = propose([rel('Partner', 'cohabitee', { livesWithPatient: true, livingWithSince: '2026-05-21' })]);
    expect(trace.join('\n')).toContain('since 2026-05-21 (six months complete on 2026-11-21)');
  });
});
