/**
 * End-to-end tests against real Redis, a real database (TEST_DATABASE=sqlite|postgres) and the
 * simulator over HTTP. Run in band: each file starts its own web app, worker and simulator.
 */
module.exports = {
  rootDir: '..',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
};
