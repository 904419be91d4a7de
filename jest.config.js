const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The installed packages that ship ES modules ("type": "module": NestJS 12, jose, ...), at any depth of node_modules.
 * Their files go through esm-to-cjs.transformer.js; every other file under node_modules is loaded as it is. Sending
 * all of node_modules through the transformer cost each test file a cache look-up (read, hash, read again) for every
 * one of the ~1,900 modules the app loads: importing the app took a test file 1.38 s, now 1.14 s (mean of four runs each).
 */
function esModulePackages(dir = join(__dirname, 'node_modules'), found = new Set()) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const names = e.name.startsWith('@') ? readdirSync(join(dir, e.name)).map((n) => `${e.name}/${n}`) : [e.name];
    for (const name of names) {
      try {
        if (JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')).type === 'module') found.add(name);
      } catch {
        // Not a package.
      }
      esModulePackages(join(dir, name, 'node_modules'), found);
    }
  }
  return found;
}
const escaped = [...esModulePackages()].sort().map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // Some dependencies are ES modules only; the transformer converts those files and passes the rest through.
    '/node_modules/.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.transformer.js',
    // The app's own browser modules, for unit tests of their pure functions (app/js/time.js).
    '/app/js/.+\\.js$': '<rootDir>/test/support/esm-to-cjs.transformer.js',
  },
  // A file under node_modules is left as it is unless its package (the one after the last node_modules/) ships ES modules.
  transformIgnorePatterns: [`/node_modules/(?!(?:${escaped.join('|')})/)(?:(?!/node_modules/).)*$`],
};
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Three files at once on a 2-core machine: much of a file's time is spent waiting (on Postgres, a browser, a timeout
  // it tests), so a third keeps the cores busy. The whole suite on 2 cores, same clone, quiet: 407 s with 2, 363 s with 3.
  maxWorkers: 3,
  // A global option: set per project it is ignored.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
