import {
  clockChainKey,
  clockOfChain,
  clockPageMove,
  clockStage,
  DutyPicture,
  pagedForEarlierDeadline,
  remainingSteps,
} from './escalation.rules';

const duty = (over: Partial<DutyPicture> = {}): DutyPicture => ({
  amhps: [
    { userId: 'sue', skills: ['senior', 'night'] },
    { userId: 'amir', skills: ['night'] },
    { userId: 'jo', skills: [] },
  ],
  managerOnCall: 'mo',
  managers: ['mo', 'max'],
  ...over,
});

describe('the escalation chain (DUTY-03): who each step goes to', () => {
  it.each([
    {
      what: 'an offer to Amir not accepted: the next AMHP (Jo, keeping Sue the senior for step 2), then Sue, then the manager on call',
      from: 0,
      paged: ['amir'],
      exclude: [],
      picture: duty(),
      expected: [
        { step: 1, to: 'next-amhp', candidates: ['jo', 'sue'] },
        { step: 2, to: 'senior', candidates: ['sue'] },
        { step: 3, to: 'manager-on-call', candidates: ['mo'] },
      ],
    },
    {
      what: 'a clock warning to the allocated Jo not acknowledged: never Jo again',
      from: 0,
      paged: ['jo'],
      exclude: ['jo'],
      picture: duty(),
      expected: [
        { step: 1, to: 'next-amhp', candidates: ['amir', 'sue'] },
        { step: 2, to: 'senior', candidates: ['sue'] },
        { step: 3, to: 'manager-on-call', candidates: ['mo'] },
      ],
    },
    {
      what: 'after step 1 went to Sue (the only one free), step 2 has nobody left: the caller skips to the manager',
      from: 1,
      paged: ['amir', 'jo', 'sue'],
      exclude: [],
      picture: duty(),
      expected: [
        { step: 2, to: 'senior', candidates: [] },
        { step: 3, to: 'manager-on-call', candidates: ['mo'] },
      ],
    },
    {
      what: 'no manager on call in the rota: every manager, as before the rota recorded one',
      from: 2,
      paged: [],
      exclude: [],
      picture: duty({ managerOnCall: null }),
      expected: [{ step: 3, to: 'managers', candidates: ['mo', 'max'] }],
    },
    {
      what: 'nobody on duty at all: steps 1 and 2 are empty',
      from: 0,
      paged: [],
      exclude: [],
      picture: duty({ amhps: [] }),
      expected: [
        { step: 1, to: 'next-amhp', candidates: [] },
        { step: 2, to: 'senior', candidates: [] },
        { step: 3, to: 'manager-on-call', candidates: ['mo'] },
      ],
    },
    { what: 'a chain at the manager step goes no further', from: 3, paged: [], exclude: [], picture: duty(), expected: [] },
  ])('$what', ({ from, paged, exclude, picture, expected }) => {
    expect(remainingSteps(from, new Set(paged), new Set(exclude), picture)).toEqual(expected);
  });
});

describe('the stage of a clock for its warnings (DUTY-01)', () => {
  const deadline = new Date('2026-11-21T06:00:00Z');
  it.each([
    { what: 'more than 4 hours left: nothing yet', now: '2026-11-21T01:59:00Z', leads: [240, 60], expected: null },
    { what: 'exactly 4 hours left: the 4-hour warning', now: '2026-11-21T02:00:00Z', leads: [240, 60], expected: '240' },
    { what: 'between 4 hours and 1 hour left: the 4-hour warning', now: '2026-11-21T04:30:00Z', leads: [240, 60], expected: '240' },
    { what: 'first seen 30 minutes before: only the nearest lead (1 hour)', now: '2026-11-21T05:30:00Z', leads: [240, 60], expected: '60' },
    { what: 'the leads in any order', now: '2026-11-21T05:30:00Z', leads: [60, 240], expected: '60' },
    { what: 'one second before the deadline: still a warning', now: '2026-11-21T05:59:59Z', leads: [240, 60], expected: '60' },
    { what: 'at the deadline: the breach', now: '2026-11-21T06:00:00Z', leads: [240, 60], expected: 'breach' },
    { what: 'long after: the breach', now: '2026-11-22T06:00:00Z', leads: [240, 60], expected: 'breach' },
    { what: 'no leads set: only the breach', now: '2026-11-21T05:30:00Z', leads: [], expected: null },
  ])('$what', ({ now, leads, expected }) => {
    expect(clockStage(deadline, new Date(now), leads)).toBe(expected);
  });

  it.each([
    {
      what: 'the 1-hour page, the clock moved back to no lead (a 12-hour extension): an earlier end',
      paged: '60',
      now: null,
      expected: true,
    },
    { what: 'the 1-hour page, the clock back at 4 hours: an earlier end', paged: '60', now: '240', expected: true },
    { what: 'the breach, the clock back within an hour (a time corrected): an earlier end', paged: 'breach', now: '60', expected: true },
    { what: 'the 4-hour page, the clock now at 1 hour: the same end, run on', paged: '240', now: '60', expected: false },
    { what: 'the 4-hour page, the clock still at 4 hours', paged: '240', now: '240', expected: false },
    { what: 'the breach, still breached', paged: 'breach', now: 'breach', expected: false },
    { what: 'the 1-hour page, the clock now breached', paged: '60', now: 'breach', expected: false },
  ])('a page of $paged with the clock at $now: $what', ({ paged, now, expected }) => {
    expect(pagedForEarlierDeadline(paged, now)).toBe(expected);
  });

  it.each([
    { what: 'the same end: kept', paged: '60', endsAt: '03:30', deadline: '03:30', now: '60', expected: 'keep' },
    {
      what: 'a 30-minute extension in the last hour (still within it): put right where it stands, no second buzz',
      paged: '60',
      endsAt: '03:30',
      deadline: '04:00',
      now: '60',
      expected: 'update',
    },
    {
      what: 'moved later past the stage (12 hours): warned again as the new end nears',
      paged: '60',
      endsAt: '03:30',
      deadline: '15:30',
      now: null,
      expected: 'again',
    },
    {
      what: 'moved later, the clock run on to a nearer stage since: the old stage put right',
      paged: '240',
      endsAt: '03:30',
      deadline: '03:45',
      now: '60',
      expected: 'update',
    },
    {
      what: 'moved EARLIER within the stage (a time corrected back): woken by the new end',
      paged: '60',
      endsAt: '03:30',
      deadline: '03:10',
      now: '60',
      expected: 'again',
    },
    {
      what: 'moved earlier by a minute: still less time than she was told',
      paged: '240',
      endsAt: '05:00',
      deadline: '04:59',
      now: '240',
      expected: 'again',
    },
    {
      what: 'moved earlier past the stage: warned at the nearer one',
      paged: '240',
      endsAt: '05:00',
      deadline: '03:30',
      now: '60',
      expected: 'again',
    },
    {
      what: 'a breach whose time passed is corrected back: put right, it has passed either way',
      paged: 'breach',
      endsAt: '02:00',
      deadline: '01:30',
      now: 'breach',
      expected: 'update',
    },
    {
      what: 'a breach moved later but still passed: put right',
      paged: 'breach',
      endsAt: '02:00',
      deadline: '02:30',
      now: 'breach',
      expected: 'update',
    },
    {
      what: 'a breach moved later than now (a time corrected): warned again',
      paged: 'breach',
      endsAt: '02:00',
      deadline: '03:30',
      now: '60',
      expected: 'again',
    },
    {
      what: 'a page raised before pages kept their end, same stage: kept',
      paged: '60',
      endsAt: null,
      deadline: '03:30',
      now: '60',
      expected: 'keep',
    },
    {
      what: 'a page raised before pages kept their end, moved past its stage: again',
      paged: '60',
      endsAt: null,
      deadline: '15:30',
      now: null,
      expected: 'again',
    },
  ])('a page of $paged that told of $endsAt, the clock now ending at $deadline: $what', ({ paged, endsAt, deadline, now, expected }) => {
    const on = (hm: string) => new Date(`2026-11-23T${hm}:00Z`);
    expect(clockPageMove({ stage: paged, endsAt: endsAt ? on(endsAt) : null }, on(deadline), now)).toBe(expected);
  });

  it('keys a chain by referral, clock and stage, and reads them back', () => {
    expect(clockChainKey('r1', 'POL-07', '60')).toBe('clock:r1:POL-07:60');
    expect(clockOfChain(clockChainKey('0f9d5a4e-1c2b-4e7a-9d3f-6a5b4c3d2e1f', 'LOCAL-RESPONSE', 'breach'))).toEqual({
      referralId: '0f9d5a4e-1c2b-4e7a-9d3f-6a5b4c3d2e1f',
      clockId: 'LOCAL-RESPONSE',
      stage: 'breach',
    });
    expect(clockOfChain('offer:r1')).toBeNull();
    expect(clockOfChain('clock:r1:POL-07')).toBeNull();
  });
});
