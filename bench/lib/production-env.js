'use strict';
// The settings every bench starts the app with: NODE_ENV=production (as a council runs it), so the settings
// production requires are given here, one Web Push (VAPID) key pair per bench process.
const { createECDH } = require('node:crypto');

const ecdh = createECDH('prime256v1');
ecdh.generateKeys();
const VAPID = {
  VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString('base64url'),
  VAPID_PRIVATE_KEY: ecdh.getPrivateKey().toString('base64url'),
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
