/**
 * Report 7, out of area (s.13(3): an AMHP may act outside the area of the authority that approved them): the
 * referrals of people who live in another council's area (the referral's other authority), whether they were
 * assessed here or transferred; and the referrals transferred to another council, with those of our own residents
 * (no other authority recorded) apart. Pure.
 */
import type { EquityReferralRow } from './equity';
import { countFigure, type RawFigure } from './report.model';
import { duplicateWithdrawn, member, selected, type Selection } from './rows';

export const OUT_OF_AREA_DEFINITIONS = [
  "What the record holds: a referral's other authority (the person lives in another council's area) and its transfer to another council (transferredTo). Each referral counts in the period it was received; one withdrawn as the duplicate of another open referral of the same person (DUTY-02) is that episode, counted once.",
  "Other areas' residents: referrals with another authority recorded, by that authority; assessed here: an assessment was arranged on the referral; transferred: passed to another council's AMHP service.",
  "Our residents assessed elsewhere: referrals with no other authority recorded (residents of this council's area) transferred to another council, by the council transferred to. An assessment another area arranges without a referral here is not in this record.",
];

export function outOfAreaFigures(sel: Selection, referrals: readonly EquityReferralRow[]): RawFigure[] {
  // A duplicate withdrawn (DUTY-02) is the episode counted on the referral it duplicated.
  const rows = referrals.filter((r) => !duplicateWithdrawn(r) && selected(sel, r, r.receivedAt));
  const transferred = (r: EquityReferralRow) => r.status === 'transferred' || r.transferredTo !== null;
  const out: RawFigure[] = [];
  const byName = (list: EquityReferralRow[], key: (r: EquityReferralRow) => string) => {
    const names = [...new Set(list.map(key))].sort((a, b) => a.localeCompare(b));
    return [...names.map((n) => [n, n, list.filter((r) => key(r) === n)] as const), ['total', 'All', list] as const];
  };
  const residents = rows.filter((r) => r.otherAuthority !== null);
  for (const [group, groupLabel, list] of byName(residents, (r) => r.otherAuthority!)) {
    const dims = { section: 'other-areas-residents', sectionLabel: "Other areas' residents referred here", group, groupLabel };
    out.push(
      countFigure(
        { ...dims, measure: 'referrals', measureLabel: 'Referrals' },
        list.map((r) => member(r, r.receivedAt)),
      ),
    );
    out.push(
      countFigure(
        { ...dims, measure: 'assessed-here', measureLabel: 'Assessed here' },
        list.filter((r) => r.assessed).map((r) => member(r, r.receivedAt)),
      ),
    );
    out.push(
      countFigure(
        { ...dims, measure: 'transferred', measureLabel: 'Transferred to another council' },
        list.filter(transferred).map((r) => member(r, r.receivedAt)),
      ),
    );
  }
  const ours = rows.filter((r) => r.otherAuthority === null && transferred(r));
  for (const [group, groupLabel, list] of byName(ours, (r) => r.transferredTo ?? 'not-named')) {
    out.push(
      countFigure(
        {
          section: 'our-residents-elsewhere',
          sectionLabel: 'Our residents: referrals transferred to another council',
          group,
          groupLabel: group === 'not-named' ? 'Council not named' : groupLabel,
          measure: 'referrals',
          measureLabel: 'Referrals transferred',
        },
        list.map((r) => member(r, r.receivedAt)),
      ),
    );
  }
  return out;
}
