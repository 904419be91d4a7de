import {
  CTO_EXTENSION_WITHDRAWAL_LABELS,
  CTO_EXTENSION_WITHDRAWAL_REASONS,
  ctoExtensionExaminationWindow,
  ctoExtensionLapsed,
  ctoExtensionOutcome,
  ctoExtensionPeriods,
  ctoExtensionRequestFindings,
  ctoStatementDueBy,
  ctoWithdrawalNoteMissing,
  type CtoExtensionRequestFacts,
  type CtoExtensionStatementFacts,
} from './cto-extension.rules';

/**
 * CTO-04 (MHA 1983 s.20A(3), (4), (8)): worked examples of the timing of a CTO's extension, in Europe/London local
 * dates. A CTO made on Thu 15 Jan 2026 runs to Tue 14 Jul 2026 (6 months, s.20A(1)); extended, to Thu 14 Jan 2027 (6
 * months), then to Fri 14 Jan 2028 (a year), and a year at a time (s.20A(3)).
 */
const LONDON = 'Europe/London';
const at = (iso: string) => new Date(iso);
const request = (over: Partial<CtoExtensionRequestFacts> = {}): CtoExtensionRequestFacts => ({
  madeOn: '2026-01-15',
  expiresOn: '2026-07-14',
  examinedOn: '2026-07-01',
  ...over,
});
const statement = (over: Partial<CtoExtensionStatementFacts> = {}): CtoExtensionStatementFacts => ({
  decision: 'agree',
  signedAt: at('2026-07-03T10:00:00Z'),
  amhpApprovedAtSigning: true,
  ...over,
});
const codes = (fs: Array<{ severity: string; code: string; field?: string }>) =>
  fs.map((f) => `${f.severity}:${f.code}${f.field ? `@${f.field}` : ''}`);

describe('CTO-04 (s.20A(4), C2): the examination is within the two months ending with the day the CTO expires', () => {
  it.each([
    ['expires Tue 14 Jul 2026', '2026-07-14', '2026-05-15'],
    ['expires Thu 30 Apr 2026: from 1 Mar (28 Feb + 1 day)', '2026-04-30', '2026-03-01'],
    ['expires Thu 14 Jan 2027: from 15 Nov 2026, across the year end', '2027-01-14', '2026-11-15'],
    ['expires Tue 31 Mar 2026: from 1 Feb (31 Jan + 1 day)', '2026-03-31', '2026-02-01'],
    // Held-out cases: a leap day inside the window, and at its start.
    ['expires Sat 29 Apr 2028: from 1 Mar (29 Feb + 1 day)', '2028-04-29', '2028-03-01'],
    ['expires Thu 29 Apr 2027: from 1 Mar (29 Feb clamped to 28 Feb, + 1 day)', '2027-04-29', '2027-03-01'],
    ['expires Thu 27 Apr 2028: from Tue 28 Feb 2028, so 29 Feb is inside the window', '2028-04-27', '2028-02-28'],
    ['expires Mon 1 May 2028: from 2 Mar', '2028-05-01', '2028-03-02'],
    ['expires Sun 25 Oct 2026, the day the clocks go back: from 26 Aug', '2026-10-25', '2026-08-26'],
  ])('%s', (_case, expiresOn, from) => {
    expect(ctoExtensionExaminationWindow(expiresOn)).toEqual({ from, to: expiresOn });
  });
});

describe('CTO-08 / CTO-04 (s.20A(1), (3), C6): the period an extension gives follows the one that ends on the expiry date', () => {
  it.each([
    ['the first period (6 months) is followed by 6 months', '2026-01-15', '2026-07-14', 1, ['2026-07-15', '2027-01-14', 6, false]],
    ['the first extension is followed by a year', '2026-01-15', '2027-01-14', 2, ['2027-01-15', '2028-01-14', 12, false]],
    ['and a year at a time after that', '2026-01-15', '2028-01-14', 3, ['2028-01-15', '2029-01-14', 12, false]],
    [
      'made on 31 Aug: the first period ends 27 Feb (clamped), the extension from 28 Feb, a month-end case',
      '2026-08-31',
      '2027-02-27',
      1,
      ['2027-02-28', '2027-08-27', 6, true],
    ],
    // Held-out cases: made on a leap day, and a first period reaching a leap day.
    [
      'made on Tue 29 Feb 2028: the first period ends 28 Aug 2028; the extension from 29 Aug reaches no 29 Feb 2029 (clamped to 28 Feb), so ends 27 Feb, for review',
      '2028-02-29',
      '2028-08-28',
      1,
      ['2028-08-29', '2029-02-27', 6, true],
    ],
    [
      'made on Tue 31 Aug 2027: the first period ends 28 Feb 2028 (29 Feb, clamped), the extension from 29 Feb 2028',
      '2027-08-31',
      '2028-02-28',
      1,
      ['2028-02-29', '2028-08-28', 6, true],
    ],
    [
      'made on 31 Aug 2027, second extension: a year from 29 Aug 2028 to 28 Aug 2029',
      '2027-08-31',
      '2028-08-28',
      2,
      ['2028-08-29', '2029-08-28', 12, false],
    ],
  ])('%s', (_case, madeOn, expiresOn, current, [from, lastDay, months, monthEnd]) => {
    const periods = ctoExtensionPeriods(madeOn, expiresOn)!;
    expect(periods.current.period).toBe(current);
    expect(periods.next).toMatchObject({ period: current + 1, from, lastDay, months, monthEnd });
  });

  it.each([
    ['a day after a period ends', '2026-01-15', '2026-07-15'],
    ['a day before', '2026-01-15', '2026-07-13'],
    ['before the order was made', '2026-01-15', '2025-12-31'],
  ])('no period ends on the expiry date given (%s): null', (_case, madeOn, expiresOn) => {
    expect(ctoExtensionPeriods(madeOn, expiresOn)).toBeNull();
  });
});

describe('CTO-04: the request the hub acts on', () => {
  const received = at('2026-07-02T09:00:00Z');
  it.each<[string, Partial<CtoExtensionRequestFacts>, Date, string[]]>([
    ['an examination in the window, received before expiry', {}, received, []],
    ['examined on the first day of the window (Fri 15 May)', { examinedOn: '2026-05-15' }, received, []],
    [
      'examined the day before the window (Thu 14 May): too early',
      { examinedOn: '2026-05-14' },
      received,
      ['blocker:examination-too-early@examinedOn'],
    ],
    ['examined on the day it expires', { examinedOn: '2026-07-14' }, received, []],
    [
      'examined the day after it expired, received after',
      { examinedOn: '2026-07-15' },
      at('2026-07-15T09:00:00Z'),
      ['blocker:examination-after-expiry@examinedOn', 'blocker:cto-expired@expiresOn'],
    ],
    ['received at 23:59 BST on the day it expires: in time', {}, at('2026-07-14T22:59:00Z'), []],
    [
      'received at 00:30 BST the day after (23:30 UTC on the expiry date): expired',
      {},
      at('2026-07-14T23:30:00Z'),
      ['blocker:cto-expired@expiresOn'],
    ],
    [
      'an expiry date that ends no period of the order',
      { expiresOn: '2026-07-15' },
      received,
      ['blocker:cto-expiry-not-a-period-end@expiresOn'],
    ],
    [
      'examined before the order was made',
      { madeOn: '2026-01-15', examinedOn: '2026-01-10' },
      received,
      ['blocker:examination-before-cto@examinedOn'],
    ],
    ['the second extension, examined in November 2026', { expiresOn: '2027-01-14', examinedOn: '2026-11-20' }, received, []],
  ])('%s', (_case, over, receivedAt, expected) => {
    expect(codes(ctoExtensionRequestFindings(request(over), receivedAt, LONDON))).toEqual(expected);
  });

  it('says when the window opens and how the periods run', () => {
    const [early] = ctoExtensionRequestFindings(request({ examinedOn: '2026-05-14' }), received, LONDON);
    expect(early).toMatchObject({ rule: 'CTO-04', citation: 'MHA 1983 s.20A(4)' });
    expect(early.message).toContain('on or after Fri 15 May 2026');
    const [mismatch] = ctoExtensionRequestFindings(request({ expiresOn: '2026-07-15' }), received, LONDON);
    expect(mismatch.message).toContain('its first period ends on Tue 14 Jul 2026, then Thu 14 Jan 2027, then Fri 14 Jan 2028');
  });
});

describe("CTO-04 (s.20A(8)): the AMHP's statement, and the period it leads to", () => {
  it.each<[string, Partial<CtoExtensionRequestFacts>, Partial<CtoExtensionStatementFacts>, boolean, string | null, string[]]>([
    ['agreed: extended for 6 months, to Thu 14 Jan 2027', {}, {}, true, '2027-01-14', []],
    [
      'agreed on the first extension: a year, to Fri 14 Jan 2028',
      { expiresOn: '2027-01-14', examinedOn: '2026-12-01' },
      { signedAt: at('2026-12-02T10:00:00Z') },
      true,
      '2028-01-14',
      [],
    ],
    ['not agreed: not extended', {}, { decision: 'disagree' }, false, null, ['warning:cto-extension-not-agreed']],
    ['signed at 23:59 BST on the day it expires: in time', {}, { signedAt: at('2026-07-14T22:59:00Z') }, true, '2027-01-14', []],
    [
      'signed at 00:00 BST the day after it expired (23:00 UTC on the expiry date): refused',
      {},
      { signedAt: at('2026-07-14T23:00:00Z') },
      false,
      null,
      ['blocker:statement-after-expiry@signedAt'],
    ],
    [
      'signed the day before the examination: refused',
      {},
      { signedAt: at('2026-06-30T10:00:00Z') },
      false,
      null,
      ['blocker:statement-before-examination@signedAt'],
    ],
    ['signed on the day of the examination', {}, { signedAt: at('2026-07-01T16:00:00Z') }, true, '2027-01-14', []],
    [
      'by an AMHP whose approval was not current: refused',
      {},
      { amhpApprovedAtSigning: false },
      false,
      null,
      ['blocker:amhp-not-approved'],
    ],
    [
      'on an examination too early: refused whatever the AMHP says',
      { examinedOn: '2026-05-01' },
      { signedAt: at('2026-05-02T10:00:00Z') },
      false,
      null,
      ['blocker:examination-too-early@examinedOn'],
    ],
    [
      'a month-end period: extended, flagged for review',
      { madeOn: '2026-08-31', expiresOn: '2027-02-27', examinedOn: '2027-02-01' },
      { signedAt: at('2027-02-02T10:00:00Z') },
      true,
      '2027-08-27',
      ['warning:period-month-end-review'],
    ],
  ])('%s', (_case, req, st, extended, lastDay, expected) => {
    const outcome = ctoExtensionOutcome(request(req), statement(st), LONDON);
    expect(outcome.extended).toBe(extended);
    expect(outcome.period?.lastDay ?? null).toBe(lastDay);
    expect(codes(outcome.findings)).toEqual(expected);
  });
});

describe("CTO-04 (s.20A(8)): the AMHP's statement is due by the end of the day the CTO expires; undecided after it, the request has lapsed", () => {
  it.each([
    ['a summer expiry: midnight BST', '2026-07-14', '2026-07-14T23:00:00.000Z'],
    ['a winter expiry: midnight GMT', '2027-01-14', '2027-01-15T00:00:00.000Z'],
    ['the day the clocks go back (25 hours long)', '2026-10-25', '2026-10-26T00:00:00.000Z'],
  ])('%s: %s is due by %s', (_, expiresOn, dueBy) => {
    expect(ctoStatementDueBy(expiresOn, LONDON).toISOString()).toBe(dueBy);
  });

  it.each([
    ['a second before midnight BST on its last day, undecided', '2026-07-14T22:59:59Z', false, false],
    ['at midnight BST, undecided: the CTO has ended', '2026-07-14T23:00:00Z', false, true],
    ['the next morning, undecided', '2026-07-15T08:00:00Z', false, true],
    ['the next morning, a statement made in time', '2026-07-15T08:00:00Z', true, false],
  ])('a CTO expiring on Tue 14 Jul 2026, %s: lapsed %s', (_, now, decided, lapsed) => {
    expect(ctoExtensionLapsed('2026-07-14', decided, at(now), LONDON)).toBe(lapsed);
  });

  it.each([
    ['withdrawn the day before (the clinician is not extending it), a month later', '2026-08-15T08:00:00Z', false, true, false],
    ['withdrawn, a second before midnight BST on its last day', '2026-07-14T22:59:59Z', false, true, false],
    ['not withdrawn, 30 days after it ended', '2026-08-13T08:00:00Z', false, false, true],
  ])('a CTO expiring on Tue 14 Jul 2026, the request %s: lapsed %s', (_, now, decided, withdrawn, lapsed) => {
    expect(ctoExtensionLapsed('2026-07-14', decided, at(now), LONDON, withdrawn)).toBe(lapsed);
  });
});

describe('CTO-04: a request withdrawn before the statement is made gives its reason, from the one list', () => {
  it('the reasons are the list held as data, each with its words', () => {
    expect([...CTO_EXTENSION_WITHDRAWAL_REASONS]).toEqual(['not-extending', 'cto-revoked', 'discharged', 'made-in-error', 'other']);
    for (const r of CTO_EXTENSION_WITHDRAWAL_REASONS) expect(CTO_EXTENSION_WITHDRAWAL_LABELS[r]).toMatch(/^[a-z]/);
  });

  it.each([
    ['the clinician is not extending it, no note', 'not-extending', undefined, false],
    ['the CTO revoked, with a note', 'cto-revoked', 'Recalled 12 Jul and revoked the next day.', false],
    ['made in error, an empty note', 'made-in-error', '', false],
    ['another reason with the reasons given', 'other', 'Moved out of area; the new team takes it on.', false],
    ['another reason, no note', 'other', undefined, true],
    ['another reason, a note of blanks', 'other', '          ', true],
    ['another reason, 10 characters nobody can see', 'other', '\u200b'.repeat(10), true],
    ['another reason, 9 characters', 'other', 'Moved out', true],
    ['another reason, 10 characters', 'other', 'Moved away', false],
  ] as const)('%s (reason %s, note %j): missing %s', (_, reason, note, missing) => {
    const message = ctoWithdrawalNoteMissing(reason, note);
    expect(message !== null).toBe(missing);
    if (missing) expect(message).toContain('at least 10 characters');
  });
});
