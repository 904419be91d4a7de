import fc from 'fast-check';
import { formatLocal } from './clocks';
import {
  DEFAULT_DOLS_DAY_COUNTING,
  DOLS_DAY_COUNTINGS,
  dolsAuthorisedUntil,
  dolsClocks,
  DolsExtensionFacts,
  EXTENSION_MAX_DAYS,
  UA_MAX_DAYS,
  urgentAuthorisationEnd,
  UrgentAuthorisationFacts,
  validateExtension,
} from './dols';

const LONDON = 'Europe/London';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);
const local = (d: Date) => formatLocal(d, LONDON);
const plusH = (d: Date, h: number) => new Date(d.getTime() + h * HOUR);

const GRANTED = at('2026-11-21T02:00:00Z'); // Sat 21 Nov 2026 02:00 GMT
const ext = (over: Partial<DolsExtensionFacts> = {}): DolsExtensionFacts => ({
  requestedAt: plusH(GRANTED, 5 * 24),
  decidedAt: plusH(GRANTED, 5 * 24 + 2),
  days: 7,
  exceptionalReasons: 'The BIA fell ill; the reassessment is booked for Tuesday.',
  essentialToContinue: true,
  ...over,
});
const ua = (over: Partial<UrgentAuthorisationFacts> = {}): UrgentAuthorisationFacts => ({
  grantedAt: GRANTED,
  days: 7,
  standardRequestedAt: GRANTED,
  extension: null,
  ...over,
});
const codes = (u: UrgentAuthorisationFacts) => validateExtension(u, LONDON, 'local-days').map((f) => `${f.rule}:${f.severity}:${f.code}`);

describe('OOH-04: the urgent authorisation lasts up to 7 days, counted in local calendar days beginning with the day of the grant', () => {
  it.each([
    // [case, granted (UTC), days, ends (UTC), ends (local)]
    [
      '7 days from Sat 21 Nov 2026 02:00 GMT: to the end of Fri 27 Nov',
      '2026-11-21T02:00:00Z',
      7,
      '2026-11-28T00:00:00.000Z',
      'Sat 28 Nov 2026 00:00 GMT',
    ],
    [
      'across the BST start: 7 days from Thu 26 Mar 2026 10:00 GMT, to the end of Wed 1 Apr (a day of 23 hours on the way)',
      '2026-03-26T10:00:00Z',
      7,
      '2026-04-01T23:00:00.000Z',
      'Thu 2 Apr 2026 00:00 BST',
    ],
    [
      'across the GMT return: 3 days from Sat 24 Oct 2026 12:00 BST, to the end of Mon 26 Oct (a day of 25 hours on the way)',
      '2026-10-24T11:00:00Z',
      3,
      '2026-10-27T00:00:00.000Z',
      'Tue 27 Oct 2026 00:00 GMT',
    ],
    [
      'given at 00:30 BST (23:30 UTC the day before): the local day counts, Mon 1 Jun is day 1',
      '2026-05-31T23:30:00Z',
      7,
      '2026-06-07T23:00:00.000Z',
      'Mon 8 Jun 2026 00:00 BST',
    ],
    [
      'given on the day the clocks go back, at 01:30 GMT (the second 01:30): Sun 25 Oct is day 1',
      '2026-10-25T01:30:00Z',
      2,
      '2026-10-27T00:00:00.000Z',
      'Tue 27 Oct 2026 00:00 GMT',
    ],
    [
      '1 day from Mon 1 Jun 2026 23:30 BST: to the end of that day',
      '2026-06-01T22:30:00Z',
      1,
      '2026-06-01T23:00:00.000Z',
      'Tue 2 Jun 2026 00:00 BST',
    ],
  ])('%s', (_name, granted, days, utc, wall) => {
    const end = urgentAuthorisationEnd(at(granted), days, LONDON, 'local-days');
    expect(end.toISOString()).toBe(utc);
    expect(local(end)).toBe(wall);
    expect(urgentAuthorisationEnd(at(granted), days, LONDON, 'local-days')).toEqual(end);
  });

  it.each([
    // DOLS_DAY_COUNTING=elapsed-hours: N × 24 hours from the grant, whatever the wall clock does.
    ['7 days from Sat 21 Nov 2026 02:00 GMT', '2026-11-21T02:00:00Z', 7, '2026-11-28T02:00:00.000Z', 'Sat 28 Nov 2026 02:00 GMT'],
    [
      'across the BST start: 7 days from Thu 26 Mar 2026 10:00 GMT',
      '2026-03-26T10:00:00Z',
      7,
      '2026-04-02T10:00:00.000Z',
      'Thu 2 Apr 2026 11:00 BST',
    ],
    [
      'across the GMT return: 3 days from Sat 24 Oct 2026 12:00 BST',
      '2026-10-24T11:00:00Z',
      3,
      '2026-10-27T11:00:00.000Z',
      'Tue 27 Oct 2026 11:00 GMT',
    ],
    ['1 day from Mon 1 Jun 2026 23:30 BST', '2026-06-01T22:30:00Z', 1, '2026-06-02T22:30:00.000Z', 'Tue 2 Jun 2026 23:30 BST'],
  ])('with DOLS_DAY_COUNTING=elapsed-hours, %s ends %s', (_name, granted, days, utc, wall) => {
    const end = urgentAuthorisationEnd(at(granted), days, LONDON, 'elapsed-hours');
    expect(end.toISOString()).toBe(utc);
    expect(local(end)).toBe(wall);
  });

  // Held-out cases (OOH-04, OOH-05): a leap day, the last minute of an urgent authorisation, both settings.
  it.each<[string, string, number, number, 'local-days' | 'elapsed-hours', string]>([
    [
      '7 days from Sat 26 Feb 2028 09:00 GMT, local days: 29 Feb is one of them, to the end of Fri 3 Mar',
      '2028-02-26T09:00:00Z',
      7,
      0,
      'local-days',
      'Sat 4 Mar 2028 00:00 GMT',
    ],
    ['the same, elapsed: 168 hours, to Sat 4 Mar 09:00 GMT', '2028-02-26T09:00:00Z', 7, 0, 'elapsed-hours', 'Sat 4 Mar 2028 09:00 GMT'],
    [
      '7 days and 7 more from Sun 18 Oct 2026 10:00 BST, local days: to the end of Sat 31 Oct (GMT)',
      '2026-10-18T09:00:00Z',
      7,
      7,
      'local-days',
      'Sun 1 Nov 2026 00:00 GMT',
    ],
    [
      'the same, elapsed: 336 hours, to Sun 1 Nov 09:00 GMT (10:00 BST a fortnight on, less the hour)',
      '2026-10-18T09:00:00Z',
      7,
      7,
      'elapsed-hours',
      'Sun 1 Nov 2026 09:00 GMT',
    ],
  ])('held-out: %s', (_name, granted, days, more, counting, wall) => {
    expect(local(dolsAuthorisedUntil(at(granted), days, more, LONDON, counting))).toBe(wall);
  });

  it('held-out: an extension decided a minute before the urgent authorisation ends is in time; one decided as it ends is not', () => {
    // Granted Sat 21 Nov 2026 02:00 GMT for 7 days (elapsed): it ends Sat 28 Nov 02:00 GMT.
    const last = ua({
      extension: ext({ requestedAt: plusH(GRANTED, 7 * 24 - 1), decidedAt: new Date(GRANTED.getTime() + 7 * DAY - 60_000) }),
    });
    expect(validateExtension(last, LONDON, 'elapsed-hours')).toEqual([]);
    const late = ua({ extension: ext({ requestedAt: plusH(GRANTED, 7 * 24 - 1), decidedAt: new Date(GRANTED.getTime() + 7 * DAY) }) });
    expect(validateExtension(late, LONDON, 'elapsed-hours').map((f) => f.code)).toEqual(['extension-after-expiry']);
  });

  it('the default is N x 24 hours from the grant (the time given plus the days), as the hub counted before the setting', () => {
    expect(DEFAULT_DOLS_DAY_COUNTING).toBe('elapsed-hours');
    expect(urgentAuthorisationEnd(at('2026-11-21T02:00:00Z'), 7, LONDON)).toEqual(at('2026-11-28T02:00:00Z'));
  });

  it.each([[8], [0], [-1], [2.5], [Number.NaN]])('an urgent authorisation of %p days is refused (RangeError)', (days) => {
    expect(() => urgentAuthorisationEnd(GRANTED, days, LONDON, 'local-days')).toThrow(RangeError);
  });

  it('an invalid grant time is refused', () => {
    expect(() => urgentAuthorisationEnd(new Date(Number.NaN), 7, LONDON, 'local-days')).toThrow(RangeError);
  });

  it('an 8-day urgent authorisation is a blocker in validation, and has no clock', () => {
    const u = ua({ days: 8 });
    expect(codes(u)).toEqual(['OOH-04:blocker:ua-days-invalid']);
    expect(validateExtension(u, LONDON, 'local-days')[0].citation).toBe('MCA 2005 Sch A1 para 78(2)');
    expect(dolsClocks(u, LONDON, 'local-days')).toEqual([]);
  });

  it('a valid urgent authorisation with a standard request has no findings', () => {
    expect(codes(ua())).toEqual([]);
  });

  it('without a standard authorisation request the urgent authorisation is flagged (a warning: the EDT records what it received)', () => {
    const [f] = validateExtension(ua({ standardRequestedAt: null }), LONDON, 'local-days');
    expect(f).toMatchObject({ rule: 'OOH-04', severity: 'warning', code: 'no-standard-request' });
    expect(f.message).toContain('Sat 21 Nov 2026 02:00 GMT');
  });

  it('UA_MAX_DAYS and EXTENSION_MAX_DAYS are 7', () => {
    expect([UA_MAX_DAYS, EXTENSION_MAX_DAYS]).toEqual([7, 7]);
  });
});

describe('OOH-05: one extension of up to 7 days, by the supervisory body, on para 84 grounds', () => {
  it.each<[string, Partial<UrgentAuthorisationFacts>, string[]]>([
    ['a 7-day extension decided before expiry is accepted', { extension: ext() }, []],
    ['a 1-day extension is accepted', { extension: ext({ days: 1 }) }, []],
    [
      'an extension decided one minute before expiry (23:59 on the 7th day, Fri 27 Nov) is accepted',
      { extension: ext({ requestedAt: plusH(GRANTED, 160), decidedAt: at('2026-11-27T23:59:00Z') }) },
      [],
    ],
    ['an 8-day extension is refused', { extension: ext({ days: 8 }) }, ['OOH-05:blocker:extension-too-long']],
    ['a 0-day extension is refused', { extension: ext({ days: 0 }) }, ['OOH-05:blocker:extension-days-invalid']],
    ['a fractional extension is refused', { extension: ext({ days: 2.5 }) }, ['OOH-05:blocker:extension-days-invalid']],
    ['a second extension is refused', { extension: ext(), previousExtensions: 1 }, ['OOH-05:blocker:second-extension']],
    [
      'an extension decided at the expiry instant (the end of the 7th day) is refused',
      { extension: ext({ decidedAt: at('2026-11-28T00:00:00Z') }) },
      ['OOH-05:blocker:extension-after-expiry'],
    ],
    [
      'an extension decided after expiry is refused',
      { extension: ext({ decidedAt: plusH(GRANTED, 8 * 24) }) },
      ['OOH-05:blocker:extension-after-expiry'],
    ],
    [
      "expiry follows the urgent authorisation's own days (3 days)",
      { days: 3, extension: ext({ requestedAt: plusH(GRANTED, 24), decidedAt: plusH(GRANTED, 72) }) },
      ['OOH-05:blocker:extension-after-expiry'],
    ],
    [
      'no standard authorisation requested: refused',
      { standardRequestedAt: null, extension: ext() },
      ['OOH-05:blocker:no-standard-request'],
    ],
    [
      'a standard request made only after the extension: refused',
      { standardRequestedAt: plusH(GRANTED, 6 * 24), extension: ext() },
      ['OOH-05:blocker:standard-requested-after-extension'],
    ],
    [
      'exceptional reasons of fewer than 20 characters: refused',
      { extension: ext({ exceptionalReasons: '  no BIA available  ' }) },
      ['OOH-05:blocker:exceptional-reasons-too-short'],
    ],
    [
      'not essential for the detention to continue: refused',
      { extension: ext({ essentialToContinue: false }) },
      ['OOH-05:blocker:not-essential-to-continue'],
    ],
    [
      'decided before it was requested: refused',
      { extension: ext({ requestedAt: plusH(GRANTED, 30), decidedAt: plusH(GRANTED, 29) }) },
      ['OOH-05:blocker:extension-decided-before-request'],
    ],
    [
      'decided before the urgent authorisation: refused',
      { standardRequestedAt: plusH(GRANTED, -3), extension: ext({ requestedAt: plusH(GRANTED, -2), decidedAt: plusH(GRANTED, -1) }) },
      ['OOH-05:blocker:extension-requested-before-authorisation', 'OOH-05:blocker:extension-before-authorisation'],
    ],
    ['an 8-day urgent authorisation cannot be extended either', { days: 8, extension: ext() }, ['OOH-04:blocker:ua-days-invalid']],
    [
      'a refusal is checked only for the order of its times',
      {
        standardRequestedAt: null,
        previousExtensions: 1,
        extension: ext({
          decision: 'refused',
          days: 14,
          exceptionalReasons: '',
          essentialToContinue: false,
          decidedAt: plusH(GRANTED, 9 * 24),
        }),
      },
      [],
    ],
    [
      'a refusal decided before the request is still wrong',
      { extension: ext({ decision: 'refused', requestedAt: plusH(GRANTED, 30), decidedAt: plusH(GRANTED, 29) }) },
      ['OOH-05:blocker:extension-decided-before-request'],
    ],
  ])('%s', (_name, over, expected) => {
    expect(codes(ua(over))).toEqual(expected);
  });

  it('findings cite Sch A1 and name the local times', () => {
    const [late] = validateExtension(ua({ extension: ext({ decidedAt: plusH(GRANTED, 8 * 24) }) }), LONDON, 'local-days');
    expect(late.citation).toBe('MCA 2005 Sch A1 para 77(3)-(4), 84-85');
    expect(late.message).toContain('decided at Sun 29 Nov 2026 02:00 GMT');
    expect(late.message).toContain('already expired (Sat 28 Nov 2026 00:00 GMT)');
    const [second] = validateExtension(ua({ extension: ext(), previousExtensions: 1 }), LONDON, 'local-days');
    expect(second.citation).toBe('MCA 2005 Sch A1 para 77(3)-(4)');
    const [reasons] = validateExtension(ua({ extension: ext({ exceptionalReasons: 'short' }) }), LONDON, 'local-days');
    expect(reasons.citation).toBe('MCA 2005 Sch A1 para 84');
  });
});

describe('dolsClocks', () => {
  it('the urgent authorisation alone: one clock to its end', () => {
    expect(dolsClocks(ua(), LONDON, 'local-days')).toEqual([
      {
        id: 'dols-urgent',
        rule: 'OOH-04',
        anchor: GRANTED,
        deadline: at('2026-11-28T00:00:00Z'),
        label: 'DoLS urgent authorisation',
        basis:
          '7 days (local calendar days, Sat 21 Nov 2026 being day 1, to the end of Fri 27 Nov 2026) from the grant by the managing authority at Sat 21 Nov 2026 02:00 GMT; ends Sat 28 Nov 2026 00:00 GMT.',
      },
    ]);
  });

  it('a valid extension adds the extended end: the extension days follow on from the last day', () => {
    const clocks = dolsClocks(
      ua({ days: 5, extension: ext({ requestedAt: plusH(GRANTED, 48), decidedAt: plusH(GRANTED, 50), days: 4 }) }),
      LONDON,
      'local-days',
    );
    expect(clocks.map((c) => [c.id, c.rule, c.anchor.toISOString(), local(c.deadline)])).toEqual([
      ['dols-urgent', 'OOH-04', GRANTED.toISOString(), 'Thu 26 Nov 2026 00:00 GMT'],
      ['dols-extended', 'OOH-05', GRANTED.toISOString(), 'Mon 30 Nov 2026 00:00 GMT'],
    ]);
    expect(clocks[1].basis).toBe(
      '5 days from the grant at Sat 21 Nov 2026 02:00 GMT, extended by 4 days (local calendar days, to the end of Sun 29 Nov 2026) by the supervisory body at Mon 23 Nov 2026 04:00 GMT; ends Mon 30 Nov 2026 00:00 GMT.',
    );
    const elapsed = dolsClocks(
      ua({ days: 5, extension: ext({ requestedAt: plusH(GRANTED, 48), decidedAt: plusH(GRANTED, 50), days: 4 }) }),
      LONDON,
      'elapsed-hours',
    );
    expect(elapsed.map((c) => local(c.deadline))).toEqual(['Thu 26 Nov 2026 02:00 GMT', 'Mon 30 Nov 2026 02:00 GMT']);
    expect(elapsed[1].basis).toContain('extended by 4 days (96 hours elapsed)');
  });

  it('an extended end across the BST start is at local midnight (with elapsed hours, the hour of the grant an hour on)', () => {
    const granted = at('2026-03-24T10:00:00Z');
    const facts: UrgentAuthorisationFacts = {
      grantedAt: granted,
      days: 3,
      standardRequestedAt: granted,
      extension: ext({ requestedAt: plusH(granted, 24), decidedAt: plusH(granted, 25), days: 7 }),
    };
    // 3 + 7 local days beginning with Tue 24 Mar: to the end of Thu 2 Apr, past the clocks going forward on 29 Mar.
    const clocks = dolsClocks(facts, LONDON, 'local-days');
    expect(local(clocks[1].deadline)).toBe('Fri 3 Apr 2026 00:00 BST');
    expect(local(dolsClocks(facts, LONDON, 'elapsed-hours')[1].deadline)).toBe('Fri 3 Apr 2026 11:00 BST');
  });

  it.each<[string, Partial<DolsExtensionFacts>, Partial<UrgentAuthorisationFacts>]>([
    ['an 8-day extension', { days: 8 }, {}],
    ['a second extension', {}, { previousExtensions: 1 }],
    ['an extension after expiry', { decidedAt: plusH(GRANTED, 8 * 24) }, {}],
    ['no standard request', {}, { standardRequestedAt: null }],
    ['a refused extension', { decision: 'refused' }, {}],
  ])('%s gives no extended clock', (_name, e, over) => {
    expect(dolsClocks(ua({ ...over, extension: ext(e) }), LONDON, 'local-days').map((c) => c.id)).toEqual(['dols-urgent']);
  });

  it('property: a deadline is after its anchor and never more than 14 days after it (and an hour, when a day of the 14 has 25 hours)', () => {
    const instant = fc.date({ min: at('2025-01-01T00:00:00Z'), max: at('2030-12-31T00:00:00Z'), noInvalidDate: true });
    const hours = fc.integer({ min: -48, max: 20 * 24 });
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: -2, max: 10 }),
        fc.option(hours, { nil: null }),
        fc.option(
          fc.record({
            request: hours,
            decideAfter: fc.integer({ min: -24, max: 10 * 24 }),
            days: fc.integer({ min: -2, max: 20 }),
            reasons: fc.string({ maxLength: 40 }),
            essential: fc.boolean(),
            refused: fc.boolean(),
          }),
          { nil: null },
        ),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(...DOLS_DAY_COUNTINGS),
        (grantedAt, days, standardAfter, e, previousExtensions, counting) => {
          const facts: UrgentAuthorisationFacts = {
            grantedAt,
            days,
            standardRequestedAt: standardAfter === null ? null : plusH(grantedAt, standardAfter),
            previousExtensions,
            extension: e && {
              requestedAt: plusH(grantedAt, e.request),
              decidedAt: plusH(grantedAt, e.request + e.decideAfter),
              days: e.days,
              exceptionalReasons: e.reasons,
              essentialToContinue: e.essential,
              decision: e.refused ? 'refused' : 'extended',
            },
          };
          for (const clock of dolsClocks(facts, LONDON, counting)) {
            const span = clock.deadline.getTime() - clock.anchor.getTime();
            expect(span).toBeGreaterThan(0);
            expect(span).toBeLessThanOrEqual(14 * DAY + HOUR);
          }
        },
      ),
    );
  });
});
