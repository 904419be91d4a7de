import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  alreadyInHospital,
  raisedAnew,
  legalContextFieldErrors,
  applyExtensions,
  Clock,
  ClockPolicy,
  clocksFor,
  clockState,
  clockStop,
  type DisplacementApplicationFacts,
  displacementsKnownAt,
  s2End,
  s2InForce,
  s5_2Start,
  CLOCK_SKEW_MS,
  DEFAULT_CLOCK_POLICY,
  DEFAULT_S29_APPEAL_DAYS,
  DEFAULT_RESPONSE_TARGETS,
  DEFAULT_WARNINGS,
  formatHours,
  formatLocal,
  hoursAfter,
  intakeFindings,
  LegalContext,
  S136BExtension,
  S136Context,
  Urgency,
  validateExtension,
} from './clocks';

const LONDON = 'Europe/London';
const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (iso: string) => new Date(iso);
const local = (d: Date) => formatLocal(d, LONDON);
const plusH = (d: Date, h: number) => new Date(d.getTime() + h * HOUR);

/** The statutory clocks only (the local response target is tested separately). */
const statutory = (
  context: LegalContext,
  extensions: S136BExtension[] = [],
  receivedAt = at('2026-12-31T00:00:00Z'),
  policy?: ClockPolicy,
) =>
  clocksFor(context, extensions, DEFAULT_RESPONSE_TARGETS, receivedAt, 'urgent', policy).filter(
    (c) => c.id !== 'LOCAL-RESPONSE' && c.id !== 'COP-09',
  );
const only = (clocks: Clock[]) => {
  expect(clocks).toHaveLength(1);
  return clocks[0];
};

const s136 = (over: Partial<S136Context> = {}): S136Context =>
  ({
    kind: 's136',
    placeOfSafetyType: 'health-based',
    locationType: 'public-place',
    arrivedAt: at('2026-06-01T10:00:00Z'),
    ...over,
  }) as S136Context;
const ext = (over: Partial<S136BExtension> = {}): S136BExtension => ({
  authorisedAt: at('2026-06-02T06:00:00Z'),
  hours: 12,
  authorisedBy: 'examining-doctor',
  reason: 'patient-condition',
  ...over,
});

describe('C5: hour-based periods are elapsed time, not wall-clock hours', () => {
  it('C5 worked example: 72 h after a s.4 admission at Sat 28 Mar 2026 10:00 GMT end at 11:00 BST on 31 Mar', () => {
    const end = hoursAfter(at('2026-03-28T10:00:00Z'), 72);
    expect(end.toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(local(end)).toBe('Tue 31 Mar 2026 11:00 BST');
  });

  it.each([
    [
      'spring: 00:30 GMT on 29 Mar 2026 (clocks go forward at 01:00)',
      '2026-03-29T00:30:00Z',
      '2026-03-30T00:30:00.000Z',
      'Mon 30 Mar 2026 01:30 BST',
    ],
    [
      'autumn: 00:30 BST on 25 Oct 2026 (clocks go back at 02:00)',
      '2026-10-24T23:30:00Z',
      '2026-10-25T23:30:00.000Z',
      'Sun 25 Oct 2026 23:30 GMT',
    ],
    ['no change: 14:00 BST on 1 Jun 2026', '2026-06-01T13:00:00Z', '2026-06-02T13:00:00.000Z', 'Tue 2 Jun 2026 14:00 BST'],
  ])('POL-07: a s.136 arrival at %s ends 24 elapsed hours later', (_name, arrived, utc, wall) => {
    const clock = only(statutory(s136({ arrivedAt: at(arrived) })));
    expect(clock.deadline.toISOString()).toBe(utc);
    expect(local(clock.deadline)).toBe(wall);
  });
});

describe('the fields each legal context records (legalContextFieldErrors)', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a CTO recall with its arrival in hospital (s.17F(8))', { kind: 'cto-recall', recalledAt: 'x', arrivedAt: 'y' }, []],
    ['a s.136 with its arrival', { kind: 's136', placeOfSafetyType: 'a-and-e', locationType: 'other', arrivedAt: 'x' }, []],
    ['a s.135(1) kept at the premises', { kind: 's135-1', warrantExecutedAt: 'x', keptAtPremises: true, firstEnteredAt: 'y' }, []],
    ['a patient on a s.3', { kind: 'already-s3', admittedAt: 'x' }, []],
    ['an arrival on a s.5(2)', { kind: 's5-2', h1FurnishedAt: 'x', arrivedAt: 'y' }, ['legalContext.arrivedAt']],
    ['a recall on a s.2', { kind: 'already-s2', admittedAt: 'x', recalledAt: 'y' }, ['legalContext.recalledAt']],
    ['a warrant on a CTO recall', { kind: 'cto-recall', recalledAt: 'x', warrantExecutedAt: 'y' }, ['legalContext.warrantExecutedAt']],
    [
      'anything on an informal referral',
      { kind: 'informal', admittedAt: 'x', personUnder18: true },
      ['legalContext.admittedAt', 'legalContext.personUnder18'],
    ],
    ['an undefined field (not given)', { kind: 'informal', admittedAt: undefined }, []],
    ['an unknown kind (the DTO refuses it)', { kind: 's999', admittedAt: 'x' }, []],
  ])('%s', (_name, raw, expected) => {
    expect(legalContextFieldErrors(raw).map((e) => e.field)).toEqual(expected);
  });
});

describe('APP-12 (s.5(1)): a person already in hospital when the application is made', () => {
  it.each([
    ['s5-2', true],
    ['s5-4', true],
    ['already-s2', true],
    ['informal', false],
    ['s136', false],
    ['s135-1', false],
    ['s135-2', false],
    ['cto-recall', false],
    ['already-s3', false],
  ] as const)('held in the context %s: in hospital %s', (kind, expected) => {
    expect(alreadyInHospital(kind)).toBe(expected);
  });
});

describe('statutory clocks by legal context', () => {
  it('POL-07: s.136 runs 24 h from arrival at the place of safety (s.136(2A)(a)(i))', () => {
    const clock = only(statutory(s136({ arrivedAt: at('2026-06-01T10:00:00Z') })));
    expect(clock).toMatchObject({
      id: 'POL-07',
      rule: 'POL-07',
      citation: 'MHA 1983 s.136(2), (2A), (3); s.136B',
      extendedBy: 0,
      provisional: false,
    });
    expect(clock.anchor.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(clock.deadline.toISOString()).toBe('2026-06-02T10:00:00.000Z');
    expect(clock.basis).toContain('arrival at the place of safety');
  });

  it('POL-07: a person kept at a place of safety runs 24 h from the decision to keep them (s.136(2A)(a)(ii))', () => {
    const clock = only(statutory(s136({ arrivedAt: undefined, keptAt: at('2026-06-01T10:15:00Z') })));
    expect(clock.anchor.toISOString()).toBe('2026-06-01T10:15:00.000Z');
    expect(clock.deadline.toISOString()).toBe('2026-06-02T10:15:00.000Z');
    expect(clock.basis).toContain('decision to keep');
  });

  it('POL-07: a s.136 with no anchor at all has no statutory clock (intake reports it)', () => {
    expect(statutory(s136({ arrivedAt: undefined }))).toEqual([]);
  });

  it('POL-04: s.135(1) runs 24 h from arrival at the place of safety, not from the warrant', () => {
    const clock = only(statutory({ kind: 's135-1', warrantExecutedAt: at('2026-06-01T09:00:00Z'), arrivedAt: at('2026-06-01T09:40:00Z') }));
    expect(clock).toMatchObject({ id: 'POL-04', rule: 'POL-04', provisional: false });
    expect(clock.deadline.toISOString()).toBe('2026-06-02T09:40:00.000Z');
  });

  it('POL-04: a person kept at the premises runs 24 h from the constable first entering them (s.135(3ZA)(a)(ii))', () => {
    const clock = only(
      statutory({
        kind: 's135-1',
        warrantExecutedAt: at('2026-06-01T09:00:00Z'),
        keptAtPremises: true,
        firstEnteredAt: at('2026-06-01T08:55:00Z'),
      }),
    );
    expect(clock.anchor.toISOString()).toBe('2026-06-01T08:55:00.000Z');
    expect(clock.deadline.toISOString()).toBe('2026-06-02T08:55:00.000Z');
    expect(clock.basis).toContain('first entering the premises');
  });

  it('POL-04: before arrival is recorded the clock runs provisionally from the warrant, never later than the true one', () => {
    const clock = only(statutory({ kind: 's135-1', warrantExecutedAt: at('2026-06-01T09:00:00Z') }));
    expect(clock.provisional).toBe(true);
    expect(clock.deadline.toISOString()).toBe('2026-06-02T09:00:00.000Z');
  });

  it('POL-03: a s.135(2) warrant starts no new clock (the patient is already liable to be detained)', () => {
    expect(statutory({ kind: 's135-2', warrantExecutedAt: at('2026-06-01T09:00:00Z') })).toEqual([]);
  });

  it('DUTY-01: an informal referral has no statutory clock', () => {
    expect(statutory({ kind: 'informal' })).toEqual([]);
  });

  it('HOLD-01: s.5(2) runs 72 h from the H1 report, across the spring change (C5 worked example)', () => {
    const clock = only(statutory({ kind: 's5-2', h1FurnishedAt: at('2026-03-28T10:00:00Z') }));
    expect(clock).toMatchObject({ id: 'HOLD-01', rule: 'HOLD-01', citation: 'MHA 1983 s.5(2)' });
    expect(local(clock.deadline)).toBe('Tue 31 Mar 2026 11:00 BST');
  });

  it('HOLD-02: s.5(4) runs 6 elapsed hours from the record: 01:30 BST on the autumn change ends at 06:30 GMT', () => {
    const clock = only(statutory({ kind: 's5-4', recordMadeAt: at('2026-10-25T00:30:00Z') }));
    expect(clock).toMatchObject({ id: 'HOLD-02', rule: 'HOLD-02', citation: 'MHA 1983 s.5(4)' });
    expect(local(clock.anchor)).toBe('Sun 25 Oct 2026 01:30 BST');
    expect(local(clock.deadline)).toBe('Sun 25 Oct 2026 06:30 GMT');
  });

  it('HOLD-02 (s.5(5)): a s.5(2) after a s.5(4) runs 72 h from the s.5(4) record, and the 6-hour clock is superseded', () => {
    const clocks = statutory({ kind: 's5-2', h1FurnishedAt: at('2026-06-01T11:00:00Z'), precededBy5_4At: at('2026-06-01T08:00:00Z') });
    const clock = only(clocks);
    expect(clock).toMatchObject({ id: 'HOLD-01', rule: 'HOLD-02', citation: 'MHA 1983 s.5(2), s.5(5)' });
    expect(clock.anchor.toISOString()).toBe('2026-06-01T08:00:00.000Z');
    expect(clock.deadline.toISOString()).toBe('2026-06-04T08:00:00.000Z');
    expect(clock.basis).toContain('superseded');
  });

  it.each([
    ['days after the s.5(4) lapsed', '2026-06-01T08:00:00Z', '2026-06-05T08:00:00Z'],
    ['hours after it lapsed', '2026-06-01T02:00:00Z', '2026-06-01T12:00:00Z'],
    ['at the instant it lapsed (half-open)', '2026-06-01T06:00:00Z', '2026-06-01T12:00:00Z'],
  ])('HOLD-01 (s.5(5)): a s.5(2) reported %s runs 72 h from its own H1, not from the lapsed record', (_n, record, h1) => {
    const clock = only(statutory({ kind: 's5-2', h1FurnishedAt: at(h1), precededBy5_4At: at(record) }));
    expect(clock).toMatchObject({ id: 'HOLD-01', rule: 'HOLD-01', citation: 'MHA 1983 s.5(2)' });
    expect(clock.anchor.toISOString()).toBe(at(h1).toISOString());
    expect(clock.deadline.getTime() - at(h1).getTime()).toBe(72 * 3_600_000);
    expect(clock.basis).toContain('does not count towards the 72 hours');
  });

  it('s5_2Start: chained only while the s.5(4) is in force, to the last minute of its 6 hours', () => {
    const record = at('2026-06-01T06:00:00Z');
    expect(s5_2Start({ h1FurnishedAt: at('2026-06-01T11:59:00Z'), precededBy5_4At: record })).toEqual({
      anchor: record,
      chained: true,
      lapsedAt: null,
    });
    expect(s5_2Start({ h1FurnishedAt: at('2026-06-01T12:00:00Z'), precededBy5_4At: record })).toEqual({
      anchor: at('2026-06-01T12:00:00Z'),
      chained: false,
      lapsedAt: at('2026-06-01T12:00:00Z'),
    });
    expect(s5_2Start({ h1FurnishedAt: record })).toEqual({ anchor: record, chained: false, lapsedAt: null });
  });

  it.each([
    // s.17F(8): the 72 hours (fixed by the Act) run from the start of the detention in hospital under the notice.
    [
      'arrival recorded: 72 h from arrival, not the notice',
      { arrivedAt: '2026-06-03T12:00:00Z' },
      '2026-06-03T12:00:00Z',
      '2026-06-06T12:00:00.000Z',
      false,
    ],
    [
      'arrival at the notice (already in hospital)',
      { arrivedAt: '2026-06-01T12:00:00Z' },
      '2026-06-01T12:00:00Z',
      '2026-06-04T12:00:00.000Z',
      false,
    ],
    ['arrival not recorded: provisionally from the notice', {}, '2026-06-01T12:00:00Z', '2026-06-04T12:00:00.000Z', true],
    [
      'arrival recorded before the notice: from the notice',
      { arrivedAt: '2026-06-01T11:00:00Z' },
      '2026-06-01T12:00:00Z',
      '2026-06-04T12:00:00.000Z',
      false,
    ],
  ])('CTO-03 (s.17F(8)): a CTO recall, %s', (_name, extra, anchor, deadline, provisional) => {
    const arrivedAt = (extra as { arrivedAt?: string }).arrivedAt;
    const clock = only(
      statutory({ kind: 'cto-recall', recalledAt: at('2026-06-01T12:00:00Z'), ...(arrivedAt ? { arrivedAt: at(arrivedAt) } : {}) }),
    );
    expect(clock.anchor.toISOString()).toBe(new Date(anchor).toISOString());
    expect(clock.deadline.toISOString()).toBe(deadline);
    expect(clock.provisional).toBe(provisional);
    expect(clock.basis).not.toContain('configurable');
  });

  it('CTO-01 (s.17A(1)-(2)): a patient already detained under s.3 starts no statutory clock', () => {
    expect(statutory({ kind: 'already-s3', admittedAt: at('2026-05-01T10:00:00Z') })).toEqual([]);
  });

  it.each([
    [
      'C4 worked example: admitted 1 Mar 2026 15:00 lapses at the end of 28 Mar (midnight GMT)',
      '2026-03-01T15:00:00Z',
      '2026-03-29T00:00:00.000Z',
      'end of 2026-03-28',
    ],
    [
      'admitted 00:05 on 1 Mar: the hour does not matter, day 1 is still 1 Mar',
      '2026-03-01T00:05:00Z',
      '2026-03-29T00:00:00.000Z',
      'end of 2026-03-28',
    ],
    ['admitted 23:55 on 1 Mar: day 1 is still 1 Mar', '2026-03-01T23:55:00Z', '2026-03-29T00:00:00.000Z', 'end of 2026-03-28'],
    [
      'admitted 00:30 BST on 11 Jun (23:30 UTC on 10 Jun): the local date is day 1',
      '2026-06-10T23:30:00Z',
      '2026-07-08T23:00:00.000Z',
      'end of 2026-07-08',
    ],
    [
      'admitted in GMT, lapsing in BST: the end of the local day is 23:00 UTC',
      '2026-03-10T12:00:00Z',
      '2026-04-06T23:00:00.000Z',
      'end of 2026-04-06',
    ],
  ])('APP-17: %s', (_name, admitted, deadline, basis) => {
    const clock = only(statutory({ kind: 'already-s2', admittedAt: at(admitted) }));
    expect(clock).toMatchObject({ id: 'APP-17', rule: 'APP-17', citation: 'MHA 1983 s.2(4)' });
    expect(clock.deadline.toISOString()).toBe(deadline);
    expect(clock.basis).toContain(basis);
  });
});

// Held-out cases (C5: hours are elapsed time, rendered in local time; C4 for the s.2 clock). The clocks go forward at
// 01:00 GMT on Sun 29 Mar 2026 and back at 02:00 BST on Sun 25 Oct 2026.
describe('held-out: statutory clocks across the clock changes', () => {
  it.each<[string, LegalContext, string, string]>([
    [
      'POL-07: arrived Sat 24 Oct 2026 15:30 BST → 24 elapsed hours end Sun 25 Oct 14:30 GMT (not 15:30)',
      s136({ arrivedAt: at('2026-10-24T14:30:00Z') }),
      '2026-10-25T14:30:00.000Z',
      'Sun 25 Oct 2026 14:30 GMT',
    ],
    [
      'POL-07: arrived Sat 28 Mar 2026 23:00 GMT → 24 elapsed hours end Mon 30 Mar 00:00 BST (23:00 by the wall clock of the arrival)',
      s136({ arrivedAt: at('2026-03-28T23:00:00Z') }),
      '2026-03-29T23:00:00.000Z',
      'Mon 30 Mar 2026 00:00 BST',
    ],
    [
      'POL-07: kept at 01:30 BST on Sun 25 Oct 2026 (the first 01:30) → Mon 26 Oct 00:30 GMT',
      s136({ arrivedAt: undefined, keptAt: at('2026-10-25T00:30:00Z') }),
      '2026-10-26T00:30:00.000Z',
      'Mon 26 Oct 2026 00:30 GMT',
    ],
    [
      'POL-04: kept at the premises, the constable first entered at 23:59 GMT on Tue 29 Feb 2028 → Wed 1 Mar 23:59 GMT',
      { kind: 's135-1', warrantExecutedAt: at('2028-02-29T23:59:00Z'), keptAtPremises: true, firstEnteredAt: at('2028-02-29T23:59:00Z') },
      '2028-03-01T23:59:00.000Z',
      'Wed 1 Mar 2028 23:59 GMT',
    ],
    [
      'POL-04: removed, arriving at the place of safety 00:30 GMT Sun 29 Mar 2026 → Mon 30 Mar 01:30 BST',
      { kind: 's135-1', warrantExecutedAt: at('2026-03-29T00:00:00Z'), arrivedAt: at('2026-03-29T00:30:00Z') },
      '2026-03-30T00:30:00.000Z',
      'Mon 30 Mar 2026 01:30 BST',
    ],
    [
      'HOLD-01: H1 furnished Fri 23 Oct 2026 22:00 BST → 72 elapsed hours end Mon 26 Oct 21:00 GMT',
      { kind: 's5-2', h1FurnishedAt: at('2026-10-23T21:00:00Z') },
      '2026-10-26T21:00:00.000Z',
      'Mon 26 Oct 2026 21:00 GMT',
    ],
    [
      'HOLD-02: s.5(4) recorded Sun 29 Mar 2026 00:30 GMT → 6 elapsed hours end 07:30 BST',
      { kind: 's5-4', recordMadeAt: at('2026-03-29T00:30:00Z') },
      '2026-03-29T06:30:00.000Z',
      'Sun 29 Mar 2026 07:30 BST',
    ],
    [
      'HOLD-02 (s.5(5)): s.5(4) at 01:30 BST on Sun 25 Oct, H1 at 01:10 GMT (within the 6 hours) → 72 h from the record',
      { kind: 's5-2', h1FurnishedAt: at('2026-10-25T01:10:00Z'), precededBy5_4At: at('2026-10-25T00:30:00Z') },
      '2026-10-28T00:30:00.000Z',
      'Wed 28 Oct 2026 00:30 GMT',
    ],
    [
      'CTO-03: recalled and arrived Sat 24 Oct 2026 12:00 BST → 72 elapsed hours end Tue 27 Oct 11:00 GMT',
      { kind: 'cto-recall', recalledAt: at('2026-10-24T09:00:00Z'), arrivedAt: at('2026-10-24T11:00:00Z') },
      '2026-10-27T11:00:00.000Z',
      'Tue 27 Oct 2026 11:00 GMT',
    ],
    [
      'APP-17: already under s.2, admitted 01:30 GMT on Sun 25 Oct 2026 (the second 01:30): day 28 is Sat 21 Nov',
      { kind: 'already-s2', admittedAt: at('2026-10-25T01:30:00Z') },
      '2026-11-22T00:00:00.000Z',
      'Sun 22 Nov 2026 00:00 GMT',
    ],
    [
      'APP-17: already under s.2, admitted Tue 29 Feb 2028: day 28 is Mon 27 Mar 2028, in BST',
      { kind: 'already-s2', admittedAt: at('2028-02-29T10:00:00Z') },
      '2028-03-27T23:00:00.000Z',
      'Tue 28 Mar 2028 00:00 BST',
    ],
  ])('%s', (_name, context, deadline, wall) => {
    const clock = only(statutory(context, [], at('2028-12-31T00:00:00Z')));
    expect(clock.deadline.toISOString()).toBe(deadline);
    expect(local(clock.deadline)).toBe(wall);
  });

  // POL-08 (s.136B(1)): authorised before the 24 hours expire; arrived Sat 24 Oct 2026 15:30 BST, so they expire Sun 25
  // Oct 14:30 GMT, and 12 hours more end at 02:30 GMT on Mon 26 Oct.
  const autumn = s136({ arrivedAt: at('2026-10-24T14:30:00Z') });
  const expiry = at('2026-10-25T14:30:00Z');
  it.each<[string, string, string[], string]>([
    ['authorised a minute before the 24 hours end (14:29 GMT): 12 hours more', '2026-10-25T14:29:00Z', [], '2026-10-26T02:30:00.000Z'],
    [
      'authorised at 15:29 GMT, before 15:30 by the wall clock of the arrival, but after the 24 elapsed hours',
      '2026-10-25T15:29:00Z',
      ['extension-after-expiry'],
      '2026-10-25T14:30:00.000Z',
    ],
  ])('POL-08, held-out: %s', (_name, authorisedAt, codes, deadline) => {
    const e = ext({ authorisedAt: at(authorisedAt) });
    expect(validateExtension(autumn, expiry, e).map((f) => f.code)).toEqual(codes);
    expect(only(statutory(autumn, [e])).deadline.toISOString()).toBe(deadline);
  });
});

describe('local clocks (✱ policy)', () => {
  const receivedAt = at('2026-03-27T12:00:00Z');

  it.each<[Urgency, string]>([
    ['emergency', '2026-03-27T16:00:00.000Z'],
    ['urgent', '2026-03-28T12:00:00.000Z'],
    ['routine', '2026-04-01T12:00:00.000Z'], // 5 × 24 elapsed hours: 13:00 BST on the wall clock
  ])('DUTY-01: a %s referral gets the default response target from receipt', (urgency, deadline) => {
    const clock = clocksFor({ kind: 'informal' }, [], DEFAULT_RESPONSE_TARGETS, receivedAt, urgency).find(
      (c) => c.id === 'LOCAL-RESPONSE',
    )!;
    expect(clock).toMatchObject({ rule: 'DUTY-01', anchor: receivedAt, extendedBy: 0 });
    expect(clock.deadline.toISOString()).toBe(deadline);
  });

  it('DUTY-01: every referral carries a response target, configurable per urgency', () => {
    const clocks = clocksFor(s136(), [], { emergency: 30, urgent: 60, routine: 90 }, at('2026-06-01T10:05:00Z'), 'emergency');
    expect(clocks.map((c) => c.id)).toEqual(['POL-07', 'COP-09', 'LOCAL-RESPONSE']);
    expect(clocks[2].deadline.toISOString()).toBe('2026-06-01T10:35:00.000Z');
  });

  it('COP-09 ✱: a place-of-safety assessment should start within 3 h of the anchor, and can be turned off', () => {
    const clocks = clocksFor(s136(), [], DEFAULT_RESPONSE_TARGETS, at('2026-06-01T10:05:00Z'), 'urgent');
    expect(clocks.find((c) => c.id === 'COP-09')!.deadline.toISOString()).toBe('2026-06-01T13:00:00.000Z');
    const off = clocksFor(s136(), [], DEFAULT_RESPONSE_TARGETS, at('2026-06-01T10:05:00Z'), 'urgent', {
      ...DEFAULT_CLOCK_POLICY,
      assessmentStartMinutes: null,
    });
    expect(off.map((c) => c.id)).toEqual(['POL-07', 'LOCAL-RESPONSE']);
  });

  it('refuses a negative target or an invalid instant instead of computing a deadline before its anchor', () => {
    expect(() => clocksFor({ kind: 'informal' }, [], { emergency: -1, urgent: 1, routine: 1 }, receivedAt, 'emergency')).toThrow(
      RangeError,
    );
    expect(() => clocksFor({ kind: 's5-4', recordMadeAt: new Date(NaN) }, [], DEFAULT_RESPONSE_TARGETS, receivedAt, 'urgent')).toThrow(
      RangeError,
    );
  });
});

describe('POL-08: s.136B extensions', () => {
  const context = s136();
  const base = hoursAfter(context.arrivedAt!, 24); // 2026-06-02T10:00Z

  it("a 12 h extension by the examining doctor for the person's condition, before expiry, gives 36 h", () => {
    expect(validateExtension(context, base, ext())).toEqual([]);
    const clock = only(statutory(context, [ext()]));
    expect(clock.extendedBy).toBe(12);
    expect(clock.deadline.toISOString()).toBe('2026-06-02T22:00:00.000Z');
    expect(clock.basis).toContain('extended by 12 h');
  });

  // s.136B(1): "a further period not exceeding 12 hours", authorised to a time: the clock ends exactly that long after the
  // 24 hours (Tue 2 Jun 2026 10:00 UTC, 11:00 BST), to the minute.
  it.each<[string, number, string, string, number]>([
    ['7 h 30 min', 7.5, '2026-06-02T17:30:00.000Z', 'extended by 7 h 30 min under s.136B', 7.5],
    ['6 h 20 min (a third of an hour has no exact decimal)', 380 / 60, '2026-06-02T16:20:00.000Z', 'extended by 6 h 20 min', 380 / 60],
    ['45 min', 0.75, '2026-06-02T10:45:00.000Z', 'extended by 45 min', 0.75],
    ['11 h 59 min', 719 / 60, '2026-06-02T21:59:00.000Z', 'extended by 11 h 59 min', 719 / 60],
  ])('an extension of %s ends the clock that long after the 24 hours, and says so', (_name, hours, deadline, basis, extendedBy) => {
    const clock = only(statutory(context, [ext({ hours })]));
    expect(validateExtension(context, base, ext({ hours }))).toEqual([]);
    expect(clock.deadline.toISOString()).toBe(deadline);
    expect(clock.extendedBy).toBe(extendedBy);
    expect(clock.basis).toContain(basis);
    expect(clock.basis).toContain(`ends ${formatLocal(new Date(deadline), 'Europe/London')}.`);
  });

  it('an extension of 12 h 1 min is refused, its length said to the minute', () => {
    const [finding] = validateExtension(context, base, ext({ hours: 721 / 60 }));
    expect(finding).toMatchObject({ code: 'extension-too-long', severity: 'blocker' });
    expect(finding.message).toBe('An extension of 12 h 1 min is longer than the 12 hours s.136B allows.');
  });

  it.each<[number, string]>([
    [12, '12 h'],
    [7.5, '7 h 30 min'],
    [380 / 60, '6 h 20 min'],
    [0.25, '15 min'],
    [1 / 60, '1 min'],
  ])('formatHours(%d) is "%s"', (hours, text) => expect(formatHours(hours)).toBe(text));

  it('the clock names the doctor who authorised the extension, or the role for one recorded by role alone', () => {
    const named = ext({ authorisedBy: undefined, authorisingDoctor: { doctorId: 'd1', name: 'Dr Asha Patel', gmcNumber: '7100001' } });
    expect(only(statutory(context, [named])).basis).toContain(
      'authorised Tue 2 Jun 2026 07:00 BST by Dr Asha Patel (GMC 7100001), the examining doctor, because of the person',
    );
    expect(only(statutory(context, [ext()])).basis).toContain('by the examining doctor, because of the person');
  });

  it.each<[string, LegalContext, Partial<S136BExtension>, string[]]>([
    ['refuses 13 hours (more than 12)', context, { hours: 13 }, ['blocker:extension-too-long']],
    ['refuses zero hours', context, { hours: 0 }, ['blocker:extension-hours-invalid']],
    ['refuses one authorised at the instant the 24 h expire', context, { authorisedAt: base }, ['blocker:extension-after-expiry']],
    ['refuses one authorised after the 24 h expired', context, { authorisedAt: plusH(base, 1) }, ['blocker:extension-after-expiry']],
    [
      'refuses one authorised before detention began',
      context,
      { authorisedAt: at('2026-06-01T09:00:00Z') },
      ['blocker:extension-before-detention'],
    ],
    ['refuses a bed shortage as the reason', context, { reason: 'bed-unavailable' }, ['blocker:extension-resource-reason']],
    ['refuses a staff shortage as the reason', context, { reason: 'staff-unavailable' }, ['blocker:extension-resource-reason']],
    ["refuses any reason other than the person's condition", context, { reason: 'other' }, ['blocker:extension-reason-not-condition']],
    [
      'refuses one authorised by the AMHP rather than the examining doctor',
      context,
      { authorisedBy: 'amhp' },
      ['blocker:extension-not-by-examining-doctor'],
    ],
    [
      'accepts one whose authorising doctor is named with a GMC number',
      context,
      { authorisedBy: undefined, authorisingDoctor: { doctorId: null, name: 'Dr Asha Patel', gmcNumber: '7100001' } },
      [],
    ],
    [
      'refuses a named doctor without a seven-digit GMC number',
      context,
      { authorisedBy: undefined, authorisingDoctor: { doctorId: null, name: 'Dr Asha Patel', gmcNumber: '71001' } },
      ['blocker:extension-doctor-invalid'],
    ],
    [
      'refuses one that names neither the doctor nor the role',
      context,
      { authorisedBy: undefined },
      ['blocker:extension-doctor-not-named'],
    ],
    [
      "refuses one at a police station without a superintendent's approval",
      s136({ placeOfSafetyType: 'police-station' }),
      {},
      ['blocker:extension-needs-superintendent'],
    ],
    [
      "accepts one at a police station with a superintendent's approval given first",
      s136({ placeOfSafetyType: 'police-station' }),
      { superintendentApprovedAt: at('2026-06-02T05:30:00Z') },
      [],
    ],
    [
      'warns when the superintendent approved after the doctor authorised',
      s136({ placeOfSafetyType: 'police-station' }),
      { superintendentApprovedAt: at('2026-06-02T07:00:00Z') },
      ['warning:superintendent-approval-after-authorisation'],
    ],
    [
      'refuses one whose superintendent approval came after the 24 h expired',
      s136({ placeOfSafetyType: 'police-station' }),
      { superintendentApprovedAt: plusH(base, 2) },
      ['blocker:superintendent-approval-after-expiry'],
    ],
    [
      'refuses any extension of a s.5(2) holding power',
      { kind: 's5-2', h1FurnishedAt: at('2026-06-01T10:00:00Z') },
      {},
      ['blocker:extension-not-applicable'],
    ],
  ])('%s', (_name, ctx, over, expected) => {
    const findings = validateExtension(ctx, base, ext(over));
    expect(findings.map((f) => `${f.severity}:${f.code}`)).toEqual(expected);
    expect(findings.every((f) => f.rule === 'POL-08' && f.citation === 'MHA 1983 s.136B')).toBe(true);
  });

  it('a bed shortage is refused with a message that says why', () => {
    expect(validateExtension(context, base, ext({ reason: 'bed-unavailable' }))[0].message).toMatch(
      /bed shortage is never a ground.*condition/,
    );
  });

  it('a blocked extension is not applied: the deadline stays at 24 h', () => {
    const clock = only(statutory(context, [ext({ hours: 13 })]));
    expect(clock).toMatchObject({ extendedBy: 0 });
    expect(clock.deadline).toEqual(base);
  });

  it('a warning does not stop an extension being applied', () => {
    const station = s136({ placeOfSafetyType: 'police-station' });
    expect(only(statutory(station, [ext({ superintendentApprovedAt: at('2026-06-02T07:00:00Z') })])).extendedBy).toBe(12);
  });

  it('a second extension is refused: validated against an already-extended deadline', () => {
    expect(validateExtension(context, plusH(base, 6), ext({ hours: 6 })).map((f) => f.code)).toEqual(['second-extension']);
  });

  it('only the first valid extension applies; later ones are second extensions', () => {
    const first = ext({ authorisedAt: at('2026-06-02T04:00:00Z'), hours: 6 });
    const second = ext({ authorisedAt: at('2026-06-02T08:00:00Z'), hours: 6 });
    const outcome = applyExtensions(context, [second, first]);
    expect(outcome.applied).toBe(first);
    expect(outcome.extendedBy).toBe(6);
    expect(outcome.findings.map((f) => f.code)).toEqual(['second-extension']);
    expect(only(statutory(context, [second, first])).deadline.toISOString()).toBe('2026-06-02T16:00:00.000Z');
  });

  it('an invalid extension does not use up the one allowed: a later valid one applies', () => {
    const refused = ext({ authorisedAt: at('2026-06-02T04:00:00Z'), reason: 'bed-unavailable' });
    const valid = ext({ authorisedAt: at('2026-06-02T08:00:00Z'), hours: 4 });
    expect(applyExtensions(context, [refused, valid])).toMatchObject({ applied: valid, extendedBy: 4 });
  });

  it('POL-04: a s.135(1) detention can be extended the same way', () => {
    const s135: LegalContext = { kind: 's135-1', warrantExecutedAt: at('2026-06-01T09:00:00Z'), arrivedAt: at('2026-06-01T10:00:00Z') };
    const clock = only(statutory(s135, [ext({ hours: 8 })]));
    expect(clock).toMatchObject({ id: 'POL-04', extendedBy: 8 });
    expect(clock.deadline.toISOString()).toBe('2026-06-02T18:00:00.000Z');
  });
});

describe('intake findings', () => {
  const receivedAt = at('2026-06-01T10:30:00Z');
  const codes = (context: LegalContext, when = receivedAt) => intakeFindings(context, when).map((f) => `${f.rule}:${f.severity}:${f.code}`);

  it.each<[string, LegalContext, string[]]>([
    ['a s.136 from a public place to a health-based place of safety raises nothing', s136(), []],
    [
      'POL-05: a s.136 from a private dwelling is flagged potentially unlawful (a warning to record)',
      s136({ locationType: 'dwelling' }),
      ['POL-05:warning:s136-from-dwelling'],
    ],
    [
      'POL-09: a police station for a person under 18 blocks',
      s136({ placeOfSafetyType: 'police-station', personUnder18: true }),
      ['POL-09:blocker:police-station-under-18'],
    ],
    [
      'POL-09: a police station for an adult warns that an inspector must authorise it',
      s136({ placeOfSafetyType: 'police-station', personUnder18: false }),
      ['POL-09:warning:police-station-adult-no-inspector'],
    ],
    [
      "POL-09: a police station for an adult with an inspector's authorisation still warns (flag every use)",
      s136({ placeOfSafetyType: 'police-station', personUnder18: false, inspectorAuthorisedAt: at('2026-06-01T09:50:00Z') }),
      ['POL-09:warning:police-station-adult'],
    ],
    [
      'POL-09: a police station with the age unknown warns to confirm it',
      s136({ placeOfSafetyType: 'police-station' }),
      ['POL-09:warning:police-station-age-unknown', 'POL-09:warning:police-station-adult-no-inspector'],
    ],
    [
      'POL-09: a s.135(1) to a police station for a person under 18 blocks too',
      {
        kind: 's135-1',
        warrantExecutedAt: at('2026-06-01T09:00:00Z'),
        arrivedAt: at('2026-06-01T09:30:00Z'),
        placeOfSafetyType: 'police-station',
        personUnder18: true,
      },
      ['POL-09:blocker:police-station-under-18'],
    ],
    [
      'an arrival 6 minutes after receipt blocks (beyond the clock skew)',
      s136({ arrivedAt: at('2026-06-01T10:36:00Z') }),
      ['POL-07:blocker:time-after-receipt'],
    ],
    [
      'an arrival 5 minutes after receipt is accepted as clock skew',
      s136({ arrivedAt: new Date(receivedAt.getTime() + CLOCK_SKEW_MS) }),
      [],
    ],
    [
      'a s.5(4) record after receipt blocks',
      { kind: 's5-4', recordMadeAt: at('2026-06-01T12:00:00Z') },
      ['HOLD-02:blocker:time-after-receipt'],
    ],
    ['a s.136 with neither arrival nor decision to keep blocks', s136({ arrivedAt: undefined }), ['POL-07:blocker:anchor-missing']],
    [
      'a s.136 with both arrival and decision to keep blocks',
      { ...s136(), keptAt: at('2026-06-01T10:00:00Z') } as unknown as LegalContext,
      ['POL-07:blocker:anchor-ambiguous'],
    ],
    [
      'a s.135(1) still in transit warns that the clock is provisional',
      { kind: 's135-1', warrantExecutedAt: at('2026-06-01T10:00:00Z') },
      ['POL-04:warning:arrival-not-recorded'],
    ],
    [
      'a s.135(1) arrival before the warrant was executed blocks',
      { kind: 's135-1', warrantExecutedAt: at('2026-06-01T10:00:00Z'), arrivedAt: at('2026-06-01T09:00:00Z') },
      ['POL-04:blocker:arrival-before-warrant'],
    ],
    [
      'a s.5(4) recorded after the s.5(2) it preceded blocks',
      { kind: 's5-2', h1FurnishedAt: at('2026-06-01T08:00:00Z'), precededBy5_4At: at('2026-06-01T09:00:00Z') },
      ['HOLD-02:blocker:s5-4-after-h1'],
    ],
    [
      'an H1 furnished after the s.5(4) had lapsed warns of the gap in authority',
      { kind: 's5-2', h1FurnishedAt: at('2026-06-01T09:00:00Z'), precededBy5_4At: at('2026-06-01T02:00:00Z') },
      ['HOLD-02:warning:h1-after-s5-4-lapsed'],
    ],
    [
      'a s.136 whose 24 hours ended before the referral arrived warns',
      s136({ arrivedAt: at('2026-05-31T10:00:00Z') }),
      ['POL-07:warning:expired-at-receipt'],
    ],
    [
      'a s.2 that lapsed before the referral arrived warns',
      { kind: 'already-s2', admittedAt: at('2026-04-01T10:00:00Z') },
      ['APP-17:warning:expired-at-receipt'],
    ],
    ['an invalid time blocks', { kind: 'cto-recall', recalledAt: new Date('not a date') }, ['CTO-03:blocker:time-invalid']],
    [
      'a CTO recall without the start of the detention in hospital warns that the 72 hours are provisional',
      { kind: 'cto-recall', recalledAt: at('2026-06-01T08:00:00Z') },
      ['CTO-03:warning:arrival-not-recorded'],
    ],
    [
      'a CTO recall with the arrival in hospital raises nothing',
      { kind: 'cto-recall', recalledAt: at('2026-05-30T08:00:00Z'), arrivedAt: at('2026-06-01T08:00:00Z') },
      [],
    ],
    [
      'a CTO recall whose arrival in hospital is before the notice blocks',
      { kind: 'cto-recall', recalledAt: at('2026-06-01T08:00:00Z'), arrivedAt: at('2026-06-01T07:00:00Z') },
      ['CTO-03:blocker:arrival-before-recall'],
    ],
    ['a patient already detained under s.3 raises nothing', { kind: 'already-s3', admittedAt: at('2026-04-01T10:00:00Z') }, []],
    [
      'a patient already detained under s.3 with no admission blocks',
      { kind: 'already-s3' } as unknown as LegalContext,
      ['CTO-01:blocker:admission-not-recorded'],
    ],
    ['an informal referral raises nothing', { kind: 'informal' }, []],
  ])('%s', (_name, context, expected) => {
    expect(codes(context)).toEqual(expected);
  });

  it('every finding carries a citation and a message', () => {
    for (const f of intakeFindings(s136({ placeOfSafetyType: 'police-station', locationType: 'dwelling' }), receivedAt)) {
      expect(f.citation).toMatch(/^MHA 1983|SI 2017/);
      expect(f.message.length).toBeGreaterThan(20);
    }
  });
});

describe('clock state', () => {
  const anchor = at('2026-06-01T10:00:00Z');
  const clock = only(statutory(s136({ arrivedAt: anchor })));

  it.each([
    ['running with more than 4 h left', 1, 'running', 0, null, '2026-06-02T06:00:00.000Z'],
    ['first warning stage 4 h before', 20, 'warning', 1, 240, '2026-06-02T09:00:00.000Z'],
    ['second warning stage 1 h before', 23, 'warning', 2, 60, '2026-06-02T10:00:00.000Z'],
    ['breached at the deadline instant (half-open)', 24, 'breached', 2, 60, null],
    ['breached after the deadline', 30, 'breached', 2, 60, null],
  ])('POL-07: %s', (_name, hoursIn, state, stage, stageMinutes, next) => {
    const status = clockState(clock, plusH(anchor, hoursIn));
    expect(status).toMatchObject({ state, stage, stageMinutes, remainingMs: (24 - hoursIn) * HOUR });
    expect(status.nextChangeAt?.toISOString() ?? null).toBe(next);
  });

  it('stopped when the outcome was recorded, keeping the time that was left then', () => {
    expect(clockState(clock, plusH(anchor, 30), DEFAULT_WARNINGS, plusH(anchor, 10))).toEqual({
      state: 'stopped',
      remainingMs: 14 * HOUR,
      stage: 0,
      stageMinutes: null,
      nextChangeAt: null,
    });
  });

  it('stopped after a breach shows how late it stopped', () => {
    expect(clockState(clock, plusH(anchor, 30), DEFAULT_WARNINGS, plusH(anchor, 25)).remainingMs).toBe(-1 * HOUR);
  });

  it('a stop recorded later than now does not stop the clock yet', () => {
    expect(clockState(clock, plusH(anchor, 21), DEFAULT_WARNINGS, plusH(anchor, 22)).state).toBe('warning');
  });

  it('thresholds are configurable per clock id, and a clock without thresholds only runs and breaches', () => {
    expect(clockState(clock, plusH(anchor, 12), { 'POL-07': [13 * 60] })).toMatchObject({ state: 'warning', stage: 1, stageMinutes: 780 });
    expect(clockState(clock, plusH(anchor, 23.9), {})).toMatchObject({ state: 'running', stage: 0, nextChangeAt: clock.deadline });
  });

  it('APP-17: the s.2 warns a week before it lapses (around day 21)', () => {
    const s2 = only(statutory({ kind: 'already-s2', admittedAt: at('2026-03-01T15:00:00Z') }));
    expect(clockState(s2, at('2026-03-21T12:00:00Z')).state).toBe('running');
    expect(clockState(s2, at('2026-03-22T00:00:00Z'))).toMatchObject({ state: 'warning', stage: 1, stageMinutes: 7 * 24 * 60 });
  });
});

// -------------------------------------------------------------------------------------------------------------
// Properties

const YEAR_2026 = at('2026-01-01T00:00:00Z').getTime();
const instantArb = fc.integer({ min: 0, max: 365 * 24 * 60 }).map((m) => new Date(YEAR_2026 + m * MINUTE));
const placeArb = fc.constantFrom('health-based' as const, 'police-station' as const, 'a-and-e' as const, 'other' as const);
const contextArb: fc.Arbitrary<LegalContext> = fc.oneof(
  fc.constant<LegalContext>({ kind: 'informal' }),
  fc
    .record({ t: instantArb, kept: fc.boolean(), place: placeArb })
    .map(({ t, kept, place }): LegalContext =>
      kept
        ? { kind: 's136', placeOfSafetyType: place, locationType: 'public-place', keptAt: t }
        : { kind: 's136', placeOfSafetyType: place, locationType: 'public-place', arrivedAt: t },
    ),
  fc
    .record({ t: instantArb, lag: fc.integer({ min: 0, max: 180 }), mode: fc.constantFrom('arrived', 'premises', 'transit') })
    .map(({ t, lag, mode }): LegalContext =>
      mode === 'premises'
        ? { kind: 's135-1', warrantExecutedAt: t, keptAtPremises: true, firstEnteredAt: t }
        : mode === 'arrived'
          ? { kind: 's135-1', warrantExecutedAt: t, arrivedAt: new Date(t.getTime() + lag * MINUTE) }
          : { kind: 's135-1', warrantExecutedAt: t },
    ),
  fc.record({ t: instantArb }).map(({ t }): LegalContext => ({ kind: 's135-2', warrantExecutedAt: t })),
  fc.record({ t: instantArb, lag: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }) }).map(({ t, lag }): LegalContext => ({
    kind: 's5-2',
    h1FurnishedAt: t,
    precededBy5_4At: lag === undefined ? undefined : new Date(t.getTime() - lag * MINUTE),
  })),
  instantArb.map((t): LegalContext => ({ kind: 's5-4', recordMadeAt: t })),
  instantArb.map((t): LegalContext => ({ kind: 'cto-recall', recalledAt: t })),
  instantArb.map((t): LegalContext => ({ kind: 'already-s2', admittedAt: t })),
);
const extensionArb: fc.Arbitrary<S136BExtension> = fc.record({
  authorisedAt: instantArb,
  hours: fc.oneof(fc.integer({ min: -2, max: 30 }), fc.double({ min: -1, max: 20, noNaN: true })),
  authorisedBy: fc.constantFrom('examining-doctor', 'amhp', 'nurse'),
  reason: fc.constantFrom('patient-condition' as const, 'bed-unavailable' as const, 'staff-unavailable' as const, 'other' as const),
  superintendentApprovedAt: fc.option(instantArb, { nil: undefined }),
});
/** Extensions near the anchor, so that many of them are valid. */
const nearExtensionArb = (anchor: Date) =>
  fc
    .record({
      offsetMin: fc.integer({ min: -60, max: 30 * 60 }),
      hours: fc.integer({ min: 1, max: 14 }),
      reason: fc.constantFrom('patient-condition' as const, 'patient-condition' as const, 'bed-unavailable' as const),
    })
    .map(({ offsetMin, hours, reason }): S136BExtension => ({
      authorisedAt: new Date(anchor.getTime() + offsetMin * MINUTE),
      hours,
      authorisedBy: 'examining-doctor',
      reason,
      superintendentApprovedAt: new Date(anchor.getTime() + (offsetMin - 1) * MINUTE),
    }));

describe('properties', () => {
  it('a deadline is never before its anchor, for every context, extension and target', () => {
    fc.assert(
      fc.property(
        contextArb,
        fc.array(extensionArb, { maxLength: 3 }),
        instantArb,
        fc.constantFrom<Urgency>('emergency', 'urgent', 'routine'),
        fc.nat({ max: 20_000 }),
        (context, extensions, receivedAt, urgency, minutes) => {
          const clocks = clocksFor(context, extensions, { emergency: minutes, urgent: minutes, routine: minutes }, receivedAt, urgency);
          return clocks.every((c) => c.deadline.getTime() >= c.anchor.getTime());
        },
      ),
    );
  });

  it('an extension that passes validation never exceeds 12 h and was authorised within the 24 h', () => {
    fc.assert(
      fc.property(instantArb, fc.boolean(), fc.array(extensionArb, { maxLength: 1 }), (arrivedAt, station, [e]) => {
        if (!e) return true;
        const context = s136({ arrivedAt, placeOfSafetyType: station ? 'police-station' : 'health-based' });
        const deadline = hoursAfter(arrivedAt, 24);
        const blocked = validateExtension(context, deadline, e).some((f) => f.severity === 'blocker');
        return blocked || (e.hours > 0 && e.hours <= 12 && e.authorisedAt >= arrivedAt && e.authorisedAt < deadline);
      }),
      { numRuns: 500 },
    );
  });

  it('a s.136 or s.135 detention lasts between 24 and 36 hours, whatever extensions are offered', () => {
    fc.assert(
      fc.property(
        instantArb.chain((t) => fc.tuple(fc.constant(t), fc.array(nearExtensionArb(t), { maxLength: 4 }), fc.boolean())),
        ([t, extensions, station]) => {
          const clock = statutory(s136({ arrivedAt: t, placeOfSafetyType: station ? 'police-station' : 'a-and-e' }), extensions).find(
            (c) => c.id === 'POL-07',
          )!;
          const length = clock.deadline.getTime() - clock.anchor.getTime();
          return length >= 24 * HOUR && length <= 36 * HOUR && length === (24 + clock.extendedBy) * HOUR && clock.extendedBy <= 12;
        },
      ),
    );
  });

  it('hour-based clocks are exact elapsed hours across both 2026 clock changes, while the wall clock shifts by an hour', () => {
    const nearChanges = fc.oneof(
      fc.integer({ min: -96 * 60, max: 96 * 60 }).map((m) => new Date(at('2026-03-29T01:00:00Z').getTime() + m * MINUTE)),
      fc.integer({ min: -96 * 60, max: 96 * 60 }).map((m) => new Date(at('2026-10-25T01:00:00Z').getTime() + m * MINUTE)),
    );
    const changes = [at('2026-03-29T01:00:00Z').getTime(), at('2026-10-25T01:00:00Z').getTime()];
    const offsetMin = (d: Date) => DateTime.fromJSDate(d, { zone: LONDON }).offset;
    // Hours between two instants as read off a wall clock (local date and time, ignoring the offset).
    const wallHours = (a: Date, b: Date) => {
      const naive = (d: Date) => DateTime.fromISO(DateTime.fromJSDate(d, { zone: LONDON }).toFormat("yyyy-MM-dd'T'HH:mm"), { zone: 'UTC' });
      return naive(b).diff(naive(a), 'hours').hours;
    };
    fc.assert(
      fc.property(nearChanges, (t) => {
        const cases: Array<[LegalContext, number]> = [
          [{ kind: 's5-4', recordMadeAt: t }, 6],
          [s136({ arrivedAt: t }), 24],
          [{ kind: 's5-2', h1FurnishedAt: t }, 72],
          [{ kind: 'cto-recall', recalledAt: t }, 72],
        ];
        return cases.every(([context, hours]) => {
          const clock = only(statutory(context));
          const elapsedOk = clock.deadline.getTime() - t.getTime() === hours * HOUR;
          // The wall clock shows an hour more (spring) or less (autumn) exactly when a change falls in the period.
          const crosses = changes.some((c) => t.getTime() < c && c <= clock.deadline.getTime());
          const shift = (offsetMin(clock.deadline) - offsetMin(t)) / 60;
          return elapsedOk && wallHours(t, clock.deadline) === hours + shift && (shift !== 0) === crosses;
        });
      }),
    );
  });

  it('a clock is breached exactly from its deadline, and its warning stage never goes down as time passes', () => {
    fc.assert(
      fc.property(contextArb, instantArb, fc.nat({ max: 40 * 24 * 60 }), fc.nat({ max: 40 * 24 * 60 }), (context, receivedAt, a, b) => {
        return clocksFor(context, [], DEFAULT_RESPONSE_TARGETS, receivedAt, 'urgent').every((clock) => {
          const t1 = new Date(clock.anchor.getTime() + Math.min(a, b) * MINUTE);
          const t2 = new Date(clock.anchor.getTime() + Math.max(a, b) * MINUTE);
          const s1 = clockState(clock, t1);
          const s2 = clockState(clock, t2);
          const breachedOk = (s2.state === 'breached') === t2.getTime() >= clock.deadline.getTime();
          return breachedOk && s1.stage <= s2.stage && s1.remainingMs >= s2.remainingMs;
        });
      }),
    );
  });
});

describe('s2End (APP-17, NR-11, s.29(4)): one judgement of when a s.2 ends, for the referral clock and the checks', () => {
  // Worked example: admitted Sat 7 Nov 2026 10:00 GMT, so the s.2 would lapse at the end of Fri 4 Dec 2026.
  const admitted = new Date('2026-11-07T10:00:00Z');
  const app = (filedAt: string, status: DisplacementApplicationFacts['status'] = 'applied', disposedOn: string | null = null) => ({
    filedAt: new Date(filedAt),
    status,
    disposedOn,
  });
  it.each([
    ['none recorded: lapses at the end of Fri 4 Dec', [], 'none', '2026-12-05T00:00:00.000Z'],
    ['filed Thu 3 Dec, pending: extended, no end date', [app('2026-12-03T10:00:00Z')], 'pending', '2026-12-05T00:00:00.000Z'],
    ['filed before the admission: not extended', [app('2026-11-06T10:00:00Z')], 'none', '2026-12-05T00:00:00.000Z'],
    ['filed after the lapse (Sat 5 Dec 00:00): not extended', [app('2026-12-05T00:00:00Z')], 'none', '2026-12-05T00:00:00.000Z'],
    [
      'refused Wed 9 Dec: until the 21 days allowed for an appeal have passed, the end of Wed 30 Dec (s.29(5))',
      [app('2026-12-03T10:00:00Z', 'refused', '2026-12-09')],
      'decided',
      '2026-12-31T00:00:00.000Z',
    ],
    [
      'order Wed 9 Dec: final at the end of Wed 30 Dec, and 7 days more, to the end of Wed 6 Jan 2027',
      [app('2026-12-03T10:00:00Z', 'order', '2026-12-09')],
      'decided',
      '2027-01-07T00:00:00.000Z',
    ],
    [
      'withdrawn Wed 9 Dec: disposed of that day (no decision to appeal), to the end of 9 Dec',
      [app('2026-12-03T10:00:00Z', 'withdrawn', '2026-12-09')],
      'decided',
      '2026-12-10T00:00:00.000Z',
    ],
    [
      'refused Fri 13 Nov: final at the end of Fri 4 Dec, the day it would lapse anyway: not extended',
      [app('2026-11-12T10:00:00Z', 'refused', '2026-11-13')],
      'none',
      '2026-12-05T00:00:00.000Z',
    ],
    [
      'refused Sat 14 Nov: final at the end of Sat 5 Dec, a day after it would have lapsed',
      [app('2026-11-12T10:00:00Z', 'refused', '2026-11-14')],
      'decided',
      '2026-12-06T00:00:00.000Z',
    ],
    ['decided, day not recorded: end unknown', [app('2026-12-03T10:00:00Z', 'withdrawn')], 'end-unknown', '2026-12-05T00:00:00.000Z'],
  ] as const)('%s', (_name, apps, kind, end) => {
    const judged = s2End(admitted, apps, 'Europe/London', DEFAULT_S29_APPEAL_DAYS);
    expect(judged.extension.kind).toBe(kind);
    expect(judged.end.toISOString()).toBe(end);
    expect(judged.unextendedEnd.toISOString()).toBe('2026-12-05T00:00:00.000Z');
  });

  it.each([
    ['none recorded, the last minute of Fri 4 Dec', [], '2026-12-04T23:59:00Z', true],
    ['none recorded, midnight at the end of Fri 4 Dec', [], '2026-12-05T00:00:00Z', false],
    ['pending: in force however late', [app('2026-12-03T10:00:00Z')], '2027-03-01T00:00:00Z', true],
    ['decided, day not recorded: in force (its end unknown)', [app('2026-12-03T10:00:00Z', 'withdrawn')], '2027-03-01T00:00:00Z', true],
    ['refused Wed 9 Dec: in force on 9 Dec', [app('2026-12-03T10:00:00Z', 'refused', '2026-12-09')], '2026-12-09T20:00:00Z', true],
    [
      'refused Wed 9 Dec: still in force on 10 Dec, while an appeal may be brought (s.29(5))',
      [app('2026-12-03T10:00:00Z', 'refused', '2026-12-09')],
      '2026-12-10T00:00:00Z',
      true,
    ],
    [
      'refused Wed 9 Dec: the last minute of the 21 days for an appeal, Wed 30 Dec',
      [app('2026-12-03T10:00:00Z', 'refused', '2026-12-09')],
      '2026-12-30T23:59:00Z',
      true,
    ],
    ['refused Wed 9 Dec: ended on Thu 31 Dec', [app('2026-12-03T10:00:00Z', 'refused', '2026-12-09')], '2026-12-31T00:00:00Z', false],
    ['withdrawn Wed 9 Dec: ended on 10 Dec', [app('2026-12-03T10:00:00Z', 'withdrawn', '2026-12-09')], '2026-12-10T00:00:00Z', false],
  ] as const)('in force (s2InForce): %s', (_name, apps, at, inForce) => {
    const judged = s2End(admitted, apps, 'Europe/London', DEFAULT_S29_APPEAL_DAYS);
    expect(s2InForce(judged, new Date(at))).toBe(inForce);
  });

  it.each([
    ['discharged Tue 1 Dec 10:00: in force the minute before', [], '2026-12-01T10:00:00Z', '2026-12-01T09:59:00Z', true],
    ['discharged Tue 1 Dec 10:00: not in force from then', [], '2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z', false],
    [
      'discharged while a s.29 application is pending: not in force after',
      [app('2026-12-03T10:00:00Z')],
      '2026-12-04T10:00:00Z',
      '2027-03-01T00:00:00Z',
      false,
    ],
    ['an end recorded after the instant asked about does not end it before', [], '2026-12-03T10:00:00Z', '2026-12-02T10:00:00Z', true],
  ] as const)('in force with a recorded end (s2InForce, APP-22): %s', (_name, apps, endedAt, at, inForce) => {
    const judged = s2End(admitted, apps, 'Europe/London', DEFAULT_S29_APPEAL_DAYS);
    expect(s2InForce(judged, new Date(at), { at: new Date(endedAt) })).toBe(inForce);
  });

  it('the already-s2 clock stops at the filing while the application is pending, and ends at the extended end once decided', () => {
    const context = { kind: 'already-s2', admittedAt: admitted } as const;
    const at = (apps: DisplacementApplicationFacts[]) =>
      clocksFor(context, [], DEFAULT_RESPONSE_TARGETS, new Date('2026-12-01T09:00:00Z'), 'urgent', DEFAULT_CLOCK_POLICY, apps).find(
        (c) => c.id === 'APP-17',
      )!;
    const pending = [app('2026-12-03T10:00:00Z')];
    const stop = clockStop(at(pending), { displacementApplications: pending });
    expect(stop).toMatchObject({ stoppedAt: new Date('2026-12-03T10:00:00Z'), stopRule: 'NR-11', result: 'met' });
    const decided = [app('2026-12-03T10:00:00Z', 'order', '2026-12-09')];
    expect(at(decided).deadline.toISOString()).toBe('2027-01-07T00:00:00.000Z');
    expect(at(decided).basis).toContain(
      'decided with an order on 2026-12-09, finally disposed of when the 21 days allowed for an appeal (s.29(5)) have passed, and 7 days more (s.29(4)(b)): it lapses at the end of 2027-01-06',
    );
    expect(at(decided).basis).toContain('later if an appeal is brought in that time');
    expect(clockStop(at(decided), { displacementApplications: decided })).toBeNull();
  });

  // Received Sun 6 Dec 2026 09:00, after the unextended s.2 would have lapsed (the end of Fri 4 Dec).
  it.each([
    ['none recorded: it had ended', [], ['APP-17:warning:expired-at-receipt']],
    ['filed Thu 3 Dec, pending at receipt: in force, no end date', [app('2026-12-03T10:00:00Z')], []],
    [
      'filed Thu 3 Dec, refused Wed 9 Dec (after receipt, so pending then): in force',
      [app('2026-12-03T10:00:00Z', 'refused', '2026-12-09')],
      [],
    ],
    ['filed Thu 3 Dec, order Fri 4 Dec: 7 days more, to the end of Fri 11 Dec', [app('2026-12-03T10:00:00Z', 'order', '2026-12-04')], []],
    [
      'filed Thu 3 Dec, refused Fri 4 Dec: in force while an appeal may be brought (to the end of Fri 25 Dec, s.29(5))',
      [app('2026-12-03T10:00:00Z', 'refused', '2026-12-04')],
      [],
    ],
    [
      'filed Thu 3 Dec, withdrawn Fri 4 Dec: disposed of that day, so it had ended',
      [app('2026-12-03T10:00:00Z', 'withdrawn', '2026-12-04')],
      ['APP-17:warning:expired-at-receipt'],
    ],
    [
      'filed Thu 3 Dec, withdrawn on a day not recorded: its end is not known, not called ended',
      [app('2026-12-03T10:00:00Z', 'withdrawn')],
      [],
    ],
    ['filed Sat 5 Dec, after the lapse: it had ended', [app('2026-12-05T10:00:00Z')], ['APP-17:warning:expired-at-receipt']],
    ['filed before the admission: it had ended', [app('2026-11-06T10:00:00Z')], ['APP-17:warning:expired-at-receipt']],
  ] as const)('intake of a patient already on that s.2 (expired at receipt?): %s', (_name, apps, expected) => {
    const context = { kind: 'already-s2', admittedAt: admitted } as const;
    const found = intakeFindings(context, new Date('2026-12-06T09:00:00Z'), DEFAULT_CLOCK_POLICY, apps);
    expect(found.map((f) => `${f.rule}:${f.severity}:${f.code}`)).toEqual(expected);
  });

  it('displacementsKnownAt: filed by then, and undecided if decided after that local day', () => {
    const apps = [app('2026-12-03T10:00:00Z', 'order', '2026-12-09'), app('2026-12-07T10:00:00Z')];
    expect(displacementsKnownAt(apps, new Date('2026-12-06T09:00:00Z'), 'Europe/London')).toEqual([
      { filedAt: new Date('2026-12-03T10:00:00Z'), status: 'applied', disposedOn: null },
    ]);
    expect(displacementsKnownAt(apps, new Date('2026-12-09T09:00:00Z'), 'Europe/London')).toEqual(apps);
  });
});

describe('what a change to a record newly raises, judged as intake judges it (raisedAnew)', () => {
  const f = (code: string, message = code) => ({ code, message });
  it.each([
    ['nothing before: all of it', [], [f('a'), f('b')], ['a', 'b']],
    ['what was already said is not asked again', [f('a')], [f('a'), f('b')], ['b']],
    ['by code, whatever the words now', [f('a', 'old words')], [f('a', 'new words')], []],
    ['what the change put right is not raised', [f('a'), f('b')], [f('b')], []],
    ['nothing after: nothing', [f('a')], [], []],
  ])('%s', (_, before, after, raised) => {
    expect(raisedAnew(before, after).map((x) => x.code)).toEqual(raised);
  });
});
