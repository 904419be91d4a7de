import type { LegalContext, S136Context } from './clocks';
import {
  currentPlaceOfSafetyConsentFindings,
  type PlaceOfSafetyConsent,
  placeOfSafetyConsentErrors,
  placeOfSafetyConsentFindings,
  POLICE_RECORD_FIELD,
  POLICE_RECORD_RULE,
  policePowerOf,
  policeConsultationErrors,
  policeConsultationFindings,
  policeRecordErrors,
  policeRecordFindings,
  S136_CONSULTEE_PROFESSIONS,
  warrantAttendanceErrors,
  warrantAttendanceFindings,
  type PoliceConsultation,
  type WarrantAttendance,
  type WarrantKind,
} from './police-powers.rules';
import { isRuleId } from './rule-catalogue';

const ZONE = 'Europe/London';
const ARRIVED = new Date('2026-11-21T01:00:00Z');
const RECEIVED = new Date('2026-11-21T01:30:00Z');
const at = (iso: string) => new Date(iso);

describe('policeConsultationErrors (POL-06, s.136(1C)): a consultation record that cannot be true is refused, naming its field', () => {
  const cases: Array<{ name: string; c: PoliceConsultation; usedBy?: { arrivedAt?: Date; keptAt?: Date }; errors: string[] }> = [
    {
      name: 'an AMHP consulted 20 minutes before arrival',
      c: { consulted: 'yes', profession: 'amhp', at: at('2026-11-21T00:40:00Z') },
      errors: [],
    },
    { name: 'consulted, when not known', c: { consulted: 'yes', profession: 'registered-nurse' }, errors: [] },
    {
      name: 'consulted at the very minute of arrival (not after it)',
      c: { consulted: 'yes', profession: 'paramedic', at: ARRIVED },
      errors: [],
    },
    {
      name: 'consulted a minute after arrival at the place of safety: after the removal',
      c: { consulted: 'yes', profession: 'registered-medical-practitioner', at: at('2026-11-21T01:01:00Z') },
      errors: ['at:consultation-after-removal'],
    },
    {
      name: 'kept at a place of safety: consulted after the decision to keep',
      c: { consulted: 'yes', profession: 'amhp', at: at('2026-11-21T00:31:00Z') },
      usedBy: { keptAt: at('2026-11-21T00:30:00Z') },
      errors: ['at:consultation-after-removal'],
    },
    {
      name: 'no removal time recorded: a consultation after the referral came in',
      c: { consulted: 'yes', profession: 'amhp', at: at('2026-11-21T02:00:00Z') },
      usedBy: {},
      errors: ['at:time-after-receipt'],
    },
    { name: 'consulted, but whom not said', c: { consulted: 'yes' }, errors: ['profession:consultation-profession-required'] },
    {
      name: 'not practicable, with the reason',
      c: { consulted: 'not-practicable', reason: 'The person was on the parapet; no time to phone.' },
      errors: [],
    },
    { name: 'not practicable, without a reason (a warning, not an error)', c: { consulted: 'not-practicable' }, errors: [] },
    {
      name: 'not practicable, yet a profession and a time',
      c: { consulted: 'not-practicable', profession: 'amhp', at: at('2026-11-21T00:40:00Z') },
      errors: ['profession:consultation-field-not-applicable', 'at:consultation-field-not-applicable'],
    },
    {
      name: 'consulted, with a reason it was not practicable',
      c: { consulted: 'yes', profession: 'amhp', reason: 'No time.' },
      errors: ['reason:consultation-field-not-applicable'],
    },
    {
      name: 'not known, with advice',
      c: { consulted: 'unknown', advice: 'Go ahead.' },
      errors: ['advice:consultation-field-not-applicable'],
    },
  ];
  it.each(cases)('$name', ({ c, usedBy, errors }) => {
    expect(
      policeConsultationErrors(c, usedBy ?? { arrivedAt: ARRIVED }, RECEIVED, ZONE).map(
        (e) => `${e.field.replace('legalContext.policeConsultation.', '')}:${e.code}`,
      ),
    ).toEqual(errors);
  });

  it('says when the power was used, in local time', () => {
    const [e] = policeConsultationErrors(
      { consulted: 'yes', profession: 'amhp', at: at('2026-07-01T12:30:00Z') },
      { arrivedAt: at('2026-07-01T12:00:00Z') },
      at('2026-07-01T13:00:00Z'),
      ZONE,
    );
    expect(e).toMatchObject({ field: 'legalContext.policeConsultation.at', code: 'consultation-after-removal' });
    expect(e.message).toContain('13:30 BST');
    expect(e.message).toContain('13:00 BST');
  });
});

describe('policeConsultationFindings (POL-06, s.136(1C)): a s.136 that does not show the duty to consult was met is flagged', () => {
  const cases: Array<{ name: string; c: PoliceConsultation | undefined; codes: string[] }> = [
    { name: 'nothing said about a consultation', c: undefined, codes: ['s136-consultation-not-recorded'] },
    { name: 'the referrer does not know', c: { consulted: 'unknown' }, codes: ['s136-consultation-not-recorded'] },
    { name: 'not practicable, no reason', c: { consulted: 'not-practicable' }, codes: ['s136-consultation-reason-missing'] },
    {
      name: 'not practicable, a blank reason',
      c: { consulted: 'not-practicable', reason: '   ' },
      codes: ['s136-consultation-reason-missing'],
    },
    { name: 'not practicable, with the reason', c: { consulted: 'not-practicable', reason: 'Fighting on the bridge.' }, codes: [] },
    ...S136_CONSULTEE_PROFESSIONS.map((profession) => ({
      name: `consulted ${profession}`,
      c: { consulted: 'yes' as const, profession },
      codes: [],
    })),
  ];
  it.each(cases)('$name: $codes', ({ c, codes }) => {
    const found = policeConsultationFindings(c);
    expect(found.map((f) => f.code)).toEqual(codes);
    for (const f of found) expect(f).toMatchObject({ rule: 'POL-06', severity: 'warning', citation: 'MHA 1983 s.136(1C)' });
  });
});

describe('warrantAttendanceFindings (POL-02, s.135(4)): who went with the constable executing a warrant', () => {
  const hubAmhp = { userId: 'u-1', name: 'Alex Amhp' };
  const doctor = { name: 'Dr Sam Whitfield', gmcNumber: '7100001' };
  const cases: Array<{ name: string; kind: WarrantKind; a: WarrantAttendance | undefined; codes: string[]; says?: string[] }> = [
    { name: 's.135(1) with the hub AMHP and a doctor', kind: 's135-1', a: { amhp: hubAmhp, doctor }, codes: [] },
    { name: 's.135(1) with an AMHP from elsewhere and a doctor', kind: 's135-1', a: { amhp: { name: 'Jo Other' }, doctor }, codes: [] },
    { name: 's.135(1), attendance not recorded', kind: 's135-1', a: undefined, codes: ['warrant-attendance-not-recorded'] },
    {
      name: 's.135(1) without a doctor',
      kind: 's135-1',
      a: { amhp: hubAmhp },
      codes: ['warrant-executed-unaccompanied'],
      says: ['without a registered medical practitioner:'],
    },
    {
      name: 's.135(1) without an AMHP',
      kind: 's135-1',
      a: { doctor },
      codes: ['warrant-executed-unaccompanied'],
      says: ['without an approved mental health professional:'],
    },
    {
      name: 's.135(1) by the constable alone',
      kind: 's135-1',
      a: {},
      codes: ['warrant-executed-unaccompanied'],
      says: ['without an approved mental health professional or a registered medical practitioner', 'not lawful'],
    },
    { name: 's.135(2) by the constable alone: the Act requires no company', kind: 's135-2', a: {}, codes: [] },
    { name: 's.135(2), attendance not recorded', kind: 's135-2', a: undefined, codes: [] },
    { name: 's.135(2) with a doctor', kind: 's135-2', a: { doctor }, codes: [] },
  ];
  it.each(cases)('$name: $codes', ({ kind, a, codes, says }) => {
    const found = warrantAttendanceFindings(kind, a);
    expect(found.map((f) => f.code)).toEqual(codes);
    for (const f of found) expect(f).toMatchObject({ rule: 'POL-02', severity: 'warning', citation: 'MHA 1983 s.135(4)' });
    for (const words of says ?? []) expect(found[0].message).toContain(words);
  });
});

describe('warrantAttendanceErrors (POL-02): an attendance that cannot be recorded', () => {
  const when = at('2026-11-21T01:00:00Z');
  it.each([
    { name: 'the hub AMHP', a: { amhp: { userId: 'u-1' } }, executed: when, errors: [] },
    { name: 'an AMHP by name', a: { amhp: { name: 'Jo Other' } }, executed: when, errors: [] },
    { name: 'no AMHP at all', a: {}, executed: when, errors: [] },
    {
      name: 'an AMHP named two ways',
      a: { amhp: { userId: 'u-1', name: 'Jo Other' } },
      executed: when,
      errors: ['legalContext.executionAttendance.amhp'],
    },
    { name: 'an AMHP named neither way', a: { amhp: {} }, executed: when, errors: ['legalContext.executionAttendance.amhp'] },
    { name: 'attendance without the execution time', a: {}, executed: undefined, errors: ['legalContext.warrantExecutedAt'] },
  ])('$name', ({ a, executed, errors }) => {
    expect(warrantAttendanceErrors(a, executed).map((e) => e.field)).toEqual(errors);
  });
});

describe('policeRecordFindings and policeRecordErrors: by the power in the legal context', () => {
  it.each<[string, LegalContext, string[]]>([
    [
      'a s.136 saying nothing',
      { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: ARRIVED },
      ['POL-06'],
    ],
    ['a s.135(1) saying nothing', { kind: 's135-1', warrantExecutedAt: ARRIVED }, ['POL-02']],
    ['a s.135(2) saying nothing', { kind: 's135-2' }, []],
    ['a s.5(2)', { kind: 's5-2', h1FurnishedAt: ARRIVED }, []],
    ['informal', { kind: 'informal' }, []],
  ])('%s', (_name, context, rules) => {
    const found = policeRecordFindings(context);
    expect(found.map((f) => f.rule)).toEqual(rules);
    for (const f of found) expect(isRuleId(f.rule)).toBe(true);
    expect(policeRecordErrors(context, RECEIVED, ZONE)).toEqual([]);
  });

  it('judges a s.136 consultation against the arrival it records', () => {
    const context: LegalContext = {
      kind: 's136',
      placeOfSafetyType: 'health-based',
      locationType: 'public-place',
      arrivedAt: ARRIVED,
      policeConsultation: { consulted: 'yes', profession: 'amhp', at: at('2026-11-21T01:10:00Z') },
    };
    expect(policeRecordErrors(context, RECEIVED, ZONE).map((e) => e.code)).toEqual(['consultation-after-removal']);
  });

  it.each<[string, LegalContext, string | undefined, string[]]>([
    [
      'a consultation at intake',
      {
        kind: 's136',
        placeOfSafetyType: 'health-based',
        locationType: 'public-place',
        arrivedAt: ARRIVED,
        policeConsultation: { consulted: 'yes' },
      },
      undefined,
      ['legalContext.policeConsultation.profession'],
    ],
    [
      'a consultation answered after intake, in a body of its own',
      {
        kind: 's136',
        placeOfSafetyType: 'health-based',
        locationType: 'public-place',
        arrivedAt: ARRIVED,
        policeConsultation: { consulted: 'yes' },
      },
      '',
      ['policeConsultation.profession'],
    ],
    [
      'an attendance at intake with no time of execution',
      { kind: 's135-2', executionAttendance: { amhp: { userId: 'u1', name: 'Alex' } } },
      undefined,
      ['legalContext.executionAttendance.amhp', 'legalContext.warrantExecutedAt'],
    ],
    [
      'an attendance answered after intake with no time of execution',
      { kind: 's135-2', executionAttendance: { amhp: { userId: 'u1', name: 'Alex' } } },
      '',
      ['executionAttendance.amhp', 'warrantExecutedAt'],
    ],
  ])('names the fields where the request holds them: %s', (_name, context, prefix, fields) => {
    expect(policeRecordErrors(context, RECEIVED, ZONE, ...(prefix === undefined ? [] : [prefix])).map((e) => e.field)).toEqual(fields);
  });
});

describe('POLICE_RECORD_FIELD and POLICE_RECORD_RULE: the record each power keeps, and the rule it decides', () => {
  it.each([
    ['s136', 'policeConsultation', 'POL-06'],
    ['s135-1', 'executionAttendance', 'POL-02'],
    ['s135-2', 'executionAttendance', 'POL-02'],
  ] as const)('%s keeps %s (%s)', (kind, field, rule) => {
    expect(POLICE_RECORD_FIELD[kind]).toBe(field);
    expect(POLICE_RECORD_RULE[field]).toBe(rule);
    expect(isRuleId(rule)).toBe(true);
  });
});

describe('policePowerOf: the police power a referral was made under, which its referrer answers for after intake', () => {
  it.each([
    ['s136', 's136'],
    ['s135-1', 's135-1'],
    ['s135-2', 's135-2'],
    ['s5-2', null],
    ['cto-recall', null],
    ['informal', null],
    ['toString', null],
  ])('%s: %s', (kind, power) => {
    expect(policePowerOf(kind)).toBe(power);
  });
});

describe('placeOfSafetyConsentFindings (POL-10, s.135(6)-(7)): a private dwelling or another place used without the agreements it needs is flagged, never refused', () => {
  const cases: Array<{ name: string; type: string | undefined; consent?: PlaceOfSafetyConsent; findings: string[]; says?: RegExp }> = [
    {
      name: 'her own flat, where she lives alone, and she agreed: a place of safety (s.135(7)(a)(i))',
      type: 'private-dwelling',
      consent: { personAgreed: 'yes', soleOccupier: 'yes' },
      findings: [],
    },
    {
      name: 'her parents’ house: she and her mother (an occupier) agreed (s.135(7)(a)(ii)-(iii))',
      type: 'private-dwelling',
      consent: { personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'yes' },
      findings: [],
    },
    {
      name: 'a shared flat: he agreed, his flatmate refused',
      type: 'private-dwelling',
      consent: { personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'no' },
      findings: ['dwelling-occupier-did-not-agree'],
      says: /No occupier of the private dwelling agreed/,
    },
    {
      name: 'his own home, alone, and he refused',
      type: 'private-dwelling',
      consent: { personAgreed: 'no', soleOccupier: 'yes' },
      findings: ['dwelling-person-did-not-agree'],
      says: /did not agree/,
    },
    {
      name: 'a family home where neither he nor anyone living there agreed: both said',
      type: 'private-dwelling',
      consent: { personAgreed: 'no', soleOccupier: 'no', occupierAgreed: 'no' },
      findings: ['dwelling-person-did-not-agree', 'dwelling-occupier-did-not-agree'],
    },
    {
      name: 'others live there; he agreed, whether they did is not known: the occupier’s agreement is named as missing',
      type: 'private-dwelling',
      consent: { personAgreed: 'yes', soleOccupier: 'no' },
      findings: ['dwelling-agreement-not-recorded'],
      says: /does not record whether one of the other occupiers agreed \(others live there\)/,
    },
    {
      name: 'she agreed, but whether she lives alone is unknown: both that and another occupier’s agreement are missing',
      type: 'private-dwelling',
      consent: { personAgreed: 'yes', soleOccupier: 'unknown' },
      findings: ['dwelling-agreement-not-recorded'],
      says: /does not record whether they are its only occupier and if not, whether one of the other occupiers agreed/,
    },
    {
      name: 'a dwelling with nothing recorded: every agreement is missing',
      type: 'private-dwelling',
      findings: ['dwelling-agreement-not-recorded'],
      says: /does not record whether the person detained agreed, whether they are its only occupier and if not, whether one of the other occupiers agreed/,
    },
    {
      name: 'an occupier refused and whether he agreed is unknown: the refusal, and what is missing',
      type: 'private-dwelling',
      consent: { personAgreed: 'unknown', soleOccupier: 'no', occupierAgreed: 'no' },
      findings: ['dwelling-occupier-did-not-agree', 'dwelling-agreement-not-recorded'],
      says: /does not record whether the person detained agreed:/,
    },
    {
      name: 'a church hall whose warden agreed to receive him (s.135(7)(b))',
      type: 'other',
      consent: { managerAgreed: 'yes' },
      findings: [],
    },
    { name: 'a place whose manager refused', type: 'other', consent: { managerAgreed: 'no' }, findings: ['place-manager-did-not-agree'] },
    {
      name: 'another place, the manager’s agreement unknown',
      type: 'other',
      consent: { managerAgreed: 'unknown' },
      findings: ['place-agreement-not-recorded'],
    },
    { name: 'another place, nothing recorded', type: 'other', findings: ['place-agreement-not-recorded'] },
    { name: 'a health-based place of safety needs no agreement', type: 'health-based', findings: [] },
    { name: 'A&E needs no agreement', type: 'a-and-e', findings: [] },
    { name: 'a police station: POL-09’s, not this rule’s', type: 'police-station', findings: [] },
    { name: 'no type recorded (a s.135(1) kept at the premises)', type: undefined, findings: [] },
  ];
  it.each(cases)('$name: $findings', ({ type, consent, findings, says }) => {
    const found = placeOfSafetyConsentFindings(type, consent);
    expect(found.map((f) => f.code)).toEqual(findings);
    for (const f of found) expect(f).toMatchObject({ rule: 'POL-10', severity: 'warning', citation: 'MHA 1983 s.135(6), (7)' });
    if (says) expect(found.map((f) => f.message).join(' ')).toMatch(says);
  });
});

describe('placeOfSafetyConsentErrors (POL-10): agreements given where they have no meaning are refused, naming the field', () => {
  const F = 'legalContext.placeOfSafetyConsent';
  it.each<[string, string | undefined, PlaceOfSafetyConsent | undefined, string[]]>([
    ['none given', 'health-based', undefined, []],
    ['a dwelling with its three facts', 'private-dwelling', { personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'yes' }, []],
    ['a dwelling with nothing known', 'private-dwelling', {}, []],
    ['another place with its manager’s agreement', 'other', { managerAgreed: 'no' }, []],
    ['agreements to a health-based place of safety', 'health-based', { personAgreed: 'yes' }, [F]],
    ['agreements to a police station', 'police-station', { managerAgreed: 'yes' }, [F]],
    ['agreements with no type of place given', undefined, {}, [F]],
    ['a manager’s agreement to a dwelling', 'private-dwelling', { personAgreed: 'yes', managerAgreed: 'yes' }, [`${F}.managerAgreed`]],
    [
      'a person’s and an occupier’s agreement to another place',
      'other',
      { personAgreed: 'yes', occupierAgreed: 'yes' },
      [`${F}.personAgreed`, `${F}.occupierAgreed`],
    ],
    [
      'another occupier’s agreement when she lives alone',
      'private-dwelling',
      { soleOccupier: 'yes', occupierAgreed: 'unknown' },
      [`${F}.occupierAgreed`],
    ],
  ])('%s: %j', (_name, type, consent, fields) => {
    const errors = placeOfSafetyConsentErrors(type, consent, F);
    expect(errors.map((e) => e.field)).toEqual(fields);
    for (const e of errors) expect(e.code).toBe('place-of-safety-consent-not-applicable');
  });
});

describe('currentPlaceOfSafetyConsentFindings (POL-10): judged for where the person is held now', () => {
  const s136 = (over: Partial<Pick<S136Context, 'placeOfSafetyType' | 'placeOfSafetyConsent' | 'transfers'>> = {}): LegalContext => ({
    kind: 's136',
    placeOfSafetyType: 'health-based',
    locationType: 'public-place',
    arrivedAt: ARRIVED,
    ...over,
  });
  it.each<[string, LegalContext, string[]]>([
    ['at a health-based place, never moved', s136(), []],
    [
      'at her home without her agreement, never moved',
      s136({ placeOfSafetyType: 'private-dwelling', placeOfSafetyConsent: { personAgreed: 'no', soleOccupier: 'yes' } }),
      ['dwelling-person-did-not-agree'],
    ],
    [
      'taken from a health-based place to her sister’s flat, her sister not asked',
      s136({
        transfers: [
          {
            at: at('2026-11-21T03:00:00Z'),
            placeOfSafetyType: 'private-dwelling',
            placeOfSafetyConsent: { personAgreed: 'yes', soleOccupier: 'no' },
          },
        ],
      }),
      ['dwelling-agreement-not-recorded'],
    ],
    [
      'taken from a dwelling without agreement on to the s.136 suite: nothing now',
      s136({
        placeOfSafetyType: 'private-dwelling',
        transfers: [{ at: at('2026-11-21T03:00:00Z'), placeOfSafetyType: 'health-based' }],
      }),
      [],
    ],
    [
      'the last move counts whatever order the moves are kept in',
      s136({
        transfers: [
          { at: at('2026-11-21T05:00:00Z'), placeOfSafetyType: 'other', placeOfSafetyConsent: { managerAgreed: 'no' } },
          { at: at('2026-11-21T03:00:00Z'), placeOfSafetyType: 'a-and-e' },
        ],
      }),
      ['place-manager-did-not-agree'],
    ],
    [
      'a s.135(1) at a dwelling with both agreements',
      {
        kind: 's135-1',
        warrantExecutedAt: at('2026-11-21T00:30:00Z'),
        arrivedAt: ARRIVED,
        placeOfSafetyType: 'private-dwelling',
        placeOfSafetyConsent: { personAgreed: 'yes', soleOccupier: 'no', occupierAgreed: 'yes' },
      },
      [],
    ],
    ['a s.5(2): no place of safety', { kind: 's5-2', h1FurnishedAt: ARRIVED }, []],
  ])('%s', (_name, context, codes) => {
    expect(currentPlaceOfSafetyConsentFindings(context).map((f) => f.code)).toEqual(codes);
  });
});
