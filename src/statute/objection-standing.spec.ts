import { objectionStanding, type Objector, type RepresentativeAt, type Standing } from './objection-standing';

const MUM = 'mum';
const UNCLE = 'uncle';
const ORDER = 'order-1';
const NP = 'np-1';

const nr: RepresentativeAt = { regime: 'nearest-relative', nearestRelativeId: MUM, actingOrderId: null, nominatedPersonId: null };
const displaced: RepresentativeAt = { ...nr, actingOrderId: ORDER };
const npRegime: RepresentativeAt = { regime: 'nominated-person', nearestRelativeId: null, actingOrderId: null, nominatedPersonId: NP };

describe('objectionStanding (NR-14): whose objection counts', () => {
  const cases: Array<{
    name: string;
    objector: Objector;
    inForce?: boolean;
    then: RepresentativeAt;
    now?: RepresentativeAt;
    standing: Standing;
    counts: boolean;
  }> = [
    {
      name: 'mother is the NR and objects: counts',
      objector: { kind: 'relative', relativeId: MUM },
      then: nr,
      standing: 'nearest-relative',
      counts: true,
    },
    {
      name: 'mother is the NR, the uncle objects: information only',
      objector: { kind: 'relative', relativeId: UNCLE },
      then: nr,
      standing: 'other-relative',
      counts: false,
    },
    {
      name: 'the s.29 acting NR objects: counts (s.29(6))',
      objector: { kind: 'acting-nearest-relative', displacementId: ORDER },
      then: displaced,
      standing: 'acting-nearest-relative',
      counts: true,
    },
    {
      name: "the NR's reg 24 delegate objects: counts",
      objector: { kind: 'delegate', delegateName: 'Friend', forRelativeId: MUM, forDisplacementId: null },
      then: nr,
      standing: 'delegate-of-nearest-relative',
      counts: true,
    },
    {
      name: "the acting NR's reg 24 delegate objects: counts",
      objector: { kind: 'delegate', delegateName: 'Solicitor', forRelativeId: null, forDisplacementId: ORDER },
      then: displaced,
      standing: 'delegate-of-acting-nearest-relative',
      counts: true,
    },
    {
      name: 'a delegate of the uncle (not the NR) objects: information only',
      objector: { kind: 'delegate', delegateName: 'Friend', forRelativeId: UNCLE, forDisplacementId: null },
      then: nr,
      standing: 'delegate-without-authority',
      counts: false,
    },
    {
      name: 'the NR objects but has withdrawn it: nothing',
      objector: { kind: 'relative', relativeId: MUM },
      inForce: false,
      then: nr,
      standing: 'nearest-relative',
      counts: false,
    },
    {
      name: 'the former NR objects after displacement: information only',
      objector: { kind: 'relative', relativeId: MUM },
      then: displaced,
      standing: 'displaced-nearest-relative',
      counts: false,
    },
    {
      name: 'the NR objected, then was displaced by a s.29 order: no longer counts',
      objector: { kind: 'relative', relativeId: MUM },
      then: nr,
      now: displaced,
      standing: 'nearest-relative',
      counts: false,
    },
    {
      name: 'an acting NR whose order is not in force objects: information only',
      objector: { kind: 'acting-nearest-relative', displacementId: 'order-2' },
      then: displaced,
      standing: 'order-not-in-force',
      counts: false,
    },
    {
      name: 'who objected is not recorded: treated as the NR until recorded',
      objector: { kind: 'not-recorded' },
      then: nr,
      standing: 'not-recorded',
      counts: true,
    },
    {
      name: 'before the MHA 2025 commencement, a nominated person objects: information only',
      objector: { kind: 'nominated-person', nominatedPersonId: NP },
      then: nr,
      standing: 'nominated-person-not-commenced',
      counts: false,
    },
    {
      name: 'after the commencement, the nominated person in office objects: counts',
      objector: { kind: 'nominated-person', nominatedPersonId: NP },
      then: npRegime,
      standing: 'nominated-person',
      counts: true,
    },
    {
      name: 'after the commencement, the mother (no longer a representative) objects: information only',
      objector: { kind: 'relative', relativeId: MUM },
      then: npRegime,
      standing: 'not-nominated-person',
      counts: false,
    },
    {
      name: 'a nominated person whose appointment has ended objects: information only',
      objector: { kind: 'nominated-person', nominatedPersonId: 'np-0' },
      then: npRegime,
      standing: 'former-nominated-person',
      counts: false,
    },
    {
      name: 'the NR objected before the commencement; after it, the objection no longer counts',
      objector: { kind: 'relative', relativeId: MUM },
      then: nr,
      now: npRegime,
      standing: 'nearest-relative',
      counts: false,
    },
  ];

  it.each(cases)('$name', ({ objector, inForce, then, now, standing, counts }) => {
    const result = objectionStanding({ objector, inForce: inForce ?? true, atNotification: then, now: now ?? then });
    expect(result.standing).toBe(standing);
    expect(result.counts).toBe(counts);
    expect(result.explanation.length).toBeGreaterThan(10);
  });
});
