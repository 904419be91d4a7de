import {
  ClockId,
  clocksFor,
  clockState,
  clockStop,
  DEFAULT_RESPONSE_TARGETS,
  DEFAULT_WARNINGS,
  LegalContext,
  OutcomeFact,
  outcomeClocks,
  StopFacts,
} from './clocks';

const at = (iso: string) => new Date(iso);

const clockOf = (context: LegalContext, id: ClockId, receivedAt: string) => {
  const clock = clocksFor(context, [], DEFAULT_RESPONSE_TARGETS, at(receivedAt), 'urgent').find((c) => c.id === id);
  if (!clock) throw new Error(`no ${id} clock`);
  return clock;
};

const application = (signedAt: string, admittedAt?: string, managersReceivedAt?: string): OutcomeFact => ({
  kind: 'application',
  decidedAt: at(signedAt),
  signedAt: at(signedAt),
  admittedAt: admittedAt ? at(admittedAt) : null,
  managersReceivedAt: managersReceivedAt ? at(managersReceivedAt) : null,
});
const notDetained = (decidedAt: string, alternatives: string[] = ['community-follow-up']): OutcomeFact => ({
  kind: 'not-detained',
  decidedAt: at(decidedAt),
  alternatives,
});

// s.136: arrived at the place of safety 02:10 BST on Sat 1 Aug 2026; 24 h end 02:10 BST on Sun 2 Aug; COP-09's 3 h at 05:10 BST.
const S136: LegalContext = {
  kind: 's136',
  placeOfSafetyType: 'health-based',
  locationType: 'public-place',
  arrivedAt: at('2026-08-01T01:10:00Z'),
};
// s.136 on the spring-forward night: arrived 00:30 GMT on Sun 29 Mar 2026, so the 24 h end 01:30 BST on Mon 30 Mar (C5).
const S136_SPRING: LegalContext = {
  kind: 's136',
  placeOfSafetyType: 'health-based',
  locationType: 'public-place',
  arrivedAt: at('2026-03-29T00:30:00Z'),
};
const S135: LegalContext = { kind: 's135-1', warrantExecutedAt: at('2026-08-01T00:40:00Z'), arrivedAt: at('2026-08-01T01:10:00Z') };
// s.5(2): H1 furnished 09:00 BST on Mon 3 Aug 2026; 72 h end 09:00 BST on Thu 6 Aug.
const S5_2: LegalContext = { kind: 's5-2', h1FurnishedAt: at('2026-08-03T08:00:00Z') };
// s.5(4) on the autumn night: record 00:30 BST on Sun 25 Oct 2026 (23:30 UTC the day before); 6 elapsed hours end 05:30 GMT.
const S5_4: LegalContext = { kind: 's5-4', recordMadeAt: at('2026-10-24T23:30:00Z') };
const CTO: LegalContext = { kind: 'cto-recall', recalledAt: at('2026-08-01T10:00:00Z') };
// Already under s.2 from 15:00 BST on Sat 1 Aug 2026 (lapses at the end of Fri 28 Aug).
const S2: LegalContext = { kind: 'already-s2', admittedAt: at('2026-08-01T14:00:00Z') };

type Row = [string, LegalContext, ClockId, string, StopFacts, string | null, string | null, 'met' | 'breached' | null, string | null];

describe('a clock stops when its purpose is met', () => {
  it.each<Row>([
    // name, context, clock, received, facts → stoppedAt, stopRule, result, words in the reason
    ['s.136 runs while nothing has happened', S136, 'POL-07', '2026-08-01T01:20:00Z', {}, null, null, null, null],
    [
      's.136 ends at admission under the application (not at its signing)',
      S136,
      'POL-07',
      '2026-08-01T01:20:00Z',
      { outcomes: [application('2026-08-01T09:00:00Z', '2026-08-01T12:30:00Z')] },
      '2026-08-01T12:30:00.000Z',
      'POL-11',
      'met',
      'admitted to hospital under the application at Sat 1 Aug 2026 13:30 BST',
    ],
    [
      's.136 still runs after an application until the admission is recorded',
      S136,
      'POL-07',
      '2026-08-01T01:20:00Z',
      { outcomes: [application('2026-08-01T09:00:00Z')] },
      null,
      null,
      null,
      null,
    ],
    [
      's.136 ends when the assessment decides not to detain and the person is released',
      S136,
      'POL-07',
      '2026-08-01T01:20:00Z',
      { outcomes: [notDetained('2026-08-01T07:45:00Z')] },
      '2026-08-01T07:45:00.000Z',
      'POL-11',
      'met',
      'released at Sat 1 Aug 2026 08:45 BST',
    ],
    [
      's.136 keeps running after a deferred decision',
      S136,
      'POL-07',
      '2026-08-01T01:20:00Z',
      { outcomes: [notDetained('2026-08-01T07:45:00Z', ['decision-deferred'])] },
      null,
      null,
      null,
      null,
    ],
    [
      's.136 admitted after its 24 hours shows as breached by its stop time',
      S136,
      'POL-07',
      '2026-08-01T01:20:00Z',
      { outcomes: [application('2026-08-01T20:00:00Z', '2026-08-02T03:00:00Z')] },
      '2026-08-02T03:00:00.000Z',
      'POL-11',
      'breached',
      null,
    ],
    [
      's.136 on the spring-forward night: admitted 00:45 BST, before the 01:30 BST deadline',
      S136_SPRING,
      'POL-07',
      '2026-03-29T00:40:00Z',
      { outcomes: [application('2026-03-29T20:00:00Z', '2026-03-29T23:45:00Z')] },
      '2026-03-29T23:45:00.000Z',
      'POL-11',
      'met',
      'Mon 30 Mar 2026 00:45 BST',
    ],
    [
      's.135(1) ends at admission under the application',
      S135,
      'POL-04',
      '2026-08-01T01:20:00Z',
      { outcomes: [application('2026-08-01T09:00:00Z', '2026-08-01T11:00:00Z')] },
      '2026-08-01T11:00:00.000Z',
      'POL-11',
      'met',
      null,
    ],
    [
      'the closing of the referral stops a clock by its own rule when it comes first',
      S136,
      'POL-07',
      '2026-08-01T01:20:00Z',
      { closedAt: at('2026-08-01T06:00:00Z'), outcomes: [application('2026-08-01T09:00:00Z', '2026-08-01T11:00:00Z')] },
      '2026-08-01T06:00:00.000Z',
      'POL-07',
      'met',
      'the referral was closed at Sat 1 Aug 2026 07:00 BST',
    ],
    [
      '"assessment to start" stops when the assessment opens',
      S136,
      'COP-09',
      '2026-08-01T01:20:00Z',
      { assessmentOpenedAt: at('2026-08-01T03:40:00Z') },
      '2026-08-01T03:40:00.000Z',
      'COP-09',
      'met',
      'the assessment started at Sat 1 Aug 2026 04:40 BST',
    ],
    [
      '"assessment to start" opened after its 3 hours is breached',
      S136,
      'COP-09',
      '2026-08-01T01:20:00Z',
      { assessmentOpenedAt: at('2026-08-01T04:10:00Z') },
      '2026-08-01T04:10:00.000Z',
      'COP-09',
      'breached',
      null,
    ],
    [
      'the response target stops at the first in-person contact',
      S136,
      'LOCAL-RESPONSE',
      '2026-08-01T01:20:00Z',
      { assessmentOpenedAt: at('2026-08-01T03:40:00Z'), inPersonContactsAt: [at('2026-08-01T04:05:00Z')] },
      '2026-08-01T04:05:00.000Z',
      'DUTY-01',
      'met',
      'first seen in person at Sat 1 Aug 2026 05:05 BST',
    ],
    [
      'an earlier visit recorded afterwards (before the referral came in) does not undo the contact that stopped it',
      S136,
      'LOCAL-RESPONSE',
      '2026-08-01T01:20:00Z',
      { inPersonContactsAt: [at('2026-08-01T04:05:00Z'), at('2026-07-28T10:00:00Z'), at('2026-08-01T06:00:00Z')] },
      '2026-08-01T04:05:00.000Z',
      'DUTY-01',
      'met',
      'first seen in person at Sat 1 Aug 2026 05:05 BST',
    ],
    [
      'the response target does not stop when the assessment merely opens',
      S136,
      'LOCAL-RESPONSE',
      '2026-08-01T01:20:00Z',
      { assessmentOpenedAt: at('2026-08-01T03:40:00Z') },
      null,
      null,
      null,
      null,
    ],
    [
      's.5(2) ends when the hospital managers receive the application (s.5(1)), not when it is signed',
      S5_2,
      'HOLD-01',
      '2026-08-03T08:30:00Z',
      { outcomes: [application('2026-08-04T15:00:00Z', undefined, '2026-08-04T15:30:00Z')] },
      '2026-08-04T15:30:00.000Z',
      'HOLD-03',
      'met',
      'the hospital managers received the application at Tue 4 Aug 2026 16:30 BST',
    ],
    [
      's.5(2) whose application is signed in time but reaches the managers after the 72 hours lapsed first: breached',
      S5_2,
      'HOLD-01',
      '2026-08-03T08:30:00Z',
      { outcomes: [application('2026-08-06T07:00:00Z', undefined, '2026-08-06T08:30:00Z')] },
      '2026-08-06T08:00:00.000Z',
      'HOLD-03',
      'breached',
      'lapsed at Thu 6 Aug 2026 09:00 BST, before the application took effect: the hospital managers received it only at Thu 6 Aug 2026 09:30 BST',
    ],
    [
      's.5(2) whose application reaches the managers at the 72nd hour exactly: too late (half-open), breached',
      S5_2,
      'HOLD-01',
      '2026-08-03T08:30:00Z',
      { outcomes: [application('2026-08-06T07:00:00Z', undefined, '2026-08-06T08:00:00Z')] },
      '2026-08-06T08:00:00.000Z',
      'HOLD-03',
      'breached',
      'before the application took effect',
    ],
    [
      's.5(2) whose application has no recorded receipt by the managers runs on, and lapses saying so',
      S5_2,
      'HOLD-01',
      '2026-08-03T08:30:00Z',
      { outcomes: [application('2026-08-04T15:00:00Z')] },
      '2026-08-06T08:00:00.000Z',
      'HOLD-03',
      'breached',
      'an application was made at Tue 4 Aug 2026 16:00 BST, but its receipt by the hospital managers, when it takes effect (s.5(1)), is not recorded',
    ],
    [
      's.5(2) with no application lapses at its 72 hours, breached',
      S5_2,
      'HOLD-01',
      '2026-08-03T08:30:00Z',
      { outcomes: [notDetained('2026-08-04T15:00:00Z')] },
      '2026-08-06T08:00:00.000Z',
      'HOLD-03',
      'breached',
      'lapsed at Thu 6 Aug 2026 09:00 BST',
    ],
    [
      's.5(4) on the autumn night lapses after 6 elapsed hours, at 05:30 GMT',
      S5_4,
      'HOLD-02',
      '2026-10-24T23:40:00Z',
      {},
      '2026-10-25T05:30:00.000Z',
      'HOLD-03',
      'breached',
      'Sun 25 Oct 2026 05:30 GMT',
    ],
    [
      's.5(4) ends when the managers receive the application within its hours (01:30 GMT, after the clocks went back)',
      S5_4,
      'HOLD-02',
      '2026-10-24T23:40:00Z',
      { outcomes: [application('2026-10-25T01:10:00Z', undefined, '2026-10-25T01:30:00Z')] },
      '2026-10-25T01:30:00.000Z',
      'HOLD-03',
      'met',
      'Sun 25 Oct 2026 01:30 GMT',
    ],
    [
      'a CTO recall stops at the AMHP’s decision on revocation',
      CTO,
      'CTO-03',
      '2026-08-01T10:30:00Z',
      { outcomes: [{ kind: 'cto-decision', decidedAt: at('2026-08-02T10:00:00Z'), signedAt: at('2026-08-02T09:30:00Z') }] },
      '2026-08-02T09:30:00.000Z',
      'CTO-03',
      'met',
      null,
    ],
    [
      'a CTO recall stops at the AMHP’s written agreement to revocation (CTO5), which says the patient is detained as if under s.3',
      CTO,
      'CTO-03',
      '2026-08-01T10:30:00Z',
      {
        outcomes: [
          { kind: 'cto-decision', decidedAt: at('2026-08-02T10:00:00Z'), signedAt: at('2026-08-02T09:30:00Z'), ctoDecision: 'agree' },
        ],
      },
      '2026-08-02T09:30:00.000Z',
      'CTO-03',
      'met',
      'revoking the CTO is appropriate (form CTO5): once the responsible clinician revokes it, within the 72 hours, the patient is detained as if under s.3 (s.17G)',
    ],
    [
      'a CTO revocation agreed after the 72 hours of the recall is breached, and says the patient had to be released (s.17F(5))',
      { kind: 'cto-recall', recalledAt: at('2026-08-01T10:00:00Z'), arrivedAt: at('2026-08-01T10:00:00Z') },
      'CTO-03',
      '2026-08-01T10:30:00Z',
      {
        outcomes: [
          { kind: 'cto-decision', decidedAt: at('2026-08-05T10:00:00Z'), signedAt: at('2026-08-04T10:00:00Z'), ctoDecision: 'agree' },
        ],
      },
      '2026-08-04T10:00:00.000Z',
      'CTO-03',
      'breached',
      'after the 72 hours of the recall ended at Tue 4 Aug 2026 11:00 BST: the CTO could not be revoked on this recall, and the patient had to be released then',
    ],
    [
      'a CTO revocation agreed after the 72 hours counted provisionally from the notice says the start of the detention is not recorded',
      CTO,
      'CTO-03',
      '2026-08-01T10:30:00Z',
      {
        outcomes: [
          { kind: 'cto-decision', decidedAt: at('2026-08-05T10:00:00Z'), signedAt: at('2026-08-04T12:00:00Z'), ctoDecision: 'agree' },
        ],
      },
      '2026-08-04T12:00:00.000Z',
      'CTO-03',
      'breached',
      'they run from the start of the detention in hospital under the recall, which is not recorded: unless it began late enough',
    ],
    [
      'a CTO recall whose patient arrived in hospital two days after the notice: an agreement on day 4 is within their 72 hours (s.17F(8))',
      { kind: 'cto-recall', recalledAt: at('2026-08-01T10:00:00Z'), arrivedAt: at('2026-08-03T10:00:00Z') },
      'CTO-03',
      '2026-08-03T10:30:00Z',
      {
        outcomes: [
          { kind: 'cto-decision', decidedAt: at('2026-08-05T10:00:00Z'), signedAt: at('2026-08-05T09:30:00Z'), ctoDecision: 'agree' },
        ],
      },
      '2026-08-05T09:30:00.000Z',
      'CTO-03',
      'met',
      'once the responsible clinician revokes it, within the 72 hours',
    ],
    [
      'a CTO recall the AMHP does not agree to revoke: the CTO continues and the patient is released by the end of the 72 hours',
      CTO,
      'CTO-03',
      '2026-08-01T10:30:00Z',
      {
        outcomes: [
          { kind: 'cto-decision', decidedAt: at('2026-08-02T10:00:00Z'), signedAt: at('2026-08-02T09:30:00Z'), ctoDecision: 'disagree' },
        ],
      },
      '2026-08-02T09:30:00.000Z',
      'CTO-03',
      'met',
      'not to agree to revoking the CTO: it cannot be revoked, and the patient must be released by',
    ],
    [
      'a s.2 ends on admission under a new (s.3) application',
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      { outcomes: [application('2026-08-24T10:00:00Z', '2026-08-24T10:30:00Z')] },
      '2026-08-24T10:30:00.000Z',
      'APP-20',
      'met',
      's.6(4)',
    ],
    [
      'a s.2 that had lapsed before the new application took effect is not ended by it: it lapsed, breached',
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      { outcomes: [application('2026-08-30T10:00:00Z', '2026-08-30T10:30:00Z')] },
      '2026-08-28T23:00:00.000Z',
      'APP-17',
      'breached',
      'so it did not end the s.2 (s.6(4))',
    ],
    [
      'a s.2 is not ended, and not met, by admission under a further s.2 while it is in force (s.2(4): not renewable)',
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      { outcomes: [{ ...application('2026-08-24T10:00:00Z', '2026-08-24T10:30:00Z'), section: 's2' }] },
      null,
      null,
      null,
      null,
    ],
    [
      'a s.2 is not ended, and not met, by admission under a further s.4 while it is in force (s.2(4): not renewable)',
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      { outcomes: [{ ...application('2026-08-24T10:00:00Z', '2026-08-24T10:30:00Z'), section: 's4' }] },
      null,
      null,
      null,
      null,
    ],
    [
      'a s.2 ends on admission under a s.3 made as such while it is in force (s.6(4))',
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      { outcomes: [{ ...application('2026-08-24T10:00:00Z', '2026-08-24T10:30:00Z'), section: 's3' }] },
      '2026-08-24T10:30:00.000Z',
      'APP-20',
      'met',
      's.6(4)',
    ],
    [
      'a s.2 the patient was discharged from (recorded, APP-22) stops at the discharge, met, saying by whom (s.23)',
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      { s2Ended: { kind: 'discharged', at: at('2026-08-22T09:00:00Z'), by: 'tribunal' } },
      '2026-08-22T09:00:00.000Z',
      'APP-22',
      'met',
      'discharged from the s.2 by the tribunal at Sat 22 Aug 2026 10:00 BST (s.23)',
    ],
    [
      'a s.2 recorded as lapsed stops at the end of its 28 days, met: nothing more to warn about',
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      { s2Ended: { kind: 'lapsed', at: at('2026-08-28T23:00:00Z') } },
      '2026-08-28T23:00:00.000Z',
      'APP-22',
      'met',
      'recorded as lapsed',
    ],
    [
      "a s.2 whose end is recorded on the hub's own assessment of the same admission names it",
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      { s2Ended: { kind: 'became-s3', at: at('2026-08-24T10:30:00Z'), assessmentId: 'a-1' } },
      '2026-08-24T10:30:00.000Z',
      'APP-22',
      'met',
      "which ended the s.2 (s.6(4)) (recorded on the hub's assessment that made it, a-1)",
    ],
    [
      'a s.3 admitted after its lapse still shows the breach when the lapse is recorded too',
      S2,
      'APP-17',
      '2026-08-20T10:00:00Z',
      {
        outcomes: [application('2026-08-30T10:00:00Z', '2026-08-30T10:30:00Z')],
        s2Ended: { kind: 'lapsed', at: at('2026-08-28T23:00:00Z') },
      },
      '2026-08-28T23:00:00.000Z',
      'APP-17',
      'breached',
      'so it did not end the s.2 (s.6(4))',
    ],
    [
      'a stop recorded before the clock started is not this clock’s',
      S136,
      'POL-07',
      '2026-08-01T01:20:00Z',
      { outcomes: [notDetained('2026-07-31T20:00:00Z')] },
      null,
      null,
      null,
      null,
    ],
  ])('%s', (_name, context, id, receivedAt, facts, stoppedAt, stopRule, result, words) => {
    const stop = clockStop(clockOf(context, id, receivedAt), facts);
    expect(stop?.stoppedAt.toISOString() ?? null).toBe(stoppedAt);
    expect(stop?.stopRule ?? null).toBe(stopRule);
    expect(stop?.result ?? null).toBe(result);
    if (words) expect(stop?.reason).toContain(words);
  });

  it('a stopped clock is never in a warning stage, even in what would have been its last hour', () => {
    const clock = clockOf(S136, 'COP-09', '2026-08-01T01:20:00Z');
    const stop = clockStop(clock, { assessmentOpenedAt: at('2026-08-01T03:40:00Z') })!;
    // 04:10 UTC is 30 minutes after the assessment opened and inside COP-09's 60-minute warning stage.
    expect(clockState(clock, at('2026-08-01T03:45:00Z'), DEFAULT_WARNINGS, stop.stoppedAt)).toMatchObject({ state: 'stopped', stage: 0 });
    expect(clockState(clock, at('2026-08-01T03:45:00Z'), DEFAULT_WARNINGS)).toMatchObject({ state: 'warning', stage: 1 });
  });
});

// A s.4 signed 01:00 BST on Sun 25 Oct 2026, admitted 01:30 BST (00:30 UTC), the night the clocks go back: 72 elapsed
// hours end 00:30 GMT on Wed 28 Oct (C5), not 01:30 by the wall clock.
const s4 = (over: Partial<OutcomeFact> = {}): OutcomeFact => ({
  kind: 'application',
  section: 's4',
  decidedAt: at('2026-10-25T00:00:00Z'),
  signedAt: at('2026-10-25T00:00:00Z'),
  admittedAt: at('2026-10-25T00:30:00Z'),
  ...over,
});
const s4Clock = (facts: StopFacts) => {
  const clocks = outcomeClocks(facts);
  expect(clocks).toHaveLength(1);
  return clocks[0];
};

describe('APP-11: a s.4 runs 72 hours from admission unless the second recommendation is received', () => {
  it('starts on admission under the s.4, 72 elapsed hours across the autumn change, and warns a day and 6 hours before', () => {
    const clock = s4Clock({ outcomes: [s4()] });
    expect(clock).toMatchObject({ id: 'APP-11', rule: 'APP-11', anchor: at('2026-10-25T00:30:00Z'), deadline: at('2026-10-28T00:30:00Z') });
    expect(clock.basis).toContain(
      'from admission under the s.4 application at Sun 25 Oct 2026 01:30 BST; lapses Wed 28 Oct 2026 00:30 GMT',
    );
    expect(clockState(clock, at('2026-10-27T00:30:00Z'))).toMatchObject({ state: 'warning', stage: 1 });
    expect(clockState(clock, at('2026-10-27T18:30:00Z'))).toMatchObject({ state: 'warning', stage: 2 });
  });

  it.each<[string, OutcomeFact[]]>([
    ['no clock before the admission is recorded', [s4({ admittedAt: null })]],
    ['no clock for a s.2 application', [s4({ section: 's2' })]],
    ['no clock for a decision not to detain', [notDetained('2026-10-25T00:00:00Z')]],
    [
      'no clock for an admission at or after the end of the 24 hours to convey (APP-14): not an admission under the s.4',
      [s4({ conveyanceEndsAt: at('2026-10-25T00:30:00Z') })],
    ],
  ])('%s', (_name, outcomes) => {
    expect(outcomeClocks({ outcomes })).toEqual([]);
  });

  it('an admission a minute before the end of the 24 hours to convey starts the clock', () => {
    expect(s4Clock({ outcomes: [s4({ conveyanceEndsAt: at('2026-10-25T00:31:00Z') })] }).anchor).toEqual(at('2026-10-25T00:30:00Z'));
  });

  it('an admission recorded before the signing runs from the signing (the application is needed for the detention)', () => {
    expect(s4Clock({ outcomes: [s4({ admittedAt: at('2026-10-24T23:00:00Z') })] }).anchor).toEqual(at('2026-10-25T00:00:00Z'));
  });

  it.each<[string, string | null, string | null, string, 'met' | 'breached', string]>([
    // name, the s.4 converted (a lawful second recommendation received: s4Conversion), referral closed → stoppedAt, result, words
    [
      'met when the second recommendation reaches the managers in time: the detention continues as a s.2',
      '2026-10-26T15:00:00Z',
      null,
      '2026-10-26T15:00:00.000Z',
      'met',
      'reached the hospital managers at Mon 26 Oct 2026 15:00 GMT and, with the first, complies with s.12: the detention continues as a s.2',
    ],
    [
      'met one minute before the 72 hours end',
      '2026-10-28T00:29:00Z',
      null,
      '2026-10-28T00:29:00.000Z',
      'met',
      'the detention continues as a s.2',
    ],
    [
      'met when the second recommendation arrives at the 72nd hour exactly (within the period, as the conversion counts it)',
      '2026-10-28T00:30:00Z',
      null,
      '2026-10-28T00:30:00.000Z',
      'met',
      'the detention continues as a s.2',
    ],
    [
      'lapsed when the second recommendation arrives one minute after the 72nd hour',
      '2026-10-28T00:31:00Z',
      null,
      '2026-10-28T00:30:00.000Z',
      'breached',
      'the s.4 lapsed at Wed 28 Oct 2026 00:30 GMT, 72 hours after admission',
    ],
    [
      'lapsed at 72 hours when no second recommendation is received',
      null,
      null,
      '2026-10-28T00:30:00.000Z',
      'breached',
      'without a second medical recommendation received by the managers that, with the first, complies with s.12',
    ],
    [
      'lapsed at 72 hours when the second recommendation comes after',
      '2026-10-28T09:00:00Z',
      null,
      '2026-10-28T00:30:00.000Z',
      'breached',
      'lapsed',
    ],
    ['stops when the referral closes first', null, '2026-10-26T10:00:00Z', '2026-10-26T10:00:00.000Z', 'met', 'the referral was closed'],
  ])('%s', (_name, received, closedAt, stoppedAt, result, words) => {
    const facts: StopFacts = {
      outcomes: [s4({ s4ConvertedAt: received ? at(received) : null })],
      closedAt: closedAt ? at(closedAt) : null,
    };
    const stop = clockStop(s4Clock(facts), facts)!;
    expect(stop.stoppedAt.toISOString()).toBe(stoppedAt);
    expect(stop.stopRule).toBe('APP-11');
    expect(stop.result).toBe(result);
    expect(stop.reason).toContain(words);
  });

  it('a second recommendation received before the admission is not this clock’s stop; the lapse is', () => {
    const facts: StopFacts = { outcomes: [s4({ s4ConvertedAt: at('2026-10-25T00:10:00Z') })] };
    expect(clockStop(s4Clock(facts), facts)).toMatchObject({ stoppedAt: at('2026-10-28T00:30:00Z'), result: 'breached' });
  });
});
