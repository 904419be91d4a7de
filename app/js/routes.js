// The app's screens. Each: its hash path (":name" parts become `params`), the component (given `{ me, params }`),
// and, for the menu, a label and the roles that see it (none: everyone signed in). The first route is home.
import { NowScreen } from './screens/now.js';
import { JobScreen } from './screens/job.js';

export const ROUTES = [
  { path: '/', screen: NowScreen, nav: 'Now' },
  { path: '/jobs/:id', screen: JobScreen },
];
