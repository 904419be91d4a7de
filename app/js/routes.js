// The app's screens. Each: its hash path (":name" parts become `params`), the component (given `{ me, params }`),
// and, for the menu, a label and the roles that see it (none: everyone signed in). The first route is home.
// Every screen's module, Now's too, is fetched when it is first opened (`load`), so a phone on a poor signal downloads
// only what the sign-in screen needs before it can be used (bench/app-budget.bench.js holds the first load to its
// budget). The service worker, installed by that first load, keeps every screen's module, so each opens at once after
// sign-in, and without a signal.

/** A screen fetched on first use: `name` exported by the module `load` imports. */
const later = (load, name) => () => load().then((m) => m[name]);

export const ROUTES = [
  { path: '/', load: later(() => import('./screens/now.js'), 'NowScreen'), nav: 'Now' },
  { path: '/jobs/:id', load: later(() => import('./screens/job.js'), 'JobScreen') },
];
ROUTES.push({
  path: '/referrals/new',
  load: later(() => import('./screens/referral-new.js'), 'NewReferralScreen'),
  nav: 'Send a referral',
  roles: ['referrer'],
});
ROUTES.push({
  path: '/referrals',
  load: later(() => import('./screens/my-referrals.js'), 'MyReferralsScreen'),
  nav: 'My referrals',
  roles: ['referrer'],
});
ROUTES.push({ path: '/referrals/:id', load: later(() => import('./screens/my-referrals.js'), 'ReferralScreen') });
ROUTES.push({ path: '/hub', load: later(() => import('./screens/hub.js'), 'HubScreen'), nav: 'Hub', roles: ['manager'] });
ROUTES.push({ path: '/referrals/:id/allocate', load: later(() => import('./screens/hub.js'), 'AllocateScreen'), roles: ['manager'] });
ROUTES.push({ path: '/handover', load: later(() => import('./screens/hub.js'), 'HandoverScreen'), nav: 'Handover', roles: ['manager'] });
ROUTES.push({
  path: '/decisions/new',
  load: later(() => import('./screens/decisions.js'), 'NewDecisionScreen'),
  roles: ['amhp', 'manager'],
});
ROUTES.push({
  path: '/decisions',
  load: later(() => import('./screens/decisions.js'), 'DecisionsScreen'),
  nav: 'Decisions',
  roles: ['amhp', 'manager'],
});
ROUTES.push({ path: '/decisions/:id', load: later(() => import('./screens/decisions.js'), 'DecisionScreen'), roles: ['amhp', 'manager'] });
ROUTES.push({
  path: '/cto-extensions',
  load: later(() => import('./screens/cto-statements.js'), 'CtoStatementsScreen'),
  nav: 'CTO statements',
  roles: ['amhp'],
});
ROUTES.push({
  path: '/cto-extensions/:id',
  load: later(() => import('./screens/cto-statements.js'), 'CtoStatementScreen'),
  roles: ['amhp', 'manager'],
});
ROUTES.push({ path: '/shifts', load: later(() => import('./screens/shifts.js'), 'ShiftsScreen'), nav: 'My shifts', roles: ['amhp'] });
ROUTES.push({
  path: '/notifications',
  load: later(() => import('./screens/notifications.js'), 'NotificationsScreen'),
  nav: 'Notifications',
});
