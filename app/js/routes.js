// The app's screens. Each: its hash path (":name" parts become `params`), the component (given `{ me, params }`),
// and, for the menu, a label and the roles that see it (none: everyone signed in). The first route is home.
import { NowScreen } from './screens/now.js';
import { NotificationsScreen } from './screens/notifications.js';

export const ROUTES = [{ path: '/', screen: NowScreen, nav: 'Now' }];
ROUTES.push({ path: '/notifications', screen: NotificationsScreen, nav: 'Notifications' });
