import {
  Clock,
  type ClockStop,
  clocksFor,
  continuesDetention,
  DEFAULT_RESPONSE_TARGETS,
  formatLocal,
  LegalContext,
  placesOfSafetyAt,
  S135Context,
  S136BExtension,
  S136Context,
  validateExtension,
  validateTransfer,
} from './clocks';

// s.136(2A), (3) and s.135(3ZA), (3A) (POL-07, POL-04): a person may be moved between places of safety before the
// period ends, and the 24 hours (and a s.136B extension) run from the FIRST start, whatever the moves or referrals.

const LONDON = 'Europe/London';
const at = (iso: string) => new Date(iso);
const local = (d: Date) => formatLocal(d, LONDON);

const s136 = (over: Partial<S136Context> = {}): S136Context =>
  ({
    kind: 's136',
    placeOfSafetyType: 'a-and-e',
    locationType: 'public-place',
    arrivedAt: at('2026-12-05T20:00:00Z'),
    ...over,
  }) as S136Context;
const s135 = (over: Partial<S135Context> = {}): S135Context =>
  ({
    kind: 's135-1',
    warrantExecutedAt: at('2026-12-05T19:00:00Z'),
    arrivedAt: at('2026-12-05T20:00:00Z'),
    placeOfSafetyType: 'health-based',
    ...over,
  }) as S135Context;
const ext = (over: Partial<S136BExtension> = {}): S136BExtension => ({
  authorisedAt: at('2026-12-06T16:00:00Z'),
  hours: 12,
  authorisingDoctor: { doctorId: null, name: 'Dr Ada Bello', gmcNumber: '7100001' },
  reason: 'patient-condition',
  ...over,
});
const placeClock = (context: LegalContext, extensions: S136BExtension[] = [], receivedAt = at('2027-06-01T00:00:00Z')): Clock => {
  const clock = clocksFor(context, extensions, DEFAULT_RESPONSE_TARGETS, receivedAt, 'urgent').find(
    (c) => c.id === 'POL-07' || c.id === 'POL-04',
  );
  if (!clock) throw new Error('no place-of-safety clock');
  return clock;
};

describe('POL-07/POL-04: the period runs from the first place of safety, across moves and further referrals', () => {
  // Worked examples: [what, the context, its extensions, the deadline, the local end the basis states]
  const cases: Array<[string, LegalContext, S136BExtension[], string, string]> = [
    [
      'across midnight: arrived at A&E Sat 20:00, referred again from the s.136 suite at Sun 01:00: ends Sun 20:00, not Mon 01:00',
      s136({
        placeOfSafetyType: 'health-based',
        arrivedAt: at('2026-12-06T01:00:00Z'),
        continues: { referralId: 'r1', reference: 'REF-2026-000001', startedAt: at('2026-12-05T20:00:00Z') },
      }),
      [],
      '2026-12-06T20:00:00.000Z',
      'Sun 6 Dec 2026 20:00 GMT',
    ],
    [
      'the extension granted at the first place carries over: ends Mon 08:00',
      s136({
        placeOfSafetyType: 'health-based',
        arrivedAt: at('2026-12-06T01:00:00Z'),
        continues: { referralId: 'r1', reference: 'REF-2026-000001', startedAt: at('2026-12-05T20:00:00Z') },
      }),
      [ext()],
      '2026-12-07T08:00:00.000Z',
      'Mon 7 Dec 2026 08:00 GMT',
    ],
    [
      'across the spring change (28 Mar 2027 01:00 UTC): arrived Sat 23:30 GMT, moved at 03:30 BST: 24 elapsed hours end Mon 00:30 BST',
      s136({
        arrivedAt: at('2027-03-27T23:30:00Z'),
        transfers: [{ at: at('2027-03-28T02:30:00Z'), placeOfSafetyType: 'health-based', place: 'Beech Suite' }],
      }),
      [],
      '2027-03-28T23:30:00.000Z',
      'Mon 29 Mar 2027 00:30 BST',
    ],
    [
      'across the spring change, referred again from the second place at 03:30 BST: still Mon 00:30 BST',
      s136({
        arrivedAt: at('2027-03-28T02:30:00Z'),
        continues: { referralId: 'r1', reference: 'REF-2027-000001', startedAt: at('2027-03-27T23:30:00Z') },
      }),
      [],
      '2027-03-28T23:30:00.000Z',
      'Mon 29 Mar 2027 00:30 BST',
    ],
    [
      's.135(1): removed under the warrant, moved on within the period: 24 hours from the first arrival',
      s135({
        arrivedAt: at('2026-12-06T03:00:00Z'),
        continues: { referralId: 'r1', reference: 'REF-2026-000009', startedAt: at('2026-12-05T20:00:00Z') },
      }),
      [],
      '2026-12-06T20:00:00.000Z',
      'Sun 6 Dec 2026 20:00 GMT',
    ],
    [
      'a move recorded on the referral itself changes nothing but the words',
      s136({ transfers: [{ at: at('2026-12-06T01:00:00Z'), placeOfSafetyType: 'health-based' }] }),
      [],
      '2026-12-06T20:00:00.000Z',
      'Sun 6 Dec 2026 20:00 GMT',
    ],
  ];
  it.each(cases)('%s', (_what, context, extensions, deadline, endsLocal) => {
    const clock = placeClock(context, extensions);
    expect(clock.deadline.toISOString()).toBe(deadline);
    expect(local(clock.deadline)).toBe(endsLocal);
    expect(clock.basis).toContain(`ends ${endsLocal}`);
    expect(clock.provisional).toBe(false);
  });

  it('says where the period began and that a move does not restart it', () => {
    const clock = placeClock(cases[0][1]);
    expect(clock.anchor.toISOString()).toBe('2026-12-05T20:00:00.000Z');
    expect(clock.basis).toContain('REF-2026-000001');
    expect(clock.basis).toContain('a move between places of safety does not restart the period');
    expect(placeClock(cases[2][1]).basis).toContain(
      'Moved to Beech Suite (a health-based place of safety) at Sun 28 Mar 2027 03:30 BST (s.136(3))',
    );
  });

  it('a start recorded here that is earlier than the one carried over is the one used (never a later deadline)', () => {
    const clock = placeClock(
      s136({
        arrivedAt: at('2026-12-05T19:00:00Z'),
        continues: { referralId: 'r1', reference: 'R', startedAt: at('2026-12-05T20:00:00Z') },
      }),
    );
    expect(clock.deadline.toISOString()).toBe('2026-12-06T19:00:00.000Z');
  });

  it('one s.136B extension in all: a second on the further referral is refused', () => {
    const context = cases[1][1];
    const clock = placeClock(context, [ext()]);
    const codes = validateExtension(context, clock.deadline, ext({ authorisedAt: at('2026-12-06T18:00:00Z') }), LONDON).map((f) => f.code);
    expect(codes).toContain('second-extension');
  });
});

describe('continuesDetention: a further s.135/s.136 referral at intake', () => {
  const first = s136();
  const earlier = (extensions: S136BExtension[] = [], stoppedAt: Date | null = null) => ({
    kind: 's136' as const,
    clock: placeClock(first, extensions),
    stoppedAt,
  });
  const cases: Array<[string, ReturnType<typeof earlier>, LegalContext, boolean]> = [
    ['arrived at the second place within the period (after midnight)', earlier(), s136({ arrivedAt: at('2026-12-06T01:00:00Z') }), true],
    ['kept at the second place within the period', earlier(), s136({ arrivedAt: undefined, keptAt: at('2026-12-06T10:00:00Z') }), true],
    ['one minute before the end', earlier(), s136({ arrivedAt: at('2026-12-06T19:59:00Z') }), true],
    ['at the end (half-open: the period is over)', earlier(), s136({ arrivedAt: at('2026-12-06T20:00:00Z') }), false],
    ['after the end, within an extension', earlier([ext()]), s136({ arrivedAt: at('2026-12-07T02:00:00Z') }), true],
    ['after the person was released', earlier([], at('2026-12-06T00:30:00Z')), s136({ arrivedAt: at('2026-12-06T01:00:00Z') }), false],
    ['before the first arrival', earlier(), s136({ arrivedAt: at('2026-12-05T19:00:00Z') }), false],
    ['another power (s.135(1))', earlier(), s135({ arrivedAt: at('2026-12-06T01:00:00Z') }), false],
    [
      'no start recorded',
      earlier(),
      { kind: 's136', placeOfSafetyType: 'a-and-e', locationType: 'public-place' } as unknown as LegalContext,
      false,
    ],
  ];
  it.each(cases)('%s', (_what, e, later, expected) => expect(continuesDetention(e, later, LONDON)).toBe(expected));

  it('across the spring change: arrival at 03:30 BST within 24 elapsed hours of 23:30 GMT continues it', () => {
    const e = { kind: 's136' as const, clock: placeClock(s136({ arrivedAt: at('2027-03-27T23:30:00Z') })), stoppedAt: null };
    expect(continuesDetention(e, s136({ arrivedAt: at('2027-03-28T23:29:00Z') }), LONDON)).toBe(true);
    expect(continuesDetention(e, s136({ arrivedAt: at('2027-03-28T23:30:00Z') }), LONDON)).toBe(false);
  });
});

describe('validateTransfer: a move between places of safety (s.136(3), s.135(3A))', () => {
  const move = (iso: string, placeOfSafetyType: 'health-based' | 'police-station' = 'health-based') => ({ at: at(iso), placeOfSafetyType });
  const cases: Array<[string, LegalContext, S136BExtension[], ReturnType<typeof move>, string[]]> = [
    ['within the period, after midnight', s136(), [], move('2026-12-06T01:00:00Z'), []],
    ['before the detention began', s136(), [], move('2026-12-05T19:00:00Z'), ['transfer-before-detention']],
    ['at the end of the 24 hours', s136(), [], move('2026-12-06T20:00:00Z'), ['transfer-after-expiry']],
    ['after the 24 hours but within a s.136B extension', s136(), [ext()], move('2026-12-07T01:00:00Z'), []],
    [
      'a child to a police station (recorded, POL-09)',
      s136({ personUnder18: true }),
      [],
      move('2026-12-06T01:00:00Z', 'police-station'),
      ['police-station-under-18'],
    ],
    [
      'an adult to a police station',
      s136({ personUnder18: false }),
      [],
      move('2026-12-06T01:00:00Z', 'police-station'),
      ['police-station-adult-no-inspector'],
    ],
    ['under s.135(1)', s135(), [], move('2026-12-06T01:00:00Z'), []],
    [
      'after the last move recorded',
      s136({ transfers: [{ at: at('2026-12-06T01:00:00Z'), placeOfSafetyType: 'health-based' }] }),
      [],
      move('2026-12-06T03:00:00Z'),
      [],
    ],
    [
      'the last move again (a repeat)',
      s136({ transfers: [{ at: at('2026-12-06T01:00:00Z'), placeOfSafetyType: 'health-based' }] }),
      [],
      move('2026-12-06T01:00:00Z'),
      ['transfer-already-recorded'],
    ],
    [
      'at the time of the last move, to another place',
      s136({ transfers: [{ at: at('2026-12-06T01:00:00Z'), placeOfSafetyType: 'health-based' }] }),
      [],
      move('2026-12-06T01:00:00Z', 'police-station'),
      ['transfer-not-after-last', 'police-station-adult-no-inspector'],
    ],
    [
      'before the last move',
      s136({ transfers: [{ at: at('2026-12-06T01:00:00Z'), placeOfSafetyType: 'health-based' }] }),
      [],
      move('2026-12-06T00:30:00Z'),
      ['transfer-not-after-last'],
    ],
    ['an informal referral', { kind: 'informal' }, [], move('2026-12-06T01:00:00Z'), ['transfer-not-applicable']],
    [
      'the period carried over from an earlier referral ends sooner',
      s136({
        arrivedAt: at('2026-12-06T01:00:00Z'),
        continues: { referralId: 'r1', reference: 'R', startedAt: at('2026-12-05T20:00:00Z') },
      }),
      [],
      move('2026-12-06T21:00:00Z'),
      ['transfer-after-expiry'],
    ],
  ];
  it.each(cases)('%s', (_what, context, extensions, m, codes) =>
    expect(validateTransfer(context, extensions, m, LONDON).map((f) => f.code)).toEqual(codes),
  );

  it('a move at or after the detention stopped (admitted, released: POL-11) is refused, one before it is not', () => {
    const stop: ClockStop = { stoppedAt: at('2026-12-06T01:00:00Z'), stopRule: 'POL-11', reason: 'released', result: 'met' };
    const codes = (iso: string) => validateTransfer(s136(), [], move(iso), LONDON, stop).map((f) => f.code);
    expect(codes('2026-12-06T00:59:00Z')).toEqual([]);
    expect(codes('2026-12-06T01:00:00Z')).toEqual(['transfer-after-detention-ended']);
    expect(codes('2026-12-06T20:00:00Z')).toEqual(['transfer-after-detention-ended', 'transfer-after-expiry']);
    const [finding] = validateTransfer(s136(), [], move('2026-12-06T02:00:00Z'), LONDON, stop);
    expect(finding).toMatchObject({ rule: 'POL-07', severity: 'blocker', citation: placeClock(s136()).citation });
    expect(finding.message).toContain('(released)');
  });

  it('POL-08 (s.136B(4)): a superintendent is needed for an extension given after a move to a police station, not before', () => {
    const context = s136({ transfers: [{ at: at('2026-12-06T10:00:00Z'), placeOfSafetyType: 'police-station' }] });
    const deadline = placeClock(context).deadline;
    const codes = (authorisedAt: string) =>
      validateExtension(context, deadline, ext({ authorisedAt: at(authorisedAt) }), LONDON).map((f) => f.code);
    expect(codes('2026-12-06T09:00:00Z')).toEqual([]);
    expect(codes('2026-12-06T11:00:00Z')).toEqual(['extension-needs-superintendent']);
    expect(placesOfSafetyAt(context)).toEqual(['a-and-e', 'police-station']);
  });
});
