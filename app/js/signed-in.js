// What only a signed-in app uses in main.js (or one opened without a signal on the kept job pack): the phone's state
// under the header, keeping the pack fresh and sending what waits (offline.js, with the outbox), and the forms' drafts
// (drafts.js). Fetched by main.js as a session starts, not with the sign-in screen, so that a phone on a poor signal
// downloads only what signing in needs before it can be used; the service worker keeps it with the rest of the shell.
export { DeviceStatus, deviceSignedIn, readyToSignOut } from './offline.js';
export { forgetDrafts, keepDrafts } from './drafts.js';
