import { arrivalRecordable, type CorrectableTime, type LegalContext, standingIntakeFindings, timeCorrectable } from './clocks';

const at = (iso: string) => new Date(iso);

describe('an arrival recorded after intake (CTO-03 s.17F(8), POL-04 s.135(3ZA))', () => {
  it.each<[string, LegalContext, string]>([
    ['a CTO recall with no arrival yet', { kind: 'cto-recall', recalledAt: at('2026-12-06T09:00:00Z') }, 'ok'],
    [
      'a CTO recall whose arrival is recorded',
      { kind: 'cto-recall', recalledAt: at('2026-12-06T09:00:00Z'), arrivedAt: at('2026-12-06T11:00:00Z') },
      'arrival-already-recorded',
    ],
    ['a s.135(1) removal still on the way', { kind: 's135-1', warrantExecutedAt: at('2026-12-06T09:00:00Z') }, 'ok'],
    [
      'a s.135(1) kept at the premises',
      { kind: 's135-1', warrantExecutedAt: at('2026-12-06T09:00:00Z'), keptAtPremises: true, firstEnteredAt: at('2026-12-06T09:05:00Z') },
      'arrival-not-applicable',
    ],
    [
      'a s.136 (its arrival or keeping is given at intake)',
      { kind: 's136', placeOfSafetyType: 'health-based', locationType: 'public-place', arrivedAt: at('2026-12-06T09:00:00Z') },
      'arrival-not-applicable',
    ],
    ['a s.5(2)', { kind: 's5-2', h1FurnishedAt: at('2026-12-06T09:00:00Z') }, 'arrival-not-applicable'],
    ['an informal referral', { kind: 'informal' }, 'arrival-not-applicable'],
  ])('%s: %s', (_name, context, expected) => {
    const judged = arrivalRecordable(context);
    expect(judged.ok ? 'ok' : judged.code).toBe(expected);
  });

  it.each<[string, { kind: string; arrivedAt?: string }, string[]]>([
    ['a recall with no arrival keeps the warning', { kind: 'cto-recall' }, ['arrival-not-recorded', 'open-referral-exists']],
    ['a recall whose arrival is recorded drops it', { kind: 'cto-recall', arrivedAt: '2026-12-06T11:00:00Z' }, ['open-referral-exists']],
    ['a s.135(1) whose arrival is recorded drops it', { kind: 's135-1', arrivedAt: '2026-12-06T11:00:00Z' }, ['open-referral-exists']],
    ['a s.136 keeps every finding', { kind: 's136', arrivedAt: '2026-12-06T11:00:00Z' }, ['arrival-not-recorded', 'open-referral-exists']],
  ])('the findings at intake still standing: %s', (_name, context, codes) => {
    const findings = [{ code: 'arrival-not-recorded' }, { code: 'open-referral-exists' }];
    expect(standingIntakeFindings(findings, context).map((f) => f.code)).toEqual(codes);
  });
});

describe('a time a clock runs from, corrected (POL-07 s.136(2A), POL-04 s.135(3ZA), HOLD-01/02 s.5, CTO-03 s.17F(8))', () => {
  const s136: LegalContext = {
    kind: 's136',
    placeOfSafetyType: 'health-based',
    locationType: 'public-place',
    arrivedAt: at('2026-12-06T09:00:00Z'),
  };
  it.each<[string, LegalContext, CorrectableTime, string]>([
    ["a s.136's arrival", s136, 'arrivedAt', 'ok'],
    ['a s.136 with no decision to keep', s136, 'keptAt', 'time-not-recorded'],
    ["a s.136's recall notice", s136, 'recalledAt', 'time-not-applicable'],
    ['a s.135(1) warrant executed', { kind: 's135-1', warrantExecutedAt: at('2026-12-06T09:00:00Z') }, 'warrantExecutedAt', 'ok'],
    [
      'a s.135(1) arrival not yet recorded',
      { kind: 's135-1', warrantExecutedAt: at('2026-12-06T09:00:00Z') },
      'arrivedAt',
      'time-not-recorded',
    ],
    [
      'a s.135(1) kept at the premises: its first entry',
      { kind: 's135-1', warrantExecutedAt: at('2026-12-06T09:00:00Z'), keptAtPremises: true, firstEnteredAt: at('2026-12-06T09:05:00Z') },
      'firstEnteredAt',
      'ok',
    ],
    [
      'a s.135(1) kept at the premises: no arrival',
      { kind: 's135-1', warrantExecutedAt: at('2026-12-06T09:00:00Z'), keptAtPremises: true, firstEnteredAt: at('2026-12-06T09:05:00Z') },
      'arrivedAt',
      'time-not-applicable',
    ],
    ["a s.5(2)'s report", { kind: 's5-2', h1FurnishedAt: at('2026-12-06T09:00:00Z') }, 'h1FurnishedAt', 'ok'],
    ["a s.5(4)'s record", { kind: 's5-4', recordMadeAt: at('2026-12-06T09:00:00Z') }, 'recordMadeAt', 'ok'],
    ['a CTO recall notice', { kind: 'cto-recall', recalledAt: at('2026-12-06T09:00:00Z') }, 'recalledAt', 'ok'],
    ['an informal referral', { kind: 'informal' }, 'arrivedAt', 'time-not-applicable'],
  ])('%s', (_name, context, time, expected) => {
    const judged = timeCorrectable(context, time);
    expect(judged.ok ? 'ok' : judged.code).toBe(expected);
  });
});
