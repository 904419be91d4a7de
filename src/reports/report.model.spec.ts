import {
  figureValue,
  type Member,
  memberKey,
  membersCursorOf,
  membersPage,
  type MembersCursor,
  type QuotientValue,
  type RawFigure,
} from './report.model';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 9, minute));
const referral = (id: string, minute: number): Member => ({ referralId: id, assessmentId: null, personId: `p-${id}`, at: at(minute) });
const shift = (id: string, minute: number): Member => ({
  referralId: null,
  assessmentId: null,
  personId: null,
  shiftId: id,
  at: at(minute),
});

/** Every page, following the cursors from the first. */
function walk(members: Member[], limit: number): Member[][] {
  const pages: Member[][] = [];
  let after: MembersCursor | null = null;
  do {
    const page = membersPage(members, after, limit);
    pages.push(page.members);
    after = page.next;
    if (pages.length > members.length + 1) throw new Error('the cursors go round');
  } while (after);
  return pages;
}

describe("membersPage: a figure's records a page at a time", () => {
  const cases: Array<[string, Member[]]> = [
    ['none', []],
    ['one', [referral('a', 5)]],
    ['distinct instants, given out of order', [referral('c', 9), referral('a', 1), referral('b', 5), referral('d', 7)]],
    ['the same instant: by key', [referral('d', 5), referral('b', 5), referral('c', 5), referral('a', 5)]],
    [
      'a shift listed once per AMHP place: the same instant and key three times, across page ends',
      [shift('s1', 3), referral('a', 1), shift('s1', 3), shift('s2', 3), shift('s1', 3), referral('z', 3), referral('b', 8)],
    ],
  ];
  const ordered = (ms: Member[]) =>
    [...ms].sort((x, y) => x.at.getTime() - y.at.getTime() || (memberKey(x) < memberKey(y) ? -1 : memberKey(x) > memberKey(y) ? 1 : 0));

  for (const [name, members] of cases)
    it(`${name}: with every page size, the pages list each record once, in order, and no page is longer than asked`, () => {
      for (let limit = 1; limit <= members.length + 1; limit++) {
        const pages = walk(members, limit);
        expect(pages.flat()).toEqual(ordered(members));
        expect(pages.every((p) => p.length <= limit)).toBe(true);
        // Only the last page may be short.
        expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
      }
    });

  it('the last page says there is no next; a cursor past the end gives an empty page', () => {
    const members = [referral('a', 1), referral('b', 2)];
    expect(membersPage(members, null, 2)).toEqual({ members: ordered(members), next: null });
    expect(membersPage(members, [at(59).getTime(), 'zz', 0], 5)).toEqual({ members: [], next: null });
  });

  it('a page ending inside a run of the same record says how many of the run it has shown', () => {
    const members = [shift('s1', 3), shift('s1', 3), shift('s1', 3), referral('a', 1)];
    const first = membersPage(members, null, 2);
    expect(first.next).toEqual([at(3).getTime(), 's1', 1]);
    const second = membersPage(members, first.next, 1);
    expect(second.next).toEqual([at(3).getTime(), 's1', 2]);
    expect(membersPage(members, second.next, 5)).toEqual({ members: [shift('s1', 3)], next: null });
  });
});

describe("membersCursorOf: a records page's cursor, or null for what is not one", () => {
  it.each<[Array<string | number>, MembersCursor | null]>([
    [
      [1_790_000_000_000, 'a1b2', 0],
      [1_790_000_000_000, 'a1b2', 0],
    ],
    [
      [0, '', 3],
      [0, '', 3],
    ],
    [[1.5, 'a', 0], null],
    [[1, 'a', -1], null],
    [[1, 'a', 0.5], null],
    [['1', 'a', 0], null],
    [[1, 2, 0], null],
    [[1, 'a'], null],
    [[1, 'a', 0, 0], null],
    [[Number.MAX_SAFE_INTEGER + 2, 'a', 0], null],
  ])('%j → %j', (values, cursor) => {
    expect(membersCursorOf(values)).toEqual(cursor);
  });
});

describe('secondary suppression: a figure derived from counts shown beside it follows them', () => {
  const dims = { section: 's', sectionLabel: 'S', group: 'g', groupLabel: 'G', measure: 'm', measureLabel: 'M' };
  const quotient = (v: Omit<QuotientValue, 'kind'>): RawFigure => ({
    ...dims,
    unit: 'number',
    members: [],
    value: { kind: 'quotient', ...v },
  });
  const sum = (total: number, members: number): RawFigure => ({
    ...dims,
    unit: 'fte',
    members: Array.from({ length: members }, (_, i) => referral(`r${i}`, i)),
    value: { kind: 'sum', total },
  });
  it.each<[string, RawFigure, number | '[c]' | null, number | '[c]' | null]>([
    [
      '4 assessments over 12.2 FTE (13 AMHPs): the count is hidden, so is the ratio',
      quotient({ numerator: 4, denominator: { sum: 12.2, members: 13 } }),
      0.33,
      '[c]',
    ],
    [
      '23 assessments over 12.2 FTE: from the shown 25 over the shown 10',
      quotient({ numerator: 23, denominator: { sum: 12.2, members: 13 } }),
      1.89,
      2.5,
    ],
    [
      '20 assessments over 3 AMHPs (2.4 FTE): the FTE is hidden, so is the ratio',
      quotient({ numerator: 20, denominator: { sum: 2.4, members: 3 } }),
      8.33,
      '[c]',
    ],
    ['3 over 65 shifts: the mean is hidden', quotient({ numerator: 3, denominator: { count: 65 } }), 0.05, '[c]'],
    ['12 over 3 shifts: the shift count is hidden', quotient({ numerator: 12, denominator: { count: 3 } }), 4, '[c]'],
    ['31 over 64 shifts: from 30 over 65', quotient({ numerator: 31, denominator: { count: 64 } }), 0.48, 0.46],
    ['no shifts: no mean', quotient({ numerator: 0, denominator: { count: 0 } }), null, null],
    [
      '6 over 3 overlapping shifts, the 4 assessments beside it hidden: hidden',
      quotient({ numerator: 6, denominator: { count: 5 }, alongside: [4] }),
      1.2,
      '[c]',
    ],
    ['FTE of 13 AMHPs: to the nearest 5 beside a headcount rounded to 5', sum(12.2, 13), 12.2, 10],
    ['FTE of 3 AMHPs: hidden', sum(2.4, 3), 2.4, '[c]'],
  ])('%s', (_name, figure, plain, suppressed) => {
    expect(figureValue(figure, false)).toBe(plain);
    expect(figureValue(figure, true)).toBe(suppressed);
  });
});
