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
  transformIgnorePatterns: [],
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
