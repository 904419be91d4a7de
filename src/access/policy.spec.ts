import type { Role } from '../auth/roles';
import {
  Action,
  ActionPolicy,
  can,
  personScope,
  POLICY,
  readsTextAboutPeople,
  refersOwnReferrals,
  relationshipBasis,
  seesReferralStatusOnly,
} from './policy';

describe('can(): role × relationship × break-glass', () => {
  const none = { relationships: [] };
  it.each<[string, Role[], Action, Parameters<typeof can>[2], boolean, string]>([
    ['a manager reads any person (hub-wide oversight)', ['manager'], 'person.read', none, true, 'role:manager'],
    ['an allocated AMHP reads the person', ['amhp'], 'person.read', { relationships: ['allocated'] }, true, 'relationship:allocated'],
    ['the duty AMHP reads the person', ['amhp'], 'person.read', { relationships: ['duty'] }, true, 'relationship:duty'],
    ['an AMHP with no relationship is refused', ['amhp'], 'person.read', none, false, 'none'],
    [
      'an AMHP in a break-glass session reads the person',
      ['amhp'],
      'person.read',
      { relationships: [], breakGlassSessionId: 'bg1' },
      true,
      'break-glass:bg1',
    ],
    [
      'a relationship is preferred to break-glass as the basis',
      ['amhp'],
      'person.read',
      { relationships: ['allocated'], breakGlassSessionId: 'bg1' },
      true,
      'relationship:allocated',
    ],
    ['the duty relationship does not allow writing', ['amhp'], 'person.write', { relationships: ['duty'] }, false, 'none'],
    ['the allocated AMHP writes', ['amhp'], 'person.write', { relationships: ['allocated'] }, true, 'relationship:allocated'],
    [
      'the AMHP who conducted an assessment reads it after it closes',
      ['amhp'],
      'assessment-record.read',
      { relationships: ['conducted'] },
      true,
      'relationship:conducted',
    ],
    [
      'conducting an assessment does not open the person’s record',
      ['amhp'],
      'person.read',
      { relationships: ['conducted'] },
      false,
      'none',
    ],
    ['nor lets her change the closed assessment', ['amhp'], 'person.write', { relationships: ['conducted'] }, false, 'none'],
    ['a referrer does not read assessments', ['referrer'], 'assessment-record.read', { relationships: ['referrer'] }, false, 'none'],
    [
      "a referrer does not read the person's record, even of their own referral (its progress only)",
      ['referrer'],
      'person.read',
      { relationships: ['referrer'] },
      false,
      'none',
    ],
    ['a referrer cannot read anyone else', ['referrer'], 'person.read', none, false, 'none'],
    ['a referrer cannot break glass', ['referrer'], 'person.read', { relationships: [], breakGlassSessionId: 'bg1' }, false, 'none'],
    ['a referrer never writes', ['referrer'], 'person.write', { relationships: ['referrer'] }, false, 'none'],
    ['an auditor sees no person data', ['auditor'], 'person.read', none, false, 'none'],
    ['an admin sees no person data', ['admin'], 'person.read', { relationships: ['allocated'] }, false, 'none'],
    ['an admin manages users', ['admin'], 'users.write', undefined, true, 'role:admin'],
    ['a manager does not manage users', ['manager'], 'users.write', undefined, false, 'none'],
    ['an auditor reads the audit log', ['auditor'], 'audit.read', undefined, true, 'role:auditor'],
    ['an AMHP does not read the audit log', ['amhp'], 'audit.read', undefined, false, 'none'],
    ['anyone signed in reads their own account', ['referrer'], 'self.read', undefined, true, 'authenticated'],
    ['only an AMHP opens break-glass', ['manager'], 'break-glass.open', undefined, false, 'none'],
    ['a manager reads any practitioner record', ['manager'], 'practitioners.read', undefined, true, 'role:manager'],
    ['an AMHP passes the route check for own-record reads', ['amhp'], 'practitioners.read', undefined, true, 'own-pending:amhp'],
    ['an AMHP reads their own practitioner record', ['amhp'], 'practitioners.read', { owns: true }, true, 'own:amhp'],
    ["an AMHP cannot read another practitioner's record", ['amhp'], 'practitioners.read', { owns: false }, false, 'none'],
    ['a referrer cannot read practitioner records at all', ['referrer'], 'practitioners.read', { owns: true }, false, 'none'],
    ['an AMHP cannot write practitioner records, even their own', ['amhp'], 'practitioners.write', { owns: true }, false, 'none'],
    [
      'several roles: the first that allows wins',
      ['auditor', 'amhp'],
      'person.read',
      { relationships: ['allocated'] },
      true,
      'relationship:allocated',
    ],
  ])('%s', (_name, roles, action, facts, allowed, basis) => {
    const d = can(roles, action, facts);
    expect(d.allowed).toBe(allowed);
    expect(d.basis).toBe(basis);
    if (!allowed) expect(d.reason).toBeTruthy();
  });

  it('offers break-glass only to roles that may use it', () => {
    expect(can(['amhp'], 'person.read', { relationships: [] }).breakGlassAvailable).toBe(true);
    expect(can(['referrer'], 'person.read', { relationships: [] }).breakGlassAvailable).toBeFalsy();
  });

  it('without a role nothing is allowed, whatever the facts, except what any signed-in user may do', () => {
    for (const action of Object.keys(POLICY) as Action[]) {
      const d = can([], action, { relationships: ['allocated', 'duty', 'referrer'], breakGlassSessionId: 'x', owns: true });
      expect(d.allowed).toBe(!!(POLICY[action] as ActionPolicy).anyAuthenticated);
    }
    expect(
      Object.keys(POLICY)
        .filter((a) => (POLICY[a as Action] as ActionPolicy).anyAuthenticated)
        .sort(),
    ).toEqual(['events.stream', 'notifications.read', 'pages.mine', 'rota.on-duty', 'rules.read', 'self.read', 'self.write']);
  });
});

describe('personScope(): which people a list may show', () => {
  it.each<[Role[], ReturnType<typeof personScope>]>([
    [['manager'], { all: true }],
    [['amhp'], { all: false, relationships: ['allocated', 'duty'], breakGlass: true }],
    [['referrer'], { all: false, relationships: [], breakGlass: false }],
    [['auditor'], { all: false, relationships: [], breakGlass: false }],
  ])('%j', (roles, expected) => {
    expect(personScope(roles, 'person.read')).toEqual(expected);
  });
});

describe('seesReferralStatusOnly: a referrer without a hub role', () => {
  it.each<[Role[], boolean]>([
    [['referrer'], true],
    [['referrer', 'amhp'], false],
    [['referrer', 'manager'], false],
    [['amhp'], false],
    [['auditor'], false],
  ])('%j → %s', (roles, expected) => {
    expect(seesReferralStatusOnly(roles)).toBe(expected);
  });
});

describe('refersOwnReferrals: the referrer relationship holds whatever other roles the account has', () => {
  it.each<[Role[], boolean]>([
    [['referrer'], true],
    [['referrer', 'amhp'], true],
    [['referrer', 'manager'], true],
    [['referrer', 'auditor'], true],
    [['amhp'], false],
    [['manager'], false],
  ])('%j → %s', (roles, expected) => {
    expect(refersOwnReferrals(roles)).toBe(expected);
  });
});

describe('relationshipBasis: the audited basis names where a relationship came from', () => {
  it.each<[string, string, string[], string]>([
    ['on the rota only: duty', 'relationship:duty', ['duty:rota'], 'relationship:duty'],
    ['through an allocation offer', 'relationship:duty', ['duty:referral-offer'], 'relationship:offer'],
    ['through an escalation page', 'relationship:duty', ['duty:referral-escalation'], 'relationship:escalation'],
    [
      'an offer is named before the rota and a page',
      'relationship:duty',
      ['duty:rota', 'duty:referral-escalation', 'duty:referral-offer'],
      'relationship:offer',
    ],
    ['a page before the rota', 'relationship:duty', ['duty:rota', 'duty:referral-escalation'], 'relationship:escalation'],
    [
      'allocated stays allocated',
      'relationship:allocated',
      ['allocated:referral-allocation', 'duty:referral-offer'],
      'relationship:allocated',
    ],
    ['a stored duty of another source stays duty', 'relationship:duty', ['duty:demo-seed'], 'relationship:duty'],
    ['a role is not a relationship', 'role:manager', ['duty:referral-offer'], 'role:manager'],
    ['break-glass is kept', 'break-glass:bg1', [], 'break-glass:bg1'],
  ])('%s', (_, basis, via, expected) => {
    expect(relationshipBasis(basis, via)).toBe(expected);
  });
});

describe('readsTextAboutPeople(): who sees free text about a person (a break-glass reason, a review note, audit details)', () => {
  it.each<[string, Role[], boolean]>([
    ['an auditor, who reviews break-glass use', ['auditor'], true],
    ["a manager, who reads every person's record", ['manager'], true],
    ['an AMHP, who reads the records of people she works with', ['amhp'], true],
    ['an admin, who manages accounts', ['admin'], false],
    ['a referrer', ['referrer'], false],
    ['an admin who is also an auditor', ['admin', 'auditor'], true],
  ])('%s: %s', (_, roles, expected) => {
    expect(readsTextAboutPeople(roles)).toBe(expected);
  });
});
