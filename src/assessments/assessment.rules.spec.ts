import type { Finding } from '../statute/clocks';
import type { RuleId } from '../statute/rule-catalogue';
import { TIMELINE_EVENTS } from './assessment.entities';
import {
  admissionStartMove,
  amhpApplied,
  closesReferral,
  ctoFindings,
  evaluationInstant,
  eventTooEarly,
  foundsApplication,
  judgedWithApplication,
  type MadeApplication,
  OUTCOME_EVENTS,
  outcomeGate,
  owedBeforeClose,
} from './assessment.rules';

const f = (rule: RuleId, severity: Finding['severity'], code = rule.toLowerCase()): Finding => ({
  rule,
  severity,
  code,
  message: `${rule} message`,
  citation: 'MHA 1983',
});

describe('outcomeGate', () => {
  it('lets an outcome through with no findings', () => {
    expect(outcomeGate([], new Set())).toEqual({ ok: true });
  });

  it('refuses any blocker, naming each rule once and returning every finding (warnings too)', () => {
    const findings = [f('MED-02', 'blocker'), f('MED-02', 'blocker', 'other'), f('APP-04', 'blocker'), f('COP-08', 'warning')];
    const gate = outcomeGate(findings, new Set(['cop-08']));
    expect(gate).toMatchObject({ ok: false, code: 'application-blocked', rules: ['MED-02', 'APP-04'], findings });
    expect(gate.ok === false && gate.message).toContain('MED-02 MED-02 message');
  });

  it('refuses a warning until its code is acknowledged, returning only the open ones', () => {
    const findings = [f('COP-08', 'warning'), f('MED-03', 'warning', 'approval-unverified')];
    expect(outcomeGate(findings, new Set(['cop-08']))).toMatchObject({
      ok: false,
      code: 'warnings-not-acknowledged',
      rules: ['MED-03'],
      findings: [findings[1]],
    });
    expect(outcomeGate(findings, new Set(['cop-08', 'approval-unverified']))).toEqual({ ok: true });
  });

  it('an acknowledgement never clears a blocker', () => {
    expect(outcomeGate([f('NR-02', 'blocker', 'nr-objection')], new Set(['nr-objection']))).toMatchObject({
      ok: false,
      code: 'application-blocked',
    });
  });
});

describe('ctoFindings', () => {
  it("keeps the CTO rules, the AMHP's approval and the disorder the order rests on (APP-09, MHA25-04), drops the application checklist", () => {
    const all = [
      f('CTO-01', 'blocker'),
      f('CTO-02', 'warning'),
      f('APP-01', 'blocker'),
      f('AMHP-05', 'blocker'),
      f('MED-01', 'blocker'),
      f('APP-04', 'blocker'),
      f('NR-04', 'warning'),
      f('APP-09', 'blocker'),
      f('MHA25-04', 'blocker'),
      f('MHA25-02', 'warning'),
    ];
    expect(ctoFindings(all).map((x) => x.rule)).toEqual(['CTO-01', 'CTO-02', 'APP-01', 'AMHP-05', 'APP-09', 'MHA25-04']);
  });
});

describe('closesReferral', () => {
  it.each<[string | null, string[], boolean]>([
    ['application', [], true],
    ['cto-decision', [], true],
    ['not-detained', ['crisis-home-treatment'], true],
    ['not-detained', ['informal-admission', 'community-follow-up'], true],
    ['not-detained', ['decision-deferred'], false],
    ['not-detained', ['community-follow-up', 'unable-to-complete'], false],
    [null, [], true],
  ])('%s with %j closes the referral: %s', (kind, alternatives, expected) => {
    expect(closesReferral(kind, alternatives)).toBe(expected);
  });
});

describe('amhpApplied (NR-12, s.13(4))', () => {
  it.each<[string | null, string | undefined, boolean]>([
    ['application', 'amhp', true],
    ['application', undefined, true],
    ['application', 'nearest-relative', false],
    ['not-detained', undefined, false],
    ['cto-decision', undefined, false],
    [null, undefined, false],
  ])('%s by %s: the AMHP applied: %s', (kind, applicant, expected) => {
    expect(amhpApplied(kind, applicant)).toBe(expected);
  });
});

describe('owedBeforeClose: a made application not yet acted on keeps its assessment open (APP-12, APP-11, GDN-06, GDN-08)', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const d = (iso: string) => new Date(iso);
  const base = {
    section: 's2' as const,
    inPatient: false,
    admittedAt: null,
    conveyanceEndsAt: d('2026-12-05T00:00:00Z'),
    s4Ended: false,
    forwardedToLssaAt: null,
    forwardingEndsAt: null,
    acceptedByLssaAt: null,
  };
  it.each<[string, Partial<Parameters<typeof owedBeforeClose>[0]>, string[]]>([
    ['a s.2 not yet admitted, within the time to convey', {}, ['admitted']],
    ['a s.3 for an in-patient without the managers’ receipt', { section: 's3', inPatient: true }, ['managersReceivedAt']],
    ['a s.2 admitted', { admittedAt: d('2026-11-21T11:30:00Z') }, []],
    ['a s.2 never admitted, the time to convey over', { conveyanceEndsAt: d('2026-11-21T11:00:00Z') }, []],
    ['a s.4 admitted, neither converted nor lapsed', { section: 's4', admittedAt: d('2026-11-21T11:30:00Z') }, ['s4-conversion-or-lapse']],
    ['a s.4 admitted and converted or lapsed', { section: 's4', admittedAt: d('2026-11-21T11:30:00Z'), s4Ended: true }, []],
    [
      'a s.4 admitted after its 24 hours to convey: never detained under it',
      { section: 's4', admittedAt: d('2026-11-21T11:30:00Z'), conveyanceEndsAt: d('2026-11-21T11:00:00Z') },
      [],
    ],
    [
      'a guardianship not forwarded, within the time',
      { section: 's7', forwardingEndsAt: d('2026-12-04T00:00:00Z') },
      ['forwardedToLssaAt'],
    ],
    ['a guardianship not forwarded in time: lapsed', { section: 's7', forwardingEndsAt: d('2026-11-21T00:00:00Z') }, []],
    ['a guardianship forwarded, not accepted', { section: 's7', forwardedToLssaAt: d('2026-11-21T11:00:00Z') }, ['acceptedByLssaAt']],
    [
      'a guardianship forwarded and accepted',
      { section: 's7', forwardedToLssaAt: d('2026-11-21T11:00:00Z'), acceptedByLssaAt: d('2026-11-21T11:30:00Z') },
      [],
    ],
  ])('%s: owes %j', (_name, over, records) => {
    expect(owedBeforeClose({ ...base, ...over }, now).map((o) => o.record)).toEqual(records);
  });
});

describe('evaluationInstant', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  const signedAt = new Date('2026-11-22T02:10:00Z');
  const asAt = new Date('2026-11-22T03:00:00Z');
  it.each([
    ['a live checklist asked about nothing in particular is as at now', null, null, now, 'now'],
    ['the night typed up next morning: the application is judged as at its signing', signedAt, null, signedAt, 'signedAt'],
    ['an assessment with no application, asked about last night, is as at that instant', null, asAt, asAt, 'asAt'],
    ['an application already recorded, asked about a later instant, is as at that instant', signedAt, asAt, asAt, 'asAt'],
  ])('%s', (_name, signed, asked, at, basis) => {
    expect(evaluationInstant(signed, asked, now)).toEqual({ at, basis });
  });
});

describe('a timeline event’s time against when its referral came in and its assessment opened', () => {
  const opened = new Date('2026-11-21T03:00:00Z');
  const receivedLongBefore = new Date('2026-11-01T00:00:00Z');
  it.each([
    ['an hour after it opened', '2026-11-21T04:00:00Z', receivedLongBefore, null],
    ['a warrant obtained three days before', '2026-11-18T03:00:00Z', receivedLongBefore, null],
    ['exactly a week before', '2026-11-14T03:00:00Z', receivedLongBefore, null],
    ['a week and a minute before (a mistyped date)', '2026-11-14T02:59:00Z', receivedLongBefore, 'before-assessment'],
    ['a year before', '2025-11-21T03:00:00Z', receivedLongBefore, 'before-referral'],
    ['at the minute the referral came in', '2026-11-21T02:40:00Z', new Date('2026-11-21T02:40:00Z'), null],
    [
      'yesterday at a time typed ahead of now ("earlier" taken as yesterday), before the referral',
      '2026-11-20T14:29:00Z',
      new Date('2026-11-21T02:40:00Z'),
      'before-referral',
    ],
  ] as const)('%s: %s', (_case, at, received, why) => {
    expect(eventTooEarly(Date.parse(at), opened, received)).toBe(why);
  });

  it('leaves the decision and the signing to the outcome, and every other event to the timeline', () => {
    expect(TIMELINE_EVENTS.filter((e) => OUTCOME_EVENTS.has(e))).toEqual(['decision', 'application-signed']);
  });
});

describe('what a made application rests on (MED-01, APP-11, APP-16)', () => {
  const s3: MadeApplication = { section: 's3', foundedOn: ['a', 'b'] };
  const s4: MadeApplication = { section: 's4', foundedOn: ['a'] };
  const legacy: MadeApplication = { section: 's7' };
  it.each<[string, MadeApplication, { id: string; section: 's2' | 's3' | 's4' | 's7' }, boolean, boolean, boolean]>([
    // name, application, recommendation, became a s.2, judged with it, founds it (not withdrawable)
    ['a recommendation it was founded on', s3, { id: 'a', section: 's3' }, false, true, true],
    ['one added after it was made', s3, { id: 'c', section: 's3' }, false, false, false],
    ["a s.4's own recommendation", s4, { id: 'a', section: 's4' }, false, true, true],
    ["a s.4's second recommendation before it became a s.2", s4, { id: 'c', section: 's2' }, false, true, false],
    ["a s.4's second recommendation once it became a s.2", s4, { id: 'c', section: 's2' }, true, true, true],
    ['recorded before foundedOn was kept: one of its section', legacy, { id: 'x', section: 's7' }, false, true, true],
    ['recorded before foundedOn was kept: one of another section', legacy, { id: 'y', section: 's2' }, false, false, false],
  ])('%s', (_name, app, rec, becameS2, judged, founds) => {
    expect(judgedWithApplication(app, rec)).toBe(judged);
    expect(foundsApplication(app, rec, becameS2)).toBe(founds);
  });
});

describe('APP-11 (s.4(4)): where moving an admission moves the s.4 start (the first admission)', () => {
  const h = (hh: number, mm = 0) => Date.UTC(2026, 10, 21, hh, mm); // Sat 21 Nov 2026, GMT
  const first = { id: 'first', at: h(14) };
  const later = { id: 'later', at: h(16) };
  it.each<[string, Array<{ id: string; at: number }>, string, number, { from: number; to: number } | null]>([
    ['the only admission moved earlier: from it to the new time', [first], 'first', h(11, 30), { from: h(14), to: h(11, 30) }],
    ['the only admission moved later', [first], 'first', h(15), { from: h(14), to: h(15) }],
    ['the first moved, still before the later one', [first, later], 'first', h(15), { from: h(14), to: h(15) }],
    ['the first moved past the later one: the later one is the start now', [first, later], 'first', h(17), { from: h(14), to: h(16) }],
    ['the later one moved before the first: it is the start now', [later, first], 'later', h(11, 30), { from: h(14), to: h(11, 30) }],
    ['the later one moved, still after the first: the start stays', [first, later], 'later', h(15), null],
    ['the later one moved to the first one’s very time: the start stays', [first, later], 'later', h(14), null],
    ['no admission recorded', [], 'first', h(12), null],
  ])('%s', (_case, admitted, eventId, at, want) => {
    expect(admissionStartMove(admitted, eventId, at)).toEqual(want);
  });
});
