import type { Role } from '../auth/roles';
import {
  answerHolds,
  EventFacts,
  frame,
  isAfter,
  parseTypes,
  PersonAnswer,
  Position,
  StreamEvent,
  streamLapse,
  typeMatches,
  visibility,
} from './stream.visibility';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const PERSON = '33333333-3333-4333-8333-333333333333';
const REF = '44444444-4444-4444-8444-444444444444';

const ev = (type: string, aggregateType: string, payload: Record<string, unknown> = {}): StreamEvent => ({
  id: '7',
  xact: '1000',
  type,
  aggregateType,
  aggregateId: REF,
  occurredAt: '2026-11-21T10:00:00.000Z',
  payload,
});

type Row = [string, Role[], StreamEvent, EventFacts, 'send' | 'drop' | 'check'];

const rows: Row[] = [
  ['manager: a referral', ['manager'], ev('referral.received', 'referral', { referralId: REF }), { personId: PERSON }, 'send'],
  ['manager: a decision', ['manager'], ev('decision.signed', 'decision', { personId: PERSON }), {}, 'send'],
  ['manager: a leave request', ['manager'], ev('rota.leave.requested', 'leave', {}), {}, 'send'],
  ['auditor: a referral', ['auditor'], ev('referral.received', 'referral', { referralId: REF }), { personId: PERSON }, 'drop'],
  ['auditor: rota', ['auditor'], ev('rota.shift.created', 'shift', {}), {}, 'drop'],
  ['admin: rota', ['admin'], ev('rota.shift.created', 'shift', {}), {}, 'drop'],
  ['amhp: rota shift', ['amhp'], ev('rota.shift.created', 'shift', {}), {}, 'send'],
  ["amhp: another's leave", ['amhp'], ev('rota.leave.requested', 'leave', { practitionerId: OTHER }), {}, 'drop'],
  ['amhp: own assignment', ['amhp'], ev('rota.assignment.created', 'shift', { userId: ME }), {}, 'send'],
  ['amhp: a referral about a person', ['amhp'], ev('referral.received', 'referral', { referralId: REF }), { personId: PERSON }, 'check'],
  ['amhp: a decision naming a person', ['amhp'], ev('decision.signed', 'decision', { personId: PERSON, authorUserId: OTHER }), {}, 'check'],
  ['amhp: an offer to them', ['amhp'], ev('referral.offered', 'referral', { referralId: REF, userId: ME }), { personId: PERSON }, 'send'],
  [
    'amhp: an offer to another',
    ['amhp'],
    ev('referral.offered', 'referral', { referralId: REF, userId: OTHER }),
    { personId: PERSON },
    'check',
  ],
  [
    'amhp: a CTO extension request withdrawn while allocated to them (told, though their access to the patient ended with it)',
    ['amhp'],
    ev('cto-extension.withdrawn', 'cto-extension', { ctoExtensionId: REF, personId: PERSON, userId: OTHER, allocatedUserId: ME }),
    {},
    'send',
  ],
  [
    'amhp: a CTO extension request withdrawn while allocated to another',
    ['amhp'],
    ev('cto-extension.withdrawn', 'cto-extension', { ctoExtensionId: REF, personId: PERSON, userId: OTHER, allocatedUserId: OTHER }),
    {},
    'check',
  ],
  ['amhp: a referral whose person is unknown', ['amhp'], ev('referral.received', 'referral', { referralId: REF }), {}, 'drop'],
  ['amhp: an action owned by another, no person', ['amhp'], ev('action.created', 'follow-up-action', { ownerUserId: OTHER }), {}, 'drop'],
  ['amhp: the compiled handover', ['amhp'], ev('handover.compiled', 'handover', { date: '2026-11-21' }), {}, 'send'],
  ['amhp: an acknowledged handover item', ['amhp'], ev('handover.item-acknowledged', 'handover', {}), {}, 'drop'],
  [
    'referrer: own referral received',
    ['referrer'],
    ev('referral.received', 'referral', { referralId: REF }),
    { personId: PERSON, referrerUserId: ME },
    'send',
  ],
  [
    'referrer: own referral status',
    ['referrer'],
    ev('referral.accepted', 'referral', { referralId: REF, from: 'screening', to: 'accepted' }),
    { referrerUserId: ME },
    'send',
  ],
  [
    'referrer: own referral allocated (the step of their status view)',
    ['referrer'],
    ev('referral.allocated', 'referral', { referralId: REF, userId: OTHER }),
    { referrerUserId: ME },
    'send',
  ],
  [
    "referrer: another's referral allocated",
    ['referrer'],
    ev('referral.allocated', 'referral', { referralId: REF, userId: OTHER }),
    { referrerUserId: OTHER },
    'drop',
  ],
  [
    'referrer: own referral offered (names the AMHP)',
    ['referrer'],
    ev('referral.offered', 'referral', { referralId: REF, userId: OTHER }),
    { referrerUserId: ME },
    'drop',
  ],
  [
    "referrer: another's referral",
    ['referrer'],
    ev('referral.received', 'referral', { referralId: REF }),
    { referrerUserId: OTHER },
    'drop',
  ],
  ['referrer: an assessment of own referral', ['referrer'], ev('assessment.opened', 'assessment', {}), { referrerUserId: ME }, 'drop'],
  ['referrer: rota', ['referrer'], ev('rota.shift.created', 'shift', {}), {}, 'drop'],
  ['auditor+amhp: rota (most permissive role wins)', ['auditor', 'amhp'], ev('rota.shift.created', 'shift', {}), {}, 'send'],
];

describe('stream visibility', () => {
  it.each(rows)('%s', (_name, roles, event, facts, expected) => {
    const v = visibility({ userId: ME, roles }, event, facts);
    const got = v.send === true ? 'send' : v.send === false ? 'drop' : 'check';
    expect(got).toBe(expected);
    if (v.send === 'if-person-readable') expect(v.personId).toBe(PERSON);
  });

  it('gives a referrer only the referral id and status', () => {
    const v = visibility(
      { userId: ME, roles: ['referrer'] },
      ev('referral.received', 'referral', { referralId: REF, urgency: 'emergency', nextDeadline: 'x' }),
      { referrerUserId: ME },
    );
    expect(v).toEqual({ send: true, payload: { referralId: REF, to: 'received' } });
  });

  it("tells a referrer their referral was allocated, without the AMHP's id", () => {
    const v = visibility({ userId: ME, roles: ['referrer'] }, ev('referral.allocated', 'referral', { referralId: REF, userId: OTHER }), {
      referrerUserId: ME,
    });
    expect(v).toEqual({ send: true, payload: { referralId: REF, to: 'allocated' } });
  });

  it.each([
    // [whose assignment, roles, source sent, source seen]
    ["a colleague's, taken off for leave", ['amhp'], OTHER, 'leave', 'unavailable'],
    ["a colleague's, taken off as her approval was suspended", ['amhp'], OTHER, 'approval', 'unavailable'],
    ["a colleague's, taken off by hand", ['amhp'], OTHER, 'manual', 'manual'],
    ["a colleague's, swapped", ['amhp'], OTHER, 'swap', 'swap'],
    ['her own, taken off for leave', ['amhp'], ME, 'leave', 'leave'],
    ["a manager: a colleague's leave", ['manager'], OTHER, 'leave', 'leave'],
    ["a manager who is an AMHP: a colleague's suspension", ['amhp', 'manager'], OTHER, 'approval', 'approval'],
  ] as Array<[string, Role[], string, string, string]>)(
    'an assignment removed: %s -> why only to whom may see it',
    (_name, roles, userId, source, seen) => {
      const v = visibility({ userId: ME, roles }, ev('rota.assignment.removed', 'shift', { userId, source, shiftId: REF }));
      expect(v).toEqual({ send: true, payload: { userId, source: seen, shiftId: REF } });
    },
  );

  it('parses and matches the types filter', () => {
    const types = parseTypes('rota.*, referral.received,');
    expect(types).toEqual(['rota.*', 'referral.received']);
    expect(typeMatches(types, 'rota.shift.created')).toBe(true);
    expect(typeMatches(types, 'referral.received')).toBe(true);
    expect(typeMatches(types, 'referral.accepted')).toBe(false);
    expect(typeMatches([], 'anything')).toBe(true);
  });

  it('writes one SSE frame', () => {
    expect(frame(ev('rota.shift.created', 'shift'), { shiftId: 's' })).toBe(
      `id: 7\nevent: rota.shift.created\ndata: {"id":"7","type":"rota.shift.created","aggregateType":"shift","aggregateId":"${REF}","occurredAt":"2026-11-21T10:00:00.000Z","payload":{"shiftId":"s"}}\n\n`,
    );
  });
});

describe('the order events are delivered in: by the transaction that wrote them, then by id (isAfter)', () => {
  const rows: Array<[string, Position, Position, boolean]> = [
    ['a later id of the same transaction', { xact: 50n, id: 11n }, { xact: 50n, id: 10n }, true],
    ['the same event', { xact: 50n, id: 10n }, { xact: 50n, id: 10n }, false],
    [
      'a lower id written by a later transaction (it took its id first, committed after)',
      { xact: 60n, id: 9n },
      { xact: 50n, id: 10n },
      true,
    ],
    ['a higher id written by an earlier transaction', { xact: 40n, id: 11n }, { xact: 50n, id: 10n }, false],
    ['any event written after the order was recorded, after one from before it (0)', { xact: 50n, id: 1n }, { xact: 0n, id: 900n }, true],
  ];
  it.each(rows)('%s', (_name, a, b, after) => {
    expect(isAfter(a, b)).toBe(after);
  });
});

describe('a stream’s kept answer on whether its user may read a person', () => {
  const NOW = 1_000_000;
  const seen: Position = { xact: 50n, id: 100n };
  const refused: PersonAnswer = { allowed: false, until: NOW + 5_000, seen };
  const allowed: PersonAnswer = { allowed: true, until: NOW + 30_000, seen };
  const rows: Array<[string, PersonAnswer | undefined, Position, number, boolean]> = [
    ['nothing kept: asked', undefined, { xact: 50n, id: 90n }, NOW, false],
    ['a refusal, for an event read before it was given: holds', refused, { xact: 50n, id: 90n }, NOW, true],
    ['a refusal, for the very event it was given for: holds', refused, { xact: 50n, id: 100n }, NOW, true],
    ['a refusal, for an event read after it (it may carry a grant): asked again', refused, { xact: 50n, id: 101n }, NOW, false],
    [
      'a refusal, for an event with a lower id whose transaction committed later (read after it): asked again',
      refused,
      { xact: 60n, id: 90n },
      NOW,
      false,
    ],
    ['a refusal past its lifetime: asked again', refused, { xact: 50n, id: 90n }, NOW + 5_000, false],
    ['an allowance, for a later event: holds (a revocation shows within its lifetime)', allowed, { xact: 70n, id: 500n }, NOW, true],
    ['an allowance past its lifetime: asked again', allowed, { xact: 50n, id: 90n }, NOW + 30_000, false],
  ];
  it.each(rows)('%s', (_name, answer, event, now, holds) => {
    expect(answerHolds(answer, event, now)).toBe(holds);
  });
});

describe('a stream lasts no longer than the access token that opened it (streamLapse)', () => {
  const at = (iso: string) => new Date(iso);
  const secs = (iso: string) => Date.parse(iso) / 1000;
  // Issued at 10:00:00, expiring at 10:15:00 (ACCESS_TOKEN_TTL_SECONDS 900).
  const token = { iat: secs('2026-11-21T10:00:00Z'), exp: secs('2026-11-21T10:15:00Z') };
  const opened = at('2026-11-21T10:05:00Z');
  it.each([
    ['a live token, sessions never ended', token, null, '2026-11-21T10:10:00Z', null],
    ['a second before expiry', token, null, '2026-11-21T10:14:59Z', null],
    ['at its expiry', token, null, '2026-11-21T10:15:00Z', 'token-expired'],
    ['after its expiry', token, null, '2026-11-21T11:00:00Z', 'token-expired'],
    ['signed out after the stream opened', token, '2026-11-21T10:06:00Z', '2026-11-21T10:06:01Z', 'session-ended'],
    // The stream was opened after the sign-out, with a token issued before it: ended all the same.
    [
      'signed out after the token was issued but before the stream opened',
      token,
      '2026-11-21T10:04:00Z',
      '2026-11-21T10:06:00Z',
      'session-ended',
    ],
    [
      'sessions ended in the very second the token was issued (counted as after it)',
      token,
      '2026-11-21T10:00:00.500Z',
      '2026-11-21T10:06:00Z',
      'session-ended',
    ],
    ['sessions ended before the token was issued (signed in again since)', token, '2026-11-21T09:59:59Z', '2026-11-21T10:06:00Z', null],
    [
      'no iat: a sign-out before the stream opened is older than it',
      { exp: token.exp },
      '2026-11-21T10:04:00Z',
      '2026-11-21T10:06:00Z',
      null,
    ],
    [
      'no iat: a sign-out after the stream opened ends it',
      { exp: token.exp },
      '2026-11-21T10:05:30Z',
      '2026-11-21T10:06:00Z',
      'session-ended',
    ],
    ['no token lifetime known and no sign-out', undefined, null, '2027-01-01T00:00:00Z', null],
  ])('%s', (_name, tok, endedAt, now, expected) => {
    expect(streamLapse(tok, opened, endedAt, at(now))).toBe(expected);
  });
});
