import type { Finding } from './clocks';
import {
  amendmentCures,
  type RectificationKind,
  judgeDetentionEnd,
  judgeRectification,
  rectificationPeriod,
  rectifiedFindings,
  sameAdmission,
  statedS2Ended,
  type DetentionEndInput,
  type RecordedS2End,
  type RectificationInput,
} from './after-admission.rules';
import type { RuleId } from './rule-catalogue';

const LONDON = 'Europe/London';
const at = (iso: string) => new Date(iso);

/**
 * APP-22 worked examples. A s.2 admitted Mon 2 Nov 2026 10:00 GMT: 28 days beginning with that day, so it lapses at the
 * end of Sun 29 Nov (midnight: Mon 30 Nov 00:00 GMT). Now is Tue 1 Dec 12:00 unless a case says otherwise.
 */
const S2_END = at('2026-11-30T00:00:00Z');
function ending(over: Partial<DetentionEndInput>): DetentionEndInput {
  return {
    section: 's2',
    admittedAt: at('2026-11-02T10:00:00Z'),
    s2: { end: S2_END, open: false },
    kind: 'discharged',
    at: at('2026-11-12T15:00:00Z'),
    by: 'responsible-clinician',
    nearestRelativeNoticeAt: null,
    barredAt: null,
    now: at('2026-12-01T12:00:00Z'),
    zone: LONDON,
    ...over,
  };
}

describe('judgeDetentionEnd (APP-22: s.23, s.25, s.2(4), s.6(4))', () => {
  it.each<[string, Partial<DetentionEndInput>, string | null, string | null]>([
    // [case, input, ended at (ISO) or null, refusal code (field) or null]
    ['s.2 discharged by the responsible clinician on day 11', {}, '2026-11-12T15:00:00.000Z', null],
    ['s.2 discharged by the hospital managers', { by: 'hospital-managers' }, '2026-11-12T15:00:00.000Z', null],
    ['s.2 discharged by the tribunal', { by: 'tribunal' }, '2026-11-12T15:00:00.000Z', null],
    ['s.2 discharged before its admission', { at: at('2026-11-02T09:00:00Z') }, null, 'ended-before-admission:at'],
    ['s.2 "discharged" the day after it lapsed (Mon 30 Nov)', { at: at('2026-11-30T09:00:00Z') }, null, 'detention-already-lapsed:at'],
    ['s.2 discharged with no time', { at: null }, null, 'at-required:at'],
    ['s.2 discharged by nobody named', { by: null }, null, 'discharger-required:by'],
    [
      's.2 discharged by the local social services authority',
      { by: 'local-social-services-authority' },
      null,
      'discharger-not-for-section:by',
    ],
    ['s.2 with no admission recorded', { admittedAt: null }, null, 'detention-not-begun:kind'],
    // s.25(1): notice Mon 9 Nov 10:00 GMT, so the order may take effect from Thu 12 Nov 10:00.
    [
      'nearest relative, 72 hours after the notice',
      { by: 'nearest-relative', nearestRelativeNoticeAt: at('2026-11-09T10:00:00Z'), at: at('2026-11-12T10:00:00Z') },
      '2026-11-12T10:00:00.000Z',
      null,
    ],
    [
      'nearest relative, an hour short of the 72 hours',
      { by: 'nearest-relative', nearestRelativeNoticeAt: at('2026-11-09T10:00:00Z'), at: at('2026-11-12T09:00:00Z') },
      null,
      'nearest-relative-notice-short:at',
    ],
    ['nearest relative, no notice given', { by: 'nearest-relative' }, null, 'nearest-relative-notice-missing:nearestRelativeNoticeAt'],
    [
      'nearest relative, barred by the responsible clinician on Wed 11 Nov (within the 72 hours)',
      {
        by: 'nearest-relative',
        nearestRelativeNoticeAt: at('2026-11-09T10:00:00Z'),
        barredAt: at('2026-11-11T16:00:00Z'),
        at: at('2026-11-12T10:00:00Z'),
      },
      null,
      'discharge-barred:barredAt',
    ],
    [
      'nearest relative, a barring report after the 72 hours came too late',
      {
        by: 'nearest-relative',
        nearestRelativeNoticeAt: at('2026-11-09T10:00:00Z'),
        barredAt: at('2026-11-12T11:00:00Z'),
        at: at('2026-11-12T10:00:00Z'),
      },
      '2026-11-12T10:00:00.000Z',
      null,
    ],
    [
      'a barring report on a discharge by the clinician',
      { barredAt: at('2026-11-11T16:00:00Z') },
      null,
      'barring-not-nearest-relative:barredAt',
    ],
    [
      'guardianship: the nearest relative needs no s.25 notice',
      { section: 's7', s2: null, by: 'nearest-relative' },
      '2026-11-12T15:00:00.000Z',
      null,
    ],
    [
      'guardianship: discharged by the hospital managers',
      { section: 's7', s2: null, by: 'hospital-managers' },
      null,
      'discharger-not-for-section:by',
    ],
    // s.2(4): the lapse is the hub's, at the end of the 28 days, once they have run.
    ['s.2 lapsed, recorded Tue 1 Dec', { kind: 'lapsed', at: null, by: null }, '2026-11-30T00:00:00.000Z', null],
    ['s.2 lapse recorded on day 28', { kind: 'lapsed', at: null, by: null, now: at('2026-11-29T12:00:00Z') }, null, 's2-not-lapsed:kind'],
    ['s.2 lapse with a time given', { kind: 'lapsed', by: null }, null, 'at-not-for-lapse:at'],
    [
      's.2 lapse while a s.29 application keeps it open',
      { kind: 'lapsed', at: null, by: null, s2: { end: S2_END, open: true } },
      null,
      's2-extended:kind',
    ],
    ['s.3 "lapsed"', { section: 's3', s2: null, kind: 'lapsed', at: null, by: null }, null, 'not-s2:kind'],
    // s.6(4): admission under a s.3 ends the s.2 only while it is in force.
    ['s.2 became a s.3 on day 20', { kind: 'became-s3', by: null, at: at('2026-11-21T12:00:00Z') }, '2026-11-21T12:00:00.000Z', null],
    [
      's.2 "became" a s.3 after it lapsed',
      { kind: 'became-s3', by: null, at: at('2026-11-30T12:00:00Z') },
      null,
      'detention-already-lapsed:at',
    ],
    // s.4(4): an unconverted s.4 admitted Mon 2 Nov 10:00 lapsed at Thu 5 Nov 10:00.
    [
      's.4 discharged within its 72 hours',
      { section: 's4', s2: null, s4NotConverted: true, at: at('2026-11-04T10:00:00Z') },
      '2026-11-04T10:00:00.000Z',
      null,
    ],
    ['s.4 "discharged" after its 72 hours', { section: 's4', s2: null, s4NotConverted: true }, null, 'detention-already-lapsed:at'],
  ])('%s', (_case, over, endedAt, refusal) => {
    const judged = judgeDetentionEnd(ending(over));
    if (refusal) {
      expect(judged.ok).toBe(false);
      if (!judged.ok) expect(`${judged.code}:${judged.field}`).toBe(refusal);
    } else {
      expect(judged).toEqual({ ok: true, at: at(endedAt!) });
    }
  });

  it('a barred discharge says the order has no effect (s.25(1))', () => {
    const judged = judgeDetentionEnd(
      ending({ by: 'nearest-relative', nearestRelativeNoticeAt: at('2026-11-09T10:00:00Z'), barredAt: at('2026-11-11T16:00:00Z') }),
    );
    expect(judged).toMatchObject({ ok: false, rule: 'APP-22' });
    expect(!judged.ok && judged.message).toContain('the order for discharge has no effect (s.25(1))');
  });
});

/**
 * APP-16 worked examples. Admitted Sat 21 Nov 2026 11:30 GMT: the 14 days beginning with that day end with Fri 4 Dec.
 */
function rectifying(over: Partial<RectificationInput>): RectificationInput {
  return {
    kind: 'recommendation-replaced',
    section: 's2',
    admittedAt: at('2026-11-21T11:30:00Z'),
    at: at('2026-11-25T10:00:00Z'),
    managersConsent: true,
    recommendation: { section: 's2', founds: true },
    replacement: { section: 's2', founds: false, withdrawn: false, signedAt: at('2026-11-24T16:00:00Z') },
    zone: LONDON,
    ...over,
  };
}

describe('rectificationPeriod (APP-16: s.15(1), (2))', () => {
  // Admitted Sat 21 Nov 2026 11:30 GMT: to the end of Fri 4 Dec. Admitted Sat 27 Mar 2027 23:30 GMT (BST starts the next
  // day): to the end of Fri 9 Apr 2027, midnight BST, which is 23:00 GMT.
  it.each<[string, string, string, string, boolean]>([
    ['the admission itself', '2026-11-21T11:30:00Z', '2026-11-21T11:30:00Z', '2026-12-04', true],
    ['before the admission', '2026-11-21T11:30:00Z', '2026-11-21T11:00:00Z', '2026-12-04', false],
    ['the last minute of Fri 4 Dec', '2026-11-21T11:30:00Z', '2026-12-04T23:59:00Z', '2026-12-04', true],
    ['Sat 5 Dec', '2026-11-21T11:30:00Z', '2026-12-05T00:00:00Z', '2026-12-04', false],
    ['admitted late on Sat 27 Mar 2027, across the change to BST', '2027-03-27T23:30:00Z', '2027-04-09T22:59:00Z', '2027-04-09', true],
    ['the first minute of Sat 10 Apr 2027 (BST)', '2027-03-27T23:30:00Z', '2027-04-09T23:00:00Z', '2027-04-09', false],
  ])('%s', (_case, admitted, when, lastDay, open) => {
    expect(rectificationPeriod(at(admitted), at(when), LONDON)).toEqual({ lastDay, open });
  });
});

describe('judgeRectification (APP-16: s.15)', () => {
  it.each<[string, Partial<RectificationInput>, string | null]>([
    ['a replacement on day 5', {}, null],
    ['a replacement on the 14th day (Fri 4 Dec, 23:30)', { at: at('2026-12-04T23:30:00Z') }, null],
    ['a replacement on the 15th day (Sat 5 Dec)', { at: at('2026-12-05T00:10:00Z') }, 'rectification-period-ended:at'],
    ['before the admission', { at: at('2026-11-21T11:00:00Z') }, 'rectified-before-admission:at'],
    ['no admission recorded', { admittedAt: null }, 'not-admitted:at'],
    ["without the managers' consent", { managersConsent: false }, 'managers-consent-missing:managersConsent'],
    ['a guardianship application', { section: 's7' }, 'not-admission:kind'],
    ['no recommendation named', { recommendation: undefined }, 'recommendation-required:recommendationId'],
    [
      'a recommendation the application is not founded on',
      { recommendation: { section: 's2', founds: false } },
      'recommendation-not-founding:recommendationId',
    ],
    ['no fresh recommendation named', { replacement: undefined }, 'replacement-required:replacementId'],
    [
      'a fresh recommendation withdrawn',
      { replacement: { section: 's2', founds: false, withdrawn: true, signedAt: at('2026-11-24T16:00:00Z') } },
      'replacement-not-found:replacementId',
    ],
    [
      'a "fresh" recommendation the application already rests on',
      { replacement: { section: 's2', founds: true, withdrawn: false, signedAt: at('2026-11-24T16:00:00Z') } },
      'replacement-already-founds:replacementId',
    ],
    [
      'a fresh recommendation for s.3',
      { replacement: { section: 's3', founds: false, withdrawn: false, signedAt: at('2026-11-24T16:00:00Z') } },
      'replacement-section-mismatch:replacementId',
    ],
    [
      'a fresh recommendation signed after the managers had it',
      { replacement: { section: 's2', founds: false, withdrawn: false, signedAt: at('2026-11-25T12:00:00Z') } },
      'replacement-signed-after-rectification:at',
    ],
    ['the application amended', { kind: 'application-amended', recommendation: undefined, replacement: undefined }, null],
    [
      'the application amended, naming a recommendation',
      { kind: 'application-amended', replacement: undefined },
      'not-a-recommendation-rectification:recommendationId',
    ],
    ['a recommendation amended', { kind: 'recommendation-amended', replacement: undefined }, null],
    ['a recommendation amended, naming a replacement', { kind: 'recommendation-amended' }, 'not-a-replacement:replacementId'],
  ])('%s', (_case, over, refusal) => {
    const judged = judgeRectification(rectifying(over));
    if (refusal) {
      expect(judged.ok).toBe(false);
      if (!judged.ok) expect(`${judged.code}:${judged.field}`).toBe(refusal);
    } else expect(judged).toEqual({ ok: true, lastDay: '2026-12-04' });
  });
});

const f = (rule: RuleId, code: string, message = `${code} message`): Finding => ({
  rule,
  severity: 'blocker',
  code,
  message,
  citation: 'MHA 1983',
});

describe('amendmentCures (APP-16: s.15(1) cures defects of form only)', () => {
  const findings = [f('APP-03', 'hospital-site-missing'), f('MED-04', 'no-acquaintance-reason'), f('MED-03', 'no-s12-approved-doctor')];
  it.each<[string, RectificationKind, string[] | undefined, string | null]>([
    ['the hospital named on the application', 'application-amended', ['hospital-site-missing'], null],
    ["a recommendation's acquaintance statement", 'recommendation-amended', ['no-acquaintance-reason'], null],
    ['the hospital, by amending a recommendation', 'recommendation-amended', ['hospital-site-missing'], 'not-curable-by-amendment'],
    ["a doctor's missing s.12 approval", 'recommendation-amended', ['no-s12-approved-doctor'], 'not-curable-by-amendment'],
    ['a code the checks do not show', 'application-amended', ['made-up'], 'not-a-finding'],
    ['nothing named', 'application-amended', [], 'cures-required'],
    ['no list at all', 'recommendation-amended', undefined, 'cures-required'],
    ['a replacement, which names nothing', 'recommendation-replaced', undefined, null],
    ['a replacement naming what it cures', 'recommendation-replaced', ['no-s12-approved-doctor'], 'cures-not-for-replacement'],
  ])('%s', (_case, kind, codes, refusal) => {
    const judged = amendmentCures(kind, findings, codes);
    expect(judged.ok ? null : judged.code).toBe(refusal);
  });
});

describe('rectifiedFindings (APP-16)', () => {
  const consent = at('2026-11-25T10:00:00Z');
  it('a replacement cures what the application as made was found wanting in and no longer is', () => {
    const asMade = [f('MED-03', 'no-s12-approved-doctor'), f('COP-03', 'practical-matters-missing')];
    const asRectified = [f('COP-03', 'practical-matters-missing')];
    const judged = rectifiedFindings(asMade, asRectified, [{ kind: 'recommendation-replaced', at: consent }]);
    expect(judged.findings).toEqual(asRectified);
    expect(judged.cured).toEqual([{ ...asMade[0], curedBy: { kind: 'recommendation-replaced', at: consent } }]);
  });

  it('what the fresh recommendation brings is not hidden: a new finding stands', () => {
    const asRectified = [f('COI-09', 'assessor-declaration-missing')];
    expect(rectifiedFindings([], asRectified, [{ kind: 'recommendation-replaced', at: consent }])).toEqual({
      findings: asRectified,
      cured: [],
    });
  });

  it('an amendment cures the findings it named, of the rules its kind may cure', () => {
    const asMade = [f('APP-03', 'hospital-site-missing'), f('MED-04', 'no-acquaintance-reason')];
    const judged = rectifiedFindings(asMade, asMade, [
      { kind: 'application-amended', at: consent, cures: ['hospital-site-missing', 'no-acquaintance-reason'] },
    ]);
    expect(judged.findings).toEqual([asMade[1]]);
    expect(judged.cured).toEqual([{ ...asMade[0], curedBy: { kind: 'application-amended', at: consent } }]);
  });

  it('no rectification: nothing cured', () => {
    const asMade = [f('APP-03', 'hospital-site-missing')];
    expect(rectifiedFindings(asMade, asMade, [])).toEqual({ findings: asMade, cured: [] });
  });
});

describe('statedS2Ended (APP-17 / APP-22: the end of the s.2 a referral states)', () => {
  const admitted = at('2026-11-02T10:00:00Z');
  const discharged = { kind: 'discharged' as const, at: at('2026-11-12T15:00:00Z'), by: 'tribunal' as const };
  const record = (admittedAt: string, id = 'a-1', ended: RecordedS2End['ended'] = discharged): RecordedS2End => ({
    assessmentId: id,
    admittedAt: at(admittedAt),
    ended,
  });
  it.each<[string, RecordedS2End['ended'] | null, RecordedS2End[], string | null, string | null]>([
    // [case, recorded on the referral, ends on the hub's record, ended at or null, from assessment]
    ['nothing recorded anywhere', null, [], null, null],
    ['recorded on the referral', discharged, [], '2026-11-12T15:00:00.000Z', null],
    [
      "the hub's own s.2 of the same admission, its end recorded",
      null,
      [record('2026-11-02T10:00:00Z')],
      '2026-11-12T15:00:00.000Z',
      'a-1',
    ],
    [
      'the same admission to the minute (seconds on the timeline)',
      null,
      [record('2026-11-02T10:00:42Z')],
      '2026-11-12T15:00:00.000Z',
      'a-1',
    ],
    ["the hub's s.2 of another admission: not this s.2's end", null, [record('2026-10-02T10:00:00Z')], null, null],
    ['a minute apart: another admission', null, [record('2026-11-02T10:01:00Z')], null, null],
    [
      'recorded on both: the referral’s record is the one kept',
      { kind: 'became-s3', at: at('2026-11-10T09:00:00Z') },
      [record('2026-11-02T10:00:00Z')],
      '2026-11-10T09:00:00.000Z',
      null,
    ],
  ])('%s', (_case, onReferral, onRecord, endedAt, assessmentId) => {
    const ended = statedS2Ended(admitted, onReferral, onRecord);
    expect(ended?.at.toISOString() ?? null).toBe(endedAt);
    expect(ended?.assessmentId ?? null).toBe(assessmentId);
  });

  it.each([
    ['the same instant', '2026-11-02T10:00:00Z', '2026-11-02T10:00:00Z', true],
    ['seconds apart within the minute', '2026-11-02T10:00:00Z', '2026-11-02T10:00:59Z', true],
    ['the next minute', '2026-11-02T10:00:59Z', '2026-11-02T10:01:00Z', false],
    ['another day', '2026-11-02T10:00:00Z', '2026-11-03T10:00:00Z', false],
  ])('sameAdmission: %s', (_case, a, b, same) => {
    expect(sameAdmission(at(a), at(b))).toBe(same);
  });
});
