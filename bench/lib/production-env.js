'use strict';
// The settings every bench starts the app with: NODE_ENV=production (as a council runs it), so the settings
// production requires are given here, one Web Push (VAPID) key pair per bench process.
const path = require('node:path');
/** @type {typeof import('../../src/config/app-config')} */
const { newVapidKeys } = require(path.join(__dirname, '..', '..', 'dist', 'src', 'config', 'app-config.js'));

const keys = newVapidKeys();
const VAPID = {
  VAPID_PUBLIC_KEY: keys.publicKey,
  VAPID_PRIVATE_KEY: keys.privateKey,
  VAPID_SUBJECT: 'mailto:bench@amhp-hub.invalid',
};

/**
 * `NODE_ENV=production` and the VAPID keys, with the bench's own settings over them.
 * @param {Record<string, string | undefined>} settings
 * @returns {Record<string, string | undefined>}
 */
function productionEnv(settings) {
  return { NODE_ENV: 'production', ...VAPID, ...settings };
}

module.exports = { productionEnv };
