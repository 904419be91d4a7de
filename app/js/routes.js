// The app's screens. Each: its hash path (":name" parts become `params`), the component (given `{ me, params }`),
// and, for the menu, a label and the roles that see it (none: everyone signed in). The first route is home.
import { NowScreen } from './screens/now.js';
import { JobScreen } from './screens/job.js';
import { NewReferralScreen } from './screens/referral-new.js';
import { MyReferralsScreen, ReferralScreen } from './screens/my-referrals.js';
import { AllocateScreen, HandoverScreen, HubScreen } from './screens/hub.js';
import { DecisionScreen, DecisionsScreen, NewDecisionScreen } from './screens/decisions.js';
import { ShiftsScreen } from './screens/shifts.js';

export const ROUTES = [
  { path: '/', screen: NowScreen, nav: 'Now' },
  { path: '/jobs/:id', screen: JobScreen },
];
ROUTES.push({ path: '/referrals/new', screen: NewReferralScreen, nav: 'Send a referral', roles: ['referrer'] });
ROUTES.push({ path: '/referrals', screen: MyReferralsScreen, nav: 'My referrals', roles: ['referrer'] });
ROUTES.push({ path: '/referrals/:id', screen: ReferralScreen });
ROUTES.push({ path: '/hub', screen: HubScreen, nav: 'Hub', roles: ['manager'] });
ROUTES.push({ path: '/referrals/:id/allocate', screen: AllocateScreen, roles: ['manager'] });
ROUTES.push({ path: '/handover', screen: HandoverScreen, nav: 'Handover', roles: ['manager'] });
ROUTES.push({ path: '/decisions/new', screen: NewDecisionScreen, roles: ['amhp', 'manager'] });
ROUTES.push({ path: '/decisions', screen: DecisionsScreen, nav: 'Decisions', roles: ['amhp', 'manager'] });
ROUTES.push({ path: '/decisions/:id', screen: DecisionScreen, roles: ['amhp', 'manager'] });
ROUTES.push({ path: '/shifts', screen: ShiftsScreen, nav: 'My shifts', roles: ['amhp'] });
