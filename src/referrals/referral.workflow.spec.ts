import { REFERRAL_STATUSES, ReferralStatus } from './referral.entities';
import {
  isOpen,
  overrideStands,
  reasonsOwedFrom,
  transition,
  TRANSITIONS,
  TransitionFacts,
  writtenReasonsTooEarly,
} from './referral.workflow';

const facts = (over: Partial<TransitionFacts> = {}): TransitionFacts => ({
  nearestRelativeRequest: false,
  writtenReasonsAt: null,
  ...over,
});

describe('referral workflow', () => {
  it.each<[ReferralStatus, ReferralStatus, Partial<TransitionFacts>, string]>([
    ['received', 'screening', {}, 'ok'],
    ['screening', 'accepted', {}, 'ok'],
    ['screening', 'not-accepted', { reason: 'Needs are being met by the crisis team' }, 'ok'],
    ['screening', 'not-accepted', { reason: 'no' }, 'requirement-missing'],
    ['screening', 'transferred', { reason: 'Lives in Southvale, their duty', transferredTo: 'Southvale Council' }, 'ok'],
    ['screening', 'transferred', { reason: 'Lives in Southvale, their duty' }, 'requirement-missing'],
    ['accepted', 'allocated', { allocatedUserId: 'u1' }, 'ok'],
    ['accepted', 'allocated', {}, 'requirement-missing'],
    ['allocated', 'in-assessment', {}, 'ok'],
    ['allocated', 'accepted', {}, 'ok'],
    ['in-assessment', 'closed', {}, 'ok'],
    // NR-12 after an assessment: no application made on a nearest relative's request needs the written reasons first.
    ['in-assessment', 'closed', { nearestRelativeRequest: true, applicationMade: false }, 'requirement-missing'],
    ['in-assessment', 'closed', { nearestRelativeRequest: true }, 'requirement-missing'],
    ['in-assessment', 'closed', { nearestRelativeRequest: true, applicationMade: true }, 'ok'],
    ['in-assessment', 'closed', { nearestRelativeRequest: true, applicationMade: false, writtenReasonsAt: new Date() }, 'ok'],
    ['transferred', 'closed', {}, 'ok'],
    ['not-accepted', 'closed', {}, 'ok'],
    ['not-accepted', 'closed', { nearestRelativeRequest: true }, 'requirement-missing'],
    ['not-accepted', 'closed', { nearestRelativeRequest: true, writtenReasonsAt: new Date() }, 'ok'],
    // NR-12: reasons recorded before the decision they give do not count.
    [
      'in-assessment',
      'closed',
      {
        nearestRelativeRequest: true,
        writtenReasonsAt: new Date('2026-11-21T10:00:00Z'),
        reasonsOwedFrom: { at: new Date('2026-11-21T11:00:00Z'), what: 'the decision on the assessment' },
      },
      'requirement-missing',
    ],
    [
      'not-accepted',
      'closed',
      {
        nearestRelativeRequest: true,
        writtenReasonsAt: new Date('2026-11-21T11:00:00Z'),
        reasonsOwedFrom: { at: new Date('2026-11-21T11:00:00Z'), what: 'the referral was not accepted' },
      },
      'ok',
    ],
    ['received', 'allocated', {}, 'illegal-transition'],
    ['received', 'closed', {}, 'illegal-transition'],
    ['closed', 'screening', {}, 'illegal-transition'],
    ['withdrawn', 'received', {}, 'illegal-transition'],
    ['in-assessment', 'withdrawn', { reason: 'The person was admitted informally' }, 'ok'],
    ['in-assessment', 'withdrawn', {}, 'requirement-missing'],
  ])('%s → %s with %j: %s', (from, to, over, expected) => {
    const d = transition(from, to, facts(over));
    expect(d.ok ? 'ok' : d.code).toBe(expected);
  });

  it.each<[ReferralStatus, Partial<TransitionFacts>, string | undefined]>([
    ['withdrawn', { reason: 'dup' }, 'reason'],
    ['not-accepted', {}, 'reason'],
    ['transferred', { reason: 'Lives in Southvale, their duty' }, 'transferredTo'],
  ])('a move to %s with %j that is missing a requirement names the field: %s', (to, over, field) => {
    const d = transition('screening', to, facts(over));
    expect(d).toMatchObject({ ok: false, code: 'requirement-missing', field });
  });

  it('an illegal move names the moves that are allowed', () => {
    expect(transition('received', 'closed', facts())).toEqual({
      ok: false,
      code: 'illegal-transition',
      message: 'A referral that is received cannot become closed.',
      allowed: ['screening', 'withdrawn'],
    });
  });

  it('every open state can be withdrawn, and no closed one can move', () => {
    for (const s of REFERRAL_STATUSES) {
      expect(TRANSITIONS[s].includes('withdrawn')).toBe(isOpen(s));
      if (s === 'closed' || s === 'withdrawn') expect(TRANSITIONS[s]).toEqual([]);
    }
  });
});

describe('written reasons follow the decision they give (NR-12, s.13(4))', () => {
  const received = new Date('2026-11-20T14:00:00Z');
  it.each<[string, Date | null, Date[], string, string]>([
    ['nothing decided yet', null, [], '2026-11-20T14:00:00.000Z', 'the referral was received'],
    ['not accepted', new Date('2026-11-20T16:00:00Z'), [], '2026-11-20T16:00:00.000Z', 'the referral was not accepted'],
    [
      'two outcomes: the latest',
      null,
      [new Date('2026-11-21T11:00:00Z'), new Date('2026-11-22T09:00:00Z')],
      '2026-11-22T09:00:00.000Z',
      'the decision on the assessment',
    ],
  ])('%s: owed from %s', (_name, notAccepted, outcomes, at, what) => {
    const owed = reasonsOwedFrom(received, notAccepted, outcomes);
    expect([owed.at.toISOString(), owed.what]).toEqual([at, what]);
    expect(writtenReasonsTooEarly(new Date(Date.parse(at) - 60_000), owed)).toBe(true);
    expect(writtenReasonsTooEarly(new Date(at), owed)).toBe(false);
  });
});

describe("overrideStands: a manager's override of an AMHP who may not act (MHA 1983 s.114)", () => {
  it.each<[string, Parameters<typeof overrideStands>[0], string[], boolean]>([
    ['no allocation recorded', undefined, ['suspended'], false],
    ['an allocation without override', { userId: 'u1' }, ['suspended'], false],
    ['an override to another AMHP', { userId: 'u2', override: true, overridden: ['suspended'] }, ['suspended'], false],
    ['an override of the same reasons', { userId: 'u1', override: true, overridden: ['suspended', 'training-short'] }, ['suspended'], true],
    [
      'an override of other reasons (a new one since)',
      { userId: 'u1', override: true, overridden: ['training-short'] },
      ['suspended'],
      false,
    ],
    [
      'an override of some of the reasons only',
      { userId: 'u1', override: true, overridden: ['suspended'] },
      ['suspended', 'account-disabled'],
      false,
    ],
    ['an override recorded before overrides named their reasons', { userId: 'u1', override: true }, ['suspended'], true],
  ])('%s', (_what, last, because, stands) => {
    expect(overrideStands(last, 'u1', because)).toBe(stands);
  });
});
