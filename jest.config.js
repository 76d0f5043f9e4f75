/** Unit tests: next to the code as *.spec.ts, no services needed. */
module.exports = {
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testEnvironment: 'node',
  // Type checking is `npm run typecheck`'s job; here ts-jest only transpiles, which keeps runs fast.
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
