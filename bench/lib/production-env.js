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

/**
 * The Node flags the app runs with (`npm start` and the Dockerfile give them, and a test holds the two together), read
 * from package.json's start script so that a bench measures the app as a council runs it.
 * @type {string[]}
 */
const APP_NODE_FLAGS = require('../../package.json')
  .scripts.start.split(/\s+/)
  .filter((/** @type {string} */ t) => t.startsWith('--'));

/**
 * Every bench that runs the app in its own process calls this before anything else: started without the app's Node
 * flags, it runs itself again with them (same arguments and environment, output straight through, the app copies it
 * forks inherit them) and ends with that run's exit code.
 * @returns {boolean} true when this process only re-ran the bench, and must do nothing more
 */
function runWithAppNodeFlags() {
  if (APP_NODE_FLAGS.every((f) => process.execArgv.includes(f))) return false;
  const { spawnSync } = require('node:child_process');
  const run = spawnSync(process.execPath, [...APP_NODE_FLAGS, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
  return true;
}

module.exports = { productionEnv, APP_NODE_FLAGS, runWithAppNodeFlags };
